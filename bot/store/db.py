"""Database URL handling and engine creation.

COUNTYBOT_DB is a URL; a plain path means an SQLite file. Sync driver names are mapped to their
async counterparts (sqlite -> aiosqlite, postgresql -> asyncpg) because the store is async end to end.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from bot.store.repo import Store

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


def database_url(raw: str) -> URL:
    """`sqlite:///x.db` -> `sqlite+aiosqlite:///x.db`; `/tmp/x.db` -> SQLite; postgresql:// -> asyncpg."""
    raw = raw.strip()
    if not raw:
        raise ValueError("empty database URL")
    if "://" not in raw:
        return URL.create("sqlite+aiosqlite", database=raw)
    url = make_url(raw)
    driver = _ASYNC_DRIVERS.get(url.drivername)
    return url.set(drivername=driver) if driver else url


def is_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        # WAL: readers never block the writer (bot answering queries while a report is stored)
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # a deleted report's text is overwritten with zeros, not left in freed pages (issue P)
        cur.execute("PRAGMA secure_delete=ON")
        # the CLI and the bot may write the same file; wait for the lock instead of failing
        cur.execute("PRAGMA busy_timeout=10000")
    finally:
        cur.close()


def make_engine(raw_or_url: str | URL, *, echo: bool = False, name: str | None = None) -> AsyncEngine:
    """`name`: PostgreSQL's application_name of every connection (a worker's presence, see
    bot/store/queue.py: its leases end the moment its connections do)."""
    url = database_url(raw_or_url) if isinstance(raw_or_url, str) else raw_or_url
    kwargs: dict[str, Any] = {"echo": echo}
    if url.get_backend_name() == "sqlite":
        if is_memory(url):
            # one shared connection, or every connection would see its own empty database
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        elif url.database:
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
        if name and url.get_backend_name() == "postgresql" and url.get_driver_name() == "asyncpg":
            kwargs["connect_args"] = {"server_settings": {"application_name": name}}
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def safe_url(url: URL) -> str:
    """For logs and messages: never the password."""
    return url.render_as_string(hide_password=True)


class StoreOpenError(Exception):
    """The database cannot be opened (bad URL, missing driver, unwritable path); str() is for users."""


async def check_store(raw_url: str) -> None:
    """What `countybot serve` asks before it starts: the store opens (migrated) and takes a write — a
    read-only file or a read-only server fails here, in one line, not at the first report."""
    from sqlalchemy import update
    from sqlalchemy.exc import DBAPIError

    from bot.store.tables import SchemaVersion

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
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from bot.store.repo import Store

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
