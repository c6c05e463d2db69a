"""The analyst's tools on top of the Service: target tracking, charts, exports, a chat's reports, search
and delete. The CLI commands (track, chart, export, targets) and the bot's handlers call these.

Scopes as everywhere: "public" for CLI-ingested reports, "chat:<id>" for a chat; a chat sees its own
reports and public ones, and deletes only its own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Literal

from bot.queries.targets import TargetsAnswer, resolve_county
from bot.queries.track import TrackAnswer
from bot.store.analyst import ReportEntry
from bot.track import TargetStatus, TrackedFigure, match_targets, metric_key
from bot.track_periods import Period, parse_period
from extract.models import County

if TYPE_CHECKING:
    from bot.service import Service

log = logging.getLogger(__name__)

ExportFormat = Literal["csv", "json"]


Found = Literal["ok", "ambiguous", "unknown"]


async def find_county(service: Service, query: str) -> tuple[Found, list[County]]:
    """Gazetteer lookup, then a county only some stored digest named (as Service.targets)."""
    q = query.strip()
    status, found = await asyncio.to_thread(resolve_county, q)
    if status == "unknown" and q:
        stored = await service.store.reports.stored_county(q)
        if stored is not None:
            return "ok", [stored]
    return status, found


async def county_figures(
    service: Service, county: County, scopes: Sequence[str], *, every_kind: bool = False
) -> list[TrackedFigure]:
    kinds = None if every_kind else ("target", "result")
    return await service.store.analyst.tracked_rows(
        county.name, county.city, county.province, scopes, kinds=kinds
    )


async def track(service: Service, query: str, scopes: Sequence[str]) -> TrackAnswer:
    status, found = await find_county(service, query)
    if status != "ok":
        return _not_found(status, query, found)
    county = found[0]
    statuses = match_targets(await county_figures(service, county, scopes))
    shown = [s for s in statuses if s.status != "无后续数据"]
    return TrackAnswer(
        status="ok", query=query, county=county, items=shown, untracked=len(statuses) - len(shown)
    )


def _not_found(status: Found, query: str, found: list[County]) -> TrackAnswer:
    return TrackAnswer(status=status, query=query, candidates=found if status == "ambiguous" else [])


# ---- /targets with statuses --------------------------------------------------------------------------


def _period_text(period: str | None, when: date | None) -> str | None:
    """A target's period as bot.track resolves it (no period: its report's year)."""
    p = parse_period(period, when) if period else None
    if p is None and not period and when is not None:
        p = Period(when.year, 1, 12)
    return p.text() if p else None


async def targets_with_status(service: Service, query: str, scopes: list[str]) -> TargetsAnswer:
    """Service.targets, each target carrying its status (已完成/未完成/进行中/接近目标/无后续数据)."""
    answer = await service.targets(query, scopes)
    if answer.status != "ok" or answer.county is None or not answer.targets:
        return answer
    statuses = match_targets(await county_figures(service, answer.county, scopes))
    by_figure: dict[tuple[object, ...], TargetStatus] = {}
    by_metric: dict[tuple[object, ...], TargetStatus] = {}
    for s in statuses:
        for f in (s.target, *s.previous):
            by_figure.setdefault((f.report_id, f.label, float(f.value), f.unit), s)
        by_metric[(s.target.county, s.metric, s.target.unit, s.period)] = s
    for item in answer.targets:
        s = by_figure.get((item.report_id, item.label, float(item.value), item.unit))
        if s is None:
            key = metric_key(item.label, item.county)
            s = by_metric.get((item.county, key, item.unit, _period_text(item.period, item.report_date)))
        if s is not None:
            item.status = s.status
            item.status_note = s.note
    return answer


# ---- chart and export ----------------------------------------------------------------------------------


def county_title(county: County) -> str:
    return "".join(x for x in (county.province, county.city) if x and x != county.name) + county.name


async def chart(service: Service, query: str, scopes: Sequence[str]) -> tuple[TrackAnswer, bytes | None]:
    """The county's targets and results as PNG bytes (None when the county has none to draw)."""
    status, found = await find_county(service, query)
    if status != "ok":
        return TrackAnswer(
            status=status, query=query, candidates=found if status == "ambiguous" else []
        ), None
    county = found[0]
    figs = await county_figures(service, county, scopes)
    answer = TrackAnswer(status="ok", query=query, county=county)
    if not figs:
        return answer, None
    png = await asyncio.to_thread(_render, county.name, figs)  # matplotlib: ~0.4 s import, CPU-bound drawing
    return answer, png


def _render(name: str, figs: list[TrackedFigure]) -> bytes:
    from bot.render.chart import render_chart  # lazily: matplotlib is slow to import

    return render_chart(name, figs)


async def export(
    service: Service, query: str | None, scopes: Sequence[str], fmt: ExportFormat = "csv"
) -> tuple[TrackAnswer, bytes, int]:
    """Every figure the scopes can see for a county (or every county when query is None), as CSV/JSON.
    Returns the answer (county resolution), the bytes and the number of rows."""
    from bot.render.export import export_rows, to_csv, to_json

    if query is None:
        answer = TrackAnswer(status="ok", query="")
        counties = [
            County(name=n, city=c, province=p) for n, c, p in await service.store.analyst.all_counties(scopes)
        ]
    else:
        status, found = await find_county(service, query)
        answer = TrackAnswer(status=status, query=query, candidates=found if status == "ambiguous" else [])
        if status != "ok":
            return answer, b"", 0
        answer.county = found[0]
        counties = [found[0]]
    rows = []
    for county in counties:
        figs = await county_figures(service, county, scopes, every_kind=True)
        rows += export_rows(figs, match_targets(figs))
    data = to_csv(rows) if fmt == "csv" else to_json(rows)
    return answer, data, len(rows)


# ---- a chat's reports ------------------------------------------------------------------------------


async def chat_reports(service: Service, scope: str, *, limit: int = 20) -> list[ReportEntry]:
    return await service.store.analyst.chat_reports(scope, limit=limit)


async def owned_report(service: Service, report_id: int, scope: str) -> ReportEntry | None:
    return await service.store.analyst.owned_report(report_id, scope)


async def delete_report(service: Service, report_id: int, scope: str) -> bool:
    """Delete a report of `scope` with everything derived from it (Service.delete_report)."""
    return await service.delete_report(report_id, scope)


async def search(service: Service, scopes: Sequence[str], text: str) -> list[ReportEntry]:
    words = [w for w in text.split() if w][:5]
    return await service.store.analyst.search(scopes, words)
