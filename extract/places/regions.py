"""A report by a prefecture-level city (临汾市) or a province (山西省): the place it is about when no
county is. Only full official names count here — a city's short name is too often an ordinary word
(长治久安, 大同, 中山路) — and, as for counties, a place named once deep in the body is no subject."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from extract.models import County, Document
from extract.places.counties import (
    ZONE_WEIGHT,
    accepted,
    all_tallies,
    candidate,
    counties_from_tallies,
    report_zones,
)
from extract.places.gazetteer import FULL, Region, lookup, regions

_HEAD_ZONES = {"title", "lead", "source", "authors"}
# a report that speaks as a county (全县, 我县, 本旗 …): the city or province it names is its setting, not its
# author (易县's report names 雄安新区 as an opportunity as often as itself). Not 全区: an autonomous region's
# own report says 全区.
_SPEAKS_AS_COUNTY = re.compile(r"(?:全|我|本)(?:县|旗)(?!域|委|级)")


@dataclass(slots=True)
class _Tally:
    region: Region
    score: float = 0.0
    mentions: int = 0
    first: tuple[int, int] = (99, 10**9)
    zones: set[str] = field(default_factory=set)


@cache
def _full_names() -> tuple[re.Pattern[str], dict[str, Region]]:
    by_name = {form: r for form, hits in regions().items() for r, how in hits if how == FULL}
    pattern = "|".join(map(re.escape, sorted(by_name, key=len, reverse=True)))  # longest first
    return re.compile(pattern), by_name


def _mentions(text: str) -> Iterable[tuple[int, Region]]:
    scan, by_name = _full_names()
    for m in scan.finditer(text):
        region = by_name[m.group()]
        if m.group().endswith("市") and text[m.end() : m.end() + 1] == "场":
            continue  # 吉林市场监管局: a market, not the city
        following = scan.match(text, m.end())
        if region.level == "province" and following and by_name[following.group()].province == region.name:
            continue  # 山西省临汾市: the province only says where the city is
        yield m.start(), region


def find_region(doc: Document) -> County | None:
    """The city or province the report is about, judged as counties are: named in the title, lead,
    source or byline, or at least twice; the most weighty mention wins, the earlier on a tie."""
    top = _region_tally(doc)
    return top.region.county() if top else None


def _region_tally(doc: Document) -> _Tally | None:
    zones = report_zones(doc)
    order = {z: i for i, (z, _) in enumerate(zones)}
    tallies: dict[str, _Tally] = {}
    for zone, text in zones:
        for start, region in _mentions(text):
            t = tallies.setdefault(region.code, _Tally(region))
            t.score += ZONE_WEIGHT[zone]
            t.mentions += 1
            t.first = min(t.first, (order[zone], start))
            t.zones.add(zone)
    ranked = sorted(tallies.values(), key=lambda t: (-t.score, t.first))
    if not ranked or (ranked[0].mentions < 2 and not ranked[0].zones & _HEAD_ZONES):
        return None
    return ranked[0]


class Attribution(NamedTuple):
    places: list[County]  # the report's counties (each "sure" or "likely"), or its city or province
    # when no place or only a likely one was found: the likeliest counties, best first, for the user to pick
    candidates: list[County]


MAX_CANDIDATES = 3


def attribute_places(
    doc: Document,
    person_names: Iterable[str] = (),
    followed: Iterable[str] = (),
    roles: Mapping[str, str] | None = None,
) -> Attribution:
    """The places the report is about, and the candidates to ask about when that is not sure.
    `followed`: the full names of the counties the chat follows — a weak prior (it tips a close call and
    makes a passing mention a likely subject, but never names a place the report does not mention).
    `roles`: person -> role as the report gives it, so an official's county gains from their mentions."""
    follow = list(followed)
    ranked, ctx = all_tallies(doc, person_names, follow, roles)
    tallies = accepted(ranked, ctx)
    counties = counties_from_tallies(tallies)
    region = _region_tally(doc)
    if counties and region and _by_region(region, tallies[0]) and not _speaks_as(doc, counties[0], region):
        places = [region.region.county()]  # 2026年某省政府工作报告: its counties are what it talks about
    elif counties:
        places = counties
    else:
        places = [region.region.county()] if region else []
    return Attribution(places, _candidates(places, ranked, follow))


def _candidates(places: list[County], ranked: list, followed: list[str]) -> list[County]:
    if places and places[0].confidence == "sure":
        return []
    out = list(places[:1])
    pool = [t.entry.county() for t in ranked if candidate(t)]
    pool += [c for name in followed for c in lookup(name) if c.name == name]
    for c in pool:
        if all(c.name != x.name for x in out):
            out.append(c.model_copy(update={"confidence": "likely"}))
    return out[:MAX_CANDIDATES]


def find_places(
    doc: Document, person_names: Iterable[str] = (), followed: Iterable[str] = ()
) -> list[County]:
    """The counties the report is about; when it is about none, the city or province it is by."""
    return attribute_places(doc, person_names, followed).places


def _speaks_as(doc: Document, county: County, region: _Tally) -> bool:
    """The report speaks as the county it names (全县, 我县 … twice or more) and its title does not name
    the city or province: the county's report, whatever else it names."""
    if "title" in region.zones or not county.name.endswith(("县", "旗")):
        return False
    return len(_SPEAKS_AS_COUNTY.findall(doc.text)) >= 2


def _by_region(region: _Tally, county: object) -> bool:
    """A report by a city or province that names counties: the title names the city or province and
    no county; or no county is named in full while the city or province is, again and again; or the lead
    names it and it is named far more often than any county."""
    county_zones = getattr(county, "zones", set())
    if "title" in region.zones and "title" not in county_zones:
        return True
    county_mentions = getattr(county, "strong", 0) + getattr(county, "weak", 0)
    uses = getattr(county, "place_uses", 0)  # 易县站在…, 易县作为…: a two-character name used as a place
    named_in_full = region.mentions >= 3 * max(uses, 1)
    if not getattr(county, "strong", 0) and not county_zones & {"title", "lead"} and named_in_full:
        return True  # the counties are only short names in the body (亚东, 祥云): the region is named in full
    lead_only = "lead" in region.zones and not county_zones & {"title", "lead"}
    return lead_only and region.mentions >= 3 * max(county_mentions, 1)
