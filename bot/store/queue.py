"""The work queue several workers share through the database: message parts stored on arrival and joined
once, reports claimed with an expiring lease, worker heartbeats, and the numbers `countybot status` shows.

A report is work while it is pending, or while its outcome is owed to a chat (chat_id set, delivered_at
NULL). A worker takes work by setting worker + lease_until; it renews the lease while it lives, so the
report of a worker that died becomes free again when the lease runs out — on PostgreSQL at once: a
running worker's connections carry its name (`presence_name`), and a worker that has a heartbeat row but
no connection any more is dead (kill -9 closes its sockets; the server ends their sessions). On
PostgreSQL the claim skips rows another worker has locked (FOR UPDATE SKIP LOCKED) and a NOTIFY wakes
idle workers; SQLite is the single-process path (one writer, the claim's conditional UPDATE)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Update, and_, column, exists, func, insert, literal, or_, select, table, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from bot.store.base import Database, fit, utcnow
from bot.store.reports import Reports
from bot.store.tables import MessagePart, Report, WorkerRow

CHANNEL = "countybot_queue"
PRESENCE_PREFIX = "countybot:"
_ACTIVITY = table("pg_stat_activity", column("application_name"), column("datname"))
SENDS_AT_ONCE = 4  # PostgreSQL deliveries in flight per process (the pool: 5 connections, 10 on demand)
MAX_ATTEMPTS = 5  # claims of one report before it is left alone (a report that kills every worker)
# runs that started processing a report (the receiving worker's, then each claim after a crash or a
# stop): past this, the next claim marks it failed and tells its sender once, instead of processing it
PROCESS_ATTEMPTS = 3
ORDER_HORIZON = timedelta(hours=1)  # an older undelivered report of the chat holds later ones back this long


class _JoinLost(Exception):
    pass


@dataclass(frozen=True)
class QueueItem:
    id: int
    scope: str
    sender: str | None
    filename: str | None
    status: str
    chat_id: int | None
    reply_to: int | None
    attempts: int


@dataclass(frozen=True)
class WorkerSeen:
    worker_id: str
    host: str | None
    pid: int | None
    started: datetime
    seen: datetime


@dataclass(frozen=True)
class QueueStatus:
    depth: int  # reports pending or owed to a chat
    pending: int
    undelivered: int
    oldest_pending: datetime | None
    open_parts: int  # message parts not yet joined into a report


def _is_work() -> object:
    return or_(Report.status == "pending", and_(Report.chat_id.is_not(None), Report.delivered_at.is_(None)))


def presence_name(worker_id: str) -> str:
    """The application_name of a worker's PostgreSQL connections (the server keeps 63 bytes)."""
    return (PRESENCE_PREFIX + worker_id).encode()[:63].decode(errors="ignore")


def gone(worker_column: object = Report.worker) -> object:
    """The report's worker is a running worker (it has a heartbeat row) with no connection left: it died.
    Workers without a heartbeat row (a CLI run, a test's service) keep their leases until they expire.
    `worker_column`: another leased row's worker (a source's, bot/store/sources.py)."""
    name = func.substr(literal(PRESENCE_PREFIX) + worker_column, 1, 63)
    return and_(
        exists().where(WorkerRow.worker_id == worker_column),
        # this database's sessions only: a worker of the same name on another database of the cluster
        # (staging beside production) is another worker
        ~exists().where(_ACTIVITY.c.application_name == name, _ACTIVITY.c.datname == func.current_database()),
    )


_gone = gone  # the name other branches may still use


def _free(now: datetime, postgres: bool) -> object:
    free = or_(Report.lease_until.is_(None), Report.lease_until < now)
    return or_(free, gone()) if postgres else free


def _earlier_owed(now: datetime) -> object:
    """An earlier report of the same chat whose outcome is still owed: its reply must come first."""
    older = aliased(Report)
    return exists().where(
        older.chat_id == Report.chat_id,
        older.id < Report.id,
        older.delivered_at.is_(None),
        older.attempts < MAX_ATTEMPTS,
        older.received > now - ORDER_HORIZON,
    )


class Queue:
    def __init__(self, db: Database, reports: Reports) -> None:
        self.db = db
        self.reports = reports  # deliveries are recorded on the report (Reports.mark_delivered)
        self.postgres = db.engine.dialect.name == "postgresql"
        # a send in flight holds a pooled connection (its delivery transaction): a few at once, so a
        # burst of replies (or the rate limiter holding them) never takes the connections that store
        # what users send
        self._sends = asyncio.Semaphore(SENDS_AT_ONCE)

    async def notify(self, conn: AsyncConnection) -> None:
        """Wake the idle workers (PostgreSQL; sent when the transaction commits)."""
        if self.postgres:
            await conn.execute(text(f"SELECT pg_notify('{CHANNEL}', '')"))

    # ---- reports -------------------------------------------------------------------------------

    async def claim_next(self, worker: str, lease_s: float) -> QueueItem | None:
        """The oldest free report whose chat owes no earlier reply, leased to `worker`; None when none."""
        now = utcnow()
        candidate = (
            select(Report.id)
            .where(_is_work(), _free(now, self.postgres), Report.attempts < MAX_ATTEMPTS)
            .where(or_(Report.chat_id.is_(None), ~_earlier_owed(now)))
            .order_by(Report.id)
            .limit(1)
        )
        if self.postgres:
            candidate = candidate.with_for_update(skip_locked=True, of=Report)
        cols = [getattr(Report, name) for name in QueueItem.__dataclass_fields__]
        async with self.db.write() as conn:
            report_id = (await conn.execute(candidate)).scalar()
            if report_id is None:
                return None
            res = await conn.execute(
                update(Report)
                .where(Report.id == report_id, _free(now, self.postgres))
                .values(
                    worker=worker,
                    lease_until=now + timedelta(seconds=lease_s),
                    claimed_at=now,
                    attempts=Report.attempts + 1,
                )
            )
            if res.rowcount != 1:
                return None
            row = (await conn.execute(select(*cols).where(Report.id == report_id))).first()
        return QueueItem(*row) if row else None

    async def renew(self, worker: str, report_ids: Sequence[int], lease_s: float) -> int:
        if not report_ids:
            return 0
        async with self.db.write() as conn:
            res = await conn.execute(
                update(Report)
                .where(Report.id.in_(list(report_ids)), Report.worker == worker)
                .values(lease_until=utcnow() + timedelta(seconds=lease_s))
            )
            return res.rowcount

    async def release(self, worker: str, report_ids: Sequence[int] | None = None) -> int:
        """Give back the leases of a worker that stops (all of them, or these): others take over at once."""
        stmt = update(Report).where(Report.worker == worker, Report.lease_until.is_not(None), _is_work())
        if report_ids is not None:
            stmt = stmt.where(Report.id.in_(list(report_ids)))
        async with self.db.write() as conn:
            res = await conn.execute(stmt.values(lease_until=None))
            if res.rowcount:
                await self.notify(conn)
            return res.rowcount

    def _fence(self, report_id: int, worker: str, lease_s: float) -> Update:
        """The reply is still `worker`'s to send (not taken over by another worker while this one
        stalled) and not sent yet: the lease renewed for the send. One row updated, or none."""
        now = utcnow()
        mine = or_(Report.worker == worker, Report.worker.is_(None), Report.lease_until.is_(None))
        return (
            update(Report)
            .where(Report.id == report_id, Report.delivered_at.is_(None))
            .where(or_(mine, _free(now, self.postgres)))
            .values(worker=worker, lease_until=now + timedelta(seconds=lease_s))
        )

    async def fence(self, report_id: int, worker: str, lease_s: float) -> bool:
        """Just before sending (see _fence). False: leave the reply to the other worker."""
        async with self.db.write() as conn:
            return (await conn.execute(self._fence(report_id, worker, lease_s))).rowcount == 1

    @asynccontextmanager
    async def delivery(self, report_id: int, worker: str, lease_s: float) -> AsyncIterator[bool]:
        """Around the send of a report's reply: True inside when it is `worker`'s to send (fence), and the
        delivery is recorded when the block ends without an error. On PostgreSQL the record is written
        before the send, in a transaction committed the moment the block ends: the only gap left for a
        reply sent twice is the commit's round trip after Telegram's answer (a worker killed in it). The
        row stays locked meanwhile, so no other worker claims it. SQLite (one process) fences, then
        records after the send; holding its single writer across a network call would stall the store."""
        if not self.postgres:
            ours = await self.fence(report_id, worker, lease_s)
            yield ours
            if ours:
                await self.reports.mark_delivered(report_id)
            return
        async with self._sends, self.db.write() as conn:
            fenced = self._fence(report_id, worker, lease_s).values(delivered_at=utcnow())
            yield (await conn.execute(fenced)).rowcount == 1

    async def attempts(self, report_id: int) -> int:
        stmt = select(Report.attempts).where(Report.id == report_id)
        async with self.db.read() as conn:
            return int((await conn.execute(stmt)).scalar() or 0)

    async def report_for_message(self, chat_id: int, message_id: int) -> int | None:
        stmt = select(Report.id).where(Report.chat_id == chat_id, Report.reply_to == message_id).limit(1)
        async with self.db.read() as conn:
            return (await conn.execute(stmt)).scalar()

    async def earlier_owed(self, report_id: int) -> bool:
        """Whether an earlier report of the same chat still waits for its reply (per-chat order)."""
        now = utcnow()
        stmt = select(_earlier_owed(now)).select_from(Report).where(Report.id == report_id)
        async with self.db.read() as conn:
            return bool((await conn.execute(stmt)).scalar())

    async def give_up_delivery(self, report_id: int) -> None:
        """Delivery failed for good (the chat is gone): record it as delivered so later replies flow."""
        async with self.db.write() as conn:
            await conn.execute(
                update(Report)
                .where(Report.id == report_id, Report.delivered_at.is_(None))
                .values(delivered_at=utcnow(), lease_until=None)
            )

    # ---- message parts -------------------------------------------------------------------------

    async def add_part(
        self, key: str, chat_id: int, sender: str | None, message_id: int, part: str
    ) -> datetime | None:
        """Store one part (before anything else is done with it); None when it was stored already
        (Telegram delivering the same update twice)."""
        now = utcnow()
        values = dict(
            join_key=key, chat_id=chat_id, sender=sender, message_id=message_id, text=part, received=now
        )
        try:
            async with self.db.write() as conn:
                await conn.execute(insert(MessagePart).values(fit(MessagePart, values)))
        except IntegrityError:
            return None
        return now

    async def open_parts_last(self, key: str) -> datetime | None:
        """When the key's newest part not yet joined arrived; None when it has none."""
        stmt = select(func.max(MessagePart.received)).where(
            MessagePart.join_key == key, MessagePart.report_id.is_(None)
        )
        async with self.db.read() as conn:
            return (await conn.execute(stmt)).scalar()

    async def quiet_keys(self, quiet_before: datetime) -> list[str]:
        """Keys whose open parts all arrived before `quiet_before` (their join window passed)."""
        stmt = (
            select(MessagePart.join_key)
            .where(MessagePart.report_id.is_(None))
            .group_by(MessagePart.join_key)
            .having(func.max(MessagePart.received) < quiet_before)
        )
        async with self.db.read() as conn:
            return list((await conn.execute(stmt)).scalars())

    async def join_parts(
        self,
        key: str,
        quiet_before: datetime,
        join: Callable[[list[str]], str],
        *,
        worker: str | None,
        lease_s: float,
    ) -> int | None:
        """Exactly once per paste: when the key's last open part is older than `quiet_before`, its open
        parts become one pending report (leased to `worker`, or free for any worker when None) in one
        transaction. None when there is nothing to join, the window is still open or another worker
        joined them first."""
        now = utcnow()
        stmt = (
            select(MessagePart.id, MessagePart.chat_id, MessagePart.sender, MessagePart.message_id)
            .add_columns(MessagePart.text, MessagePart.received)
            .where(MessagePart.join_key == key, MessagePart.report_id.is_(None))
            .order_by(MessagePart.message_id)
        )
        if self.postgres:
            stmt = stmt.with_for_update()  # a second joiner waits here, then finds the parts taken
        try:
            return await self._join(stmt, now, quiet_before, join, worker, lease_s)
        except _JoinLost:
            return None  # another worker joined some of them meanwhile: theirs

    async def _join(
        self,
        stmt: object,
        now: datetime,
        quiet_before: datetime,
        join: Callable[[list[str]], str],
        worker: str | None,
        lease_s: float,
    ) -> int | None:
        async with self.db.write() as conn:
            rows = (await conn.execute(stmt)).all()
            if not rows or max(r.received for r in rows) >= quiet_before:
                return None
            first = rows[0]
            report = dict(
                scope=f"chat:{first.chat_id}",
                sender=first.sender,
                received=min(r.received for r in rows),
                raw=join([r.text for r in rows]).encode("utf-8"),
                status="pending",
                chat_id=first.chat_id,
                reply_to=first.message_id,
                worker=worker,
                lease_until=now + timedelta(seconds=lease_s) if worker else None,
                claimed_at=now,
                attempts=1 if worker else 0,  # the joining worker processes it: its first attempt
            )
            res = await conn.execute(insert(Report).values(fit(Report, report)))
            report_id = int(res.inserted_primary_key[0])
            ids = [r.id for r in rows]
            taken = await conn.execute(
                update(MessagePart)
                .where(MessagePart.id.in_(ids), MessagePart.report_id.is_(None))
                .values(report_id=report_id)
            )
            if taken.rowcount != len(ids):
                raise _JoinLost  # rolls the report back
            if worker is None:
                await self.notify(conn)
        return report_id

    # ---- workers and status --------------------------------------------------------------------

    async def heartbeat(self, worker: str, host: str, pid: int, started: datetime) -> None:
        now = utcnow()
        stmt = update(WorkerRow).where(WorkerRow.worker_id == worker).values(seen=now, host=host, pid=pid)
        async with self.db.write() as conn:
            if (await conn.execute(stmt)).rowcount:
                return
        try:
            async with self.db.write() as conn:
                await conn.execute(
                    insert(WorkerRow).values(worker_id=worker, host=host, pid=pid, started=started, seen=now)
                )
        except IntegrityError:
            pass  # the same id beating twice at once: the row exists, which is all a heartbeat needs

    async def workers_seen(self, since: datetime) -> list[WorkerSeen]:
        cols = [getattr(WorkerRow, name) for name in WorkerSeen.__dataclass_fields__]
        stmt = select(*cols).where(WorkerRow.seen >= since).order_by(WorkerRow.worker_id)
        async with self.db.read() as conn:
            return [WorkerSeen(*r) for r in (await conn.execute(stmt)).all()]

    async def status(self) -> QueueStatus:
        owed = and_(Report.chat_id.is_not(None), Report.delivered_at.is_(None), Report.status != "pending")
        async with self.db.read() as conn:
            pending = (
                await conn.execute(
                    select(func.count(), func.min(Report.received)).where(Report.status == "pending")
                )
            ).first()
            undelivered = (await conn.execute(select(func.count()).where(owed))).scalar() or 0
            parts = (
                await conn.execute(select(func.count()).where(MessagePart.report_id.is_(None)))
            ).scalar() or 0
        n_pending = int(pending[0] or 0)
        return QueueStatus(
            depth=n_pending + int(undelivered),
            pending=n_pending,
            undelivered=int(undelivered),
            oldest_pending=pending[1],
            open_parts=int(parts),
        )
