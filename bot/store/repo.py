"""Queries. Everything goes through SQLAlchemy constructs (no hand-written SQL) so a PostgreSQL URL
works as well as the SQLite default; the one dialect-specific construct (the quota upsert) is picked per
dialect with a portable fallback. Atomic operations rely on unique keys and conditional statements.

SQLite has one writer at a time. Writers of this process queue on an asyncio lock (woken the moment the
previous one commits) rather than on the file lock, where SQLite's busy handler polls with sleeps of
up to 25 ms or more: under a burst of 50 chats that polling, not the writes, was the cost. Other
processes (the CLI beside the bot) still meet the file lock and busy_timeout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import aliased

from bot.store.db import make_engine
from bot.store.migrations import migrate
from bot.store.tables import (
    ChatSettingsRow,
    DigestRow,
    FigureRow,
    FollowedCounty,
    LLMCacheRow,
    LLMCall,
    LLMQuota,
    Report,
    ReportCounty,
    SentDigest,
    SubscriptionRow,
)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _clip(col: Any, value: Any) -> Any:
    """A string made storable in `col` on any database: NUL removed (PostgreSQL text cannot hold it) and
    cut to the column's VARCHAR length (PostgreSQL enforces it where SQLite does not), so a long LLM label
    or file name never fails a report."""
    if not isinstance(value, str):
        return value
    if "\x00" in value:
        value = value.replace("\x00", "")
    length = getattr(col.type, "length", None)
    return value[:length] if length and len(value) > length else value


def _fit(model: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    cols = model.__table__.c
    return {k: _clip(cols[k], v) if k in cols else v for k, v in values.items()}


def to_naive_utc(dt: datetime) -> datetime:
    """Stored times are naive UTC; an aware datetime is converted, a naive one is taken as UTC."""
    return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt


@dataclass(frozen=True)
class FinishResult:
    status: str  # "done", "duplicate", or the state another worker left it in ("done"/"failed"/...)
    duplicate_of: int | None = None
    by_other: bool = False  # another worker finished this report first


@dataclass(frozen=True)
class ReportDigest:
    """A report's digest as one chat may see it (Store.report_digest)."""

    report_id: int  # the report whose digest this is (the first one, for a duplicate)
    scope: str
    data: str  # Digest JSON


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction; on SQLite, one at a time within this process (see the module doc)."""
        if self._write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
        else:
            async with self._write_lock, self.engine.begin() as conn:
                yield conn

    @classmethod
    async def open(cls, url: str | URL) -> Store:
        engine = make_engine(url)
        try:
            await migrate(engine)
        except BaseException:
            await engine.dispose()
            raise
        return cls(engine)

    async def close(self) -> None:
        await self.engine.dispose()

    # ---- reports -------------------------------------------------------------------------------

    async def insert_report(
        self,
        *,
        scope: str,
        sender: str | None,
        filename: str | None,
        raw: bytes,
        received: datetime | None = None,
    ) -> int:
        now = utcnow()
        async with self._write() as conn:
            res = await conn.execute(
                insert(Report).values(
                    _fit(
                        Report,
                        dict(
                            scope=scope,
                            sender=sender,
                            filename=filename,
                            raw=raw,
                            received=to_naive_utc(received) if received else now,
                            status="pending",
                            claimed_at=now,
                        ),
                    )
                )
            )
            return int(res.inserted_primary_key[0])

    async def report(self, report_id: int) -> Row | None:
        async with self.engine.connect() as conn:
            res = await conn.execute(
                select(
                    Report.id,
                    Report.scope,
                    Report.status,
                    Report.error,
                    Report.duplicate_of,
                    Report.filename,
                    Report.received,
                    Report.title,
                    Report.published,
                    Report.sha256,
                ).where(Report.id == report_id)
            )
            return res.first()

    async def raw(self, report_id: int) -> bytes | None:
        async with self.engine.connect() as conn:
            return (await conn.execute(select(Report.raw).where(Report.id == report_id))).scalar()

    async def count_reports(self, *, status: str | None = None, scope: str | None = None) -> int:
        stmt = select(func.count()).select_from(Report)
        if status:
            stmt = stmt.where(Report.status == status)
        if scope:
            stmt = stmt.where(Report.scope == scope)
        async with self.engine.connect() as conn:
            return int((await conn.execute(stmt)).scalar() or 0)

    async def pending(self, *, claimed_before: datetime) -> list[Row]:
        async with self.engine.connect() as conn:
            res = await conn.execute(
                select(Report.id, Report.scope, Report.sender, Report.filename, Report.claimed_at)
                .where(Report.status == "pending")
                .where(or_(Report.claimed_at.is_(None), Report.claimed_at <= claimed_before))
                .order_by(Report.id)
            )
            return list(res.all())

    async def claim(self, report_id: int, seen_claim: datetime | None) -> bool:
        """Compare-and-swap on claimed_at so two resuming processes do not both take the report."""
        cond = Report.claimed_at.is_(None) if seen_claim is None else Report.claimed_at == seen_claim
        async with self._write() as conn:
            res = await conn.execute(
                update(Report)
                .where(Report.id == report_id, Report.status == "pending", cond)
                .values(claimed_at=utcnow())
            )
            return res.rowcount == 1

    async def mark_failed(self, report_id: int, error: str) -> bool:
        async with self._write() as conn:
            res = await conn.execute(
                update(Report)
                .where(Report.id == report_id, Report.status == "pending")
                .values(status="failed", error=_clip(Report.error, error), processed=utcnow())
            )
            return res.rowcount == 1

    async def find_done(self, scope: str, sha256: str) -> int | None:
        async with self.engine.connect() as conn:
            res = await conn.execute(
                select(Report.id).where(
                    Report.scope == scope, Report.sha256 == sha256, Report.status == "done"
                )
            )
            return res.scalar()

    async def mark_duplicate(self, report_id: int, first_id: int) -> bool:
        # the text is kept once, under the first report
        async with self._write() as conn:
            res = await conn.execute(
                update(Report)
                .where(Report.id == report_id, Report.status == "pending")
                .values(status="duplicate", duplicate_of=first_id, raw=None, processed=utcnow())
            )
            return res.rowcount == 1

    async def finish_report(
        self,
        report_id: int,
        *,
        scope: str,
        sha256: str,
        normalized: str,
        title: str | None,
        published: date | None,
        source: str | None,
        backend: str,
        prompt_version: str | None,
        digest_json: str,
        figures: Sequence[dict[str, Any]],
        counties: Sequence[dict[str, Any]],
    ) -> FinishResult:
        """Digest, figures and county links in one transaction. Claiming (scope, sha256) is what makes
        concurrent twins safe: the loser gets an IntegrityError and becomes a duplicate."""
        now = utcnow()
        try:
            async with self._write() as conn:
                res = await conn.execute(
                    update(Report)
                    .where(Report.id == report_id, Report.status == "pending")
                    .values(
                        _fit(
                            Report,
                            dict(
                                status="done",
                                sha256=sha256,
                                normalized=normalized,
                                title=title,
                                published=published,
                                source=source,
                                processed=now,
                                error=None,
                            ),
                        )
                    )
                )
                if res.rowcount != 1:
                    state = (await conn.execute(select(Report.status).where(Report.id == report_id))).scalar()
                    return FinishResult(status=state or "missing", by_other=True)
                await conn.execute(
                    insert(DigestRow).values(
                        _fit(
                            DigestRow,
                            dict(
                                report_id=report_id,
                                backend=backend,
                                prompt_version=prompt_version,
                                created=now,
                                data=digest_json,
                            ),
                        )
                    )
                )
                if figures:
                    await conn.execute(
                        insert(FigureRow), [_fit(FigureRow, {**f, "report_id": report_id}) for f in figures]
                    )
                if counties:
                    await conn.execute(
                        insert(ReportCounty),
                        [_fit(ReportCounty, {**c, "report_id": report_id}) for c in counties],
                    )
        except IntegrityError:
            first = await self.find_done(scope, sha256)
            if first is None:
                raise
            await self.mark_duplicate(report_id, first)
            return FinishResult(status="duplicate", duplicate_of=first)
        return FinishResult(status="done")

    async def digest_json(self, report_id: int) -> str | None:
        async with self.engine.connect() as conn:
            return (
                await conn.execute(select(DigestRow.data).where(DigestRow.report_id == report_id))
            ).scalar()

    async def report_digest(self, report_id: int, scopes: Sequence[str]) -> ReportDigest | None:
        """The digest of a report in one of `scopes` or public, following a duplicate to its first
        report; None otherwise. One query: the report, and the digest of it or of its first."""
        first = aliased(Report)
        stmt = (
            select(Report.scope, Report.status, Report.id, first.id, first.scope, DigestRow.data)
            .outerjoin(first, and_(Report.status == "duplicate", first.id == Report.duplicate_of))
            .outerjoin(DigestRow, DigestRow.report_id == func.coalesce(first.id, Report.id))
            .where(Report.id == report_id)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        if row is None or row[5] is None:
            return None
        scope, _status, own_id, first_id, first_scope, data = row
        allowed = {*scopes, "public"}
        # the report itself must be visible; a duplicate's first report lives in the same scope
        if scope not in allowed or (first_scope is not None and first_scope not in allowed):
            return None
        return ReportDigest(report_id=first_id or own_id, scope=scope, data=data)

    async def latest_report(self, scope: str) -> int | None:
        """The newest report in the scope that has a digest to show (done, or a duplicate of one)."""
        stmt = (
            select(Report.id)
            .where(Report.scope == scope, Report.status.in_(("done", "duplicate")))
            .order_by(Report.id.desc())
            .limit(1)
        )
        async with self.engine.connect() as conn:
            return (await conn.execute(stmt)).scalar()

    # ---- targets and digests -------------------------------------------------------------------

    @staticmethod
    def _county_cond(cols: Any, county: str, city: str | None, province: str | None) -> Any:
        """Same name, and the same city/province where both sides know it (rows whose county was found
        without them still count)."""
        cond = cols.county == county
        for col, want in ((cols.province, province), (cols.city, city)):
            if want:
                cond = and_(cond, or_(col.is_(None), col == want))
        return cond

    async def target_rows(
        self, county: str, city: str | None, province: str | None, scopes: Sequence[str]
    ) -> list[Row]:
        stmt = (
            select(
                FigureRow.county,
                FigureRow.label,
                FigureRow.value,
                FigureRow.unit,
                FigureRow.surface,
                FigureRow.period,
                FigureRow.quote,
                FigureRow.position,
                Report.id.label("report_id"),
                Report.title,
                Report.published,
                Report.received,
                Report.source,
            )
            .join(Report, Report.id == FigureRow.report_id)
            .where(self._county_cond(FigureRow, county, city, province))
            .where(FigureRow.kind == "target", Report.status == "done", Report.scope.in_(list(scopes)))
        )
        async with self.engine.connect() as conn:
            return list((await conn.execute(stmt)).all())

    async def county_report_count(
        self, county: str, city: str | None, province: str | None, scopes: Sequence[str]
    ) -> int:
        stmt = (
            select(func.count(func.distinct(ReportCounty.report_id)))
            .join(Report, Report.id == ReportCounty.report_id)
            .where(self._county_cond(ReportCounty, county, city, province))
            .where(Report.status == "done", Report.scope.in_(list(scopes)))
        )
        async with self.engine.connect() as conn:
            return int((await conn.execute(stmt)).scalar() or 0)

    async def stored_county(self, name: str) -> Row | None:
        """A county some digest named that the gazetteer does not know (LLM-found names)."""
        async with self.engine.connect() as conn:
            res = await conn.execute(
                select(ReportCounty.county, ReportCounty.city, ReportCounty.province)
                .where(ReportCounty.county == name)
                .limit(1)
            )
            return res.first()

    async def period_rows(
        self, scopes: Sequence[str], since: datetime, until: datetime, follow_counties: Sequence[str] = ()
    ) -> list[Row]:
        """One row per (report, county link) for done reports received in [since, until)."""
        in_scope = Report.scope.in_(list(scopes)) if scopes else None
        followed = None
        if follow_counties:
            followed = and_(
                Report.scope == "public",
                Report.id.in_(
                    select(ReportCounty.report_id).where(ReportCounty.county.in_(list(follow_counties)))
                ),
            )
        parts = [c for c in (in_scope, followed) if c is not None]
        if not parts:
            return []
        stmt = (
            select(
                Report.id,
                Report.title,
                Report.published,
                Report.source,
                Report.received,
                DigestRow.data,
                ReportCounty.county,
                ReportCounty.city,
                ReportCounty.province,
                ReportCounty.position,
            )
            .join(DigestRow, DigestRow.report_id == Report.id)
            .outerjoin(ReportCounty, ReportCounty.report_id == Report.id)
            .where(Report.status == "done")
            .where(Report.received >= to_naive_utc(since), Report.received < to_naive_utc(until))
            .where(or_(*parts))
        )
        async with self.engine.connect() as conn:
            return list((await conn.execute(stmt)).all())

    # ---- chats ---------------------------------------------------------------------------------

    async def chat_script(self, chat_id: int) -> str | None:
        async with self.engine.connect() as conn:
            stmt = select(ChatSettingsRow.script).where(ChatSettingsRow.chat_id == chat_id)
            return (await conn.execute(stmt)).scalar()

    async def set_script(self, chat_id: int, script: str) -> None:
        async with self._write() as conn:
            res = await conn.execute(
                update(ChatSettingsRow)
                .where(ChatSettingsRow.chat_id == chat_id)
                .values(script=script, updated=utcnow())
            )
            if res.rowcount:
                return
        try:
            async with self._write() as conn:
                await conn.execute(
                    insert(ChatSettingsRow).values(chat_id=chat_id, script=script, updated=utcnow())
                )
        except IntegrityError:  # created concurrently: update it instead
            async with self._write() as conn:
                await conn.execute(
                    update(ChatSettingsRow)
                    .where(ChatSettingsRow.chat_id == chat_id)
                    .values(script=script, updated=utcnow())
                )

    async def take_quota(self, chat_id: int, day: date, limit: int) -> bool:
        """Atomic, one statement on SQLite and PostgreSQL: insert the day's first use, or add one while
        under the limit (`ON CONFLICT DO UPDATE ... WHERE used < limit RETURNING`); no row back means
        the limit was reached. Other databases: a conditional update, else the first insert."""
        if limit <= 0:
            return False
        dialect = self.engine.dialect.name
        if dialect in ("sqlite", "postgresql"):
            if dialect == "sqlite":
                from sqlalchemy.dialects.sqlite import insert as upsert
            else:
                from sqlalchemy.dialects.postgresql import insert as upsert
            stmt = (
                upsert(LLMQuota)
                .values(chat_id=chat_id, day=day, used=1)
                .on_conflict_do_update(
                    index_elements=[LLMQuota.chat_id, LLMQuota.day],
                    set_={"used": LLMQuota.used + 1},
                    where=LLMQuota.used < limit,
                )
                .returning(LLMQuota.used)
            )
            async with self._write() as conn:
                return (await conn.execute(stmt)).first() is not None
        return await self._take_quota_portable(chat_id, day, limit)

    async def _take_quota_portable(self, chat_id: int, day: date, limit: int) -> bool:
        for _ in range(2):
            async with self._write() as conn:
                res = await conn.execute(
                    update(LLMQuota)
                    .where(LLMQuota.chat_id == chat_id, LLMQuota.day == day, LLMQuota.used < limit)
                    .values(used=LLMQuota.used + 1)
                )
                if res.rowcount == 1:
                    return True
                exists = (
                    await conn.execute(
                        select(LLMQuota.used).where(LLMQuota.chat_id == chat_id, LLMQuota.day == day)
                    )
                ).scalar()
                if exists is not None:
                    return False
            try:
                async with self._write() as conn:
                    await conn.execute(insert(LLMQuota).values(chat_id=chat_id, day=day, used=1))
                return True
            except IntegrityError:
                continue  # someone inserted first; the update path decides
        return False

    async def quota_used(self, chat_id: int, day: date) -> int:
        async with self.engine.connect() as conn:
            stmt = select(LLMQuota.used).where(LLMQuota.chat_id == chat_id, LLMQuota.day == day)
            return int((await conn.execute(stmt)).scalar() or 0)

    # ---- subscriptions -------------------------------------------------------------------------

    async def upsert_subscription(self, chat_id: int, time: str, timezone: str) -> None:
        async with self._write() as conn:
            res = await conn.execute(
                update(SubscriptionRow)
                .where(SubscriptionRow.chat_id == chat_id)
                .values(time=time, timezone=timezone)
            )
            if res.rowcount:
                return
        try:
            async with self._write() as conn:
                await conn.execute(
                    insert(SubscriptionRow).values(
                        chat_id=chat_id, time=time, timezone=timezone, created=utcnow()
                    )
                )
        except IntegrityError:
            async with self._write() as conn:
                await conn.execute(
                    update(SubscriptionRow)
                    .where(SubscriptionRow.chat_id == chat_id)
                    .values(time=time, timezone=timezone)
                )

    async def delete_subscription(self, chat_id: int) -> bool:
        async with self._write() as conn:
            res = await conn.execute(delete(SubscriptionRow).where(SubscriptionRow.chat_id == chat_id))
            return res.rowcount > 0

    async def add_follow(self, chat_id: int, county: str) -> bool:
        county = _clip(FollowedCounty.county, county)
        try:
            async with self._write() as conn:
                await conn.execute(
                    insert(FollowedCounty).values(chat_id=chat_id, county=county, created=utcnow())
                )
            return True
        except IntegrityError:
            return False  # already followed

    async def remove_follow(self, chat_id: int, county: str) -> bool:
        county = _clip(FollowedCounty.county, county)
        async with self._write() as conn:
            res = await conn.execute(
                delete(FollowedCounty).where(
                    FollowedCounty.chat_id == chat_id, FollowedCounty.county == county
                )
            )
            return res.rowcount > 0

    async def follows(self, chat_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
        stmt = select(FollowedCounty.chat_id, FollowedCounty.county).order_by(
            FollowedCounty.chat_id, FollowedCounty.created, FollowedCounty.county
        )
        if chat_ids is not None:
            stmt = stmt.where(FollowedCounty.chat_id.in_(list(chat_ids)))
        out: dict[int, list[str]] = {}
        async with self.engine.connect() as conn:
            for chat_id, county in (await conn.execute(stmt)).all():
                out.setdefault(chat_id, []).append(county)
        return out

    async def subscription_rows(self, chat_id: int | None = None) -> list[Row]:
        stmt = select(SubscriptionRow.chat_id, SubscriptionRow.time, SubscriptionRow.timezone).order_by(
            SubscriptionRow.chat_id
        )
        if chat_id is not None:
            stmt = stmt.where(SubscriptionRow.chat_id == chat_id)
        async with self.engine.connect() as conn:
            return list((await conn.execute(stmt)).all())

    async def mark_sent(self, chat_id: int, day: date) -> bool:
        try:
            async with self._write() as conn:
                await conn.execute(insert(SentDigest).values(chat_id=chat_id, day=day, sent_at=utcnow()))
            return True
        except IntegrityError:
            return False

    async def was_sent(self, chat_id: int, day: date) -> bool:
        async with self.engine.connect() as conn:
            stmt = select(SentDigest.chat_id).where(SentDigest.chat_id == chat_id, SentDigest.day == day)
            return (await conn.execute(stmt)).first() is not None

    # ---- LLM cache and call log ----------------------------------------------------------------

    async def cache_get(self, key: str) -> str | None:
        key = _clip(LLMCacheRow.key, key)
        async with self.engine.connect() as conn:
            return (await conn.execute(select(LLMCacheRow.data).where(LLMCacheRow.key == key))).scalar()

    async def cache_put(self, key: str, data: str) -> None:
        key = _clip(LLMCacheRow.key, key)
        try:
            async with self._write() as conn:
                await conn.execute(insert(LLMCacheRow).values(key=key, data=data, created=utcnow()))
        except IntegrityError:
            async with self._write() as conn:
                await conn.execute(
                    update(LLMCacheRow).where(LLMCacheRow.key == key).values(data=data, created=utcnow())
                )

    async def log_call(
        self,
        *,
        at: datetime | None,
        model: str | None,
        outcome: str | None,
        doc_sha256: str | None,
        data: str,
    ) -> None:
        async with self._write() as conn:
            await conn.execute(
                insert(LLMCall).values(
                    _fit(
                        LLMCall,
                        dict(
                            at=to_naive_utc(at) if at else utcnow(),
                            model=model,
                            outcome=outcome,
                            doc_sha256=doc_sha256,
                            data=data,
                        ),
                    )
                )
            )

    async def calls(self, limit: int = 100) -> list[Row]:
        async with self.engine.connect() as conn:
            stmt = (
                select(LLMCall.at, LLMCall.model, LLMCall.outcome, LLMCall.data)
                .order_by(LLMCall.id.desc())
                .limit(limit)
            )
            return list((await conn.execute(stmt)).all())
