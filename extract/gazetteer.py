"""The county gazetteer: every county-level division of mainland China with its city and province.

Data: extract/data/counties.tsv, built by scripts/build_gazetteer.py from the official
行政区划代码 list (see that script for provenance). Loaded once, lazily, into dict indexes.

    lookup("维西")    -> [维西傈僳族自治县 (迪庆藏族自治州, 云南省)]
    lookup("大寧縣")  -> [大宁县 (临汾市, 山西省)]     # either script
    lookup("朝阳区")  -> several: the name is shared by districts of different cities
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from extract.models import County

DATA_FILE = Path(__file__).resolve().parent / "data" / "counties.tsv"

# How a form names its county: the full official name, a colloquial alias (维西县 for
# 维西傈僳族自治县) or the bare short name (维西), which may also be an ordinary word.
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
    max_len: int
    cities: dict[str, tuple[str, ...]]  # city name or short -> province names (context for short names)
    provinces: frozenset[str]  # province names and shorts


@cache
def index() -> Index:
    entries: list[Entry] = []
    lines = [ln for ln in DATA_FILE.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    header = lines[0].split("\t")
    if tuple(header) != Entry._fields:
        raise RuntimeError(
            f"{DATA_FILE}: unexpected columns {header}; rebuild with scripts/build_gazetteer.py"
        )
    for line in lines[1:]:  # plain split: csv.DictReader costs a cold start several times more
        code, name, short, kind, city, city_short, province, province_short, nf, sf = line.split("\t")
        entries.append(
            Entry(
                code,
                name,
                short,
                kind,
                city or None,
                city_short or None,
                province,
                province_short,
                int(nf),
                int(sf),
            )
        )
    full_names = {e.name for e in entries}
    forms: dict[str, list[tuple[Entry, str]]] = {}

    def add(form: str, entry: Entry, how: str) -> None:
        bucket = forms.setdefault(form, [])
        if all(x.code != entry.code for x, _ in bucket):
            bucket.append((entry, how))

    for e in entries:
        add(e.name, e, FULL)
    for e in entries:
        if not e.short:
            continue
        add(e.short, e, SHORT)
        # 维西县 / 莫力达瓦旗: what reports call an autonomous county in running text
        generic = {"自治县": "县", "自治旗": "旗"}.get(e.kind)
        if generic and e.short + generic not in full_names:
            add(e.short + generic, e, ALIAS)
    cities: dict[str, set[str]] = {}
    for e in entries:
        for c in (e.city, e.city_short):
            if c:
                cities.setdefault(c, set()).add(e.province)
    provinces = frozenset({e.province for e in entries} | {e.province_short for e in entries})
    frozen = {k: tuple(v) for k, v in forms.items()}
    return Index(
        entries=tuple(entries),
        forms=frozen,
        prefixes=frozenset(k[:2] for k in frozen),
        max_len=max(len(k) for k in frozen),
        cities={k: tuple(sorted(v)) for k, v in cities.items()},
        provinces=provinces,
    )


def _simplified(text: str) -> str:
    try:  # the normalisation module's converter when it exists (one OpenCC instance per process)
        from extract.script import to_simplified  # type: ignore[import-not-found]
    except ImportError:
        return _opencc().convert(text)
    return to_simplified(text)


@cache
def _opencc():
    import opencc

    return opencc.OpenCC("tw2s")


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
    """Counties called `name`: exact full name, short name (`维西`) or alias (`维西县`), either script.

    Several results when the name is shared (城关区, 朝阳区...); [] when unknown."""
    return [e.county() for e in lookup_entries(name)]


def all_counties() -> list[County]:
    return [e.county() for e in index().entries]
