"""The link a report was read from (issue M, migration 6): recorded once fetched, looked up so the same
link sent again in a scope is one report."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.store.base import Database
from bot.store.tables import Report

MAX_URL = 2048


class Links:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set_source_url(self, report_id: int, url: str) -> None:
        async with self.db.write() as conn:
            await conn.execute(update(Report).where(Report.id == report_id).values(source_url=url[:MAX_URL]))

    async def source_url(self, report_id: int) -> str | None:
        async with self.db.read() as conn:
            return (await conn.execute(select(Report.source_url).where(Report.id == report_id))).scalar()

    async def find_done(self, scope: str, url: str, *, other_than: int | None = None) -> int | None:
        """The first done report of `scope` read from this link, else None."""
        stmt = (
            select(Report.id)
            .where(Report.scope == scope, Report.source_url == url[:MAX_URL], Report.status == "done")
            .order_by(Report.id)
            .limit(1)
        )
        if other_than is not None:
            stmt = stmt.where(Report.id != other_than)
        async with self.db.read() as conn:
            return (await conn.execute(stmt)).scalar()
