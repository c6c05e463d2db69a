"""Places asked for by name, at every level (issue L): the store-backed side of bot/queries/places.py.

find_place: the gazetteer's answer (bot/queries/places.py), else a county only a stored digest named.
place_targets: /targets and `countybot targets` (Service.targets): a county's, city's or province's
targets, or with 各县 a city's counties side by side (one line each)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from bot.queries.places import PlaceMatch, counties_of, resolve_place, split_rollup
from bot.queries.targets import RollupLine, TargetsAnswer, merge_targets
from extract.models import County

if TYPE_CHECKING:
    from bot.store.reports import Reports

ROLLUP_TARGETS = 3  # a county's line in a roll-up: its newest report's leading targets


async def find_place(reports: Reports, query: str) -> PlaceMatch:
    q = query.strip()
    match = await asyncio.to_thread(resolve_place, q)
    if match.status == "unknown" and q:
        stored = await reports.stored_county(q)
        if stored is not None:
            return PlaceMatch("ok", q, [stored])
    return match


async def place_targets(reports: Reports, query: str, scopes: list[str]) -> TargetsAnswer:
    name, rollup = split_rollup(query)
    match = await find_place(reports, name)
    if match.status == "unknown":
        return TargetsAnswer(status="unknown", query=query, suggestions=match.suggestions)
    if match.status == "ambiguous":
        return TargetsAnswer(status="ambiguous", query=query, candidates=match.places)
    place = match.places[0]
    if rollup and place.level != "county":
        return await _rollup(reports, query, place, scopes)
    rows = await reports.target_rows(place.name, place.city, place.province, scopes)
    n = await reports.county_report_count(place.name, place.city, place.province, scopes)
    return TargetsAnswer(
        status="ok", query=query, county=place, targets=merge_targets(rows), reports=n, others=match.others
    )


async def _rollup(reports: Reports, query: str, region: County, scopes: list[str]) -> TargetsAnswer:
    counties = counties_of(region)
    rows = await reports.target_rows(region.name, None, None, scopes, under=region.level)
    by_county: dict[tuple[str, str | None, str | None], list] = defaultdict(list)
    for r in rows:
        by_county[(r.county, r.city, r.province)].append(r)
    lines: list[RollupLine] = []
    for c in counties:
        mine = by_county.get((c.name, c.city, c.province))
        if not mine:
            continue
        items = merge_targets(mine)
        newest = items[0].report_id
        lead = [t for t in items if t.report_id == newest][:ROLLUP_TARGETS]
        lines.append(RollupLine(county=c, targets=lead, total=len(items)))
    # the most recently reported counties first
    lines.sort(
        key=lambda line: (line.targets[0].report_date or date.min, line.targets[0].report_id), reverse=True
    )
    return TargetsAnswer(
        status="ok",
        query=query,
        county=region,
        reports=len({r.report_id for r in rows}),
        rollup=lines,
        rollup_counties=len(counties),
    )
