"""`countybot status` through bot.cli.main: queue depth, the oldest pending report, paste parts waiting,
workers seen in the last minute and the next daily digests, on SQLite and PostgreSQL (db_url)."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.cli import main
from bot.service import Service
from bot.settings import Settings


async def test_status_shows_queue_workers_and_next_digests(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    live = await Service.create(Settings(db=db_url, worker_id="worker-a"))
    try:
        await live.accept(scope="chat:5", sender="tg:5", data="第一份报告".encode())
        await live.accept(scope="chat:6", sender="tg:6", data="第二份报告".encode())
        await live.add_part("(7, 7, None)", 7, "tg:7", 1, "一段粘贴")
        await live.subscribe(-100, "08:30", "Asia/Shanghai")
        await live.heartbeat()
        monkeypatch.setenv("COUNTYBOT_DB", db_url)
        # the CLI runs its own event loop: run it in a thread, beside this test's loop
        code = await asyncio.to_thread(main, ["status", "--json"])
        assert code == 0
        data = json.loads(capsys.readouterr().out)
        assert data["queue"]["depth"] == 2 and data["queue"]["pending"] == 2
        assert data["queue"]["oldest_pending"] and data["queue"]["parts_waiting"] == 1
        assert [w["id"] for w in data["workers"]] == ["worker-a"]
        [nxt] = data["next_digests"]
        assert nxt["chat_id"] == -100 and "T08:30:00+08:00" in nxt["at"]

        assert await asyncio.to_thread(main, ["status"]) == 0
        text = capsys.readouterr().out
        assert "队列：2 份报告待处理" in text and "worker-a" in text and "群 -100：" in text
        assert "数据库：" in text and "CST" in text  # the store in use; times in the configured zone
    finally:
        await live.close()
