"""The Store façade: one engine, one aggregate store per concern.

store = await Store.open(url)        # runs pending migrations
await store.reports.insert_report(...)   # reports, digests, figures, county links (bot/store/reports.py)
await store.chats.take_quota(...)        # chat settings, quota, subscriptions, follows (bot/store/chats.py)
await store.llm.cache_get(...)           # LLM cache and call log (bot/store/llm.py)
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.base import Database, to_naive_utc, utcnow
from bot.store.chats import Chats
from bot.store.corrections import Corrections
from bot.store.db import database_url, is_memory, make_engine, safe_url
from bot.store.images import Images
from bot.store.links import Links
from bot.store.llm import LLMLog
from bot.store.migrations import migrate
from bot.store.queue import Queue
from bot.store.report_list import ReportList
from bot.store.reports import Reports
from bot.store.sources import Sources
from bot.store.tables import SchemaVersion
from bot.store.tracking import Tracking

__all__ = ["Store", "StoreOpenError", "check_store", "open_store", "to_naive_utc", "utcnow"]


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        db = Database(engine)  # one write queue shared by every aggregate (SQLite has one writer)
        self.db = db
        self.reports = Reports(db)
        self.chats = Chats(db)
        self.llm = LLMLog(db)
        self.tracking = Tracking(db)  # a county's tracked figures (issue I)
        self.report_list = ReportList(db)  # a chat's report list, search, delete (issue I)
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


class StoreOpenError(Exception):
    """The database cannot be opened (bad URL, missing driver, unwritable path); str() is for users."""


async def check_store(raw_url: str) -> None:
    """What `countybot serve` asks before it starts: the store opens (migrated) and takes a write — a
    read-only file or a read-only server fails here, in one line, not at the first report."""
    store = await open_store(raw_url)
    try:
        async with store.db.write() as conn:  # a write statement that changes nothing
            await conn.execute(update(SchemaVersion).where(SchemaVersion.version < 0).values(version=0))
    except DBAPIError as exc:
        raise StoreOpenError(f"无法写入数据库 {safe_url(database_url(raw_url))}：{_reason(exc)}") from exc
    finally:
        await store.close()


# SQLite's own words for the failures a user can fix, said in Chinese (the original stays in the log)
_SQLITE_REASONS = {
    "file is not a database": "这个文件不是 SQLite 数据库（或已损坏）",
    "attempt to write a readonly database": "数据库文件是只读的",
    "unable to open database file": "打不开数据库文件（路径不存在或没有权限）",
    "database or disk is full": "磁盘已满",
}


def _reason(exc: Exception) -> str:
    reason = str(getattr(exc, "orig", None) or exc)
    return next((zh for en, zh in _SQLITE_REASONS.items() if en in reason), reason)


def _sqlite_path_problem(url: URL) -> str | None:
    """Why an SQLite file path can never be a database: a directory, or a file where a folder must be."""
    if url.get_backend_name() != "sqlite" or is_memory(url) or not url.database:
        return None
    path = Path(url.database).expanduser()
    if path.is_dir():
        return "这是一个文件夹，不是数据库文件"
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    return f"{blocker} 是一个文件，不能在它下面建数据库" if blocker else None


async def open_store(raw_url: str, *, name: str | None = None) -> Store:
    """Store.open with every way it can fail turned into a StoreOpenError a user can read."""
    try:
        url = database_url(raw_url)
    except (ArgumentError, ValueError) as exc:
        raise StoreOpenError(f"COUNTYBOT_DB 不是有效的数据库地址：{exc}") from exc
    if problem := _sqlite_path_problem(url):  # said plainly, before SQLite's retries and its errno text
        raise StoreOpenError(f"无法打开数据库 {safe_url(url)}：{problem}")
    try:
        return await Store.open(url, name=name)
    except ArgumentError as exc:  # e.g. an unknown driver name
        raise StoreOpenError(f"COUNTYBOT_DB 不是可用的数据库地址（{safe_url(url)}）：{exc}") from exc
    except ImportError as exc:
        raise StoreOpenError(f"缺少数据库驱动 {exc.name or exc}（{safe_url(url)}）") from exc
    except (DBAPIError, OSError) as exc:
        raise StoreOpenError(f"无法打开数据库 {safe_url(url)}：{_reason(exc)}") from exc
