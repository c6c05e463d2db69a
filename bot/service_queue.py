"""The Service's side for several workers on one database (mixed into bot.service.Service): leases held
and renewed, the next report from the queue, per-chat reply order, paste parts joined once, daily-digest
claims, heartbeats and the status numbers. The database is the only coordinator."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.models import ResumedReport
from bot.store.base import utcnow
from bot.store.queue import PROCESS_ATTEMPTS, QueueItem, QueueStatus, WorkerSeen

if TYPE_CHECKING:
    from bot.models import ReportOutcome
    from bot.settings import Settings
    from bot.store.repo import Store
    from bot.store.rows import PendingReport

log = logging.getLogger(__name__)

GAVE_UP = (
    f"这份报告已尝试处理 {PROCESS_ATTEMPTS} 次，每次都没能完成（文件可能过大或格式异常），已停止处理。"
    "可以检查文件后重发，或直接粘贴正文文字。"
)
HOLD_MAX_S = 15 * 60  # a lease is renewed at most this long (a stuck delivery is then retried elsewhere)
_STARTED = utcnow()


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{secrets.token_hex(2)}"


class QueueSteps:
    store: Store
    settings: Settings
    worker_id: str
    _held: dict[int, float]
    _busy: set[int]

    on_durable: Callable[[], None] | None
    _replayed: set[int]

    if TYPE_CHECKING:  # the steps of the host (bot.service.Service) this side calls

        async def _process(
            self, report_id: int, scope: str, data: bytes, filename: str | None, use_llm: bool
        ) -> ReportOutcome: ...

        async def _claim_and_process(
            self, row: PendingReport, use_llm: bool, *, attempt: bool = False
        ) -> ReportOutcome | None: ...

        async def _fail(self, report_id: int, message: str) -> ReportOutcome: ...

        async def outcome(self, report_id: int) -> ReportOutcome: ...

    def durable(self) -> None:
        if self.on_durable is not None:
            self.on_durable()

    def replayed(self, report_id: int) -> bool:
        """The report was stored before, from the same message (an update Telegram sent again): the
        worker that stored it, or the queue, answers it."""
        return report_id in self._replayed

    # ---- reports left pending (the CLI's ingest: a crash of an earlier run) ----------------------

    async def resume_pending(self, *, older_than_s: float = 0.0, use_llm: bool = True) -> int:
        """Finish reports left pending by a crash; returns how many were finished (done/failed/duplicate).

        older_than_s: only reports claimed at least that long ago — a second process (CLI beside the bot)
        passes a few minutes so it never takes over a report another live process is still working on."""
        return len(await self.resume_pending_outcomes(older_than_s=older_than_s, use_llm=use_llm))

    async def resume_pending_outcomes(
        self, *, older_than_s: float = 0.0, use_llm: bool = True
    ) -> list[ResumedReport]:
        """resume_pending, returning each finished report's outcome with its scope and sender, so the
        bot can send chat reports their digest."""
        cutoff = utcnow() - timedelta(seconds=older_than_s)
        finished: list[ResumedReport] = []
        for row in await self.store.reports.pending(claimed_before=cutoff):
            outcome = await self._claim_and_process(row, use_llm, attempt=True)
            if outcome is None:
                continue
            log.info("resumed report %d: %s", row.id, outcome.status)
            finished.append(ResumedReport(scope=row.scope, sender=row.sender, outcome=outcome))
        return finished

    # ---- leases --------------------------------------------------------------------------------

    def hold(self, report_id: int) -> None:
        self._held[report_id] = time.monotonic()

    def unhold(self, report_id: int) -> None:
        self._held.pop(report_id, None)

    async def release_all(self) -> int:
        held, self._held = list(self._held), {}
        return await self.store.queue.release(self.worker_id, held) if held else 0

    async def heartbeat(self) -> None:
        """The worker is alive: its row in `workers` and the leases of the reports it holds renewed."""
        now = time.monotonic()
        for rid in [r for r, at in self._held.items() if now - at > HOLD_MAX_S]:
            del self._held[rid]
        await self.store.queue.heartbeat(self.worker_id, socket.gethostname(), os.getpid(), _STARTED)
        await self.store.queue.renew(self.worker_id, list(self._held), self.settings.lease_s)

    # ---- the queue -----------------------------------------------------------------------------

    async def claim_next(self) -> QueueItem | None:
        item = await self.store.queue.claim_next(self.worker_id, self.settings.lease_s)
        if item is not None:
            self.hold(item.id)
        return item

    def exhausted(self, item: QueueItem) -> bool:
        """A pending report whose processing was started PROCESS_ATTEMPTS times and never finished (it
        crashed or stopped the workers that tried): not tried again."""
        return item.status == "pending" and item.attempts > PROCESS_ATTEMPTS

    async def process_item(self, item: QueueItem, *, use_llm: bool = True) -> ReportOutcome:
        """A claimed report's outcome: processed now if still pending (failed when exhausted), else
        the stored one."""
        if self.exhausted(item):
            log.warning("report %d gave up after %d attempts", item.id, item.attempts - 1)
            outcome = await self._fail(item.id, GAVE_UP)
        elif item.status == "pending":
            data = await self.store.reports.raw(item.id)
            if data is None:
                return await self._fail(item.id, "处理这份报告时出错了，请稍后再试。")
            outcome = await self._process(
                item.id, item.scope, data, item.filename, use_llm
            )
        else:
            outcome = await self.outcome(item.id)
        if item.chat_id is None:
            await self.release(item.id)
        return outcome

    async def release(self, report_id: int) -> None:
        self.unhold(report_id)
        await self.store.queue.release(self.worker_id, [report_id])

    async def give_up_delivery(self, report_id: int) -> None:
        self.unhold(report_id)
        await self.store.queue.give_up_delivery(report_id)

    async def wait_turn(self, report_id: int, *, timeout_s: float | None = None, step_s: float = 0.1) -> bool:
        """Just before a reply is sent. Per-chat reply order across workers: wait until every earlier
        report of the chat has been answered (at most timeout_s, then answer anyway: an earlier one is
        stuck). False when the reply is not this worker's to send any more (another worker took the
        report over while this one stalled, or it was delivered already): do not send it."""
        await self._earlier_answered(report_id, timeout_s, step_s)
        return await self.store.queue.fence(report_id, self.worker_id, self.settings.lease_s)

    async def _earlier_answered(self, report_id: int, timeout_s: float | None, step_s: float) -> None:
        deadline = time.monotonic() + (timeout_s if timeout_s is not None else 2 * self.settings.lease_s)
        while await self.store.queue.earlier_owed(report_id) and time.monotonic() < deadline:
            await asyncio.sleep(step_s)

    @asynccontextmanager
    async def delivering(self, report_id: int, *, timeout_s: float | None = None) -> AsyncIterator[bool]:
        """Around the send of a reply: after the chat's earlier replies (as wait_turn), True inside when
        the reply is this worker's to send; recorded as delivered when the block ends without an error
        (see Queue.delivery: on PostgreSQL in the same transaction as the fence)."""
        await self._earlier_answered(report_id, timeout_s, 0.1)
        async with self.store.queue.delivery(report_id, self.worker_id, self.settings.lease_s) as ours:
            yield ours
        if ours:
            self.unhold(report_id)

    # ---- paste parts ---------------------------------------------------------------------------

    async def add_part(self, key: str, chat_id: int, sender: str | None, message_id: int, text: str) -> bool:
        """False when the part was stored already (the same update sent twice)."""
        stored = await self.store.queue.add_part(key, chat_id, sender, message_id, text) is not None
        self.durable()
        return stored

    async def part_quiet_at(self, key: str, window_s: float) -> datetime | None:
        """When the key's open parts will have been quiet for window_s; None when it has none."""
        last = await self.store.queue.open_parts_last(key)
        return last + timedelta(seconds=window_s) if last else None

    async def join_parts(
        self, key: str, window_s: float, join: Callable[[list[str]], str], *, own: bool
    ) -> int | None:
        """The key's parts as one report, once the window passed; `own`: leased to this worker (it
        processes the report itself), else free for whichever worker is idle."""
        quiet_before = utcnow() - timedelta(seconds=window_s)
        rid = await self.store.queue.join_parts(
            key, quiet_before, join, worker=self.worker_id if own else None, lease_s=self.settings.lease_s
        )
        if rid is not None and own:
            self.hold(rid)
        return rid

    async def quiet_part_keys(self, window_s: float) -> list[str]:
        return await self.store.queue.quiet_keys(utcnow() - timedelta(seconds=window_s))

    # ---- daily digests -------------------------------------------------------------------------

    async def claim_digest(self, chat_id: int, day: date) -> bool:
        s = self.settings  # a sender that died mid-send leaves the claim to others after two leases
        return await self.store.chats.claim_digest(chat_id, day, 2 * s.lease_s, s.digest_attempts)

    async def digest_state(self, chat_id: int, day: date) -> str | None:
        """claimed, delivered, empty, lost; None before anyone claimed the day."""
        found = await self.store.chats.digest_state(chat_id, day)
        return found[0] if found else None

    async def digest_done(self, chat_id: int, day: date, *, empty: bool = False) -> None:
        await self.store.chats.finish_digest(chat_id, day, "empty" if empty else "delivered")

    async def digest_failed(self, chat_id: int, day: date) -> None:
        await self.store.chats.retry_digest(chat_id, day, self.settings.digest_retry_s)

    async def lose_digest(self, chat_id: int, day: date, *, exhausted_only: bool) -> int | None:
        limit = self.settings.digest_attempts if exhausted_only else None
        return await self.store.chats.lose_digest(chat_id, day, max_attempts=limit)

    async def subscriptions_created(self) -> dict[int, datetime]:
        return await self.store.chats.subscriptions_created()

    # ---- status --------------------------------------------------------------------------------

    async def queue_status(self) -> QueueStatus:
        return await self.store.queue.status()

    async def workers_seen(self, within_s: float = 60.0) -> list[WorkerSeen]:
        return await self.store.queue.workers_seen(utcnow() - timedelta(seconds=within_s))
