"""The store on real SQLite files: URLs, migrations, WAL, atomic chat operations, the LLM cache and log."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from bot.service import Service
from bot.settings import Settings
from bot.store import Store, database_url
from bot.store.llm import StoreCallLog, StoreDigestCache
from bot.store.migrations import LATEST, MIGRATIONS
from bot.store.rows import CountyLink, FigureRow
from bot.store.tables import SchemaVersion
from extract.llm.calllog import CallRecord
from extract.models import County, Digest, Figure
from tests.pg import Cluster, free_port


@pytest.fixture
async def store(db_url: str):
    s = await Store.open(db_url)
    yield s
    await s.close()


@pytest.mark.parametrize(
    ("raw", "driver", "database"),
    [
        ("sqlite:///data/countybot.sqlite3", "sqlite+aiosqlite", "data/countybot.sqlite3"),
        ("sqlite:////abs/x.db", "sqlite+aiosqlite", "/abs/x.db"),
        ("data/x.sqlite3", "sqlite+aiosqlite", "data/x.sqlite3"),
        ("/var/lib/countybot.db", "sqlite+aiosqlite", "/var/lib/countybot.db"),
        ("postgresql://u:secret@db:5432/countybot", "postgresql+asyncpg", "countybot"),
        ("postgres://u@db/countybot", "postgresql+asyncpg", "countybot"),
        ("postgresql+asyncpg://u@db/countybot", "postgresql+asyncpg", "countybot"),
        ("sqlite+aiosqlite:///already.db", "sqlite+aiosqlite", "already.db"),
    ],
)
def test_database_url_mapping(raw: str, driver: str, database: str) -> None:
    url = database_url(raw)
    assert url.drivername == driver
    assert url.database == database


def test_database_url_rejects_empty() -> None:
    with pytest.raises(ValueError):
        database_url("  ")


async def test_open_creates_folder_wal_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "c.sqlite3"
    store = await Store.open(str(path))  # a plain path is an SQLite file
    try:
        assert path.exists()
        async with store.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await store.close()
    assert {
        "reports",
        "digests",
        "figures",
        "report_counties",
        "chat_settings",
        "llm_quota",
        "subscriptions",
        "followed_counties",
        "sent_digests",
        "llm_calls",
        "llm_cache",
        "schema_version",
    } <= tables
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY version")]
    finally:
        con.close()
    # every migration applied (numbers are reserved per branch, so a branch's list may have gaps)
    assert versions == [number for number, _, _ in MIGRATIONS] and versions[-1] == LATEST


async def _versions(store: Store) -> list[int]:
    async with store.engine.connect() as conn:
        return list((await conn.execute(select(SchemaVersion.version))).scalars())


async def test_migrations_run_once_and_keep_data(db_url: str) -> None:
    store = await Store.open(db_url)
    try:
        assert store.engine.dialect.name == ("postgresql" if db_url.startswith("postgresql") else "sqlite")
        async with store.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert {"reports", "digests", "figures", "report_counties", "llm_quota", "sent_digests"} <= tables
        assert await _versions(store) == [n for n, _, _ in MIGRATIONS]
        rid = await store.reports.insert_report(
            scope="public", sender=None, filename="a.txt", raw=b"\x00\xffraw bytes"
        )
    finally:
        await store.close()
    store = await Store.open(db_url)  # second start-up: nothing re-applied, nothing lost
    try:
        assert (await store.reports.report(rid)).status == "pending"
        assert await store.reports.count_reports() == 1
        assert await _versions(store) == [n for n, _, _ in MIGRATIONS]
        assert await store.reports.raw(rid) == b"\x00\xffraw bytes"  # BLOB/bytea keep any bytes
    finally:
        await store.close()


async def test_concurrent_first_open_of_one_database(db_url: str) -> None:
    stores = await asyncio.gather(*(Store.open(db_url) for _ in range(3)))
    try:
        assert await asyncio.gather(*(s.reports.count_reports() for s in stores)) == [0, 0, 0]
        for s in stores:
            assert await _versions(s) == [n for n, _, _ in MIGRATIONS]
    finally:
        for s in stores:
            await s.close()


def _finish_kwargs(sha: str, scope: str = "public") -> dict:
    digest = Digest(title="t", counties=[County(name="大宁县", city="临汾市", province="山西省")])
    return dict(
        scope=scope,
        sha256=sha,
        normalized="text",
        title="t",
        published=None,
        source=None,
        backend="rules",
        prompt_version=None,
        digest_json=digest.model_dump_json(),
        figures=[
            FigureRow(
                position=0,
                county="大宁县",
                city="临汾市",
                province="山西省",
                label="年度计划投资",
                value=4.5e9,
                unit="元",
                kind="target",
                period="2024年",
                quote="年度计划投资45亿元",
                surface="45亿元",
            )
        ],
        counties=[CountyLink(county="大宁县", city="临汾市", province="山西省", position=0)],
    )


async def test_same_text_same_scope_is_stored_once(store: Store) -> None:
    a = await store.reports.insert_report(scope="public", sender=None, filename="a.txt", raw=b"a")
    b = await store.reports.insert_report(scope="public", sender=None, filename="b.txt", raw=b"b")
    c = await store.reports.insert_report(scope="chat:1", sender=None, filename="c.txt", raw=b"c")
    assert (await store.reports.finish_report(a, **_finish_kwargs("f" * 64))).status == "done"
    # b raced a: the unique (scope, sha256) key turns it into a duplicate instead of a second copy
    res = await store.reports.finish_report(b, **_finish_kwargs("f" * 64))
    assert (res.status, res.duplicate_of) == ("duplicate", a)
    assert (await store.reports.report(b)).status == "duplicate"
    assert await store.reports.raw(b) is None  # the text is kept once, under the first report
    # another scope is another store
    assert (await store.reports.finish_report(c, **_finish_kwargs("f" * 64, scope="chat:1"))).status == "done"
    assert await store.reports.count_reports(status="done") == 2
    # finishing twice is a no-op that reports who won
    again = await store.reports.finish_report(a, **_finish_kwargs("e" * 64))
    assert again.by_other and again.status == "done"
    rows = await store.reports.target_rows("大宁县", "临汾市", "山西省", ["public"])
    assert [r.surface for r in rows] == ["45亿元"]


async def test_claim_is_compare_and_swap(store: Store) -> None:
    rid = await store.reports.insert_report(scope="public", sender=None, filename=None, raw=b"x")
    [row] = await store.reports.pending(
        claimed_before=datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1)
    )
    assert await store.reports.claim(rid, row.claimed_at)
    assert not await store.reports.claim(rid, row.claimed_at)  # a second resumer saw the old claim: loses
    assert not await store.reports.pending(claimed_before=row.claimed_at)  # freshly claimed: not stale


async def test_quota_is_atomic_under_concurrency(store: Store) -> None:
    day = date(2024, 5, 1)
    results = await asyncio.gather(*(store.chats.take_quota(7, day, 5) for _ in range(12)))
    assert sum(results) == 5
    assert await store.chats.quota_used(7, day) == 5
    assert await store.chats.take_quota(7, day + timedelta(days=1), 5)  # a new day starts from zero
    assert not await store.chats.take_quota(8, day, 0)


async def test_sent_digest_marked_once(store: Store) -> None:
    day = date(2024, 5, 1)
    results = await asyncio.gather(*(store.chats.mark_sent(-100, day) for _ in range(4)))
    assert sorted(results) == [False, False, False, True]
    assert await store.chats.was_sent(-100, day)
    assert not await store.chats.was_sent(-100, day + timedelta(days=1))


async def test_subscriptions_and_follows(store: Store) -> None:
    await store.chats.upsert_subscription(1, "08:00", "Asia/Shanghai")
    await store.chats.upsert_subscription(1, "09:30", "Asia/Shanghai")  # moving it, not a second row
    assert await store.chats.add_follow(1, "大宁县")
    assert not await store.chats.add_follow(1, "大宁县")
    rows = await store.chats.subscription_rows()
    assert [(r.chat_id, r.time) for r in rows] == [(1, "09:30")]
    assert (await store.chats.follows())[1] == ["大宁县"]
    assert await store.chats.delete_subscription(1)
    assert not await store.chats.delete_subscription(1)


async def test_store_backed_llm_cache_and_call_log(store: Store) -> None:
    cache = StoreDigestCache(store)
    assert await cache.get("k") is None
    d = Digest(summary="摘要", figures=[Figure(surface="45亿元", value=4.5e9, unit="元", kind="target")])
    await cache.put("k", d)
    await cache.put("k", d.model_copy(update={"summary": "新摘要"}))  # overwrite, not a key clash
    got = await cache.get("k")
    assert got is not None and got.summary == "新摘要" and got.figures[0].value == 4500000000

    calls = StoreCallLog(store)
    rec = CallRecord(
        base_url="http://127.0.0.1:1/v1",
        model="m",
        mode="json_schema",
        latency_ms=12.5,
        outcome="timeout",
        prompt_version="p1",
        doc_sha256="a" * 64,
    )
    await calls.record(rec)  # an aware time: stored as naive UTC in a timestamp column
    [back] = await calls.read()
    assert back == rec
    [row] = await store.llm.calls()
    assert row.at == rec.time.astimezone(UTC).replace(tzinfo=None)


async def test_take_quota_is_one_statement(store: Store) -> None:
    from sqlalchemy import event

    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(store.engine.sync_engine, "before_cursor_execute", seen)
    try:
        day = date(2024, 6, 1)
        assert await store.chats.take_quota(9, day, 2)  # the day's first use: an insert
        assert await store.chats.take_quota(9, day, 2)  # under the limit: the conflict's update
        assert not await store.chats.take_quota(9, day, 2)  # at the limit: nothing changes
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", seen)
    assert len(statements) == 3 and all("ON CONFLICT" in s.upper() for s in statements), statements
    assert await store.chats.quota_used(9, day) == 2


def test_quota_upsert_compiles_for_postgresql() -> None:
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.dialects.postgresql import insert

    from bot.store.tables import LLMQuota

    stmt = (
        insert(LLMQuota)
        .values(chat_id=1, day=date(2024, 6, 1), used=1)
        .on_conflict_do_update(
            index_elements=[LLMQuota.chat_id, LLMQuota.day],
            set_={"used": LLMQuota.used + 1},
            where=LLMQuota.used < 3,
        )
        .returning(LLMQuota.used)
    )
    sql = str(stmt.compile(dialect=postgresql.dialect()))
    assert "ON CONFLICT (chat_id, day) DO UPDATE SET used = (llm_quota.used + " in sql
    assert "WHERE llm_quota.used < " in sql and "RETURNING llm_quota.used" in sql


async def test_unreachable_server_or_missing_database_is_a_readable_error(pg_cluster: Cluster) -> None:
    from bot.service import StoreOpenError

    closed = free_port()
    with pytest.raises(StoreOpenError, match="无法打开数据库") as err:
        await Service.create(Settings(db=f"postgresql://u:sekrit@127.0.0.1:{closed}/countybot"))
    assert "sekrit" not in str(err.value)
    missing = f"postgresql://postgres@127.0.0.1:{pg_cluster.port}/no_such_db"
    with pytest.raises(StoreOpenError, match="no_such_db"):
        await Service.create(Settings(db=missing))


async def test_migration_6_adds_the_source_url_to_an_older_database(db_url: str) -> None:
    # a database migrated without issue M's migration, also past it (9 before 6: numbers are reserved per
    # branch): the column and its index are added
    from sqlalchemy import delete, text

    store = await Store.open(db_url)
    async with store.engine.begin() as conn:
        await conn.execute(text("DROP INDEX ix_reports_scope_source_url"))
        await conn.execute(text("ALTER TABLE reports DROP COLUMN source_url"))
        await conn.execute(delete(SchemaVersion).where(SchemaVersion.version == 6))
    await store.close()
    store = await Store.open(db_url)
    try:
        async with store.engine.connect() as conn:
            columns = await conn.run_sync(lambda c: {x["name"] for x in inspect(c).get_columns("reports")})
            indexes = await conn.run_sync(lambda c: {x["name"] for x in inspect(c).get_indexes("reports")})
        assert "source_url" in columns and "ix_reports_scope_source_url" in indexes
        rid = await store.reports.insert_report(scope="chat:1", sender=None, filename="x", raw=b"u")
        await store.links.set_source_url(rid, "https://www.example.gov.cn/a.html")
        assert await store.links.source_url(rid) == "https://www.example.gov.cn/a.html"
    finally:
        await store.close()
