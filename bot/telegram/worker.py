"""What every worker runs beside PTB's update handling, so that several `countybot serve --webhook`
processes on one PostgreSQL share the work and none of it depends on one process staying alive:

- the heartbeat: the worker's row in `workers`, and the leases of the reports it holds renewed;
- the queue runner: joins paste parts whose first handler is gone, claims free reports (a dead worker's,
  or joined by the sweep) and processes and delivers them, in each chat's order. PostgreSQL LISTEN/NOTIFY
  (asyncpg's add_listener) wakes it when work appears; it also looks every COUNTYBOT_QUEUE_POLL_S;
- the schedule tick: claims due daily digests from the subscriptions table (bot/telegram/schedule.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from telegram.error import BadRequest, Forbidden, TelegramError

from bot.store.queue import CHANNEL, presence_name
from bot.telegram import schedule
from bot.telegram.delivery import deliver
from bot.telegram.intake import QUOTA_NOTE, llm_allowed

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.store.queue import QueueItem
    from bot.telegram.state import BotState

log = logging.getLogger("countybot.worker")

# the lead of a digest the queue runner delivers for a report a stopped worker left
RESUMED_NOTE = "🔄 重启后补发：这份报告在机器人重启前没来得及处理，以下是它的结果。\n\n"


class Worker:
    def __init__(self, app: Application) -> None:
        self.app = app
        self.state: BotState = app.bot_data["state"]
        self.wake = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._running: set[asyncio.Task] = set()
        self._listener: Any = None
        self.state.slots.on_free = self.wake.set  # a slot freed: claim the next report

    @property
    def worker_id(self) -> str:
        return self.state.svc.worker_id

    async def start(self) -> None:
        svc = self.state.svc
        await svc.heartbeat()
        await self._listen()
        settings = self.state.settings
        self._tasks = [
            asyncio.create_task(self._every(min(settings.lease_s / 3, 10.0), svc.heartbeat, "heartbeat")),
            asyncio.create_task(self._queue_loop()),
            asyncio.create_task(self._every(settings.schedule_tick_s, self._tick, "schedule tick")),
        ]
        if settings.crawl:  # issue O: due sources, claimed like reports (bot/sources/crawler.py)
            self._tasks.append(asyncio.create_task(self._every(settings.crawl_tick_s, self._crawl, "crawl")))
        log.info("worker %s started", self.worker_id)

    async def stop(self) -> None:
        for task in [*self._tasks, *self._running]:
            task.cancel()
        for task in [*self._tasks, *self._running]:
            with contextlib.suppress(BaseException):
                await task
        self._tasks, self._running = [], set()
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()
            self._listener = None

    async def _listen(self) -> None:
        """PostgreSQL: a connection of its own that LISTENs, so NOTIFY wakes this worker at once."""
        engine = self.state.svc.store.engine
        if engine.dialect.name != "postgresql":
            return
        try:
            import asyncpg

            dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            # named like the pool's connections: the worker's presence even while its pool is empty
            name = presence_name(self.worker_id)
            self._listener = await asyncpg.connect(dsn, server_settings={"application_name": name})
            await self._listener.add_listener(CHANNEL, lambda *_: self.wake.set())
        except Exception as exc:  # polling still finds the work
            log.warning("LISTEN %s failed (%s); the queue is polled", CHANNEL, type(exc).__name__)
            self._listener = None

    async def _every(self, period_s: float, step: Any, name: str) -> None:
        while True:
            await asyncio.sleep(period_s)
            try:
                await step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s failed", name)

    async def _tick(self) -> None:
        await schedule.tick(self.app)

    async def _crawl(self) -> None:
        from bot.telegram.sources import crawl_round

        await crawl_round(self.app)

    async def _queue_loop(self) -> None:
        poll = self.state.settings.queue_poll_s
        while True:
            self.wake.clear()
            try:
                await self.state.joiner.sweep()
                slots = self.state.slots
                while slots.take():  # a slot first: never claim a report this worker cannot start
                    try:
                        item = await self.state.svc.claim_next()
                    except BaseException:
                        slots.give(unused=True)
                        raise
                    if item is None:
                        slots.give(unused=True)
                        break
                    task = asyncio.create_task(self._handle(item))
                    self._running.add(task)
                    task.add_done_callback(self._done)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the queue runner failed a round")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), poll)

    def _done(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        self.wake.set()  # room for the next report

    async def _handle(self, item: QueueItem) -> None:
        svc, settings = self.state.svc, self.state.settings
        try:
            try:  # the slot _queue_loop took for this report
                use_llm = True
                if item.chat_id is not None and item.status == "pending" and not svc.exhausted(item):
                    use_llm = await llm_allowed(self.state, item.chat_id)
                outcome = await svc.process_item(item, use_llm=use_llm)
            finally:
                self.state.slots.give()
            log.info("worker %s finished queued report %d: %s", self.worker_id, item.id, outcome.status)
            chat = item.chat_id
            if chat is None:
                return
            if settings.allowed_chats and chat not in settings.allowed_chats:
                await svc.give_up_delivery(item.id)
                return
            script = (await svc.chat_settings(chat)).script
            notes = [QUOTA_NOTE] if not use_llm and outcome.status == "done" else []
            how = {"script": script, "reply_to": item.reply_to, "notes": notes, "lead": RESUMED_NOTE}
            try:
                await deliver(self.app.bot, self.state, chat, outcome, **how)
            except BadRequest as exc:
                if "repl" not in str(exc).lower():
                    raise
                how["reply_to"] = None  # the message it answered is gone: answer without quoting it
                await deliver(self.app.bot, self.state, chat, outcome, **how)
        except Forbidden:
            log.warning("chat of report %d blocked the bot; its outcome is not delivered", item.id)
            await svc.give_up_delivery(item.id)
        except TelegramError as exc:
            # the lease runs out and a worker tries again (up to MAX_ATTEMPTS claims)
            log.warning("delivering report %d failed (%s); it will be retried", item.id, type(exc).__name__)
            svc.unhold(item.id)
        except Exception:  # e.g. the store failing mid-run: the report stays work, retried after its lease
            log.exception("queued report %d failed; it will be retried", item.id)
            svc.unhold(item.id)
