"""The Store façade: one engine, one aggregate store per concern.

store = await Store.open(url)        # runs pending migrations
await store.reports.insert_report(...)   # reports, digests, figures, county links (bot/store/reports.py)
await store.chats.take_quota(...)        # chat settings, quota, subscriptions, follows (bot/store/chats.py)
await store.llm.cache_get(...)           # LLM cache and call log (bot/store/llm.py)
"""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.analyst import Analyst
from bot.store.base import Database, to_naive_utc, utcnow
from bot.store.chats import Chats
from bot.store.corrections import Corrections
from bot.store.db import make_engine
from bot.store.images import Images
from bot.store.links import Links
from bot.store.llm import LLMLog
from bot.store.migrations import migrate
from bot.store.queue import Queue
from bot.store.reports import Reports
from bot.store.sources import Sources

__all__ = ["Store", "to_naive_utc", "utcnow"]


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        db = Database(engine)  # one write queue shared by every aggregate (SQLite has one writer)
        self.db = db
        self.reports = Reports(db)
        self.chats = Chats(db)
        self.llm = LLMLog(db)
        self.analyst = Analyst(db)  # tracked figures, report lists, search, delete (issue I)
        self.queue = Queue(db, self.reports)  # parts, leases, heartbeats (bot/store/queue.py)
        self.links = Links(db)  # the link a report was read from (issue M)
        self.corrections = Corrections(db)  # county/date corrections, digest messages (issue L)
        self.images = Images(db)  # the pictures a report was read from, its OCR text (issue M)
        self.sources = Sources(db)  # sources followed automatically, politeness, robots.txt (issue O)

    @classmethod
    async def open(cls, url: str | URL, *, name: str | None = None) -> Store:
        engine = make_engine(url, name=name)
        try:
            await migrate(engine)
        except BaseException:
            await engine.dispose()
            raise
        return cls(engine)

    async def close(self) -> None:
        await self.engine.dispose()
