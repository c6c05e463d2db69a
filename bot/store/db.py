"""Database URL handling and engine creation.

COUNTYBOT_DB is a URL; a plain path means an SQLite file. Sync driver names are mapped to their
async counterparts (sqlite -> aiosqlite, postgresql -> asyncpg) because the store is async end to end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

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
