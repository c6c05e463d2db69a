"""Webhook updates answered only once they are safe. PTB's webhook answers Telegram 200 as soon as an
update is queued in memory; a worker killed before its handler stored the update would lose it (Telegram
does not send it again). With several workers that gap matters, so in webhook mode the queue's put —
which PTB's webhook handler awaits before answering — waits until the update's handler has stored what
the user sent (a paste part, a report: Service calls `on_durable`) or finished, at most WAIT_S. Telegram
sends an unanswered update again, to whichever worker the proxy picks, and that worker finds what the
dead one already stored (parts and reports are keyed by chat and message)."""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar

from telegram.ext import Application

log = logging.getLogger("countybot.telegram")

WAIT_S = 10.0
CURRENT_UPDATE: ContextVar[int | None] = ContextVar("countybot_update", default=None)


class DurableUpdates(asyncio.Queue):
    """The application's update queue; `wait_s` 0 (polling: getUpdates confirms by offset) never waits."""

    def __init__(self, wait_s: float = 0.0) -> None:
        super().__init__()
        self.wait_s = wait_s
        self._waiting: dict[int, asyncio.Future] = {}

    async def put(self, item: object) -> None:
        update_id = getattr(item, "update_id", None)
        if not self.wait_s or not isinstance(update_id, int):
            return await super().put(item)
        done = self._waiting[update_id] = asyncio.get_running_loop().create_future()
        try:
            await super().put(item)
            await asyncio.wait_for(asyncio.shield(done), self.wait_s)
        except TimeoutError:
            log.warning(
                "update %s not stored within %.0f s; answering the webhook anyway", update_id, self.wait_s
            )
        finally:
            self._waiting.pop(update_id, None)

    def stored(self, update_id: int | None = None) -> None:
        """The update (by default the one this task handles) is safe: let the webhook answer."""
        update_id = CURRENT_UPDATE.get() if update_id is None else update_id
        fut = self._waiting.get(update_id) if update_id is not None else None
        if fut is not None and not fut.done():
            fut.set_result(None)


class WorkerApplication(Application):
    """Marks each update's handling with its id (for DurableUpdates) and releases the webhook's answer
    when the handling ends, whatever the handlers did (refused, ignored, failed)."""

    async def process_update(self, update: object) -> None:
        update_id = getattr(update, "update_id", None)
        token = CURRENT_UPDATE.set(update_id)
        try:
            await super().process_update(update)
        finally:
            CURRENT_UPDATE.reset(token)
            if isinstance(self.update_queue, DurableUpdates):
                self.update_queue.stored(update_id)
