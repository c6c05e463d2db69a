"""Per host, shared by every worker (issue O, table crawl_hosts): the politeness slot and robots.txt.
Mixed into bot.store.sources.Sources."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.base import Database, utcnow
from bot.store.tables import CrawlHost


class HostRows:
    db: Database

    async def take_slot(self, host: str, interval_s: float) -> float:
        """Try to take `host`'s request slot now, shared by every worker: 0.0 when taken (the next one
        opens interval_s from now), else the seconds until it opens (sleep, then try again). Taken at
        the moment of the request, not booked ahead, so a worker delayed on its way to a booked slot
        cannot squeeze two requests together. A compare-and-set on the host's row (next_at moves only
        from the value this call read): atomic on PostgreSQL and SQLite alike."""
        try:
            async with self.db.write() as conn:
                await conn.execute(insert(CrawlHost).values(host=host, next_at=utcnow(), requests=0))
        except IntegrityError:
            pass
        async with self.db.write() as conn:
            now = utcnow()
            seen = (await conn.execute(select(CrawlHost.next_at).where(CrawlHost.host == host))).scalar()
            if seen is not None and seen > now:
                return (seen - now).total_seconds()
            moved = await conn.execute(
                update(CrawlHost)
                .where(CrawlHost.host == host, CrawlHost.next_at == seen)
                .values(next_at=now + timedelta(seconds=interval_s), requests=CrawlHost.requests + 1)
            )
        return 0.0 if moved.rowcount == 1 else 0.01  # another worker took it first: look again

    async def robots(self, host: str) -> tuple[str | None, datetime | None]:
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(CrawlHost.robots, CrawlHost.robots_at).where(CrawlHost.host == host)
                )
            ).first()
        return (row[0], row[1]) if row else (None, None)

    async def set_robots(self, host: str, text: str) -> None:
        now = utcnow()
        async with self.db.write() as conn:
            res = await conn.execute(
                update(CrawlHost).where(CrawlHost.host == host).values(robots=text, robots_at=now)
            )
            if res.rowcount == 0:
                await conn.execute(
                    insert(CrawlHost).values(host=host, next_at=now, robots=text, robots_at=now)
                )
