"""What every aggregate store shares: the engine, SQLite's in-process write queue, and value fitting.

SQLite has one writer at a time. Writers of this process queue on an asyncio lock (woken the moment the
previous one commits) rather than on the file lock, where SQLite's busy handler polls with sleeps of
up to 25 ms or more: under a burst of 50 chats that polling, not the writes, was the cost. Other
processes (the CLI beside the bot) still meet the file lock and busy_timeout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_naive_utc(dt: datetime) -> datetime:
    """Stored times are naive UTC; an aware datetime is converted, a naive one is taken as UTC."""
    return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt


def clip(col: Any, value: Any) -> Any:
    """A string made storable in `col` on any database: NUL removed (PostgreSQL text cannot hold it) and
    cut to the column's VARCHAR length (PostgreSQL enforces it where SQLite does not), so a long LLM label
    or file name never fails a report."""
    if not isinstance(value, str):
        return value
    if "\x00" in value:
        value = value.replace("\x00", "")
    length = getattr(col.type, "length", None)
    return value[:length] if length and len(value) > length else value


def fit(model: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    cols = model.__table__.c
    return {k: clip(cols[k], v) if k in cols else v for k, v in values.items()}


class Database:
    """The engine plus the write path every aggregate store goes through."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction; on SQLite, one at a time within this process (see the module doc)."""
        if self._write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
        else:
            async with self._write_lock, self.engine.begin() as conn:
                yield conn

    def read(self) -> Any:
        return self.engine.connect()

    async def scrub(self) -> None:
        """After a deletion: SQLite's WAL still holds the pages as they were before it (secure_delete
        zeroes only the database file's): copy the new pages back and empty the WAL. A reader holding
        an old snapshot can keep part of it until the next checkpoint. PostgreSQL: nothing to do here
        (its dead rows are unreadable through SQL and vacuumed later)."""
        if self._write_lock is None:
            return
        async with self._write_lock, self.engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
