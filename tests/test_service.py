"""bot.service.Service on real SQLite files with the real pipeline on the seed reports."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.service import Service, chat_scope
from bot.settings import Settings
from bot.store.llm import StoreCallLog, StoreDigestCache
from bot.store.rows import CountyLink, FigureRow
from bot.store.tables import FigureTable, Report
from extract.errors import TooLargeError
from tests.conftest import SEED_FILES

DANING_SEED = SEED_FILES[0]  # 大宁县, 2023-12-29
PINGLU_SEED = SEED_FILES[2]  # 平陆县


def _settings(db_url: str, **kw: object) -> Settings:
    return Settings(db=db_url, **kw)  # type: ignore[arg-type]


@pytest.fixture
async def service(db_url: str):
    s = await Service.create(_settings(db_url))
    yield s
    await s.close()


async def _submit(service: Service, path: Path, scope: str = "public", **kw: object):
    return await service.submit(scope=scope, sender="test", data=path.read_bytes(), filename=path.name, **kw)


async def test_submit_stores_raw_then_digest_figures_and_counties(service: Service) -> None:
    out = await _submit(service, DANING_SEED)
    assert out.status == "done" and out.error is None and out.digest is not None
    assert [c.name for c in out.digest.counties] == ["大宁县"]
    assert "281亿元" in [f.surface for f in out.digest.figures]
    assert (
        await service.store.reports.raw(out.report_id) == DANING_SEED.read_bytes()
    )  # the raw bytes, unchanged
    row = await service.store.reports.report(out.report_id)
    assert row.status == "done" and row.sha256 and row.published == date(2023, 12, 29)
    stored = await service.digest_of(out.report_id)
    assert stored == out.digest


async def test_same_text_same_scope_is_a_duplicate_of_the_first(service: Service) -> None:
    first = await _submit(service, DANING_SEED)
    again = await _submit(service, DANING_SEED)
    assert again.status == "duplicate" and again.duplicate_of == first.report_id
    assert again.digest == first.digest
    # the same report pasted as text (another file name, same normalised text) is still the same report
    pasted = await service.submit(scope="public", sender=None, data=DANING_SEED.read_bytes(), filename=None)
    assert pasted.status == "duplicate" and pasted.duplicate_of == first.report_id
    assert await service.store.reports.count_reports(status="done") == 1
    # another chat is another scope: stored again, on its own
    other = await _submit(service, DANING_SEED, scope=chat_scope(5))
    assert other.status == "done"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "empty.txt"),
        (b"\x00\x01\x02\x03" * 300, "blob.txt"),
        (b"MZ\x90\x00" + bytes(range(256)) * 4, "tool.exe"),
        (b"PK\x03\x04 not really a docx", "broken.docx"),
    ],
)
async def test_bad_input_fails_with_a_user_message_and_never_raises(
    service: Service, data: bytes, filename: str
) -> None:
    out = await service.submit(scope="public", sender=None, data=data, filename=filename)
    assert out.status == "failed" and out.digest is None
    assert out.error and not out.error.startswith("Traceback")
    row = await service.store.reports.report(out.report_id)
    assert row.status == "failed" and row.error == out.error


async def test_oversized_report_fails_without_keeping_the_bytes(db_url: str) -> None:
    service = await Service.create(_settings(db_url, max_upload_mb=0.001))
    try:
        out = await service.submit(scope="public", sender=None, data=b"x" * 5000, filename="big.txt")
        assert out.status == "failed" and out.error == TooLargeError.user_message
        assert await service.store.reports.raw(out.report_id) == b""
    finally:
        await service.close()


async def test_parsing_runs_off_the_event_loop(service: Service) -> None:
    # a report big enough that parsing takes about a second: a ticker on the loop must keep running
    # meanwhile — parsing on the loop would stall it for about that long, far past the bound below
    data = b"\n\n".join(p.read_bytes() for p in SEED_FILES) * 120
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    # what is measured is the loop blocked by our parsing, not a full garbage collection walking every object
    # the earlier tests of this process left (it stops every thread; in the whole suite it took 0.4 s)
    gc.collect()
    gc.freeze()
    task = asyncio.create_task(ticker())
    t0 = time.perf_counter()
    try:
        out = await service.submit(scope="public", sender=None, data=data, filename="big.txt")
    finally:
        elapsed = time.perf_counter() - t0
        gc.unfreeze()
    done.set()
    await task
    assert out.status == "done"
    assert len(gaps) >= 5 and max(gaps) < max(elapsed / 2, 0.05), (elapsed, max(gaps))


async def test_pending_report_is_finished_after_restart(db_url: str) -> None:
    # "crash": the raw report is stored, then the process stops before any processing
    first = await Service.create(_settings(db_url))
    rid = await first.accept(scope="public", sender="t", data=PINGLU_SEED.read_bytes(), filename="p.txt")
    await first.close()

    restarted = await Service.create(_settings(db_url))
    try:
        assert (await restarted.store.reports.report(rid)).status == "pending"
        assert await restarted.resume_pending() == 1
        assert (await restarted.store.reports.report(rid)).status == "done"
        assert await restarted.resume_pending() == 0
        answer = await restarted.targets("平陆", ["public"])
        assert "407.09亿元" in [t.surface for t in answer.targets]
    finally:
        await restarted.close()


async def test_killed_process_leaves_a_pending_report_that_resumes(tmp_path: Path) -> None:
    db = tmp_path / "killed.sqlite3"
    child = textwrap.dedent(
        f"""
        import asyncio, os, signal
        from pathlib import Path
        from bot.service import Service
        from bot.settings import Settings

        async def main():
            service = await Service.create(Settings(db={str(db)!r}))
            data = Path({str(DANING_SEED)!r}).read_bytes()
            await service.accept(scope="public", sender="child", data=data, filename="d.txt")
            os.kill(os.getpid(), signal.SIGKILL)  # dies before processing: no close, no cleanup

        asyncio.run(main())
        """
    )
    # cwd: the tmp folder, so no developer .env is read
    proc = subprocess.run([sys.executable, "-c", child], cwd=tmp_path, capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()

    service = await Service.create(Settings(db=str(db)))
    try:
        assert await service.store.reports.count_reports(status="pending") == 1
        # a second process beside a live one only takes over reports abandoned for a while
        assert await service.resume_pending(older_than_s=3600) == 0
        assert await service.resume_pending() == 1
        answer = await service.targets("大宁县", ["public"])
        assert {"74个", "281亿元", "45亿元"} <= {t.surface for t in answer.targets}
    finally:
        await service.close()


async def test_period_digest_groups_counties_and_keeps_scopes_apart(service: Service) -> None:
    for p in SEED_FILES:
        assert (await _submit(service, p)).status == "done"
    secret = await _submit(service, DANING_SEED, scope=chat_scope(1))
    assert secret.status == "done"  # another scope: stored on its own, not a duplicate
    now = datetime.now(UTC)
    pd = await service.period_digest(["public"], now - timedelta(hours=24))
    assert pd.totals["reports"] == 5 and pd.totals["counties"] == 5
    names = {g.county.name for g in pd.groups if g.county}
    assert {"大宁县", "平陆县", "维西傈僳族自治县"} <= names
    daning = next(g for g in pd.groups if g.county and g.county.name == "大宁县")
    brief = daning.reports[0]
    assert brief.summary and brief.figures and brief.figures[0].kind == "target"
    assert pd.totals["targets"] >= 9  # 大宁 3 and 平陆 6 at least
    assert secret.report_id not in {b.report_id for g in pd.groups for b in g.reports}

    # chat 2 sees neither chat 1's report nor public ones, unless it follows their county
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


async def test_chat_settings_quota_subscriptions(service: Service) -> None:
    assert (await service.chat_settings(3)).script == "simplified"
    await service.set_script(3, "traditional")
    assert (await service.chat_settings(3)).script == "traditional"
    with pytest.raises(ValueError):
        await service.set_script(3, "klingon")  # type: ignore[arg-type]

    day = date(2024, 1, 2)
    assert [await service.take_llm_quota(3, day, 2) for _ in range(3)] == [True, True, False]

    with pytest.raises(ValueError):
        await service.subscribe(3, "25:00", "Asia/Shanghai")
    with pytest.raises(ValueError):
        await service.subscribe(3, "08:00", "Mars/Olympus")
    sub = await service.subscribe(3, "8:05", "Asia/Shanghai")
    assert (sub.time, sub.timezone, sub.counties) == ("08:05", "Asia/Shanghai", [])
    await service.follow(3, "大宁县")
    await service.follow(3, "大宁县")
    await service.follow(3, "平陆县")
    assert await service.subscriptions() == [sub.model_copy(update={"counties": ["大宁县", "平陆县"]})]
    assert await service.mark_digest_sent(3, day)
    assert not await service.mark_digest_sent(3, day)
    assert await service.digest_sent(3, day) and not await service.digest_sent(3, day + timedelta(days=1))
    assert await service.unsubscribe(3) and await service.subscriptions() == []


async def test_llm_backend_built_from_settings_and_use_llm_false_forces_rules(db_url: str) -> None:
    settings = _settings(
        db_url, openai_base_url="http://127.0.0.1:9/v1", llm_deadline_s=3.0, llm_timeout_s=1.0
    )
    assert settings.llm_config().enabled
    service = await Service.create(settings)
    try:
        assert service.llm is not None
        assert isinstance(service.llm.cache, StoreDigestCache)
        assert isinstance(service.llm.call_log, StoreCallLog)
        out = await _submit(service, DANING_SEED, use_llm=False)
        assert out.status == "done" and out.digest.backend == "rules"
        assert await service.store.llm.calls() == []  # no LLM call was attempted
    finally:
        await service.close()
    plain = await Service.create(_settings(db_url))
    try:
        assert plain.llm is None
    finally:
        await plain.close()


async def test_unreachable_llm_falls_back_to_rules_and_is_logged(db_url: str) -> None:
    settings = _settings(
        db_url, openai_base_url="http://127.0.0.1:9/v1", llm_deadline_s=3.0, llm_timeout_s=1.0
    )
    service = await Service.create(settings)
    try:
        out = await _submit(service, PINGLU_SEED)
        assert out.status == "done" and out.digest.backend == "rules" and out.digest.warnings
        calls = await StoreCallLog(service.store).read()
        assert calls and all(c.outcome == "connection_error" for c in calls)
    finally:
        await service.close()


async def test_store_open_error_is_readable(tmp_path: Path) -> None:
    from bot.service import StoreOpenError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreOpenError, match="数据库"):
        await Service.create(Settings(db=f"sqlite:///{blocker / 'sub' / 'db.sqlite3'}"))
    with pytest.raises(StoreOpenError):
        await Service.create(Settings(db="nosuchdriver://x/y"))
    assert os.environ.get("COUNTYBOT_DB") is None


async def test_llm_digest_is_stored_cached_in_the_store_and_logged(db_url: str) -> None:
    from tests.fakes.openai_server import FakeOpenAI, grounded_answer, grounded_reply

    with FakeOpenAI() as server:
        server.default = grounded_reply
        settings = _settings(db_url, openai_base_url=server.base_url, model="test-model")
        service = await Service.create(settings)
        try:
            out = await _submit(service, DANING_SEED)
            assert out.status == "done" and out.digest.backend == "llm:test-model"
            assert len(server.requests) == 1
            # the figures table holds the model's labels, attributed to the county
            rows = await service.store.reports.target_rows("大宁县", "临汾市", "山西省", ["public"])
            # (the fake model labels each figure with the words of its own clause: labels are checked)
            labels = {f["label"] for f in grounded_answer(server.requests[0].json)["figures"]}
            assert rows and {r.label for r in rows} <= labels
            [rec] = await StoreCallLog(service.store).read()
            assert (rec.outcome, rec.model) == ("ok", "test-model")
        finally:
            await service.close()

        # a restarted bot, another chat, the same report: the store-backed cache answers, no new call
        service = await Service.create(settings)
        try:
            again = await _submit(service, DANING_SEED, scope=chat_scope(9))
            assert again.status == "done" and again.digest.backend == "llm:test-model"
            assert len(server.requests) == 1
        finally:
            await service.close()


async def test_report_digest_is_scope_checked_and_follows_duplicates(service: Service) -> None:
    mine = await _submit(service, DANING_SEED, scope=chat_scope(1))
    twin = await _submit(service, DANING_SEED, scope=chat_scope(1))
    public = await _submit(service, PINGLU_SEED)
    failed = await service.submit(scope=chat_scope(1), sender="t", data=b"\x00\x01", filename="x.pdf")
    assert (mine.status, twin.status, public.status, failed.status) == ("done", "duplicate", "done", "failed")

    own = await service.report_digest(mine.report_id, chat_scope(1))
    assert own is not None and "281亿元" in {f.surface for f in own.figures}
    assert await service.report_digest(mine.report_id, chat_scope(2)) is None  # another chat: never
    assert await service.report_digest(mine.report_id, [chat_scope(2), chat_scope(3)]) is None
    assert await service.report_digest(mine.report_id, [chat_scope(2), chat_scope(1)]) == own
    assert await service.report_digest(twin.report_id, chat_scope(1)) == own  # the first one's digest
    assert await service.report_digest(twin.report_id, chat_scope(2)) is None
    assert await service.report_digest(public.report_id, chat_scope(2)) is not None  # public: anyone
    assert await service.report_digest(failed.report_id, chat_scope(1)) is None
    assert await service.report_digest(99_999, chat_scope(1)) is None
    assert await service.latest_report(chat_scope(1)) == twin.report_id  # newest with a digest
    assert await service.latest_report(chat_scope(2)) is None


async def test_resume_pending_outcomes_carry_scope_and_sender(db_url: str) -> None:
    first = await Service.create(_settings(db_url))
    chat = await first.accept(scope=chat_scope(-100), sender="tg:7", data=DANING_SEED.read_bytes())
    public = await first.accept(scope="public", sender="cli", data=PINGLU_SEED.read_bytes())
    await first.close()

    restarted = await Service.create(_settings(db_url))
    try:
        resumed = await restarted.resume_pending_outcomes()
        by_id = {r.outcome.report_id: r for r in resumed}
        assert set(by_id) == {chat, public}
        assert (by_id[chat].scope, by_id[chat].sender, by_id[chat].outcome.status) == (
            "chat:-100",
            "tg:7",
            "done",
        )
        assert "281亿元" in {f.surface for f in by_id[chat].outcome.digest.figures}
        assert by_id[public].scope == "public"
        assert await restarted.resume_pending_outcomes() == []
    finally:
        await restarted.close()


async def test_accept_process_deliver_are_separate_steps(service: Service) -> None:
    rid = await service.accept(
        scope=chat_scope(5), sender="tg:1", data=DANING_SEED.read_bytes(), filename="d.txt"
    )
    assert (await service.store.reports.report(rid)).status == "pending"  # stored before any parsing
    assert await service.outcome_for_delivery(rid) is None  # nothing to deliver yet

    out = await service.process(rid)
    assert out.status == "done" and [c.name for c in out.digest.counties] == ["大宁县"]
    again = await service.process(rid)  # not pending any more: the stored outcome, no second digest
    assert again.status == "done" and again.digest == out.digest
    assert await service.store.reports.count_reports(status="done") == 1

    ready = await service.outcome_for_delivery(rid)
    assert ready is not None and ready.digest == out.digest
    assert (await service.store.reports.report(rid)).delivered_at is None
    assert await service.mark_delivered(rid)
    assert not await service.mark_delivered(rid)  # recorded once
    assert (await service.store.reports.report(rid)).delivered_at is not None


async def test_oversized_report_fails_at_accept(db_url: str) -> None:
    service = await Service.create(_settings(db_url, max_upload_mb=0.001))
    try:
        rid = await service.accept(scope="public", sender=None, data=b"x" * 5000)
        assert await service.store.reports.raw(rid) == b""  # recorded, the bytes not kept
        out = await service.process(rid)
        assert (out.status, out.error) == ("failed", TooLargeError.user_message)
    finally:
        await service.close()


async def test_seed_reports_duplicates_and_targets(service: Service) -> None:
    outs = [await _submit(service, p) for p in SEED_FILES]
    assert [o.status for o in outs] == ["done"] * len(SEED_FILES)
    daning = outs[0]
    assert await service.store.reports.raw(daning.report_id) == DANING_SEED.read_bytes()
    row = await service.store.reports.report(daning.report_id)
    assert row.status == "done" and row.published == date(2023, 12, 29) and len(row.sha256) == 64
    assert await service.digest_of(daning.report_id) == daning.digest

    again = await _submit(service, DANING_SEED)
    assert (again.status, again.duplicate_of) == ("duplicate", daning.report_id)
    assert again.digest == daning.digest
    assert await service.store.reports.raw(again.report_id) is None
    assert await service.store.reports.count_reports(status="done") == len(SEED_FILES)

    answer = await service.targets("大寧", ["public"])
    assert answer.status == "ok" and answer.county.name == "大宁县" and answer.reports == 1
    by_surface = {t.surface: t for t in answer.targets}
    assert {"74个", "281亿元", "45亿元"} <= set(by_surface)
    assert all(by_surface[s].report_date == date(2023, 12, 29) for s in ("74个", "281亿元", "45亿元"))
    assert "2024年" in (by_surface["74个"].period or "") and "重点项目" in (by_surface["74个"].label or "")

    pinglu = await service.targets("平陆", ["public"])
    assert pinglu.status == "ok" and pinglu.county.name == "平陆县"
    surfaces = {t.surface for t in pinglu.targets}
    assert {"407.09亿元", "110个", "50个", "200亿元以上", "60%以上", "10%以上"} <= surfaces
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
    assert await service.store.reports.count_reports(status="done", scope=chat_scope(4)) == 1


async def test_supergroup_ids_concurrent_settings_and_sent_digests(service: Service) -> None:
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


async def test_resume_pending_after_restart_and_by_two_processes_at_once(db_url: str) -> None:
    first = await Service.create(_settings(db_url))
    chat = await first.accept(scope=chat_scope(-100), sender="tg:7", data=DANING_SEED.read_bytes())
    public = await first.accept(scope="public", sender="cli", data=PINGLU_SEED.read_bytes(), filename="p.txt")
    await first.close()

    a = await Service.create(_settings(db_url))
    b = await Service.create(_settings(db_url))
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
    rid = await service.store.reports.insert_report(
        scope="public", sender="s" * 500, filename="f" * 900 + ".txt", raw=b"raw"
    )
    res = await service.store.reports.finish_report(
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
            FigureRow(
                position=0, county="大宁县", city="临汾市", province="山西省", label=long_label, value=1.0,
                unit="个", kind="target", period="2024年" * 50, quote="引文\x00", surface="1个" * 80,
            )
        ],
        counties=[CountyLink(county="大宁县", city="临汾市", province="山西省", position=0)],
    )  # fmt: skip
    assert res.status == "done"
    async with service.store.engine.connect() as conn:
        label, quote = (await conn.execute(select(FigureTable.label, FigureTable.quote))).one()
        title = (await conn.execute(select(Report.title).where(Report.id == rid))).scalar()
    assert long_label.startswith(label) and len(label) == FigureTable.__table__.c.label.type.length
    assert (quote, title) == ("引文", "标题")
    await service.follow(1, "县" * 300)  # a silly /follow argument is not a database error
