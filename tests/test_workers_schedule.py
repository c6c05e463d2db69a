"""Daily digests: claim the day, send, then mark delivered. A failed send (Telegram answering 500) is
retried within the day by the shared schedule tick; when the tries run out the admin chat is told, once.
The real PTB Application against the loopback fake Bot API, on SQLite and PostgreSQL (db_url)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.service import chat_scope
from bot.settings import get_settings
from bot.telegram import schedule
from bot.telegram.app import build_application, running
from tests import tgkit
from tests.conftest import SEEDS
from tests.fakes.telegram_server import FakeTelegram
from tests.tgkit import bot_env

tg = tgkit.tg  # the fixture (tests/tgkit.py)

SEED0 = (SEEDS / "000_e5000fd4f8434fdf.txt").read_text(encoding="utf-8")
ADMIN = 7


@pytest.fixture
def env(monkeypatch, tg, db_url):
    bot_env(
        monkeypatch, tg, db_url, timezone="UTC", admin_chat=ADMIN, digest_retry_s=0.2, digest_attempts=2,
        schedule_tick_s=3600,  # the test runs the tick itself
    )  # fmt: skip
    return monkeypatch


def daily(tg: FakeTelegram, chat: int) -> list[str]:
    return [
        c.text for c in tg.calls_of("sendMessage", chat) if "今日摘要" in c.text and c.params.get("_accepted")
    ]


async def test_failed_daily_digest_is_retried_then_lost_and_reported_once(env, tg):
    retried, lost = -2001, -2002
    app = build_application(get_settings())
    async with running(app):
        svc = app.bot_data["state"].svc
        an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%H:%M")
        for chat in (retried, lost):
            await svc.subscribe(chat, an_hour_ago, "UTC")
            await svc.submit(scope=chat_scope(chat), sender="t", data=SEED0.encode(), use_llm=False)
        day = datetime.now(UTC).date()
        # the subscription is younger than today's time: the tick alone would wait for tomorrow
        assert await schedule.tick(app) == 0 and await svc.digest_state(retried, day) is None

        tg.fail_next("sendMessage", 500, "Internal Server Error")
        assert not await schedule.send_daily_digest(app, retried)
        assert await svc.digest_state(retried, day) == "claimed" and daily(tg, retried) == []
        assert await schedule.tick(app) == 0  # the retry waits for its delay
        await asyncio.sleep(0.3)
        assert await schedule.tick(app) == 1
        assert len(daily(tg, retried)) == 1 and "大宁县" in daily(tg, retried)[0]
        assert await svc.digest_state(retried, day) == "delivered"

        for _ in range(2):
            tg.fail_next("sendMessage", 500, "Internal Server Error")
        assert not await schedule.send_daily_digest(app, lost)
        await asyncio.sleep(0.3)
        assert await schedule.tick(app) == 0  # the second try fails too
        await asyncio.sleep(0.3)
        for _ in range(3):
            assert await schedule.tick(app) == 0
        assert await svc.digest_state(lost, day) == "lost" and daily(tg, lost) == []
        notes = [t for t in tg.texts(ADMIN) if "每日摘要发送失败" in t]
        assert len(notes) == 1 and str(lost) in notes[0] and "2 次" in notes[0]
        assert len(daily(tg, retried)) == 1  # nothing sent twice
