"""The Store façade: one engine, one aggregate store per concern.

store = await Store.open(url)        # runs pending migrations
await store.reports.insert_report(...)   # reports, digests, figures, county links (bot/store/reports.py)
await store.chats.take_quota(...)        # chat settings, quota, subscriptions, follows (bot/store/chats.py)
await store.llm.cache_get(...)           # LLM cache and call log (bot/store/llm.py)
"""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.base import Database, to_naive_utc, utcnow
from bot.store.chats import Chats
from bot.store.corrections import Corrections
from bot.store.db import database_url, make_engine, safe_url
from bot.store.images import Images
from bot.store.links import Links
from bot.store.llm import LLMLog
from bot.store.migrations import migrate
from bot.store.queue import Queue
from bot.store.report_list import ReportList
from bot.store.reports import Reports
from bot.store.tracking import Tracking

__all__ = ["Store", "StoreOpenError", "open_store", "to_naive_utc", "utcnow"]


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        db = Database(engine)  # one write queue shared by every aggregate (SQLite has one writer)
        self.reports = Reports(db)
        self.chats = Chats(db)
        self.llm = LLMLog(db)
        self.tracking = Tracking(db)  # a county's tracked figures (issue I)
        self.report_list = ReportList(db)  # a chat's report list, search, delete (issue I)
        self.queue = Queue(db, self.reports)  # parts, leases, heartbeats (bot/store/queue.py)
        self.links = Links(db)  # the link a report was read from (issue M)
        self.corrections = Corrections(db)  # county/date corrections, digest messages (issue L)
        self.images = Images(db)  # the pictures a report was read from, its OCR text (issue M)

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


class StoreOpenError(Exception):
    """The database cannot be opened (bad URL, missing driver, unwritable path); str() is for users."""


async def open_store(raw_url: str, *, name: str | None = None) -> Store:
    """Store.open with every way it can fail turned into a StoreOpenError a user can read."""
    try:
        url = database_url(raw_url)
    except (ArgumentError, ValueError) as exc:
        raise StoreOpenError(f"COUNTYBOT_DB 不是有效的数据库地址：{exc}") from exc
    try:
        return await Store.open(url, name=name)
    except ArgumentError as exc:  # e.g. an unknown driver name
        raise StoreOpenError(f"COUNTYBOT_DB 不是可用的数据库地址（{safe_url(url)}）：{exc}") from exc
    except ImportError as exc:
        raise StoreOpenError(f"缺少数据库驱动 {exc.name or exc}（{safe_url(url)}）") from exc
    except (DBAPIError, OSError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise StoreOpenError(f"无法打开数据库 {safe_url(url)}：{reason}") from exc
