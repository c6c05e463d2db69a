"""Issue 10 through the real bot (PTB Application of `countybot serve`, real Service on SQLite, fake Bot
API and fake OpenAI server): a traditional-script chat reads the model notices in its script, never the
invented numbers; a key-echoing 401 never reaches the Telegram message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import get_settings
from bot.telegram.app import build_application, running
from tests import tgkit
from tests.fakes.openai_server import FakeOpenAI, openai_401
from tests.fakes.telegram_server import FakeTelegram
from tests.hostile.conftest import REPORT, answering
from tests.hostile.test_llm_warnings import INVENTED, _lie
from tests.tgkit import bot_env, sqlite_db

tg = tgkit.tg  # the fixture (tests/tgkit.py)

USER = 77
KEY = "sk-" + "Hn5Vb8Kc" * 6


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tg: FakeTelegram, server: FakeOpenAI) -> None:
    bot_env(monkeypatch, tg, sqlite_db(tmp_path), join_window_s=0.3, model="test-model")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)


async def test_traditional_chat_reads_counts_not_invented_numbers(
    env: None, tg: FakeTelegram, server: FakeOpenAI
) -> None:
    server.default = answering(_lie)
    async with running(build_application(get_settings()), poll_timeout=1):
        tg.send_text(USER, USER, "/script 繁")
        await tg.wait_text(USER, "繁體中文")
        tg.send_text(USER, USER, REPORT)
        digest = await tg.wait_text(USER, "關鍵數字", timeout=30)
    assert "⚠️ AI 給出的 4 處數字在原文中找不到，已刪除" in digest
    for n in INVENTED:
        assert n not in "".join(tg.texts(USER)), n


async def test_key_echoing_401_never_reaches_the_chat(
    env: None, tg: FakeTelegram, server: FakeOpenAI
) -> None:
    server.default = openai_401(KEY)
    async with running(build_application(get_settings()), poll_timeout=1):
        tg.send_text(USER, USER, REPORT)
        digest = await tg.wait_text(USER, "关键数字", timeout=30)
    assert "AI 服务拒绝了密钥，已改用规则摘要" in digest and "规则摘要" in digest
    everything = "".join(tg.texts(USER))
    assert KEY[:12] not in everything and "Incorrect API key" not in everything
