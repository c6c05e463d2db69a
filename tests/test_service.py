"""bot.service.Service on real SQLite files with the real pipeline on the seed reports."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.service import Service, chat_scope
from bot.settings import Settings
from bot.store.llm import StoreCallLog, StoreDigestCache
from extract.errors import TooLargeError
from tests.conftest import SEED_FILES

DANING_SEED = SEED_FILES[0]  # 大宁县, 2023-12-29
PINGLU_SEED = SEED_FILES[2]  # 平陆县


def _settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(db=f"sqlite:///{tmp_path / 'svc.sqlite3'}", **kw)  # type: ignore[arg-type]


@pytest.fixture
async def service(tmp_path: Path):
    s = await Service.create(_settings(tmp_path))
    yield s
    await s.close()


async def _submit(service: Service, path: Path, scope: str = "public", **kw: object):
    return await service.submit(scope=scope, sender="test", data=path.read_bytes(), filename=path.name, **kw)


async def test_submit_stores_raw_then_digest_figures_and_counties(service: Service) -> None:
    out = await _submit(service, DANING_SEED)
    assert out.status == "done" and out.error is None and out.digest is not None
    assert [c.name for c in out.digest.counties] == ["大宁县"]
    assert "281亿元" in [f.surface for f in out.digest.figures]
    assert await service.store.raw(out.report_id) == DANING_SEED.read_bytes()  # the raw bytes, unchanged
    row = await service.store.report(out.report_id)
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
    assert await service.store.count_reports(status="done") == 1
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
    row = await service.store.report(out.report_id)
    assert row.status == "failed" and row.error == out.error


async def test_oversized_report_fails_without_keeping_the_bytes(tmp_path: Path) -> None:
    service = await Service.create(_settings(tmp_path, max_upload_mb=0.001))
    try:
        out = await service.submit(scope="public", sender=None, data=b"x" * 5000, filename="big.txt")
        assert out.status == "failed" and out.error == TooLargeError.user_message
        assert await service.store.raw(out.report_id) == b""
    finally:
        await service.close()


async def test_parsing_runs_off_the_event_loop(service: Service) -> None:
    # a report big enough that parsing takes a while: a ticker on the loop must keep running meanwhile
    data = b"\n\n".join(p.read_bytes() for p in SEED_FILES) * 4
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    t0 = time.perf_counter()
    out = await service.submit(scope="public", sender=None, data=data, filename="big.txt")
    elapsed = time.perf_counter() - t0
    done.set()
    await task
    assert out.status == "done"
    assert len(gaps) >= 5 and max(gaps) < max(elapsed / 2, 0.05), (elapsed, max(gaps))


async def test_pending_report_is_finished_after_restart(tmp_path: Path) -> None:
    # "crash": the raw report is stored, then the process stops before any processing
    first = await Service.create(_settings(tmp_path))
    rid = await first.store_raw(scope="public", sender="t", data=PINGLU_SEED.read_bytes(), filename="p.txt")
    await first.close()

    restarted = await Service.create(_settings(tmp_path))
    try:
        assert (await restarted.store.report(rid)).status == "pending"
        assert await restarted.resume_pending() == 1
        assert (await restarted.store.report(rid)).status == "done"
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
            await service.store_raw(scope="public", sender="child", data=data, filename="d.txt")
            os.kill(os.getpid(), signal.SIGKILL)  # dies before processing: no close, no cleanup

        asyncio.run(main())
        """
    )
    # cwd: the tmp folder, so no developer .env is read
    proc = subprocess.run([sys.executable, "-c", child], cwd=tmp_path, capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()

    service = await Service.create(Settings(db=str(db)))
    try:
        assert await service.store.count_reports(status="pending") == 1
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
    # the window is [since, until)
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


async def test_llm_backend_built_from_settings_and_use_llm_false_forces_rules(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path, openai_base_url="http://127.0.0.1:9/v1", llm_deadline_s=3.0, llm_timeout_s=1.0
    )
    assert settings.llm_config().enabled
    service = await Service.create(settings)
    try:
        assert service.llm is not None
        assert isinstance(service.llm.cache, StoreDigestCache)
        assert isinstance(service.llm.call_log, StoreCallLog)
        out = await _submit(service, DANING_SEED, use_llm=False)
        assert out.status == "done" and out.digest.backend == "rules"
        assert await service.store.calls() == []  # no LLM call was attempted
    finally:
        await service.close()
    plain = await Service.create(_settings(tmp_path))
    try:
        assert plain.llm is None
    finally:
        await plain.close()


async def test_unreachable_llm_falls_back_to_rules_and_is_logged(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path, openai_base_url="http://127.0.0.1:9/v1", llm_deadline_s=3.0, llm_timeout_s=1.0
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


async def test_llm_digest_is_stored_cached_in_the_store_and_logged(tmp_path: Path) -> None:
    from tests.fakes.openai_server import FakeOpenAI, grounded_answer, grounded_reply

    with FakeOpenAI() as server:
        server.default = grounded_reply
        settings = _settings(tmp_path, openai_base_url=server.base_url, model="test-model")
        service = await Service.create(settings)
        try:
            out = await _submit(service, DANING_SEED)
            assert out.status == "done" and out.digest.backend == "llm:test-model"
            assert len(server.requests) == 1
            # the figures table holds the model's labels, attributed to the county
            rows = await service.store.target_rows("大宁县", "临汾市", "山西省", ["public"])
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


async def test_resume_pending_outcomes_carry_scope_and_sender(tmp_path: Path) -> None:
    first = await Service.create(_settings(tmp_path))
    chat = await first.store_raw(scope=chat_scope(-100), sender="tg:7", data=DANING_SEED.read_bytes())
    public = await first.store_raw(scope="public", sender="cli", data=PINGLU_SEED.read_bytes())
    await first.close()

    restarted = await Service.create(_settings(tmp_path))
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
