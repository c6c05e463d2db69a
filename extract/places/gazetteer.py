"""The gazetteer: every county-level division of mainland China with its city and province, and the
levels above them (provinces, prefecture-level cities).

Data: extract/data/counties.tsv and regions.tsv, built by scripts/build_gazetteer.py from the official
行政区划代码 list (see that script for provenance). Loaded once, lazily, into dict indexes.

    lookup("贡山")    -> [贡山独龙族怒族自治县 (怒江傈僳族自治州, 云南省)]
    lookup("蘭考縣")  -> [兰考县 (开封市, 河南省)]     # either script
    lookup("朝阳区")  -> several: the name is shared by districts of different cities
    lookup("巴左旗")  -> [巴林左旗 (赤峰市, 内蒙古自治区)]   # a banner's usual abbreviation
    lookup_place("临汾") -> [临汾市 (山西省), level city];  lookup_place("山西") -> [山西省, level province]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

from extract.models import County

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "counties.tsv"
REGIONS_FILE = DATA_FILE.parent / "regions.tsv"
Level = Literal["county", "city", "province"]

# How a form names its county: the full official name, a colloquial alias (贡山县 for
# 贡山独龙族怒族自治县) or the bare short name (贡山), which may also be an ordinary word.
FULL, ALIAS, SHORT = "full", "alias", "short"


class Entry(NamedTuple):  # a tuple: 2,849 of them are built at every cold start
    code: str
    name: str
    short: str
    kind: str  # 县, 自治县, 县级市, 旗, 自治旗, 市辖区, 林区, 特区
    city: str | None
    city_short: str | None
    province: str
    province_short: str
    name_freq: int  # how often the full name is an ordinary word (jieba corpus)
    short_freq: int

    def county(self) -> County:
        return County(name=self.name, city=self.city, province=self.province)


@dataclass(frozen=True, slots=True)
class Index:
    entries: tuple[Entry, ...]
    forms: dict[str, tuple[tuple[Entry, str], ...]]  # written form -> (entry, FULL/ALIAS/SHORT)
    prefixes: frozenset[str]  # first two characters of every form: a cheap pre-filter for scans
    names: frozenset[str]  # forms that name a county in full (FULL or ALIAS), not by a bare short name
    max_len: int
    cities: dict[str, tuple[str, ...]]  # city name or short -> province names (context for short names)
    provinces: frozenset[str]  # province names and shorts


@cache
def index() -> Index:
    text = DATA_FILE.read_text(encoding="utf-8")
    rows = [ln.split("\t") for ln in text.splitlines() if ln and not ln.startswith("#")]
    if tuple(rows[0]) != Entry._fields:
        raise RuntimeError(
            f"{DATA_FILE}: unexpected columns {rows[0]}; rebuild with scripts/build_gazetteer.py"
        )
    # plain split and tuples: csv.DictReader or dataclasses cost a cold start several times more
    entries = [
        Entry(code, name, short, kind, city or None, city_short or None, prov, prov_short, int(nf), int(sf))
        for code, name, short, kind, city, city_short, prov, prov_short, nf, sf in rows[1:]
    ]
    full_names = {e.name for e in entries}
    forms: dict[str, list[tuple[Entry, str]]] = {}
    for e in entries:
        forms.setdefault(e.name, []).append((e, FULL))
    generic_of = {"自治县": "县", "自治旗": "旗"}
    aliases: set[str] = set()
    for e in entries:
        if not e.short:
            continue
        bucket = forms.setdefault(e.short, [])
        if all(x.code != e.code for x, _ in bucket):
            bucket.append((e, SHORT))
        # 贡山县 / 莫力达瓦旗: what reports call an autonomous county in running text
        generic = generic_of.get(e.kind)
        if generic and e.short + generic not in full_names:
            bucket = forms.setdefault(e.short + generic, [])
            if all(x.code != e.code for x, _ in bucket):
                bucket.append((e, ALIAS))
                aliases.add(e.short + generic)
    # 徐水县 -> 徐水区, 安国县 -> 安国市: a district or county-level city that was a county, as reports from
    # before the change (and people since) still write it — unless another county bears that name or the
    # short name is an everyday word (振兴县域 is no 振兴区)
    # or made of generic words (市南: 益阳市南县 is 南县)
    generic_chars = set("新老城市中东西南北关上下前后内外郊矿")
    former = [
        e
        for e in entries
        if e.kind in ("市辖区", "县级市")
        and len(e.short or "") >= 2
        and e.short_freq < 50
        and not set(e.short) <= generic_chars
    ]
    for e in former:
        name = e.short + "县"
        if name in full_names or any(how != ALIAS for _, how in forms.get(name, ())):
            continue
        bucket = forms.setdefault(name, [])
        if all(x.code != e.code for x, _ in bucket):
            bucket.append((e, ALIAS))
            aliases.add(name)
    for e in entries:  # 巴林左旗 -> 巴左旗, 科尔沁右翼前旗 -> 科右前旗: banners as running text writes them
        abbr = banner_abbreviation(e.name)
        if abbr and abbr not in forms:
            forms[abbr] = [(e, ALIAS)]
            aliases.add(abbr)
    cities: dict[str, set[str]] = {}
    for e in entries:
        if e.city:
            cities.setdefault(e.city, set()).add(e.province)
        if e.city_short:
            cities.setdefault(e.city_short, set()).add(e.province)
    provinces = frozenset({e.province for e in entries} | {e.province_short for e in entries})
    frozen = {k: tuple(v) for k, v in forms.items()}
    return Index(
        entries=tuple(entries),
        forms=frozen,
        prefixes=frozenset(k[:2] for k in frozen),
        names=frozenset(full_names | aliases),
        max_len=max(map(len, frozen)),
        cities={k: tuple(sorted(v)) for k, v in cities.items()},
        provinces=provinces,
    )


# widely written abbreviations that follow no pattern (one-character ones like 莫旗 are too ambiguous)
_IRREGULAR_ABBREVIATIONS = {
    "达尔罕茂明安联合旗": "达茂旗",
    "东乌珠穆沁旗": "东乌旗",
    "西乌珠穆沁旗": "西乌旗",
}
_BANNER = re.compile(r"^(\w{2,}?)(左翼|右翼)?([左右前后中])旗$")


def banner_abbreviation(name: str) -> str | None:
    """The first character of a banner's stem, then its side and position: 巴林左旗 -> 巴左旗,
    科尔沁左翼中旗 -> 科左中旗, 鄂托克前旗 -> 鄂前旗. None for names not shaped so."""
    if name in _IRREGULAR_ABBREVIATIONS:
        return _IRREGULAR_ABBREVIATIONS[name]
    m = _BANNER.match(name)
    if not m:
        return None
    stem, wing, position = m.groups()
    return f"{stem[0]}{wing[0] if wing else ''}{position}旗"


def _simplified(text: str) -> str:
    # the normalisation's converter: one OpenCC instance per process
    from extract.text.script import to_simplified

    return to_simplified(text)


def lookup_entries(name: str) -> list[Entry]:
    """Entries written `name` (full name, alias or short name; either script)."""
    key = "".join(name.split())
    if not key:
        return []
    idx = index()
    hits = idx.forms.get(key)
    if hits is None:
        simple = _simplified(key)
        hits = idx.forms.get(simple, ()) if simple != key else ()
    # an exact full name beats a short name that happens to read the same
    full = [e for e, how in hits if how == FULL]
    return full or [e for e, _ in hits]


def lookup(name: str) -> list[County]:
    """Counties called `name`: exact full name, short name (`贡山`) or alias (`贡山县`), either script.

    Several results when the name is shared (城关区, 朝阳区...); [] when unknown."""
    return [e.county() for e in lookup_entries(name)]


def all_counties() -> list[County]:
    return [e.county() for e in index().entries]


# -- the levels above counties --------------------------------------------------------------------------
class Region(NamedTuple):
    code: str
    name: str  # 临汾市, 怒江傈僳族自治州, 山西省
    short: str  # 临汾, 怒江, 山西
    level: Level  # "city" (prefecture level) or "province"
    province: str | None  # a city's province

    def county(self) -> County:
        return County(name=self.name, province=self.province, level=self.level)


@cache
def regions() -> dict[str, tuple[tuple[Region, str], ...]]:
    """Written form (full name or short) -> (region, FULL/SHORT)."""
    rows = [ln.split("\t") for ln in REGIONS_FILE.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r[0] and not r[0].startswith("#")]
    if tuple(rows[0]) != ("code", "name", "short", "level", "province"):
        raise RuntimeError(f"{REGIONS_FILE}: unexpected columns {rows[0]}; run scripts/build_gazetteer.py")
    forms: dict[str, list[tuple[Region, str]]] = {}
    for code, name, short, level, province in rows[1:]:
        region = Region(code, name, short, level, province or None)  # type: ignore[arg-type]
        forms.setdefault(name, []).append((region, FULL))
        if short and short != name:
            forms.setdefault(short, []).append((region, SHORT))
    return {k: tuple(v) for k, v in forms.items()}


def lookup_regions(name: str) -> list[Region]:
    """Provinces and prefecture-level cities written `name` (full or short, either script); a full name
    beats a short one (吉林市 is the city; 吉林 is the province and the city)."""
    key = "".join(name.split())
    if not key:
        return []
    hits = regions().get(key) or regions().get(_simplified(key), ())
    full = [r for r, how in hits if how == FULL]
    return full or sorted((r for r, _ in hits), key=lambda r: r.level != "province")


def lookup_place(name: str) -> list[County]:
    """Places called `name` at any level, each with its `level`. A county's full name or a city's or
    province's full name is exact; a short form means the county when one is called so (抚顺 is 抚顺县,
    抚顺市 must be asked for in full), else the city or province (临汾, 山西)."""
    entries = lookup_entries(name)
    full_regions = [r for r in lookup_regions(name) if r.name == _simplified("".join(name.split()))]
    if any(e.name == _simplified("".join(name.split())) for e in entries) or (entries and not full_regions):
        return [e.county() for e in entries]
    return [r.county() for r in (full_regions or lookup_regions(name))]
