"""The report aggregate: reports, their digest, figures and county links, and the queries over them
(targets, period digests). Results are typed (bot/store/rows.py), never raw rows.

Everything goes through SQLAlchemy constructs (no hand-written SQL) so a PostgreSQL URL works as well as
the SQLite default. Atomic steps rely on unique keys and conditional statements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from bot.store.base import Database, clip, fit, to_naive_utc, utcnow
from bot.store.rows import (
    CountyLink,
    FigureRow,
    FinishResult,
    PendingReport,
    PeriodRow,
    ReportDigest,
    ReportInfo,
    TargetRow,
)
from bot.store.tables import DigestRow, FigureTable, Report, ReportCounty
from extract.models import County

REOPEN_HOLD_S = 120.0  # a reopened upload is its fetcher's to process and answer for this long


def _county_cond(cols: Any, county: str, city: str | None, province: str | None) -> Any:
    """Same name, and the same city/province where both sides know it (rows whose county was found
    without them still count)."""
    cond = cols.county == county
    for col, want in ((cols.province, province), (cols.city, city)):
        if want:
            cond = and_(cond, or_(col.is_(None), col == want))
    return cond


class Reports:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert_report(
        self,
        *,
        scope: str,
        sender: str | None,
        filename: str | None,
        raw: bytes,
        received: datetime | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
        worker: str | None = None,
        lease_s: float = 0.0,
    ) -> int:
        """A pending report; with `worker`, leased to it for lease_s (it works on the report itself),
        with `chat_id`, its outcome is owed to that chat (the queue delivers it if the worker dies)."""
        now = utcnow()
        values = dict(
            scope=scope,
            sender=sender,
            filename=filename,
            raw=raw,
            received=to_naive_utc(received) if received else now,
            status="pending",
            claimed_at=now,
            chat_id=chat_id,
            reply_to=reply_to,
            worker=worker,
            lease_until=now + timedelta(seconds=lease_s) if worker else None,
            attempts=1 if worker else 0,  # the leased worker's run is the first attempt
        )
        async with self.db.write() as conn:
            res = await conn.execute(insert(Report).values(fit(Report, values)))
            return int(res.inserted_primary_key[0])

    async def report(self, report_id: int) -> ReportInfo | None:
        cols = [getattr(Report, name) for name in ReportInfo.__dataclass_fields__]
        async with self.db.read() as conn:
            row = (await conn.execute(select(*cols).where(Report.id == report_id))).first()
        return ReportInfo(*row) if row else None

    async def received(self, report_id: int) -> datetime | None:
        async with self.db.read() as conn:
            return (await conn.execute(select(Report.received).where(Report.id == report_id))).scalar()

    async def raw(self, report_id: int) -> bytes | None:
        async with self.db.read() as conn:
            return (await conn.execute(select(Report.raw).where(Report.id == report_id))).scalar()

    async def count_reports(self, *, status: str | None = None, scope: str | None = None) -> int:
        stmt = select(func.count()).select_from(Report)
        if status:
            stmt = stmt.where(Report.status == status)
        if scope:
            stmt = stmt.where(Report.scope == scope)
        async with self.db.read() as conn:
            return int((await conn.execute(stmt)).scalar() or 0)

    async def pending(self, *, claimed_before: datetime) -> list[PendingReport]:
        cols = [getattr(Report, name) for name in PendingReport.__dataclass_fields__]
        stmt = (
            select(*cols)
            .where(Report.status == "pending")
            .where(or_(Report.claimed_at.is_(None), Report.claimed_at <= claimed_before))
            .order_by(Report.id)
        )
        async with self.db.read() as conn:
            return [PendingReport(*r) for r in (await conn.execute(stmt)).all()]

    async def pending_report(self, report_id: int) -> PendingReport | None:
        """The report if it is still pending (what a worker needs to claim it)."""
        cols = [getattr(Report, name) for name in PendingReport.__dataclass_fields__]
        stmt = select(*cols).where(Report.id == report_id, Report.status == "pending")
        async with self.db.read() as conn:
            row = (await conn.execute(stmt)).first()
        return PendingReport(*row) if row else None

    async def claim(
        self, report_id: int, seen_claim: datetime | None, *, worker: str | None = None, lease_s: float = 0.0,
        attempt: bool = False,
    ) -> bool:  # fmt: skip
        """Compare-and-swap on claimed_at so two resuming processes do not both take the report.
        `attempt`: the claim starts a new run at it (counted in attempts)."""
        cond = Report.claimed_at.is_(None) if seen_claim is None else Report.claimed_at == seen_claim
        now = utcnow()
        lease: dict[str, Any] = {"attempts": Report.attempts + 1} if attempt else {}
        lease |= dict(worker=worker, lease_until=now + timedelta(seconds=lease_s)) if worker else {}
        async with self.db.write() as conn:
            res = await conn.execute(
                update(Report)
                .where(Report.id == report_id, Report.status == "pending", cond)
                .values(claimed_at=now, **lease)
            )
            return res.rowcount == 1

    async def failed_with(self, error: str) -> list[PendingReport]:
        """Failed reports whose error is exactly `error` (the bot's uploads still to be downloaded)."""
        cols = [getattr(Report, name) for name in PendingReport.__dataclass_fields__]
        stmt = select(*cols).where(Report.status == "failed", Report.error == error).order_by(Report.id)
        async with self.db.read() as conn:
            return [PendingReport(*r) for r in (await conn.execute(stmt)).all()]

    async def reopen(self, report_id: int, error: str, raw: bytes) -> bool:
        """A report failed with `error` gets its bytes and is pending again, claimed by the caller."""
        async with self.db.write() as conn:
            res = await conn.execute(
                update(Report)
                .where(Report.id == report_id, Report.status == "failed", Report.error == error)
                # owed to the chat again, and held long enough that the queue runner leaves it to the caller
                .values(
                    raw=raw,
                    status="pending",
                    error=None,
                    processed=None,
                    claimed_at=utcnow(),
                    delivered_at=None,
                    worker=None,
                    lease_until=utcnow() + timedelta(seconds=REOPEN_HOLD_S),
                )
            )
            return res.rowcount == 1

    async def mark_failed(self, report_id: int, error: str) -> bool:
        async with self.db.write() as conn:
            res = await conn.execute(
                update(Report)
                .where(Report.id == report_id, Report.status == "pending")
                .values(status="failed", error=clip(Report.error, error), processed=utcnow())
            )
            return res.rowcount == 1

    async def find_done(self, scope: str, sha256: str) -> int | None:
        async with self.db.read() as conn:
            res = await conn.execute(
                select(Report.id).where(
                    Report.scope == scope, Report.sha256 == sha256, Report.status == "done"
                )
            )
            return res.scalar()

    async def near_candidates(self, scope: str, lo: int, hi: int, limit: int) -> list[tuple[int, str]]:
        """(id, normalised text) of the scope's newest done reports whose text length is in [lo, hi]:
        the only ones a near-duplicate of a text can be (bot/dedup.py)."""
        n = func.length(Report.normalized)
        stmt = (
            select(Report.id, Report.normalized)
            .where(Report.scope == scope, Report.status == "done", n >= lo, n <= hi)
            .order_by(Report.id.desc())
            .limit(limit)
        )
        async with self.db.read() as conn:
            return [(rid, text) for rid, text in (await conn.execute(stmt)).all() if text]

    async def mark_duplicate(self, report_id: int, first_id: int) -> bool:
        # the text is kept once, under the first report
        async with self.db.write() as conn:
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
        figures: Sequence[FigureRow],
        counties: Sequence[CountyLink],
    ) -> FinishResult:
        """Digest, figures and county links in one transaction. Claiming (scope, sha256) is what makes
        concurrent twins safe: the loser gets an IntegrityError and becomes a duplicate."""
        now = utcnow()
        done = dict(
            status="done",
            sha256=sha256,
            normalized=normalized,
            title=title,
            published=published,
            source=source,
            processed=now,
            error=None,
        )
        digest = dict(
            report_id=report_id, backend=backend, prompt_version=prompt_version, created=now, data=digest_json
        )
        try:
            async with self.db.write() as conn:
                res = await conn.execute(
                    update(Report)
                    .where(Report.id == report_id, Report.status == "pending")
                    .values(fit(Report, done))
                )
                if res.rowcount != 1:
                    state = (await conn.execute(select(Report.status).where(Report.id == report_id))).scalar()
                    return FinishResult(status=state or "missing", by_other=True)
                await conn.execute(insert(DigestRow).values(fit(DigestRow, digest)))
                if figures:
                    rows = [fit(FigureTable, {**vars(f), "report_id": report_id}) for f in figures]
                    await conn.execute(insert(FigureTable), rows)
                if counties:
                    links = [fit(ReportCounty, {**vars(c), "report_id": report_id}) for c in counties]
                    await conn.execute(insert(ReportCounty), links)
        except IntegrityError:
            first = await self.find_done(scope, sha256)
            if first is None:
                raise
            await self.mark_duplicate(report_id, first)
            return FinishResult(status="duplicate", duplicate_of=first)
        return FinishResult(status="done")

    async def mark_delivered(self, report_id: int) -> bool:
        """Record that the report's outcome reached its chat; False when already recorded (atomic)."""
        async with self.db.write() as conn:
            res = await conn.execute(
                update(Report)
                .where(Report.id == report_id, Report.delivered_at.is_(None))
                .values(delivered_at=utcnow())
            )
            return res.rowcount == 1

    async def digest_json(self, report_id: int) -> str | None:
        async with self.db.read() as conn:
            stmt = select(DigestRow.data).where(DigestRow.report_id == report_id)
            return (await conn.execute(stmt)).scalar()

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
        async with self.db.read() as conn:
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
        async with self.db.read() as conn:
            return (await conn.execute(stmt)).scalar()

    # ---- targets and period digests ------------------------------------------------------------

    async def target_rows(
        self, county: str, city: str | None, province: str | None, scopes: Sequence[str], under: str = ""
    ) -> list[TargetRow]:
        """A county's target figures; under="city"/"province": those of every county of the city or
        province named `county` (issue L's roll-up)."""
        figure_cols = [getattr(FigureTable, name) for name in FigureRow.__dataclass_fields__]
        by = {"city": FigureTable.city, "province": FigureTable.province}.get(under)
        where = _county_cond(FigureTable, county, city, province) if by is None else by == county
        stmt = (
            select(
                *figure_cols,
                Report.id.label("report_id"),
                Report.title,
                Report.published,
                Report.received,
                Report.source,
            )
            .join(Report, Report.id == FigureTable.report_id)
            .where(where)
            .where(FigureTable.kind == "target", Report.status == "done", Report.scope.in_(list(scopes)))
        )
        async with self.db.read() as conn:
            return [TargetRow(**r._mapping) for r in (await conn.execute(stmt)).all()]

    async def county_report_count(
        self, county: str, city: str | None, province: str | None, scopes: Sequence[str]
    ) -> int:
        stmt = (
            select(func.count(func.distinct(ReportCounty.report_id)))
            .join(Report, Report.id == ReportCounty.report_id)
            .where(_county_cond(ReportCounty, county, city, province))
            .where(Report.status == "done", Report.scope.in_(list(scopes)))
        )
        async with self.db.read() as conn:
            return int((await conn.execute(stmt)).scalar() or 0)

    async def stored_county(self, name: str) -> County | None:
        """A county some digest named that the gazetteer does not know (LLM-found names)."""
        async with self.db.read() as conn:
            res = await conn.execute(
                select(ReportCounty.county, ReportCounty.city, ReportCounty.province)
                .where(ReportCounty.county == name)
                .limit(1)
            )
            row = res.first()
        return County(name=row.county, city=row.city, province=row.province) if row else None

    async def period_rows(
        self, scopes: Sequence[str], since: datetime, until: datetime, follow_counties: Sequence[str] = ()
    ) -> list[PeriodRow]:
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
        async with self.db.read() as conn:
            return [PeriodRow(*r) for r in (await conn.execute(stmt)).all()]
