"""What the handlers share, kept in application.bot_data["state"]."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.telegram.joiner import StoredJoiner

if TYPE_CHECKING:
    from bot.service import Service
    from bot.settings import Settings


class ChatLocks:
    """One report at a time per chat; a chat's lock lives only while someone holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    @asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:
                del self._users[chat_id], self._locks[chat_id]

    def __len__(self) -> int:
        return len(self._locks)


class Slots:
    """At most n reports processed at once by this worker (COUNTYBOT_WORKER_REPORTS): the rest wait in
    the database, where an idle worker claims them. The queue runner takes a slot before it claims (never
    a report it cannot start); a handler waits for one."""

    def __init__(self, n: int) -> None:
        self.n = max(1, n)
        self.used = 0
        self.on_free: Callable[[], None] | None = None  # the queue runner's wake-up
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def free(self) -> int:
        return self.n - self.used

    def take(self) -> bool:
        if self.used >= self.n:
            return False
        self.used += 1
        return True

    def give(self, *, unused: bool = False) -> None:
        """`unused`: the queue runner found nothing to claim with it; waking the runner for it would
        make it look again at once, forever."""
        self.used -= 1
        self._wake_next(runner=not unused)

    def _wake_next(self, *, runner: bool = True) -> None:
        while self._waiters:  # the first handler still waiting gets it
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        if runner and self.on_free is not None:
            self.on_free()

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        while not self.take():
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake_next()  # woken, then cancelled: the free slot goes to the next one
                raise
        try:
            yield
        finally:
            self.give()


@dataclass
class BotState:
    settings: Settings
    service: Service | None = None
    owns_service: bool = True
    joiner: StoredJoiner = field(init=False)  # set by build_application: it needs the service
    locks: ChatLocks = field(default_factory=ChatLocks)
    slots: Slots = field(init=False)
    refused: set[int] = field(default_factory=set)  # chats outside the allowlist already told once

    def __post_init__(self) -> None:
        self.slots = Slots(self.settings.worker_reports)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    @property
    def svc(self) -> Service:
        if self.service is None:
            raise RuntimeError("the service is not open yet (on_startup has not run)")
        return self.service
