"""Deleted means gone with three `countybot serve --webhook` workers on one PostgreSQL (issue P): a report
deleted (through a third worker) while another worker digests it is never stored or sent, and a pasted
report whose parts went to two workers, deleted once answered, is not joined and sent again; afterwards
no row of any table holds a phrase of either."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from sqlalchemy import inspect, text

from bot.store.repo import Store
from tests import tgkit
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.workers import Workers, split_in
from tests.hostile.deletion import PHRASE, REPORT, labelling_reply, settle

tg = tgkit.tg  # the fixture (tests/tgkit.py)

pytest.importorskip("asyncpg", reason="asyncpg (the PostgreSQL driver, dev extra) is not installed")

CHAT = 42
MARK = "关键数字"
SECOND = REPORT.replace("黎川县", "南丰县").replace("18.6亿元", "21.4亿元")  # another report, same phrase


def _press(w: Workers, worker: str, data: str) -> None:
    w.post(
        worker,
        "callback_query",
        {
            "id": f"Q{time.monotonic_ns()}",
            "from": w.tg.user(CHAT),
            "chat_instance": str(CHAT),
            "message": {"message_id": 1, "date": int(time.time()), "chat": w.tg.chat(CHAT), "text": "…"},
            "data": data,
        },
    )


async def _delete_latest(w: Workers, tg: FakeTelegram) -> None:
    before = len(tg.texts(CHAT))
    w.send_text("C", CHAT, CHAT, "/delete")
    await settle(lambda: any("确定删除" in t for t in tg.texts(CHAT)[before:]), timeout=30)
    call = next(c for c in reversed(tg.calls_of("sendMessage", CHAT)) if "确定删除" in c.text)
    yes = call.json("reply_markup")["inline_keyboard"][0][0]["callback_data"]
    _press(w, "B", yes)
    await settle(lambda: any("已删除" in t for t in tg.texts(CHAT)[before:]), timeout=30)


async def _rows_holding(url: str, phrase: str) -> dict[str, int]:
    store = await Store.open(url)
    found: dict[str, int] = {}
    try:
        async with store.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            for table in tables:
                for row in (await conn.execute(text(f'SELECT * FROM "{table}"'))).all():
                    values = [v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in row]
                    if any(isinstance(v, str) and phrase in v for v in values):
                        found[table] = found.get(table, 0) + 1
    finally:
        await store.close()
    return found


async def test_deleted_reports_stay_gone_across_three_workers(tg, pg_url, tmp_path):
    release = threading.Event()

    def model(request):
        if "南丰县" not in str(request):
            release.wait(60)  # the first report: the model thinks while it is deleted
        return labelling_reply(request)

    with FakeOpenAI() as llm:
        llm.default = model
        env = {"OPENAI_BASE_URL": llm.base_url, "OPENAI_API_KEY": "sk-test-workers"}
        try:
            with Workers(tg, pg_url, tmp_path, env=env) as w:
                # 1. deleted mid-digest: A digests, C asks, B confirms
                w.send_text("A", CHAT, CHAT, REPORT)
                await settle(lambda: llm.requests, timeout=30)
                await _delete_latest(w, tg)
                release.set()
                await settle(lambda: llm.in_flight == 0, timeout=30)
                await asyncio.sleep(3)
                assert not [t for t in tg.texts(CHAT) if MARK in t], tg.texts(CHAT)

                # 2. a paste in two parts to A and B, answered, then deleted: not joined and sent again
                first, second = split_in(SECOND, 2)
                w.send_text("A", CHAT, CHAT, first)
                w.send_text("B", CHAT, CHAT, second)
                await tg.wait_text(CHAT, MARK, timeout=60)
                held = await _rows_holding(pg_url, PHRASE)
                assert {
                    "reports",
                    "message_parts",
                    "digests",
                    "figures",
                    "llm_cache",
                    "llm_calls",
                } <= held.keys()
                await _delete_latest(w, tg)
                await asyncio.sleep(4)  # window + grace + queue rounds on every worker
                outputs = "".join(x.output() for x in w.workers.values())
        finally:
            release.set()
    digests = [t for t in tg.texts(CHAT) if MARK in t]
    assert len(digests) == 1 and "南丰县" in digests[0], tg.texts(CHAT)
    assert not any("重启后补发" in t or "⚠️" in t for t in tg.texts(CHAT))
    assert await _rows_holding(pg_url, PHRASE) == {}
    assert "Traceback" not in outputs, outputs[-3000:]
