"""Many workers, one PostgreSQL: three real `countybot serve --webhook` subprocesses (tests/fakes/workers.py)
on a throwaway PostgreSQL database, fed webhook updates round-robin, answering through the loopback fake
Bot API. Nothing a user sends is lost or answered twice when a worker is killed with SIGKILL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.service import Service
from bot.settings import Settings
from bot.telegram.joiner import join_parts
from tests import tgkit
from tests.fakes.openai_server import FakeOpenAI, Reply, grounded_reply
from tests.fakes.workers import Workers, split_in
from tests.tgkit import DIGEST_MARK, SEED0, SEED2, digests

pytest.importorskip("asyncpg", reason="asyncpg (the PostgreSQL driver, dev extra) is not installed")

tg = tgkit.tg  # the fixture (tests/tgkit.py)


async def _open(db_url: str) -> Service:
    return await Service.create(Settings(db=db_url))


async def _settle(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def test_paste_in_three_parts_to_three_workers_is_one_report(tg, pg_url, tmp_path):
    chat = 42
    parts = split_in(SEED0, 3)
    with Workers(tg, pg_url, tmp_path) as w:
        for name, part in zip("ABC", parts, strict=True):
            w.send_text(name, chat, chat, part)
            await asyncio.sleep(0.15)
        digest = await tg.wait_text(chat, DIGEST_MARK, timeout=60)
        await _settle(2.5)  # longer than the join window and a queue round: nothing else comes
        assert "大宁县" in digest and "281亿元" in digest
        assert len(digests(tg, chat)) == 1
        assert len([t for t in tg.texts(chat) if "已收到" in t]) == 1
    svc = await _open(pg_url)
    try:
        assert await svc.store.reports.count_reports(scope=f"chat:{chat}") == 1
        [rid] = [r for r in range(1, 5) if await svc.store.reports.report(r)]
        raw = (await svc.store.reports.raw(rid)).decode("utf-8")
        assert raw == join_parts(parts)  # all three parts, in message order
        assert (await svc.store.reports.report(rid)).delivered_at is not None
        assert (await svc.queue_status()).open_parts == 0
    finally:
        await svc.close()


async def test_worker_killed_mid_report_another_finishes_it_once(tg, pg_url, tmp_path):
    chat = 43
    with FakeOpenAI() as llm:
        slow = 4.0

        def answer(request):
            reply = grounded_reply(request)
            return Reply(content=reply.content, delay=slow)

        llm.default = answer
        # a lease far longer than the wait below: the takeover comes from PostgreSQL ending the killed
        # worker's sessions (bot/store/queue.py), not from the lease running out
        env = {"OPENAI_BASE_URL": llm.base_url, "OPENAI_API_KEY": "sk-test", "COUNTYBOT_LEASE_S": "300"}
        with Workers(tg, pg_url, tmp_path, env=env) as w:
            w.send_text("A", chat, chat, SEED0)
            for _ in range(200):  # A has the report and is waiting on the model
                if llm.requests:
                    break
                await asyncio.sleep(0.05)
            assert llm.requests, "worker A never asked the model"
            w.kill("A")
            digest = await tg.wait_text(chat, DIGEST_MARK, timeout=45)
            await _settle(4)
            assert "281亿元" in digest
            assert len(digests(tg, chat)) == 1  # delivered once
            finisher = [n for n in "BC" if "finished queued report" in w.workers[n].output()]
            assert len(finisher) == 1, finisher
    svc = await _open(pg_url)
    try:
        [pending] = [await svc.store.reports.report(1)]
        assert pending.status == "done" and pending.delivered_at is not None
        assert await svc.store.reports.count_reports() == 1
    finally:
        await svc.close()


async def test_worker_killed_inside_the_join_window_loses_nothing(tg, pg_url, tmp_path):
    chat = 44
    first, second = split_in(SEED0, 2)
    with Workers(tg, pg_url, tmp_path) as w:
        svc = await _open(pg_url)
        try:
            w.send_text("A", chat, chat, first)
            await asyncio.sleep(0.15)  # as a client sends them: one after the other
            w.send_text("A", chat, chat, second)
            sent = asyncio.get_running_loop().time()
            for _ in range(100):  # both parts stored by A's handlers
                if (await svc.queue_status()).open_parts == 2:
                    break
                await asyncio.sleep(0.01)
            w.kill("A")
            # inside the 1 s window: the parts are only in the database, no report made yet
            assert asyncio.get_running_loop().time() - sent < 1.0
            assert await svc.store.reports.count_reports() == 0
        finally:
            await svc.close()
        digest = await tg.wait_text(chat, DIGEST_MARK, timeout=60)
        await _settle(3)
        assert "大宁县" in digest and len(digests(tg, chat)) == 1
    svc = await _open(pg_url)
    try:
        assert await svc.store.reports.count_reports(scope=f"chat:{chat}") == 1
        raw = (await svc.store.reports.raw(1)).decode("utf-8")
        assert raw == join_parts([first, second])
    finally:
        await svc.close()


def _next_minute(now: datetime, at_least_s: float = 8.0) -> datetime:
    nxt = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    return nxt if (nxt - now).total_seconds() >= at_least_s else nxt + timedelta(minutes=1)


async def _wait_until(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))


async def test_subscribe_on_one_worker_fires_on_another_and_once_a_day(tg, pg_url, tmp_path):
    chat_b, chat_c, admin = -1001, -1002, 7
    for g in (chat_b, chat_c):
        tg.set_member(g, admin, "creator")
    with Workers(tg, pg_url, tmp_path) as w:
        # one minute for both chats (the test waits for a minute boundary once, not twice): both subscribed
        # on A, which is killed before the minute, so only B or C can send each day's digest, once
        at = _next_minute(datetime.now(UTC), at_least_s=40)
        w.send_text("A", chat_b, admin, f"/subscribe {at:%H:%M}")
        await tg.wait_text(chat_b, "已订阅", timeout=20)
        w.send_text("A", chat_c, admin, f"/subscribe {at:%H:%M}")
        await tg.wait_text(chat_c, "已订阅", timeout=20)
        w.send_text("B", chat_b, admin, SEED0)
        await tg.wait_text(chat_b, DIGEST_MARK, timeout=60)
        w.send_text("C", chat_c, admin, SEED2)
        await tg.wait_text(chat_c, DIGEST_MARK, timeout=60)
        assert datetime.now(UTC) < at, "the setup outlasted the minute it was given"
        w.kill("A")
        await _wait_until(at + timedelta(seconds=1))
        await tg.wait_text(chat_b, "今日摘要", timeout=20)
        daily = await tg.wait_text(chat_c, "今日摘要", timeout=20)
        assert "平陆县" in daily
        await _settle(3)  # several more ticks on every live worker
        for chat in (chat_b, chat_c):
            senders = [n for n in "BC" if f"daily digest sent to chat {chat}" in w.workers[n].output()]
            assert len(senders) == 1, (chat, senders)
    for g in (chat_b, chat_c):
        assert sum("今日摘要" in t for t in tg.texts(g)) == 1, g
    svc = await _open(pg_url)
    try:
        day = datetime.now(UTC).date()
        assert await svc.digest_sent(chat_b, day) and await svc.digest_sent(chat_c, day)
    finally:
        await svc.close()
