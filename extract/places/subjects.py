"""Which of the counties a report names are its subjects, and how sure that is (issue L).

The tallies come from extract.places.counties (every mention outside a longer word, weighted by where it
stands and how it names the county); here the weightiest is the subject, others join it when the report is
clearly about them too, and each gets its `County.confidence`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from extract.models import County
from extract.places.gazetteer import Entry

_HEAD_ZONES = frozenset({"title", "lead", "source", "file", "authors", "head"})


@dataclass(slots=True)
class Tally:
    """One county's evidence in a report, counted by counties.py, weighed here."""

    entry: Entry | None  # None: a name shared by several counties that the text does not resolve
    name: str
    score: float = 0.0
    strong: int = 0
    weak: int = 0
    first: tuple[int, int] = (99, 10**9)
    zones: set[str] = field(default_factory=set)
    weak_freq: int = 0
    forms: set[str] = field(default_factory=set)
    place_uses: int = 0  # bare short names used as a place (evidence.place_use)
    full: int = 0  # mentions by a full name or alias (吉县 too, though one so short counts as weak)
    full_zones: set[str] = field(default_factory=set)
    context: bool = False  # the report names the county's city or province
    followed: bool = False  # the chat follows this county (a weak prior)
    officials: int = 0  # later mentions of an official named with this county (某县委书记张三 … 张三指出)


def _is_subject(t: Tally, top: Tally) -> bool:
    if t is top:
        return True
    if t.entry is None:
        return False
    mentions = t.strong + t.weak
    return "title" in t.zones or (mentions >= 2 and t.strong >= 1 and t.score >= 0.3 * top.score)


def counties_from_tallies(tallies: list[Tally]) -> list[County]:
    if not tallies:
        return []
    top = tallies[0]
    mentions = top.strong + top.weak + top.officials
    if mentions < 2 and not top.zones & _HEAD_ZONES and not (top.place_uses or top.followed):
        return []  # one mention deep in the body: a place named in passing (a city report, say)
    out: list[County] = []
    for t in tallies:
        if not _is_subject(t, top):
            continue
        county = t.entry.county() if t.entry else County(name=t.name)
        county.confidence = confidence(t, tallies)
        out.append(county)
    return out


def confidence(t: Tally, tallies: list[Tally]) -> Literal["sure", "likely"]:
    """"sure": the full name (twice, or once where the report names itself — title, lead, source, file,
    byline — or beside short mentions), or the short name used as a place again and again with its city or
    province named. Anything less — a short name once or twice, a followed county's passing mention — and a
    county that only short names make the winner over a close rival is "likely"."""
    if t.strong >= 2 or (t.strong and (t.zones & _HEAD_ZONES or t.weak)):
        return "sure"
    if t.strong:
        return "likely"
    if t.full_zones & {"title", "source", "file"} or t.full >= 3 or (t.full >= 2 and t.context):
        return "sure"  # 威县 again and again, 沁县 in the title: a short full name, repeated or placed
    uses = t.place_uses
    rival = any(o is not t and o.entry is not None and o.score >= 0.8 * t.score for o in tallies)
    if rival:
        return "likely"
    if (uses >= 2 and t.context) or (uses and t.strong + t.weak >= 3 and t.context):
        return "sure"
    if t.weak >= 3 and t.context and "title" in t.zones:
        return "sure"
    return "likely"
