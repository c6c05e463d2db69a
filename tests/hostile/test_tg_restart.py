"""Restart after kill -9: a `countybot serve` subprocess killed while a report is being digested (a slow
model) finishes it at the next start and sends it to the chat; nothing is lost, nothing sent twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from tests.conftest import ROOT
from tests.fakes.openai_server import FakeOpenAI, Reply, grounded_reply
from tests.fakes.telegram_server import FakeTelegram
from tests.tgkit import DIGEST_MARK, SEED0, USER, assert_user_safe


def _serve(tmp_path, tg: FakeTelegram, llm: FakeOpenAI) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "TELEGRAM_", "OPENAI_"))}
    env.update(
        COUNTYBOT_DB=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        COUNTYBOT_JOIN_WINDOW_S="0.3",
        COUNTYBOT_LLM_TIMEOUT_S="30",
        COUNTYBOT_LLM_DEADLINE_S="60",
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_URL=tg.url,
        OPENAI_BASE_URL=llm.base_url,
        OPENAI_API_KEY="sk-test-restart",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_report_killed_mid_digest_is_finished_and_sent_after_restart(tmp_path):
    with FakeTelegram() as tg, FakeOpenAI() as llm:
        llm.default = Reply(content="{}", delay=30)  # the model is thinking when the bot is killed
        proc = _serve(tmp_path, tg, llm)
        try:
            _wait(lambda: tg.calls_of("getUpdates"))
            tg.send_text(USER, USER, SEED0)
            _wait(lambda: llm.requests)  # stored, and mid-digest
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=20)
        with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
            assert db.execute("select status from reports").fetchall() == [("pending",)]
        assert not [t for t in tg.texts(USER) if DIGEST_MARK in t]
        llm.default = grounded_reply
        proc = _serve(tmp_path, tg, llm)
        try:
            _wait(lambda: any(DIGEST_MARK in t for t in tg.texts(USER)))
            time.sleep(0.5)
        finally:
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
    digests = [t for t in tg.texts(USER) if DIGEST_MARK in t]
    assert len(digests) == 1 and "大宁县" in digests[0] and "重启后补发" in digests[0]
    assert tg.token not in err and "sk-test-restart" not in err
    assert_user_safe(tg, USER)
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute("select status, delivered_at is not null from reports").fetchall() == [("done", 1)]
