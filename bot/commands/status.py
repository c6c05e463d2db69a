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

    from bot.store.base import utcnow
    from bot.telegram.schedule import last_due

    service = await open_service("status")
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
    finally:
        await service.close()
    oldest = queue.oldest_pending
    age = (utcnow() - oldest).total_seconds() if oldest else None
    data = {
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
    }
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    q = data["queue"]
    print(f"queue: {q['depth']} report(s) waiting ({q['pending']} pending, {q['undelivered']} to deliver)")
    print(
        f"oldest pending: {q['oldest_pending'] or '-'}"
        + (f" ({q['oldest_pending_age_s']:.0f} s)" if age else "")
    )
    print(f"paste parts waiting to be joined: {q['parts_waiting']}")
    print(f"workers seen in the last minute: {len(workers)}")
    for w in data["workers"]:
        print(f"  {w['id']}  (host {w['host']}, pid {w['pid']}, seen {w['seen']})")
    print(f"next daily digests: {len(upcoming)} subscription(s)")
    for d in data["next_digests"]:
        print(f"  chat {d['chat_id']} at {d['at']}")
    return 0
