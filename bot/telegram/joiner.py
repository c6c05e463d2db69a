"""Join the parts Telegram splits a long paste into.

A client sends a paste longer than 4096 characters as several messages back to back. Parts from the
same key (user + chat) arriving within `window_s` of the previous one are one report. The first
handler to see a key owns the buffer: it waits until the window passes quietly and gets the joined
text; handlers of later parts add theirs and get None. Processing thus stays inside a PTB handler,
so its errors reach the application's error handler.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Hashable
from dataclasses import dataclass, field

_CJK_END = re.compile(r"[\u3400-\u9fff，、]$")
_CJK_START = re.compile(r"^[\u3400-\u9fff，、。]")
_BODY_LINE = 40  # a line this long that ends mid-sentence was cut by the client, not by the author


@dataclass
class _Buffer:
    parts: list[tuple[int, str]] = field(default_factory=list)
    last: float = 0.0


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


class MessageJoiner:
    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._buffers: dict[Hashable, _Buffer] = {}

    def pending(self, key: Hashable) -> bool:
        return key in self._buffers

    async def add(self, key: Hashable, message_id: int, text: str) -> str | None:
        loop = asyncio.get_running_loop()
        buf = self._buffers.get(key)
        if buf is not None:
            buf.parts.append((message_id, text))
            buf.last = loop.time()
            return None
        buf = self._buffers[key] = _Buffer([(message_id, text)], loop.time())
        try:
            while (wait := buf.last + self.window_s - loop.time()) > 0:
                await asyncio.sleep(wait)
        finally:
            del self._buffers[key]
        # updates are handled concurrently: order by message id, not by arrival
        return join_parts([t for _, t in sorted(buf.parts, key=lambda p: p[0])])
