"""Bounded attempts (issue P): a report whose processing kills the bot every time is tried a few times,
then marked failed, its sender told once — never picked up again at every restart. A report whose
parsing outlasts COUNTYBOT_PARSE_TIMEOUT_S fails with a message instead of holding its chat.

`countybot serve` subprocesses against the fake Bot API and the fake OpenAI-compatible server."""

from __future__ import annotations

import signal
import sqlite3
import time

from bot.store.queue import PROCESS_ATTEMPTS
from tests import tgkit
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.hostile.bombs import Served, markup_bomb
from tests.tgkit import DIGEST_MARK, SEED0, SEED2, USER, assert_user_safe

tg = tgkit.tg  # the fixture (tests/tgkit.py)

GAVE_UP = "已停止处理"


def _wait(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _rows(tmp_path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        return db.execute("select status, attempts, delivered_at is not null from reports").fetchall()


def test_a_report_that_kills_every_run_is_given_up_and_its_sender_told_once(tmp_path, tg):
    with FakeOpenAI() as llm:
        llm.default = Reply(content="{}", delay=60)  # every run dies while the model thinks
        env = {
            "OPENAI_BASE_URL": llm.base_url,
            "OPENAI_API_KEY": "sk-test-attempts",
            "COUNTYBOT_LEASE_S": "2",
        }
        with Served(tmp_path, tg, **env) as bot:
            tg.send_text(USER, USER, SEED0)
            _wait(lambda: len(llm.requests) >= 1)
            bot.proc.send_signal(signal.SIGKILL)
        for run in range(2, PROCESS_ATTEMPTS + 1):  # each restart tries again, and dies again
            with Served(tmp_path, tg, **env) as bot:
                _wait(lambda run=run: len(llm.requests) >= run)
                bot.proc.send_signal(signal.SIGKILL)
        assert _rows(tmp_path) == [("pending", PROCESS_ATTEMPTS, 0)]
        asked = len(llm.requests)
        with Served(tmp_path, tg, **env):  # the next start gives up: failed, the sender told
            _wait(lambda: any(GAVE_UP in t for t in tg.texts(USER)))
            time.sleep(1.0)
        with Served(tmp_path, tg, **env):  # and the one after does nothing with it
            time.sleep(2.0)
        assert len(llm.requests) == asked  # not digested again
    told = [t for t in tg.texts(USER) if GAVE_UP in t]
    assert len(told) == 1 and not any(DIGEST_MARK in t for t in tg.texts(USER))
    assert [(s, d) for s, _, d in _rows(tmp_path)] == [("failed", 1)]
    assert_user_safe(tg, USER)


def test_a_parse_that_outlasts_its_time_fails_with_a_message(tmp_path, tg):
    with Served(tmp_path, tg, COUNTYBOT_PARSE_TIMEOUT_S="1") as bot:
        tg.send_document(USER, USER, "page.html", markup_bomb(SEED2, elements=1_500_000))
        _wait(lambda: any("⚠️" in t for t in tg.texts(USER)), 60)
        tg.send_text(USER, USER, SEED0)  # the chat is not held by the parse still running
        _wait(lambda: any(DIGEST_MARK in t for t in tg.texts(USER)), 60)
        assert bot.proc.poll() is None
    [refusal] = [t for t in tg.texts(USER) if "⚠️" in t]
    assert "超时" in refusal
    assert [s for s, _, _ in _rows(tmp_path)] == ["failed", "done"]


def test_the_cli_gives_up_a_report_that_crashed_its_runs_and_resumes_the_others(
    tmp_path, monkeypatch, capsys
):
    import asyncio
    from datetime import UTC, datetime, timedelta

    from bot.cli import main
    from bot.store.repo import Store

    db = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("COUNTYBOT_DB", f"sqlite:///{db}")

    async def left_pending() -> None:
        store = await Store.open(f"sqlite:///{db}")
        try:
            for name, text in (("crashed.txt", SEED2), ("interrupted.txt", SEED0)):
                await store.reports.insert_report(
                    scope="public",
                    sender="cli",
                    filename=name,
                    raw=text.encode(),
                    worker="old-run",
                    lease_s=1,
                )
        finally:
            await store.close()

    asyncio.run(left_pending())
    with sqlite3.connect(db) as con:  # earlier runs died on them: one three times, one once
        long_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f")  # as stored
        con.execute("update reports set claimed_at = ?", (long_ago,))
        con.execute("update reports set attempts = ? where filename = 'crashed.txt'", (PROCESS_ATTEMPTS,))
    other = tmp_path / "new.txt"
    other.write_text(SEED2.replace("平陆", "芮城"), encoding="utf-8")
    assert main(["ingest", "--offline", str(other)]) == 0
    capsys.readouterr()
    with sqlite3.connect(db) as con:
        rows = dict(con.execute("select filename, status from reports").fetchall())
        error = con.execute("select error from reports where filename = 'crashed.txt'").fetchone()[0]
    assert rows == {"crashed.txt": "failed", "interrupted.txt": "done", "new.txt": "done"}, rows
    assert "已停止处理" in error
