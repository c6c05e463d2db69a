"""The reports of a period grouped by county: models, grouping, plain-text rendering (no database)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from bot.targets import county_place
from extract.models import County, Digest, Figure

KEY_FIGURES = 6
_KIND_RANK = {"target": 0, "result": 1}


class ReportBrief(BaseModel):
    report_id: int
    title: str | None
    published: date | None
    source: str | None
    summary: str
    figures: list[Figure]  # key figures, most important first
    received: datetime | None = None
    targets: int = 0  # all target figures of the report (figures holds only the key ones)


class CountyGroup(BaseModel):
    county: County | None
    reports: list[ReportBrief]


class PeriodDigest(BaseModel):
    since: datetime
    until: datetime
    groups: list[CountyGroup]
    totals: dict[str, int]  # {"reports": n, "counties": n, "targets": n}


def key_figures(figures: Sequence[Figure], limit: int = KEY_FIGURES) -> list[Figure]:
    """Targets first (what the county commits to), then results, then the rest; labelled before unlabelled;
    document order otherwise."""
    ranked = sorted(
        enumerate(figures),
        key=lambda p: (_KIND_RANK.get(p[1].kind or "", 2), p[1].label is None, p[0]),
    )
    return [f for _, f in ranked[:limit]]


def build_period_digest(rows: Sequence[Any], since: datetime, until: datetime) -> PeriodDigest:
    """rows: id, title, published, source, received, data (Digest JSON), county, city, province, position —
    one per (report, county link); a report naming two counties appears under both."""
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
                figures=key_figures(digest.figures),
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


def figure_line(f: Figure) -> str:
    kind = {"target": "目标", "result": "完成"}.get(f.kind or "", "")
    parts = [f.surface, f.label or "", f.period or "", f"（{kind}）" if kind else ""]
    return " ".join(p for p in parts if p)


def render_period_digest(pd: PeriodDigest) -> str:
    t = pd.totals
    fmt = "%Y-%m-%d %H:%M"
    lines = [
        f"{pd.since.strftime(fmt)} 至 {pd.until.strftime(fmt)}："
        f"{t.get('reports', 0)} 篇报告，{t.get('counties', 0)} 个县，{t.get('targets', 0)} 项目标",
    ]
    if not pd.groups:
        lines.append("这段时间没有收到报告。")
    for g in pd.groups:
        lines.append("")
        if g.county is None:
            lines.append("■ 未识别县")
        else:
            place = county_place(g.county)
            lines.append(f"■ {g.county.name}" + (f"（{place}）" if place else ""))
        for b in g.reports:
            when = (
                b.published.isoformat()
                if b.published
                else (b.received.date().isoformat() if b.received else "")
            )
            lines.append(f"  · {b.title or f'报告 #{b.report_id}'}" + (f"（{when}）" if when else ""))
            if b.summary:
                lines.append(f"    {b.summary}")
            for f in b.figures:
                lines.append(f"    - {figure_line(f)}")
    return "\n".join(lines)
