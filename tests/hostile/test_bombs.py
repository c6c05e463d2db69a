"""Bombs (issue P): a .docx that inflates to 200 MB (0.8 MB sent) and a PDF whose content stream does,
sent to a real `countybot serve` process through the fake Bot API: refused with a clear Chinese message,
the worker's peak memory (its VmHWM, read from /proc) bounded, the refusal quick, and the report
failed for good — a restart does not pick it up again."""

from __future__ import annotations

import sqlite3
import time

import pytest

from tests import tgkit
from tests.hostile.bombs import MB, Served, docx_bomb, markup_bomb, pdf_bomb
from tests.tgkit import USER, assert_user_safe

tg = tgkit.tg  # the fixture (tests/tgkit.py)

PEAK_MB = 300  # the worker process's whole peak resident set, Python and libraries included
REFUSAL_S = 20.0  # sent → refused, on this shared 2-core machine


def _wait(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize(("name", "make"), [("bomb.docx", docx_bomb), ("bomb.pdf", pdf_bomb)])
def test_a_bomb_is_refused_quickly_with_bounded_memory_and_never_retried(tmp_path, tg, name, make):
    data = make()
    assert len(data) < 1 * MB
    with Served(tmp_path, tg) as bot:
        started = time.monotonic()
        tg.send_document(USER, USER, name, data)
        _wait(lambda: any("⚠️" in t for t in tg.texts(USER)) or bot.proc.poll() is not None, 120)
        took = time.monotonic() - started
        peak = bot.measure() if bot.proc.poll() is None else bot.peak_mb
    print(f"{name}: {len(data) / MB:.2f} MB sent, refused in {took:.1f} s, worker peak RSS {peak:.0f} MB")
    assert not bot.killed_by_watchdog, f"the worker passed {Served.CEILING_MB} MB"
    [refusal] = [t for t in tg.texts(USER) if "⚠️" in t]
    assert "解压后" in refusal, refusal
    assert peak <= PEAK_MB, peak
    assert took <= REFUSAL_S, took
    assert_user_safe(tg, USER)
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute("select status, delivered_at is not null from reports").fetchall() == [
            ("failed", 1)
        ]
    sent = len(tg.texts(USER))
    with Served(tmp_path, tg) as bot:  # a restart: the failed report is not processed again
        time.sleep(2.0)
        assert bot.measure() <= PEAK_MB
    assert len(tg.texts(USER)) == sent


def test_markup_with_millions_of_elements_is_read_without_a_tree(tmp_path, tg):
    from tests.tgkit import DIGEST_MARK, SEED2

    data = markup_bomb(SEED2)
    with Served(tmp_path, tg) as bot:
        started = time.monotonic()
        tg.send_document(USER, USER, "page.html", data)
        _wait(lambda: any(DIGEST_MARK in t or "⚠️" in t for t in tg.texts(USER)) or bot.proc.poll(), 120)
        took = time.monotonic() - started
        peak = bot.measure() if bot.proc.poll() is None else bot.peak_mb
    print(f"page.html: {len(data) / MB:.1f} MB, digest in {took:.1f} s, worker peak RSS {peak:.0f} MB")
    assert not bot.killed_by_watchdog
    [digest] = [t for t in tg.texts(USER) if DIGEST_MARK in t]
    assert "平陆县" in digest
    assert peak <= PEAK_MB, peak
