"""The reports of a period grouped by county: models and grouping (no database, no rendering)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel

from bot.track import TargetStatus
from extract.digest.order import rank_figures
from extract.models import County, Digest, Figure

if TYPE_CHECKING:  # rows only: no database here
    from bot.store.rows import PeriodRow

KEY_FIGURES = 6


class ReportBrief(BaseModel):
    report_id: int
    title: str | None
    published: date | None
    source: str | None
    summary: str
    figures: list[Figure]  # key figures, most important first
    received: datetime | None = None
    targets: int = 0  # all target figures of the report (figures holds only the key ones)
    answered: list[TargetStatus] = []  # earlier targets of its county it answers (bot/tracking.py)


class CountyGroup(BaseModel):
    county: County | None
    reports: list[ReportBrief]


class PeriodDigest(BaseModel):
    since: datetime
    until: datetime
    groups: list[CountyGroup]
    totals: dict[str, int]  # {"reports": n, "counties": n, "targets": n}
    updates: list[TargetStatus] = []  # every answer to an earlier target (目标完成情况更新)


def build_period_digest(rows: Sequence[PeriodRow], since: datetime, until: datetime) -> PeriodDigest:
    """rows: one per (report, county link); a report naming two counties appears under both."""
    briefs: dict[int, ReportBrief] = {}
    links: dict[int, list[tuple[int, County]]] = {}
    for r in rows:
        if r.id not in briefs:
            digest = Digest.model_validate_json(r.data)
            briefs[r.id] = ReportBrief(
                report_id=r.id,
                title=r.title or digest.title,
                published=r.published or digest.published,
                source=r.source or digest.source,
                summary=digest.summary,
                figures=rank_figures(digest.figures)[:KEY_FIGURES],
                received=r.received,
                targets=len(digest.targets),
            )
            links[r.id] = []
        if r.county:
            county = County(name=r.county, city=r.city, province=r.province)
            if all(c.name != county.name for _, c in links[r.id]):
                links[r.id].append((r.position or 0, county))

    by_county: dict[tuple[str, str | None, str | None] | None, tuple[County | None, list[ReportBrief]]] = {}
    for rid, brief in briefs.items():
        counties = [c for _, c in sorted(links[rid], key=lambda p: p[0])] or [None]
        for c in counties:
            key = (c.name, c.city, c.province) if c else None  # 鼓楼区 of 南京 and of 福州 stay apart
            by_county.setdefault(key, (c, []))[1].append(brief)

    groups = []
    for county, reports in by_county.values():
        reports.sort(key=lambda b: (b.received or datetime.min, b.report_id), reverse=True)
        groups.append(CountyGroup(county=county, reports=reports))
    groups.sort(key=lambda g: (g.county is None, -len(g.reports), g.county.name if g.county else ""))
    totals = {
        "reports": len(briefs),
        "counties": sum(1 for g in groups if g.county is not None),
        "targets": sum(b.targets for b in briefs.values()),
    }
    return PeriodDigest(since=since, until=until, groups=groups, totals=totals)
