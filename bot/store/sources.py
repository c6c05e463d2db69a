"""Sources followed automatically (issue O, migration 10): the sources, the document links they gave,
and per host the politeness slot and robots.txt every worker shares.

A due source is claimed like a report (worker + lease_until; on PostgreSQL FOR UPDATE SKIP LOCKED and a
dead worker's claim is free at once, bot/store/queue.gone). A new document link becomes a public link
report and its source_docs row in one transaction, so a worker killed mid-crawl leaves every link either
fully taken or not taken at all; the URL is unique in source_docs, so no link is taken twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.base import Database, fit, utcnow
from bot.store.crawl_hosts import HostRows
from bot.store.queue import CHANNEL, gone
from bot.store.tables import Report, SourceDoc, SourceRow

MAX_URL = 2048
LINK_FILENAME = "countybot:link"  # as bot/service_links.py: the report's raw bytes are its URL
SOURCE_SENDER = "countybot:source"


@dataclass(frozen=True)
class SourceInfo:
    id: int
    url: str
    county: str | None
    city: str | None
    province: str | None
    county_from: str | None
    kind: str | None
    every_s: int
    added: datetime
    added_by: str | None
    chat_id: int | None
    next_check: datetime
    etag: str | None
    last_modified: str | None
    last_checked: datetime | None
    last_ok: datetime | None
    failures: int
    paused: bool
    last_error: str | None
    documents: int
    worker: str | None  # from claim_due: the worker that held it before (set: a check was cut short)


_COLS = [getattr(SourceRow, name) for name in SourceInfo.__dataclass_fields__]


def _key(url_or_id: str | int) -> object:
    return SourceRow.id == url_or_id if isinstance(url_or_id, int) else SourceRow.url == url_or_id[:MAX_URL]


@dataclass(frozen=True)
class SourcesStatus:
    total: int
    paused: int
    failing: int  # failed at least once in a row, not paused yet
    due: int
    documents: int


class Sources(HostRows):
    def __init__(self, db: Database) -> None:
        self.db = db
        self.postgres = db.engine.dialect.name == "postgresql"

    # ---- the list ------------------------------------------------------------------------------

    async def add(
        self,
        url: str,
        *,
        every_s: int,
        county: tuple[str, str | None, str | None] | None = None,
        county_from: str | None = None,
        added_by: str | None = None,
        chat_id: int | None = None,
    ) -> tuple[SourceInfo, bool]:
        """The source (and True when it is new). An existing one keeps its state; a county given now
        replaces one read from its page, and a paused one is resumed (adding it again means "try again")."""
        now = utcnow()
        name, city, province = county or (None, None, None)
        values = dict(
            url=url[:MAX_URL], county=name, city=city, province=province, county_from=county_from,
            every_s=every_s, added=now, added_by=added_by, chat_id=chat_id, next_check=now,
            failures=0, paused=False, documents=0,
        )  # fmt: skip
        try:
            async with self.db.write() as conn:
                await conn.execute(insert(SourceRow).values(fit(SourceRow, values)))
            created = True
        except IntegrityError:
            created = False
            change: dict[str, object] = {"paused": False, "every_s": every_s}
            if county is not None:
                change |= {"county": name, "city": city, "province": province, "county_from": county_from}
            async with self.db.write() as conn:
                await conn.execute(update(SourceRow).where(SourceRow.url == url[:MAX_URL]).values(**change))
            await self.resume(url)
        found = await self.get(url)
        assert found is not None
        return found, created

    async def get(self, url_or_id: str | int) -> SourceInfo | None:
        key = _key(url_or_id)
        async with self.db.read() as conn:
            row = (await conn.execute(select(*_COLS).where(key))).first()
        return SourceInfo(*row) if row else None

    async def all(self, *, chat_id: int | None = None) -> list[SourceInfo]:
        stmt = select(*_COLS).order_by(SourceRow.id)
        if chat_id is not None:
            stmt = stmt.where(SourceRow.chat_id == chat_id)
        async with self.db.read() as conn:
            return [SourceInfo(*r) for r in (await conn.execute(stmt)).all()]

    async def remove(self, url_or_id: str | int) -> bool:
        """The source is no longer checked; the reports it gave stay (they are public reports)."""
        key = _key(url_or_id)
        async with self.db.write() as conn:
            ids = list((await conn.execute(select(SourceRow.id).where(key))).scalars())
            if not ids:
                return False
            # the links it gave stay taken (nothing fetched twice if it is added again)
            await conn.execute(delete(SourceRow).where(SourceRow.id.in_(ids)))
        return True

    async def set_county(self, source_id: int, county: tuple[str, str | None, str | None], how: str) -> None:
        name, city, province = county
        async with self.db.write() as conn:
            await conn.execute(
                update(SourceRow)
                .where(SourceRow.id == source_id)
                .values(county=name, city=city, province=province, county_from=how)
            )

    async def resume(self, url_or_id: str | int) -> bool:
        key = _key(url_or_id)
        async with self.db.write() as conn:
            res = await conn.execute(
                update(SourceRow).where(key).values(paused=False, failures=0, next_check=utcnow())
            )
        return res.rowcount > 0

    # ---- claims --------------------------------------------------------------------------------

    async def claim_due(self, worker: str, lease_s: float) -> SourceInfo | None:
        """The most overdue source nobody holds, leased to `worker`; None when none is due."""
        now = utcnow()
        free = or_(SourceRow.lease_until.is_(None), SourceRow.lease_until < now)
        if self.postgres:
            free = or_(free, gone(SourceRow.worker))
        candidate = (
            select(SourceRow.id)
            .where(SourceRow.paused.is_(False), SourceRow.next_check <= now, free)
            .order_by(SourceRow.next_check, SourceRow.id)
            .limit(1)
        )
        if self.postgres:
            candidate = candidate.with_for_update(skip_locked=True, of=SourceRow)
        async with self.db.write() as conn:
            source_id = (await conn.execute(candidate)).scalar()
            if source_id is None:
                return None
            before = (await conn.execute(select(*_COLS).where(SourceRow.id == source_id))).first()
            res = await conn.execute(
                update(SourceRow)
                .where(SourceRow.id == source_id, free)
                .values(worker=worker, lease_until=now + timedelta(seconds=lease_s))
            )
            if res.rowcount != 1 or before is None:
                return None
        return SourceInfo(*before)  # worker: the previous holder, if its check never finished

    async def renew(self, source_id: int, worker: str, lease_s: float) -> None:
        async with self.db.write() as conn:
            await conn.execute(
                update(SourceRow)
                .where(SourceRow.id == source_id, SourceRow.worker == worker)
                .values(lease_until=utcnow() + timedelta(seconds=lease_s))
            )

    async def checked(
        self, source_id: int, *, kind: str | None, etag: str | None, last_modified: str | None, taken: int
    ) -> None:
        """A check that worked: the failure count starts again, the next check one period later."""
        now = utcnow()
        async with self.db.write() as conn:
            every = (await conn.execute(select(SourceRow.every_s).where(SourceRow.id == source_id))).scalar()
            values: dict[str, object] = dict(
                worker=None, lease_until=None, last_checked=now, last_ok=now, failures=0, last_error=None,
                next_check=now + timedelta(seconds=every or 6 * 3600), documents=SourceRow.documents + taken,
            )  # fmt: skip
            if kind:
                values["kind"] = kind
            if etag is not None or last_modified is not None:
                values |= {"etag": etag, "last_modified": last_modified}
            await conn.execute(update(SourceRow).where(SourceRow.id == source_id).values(**values))

    async def failed(
        self, source_id: int, error: str, *, retry_base_s: float, pause_after: int, taken: int = 0
    ) -> tuple[int, bool]:
        """A check that failed: (failures in a row, whether the source was paused just now — exactly one
        worker sees True, and tells the admin chat). The next try backs off: retry_base_s × 2^(n−1), at
        most the source's period."""
        now = utcnow()
        async with self.db.write() as conn:
            row = (
                await conn.execute(
                    select(SourceRow.failures, SourceRow.every_s, SourceRow.paused).where(
                        SourceRow.id == source_id
                    )
                )
            ).first()
            if row is None:
                return 0, False
            failures = int(row.failures) + 1
            pause = failures >= pause_after and not row.paused
            wait = min(retry_base_s * 2 ** (failures - 1), float(row.every_s))
            await conn.execute(
                update(SourceRow)
                .where(SourceRow.id == source_id)
                .values(
                    worker=None, lease_until=None, last_checked=now, failures=failures,
                    last_error=error[:500], next_check=now + timedelta(seconds=wait),
                    paused=bool(row.paused) or pause,
                    documents=SourceRow.documents + taken,
                )
            )  # fmt: skip
        return failures, pause

    # ---- documents -----------------------------------------------------------------------------

    async def known(self, urls: list[str]) -> set[str]:
        """The links already taken by any source, or already a public report (ingested by hand)."""
        if not urls:
            return set()
        cut = [u[:MAX_URL] for u in urls]
        async with self.db.read() as conn:
            taken = set((await conn.execute(select(SourceDoc.url).where(SourceDoc.url.in_(cut)))).scalars())
            public = select(Report.source_url).where(Report.scope == "public", Report.source_url.in_(cut))
            taken |= set((await conn.execute(public)).scalars())
        return taken

    async def take(
        self, source_id: int, url: str, *, worker: str | None = None, lease_s: float = 0
    ) -> int | None:
        """The link as a pending public report and its source_docs row — one transaction. Leased to
        `worker` (the crawler digests it itself, beside the chats' reports, not in their slots), or free
        for any worker. None when another worker (or source) took the link first."""
        now = utcnow()
        report = dict(
            scope="public", sender=SOURCE_SENDER, filename=LINK_FILENAME, raw=url.encode("utf-8"),
            received=now, status="pending", claimed_at=now, source_url=url[:MAX_URL], worker=worker,
            lease_until=now + timedelta(seconds=lease_s) if worker else None,
        )  # fmt: skip
        try:
            async with self.db.write() as conn:
                res = await conn.execute(insert(Report).values(fit(Report, report)))
                report_id = int(res.inserted_primary_key[0])
                await conn.execute(
                    insert(SourceDoc).values(
                        source_id=source_id, url=url[:MAX_URL], report_id=report_id, seen=now
                    )
                )
                if self.postgres and worker is None:
                    await conn.execute(select(func.pg_notify(CHANNEL, "")))  # wake idle workers
        except IntegrityError:
            return None
        return report_id

    async def retry_failed(
        self, source_id: int, errors: list[str], *, worker: str, lease_s: float, max_tries: int = 3
    ) -> list[int]:
        """The source's documents whose fetch failed for a passing reason (`errors`: a timeout, a server
        error, an unreachable host), pending again and leased to `worker` — at most `max_tries` times
        each: a document is retried at its source's next checks, never lost to one bad minute."""
        now = utcnow()
        mine = select(SourceDoc.report_id).where(SourceDoc.source_id == source_id)
        stmt = select(Report.id).where(
            Report.id.in_(mine),
            Report.status == "failed",
            Report.error.in_(errors),
            Report.attempts < max_tries - 1,
        )
        async with self.db.write() as conn:
            ids = [int(r) for r in (await conn.execute(stmt)).scalars()]
            if ids:
                await conn.execute(
                    update(Report)
                    .where(Report.id.in_(ids), Report.status == "failed")
                    .values(
                        status="pending", error=None, processed=None, attempts=Report.attempts + 1,
                        worker=worker, lease_until=now + timedelta(seconds=lease_s),
                    )
                )  # fmt: skip
        return ids

    async def pending_reports(self, limit: int = 1000) -> list[int]:
        """Source documents waiting to be digested that no live worker holds (left by a worker that
        stopped): their lease ran out, or on PostgreSQL their worker is gone."""
        free = or_(Report.lease_until.is_(None), Report.lease_until < utcnow())
        if self.postgres:
            free = or_(free, gone())
        stmt = (
            select(SourceDoc.report_id)
            .join(Report, Report.id == SourceDoc.report_id)
            .where(Report.status == "pending", free)
            .order_by(SourceDoc.report_id)
            .limit(limit)
        )
        async with self.db.read() as conn:
            return [int(r) for r in (await conn.execute(stmt)).scalars()]

    async def is_source_report(self, report_id: int) -> bool:
        async with self.db.read() as conn:
            stmt = select(SourceDoc.id).where(SourceDoc.report_id == report_id).limit(1)
            return (await conn.execute(stmt)).scalar() is not None

    async def source_of_report(self, report_id: int) -> SourceInfo | None:
        stmt = select(*_COLS).join(SourceDoc, SourceDoc.source_id == SourceRow.id)
        async with self.db.read() as conn:
            row = (await conn.execute(stmt.where(SourceDoc.report_id == report_id))).first()
        return SourceInfo(*row) if row else None

    # ---- status --------------------------------------------------------------------------------

    async def status(self) -> SourcesStatus:
        now = utcnow()
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(
                        func.count(),
                        func.count().filter(SourceRow.paused.is_(True)),
                        func.count().filter(SourceRow.paused.is_(False), SourceRow.failures > 0),
                        func.count().filter(SourceRow.paused.is_(False), SourceRow.next_check <= now),
                        func.coalesce(func.sum(SourceRow.documents), 0),
                    )
                )
            ).first()
        assert row is not None
        return SourcesStatus(*(int(v or 0) for v in row))

    async def troubled(self, limit: int = 20) -> list[SourceInfo]:
        """Paused sources, then failing ones, most failures first."""
        stmt = (
            select(*_COLS)
            .where(or_(SourceRow.paused.is_(True), SourceRow.failures > 0))
            .order_by(SourceRow.paused.desc(), SourceRow.failures.desc(), SourceRow.id)
            .limit(limit)
        )
        async with self.db.read() as conn:
            return [SourceInfo(*r) for r in (await conn.execute(stmt)).all()]
