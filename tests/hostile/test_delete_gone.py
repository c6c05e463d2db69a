"""Deleted means gone (issue P): after /delete → 确认删除 nothing of a report is left — not its text,
stored message parts, queue entry, digest, figures, county links, LLM cache entry or call-log line, in
no table and not in the SQLite file's freed pages (secure_delete) or its WAL — and nothing more is sent
for it: not after the joiner's sweep, not after a restart, not when it was deleted mid-digest.

The real bot (countybot serve's builder) against the fake Bot API, the real openai client against the
fake OpenAI-compatible server, a real SQLite file."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.settings import get_settings
from bot.telegram.app import build_application, running
from tests import tgkit
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.telegram_server import FakeTelegram
from tests.hostile.deletion import REPORT, files_holding, labelling_reply, rows_holding, settle
from tests.tgkit import bot_env, sqlite_db

tg = tgkit.tg  # the fixture (tests/tgkit.py)

USER = 42
MARK = "关键数字"


@pytest.fixture
def llm():
    with FakeOpenAI() as server:
        server.default = labelling_reply
        yield server


@pytest.fixture
def env(monkeypatch, tmp_path, tg, llm):
    # queue_poll_s: the sweep that re-joined freed parts, often
    bot_env(
        monkeypatch, tg, sqlite_db(tmp_path), data_dir=tmp_path / "data", join_window_s=0.3, queue_poll_s=0.2
    )
    monkeypatch.setenv("OPENAI_BASE_URL", llm.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-delete")
    return tmp_path


def _digests(tg: FakeTelegram) -> list[str]:
    return [t for t in tg.texts(USER) if MARK in t]


async def _delete_latest(tg: FakeTelegram) -> None:
    before = len(tg.texts(USER))
    tg.send_text(USER, USER, "/delete")
    await settle(lambda: any("确定删除" in t for t in tg.texts(USER)[before:]))
    call = next(c for c in reversed(tg.calls_of("sendMessage", USER)) if "确定删除" in c.text)
    yes = call.json("reply_markup")["inline_keyboard"][0][0]["callback_data"]
    assert yes.startswith("rep:yes:")
    tg.press_button(USER, USER, yes)
    await settle(lambda: any("已删除" in t for t in tg.texts(USER)[before:]))


def _assert_gone(root) -> None:
    assert rows_holding(root / "bot.sqlite3") == {}
    assert files_holding(root) == []


async def test_every_sqlite_connection_zeroes_what_it_deletes(tmp_path):
    # Debian's SQLite is built with secure_delete on; python.org's and macOS's are not
    from bot.store.repo import Store

    store = await Store.open(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        async with store.engine.connect() as conn:
            assert (await conn.exec_driver_sql("PRAGMA secure_delete")).scalar() == 1
    finally:
        await store.close()


async def test_deleted_paste_is_gone_and_never_sent_again(env, tg, llm):
    root = env
    async with running(build_application(get_settings()), poll_timeout=1):
        tg.send_text(USER, USER, REPORT)
        await settle(lambda: _digests(tg), timeout=30)
        held = rows_holding(root / "bot.sqlite3")
        # every place the report lives before the deletion (so the scan below can see them)
        assert {"reports", "message_parts", "digests", "figures", "llm_cache", "llm_calls"} <= set(held)
        await _delete_latest(tg)
        # while the bot runs (its connections keep the WAL): not in the file, its WAL or freed pages
        assert files_holding(root) == []
        await asyncio.sleep(2.5)  # the joiner's sweep (window + grace) and a few queue rounds
    async with running(build_application(get_settings()), poll_timeout=1):
        await asyncio.sleep(1.5)  # a restart: nothing is owed
    assert len(_digests(tg)) == 1, tg.texts(USER)
    assert not any("重启后补发" in t for t in tg.texts(USER))
    _assert_gone(root)
    tg.send_text(USER, USER, "/search 青梧湾")
    async with running(build_application(get_settings()), poll_timeout=1):
        await settle(lambda: any("没有找到" in t for t in tg.texts(USER)))


async def test_report_deleted_mid_digest_is_not_sent(env, tg, llm):
    root = env
    release = threading.Event()

    def held_model(request):
        release.wait(30)  # the model is thinking while the user deletes the report
        return labelling_reply(request)

    llm.default = held_model
    try:
        async with running(build_application(get_settings()), poll_timeout=1):
            tg.send_text(USER, USER, REPORT)
            await settle(lambda: llm.requests, timeout=20)
            await _delete_latest(tg)
            release.set()
            await settle(lambda: llm.in_flight == 0)
            await asyncio.sleep(2.5)
            assert files_holding(root) == []  # what the finished LLM step wrote, forgotten
        async with running(build_application(get_settings()), poll_timeout=1):
            await asyncio.sleep(1.5)
    finally:
        release.set()
    assert _digests(tg) == [], tg.texts(USER)
    assert not any("⚠️" in t for t in tg.texts(USER)), tg.texts(USER)
    _assert_gone(root)
