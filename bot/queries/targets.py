"""A county's key targets across stored reports: the answer's model, county resolution and merging.

The query itself lives in bot.service.Service.targets; this module is pure (no database, no rendering:
bot/render/text.py and bot/render/html.py show the answer)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from extract.models import County, tidy_number

if TYPE_CHECKING:  # rows only: no database here
    from bot.store.rows import TargetRow


class TargetItem(BaseModel):
    county: str
    label: str | None
    value: float | int
    unit: str
    surface: str
    period: str | None
    quote: str
    report_id: int
    report_title: str | None
    report_date: date | None  # published, else received date
    received_only: bool = False  # report_date is the day it was received: the report states no date
    source: str | None
    earlier: list[
        str
    ] = []  # e.g. ["40亿元 (2023-02-01)"] when another report gave another value for this label
    status: str | None = None  # 已完成/接近目标/未完成/进行中/无后续数据 (bot.tracking.targets_with_status)
    status_note: str = ""  # how the status was decided


class RollupLine(BaseModel):
    """One county of a city's (or province's) roll-up: its main targets from its newest report."""

    county: County
    targets: list[TargetItem] = []  # at most ROLLUP_TARGETS, the newest report's leading ones
    total: int = 0  # all its targets


class TargetsAnswer(BaseModel):
    status: Literal["ok", "ambiguous", "unknown"]
    query: str
    county: County | None = None  # the place (county, city or province: see its level)
    candidates: list[County] = []  # ambiguous: the places the name may mean (长沙: 长沙市 and 长沙县)
    targets: list[TargetItem] = []  # newest first; a target repeated in several reports is shown once
    reports: int = 0  # reports on this county that were considered
    # issue L: namesakes at other levels when a province's name was meant (海南: 海南藏族自治州, 海南区)
    others: list[County] = []
    suggestions: list[County] = []  # unknown: the closest names (bot/queries/places.py)
    rollup: list[RollupLine] | None = None  # "/targets 临汾 各县": the counties with targets, one line each
    rollup_counties: int = 0  # how many counties the city or province has


def _unique(counties: Iterable[County]) -> list[County]:
    seen: set[tuple[str, str | None, str | None]] = set()
    out = []
    for c in counties:
        key = (c.name, c.city, c.province)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


_QUALIFIED_MAX = 30  # longer queries are not a place name with its city/province
_NOISE = re.compile(r"[\s()（）\[\]【】,，、·/]+")


def resolve_county(query: str) -> tuple[Literal["ok", "ambiguous", "unknown"], list[County]]:
    """Gazetteer lookup (full or short name, either script). A name several places share can be told
    apart by its city and/or province written around it: 南京市鼓楼区, 南京鼓楼, 鼓楼区（南京市）."""
    from extract.places.gazetteer import lookup_place as lookup

    q = query.strip()
    if not q:
        return "unknown", []
    found = _unique(lookup(q))
    if len(found) == 1:
        return "ok", found
    qualified = _qualified(q, lookup)
    if len(qualified) == 1 or (qualified and not found):
        found = qualified
    if len(found) == 1:
        return "ok", found
    return ("ambiguous", found) if found else ("unknown", [])


def _qualified(query: str, lookup: Any) -> list[County]:
    """Counties named inside the query whose city/province (or a 2+ character prefix of them, 南京 for
    南京市) make up all the rest of it."""
    from extract.text.script import to_script

    q = _NOISE.sub("", to_script(query, "simplified"))
    if len(q) > _QUALIFIED_MAX:
        return []
    out: list[County] = []
    for i in range(len(q)):
        for j in range(i + 2, len(q) + 1):
            rest = q[:i] + q[j:]
            if not rest or (i and j < len(q)):
                continue  # the name first or last, its context on the other side
            for c in lookup(q[i:j]):
                if _is_context(rest, [x for x in (c.province, c.city) if x]):
                    out.append(c)
    return _unique(out)


def _is_context(text: str, fields: list[str]) -> bool:
    if not text:
        return True
    for n, field in enumerate(fields):
        for k in range(len(field), 1, -1):
            if text.startswith(field[:k]) and _is_context(text[k:], fields[:n] + fields[n + 1 :]):
                return True
    return False


def _report_date(published: date | None, received: datetime | None) -> date | None:
    return published or (received.date() if received else None)


def _norm_label(label: str | None) -> str | None:
    if not label:
        return None
    return "".join(label.split()) or None


def merge_targets(rows: Sequence[TargetRow]) -> list[TargetItem]:
    """Stored target figures with their reports -> the answer's items. Newest report first; the same
    (label, value, unit) shown once with its latest date; another value for the same label and period
    goes into `earlier` of the newest one."""
    # dated reports first, newest first; an undated one after them (by the day it came): it is never
    # placed in time as if written the day it was received (issue K)
    ordered = sorted(
        rows,
        key=lambda r: (
            r.published is not None,
            r.published or date.min,
            r.received or datetime.min,
            r.report_id,
            -r.position,
        ),
        reverse=True,
    )
    items: list[TargetItem] = []
    groups: dict[tuple[Any, ...], TargetItem] = {}
    seen: set[tuple[Any, ...]] = set()
    for r in ordered:
        value = tidy_number(r.value)  # stored as a double: 4500000000.0 -> 4500000000, as in Figure
        label = _norm_label(r.label)
        same = (label or r.quote, value, r.unit)
        when = _report_date(r.published, r.received)
        if same in seen:
            continue  # the same target, already shown with a later date
        seen.add(same)
        group = (label, r.unit, r.period) if label else None
        if group is not None and group in groups:
            newest = groups[group]
            if r.published is None:
                note = f"{r.surface} (日期不详 · 收到于 {when.isoformat()})" if when else r.surface
            else:
                note = f"{r.surface} ({r.published.isoformat()})"
            if note not in newest.earlier:
                newest.earlier.append(note)
            continue
        item = TargetItem(
            county=r.county,
            label=r.label,
            value=value,
            unit=r.unit,
            surface=r.surface,
            period=r.period,
            quote=r.quote,
            report_id=r.report_id,
            report_title=r.title,
            report_date=when,
            received_only=r.published is None and when is not None,
            source=r.source,
        )
        items.append(item)
        if group is not None:
            groups[group] = item
    return items
