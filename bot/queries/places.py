"""Query-side place lookup (issue L): a name a user typed -> the place(s) it means, at every level, and
the closest names when it means none.

    resolve_place("临汾")    -> ok [临汾市 (city)]
    resolve_place("海南")    -> ok [海南省]; others: [海南藏族自治州, 海南区] (a province's name means it)
    resolve_place("长沙")    -> ambiguous [长沙市 (city), 长沙县 (county)] (the user is asked which)
    resolve_place("朝阳区")  -> ambiguous [three 朝阳区 …] (told apart by city/province: 北京朝阳区)
    resolve_place("平路")    -> unknown, suggestions [平陆县 …] (edit distance over the gazetteer)
    split_rollup("临汾 各县") -> ("临汾", True)

Pure (gazetteer only, no database). Readings come from bot/data/pinyin.tsv, precomputed with pypinyin (a
dev dependency) by scripts/build_pinyin.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from extract.models import County

Status = Literal["ok", "ambiguous", "unknown"]
SUGGESTIONS = 5

# "/targets 临汾 各县": the city's (or province's) counties side by side
_ROLLUP = re.compile(
    r"[\s,，、]*(?:各县(?:区|市区|市)?|各区县|所辖各?县(?:区)?|下辖各?县(?:区)?|辖区各县|各縣(?:區)?)$"
)


@dataclass
class PlaceMatch:
    status: Status
    query: str
    places: list[County] = field(default_factory=list)  # ok: one; ambiguous: the choices
    others: list[County] = field(default_factory=list)  # ok by a province's name: the namesakes below it
    suggestions: list[County] = field(default_factory=list)  # unknown: the closest names


def split_rollup(query: str) -> tuple[str, bool]:
    """("临汾", True) for "临汾 各县" / "临汾各县" / "臨汾 各縣"; (query, False) otherwise."""
    q = query.strip()
    m = _ROLLUP.search(q)
    if m and m.start() > 0:
        return q[: m.start()].strip(), True
    return q, False


def _simplified(text: str) -> str:
    from extract.text.script import to_simplified  # always converts (a short name is never "detected")

    return to_simplified(text)


def _key(query: str) -> str:
    return _simplified("".join(query.split()))


def _unique(places: list[County]) -> list[County]:
    seen: set[tuple[str, str | None, str | None, str]] = set()
    out = []
    for c in places:
        k = (c.name, c.city, c.province, c.level)
        if k not in seen:
            seen.add(k)
            out.append(c)
    return out


def resolve_place(query: str) -> PlaceMatch:
    """The place a name means (see the module doc). A full official name is exact at its level; a short
    name shared by a city and a county is asked about; a province's short name means the province."""
    from bot.queries.targets import resolve_county
    from extract.places.gazetteer import lookup_entries, lookup_regions

    q = query.strip()
    key = _key(q)
    if not key:
        return PlaceMatch("unknown", q)
    entries = lookup_entries(key)
    regions = lookup_regions(key)
    full = [e.county() for e in entries if e.name == key] + [r.county() for r in regions if r.name == key]
    if full:
        return _match(q, _unique(full))
    provinces = [r.county() for r in regions if r.level == "province"]
    if provinces:
        others = [r.county() for r in regions if r.level != "province"] + [e.county() for e in entries]
        return PlaceMatch("ok", q, provinces[:1], others=_unique(others))
    shorts = _unique([r.county() for r in regions] + [e.county() for e in entries])
    if shorts:
        return _match(q, shorts)
    status, found = resolve_county(q)  # a name with its city/province around it: 南京鼓楼, 鼓楼区（南京市）
    if found:
        return PlaceMatch(status, q, found)
    return PlaceMatch("unknown", q, suggestions=suggest(q))


def _match(query: str, places: list[County]) -> PlaceMatch:
    if len(places) == 1:
        return PlaceMatch("ok", query, places)
    # a city before its namesake county (长沙市, 长沙县), as a reader would list them
    order = {"province": 0, "city": 1, "county": 2}
    return PlaceMatch("ambiguous", query, sorted(places, key=lambda c: order[c.level]))


def _same(a: County, b: County) -> bool:
    return (a.name, a.city, a.province, a.level) == (b.name, b.city, b.province, b.level)


# ---- by code (the choice buttons carry the gazetteer's code: short, and unique at every level) -----------


@cache
def _codes() -> tuple[dict[str, County], dict[tuple[str, str | None, str | None, str], str]]:
    from extract.places.gazetteer import index, regions

    by_code: dict[str, County] = {}
    for e in index().entries:
        by_code[e.code] = e.county()
    for hits in regions().values():
        for r, _ in hits:
            by_code[r.code] = r.county()
    back = {(c.name, c.city, c.province, c.level): code for code, c in by_code.items()}
    return by_code, back


def place_by_code(code: str) -> County | None:
    return _codes()[0].get(code)


def code_of(place: County) -> str | None:
    return _codes()[1].get((place.name, place.city, place.province, place.level))


def counties_of(region: County) -> list[County]:
    """The county-level divisions of a city (its 县/区/县级市/旗) or of a province."""
    from extract.places.gazetteer import index

    if region.level == "city":
        return [
            e.county() for e in index().entries if e.city == region.name and e.province == region.province
        ]
    if region.level == "province":
        return [e.county() for e in index().entries if e.province == region.name]
    return []


# ---- suggestions -------------------------------------------------------------------------------------------


@cache
def _forms() -> tuple[tuple[str, tuple[County, ...]], ...]:
    """Every written form (full names and short names of all levels) with the places it names."""
    from extract.places.gazetteer import index, regions

    forms: dict[str, list[County]] = {}
    for e in index().entries:
        for form in (e.name, e.short):
            if form and len(form) >= 2:
                forms.setdefault(form, []).append(e.county())
    for form, hits in regions().items():
        if len(form) >= 2:
            forms.setdefault(form, []).extend(r.county() for r, _ in hits)
    return tuple((f, tuple(_unique(cs))) for f, cs in forms.items())


def _distance(a: str | tuple[str, ...], b: str | tuple[str, ...], limit: int) -> int:
    """Levenshtein distance, giving up (limit + 1) once every path is over `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


PINYIN_FILE = Path(__file__).resolve().parents[1] / "data" / "pinyin.tsv"  # scripts/build_pinyin.py


@cache
def _readings() -> dict[str, str]:
    rows = (ln.split("\t") for ln in PINYIN_FILE.read_text(encoding="utf-8").splitlines())
    return {r[0]: r[1] for r in rows if len(r) == 2 and not r[0].startswith("#")}


def _sound(text: str) -> tuple[str, ...]:
    """The syllables of a name (a character without a known reading stands for itself)."""
    readings = _readings()
    return tuple(readings.get(ch, ch) for ch in text)


@cache
def _sounds() -> tuple[tuple[tuple[str, ...], str], ...]:
    return tuple((_sound(form), "".join(s[0] for s in _sound(form))) for form, _ in _forms())


_LATIN = re.compile(r"[A-Za-z]{2,8}")


def suggest(query: str, limit: int = SUGGESTIONS) -> list[County]:
    """The places whose name is closest to `query`: one character off for a short query, two for a
    longer one, or the same sound (龙油 -> 龙游, a pinyin keyboard's usual slip), either script; pinyin
    initials (dnx -> 大宁县) when the query is Latin letters. Nearest first: same sound before same
    characters, counties before cities of the same distance."""
    key = _key(query)
    if not key or len(key) > 20:
        return []
    forms, sounds = _forms(), _sounds()
    scored: list[tuple[int, int, int, County]] = []
    if _LATIN.fullmatch(key):
        initials = key.lower()
        for n, ((_, places), (_, abbr)) in enumerate(zip(forms, sounds, strict=True)):
            if abbr == initials:
                scored += [(0, 0, n, c) for c in places]
    else:
        budget = 1 if len(key) <= 3 else 2
        heard = _sound(key)
        for n, ((form, places), (sound, _)) in enumerate(zip(forms, sounds, strict=True)):
            d = _distance(key, form, budget)
            if d > budget:
                continue
            by_sound = _distance(heard, sound, budget)  # type: ignore[arg-type]
            scored += [(by_sound, d, n, c) for c in places]
    scored.sort(key=lambda t: t[:3])
    return _unique([c for *_, c in scored])[:limit]


# ---- how an answer names the place's level ----------------------------------------------------------


def level_word(place: County | None) -> str:
    """该县 / 该区 / 该旗 / 该市 / 该州 / 该盟 / 该地区 / 该省 — what the place is, as its name says."""
    if place is None:
        return "该县"
    name = place.name
    if place.level == "province":
        if name.endswith("自治区"):
            return "该自治区"
        return "该市" if name.endswith("市") else "该省"
    for suffix, word in (("地区", "该地区"), ("州", "该州"), ("盟", "该盟"), ("旗", "该旗"), ("区", "该区")):
        if name.endswith(suffix):
            return word
    if name.endswith("市"):
        return "该市"
    return "该县"


def level_name(place: County) -> str:
    """市 / 县 / 区 / 旗 / 省 … — the one-word level shown on a choice button."""
    return level_word(place).removeprefix("该")


def place_query(place: County) -> str:
    """The shortest name that resolves to exactly `place`: its full name, else with its city (南京市鼓楼区),
    its province, or both before it. What a choice button or an example asks for."""
    city = place.city if place.city != place.name else None
    province = place.province if place.province != place.name else None
    tries = [place.name, f"{city}{place.name}" if city else "", f"{province}{place.name}" if province else ""]
    for q in filter(None, tries):
        match = resolve_place(q)
        if match.status == "ok" and match.places and _same(match.places[0], place):
            return q
    return "".join(x for x in (province, city) if x) + place.name
