"""`countybot status`: the shared queue (depth, oldest pending report, parts waiting to be joined), the
workers seen in the last minute (their heartbeats) and the next daily digests — for one worker or many."""

from __future__ import annotations

import argparse

from bot.commands import open_service


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the status as JSON")
    parser.add_argument("-n", type=int, default=10, metavar="N", help="how many next digests to list (10)")


def run(args: argparse.Namespace) -> int:
    import asyncio  # here, not at the top: the CLI imports every command module to build its parser

    return asyncio.run(_status(args.n, as_json=args.json))


async def _status(n: int, *, as_json: bool) -> int:
    import json
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.commands import store_label
    from bot.settings import get_settings
    from bot.store.base import utcnow
    from bot.telegram.schedule import last_due

    settings = get_settings()
    service = await open_service("status", settings)
    if service is None:
        return 2
    try:
        queue = await service.queue_status()
        workers = await service.workers_seen(60.0)
        now = datetime.now(UTC)
        upcoming = []
        for sub in await service.subscriptions():
            due = last_due(sub, now) + timedelta(days=1)  # the next moment after now
            upcoming.append((due.astimezone(UTC), sub.chat_id, due.astimezone(ZoneInfo(sub.timezone))))
        upcoming.sort()
        sources = await service.store.sources.status()  # issue O
        troubled = await service.store.sources.troubled(n)
    finally:
        await service.close()
    oldest = queue.oldest_pending
    age = (utcnow() - oldest).total_seconds() if oldest else None
    data = {
        "store": store_label(settings),
        "queue": {
            "depth": queue.depth,
            "pending": queue.pending,
            "undelivered": queue.undelivered,
            "oldest_pending": oldest.isoformat() + "Z" if oldest else None,
            "oldest_pending_age_s": round(age, 1) if age is not None else None,
            "parts_waiting": queue.open_parts,
        },
        "workers": [
            {"id": w.worker_id, "host": w.host, "pid": w.pid, "seen": w.seen.isoformat() + "Z"}
            for w in workers
        ],
        "next_digests": [{"chat_id": c, "at": local.isoformat()} for _, c, local in upcoming[:n]],
        "sources": {
            "total": sources.total,
            "due": sources.due,
            "failing": sources.failing,
            "paused": sources.paused,
            "documents": sources.documents,
            "troubled": [
                {"id": s.id, "url": s.url, "failures": s.failures, "paused": s.paused, "error": s.last_error}
                for s in troubled
            ],
        },
    }
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    q = data["queue"]
    zone = ZoneInfo(settings.timezone)
    print(f"数据库：{data['store']}")
    print(f"队列：{q['depth']} 份报告待处理（{q['pending']} 份待摘要，{q['undelivered']} 份待发送）")
    if oldest is not None:
        local = oldest.replace(tzinfo=UTC).astimezone(zone)
        print(f"最早的待处理报告：{local:%Y-%m-%d %H:%M:%S %Z}" + (f"（已等 {age:.0f} 秒）" if age else ""))
    print(f"等待拼接的分段消息：{q['parts_waiting']} 条")
    print(f"最近一分钟在线的进程：{len(workers)} 个")
    for w in data["workers"]:
        seen = datetime.fromisoformat(w["seen"].removesuffix("Z")).replace(tzinfo=UTC).astimezone(zone)
        print(f"  {w['id']}（主机 {w['host']}，pid {w['pid']}，{seen:%H:%M:%S %Z}）")
    print(f"接下来的每日摘要：{len(upcoming)} 个订阅")
    for _, chat, local_at in upcoming[:n]:
        print(f"  群 {chat}：{local_at:%Y-%m-%d %H:%M %Z}")
    print(
        f"自动跟踪的来源：{sources.total} 个（{sources.due} 个待检查，{sources.failing} 个连续失败，"
        f"{sources.paused} 个已暂停），已收录 {sources.documents} 篇"
    )
    for s in troubled:
        state = "已暂停" if s.paused else "失败"
        print(f"  #{s.id} {s.url}：{state}，连续 {s.failures} 次（{s.last_error or ''}）")
    return 0
