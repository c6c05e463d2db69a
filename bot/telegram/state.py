"""What the handlers share, kept in application.bot_data["state"]."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
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


@dataclass
class BotState:
    settings: Settings
    service: Service | None = None
    owns_service: bool = True
    joiner: StoredJoiner = field(init=False)  # set by build_application: it needs the service
    locks: ChatLocks = field(default_factory=ChatLocks)
    refused: set[int] = field(default_factory=set)  # chats outside the allowlist already told once

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    @property
    def svc(self) -> Service:
        if self.service is None:
            raise RuntimeError("the service is not open yet (on_startup has not run)")
        return self.service
