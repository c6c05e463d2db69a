"""The county gazetteer: every county-level division of mainland China with its city and province.

Data: extract/data/counties.tsv, built by scripts/build_gazetteer.py from the official
行政区划代码 list (see that script for provenance). Loaded once, lazily, into dict indexes.

    lookup("贡山")    -> [贡山独龙族怒族自治县 (怒江傈僳族自治州, 云南省)]
    lookup("蘭考縣")  -> [兰考县 (开封市, 河南省)]     # either script
    lookup("朝阳区")  -> several: the name is shared by districts of different cities
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from extract.models import County

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "counties.tsv"

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
