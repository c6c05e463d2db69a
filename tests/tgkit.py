"""Shared pieces of the Telegram tests: the real PTB Application from `countybot serve`'s builder,
the real Service on an SQLite file and the loopback fake Bot API (tests/fakes/telegram_server.py).

The fixtures `tg` (the fake Bot API) and `env` (the bot pointed at it, an SQLite store, a short join
window) are the only ones: a test module takes them with `from tests.tgkit import env, tg`. A module
whose bot needs more (another store, a model, shorter ticks) writes its own `env` on `bot_env`.
"""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.settings import get_settings
from bot.telegram.app import build_application, running
from tests.conftest import SEEDS
from tests.fakes.telegram_server import FakeTelegram

WINDOW = 0.3
SEED0 = (SEEDS / "000_e5000fd4f8434fdf.txt").read_text(encoding="utf-8")  # 大宁县
SEED2 = (SEEDS / "002_583cfe85666f49d1.txt").read_text(encoding="utf-8")  # 平陆县
DIGEST_MARK = "关键数字"
USER = 42
_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def tg():
    with FakeTelegram() as server:
        yield server


def bot_env(monkeypatch: pytest.MonkeyPatch, tg: FakeTelegram, db: str, **settings: object) -> None:
    """The bot's environment against the fake Bot API: its token and URL, the store `db`, and each
    setting as its COUNTYBOT_ variable (`queue_poll_s=0.2` → COUNTYBOT_QUEUE_POLL_S=0.2)."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", tg.token)
    monkeypatch.setenv("TELEGRAM_API_URL", tg.url)
    monkeypatch.setenv("COUNTYBOT_DB", db)
    for name, value in settings.items():
        monkeypatch.setenv(f"COUNTYBOT_{name.upper()}", str(value))


def sqlite_db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.sqlite3'}"


@pytest.fixture
def env(monkeypatch, tmp_path, tg):
    bot_env(monkeypatch, tg, sqlite_db(tmp_path), join_window_s=WINDOW)
    return monkeypatch


@asynccontextmanager
async def bot():
    async with running(build_application(get_settings()), poll_timeout=1) as app:
        yield app


def digests(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [t for t in tg.texts(chat_id) if DIGEST_MARK in t]


def assert_user_safe(tg: FakeTelegram, chat_id: int) -> None:
    """Everything the chat saw: Chinese, no traceback, no token, no upstream error text."""
    texts = tg.texts(chat_id)
    assert texts, "the user was told something"
    for text in texts:
        assert _CJK.search(text), text
        secret = tg.token.split(":")[1]
        for bad in ("Traceback", 'File "', tg.token, secret, "Internal Server Error", "Error:"):
            assert bad not in text, (bad, text)
