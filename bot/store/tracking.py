"""A county's tracked figures: the targets and results of a county in the reports a chat sees (/track,
/chart, /export), and every county with figures (export --all). Built on the same tables as
bot/store/reports.py, with SQLAlchemy constructs only (SQLite and PostgreSQL alike)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select

from bot.store.base import Database
from bot.store.reports import _county_cond
from bot.store.tables import FigureTable, Report
from bot.track import TrackedFigure, infer_qualifier


class Tracking:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def tracked_rows(
        self,
        county: str,
        city: str | None,
        province: str | None,
        scopes: Sequence[str],
        *,
        kinds: Sequence[str] | None = ("target", "result"),
    ) -> list[TrackedFigure]:
        """Figures of done reports in `scopes` about the county, as bot.track reads them, ordered by
        report date (published, else received), report id and position. kinds=None: every figure."""
        stmt = (
            select(
                FigureTable.county,
                FigureTable.city,
                FigureTable.province,
                FigureTable.position,
                FigureTable.label,
                FigureTable.value,
                FigureTable.unit,
                FigureTable.surface,
                FigureTable.kind,
                FigureTable.period,
                FigureTable.quote,
                FigureTable.qualifier,
                FigureTable.estimated,
                Report.id.label("report_id"),
                Report.published,
                Report.received,
                Report.title,
                Report.source,
            )
            .join(Report, Report.id == FigureTable.report_id)
            .where(_county_cond(FigureTable, county, city, province))
            .where(Report.status == "done", Report.scope.in_(list(scopes)))
        )
        if kinds is not None:
            stmt = stmt.where(FigureTable.kind.in_(list(kinds)))
        async with self.db.read() as conn:
            rows = (await conn.execute(stmt)).all()
        out: list[tuple[tuple[Any, ...], TrackedFigure]] = []
        for r in rows:
            when = r.published or (r.received.date() if r.received else None)
            fig = TrackedFigure(
                county=r.county,
                city=r.city,
                province=r.province,
                report_id=r.report_id,
                report_date=when,
                title=r.title,
                source=r.source,
                label=r.label,
                value=r.value,
                unit=r.unit,
                surface=r.surface,
                kind=r.kind if r.kind in ("target", "result") else None,
                period=r.period,
                quote=r.quote or "",
                qualifier=r.qualifier or infer_qualifier(r.surface, r.quote or ""),
                estimated=bool(r.estimated),
                undated=r.published is None,  # report_date is then the day it was received
            )
            # ordered by the report's own date: an undated one never sits where the day it came would put it
            out.append(((r.published or date.min, r.report_id, r.position), fig))
        out.sort(key=lambda x: x[0])
        return [f for _, f in out]

    async def all_counties(self, scopes: Sequence[str]) -> list[tuple[str, str | None, str | None]]:
        """Every county with figures in done reports of these scopes (export --all)."""
        stmt = (
            select(FigureTable.county, FigureTable.city, FigureTable.province)
            .join(Report, Report.id == FigureTable.report_id)
            .where(FigureTable.county.is_not(None))
            .where(Report.status == "done", Report.scope.in_(list(scopes)))
            .distinct()
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(stmt)).all()
        return sorted({(r[0], r[1], r[2]) for r in rows}, key=lambda c: (c[2] or "", c[1] or "", c[0]))
