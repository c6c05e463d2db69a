"""A county's targets and results on top of the Service: tracked (each target with its result), the
targets a report answered (next steps, daily digest), charted and exported. The CLI commands (track,
chart, export, targets) and the bot's handlers call these; a chat's report list is bot/report_list.py.

Scopes as everywhere: "public" for CLI-ingested reports, "chat:<id>" for a chat; a chat sees its own
reports and public ones."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Literal

from bot.queries.changes import NextSteps, answered_by
from bot.queries.period import PeriodDigest
from bot.queries.targets import TargetsAnswer
from bot.queries.track import TrackAnswer
from bot.track import TargetStatus, TrackedFigure, match_targets, metric_key
from bot.track_periods import parse_period
from extract.models import County, Digest, Script

if TYPE_CHECKING:
    from bot.service import Service

log = logging.getLogger(__name__)

ExportFormat = Literal["csv", "json"]


Found = Literal["ok", "ambiguous", "unknown"]


async def find_county(service: Service, query: str) -> tuple[Found, list[County]]:
    """The place a name means at any level (bot/lookup.py): ok with it, ambiguous with the choices,
    unknown with the closest names."""
    from bot.lookup import find_place

    match = await find_place(service.store.reports, query)
    if match.status == "unknown":
        return "unknown", match.suggestions
    return match.status, match.places


async def county_figures(
    service: Service, county: County, scopes: Sequence[str], *, every_kind: bool = False
) -> list[TrackedFigure]:
    kinds = None if every_kind else ("target", "result")
    return await service.store.tracking.tracked_rows(
        county.name, county.city, county.province, scopes, kinds=kinds
    )


def tracked(statuses: Sequence[TargetStatus]) -> list[TargetStatus]:
    """What /track lists: targets with a verdict, and those whose stop can be told (时期不详/日期不详)."""
    return [s for s in statuses if s.status != "无后续数据" or s.stopped]


async def track(service: Service, query: str, scopes: Sequence[str]) -> TrackAnswer:
    status, found = await find_county(service, query)
    if status != "ok":
        return _not_found(status, query, found)
    county = found[0]
    statuses = match_targets(await county_figures(service, county, scopes))
    shown = tracked(statuses)
    return TrackAnswer(
        status="ok", query=query, county=county, items=shown, untracked=len(statuses) - len(shown)
    )


def _not_found(status: Found, query: str, found: list[County]) -> TrackAnswer:
    """ambiguous: the choices; unknown: the closest names (find_county gives them in `found`)."""
    if status == "ok":
        return TrackAnswer(status=status, query=query, county=found[0])
    which = "candidates" if status == "ambiguous" else "suggestions"
    return TrackAnswer(status=status, query=query, **{which: found})


# ---- what a new report changed, and where to go next from its digest ------------------------------------


async def next_steps(service: Service, digest: Digest, report_id: int, scopes: Sequence[str]) -> NextSteps:
    """For the digest's county (its first one the report names for sure): which of /targets, /track and
    /chart would answer with something in these scopes; and the earlier targets this report answers (of
    each county it is sure of, up to three)."""
    sure = [c for c in digest.counties if c.confidence == "sure"][:3]
    if not sure:
        return NextSteps()
    figs = await county_figures(service, sure[0], scopes)
    statuses = match_targets(figs)
    answered = answered_by(statuses, report_id)
    for county in sure[1:]:
        answered += answered_by(match_targets(await county_figures(service, county, scopes)), report_id)
    return NextSteps(
        county=sure[0],
        targets=any(f.kind == "target" for f in figs),
        track=bool(tracked(statuses)),
        chart=bool(figs),
        answered=answered,
    )


async def period_updates(service: Service, digest: PeriodDigest, scopes: Sequence[str]) -> PeriodDigest:
    """The period digest with each report's answers to earlier targets of its county (ReportBrief.answered)
    and every such answer in `updates` (the daily digest's 目标完成情况更新), tracked in `scopes`."""
    for group in digest.groups:
        if group.county is None:
            continue
        statuses = match_targets(await county_figures(service, group.county, scopes))
        for brief in group.reports:
            answered = answered_by(statuses, brief.report_id)
            brief.answered += [s for s in answered if s not in brief.answered]
            digest.updates += [s for s in answered if s not in digest.updates]
    return digest


# ---- /targets with statuses --------------------------------------------------------------------------


def _period_text(period: str | None, when: date | None) -> str | None:
    """A target's period as bot.track resolves it (no period: 时期不详, never tracked)."""
    p = parse_period(period, when) if period else None
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
            when = None if item.received_only else item.report_date  # undated: no year to resolve against
            s = by_metric.get((item.county, key, item.unit, _period_text(item.period, when)))
        if s is not None:
            item.status = s.status
            item.status_note = "；".join(x for x in (s.note, s.estimate_text, s.conflict_text) if x)
    return answer


# ---- chart and export ----------------------------------------------------------------------------------


def county_title(county: County) -> str:
    return "".join(x for x in (county.province, county.city) if x and x != county.name) + county.name


async def chart(
    service: Service,
    query: str,
    scopes: Sequence[str],
    *,
    script: Script = "simplified",
    more_hint: str = "/track",
) -> tuple[TrackAnswer, bytes | None]:
    """The county's targets and results as PNG bytes (None when the county has none to draw), its text in
    `script`; `more_hint` names where the metrics left out of the chart are listed."""
    status, found = await find_county(service, query)
    if status != "ok":
        return _not_found(status, query, found), None
    county = found[0]
    figs = await county_figures(service, county, scopes)
    answer = TrackAnswer(status="ok", query=query, county=county)
    if not figs:
        return answer, None
    # matplotlib: ~0.4 s import, CPU-bound drawing
    png = await asyncio.to_thread(_render, county.name, figs, script, more_hint)
    return answer, png


def _render(name: str, figs: list[TrackedFigure], script: Script, more_hint: str) -> bytes:
    from bot.render.chart import render_chart  # lazily: matplotlib is slow to import

    return render_chart(name, figs, script=script, more_hint=more_hint)


async def export(
    service: Service,
    query: str | None,
    scopes: Sequence[str],
    fmt: ExportFormat = "csv",
    *,
    track: bool = False,
    script: Script = "simplified",
) -> tuple[TrackAnswer, bytes, int]:
    """Every figure the scopes can see for a county (or every county when query is None), as CSV/JSON;
    `track`: the tracking view instead (a row per target with its result, bot/render/export.py); a CSV's
    text in `script`. Returns the answer (county resolution), the bytes and the number of rows."""
    from bot.render.export import export_rows, to_csv, to_json, track_rows

    if query is None:
        answer = TrackAnswer(status="ok", query="")
        found = await service.store.tracking.all_counties(scopes)
        counties = [County(name=n, city=c, province=p) for n, c, p in found]
    else:
        status, found = await find_county(service, query)
        answer = _not_found(status, query, found)
        if status != "ok":
            return answer, b"", 0
        answer.county = found[0]
        counties = [found[0]]
    rows: list = []
    for county in counties:
        figs = await county_figures(service, county, scopes, every_kind=not track)
        rows += track_rows(match_targets(figs)) if track else export_rows(figs, match_targets(figs))
    data = to_csv(rows, script) if fmt == "csv" else to_json(rows)
    return answer, data, len(rows)
