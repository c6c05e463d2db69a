"""Issue 10: a circuit breaker shared by all reports in a process — a dead server is not called 13
times per report (39 for 3); after repeated failures the model is skipped for a cooling period, said
once, and no report waits on a server known to be down."""

from __future__ import annotations

import asyncio
import logging
import socket
import time

import pytest

from extract.llm import notices
from extract.llm.calllog import MemoryCallLog
from tests.fakes.openai_server import FakeOpenAI, error, grounded_reply
from tests.hostile.conftest import make_backend, report


def fallback_notice(kind: str) -> str:
    return notices.fallback(kind)


def dead_url() -> str:
    with socket.socket() as s:  # a port that was free a moment ago: connection refused
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/v1"


def three_reports() -> list:
    doc, _ = report()
    return [report(doc.text.replace("11次", f"{n}次")) for n in (11, 12, 13)]


async def test_three_reports_against_a_dead_port(caplog: pytest.LogCaptureFixture) -> None:
    log = MemoryCallLog()
    b = make_backend(dead_url(), log, deadline_s=10.0)
    t0 = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="extract.llm.breaker"):
        try:
            digests = [await b.digest(doc, rules) for doc, rules in three_reports()]
        finally:
            await b.aclose()
    assert len(log.records) <= 3  # not 39
    assert {r.outcome for r in log.records} == {"connection_error"}
    assert digests[0].warnings == [fallback_notice("unreachable")]
    assert digests[1].warnings == digests[2].warnings == [fallback_notice("breaker")]
    assert all(d.backend == "rules" for d in digests) and time.monotonic() - t0 < 3.0
    said = [r for r in caplog.records if "skipped for" in r.getMessage()]
    assert len(said) == 1  # said once


async def test_concurrent_reports_do_not_wait_on_a_down_server(server: FakeOpenAI) -> None:
    server.default = error(503, "service unavailable")
    log = MemoryCallLog()
    b = make_backend(server, log, deadline_s=10.0)
    try:
        await asyncio.gather(*(b.digest(doc, rules) for doc, rules in three_reports()))
        t0 = time.monotonic()
        late = await b.digest(*report())  # a report arriving while the breaker is open: no wait at all
        assert time.monotonic() - t0 < 0.5 and late.warnings == [fallback_notice("breaker")]
    finally:
        await b.aclose()
    assert len(server.requests) <= 5


async def test_after_the_cooling_period_one_probe_closes_it(server: FakeOpenAI) -> None:
    server.default = error(503, "service unavailable")
    b = make_backend(server, breaker_cooldown_s=0.3, max_repairs=0)
    try:
        for doc, rules in three_reports():
            await b.digest(doc, rules)
        n = len(server.requests)
        server.default = grounded_reply
        await asyncio.sleep(0.35)
        d = await b.digest(*report())
        assert d.backend == "llm:test-model" and len(server.requests) == n + 1
        assert not b.breaker.is_open
    finally:
        await b.aclose()


def test_a_probe_that_never_ends_does_not_keep_the_breaker_open() -> None:
    from extract.llm.breaker import Breaker

    b = Breaker("k", threshold=2, cooldown_s=0.05)
    assert b.allow() and not b.is_open
    b.failure()
    assert b.allow()  # one failure: still closed
    b.failure()
    assert b.is_open and not b.allow()
    time.sleep(0.06)
    assert b.allow() and not b.allow()  # one probe at a time...
    time.sleep(0.06)  # ...cancelled without an outcome (the report's deadline hit)
    assert b.allow()  # a new probe may go
    b.success()
    assert not b.is_open and b.failures == 0
