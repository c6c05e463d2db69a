"""Before every request the crawler makes (list pages, documents, attachments, robots.txt): the host's
robots.txt must allow the path, and the host's politeness slot must be free — one request per
`interval_s` per host, shared by every worker through the database (bot/store/sources.py take_slot).

robots.txt (RFC 9309, read with urllib.robotparser for the agent "countybot"): a 4xx answer means no
rules (everything allowed); a 5xx or an unreachable host means "not now" (RFC 9309 2.3.1.4: assume
complete disallow — the request is refused and the check fails, to be retried). The refusal says why:
RobotsUnavailable when robots.txt answered with an error, the fetcher's own LinkUnreachable (「无法连接」)
when the host cannot be resolved or refuses the connection — nothing about the site's rules then. The
text is kept in crawl_hosts for `robots_ttl_s`, so every worker reads it once a day, not once a request.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from bot.fetch.client import FetchOptions, fetch_url
from bot.fetch.errors import LinkError, LinkForbidden, LinkNotFound, LinkRefused, LinkUnreachable
from bot.store.base import utcnow

if TYPE_CHECKING:
    from bot.store.sources import Sources

AGENT = "countybot"
_MEMO_S = 60.0  # a parsed robots.txt is reused in-process this long before the database is read again


class RobotsDisallowed(LinkForbidden):
    user_message = "这个网站的 robots.txt 不允许抓取这个地址，没有读取。"


class RobotsUnavailable(LinkError):
    user_message = "这个网站的 robots.txt 暂时读不到，稍后再试。"


def host_key(url: str) -> str:
    """Politeness is per host as written in the link (with its port)."""
    return urlsplit(url).netloc.lower()


class HostGate:
    def __init__(
        self, sources: Sources, options: FetchOptions, *, interval_s: float = 1.0, robots_ttl_s: float = 86400
    ) -> None:
        self.sources = sources
        self.options = replace(options, gate=None, headers=())
        self.interval_s = interval_s
        self.robots_ttl_s = robots_ttl_s
        self._parsed: dict[str, tuple[float, RobotFileParser]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def __call__(self, url: str) -> None:
        if not await self.allowed(url):
            raise RobotsDisallowed(url)
        await self.pace(url)

    def after(self, url: str) -> Callable[[str], Awaitable[None]]:
        """The gate for a fetch whose first request, to `url`, went through this gate already (outside
        the fetch's deadline: a document waiting its host's turn is not a slow server)."""
        passed = [url]

        async def gate(next_url: str) -> None:
            if passed and next_url == passed[0]:
                passed.clear()
                return
            await self(next_url)

        return gate

    async def pace(self, url: str) -> None:
        """Returns once this worker holds the host's slot (bot/store/sources.py take_slot)."""
        host = host_key(url)
        while (wait := await self.sources.take_slot(host, self.interval_s)) > 0:
            await asyncio.sleep(wait + random.uniform(0, 0.01))  # waiters do not all wake at once

    async def allowed(self, url: str) -> bool:
        """Whether robots.txt lets the crawler fetch `url` (robots.txt itself always)."""
        parts = urlsplit(url)
        if parts.path == "/robots.txt":
            return True
        rules = await self.rules_for(url)
        return rules.can_fetch(AGENT, url)

    async def rules_for(self, url: str) -> RobotFileParser:
        """The robots.txt rules of `url`'s host (read when not known); raises like `_fetch_robots`."""
        return await self._rules(urlsplit(url).scheme, host_key(url))

    async def _rules(self, scheme: str, host: str) -> RobotFileParser:
        memo = self._parsed.get(host)
        if memo and time.monotonic() - memo[0] < _MEMO_S:
            return memo[1]
        async with self._locks.setdefault(host, asyncio.Lock()):
            memo = self._parsed.get(host)
            if memo and time.monotonic() - memo[0] < _MEMO_S:
                return memo[1]
            text, at = await self.sources.robots(host)
            if text is None or at is None or (utcnow() - at).total_seconds() > self.robots_ttl_s:
                text = await self._fetch_robots(f"{scheme}://{host}/robots.txt")
                await self.sources.set_robots(host, text)
            rules = RobotFileParser()
            rules.parse(text.splitlines())
            self._parsed[host] = (time.monotonic(), rules)
            return rules

    async def _fetch_robots(self, url: str) -> str:
        await self.pace(url)
        try:
            fetched = await fetch_url(url, replace(self.options, max_bytes=512 * 1024))
        except (LinkNotFound, LinkForbidden):
            return ""  # 4xx: no rules
        except LinkRefused:
            raise  # an internal address: never "later"
        except LinkUnreachable:
            raise  # no answer at all: the host is the trouble, not its rules (the message says so)
        except LinkError as exc:
            raise RobotsUnavailable(f"{exc}") from None  # keeps "HTTP 503" for the admin
        if fetched.status >= 300:
            return ""
        return fetched.data.decode("utf-8", "replace")
