"""A store that fails mid-run (issue P): the SQLite file is made read-only under the running bot — the
file and its WAL marked immutable (chattr +i: root included cannot write them, and
writes through already open descriptors fail). One rule: the acknowledgement only after the report is
stored; when storing fails, one message that says so (and nothing later: nothing was stored); a report
that was stored is always finished, once the store can be written again.

The real bot against the fake Bot API; skipped where chattr is not permitted (not root, or a
filesystem without the immutable flag)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest

from bot.settings import get_settings
from bot.telegram.app import build_application, running
from tests import tgkit
from tests.fakes.openai_server import FakeOpenAI, grounded_reply
from tests.hostile.deletion import settle
from tests.tgkit import DIGEST_MARK, SEED0, SEED2, USER, assert_user_safe, bot_env, sqlite_db

tg = tgkit.tg  # the fixture (tests/tgkit.py)

ACK = "已收到"
NOT_STORED = "没有保存"


def _chattr(flag: str, *paths: Path) -> bool:
    tool = shutil.which("chattr")
    if tool is None:
        return False
    existing = [str(p) for p in paths if p.exists()]
    return subprocess.run([tool, flag, *existing], capture_output=True).returncode == 0


@contextlib.contextmanager
def read_only(db: Path):
    # not the -shm file: SQLite maps it into memory, and an mmap it cannot extend is a SIGBUS
    files = [db, db.with_name(db.name + "-wal")]
    if not _chattr("+i", *files):
        pytest.skip("chattr +i is not permitted here (not root, or no immutable flag on this filesystem)")
    try:
        yield
    finally:
        _chattr("-i", *files)


@pytest.fixture
def env(monkeypatch, tmp_path, tg):
    # lease_s: a report let go of mid-run is free again soon
    bot_env(monkeypatch, tg, sqlite_db(tmp_path), join_window_s=0.3, queue_poll_s=0.3, lease_s=2)
    return tmp_path / "bot.sqlite3"


def _reports(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute("select status, delivered_at is not null from reports").fetchall()


@pytest.mark.parametrize("how", ["paste", "file"])
async def test_a_report_the_store_cannot_take_gets_one_message_and_no_ack(env, tg, how):
    db = env
    async with running(build_application(get_settings()), poll_timeout=1):
        tg.send_text(USER, USER, "/help")  # the store is open, the WAL exists
        await settle(lambda: tg.texts(USER))
        before = len(tg.texts(USER))
        with read_only(db):
            if how == "paste":
                tg.send_text(USER, USER, SEED2)
            else:
                tg.send_document(USER, USER, "report.txt", SEED2.encode("utf-8"))
            await settle(lambda: len(tg.texts(USER)) > before, timeout=20)
            await asyncio.sleep(1.5)
        said = tg.texts(USER)[before:]
        await asyncio.sleep(1.5)  # the store is writable again: nothing comes later
    assert len(said) == 1 and NOT_STORED in said[0] and "重新发送" in said[0], said
    assert not any(ACK in t for t in said)
    assert len(tg.texts(USER)) == before + 1
    assert _reports(db) == []
    async with running(build_application(get_settings()), poll_timeout=1):
        await asyncio.sleep(1.5)  # nor after a restart
    assert len(tg.texts(USER)) == before + 1
    assert_user_safe(tg, USER)


async def test_a_stored_report_whose_finish_fails_is_finished_once_the_store_recovers(env, tg, monkeypatch):
    db = env
    release = threading.Event()
    with FakeOpenAI() as llm:

        def held(request):
            release.wait(30)
            return grounded_reply(request)

        llm.default = held
        monkeypatch.setenv("OPENAI_BASE_URL", llm.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-store")
        try:
            async with running(build_application(get_settings()), poll_timeout=1):
                tg.send_text(USER, USER, SEED0)
                await settle(lambda: llm.requests, timeout=20)  # stored, acknowledged, being digested
                assert any(ACK in t for t in tg.texts(USER))
                with read_only(db):
                    release.set()
                    await settle(lambda: len(tg.texts(USER)) >= 2, timeout=20)
                    await asyncio.sleep(1.0)
                told = tg.texts(USER)[1:]
                assert len(told) == 1 and "恢复后" in told[0] and "无需重新发送" in told[0], told
            async with running(build_application(get_settings()), poll_timeout=1):
                await settle(lambda: any(DIGEST_MARK in t for t in tg.texts(USER)), timeout=30)
                await asyncio.sleep(1.0)
        finally:
            release.set()
    digests = [t for t in tg.texts(USER) if DIGEST_MARK in t]
    assert len(digests) == 1 and "大宁县" in digests[0]
    assert _reports(db) == [("done", 1)]
    assert_user_safe(tg, USER)


@contextlib.contextmanager
def tiny_filesystem(path: Path, size_kb: int):
    """A tmpfs of size_kb mounted at path (root with CAP_SYS_ADMIN; skipped elsewhere), always unmounted."""
    path.mkdir()
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if os.geteuid() != 0 or mount is None or umount is None:
        pytest.skip("mounting a tiny filesystem needs root")
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield path
    finally:
        subprocess.run([umount, "-l", str(path)], capture_output=True)


async def test_a_full_disk_is_said_once_and_nothing_comes_later(monkeypatch, tmp_path, tg):
    with tiny_filesystem(tmp_path / "small", 3072) as small:
        db = small / "bot.sqlite3"
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", tg.token)
        monkeypatch.setenv("TELEGRAM_API_URL", tg.url)
        monkeypatch.setenv("COUNTYBOT_DB", f"sqlite:///{db}")
        monkeypatch.setenv("COUNTYBOT_JOIN_WINDOW_S", "0.3")
        big = (SEED2 * 200).encode("utf-8")  # ~1.3 MB of text: more than the disk has left
        async with running(build_application(get_settings()), poll_timeout=1):
            tg.send_text(USER, USER, "/help")
            await settle(lambda: tg.texts(USER))
            filler = small / "filler"
            # the disk fills up under the running bot
            with filler.open("wb") as f, contextlib.suppress(OSError):
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            free = shutil.disk_usage(small).free
            assert free < len(big), free
            before = len(tg.texts(USER))
            tg.send_document(USER, USER, "big.txt", big)
            await settle(lambda: len(tg.texts(USER)) > before, timeout=30)
            await asyncio.sleep(1.0)
            filler.unlink()  # space again: nothing of the report comes later
            await asyncio.sleep(1.5)
        said = tg.texts(USER)[before:]
        assert len(said) == 1 and NOT_STORED in said[0], said
        assert _reports(db) == []
    assert_user_safe(tg, USER)
