"""Join the parts Telegram splits a long paste into.

A client sends a paste longer than 4096 characters as several messages back to back. Parts from the
same key (user + chat + origin) arriving within `window_s` of the previous one are one report: each part
is stored on arrival, and the first part's handler waits until the window passes quietly and gets the
joined report (StoredJoiner); `join_parts` glues the texts. A first message too short to have been cut at
the limit does not wait: it is a report at once (a later part still joins a paste whose window is open).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

from bot.store.base import utcnow

if TYPE_CHECKING:
    from bot.service import Service

_CJK_END = re.compile(r"[\u3400-\u9fff，、]$")
_CJK_START = re.compile(r"^[\u3400-\u9fff，、。]")
_BODY_LINE = 40  # a line this long that ends mid-sentence was cut by the client, not by the author


def join_parts(parts: list[str]) -> str:
    """Glue consecutive parts: a cut in the middle of a long CJK sentence is closed up, any other
    boundary becomes a line break (clients split at line breaks when they can)."""
    out = ""
    for part in parts:
        if not out:
            out = part
            continue
        last_line = out.rsplit("\n", 1)[-1]
        mid_sentence = _CJK_END.search(out) and _CJK_START.search(part) and len(last_line) >= _BODY_LINE
        out += ("" if mid_sentence else "\n") + part
    return out


def key_text(key: Hashable) -> str:
    """A join key as stored: (chat, user, origin) written out."""
    return repr(key)[:200]


class StoredJoiner:
    """The joiner several workers share: every part is stored in the database on arrival, and the parts
    of a key become one report when its last part is older than the window — decided from the stored
    parts by whichever worker gets there first, exactly once (Service.join_parts). Telegram may deliver
    the parts of one paste to different workers; a worker that dies inside the window loses nothing
    (the queue runner of any worker joins parts left quiet for window + GRACE)."""

    GRACE_S = 1.0

    def __init__(self, window_s: float, service: Callable[[], Service], *, min_part: int = 0) -> None:
        self.window_s = window_s
        self.min_part = min_part  # COUNTYBOT_JOIN_MIN_CHARS: a shorter first message never waits
        self._svc = service

    async def pending(self, key: Hashable) -> bool:
        """Parts of this key wait to be joined (a later part of a paste, wherever the first one went)."""
        return await self._svc().part_quiet_at(key_text(key), self.window_s) is not None

    async def add(
        self, key: Hashable, message_id: int, text: str, *, chat_id: int, sender: str | None, first: bool
    ) -> int | None:
        """Store the part. The first part's handler then waits for the window to pass quietly and gets
        the report id of the joined paste (leased to this worker: it processes the report); later parts'
        handlers return None at once. None also when another worker joined the parts first."""
        await self._svc().add_part(key_text(key), chat_id, sender, message_id, text)
        return await self.join(key, text) if first else None

    async def join(self, key: Hashable, text: str) -> int | None:
        """The first part's handler, once its part (`text`) is stored: wait for the window to pass
        quietly, then the report id of the joined paste (leased to this worker), or None when another
        worker joined."""
        svc = self._svc()
        name = key_text(key)
        # only a message long enough to have been cut at Telegram's limit waits for the rest of its paste
        window = self.window_s if len(text) >= self.min_part else 0.0
        while True:
            quiet_at = await svc.part_quiet_at(name, window)
            if quiet_at is None:
                return None  # joined by another worker
            wait = (quiet_at - utcnow()).total_seconds()
            if wait > 0:
                await asyncio.sleep(wait + 0.01)
                continue
            rid = await svc.join_parts(name, window, join_parts, own=True)
            if rid is not None:
                return rid
            await asyncio.sleep(0.05)  # a part arrived meanwhile, or another worker is joining: look again

    async def sweep(self) -> list[int]:
        """Join the parts whose first handler is gone (quiet for window + GRACE); the reports are free
        for any worker (they carry the chat to answer and the first part's message)."""
        svc = self._svc()
        found = []
        for name in await svc.quiet_part_keys(self.window_s + self.GRACE_S):
            rid = await svc.join_parts(name, self.window_s + self.GRACE_S, join_parts, own=False)
            if rid is not None:
                found.append(rid)
        return found
