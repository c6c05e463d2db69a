"""Sources in the bot (issue O): /watch and /unwatch, a new document on a followed county's site reaching
the group's next daily digest, a dead source paused and reported to the admin chat. The real PTB
Application and its worker (queue runner) against the fake Bot API, the simulated county web on
loopback virtual hosts, SQLite and PostgreSQL (db_url)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.settings import get_settings
from bot.telegram import schedule
from bot.telegram.app import build_application, running
from bot.telegram.sources import crawl_round
from tests import tgkit
from tests.fakes.county_web import CountyWeb
from tests.fakes.telegram_server import FakeTelegram
from tests.test_sources import make_due
from tests.tgkit import bot_env

tg = tgkit.tg  # the fixture (tests/tgkit.py)

GROUP, ADMIN_USER, MEMBER, ADMIN_CHAT = -100777, 7, 8, 99


@pytest.fixture
def web(fake_dns):  # type: ignore[no-untyped-def]
    with CountyWeb() as w:
        for host in ("www.linze.gov.cn", "www.pinglu.gov.cn"):
            fake_dns(host, "127.0.0.1")
        yield w


@pytest.fixture
def env(monkeypatch, tg, db_url):
    bot_env(
        monkeypatch, tg, db_url,
        timezone="UTC", admin_chat=ADMIN_CHAT, fetch_allow="127.0.0.0/8",
        crawl_interval_s=0.02, crawl_retry_s=0.01, crawl_pause_after=2,
        crawl_tick_s=3600,  # the test runs the crawl round itself
        schedule_tick_s=3600, queue_poll_s=0.2,
    )  # fmt: skip
    return monkeypatch


async def settled(app, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    """Every queued report digested by the app's worker."""
    svc = app.bot_data["state"].svc
    deadline = asyncio.get_running_loop().time() + timeout
    while (await svc.queue_status()).pending:
        assert asyncio.get_running_loop().time() < deadline, "the queue did not drain"
        await asyncio.sleep(0.1)


def daily(tg: FakeTelegram, chat: int) -> list[str]:
    return [c.text for c in tg.calls_of("sendMessage", chat) if "今日摘要" in c.text]


async def test_a_new_document_on_a_watched_site_reaches_the_groups_next_daily_digest(env, tg, web):
    site = web.add_site("www.linze.gov.cn", "临泽县", docs=4, encoding="gbk")
    tg.set_member(GROUP, ADMIN_USER, "administrator")
    async with running(build_application(get_settings()), poll_timeout=1) as app:
        tg.send_text(GROUP, MEMBER, f"/watch {web.list_url(site)}")
        await tg.wait_text(GROUP, "只有群管理员")
        tg.send_text(GROUP, ADMIN_USER, "/watch http://www.example.com/list/")
        await tg.wait_text(GROUP, "只能跟踪政府网站")
        tg.send_text(GROUP, ADMIN_USER, f"/watch {web.list_url(site)}")
        answer = await tg.wait_text(GROUP, "已开始自动跟踪")
        assert "临泽县" in answer and "来自网页" in answer and "4 个文件链接" in answer
        svc = app.bot_data["state"].svc
        assert await svc.followed(GROUP) == ["临泽县"]
        an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%H:%M")
        await svc.subscribe(GROUP, an_hour_ago, "UTC")

        assert await crawl_round(app) == 4
        await settled(app)
        web.advance_day()
        new = web.publish(site)
        await make_due(svc)
        assert await crawl_round(app) == 1
        await settled(app)
        assert await schedule.send_daily_digest(app, GROUP)
        [text] = daily(tg, GROUP)
        assert new.title in text and "临泽县" in text
        # and /targets sees the public report's targets
        tg.send_text(GROUP, ADMIN_USER, "/targets 临泽")
        assert "地区生产总值" in await tg.wait_text(GROUP, "🎯")

        tg.send_text(GROUP, ADMIN_USER, "/watch")
        assert "已收录 5 篇" in await tg.wait_text(GROUP, "正在自动跟踪")
        tg.send_text(GROUP, ADMIN_USER, f"/unwatch {web.list_url(site)}")
        await tg.wait_text(GROUP, "已停止跟踪")
        assert await svc.store.sources.all() == []


async def test_a_dead_source_is_paused_and_the_admin_chat_told_once(env, tg, web):
    dead = web.add_site("www.pinglu.gov.cn", "平陆县", docs=2)
    async with running(build_application(get_settings()), poll_timeout=1) as app:
        svc = app.bot_data["state"].svc
        await svc.store.sources.add(web.list_url(dead), every_s=3600)
        dead.dead = True
        for _ in range(4):
            await crawl_round(app)
            await asyncio.sleep(0.05)
        notes = [t for t in tg.texts(ADMIN_CHAT) if "来源已暂停" in t]
        assert len(notes) == 1 and web.list_url(dead) in notes[0] and "2 次" in notes[0]
        assert "Traceback" not in notes[0]


async def test_every_worker_checks_due_sources_on_its_own(env, tg, web):
    site = web.add_site("www.linze.gov.cn", "临泽县", docs=3)
    env.setenv("COUNTYBOT_CRAWL_TICK_S", "0.2")
    async with running(build_application(get_settings()), poll_timeout=1) as app:
        svc = app.bot_data["state"].svc
        await svc.store.sources.add(web.list_url(site), every_s=3600)
        deadline = asyncio.get_running_loop().time() + 60
        while (await svc.store.sources.all())[0].documents < 3 or (await svc.queue_status()).pending:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.1)
        assert (await svc.store.sources.status()).documents == 3
        assert len(web.hits(site.host, "/zwgk/zfxxgk/")) == 1  # checked once: next one in an hour
