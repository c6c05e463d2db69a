"""The store and the service on a real, throwaway PostgreSQL cluster (the `postgresql://` half of issue D).

The session fixture runs initdb/pg_ctl from the local PostgreSQL binaries (COUNTYBOT_PG_BIN, else pg_ctl on
PATH, else /usr/lib/postgresql/<newest>/bin), as the `postgres` system user when the tests run as root
(postgres refuses root), listening only on 127.0.0.1 and a socket in its own temporary folder. Each test
gets a fresh database. The module is skipped, with the reason, where the binaries, a user to run them or
the asyncpg driver are missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, inspect, select

from bot.service import Service, chat_scope
from bot.settings import Settings
from bot.store import Store
from bot.store.llm import StoreCallLog, StoreDigestCache
from bot.store.migrations import LATEST
from bot.store.tables import FigureRow, Report, SchemaVersion
from extract.llm.calllog import CallRecord
from extract.models import Digest, Figure
from tests.conftest import SEED_FILES

pytest.importorskip("asyncpg", reason="asyncpg (the PostgreSQL driver, dev extra) is not installed")

DANING_SEED = SEED_FILES[0]  # 大宁县, 2023-12-29
PINGLU_SEED = SEED_FILES[2]  # 平陆县
_RUN_AS = "postgres"


def _pg_bin() -> Path | None:
    configured = os.environ.get("COUNTYBOT_PG_BIN")
    if configured:
        return Path(configured)
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent  # /usr/local/bin/pg_ctl may be a link into the real folder
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Cluster:
    def __init__(self, bindir: Path, prefix: list[str], folder: Path, port: int) -> None:
        self.bindir, self.prefix, self.folder, self.port = bindir, prefix, folder, port
        self.data = folder / "data"

    def run(self, tool: str, *args: str, as_owner: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [*(self.prefix if as_owner else []), str(self.bindir / tool), *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)

    def start(self) -> None:
        init = self.run(
            "initdb", "-D", str(self.data), "-E", "UTF8", "--locale=C", "-A", "trust", "-U", "postgres",
            "--no-sync",
        )  # fmt: skip
        if init.returncode:
            raise RuntimeError(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        started = self.run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o", opts, "start"
        )
        if started.returncode:
            log = (
                (self.folder / "log").read_text(errors="replace")[-2000:]
                if (self.folder / "log").exists()
                else ""
            )
            raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {log}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        made = self.run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name, as_owner=False
        )
        if made.returncode:
            raise RuntimeError(f"createdb failed: {made.stderr.strip()}")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[_Cluster]:
    bindir = _pg_bin()
    tools = ("initdb", "pg_ctl", "createdb")
    if bindir is None or not all((bindir / t).exists() for t in tools):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl, createdb) not found; set COUNTYBOT_PG_BIN")
    prefix: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:  # postgres refuses to run as root: run it as an unprivileged system user
        runuser = shutil.which("runuser") or shutil.which("setpriv")
        try:
            owner = pwd.getpwnam(_RUN_AS)
        except KeyError:
            pytest.skip(f"running as root and there is no '{_RUN_AS}' user to run the PostgreSQL server")
        if runuser is None:
            pytest.skip("running as root and neither runuser nor setpriv is available to drop privileges")
        if Path(runuser).name == "runuser":
            prefix = [runuser, "-u", _RUN_AS, "--"]
        else:
            prefix = [runuser, f"--reuid={owner.pw_uid}", f"--regid={owner.pw_gid}", "--init-groups"]
    # not pytest's tmp_path: its folders are private to the test user, and the server's user must own this one
    folder = Path(tempfile.mkdtemp(prefix="countybot-pg-"))
    if owner is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster = _Cluster(bindir, prefix, folder, _free_port())
    try:
        try:
            cluster.start()
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"could not start a throwaway PostgreSQL cluster: {exc}")
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_cluster: _Cluster) -> str:
    """A fresh, empty database for each test."""
    return pg_cluster.create_database()


@pytest.fixture
async def service(pg_url: str):
    s = await Service.create(Settings(db=pg_url))
    yield s
    await s.close()


async def _submit(service: Service, path: Path, scope: str = "public", **kw: object):
    return await service.submit(
        scope=scope, sender="test", data=path.read_bytes(), filename=path.name, use_llm=False, **kw
    )


async def _versions(store: Store) -> list[int]:
    async with store.engine.connect() as conn:
        return list((await conn.execute(select(SchemaVersion.version))).scalars())


async def test_migrations_at_start_up_and_a_second_open_is_a_no_op(pg_url: str) -> None:
    first = await Service.create(Settings(db=pg_url))
    try:
        assert first.store.engine.dialect.name == "postgresql"
        async with first.store.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert {"reports", "digests", "figures", "report_counties", "llm_quota", "sent_digests"} <= tables
        assert await _versions(first.store) == [LATEST]
        rid = await first.store_raw(scope="public", sender="t", data=b"\x00\xffraw bytes")
    finally:
        await first.close()
    again = await Service.create(Settings(db=pg_url))
    try:
        assert await _versions(again.store) == [LATEST]
        assert await again.store.raw(rid) == b"\x00\xffraw bytes"  # bytea keeps any bytes
    finally:
        await again.close()


async def test_concurrent_first_open_of_one_database(pg_cluster: _Cluster) -> None:
    url = pg_cluster.create_database()
    stores = await asyncio.gather(*(Store.open(url) for _ in range(3)))
    try:
        for s in stores:
            assert await _versions(s) == [LATEST]
    finally:
        for s in stores:
            await s.close()


async def test_seed_reports_duplicates_and_targets(service: Service) -> None:
    outs = [await _submit(service, p) for p in SEED_FILES]
    assert [o.status for o in outs] == ["done"] * len(SEED_FILES)
    daning = outs[0]
    assert await service.store.raw(daning.report_id) == DANING_SEED.read_bytes()
    row = await service.store.report(daning.report_id)
    assert row.status == "done" and row.published == date(2023, 12, 29) and len(row.sha256) == 64
    assert await service.digest_of(daning.report_id) == daning.digest

    again = await _submit(service, DANING_SEED)
    assert (again.status, again.duplicate_of) == ("duplicate", daning.report_id)
    assert again.digest == daning.digest
    assert await service.store.raw(again.report_id) is None
    assert await service.store.count_reports(status="done") == len(SEED_FILES)

    answer = await service.targets("大寧", ["public"])
    assert answer.status == "ok" and answer.county.name == "大宁县" and answer.reports == 1
    by_surface = {t.surface: t for t in answer.targets}
    assert {"74个", "281亿元", "45亿元"} <= set(by_surface)
    assert all(by_surface[s].report_date == date(2023, 12, 29) for s in ("74个", "281亿元", "45亿元"))
    assert "2024年" in (by_surface["74个"].period or "") and "重点项目" in (by_surface["74个"].label or "")

    pinglu = await service.targets("平陆", ["public"])
    assert pinglu.status == "ok" and pinglu.county.name == "平陆县"
    assert {"407.09亿元", "110个", "50个", "200亿元", "60%", "10%"} <= {t.surface for t in pinglu.targets}
    big = next(t for t in pinglu.targets if t.surface == "407.09亿元")
    assert big.value == 40709000000 and big.unit == "元" and "407.09亿元" in big.quote

    assert (await service.targets("不存在县", ["public"])).status == "unknown"
    assert (await service.targets("大宁县", [chat_scope(1)])).targets == []  # public reports, not chat 1's


async def test_concurrent_twins_are_stored_once(service: Service) -> None:
    # no in-process write lock on PostgreSQL: the unique (scope, sha256) key alone must decide
    outs = await asyncio.gather(*(_submit(service, PINGLU_SEED, scope=chat_scope(4)) for _ in range(3)))
    assert sorted(o.status for o in outs) == ["done", "duplicate", "duplicate"]
    first = next(o.report_id for o in outs if o.status == "done")
    assert {o.duplicate_of for o in outs if o.status == "duplicate"} == {first}
    assert await service.store.count_reports(status="done", scope=chat_scope(4)) == 1


async def test_period_digest_and_scope_isolation(service: Service) -> None:
    for p in SEED_FILES:
        assert (await _submit(service, p)).status == "done"
    secret = await _submit(service, DANING_SEED, scope=chat_scope(1))
    assert secret.status == "done"  # another scope: stored on its own, not a duplicate
    now = datetime.now(UTC)
    pd = await service.period_digest(["public"], now - timedelta(hours=24))
    assert pd.totals["reports"] == 5 and pd.totals["counties"] == 5 and pd.totals["targets"] >= 9
    assert {"大宁县", "平陆县", "维西傈僳族自治县"} <= {g.county.name for g in pd.groups if g.county}
    assert secret.report_id not in {b.report_id for g in pd.groups for b in g.reports}

    assert (await service.period_digest([chat_scope(2)], now - timedelta(hours=24))).totals["reports"] == 0
    followed = await service.period_digest(
        [chat_scope(2)], now - timedelta(hours=24), follow_counties=["平陆县"]
    )
    assert [g.county.name for g in followed.groups if g.county] == ["平陆县"]
    mine = await service.period_digest([chat_scope(1)], now - timedelta(hours=24))
    assert [b.report_id for g in mine.groups for b in g.reports] == [secret.report_id]
    # naive bounds are UTC too, and the window is [since, until)
    naive_now = now.replace(tzinfo=None)
    assert (await service.period_digest(["public"], naive_now - timedelta(hours=1))).totals["reports"] == 5
    assert (await service.period_digest(["public"], now + timedelta(minutes=1))).totals["reports"] == 0

    own = await service.report_digest(secret.report_id, chat_scope(1))
    assert own is not None and "281亿元" in {f.surface for f in own.figures}
    assert await service.report_digest(secret.report_id, chat_scope(2)) is None
    assert await service.report_digest(99_999, chat_scope(1)) is None
    assert await service.latest_report(chat_scope(1)) == secret.report_id
    assert await service.latest_report(chat_scope(2)) is None


async def test_take_llm_quota_is_one_upsert_and_atomic(service: Service) -> None:
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    engine = service.store.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        day = date(2024, 6, 1)
        assert [await service.take_llm_quota(9, day, 2) for _ in range(3)] == [True, True, False]
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) == 3 and all("ON CONFLICT" in s.upper() for s in statements), statements
    assert await service.llm_quota_used(9, day) == 2

    day = date(2024, 5, 1)
    results = await asyncio.gather(*(service.take_llm_quota(7, day, 5) for _ in range(12)))
    assert sum(results) == 5 and await service.llm_quota_used(7, day) == 5
    assert await service.take_llm_quota(7, day + timedelta(days=1), 5)
    assert not await service.take_llm_quota(8, day, 0)


async def test_chat_settings_subscriptions_and_sent_digests(service: Service) -> None:
    chat = -1001234567890  # supergroup ids need BIGINT
    assert (await service.chat_settings(chat)).script == "simplified"
    await asyncio.gather(service.set_script(chat, "traditional"), service.set_script(chat, "traditional"))
    assert (await service.chat_settings(chat)).script == "traditional"
    await service.set_script(chat, "simplified")
    assert (await service.chat_settings(chat)).script == "simplified"

    sub = await service.subscribe(chat, "8:05", "Asia/Shanghai")
    assert (sub.time, sub.timezone, sub.counties) == ("08:05", "Asia/Shanghai", [])
    await service.subscribe(chat, "09:30", "Asia/Shanghai")  # moved, not a second row
    await service.follow(chat, "大宁县")
    await service.follow(chat, "大宁县")
    await service.follow(chat, "平陆县")
    [only] = await service.subscriptions()
    assert (only.chat_id, only.time, only.counties) == (chat, "09:30", ["大宁县", "平陆县"])
    assert await service.unfollow(chat, "大宁县") and not await service.unfollow(chat, "大宁县")

    day = date(2024, 5, 1)
    results = await asyncio.gather(*(service.mark_digest_sent(chat, day) for _ in range(4)))
    assert sorted(results) == [False, False, False, True]
    assert await service.digest_sent(chat, day) and not await service.digest_sent(
        chat, day + timedelta(days=1)
    )
    assert await service.unsubscribe(chat) and await service.subscriptions() == []
    assert await service.followed(chat) == ["平陆县"]  # kept for a later subscribe


async def test_store_backed_llm_cache_and_call_log(service: Service) -> None:
    cache = StoreDigestCache(service.store)
    assert await cache.get("k") is None
    d = Digest(summary="摘要", figures=[Figure(surface="45亿元", value=4.5e9, unit="元", kind="target")])
    await cache.put("k", d)
    await cache.put("k", d.model_copy(update={"summary": "新摘要"}))
    got = await cache.get("k")
    assert got is not None and got.summary == "新摘要" and got.figures[0].value == 4500000000

    calls = StoreCallLog(service.store)
    rec = CallRecord(
        base_url="http://127.0.0.1:1/v1", model="m", mode="json_schema", latency_ms=12.5, outcome="timeout",
        prompt_version="p1", doc_sha256="a" * 64,
    )  # fmt: skip
    await calls.record(rec)  # an aware time: stored as naive UTC in a timestamp column
    [back] = await calls.read()
    assert back == rec
    [row] = await service.store.calls()
    assert row.at == rec.time.astimezone(UTC).replace(tzinfo=None)


async def test_llm_digest_through_the_service_is_cached_in_the_store(pg_url: str) -> None:
    from tests.fakes.openai_server import FakeOpenAI, grounded_answer, grounded_reply

    with FakeOpenAI() as server:
        server.default = grounded_reply
        settings = Settings(db=pg_url, openai_base_url=server.base_url, model="test-model")  # type: ignore[arg-type]
        service = await Service.create(settings)
        try:
            out = await service.submit(scope="public", sender="t", data=DANING_SEED.read_bytes())
            assert out.status == "done" and out.digest.backend == "llm:test-model"
            rows = await service.store.target_rows("大宁县", "临汾市", "山西省", ["public"])
            # (the fake model labels each figure with the words of its own clause: labels are checked)
            labels = {f["label"] for f in grounded_answer(server.requests[0].json)["figures"]}
            assert rows and {r.label for r in rows} <= labels
            [rec] = await StoreCallLog(service.store).read()
            assert (rec.outcome, rec.model) == ("ok", "test-model")
        finally:
            await service.close()
        service = await Service.create(settings)
        try:
            again = await service.submit(scope=chat_scope(9), sender="t", data=DANING_SEED.read_bytes())
            assert again.status == "done" and again.digest.backend == "llm:test-model"
            assert len(server.requests) == 1  # the store-backed cache answered
        finally:
            await service.close()


async def test_resume_pending_after_restart_and_by_two_processes_at_once(pg_url: str) -> None:
    first = await Service.create(Settings(db=pg_url))
    chat = await first.store_raw(scope=chat_scope(-100), sender="tg:7", data=DANING_SEED.read_bytes())
    public = await first.store_raw(
        scope="public", sender="cli", data=PINGLU_SEED.read_bytes(), filename="p.txt"
    )
    await first.close()

    a = await Service.create(Settings(db=pg_url))
    b = await Service.create(Settings(db=pg_url))
    try:
        assert await a.resume_pending(older_than_s=3600, use_llm=False) == 0  # claimed just now: not stale
        # two live processes resuming at once: the claim's compare-and-swap gives each report to one
        got = await asyncio.gather(
            a.resume_pending_outcomes(use_llm=False), b.resume_pending_outcomes(use_llm=False)
        )
        resumed = {r.outcome.report_id: r for r in (*got[0], *got[1])}
        assert len(got[0]) + len(got[1]) == 2 and set(resumed) == {chat, public}
        assert (resumed[chat].scope, resumed[chat].sender, resumed[chat].outcome.status) == (
            "chat:-100", "tg:7", "done",
        )  # fmt: skip
        assert "281亿元" in {f.surface for f in resumed[chat].outcome.digest.figures}
        assert await a.resume_pending() == 0
        assert "407.09亿元" in {t.surface for t in (await a.targets("平陆", ["public"])).targets}
    finally:
        await a.close()
        await b.close()


async def test_long_and_nul_text_never_fails_a_report(service: Service) -> None:
    # PostgreSQL enforces VARCHAR lengths and rejects NUL in text, where SQLite accepts anything
    long_label = "很长的指标名称" * 60
    rid = await service.store.insert_report(
        scope="public", sender="s" * 500, filename="f" * 900 + ".txt", raw=b"raw"
    )
    res = await service.store.finish_report(
        rid,
        scope="public",
        sha256="c" * 64,
        normalized="正文\x00",
        title="标题\x00",
        published=None,
        source="来源" * 200,
        backend="llm:" + "m" * 200,
        prompt_version="v" * 80,
        digest_json="{}",
        figures=[
            dict(
                position=0, county="大宁县", city="临汾市", province="山西省", label=long_label, value=1.0,
                unit="个", kind="target", period="2024年" * 50, quote="引文\x00", surface="1个" * 80,
            )
        ],
        counties=[dict(county="大宁县", city="临汾市", province="山西省", position=0)],
    )  # fmt: skip
    assert res.status == "done"
    async with service.store.engine.connect() as conn:
        label, quote = (await conn.execute(select(FigureRow.label, FigureRow.quote))).one()
        title = (await conn.execute(select(Report.title).where(Report.id == rid))).scalar()
    assert long_label.startswith(label) and len(label) == FigureRow.__table__.c.label.type.length
    assert (quote, title) == ("引文", "标题")
    await service.follow(1, "县" * 300)  # a silly /follow argument is not a database error


async def test_unreachable_server_or_missing_database_is_a_readable_error(pg_cluster: _Cluster) -> None:
    from bot.service import StoreOpenError

    closed = _free_port()
    with pytest.raises(StoreOpenError, match="无法打开数据库") as err:
        await Service.create(Settings(db=f"postgresql://u:sekrit@127.0.0.1:{closed}/countybot"))
    assert "sekrit" not in str(err.value)
    missing = f"postgresql://postgres@127.0.0.1:{pg_cluster.port}/no_such_db"
    with pytest.raises(StoreOpenError, match="no_such_db"):
        await Service.create(Settings(db=missing))
