"""Numbered schema migrations, applied at start-up (Store.open).

`schema_version` holds one row per applied migration. Each migration is a function of a sync
Connection (run through AsyncConnection.run_sync) and runs in its own transaction. Migration 1 builds the
schema from bot/store/tables.py; a later schema change adds migration N+1 (e.g. op `ALTER TABLE ... ADD
COLUMN` through SQLAlchemy DDL constructs, never dialect-specific SQL) and the matching change in tables.py
(migration 1 uses checkfirst, so a fresh database followed by N+1 must stay consistent: write N+1 so it
skips work already present, using sqlalchemy.inspect).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.tables import Base, SchemaVersion

log = logging.getLogger(__name__)

Migration = Callable[[Connection], None]


def _m001_initial(conn: Connection) -> None:
    Base.metadata.create_all(conn, checkfirst=True)


def _m002_delivered_at(conn: Connection) -> None:
    # a fresh database got the column from migration 1 (create_all from tables.py): add it only when missing
    if "delivered_at" in {c["name"] for c in inspect(conn).get_columns("reports")}:
        return
    # core SQLAlchemy has no ADD COLUMN construct: the column's DDL comes from the dialect's compiler
    column = Column("delivered_at", DateTime(), nullable=True)
    Table("reports", MetaData(), column)
    spec = conn.dialect.ddl_compiler(conn.dialect, None).get_column_specification(column)
    conn.execute(text(f"ALTER TABLE reports ADD COLUMN {spec}"))


def _add_columns(conn: Connection, table: str, columns: list[Column]) -> None:
    """ALTER TABLE ADD COLUMN for the columns a database does not have yet (DDL from the dialect)."""
    have = {c["name"] for c in inspect(conn).get_columns(table)}
    Table(table, MetaData(), *columns)
    compiler = conn.dialect.ddl_compiler(conn.dialect, None)
    for column in columns:
        if column.name not in have:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {compiler.get_column_specification(column)}"))


def _m003_workers(conn: Connection) -> None:
    # new tables (message_parts, workers) come from tables.py; columns are added where missing
    Base.metadata.create_all(conn, checkfirst=True)
    _add_columns(
        conn,
        "reports",
        [
            Column("chat_id", BigInteger(), nullable=True),
            Column("reply_to", BigInteger(), nullable=True),
            Column("worker", String(64), nullable=True),
            Column("lease_until", DateTime(), nullable=True),
            Column("attempts", Integer(), nullable=False, server_default="0"),
        ],
    )
    _add_columns(
        conn,
        "sent_digests",
        [
            Column("state", String(16), nullable=False, server_default="delivered"),
            Column("lease_until", DateTime(), nullable=True),
            Column("attempts", Integer(), nullable=False, server_default="0"),
        ],
    )
    indexes = {i["name"] for i in inspect(conn).get_indexes("reports")}
    if "ix_reports_chat_delivered" not in indexes:
        # a throwaway Table: the index must not be attached to tables.py's metadata a second time
        t = Table("reports", MetaData(), Column("chat_id", BigInteger()), Column("delivered_at", DateTime()))
        Index("ix_reports_chat_delivered", t.c.chat_id, t.c.delivered_at).create(conn)


def _m005_forget(conn: Connection) -> None:
    # llm_cache.doc_sha256: a deleted report's cache entries are found by its text's hash
    _add_columns(conn, "llm_cache", [Column("doc_sha256", String(64), nullable=True)])
    if "ix_llm_cache_doc" not in {i["name"] for i in inspect(conn).get_indexes("llm_cache")}:
        t = Table("llm_cache", MetaData(), Column("doc_sha256", String(64)))
        Index("ix_llm_cache_doc", t.c.doc_sha256).create(conn)
def _m004_corrections(conn: Connection) -> None:
    # issue L: the corrections and report_messages tables (tables.py); nothing else changes
    Base.metadata.create_all(conn, checkfirst=True)


def _m006_source_url(conn: Connection) -> None:
    # issue M: the link a report was read from; looked up by scope and link (the same link is one report)
    _add_columns(conn, "reports", [Column("source_url", String(2048), nullable=True)])
    indexes = {i["name"] for i in inspect(conn).get_indexes("reports")}
    if "ix_reports_scope_source_url" not in indexes:
        t = Table("reports", MetaData(), Column("scope", String(64)), Column("source_url", String(2048)))
        Index("ix_reports_scope_source_url", t.c.scope, t.c.source_url).create(conn)


def _m007_pictures(conn: Connection) -> None:
    # issue M: report_images comes from tables.py (create_all skips what exists); reports.ocr_text added
    Base.metadata.create_all(conn, checkfirst=True)
    _add_columns(conn, "reports", [Column("ocr_text", Text(), nullable=True)])


def _m009_figure_shape(conn: Connection) -> None:
    # ktrack: a result's qualifier as written (突破500亿元) and 预计 estimates, for tracking
    _add_columns(
        conn,
        "figures",
        [
            Column("qualifier", String(20), nullable=True),
            Column("estimated", Boolean(), nullable=False, server_default=false()),
        ],
    )


def _m010_sources(conn: Connection) -> None:
    # issue O: sources, the document links they gave, per-host politeness and robots.txt (tables.py)
    Base.metadata.create_all(conn, checkfirst=True)


MIGRATIONS: list[tuple[int, str, Migration]] = [
    (
        1,
        "initial schema: reports, digests, figures, counties, chats, subscriptions, LLM log and cache",
        _m001_initial,
    ),
    (2, "reports.delivered_at: when a report's outcome reached its chat", _m002_delivered_at),
    (3, "several workers: message parts, report leases, digest claims, worker heartbeats", _m003_workers),
    (4, "corrections of a report's county or date; which report a digest message shows", _m004_corrections),
    (5, "deletion: LLM cache entries keyed by the text they digest", _m005_forget),
    (6, "reports.source_url: the link a report was read from (issue M)", _m006_source_url),
    (7, "pictures: report_images (Telegram file ids, names, pages) and reports.ocr_text", _m007_pictures),
    (9, "figures.qualifier and figures.estimated: results as written, for tracking", _m009_figure_shape),
    (10, "sources followed automatically: sources, source_docs, crawl_hosts (issue O)", _m010_sources),
]

LATEST = MIGRATIONS[-1][0]


def _applied(conn: Connection) -> set[int]:
    if not inspect(conn).has_table(SchemaVersion.__tablename__):
        SchemaVersion.__table__.create(conn, checkfirst=True)
        return set()
    return set(conn.execute(select(SchemaVersion.version)).scalars())


async def migrate(engine: AsyncEngine) -> int:
    """Apply every migration the database has not had; returns the highest schema version."""
    attempts = 5
    for attempt in range(attempts):
        try:
            return await _migrate_once(engine)
        except DBAPIError:
            # another process migrating the same database at the same moment: re-read and retry
            if attempt == attempts - 1:
                raise
            log.info("migration raced with another process; retrying")
            await asyncio.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


async def _migrate_once(engine: AsyncEngine) -> int:
    # every migration not yet recorded, in number order — not only those above the highest: numbers are
    # reserved per branch (4, 5, 6 …), so a database may have 9 before a later-merged 6 (each migration
    # skips work already present)
    async with engine.begin() as conn:
        applied = await conn.run_sync(_applied)
    version = max(applied, default=0)
    for number, description, fn in MIGRATIONS:
        if number in applied:
            continue
        async with engine.begin() as conn:
            # the version row first: its primary key makes a concurrent migrator fail fast (and retry)
            # instead of applying the same step twice
            await conn.execute(
                SchemaVersion.__table__.insert().values(
                    version=number, description=description, applied=datetime.now(UTC).replace(tzinfo=None)
                )
            )
            await conn.run_sync(fn)
        log.info("store schema migrated to version %d (%s)", number, description)
        version = max(version, number)
    return version
