"""The shared queue's database steps, on SQLite and PostgreSQL (db_url): parts joined exactly once, leases
that expire, claims that never hand one report to two workers, per-chat order, daily-digest claims."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import update

from bot.service import Service
from bot.settings import Settings
from bot.store.base import utcnow
from bot.store.queue import presence_name
from bot.store.tables import Report, SentDigest
from bot.telegram.joiner import join_parts


@pytest.fixture
async def two(db_url: str):
    a = await Service.create(Settings(db=db_url, worker_id="A", lease_s=30))
    b = await Service.create(Settings(db=db_url, worker_id="B", lease_s=30))
    yield a, b
    await a.close()
    await b.close()


async def _expire(svc: Service, report_id: int) -> None:
    """What a dead worker's lease looks like once it ran out."""
    async with svc.store.engine.begin() as conn:
        await conn.execute(
            update(Report).where(Report.id == report_id).values(lease_until=utcnow() - timedelta(seconds=1))
        )


async def test_parts_are_joined_exactly_once_by_concurrent_workers(two) -> None:
    a, b = two
    for i, text in enumerate(["第一部分。", "第二部分。", "第三部分。"], start=1):
        assert await (a if i % 2 else b).add_part("k", 42, "tg:42", i, text)
    assert not await a.add_part("k", 42, "tg:42", 2, "第二部分。")  # the same update twice: stored once
    assert await a.join_parts("k", 10.0, join_parts, own=True) is None  # the window is still open
    got = await asyncio.gather(*(s.join_parts("k", 0.0, join_parts, own=True) for s in (a, b, a, b)))
    [rid] = [r for r in got if r is not None]
    assert (await a.store.reports.raw(rid)).decode() == join_parts(["第一部分。", "第二部分。", "第三部分。"])
    info = await a.store.reports.report(rid)
    assert info.scope == "chat:42" and info.status == "pending"
    assert (await a.queue_status()).open_parts == 0
    assert await a.part_quiet_at("k", 1.0) is None


async def test_a_live_lease_is_never_taken_and_an_expired_one_is(two) -> None:
    a, b = two
    rid = await a.accept(scope="chat:7", sender="tg:7", data="报告".encode())
    assert await b.claim_next() is None  # A holds it and is alive
    await _expire(a, rid)
    item = await b.claim_next()
    assert item is not None and (item.id, item.chat_id, item.status) == (rid, 7, "pending")
    assert await a.claim_next() is None  # now B's
    outcome = await b.process_item(item, use_llm=False)
    assert outcome.report_id == rid and (await b.store.reports.report(rid)).status != "pending"
    await b.mark_delivered(rid)
    await _expire(b, rid)
    assert await a.claim_next() is None  # delivered: no longer work


async def test_concurrent_claims_hand_each_report_to_one_worker(two) -> None:
    a, b = two
    ids = [
        await a.store.reports.insert_report(
            scope=f"chat:{c}", sender=None, filename=None, raw=b"x", chat_id=c
        )
        for c in range(1, 9)
    ]
    claimed = []
    for _ in range(6):
        got = await asyncio.gather(*(s.claim_next() for s in (a, b, a, b)))
        claimed += [i.id for i in got if i is not None]
    assert sorted(claimed) == ids  # every report once, none twice


async def test_a_chat_later_report_waits_for_the_earlier_reply(two) -> None:
    a, b = two
    first = await a.store.reports.insert_report(
        scope="chat:5", sender=None, filename=None, raw=b"1", chat_id=5
    )
    second = await a.store.reports.insert_report(
        scope="chat:5", sender=None, filename=None, raw=b"2", chat_id=5
    )
    other = await a.store.reports.insert_report(
        scope="chat:6", sender=None, filename=None, raw=b"3", chat_id=6
    )
    got = [await a.claim_next(), await b.claim_next(), await b.claim_next()]
    assert [i.id if i else None for i in got] == [first, other, None]  # `second` waits for `first`
    assert await a.store.queue.earlier_owed(second)
    t0 = asyncio.get_running_loop().time()
    assert await b.wait_turn(second, timeout_s=0.2)  # free: B may answer it, but only after waiting
    assert asyncio.get_running_loop().time() - t0 >= 0.2
    assert not await a.wait_turn(second, timeout_s=0)  # B holds it now
    await a.process_item(got[0], use_llm=False)
    assert not await b.wait_turn(first, timeout_s=1)  # A holds `first`: B must not answer it
    assert await a.wait_turn(first, timeout_s=1)
    await a.mark_delivered(first)
    assert not await a.wait_turn(first, timeout_s=1)  # delivered: never twice
    t0 = asyncio.get_running_loop().time()
    assert await b.wait_turn(second, timeout_s=5)
    assert asyncio.get_running_loop().time() - t0 < 1  # its turn now: no waiting


async def test_close_gives_back_the_leases(db_url: str) -> None:
    a = await Service.create(Settings(db=db_url, worker_id="A"))
    rid = await a.accept(scope="chat:3", sender=None, data="报告".encode())
    await a.close()
    b = await Service.create(Settings(db=db_url, worker_id="B"))
    try:
        assert (await b.claim_next()).id == rid  # at once, not after the lease
        await b.heartbeat()
        assert [w.worker_id for w in await b.workers_seen()] == ["B"]
        status = await b.queue_status()
        assert (status.depth, status.pending) == (1, 1) and status.oldest_pending is not None
    finally:
        await b.close()


async def test_daily_digest_claim_retry_and_loss(db_url: str) -> None:
    svc = await Service.create(Settings(db=db_url, digest_attempts=2, digest_retry_s=0))
    day = date(2026, 5, 1)
    try:
        got = await asyncio.gather(*(svc.claim_digest(9, day) for _ in range(4)))
        assert sorted(got) == [False, False, False, True]  # one sender
        assert not await svc.digest_sent(9, day)  # claimed is not sent
        await svc.digest_failed(9, day)  # retry at once (retry_s=0)
        await asyncio.sleep(0.01)
        assert await svc.lose_digest(9, day, exhausted_only=True) is None  # one try left
        assert await svc.claim_digest(9, day)  # the retry
        await svc.digest_failed(9, day)
        await asyncio.sleep(0.01)
        assert not await svc.claim_digest(9, day)  # attempts ran out
        assert await svc.lose_digest(9, day, exhausted_only=True) == 2
        assert await svc.lose_digest(9, day, exhausted_only=True) is None  # reported once
        assert not await svc.digest_sent(9, day)
        assert await svc.claim_digest(10, day)
        await svc.digest_done(10, day)
        assert await svc.digest_sent(10, day) and not await svc.claim_digest(10, day)
        async with svc.store.engine.connect() as conn:
            rows = (await conn.execute(SentDigest.__table__.select().order_by(SentDigest.chat_id))).all()
        assert [(r.chat_id, r.state, r.attempts) for r in rows] == [(9, "lost", 2), (10, "delivered", 1)]
    finally:
        await svc.close()


async def test_postgres_notify_wakes_listening_workers(pg_url: str) -> None:
    asyncpg = pytest.importorskip("asyncpg", reason="asyncpg (the PostgreSQL driver) is not installed")
    from bot.store.queue import CHANNEL

    woken = asyncio.Event()
    listener = await asyncpg.connect(pg_url)
    await listener.add_listener(CHANNEL, lambda *_: woken.set())
    svc = await Service.create(Settings(db=pg_url, worker_id="A"))
    try:
        await svc.add_part("k", 8, "tg:8", 1, "一段粘贴")
        assert not woken.is_set()  # a part alone is not work yet
        assert await svc.join_parts("k", 0.0, join_parts, own=False) is not None  # free for any worker
        await asyncio.wait_for(woken.wait(), 5)
    finally:
        await svc.close()
        await listener.close()


async def test_postgres_a_dead_workers_lease_ends_with_its_connections(pg_url: str) -> None:
    """kill -9 closes a worker's sockets: its reports are free at once, not after the 10-minute lease. A
    service without a heartbeat (a CLI run) keeps its lease however its connections come and go."""
    a = await Service.create(Settings(db=pg_url, worker_id="A", lease_s=600))
    cli = await Service.create(Settings(db=pg_url, worker_id="cli", lease_s=600))
    b = await Service.create(Settings(db=pg_url, worker_id="B", lease_s=600))
    try:
        await a.heartbeat()
        held = await a.accept(scope="chat:5", sender="tg:5", data="报告甲".encode())
        kept = await cli.accept(scope="chat:6", sender="tg:6", data="报告乙".encode())
        assert await b.claim_next() is None  # both alive
        await cli.store.engine.dispose()  # connections gone, but never a running worker: lease holds
        await a.store.engine.dispose()  # what the server sees when A is killed
        item = None
        for _ in range(50):  # the server ends the sessions within milliseconds
            if (item := await b.claim_next()) is not None:
                break
            await asyncio.sleep(0.05)
        assert item is not None and item.id == held
        assert await b.claim_next() is None  # `kept` still leased to the CLI run
        assert await b.wait_turn(held, timeout_s=1)  # B may deliver it: the fence agrees
        assert kept != held
    finally:
        await b.close()


async def test_a_delivery_is_recorded_only_when_its_send_succeeded(two) -> None:
    a, b = two
    rid = await a.accept(scope="chat:11", sender="tg:11", data="报告".encode())
    with pytest.raises(RuntimeError):
        async with a.delivering(rid, timeout_s=1) as ours:
            assert ours
            raise RuntimeError("Telegram did not answer")  # a send that failed: still owed
    assert (await a.store.reports.report(rid)).delivered_at is None
    async with b.delivering(rid, timeout_s=1) as ours:
        assert not ours  # A holds it and is alive: B must not send it
    async with a.delivering(rid, timeout_s=1) as ours:
        assert ours
    assert (await a.store.reports.report(rid)).delivered_at is not None
    async with a.delivering(rid, timeout_s=1) as ours:
        assert not ours  # delivered: never twice


async def test_postgres_a_delivery_in_flight_is_locked_and_undone_if_its_worker_dies(pg_url: str) -> None:
    """The record is written before the send in an open transaction: other workers skip the row while the
    send is in flight; a worker killed before the commit leaves the report owed (the transaction rolls
    back), and whoever takes it over delivers it."""
    a = await Service.create(Settings(db=pg_url, worker_id="A", lease_s=1))
    b = await Service.create(Settings(db=pg_url, worker_id="B", lease_s=600))
    try:
        await a.heartbeat()
        rid = await a.accept(scope="chat:12", sender="tg:12", data="报告".encode())
        cm = a.delivering(rid, timeout_s=1)
        assert await cm.__aenter__()  # A is sending (a slow send: its 1 s lease runs out)
        await asyncio.sleep(1.3)
        assert await b.claim_next() is None  # the row is locked by the send in flight: skipped
        async with b.store.engine.begin() as conn:  # A killed mid-send: the server ends its sessions
            await conn.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :n"),
                {"n": presence_name("A")},
            )
        item = None
        for _ in range(50):
            if (item := await b.claim_next()) is not None:
                break
            await asyncio.sleep(0.05)
        assert item is not None and item.id == rid
        assert (await b.store.reports.report(rid)).delivered_at is None
        async with b.delivering(rid, timeout_s=1) as ours:
            assert ours
        assert (await b.store.reports.report(rid)).delivered_at is not None
    finally:
        await b.close()


async def test_postgres_sends_in_flight_leave_connections_for_what_users_send(pg_url: str) -> None:
    """Each send in flight holds a pooled connection: at most SENDS_AT_ONCE do, so a burst of replies
    held by Telegram's rate limits never blocks storing what users send (the pool has 5 + 10)."""
    from bot.store.queue import SENDS_AT_ONCE

    svc = await Service.create(Settings(db=pg_url, worker_id="A"))
    try:
        rids = [
            await svc.accept(scope=f"chat:{30 + i}", sender=None, data=f"报告{i}".encode()) for i in range(20)
        ]
        release = asyncio.Event()
        inside = 0

        async def send(rid: int) -> None:
            nonlocal inside
            async with svc.delivering(rid, timeout_s=1) as ours:
                assert ours
                inside += 1
                await release.wait()  # a send the rate limiter holds

        sends = [asyncio.create_task(send(r)) for r in rids]
        try:
            for _ in range(100):  # a loaded machine may take a while to start them
                if inside >= SENDS_AT_ONCE:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)  # and the others had time to push in
            assert inside == SENDS_AT_ONCE
            # the other 16 wait for their turn without a connection: storing a new report still works
            await asyncio.wait_for(svc.accept(scope="chat:99", sender=None, data="新报告".encode()), 5)
            release.set()
            await asyncio.wait_for(asyncio.gather(*sends), 10)
        finally:  # a send still open holds its row: closing (which frees the leases) would wait on it
            release.set()
            for task in sends:
                task.cancel()
            await asyncio.gather(*sends, return_exceptions=True)
        assert inside == len(rids)
        assert all([(await svc.store.reports.report(r)).delivered_at is not None for r in rids])
    finally:
        await svc.close()


async def test_postgres_a_namesake_on_another_database_does_not_keep_a_dead_worker_alive(pg_cluster) -> None:
    """Worker ids are per deployment: a live "A" on another database of the cluster (staging beside
    production) says nothing about this database's "A"."""
    url = pg_cluster.create_database()
    elsewhere = await Service.create(Settings(db=pg_cluster.create_database(), worker_id="A"))
    a = await Service.create(Settings(db=url, worker_id="A", lease_s=600))
    b = await Service.create(Settings(db=url, worker_id="B", lease_s=600))
    try:
        await elsewhere.heartbeat()  # connected, and stays so
        await a.heartbeat()
        held = await a.accept(scope="chat:8", sender="tg:8", data="报告丙".encode())
        await a.store.engine.dispose()
        item = None
        for _ in range(50):
            if (item := await b.claim_next()) is not None:
                break
            await asyncio.sleep(0.05)
        assert item is not None and item.id == held
    finally:
        await b.close()
        await elsewhere.close()
