"""`countybot serve` on a database it cannot open (issue P): a directory, a parent that is a file, a
garbage file, `mysql://` without a driver, a read-only file — one clear Chinese line, exit 2, like
`ingest` and `targets` (never a traceback). The real CLI in a subprocess, the fake Bot API answering."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fakes.telegram_server import FakeTelegram


def _serve(cwd: Path, url: str, token: str, db: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "TELEGRAM_", "OPENAI_"))}
    env.update(COUNTYBOT_DB=db, PYTHONPATH=str(ROOT), TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_URL=url)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _migrated(path: Path) -> None:
    import asyncio

    from bot.store.repo import Store

    async def make() -> None:
        await (await Store.open(f"sqlite:///{path}")).close()

    asyncio.run(make())


def _read_only(path: Path) -> None:
    _migrated(path)
    path.chmod(0o444)
    if os.geteuid() == 0:  # root writes a 0444 file anyway: the immutable flag stops root too
        tool = shutil.which("chattr")
        if tool is None or subprocess.run([tool, "+i", str(path)], capture_output=True).returncode:
            pytest.skip("running as root and chattr +i is not permitted here")


def _writable_again(path: Path) -> None:
    if os.geteuid() == 0 and (tool := shutil.which("chattr")):
        subprocess.run([tool, "-i", str(path)], capture_output=True)
    path.chmod(0o644)


CASES = {
    "directory": lambda p: (p / "adir").mkdir() or str(p / "adir"),
    "parent is a file": lambda p: (p / "afile").write_text("x") and str(p / "afile" / "bot.sqlite3"),
    "garbage file": lambda p: (p / "junk.sqlite3").write_bytes(os.urandom(8192)) and str(p / "junk.sqlite3"),
    "mysql without a driver": lambda p: "mysql://countybot:secret-pw@127.0.0.1/countybot",
    "read-only file": lambda p: _read_only(p / "ro.sqlite3") or f"sqlite:///{p / 'ro.sqlite3'}",
}


@pytest.mark.parametrize("case", list(CASES))
def test_serve_on_a_database_it_cannot_open_says_one_line_and_exits_2(tmp_path, case):
    db = CASES[case](tmp_path)
    try:
        with FakeTelegram() as tg:
            done = _serve(tmp_path, tg.url, tg.token, db)
    finally:
        if case == "read-only file":
            _writable_again(tmp_path / "ro.sqlite3")
    out = done.stdout + done.stderr
    assert done.returncode == 2, out[-3000:]
    assert "Traceback" not in out and "secret-pw" not in out, out[-3000:]
    lines = [
        ln for ln in done.stderr.splitlines() if ln.strip() and " INFO " not in ln and " WARNING " not in ln
    ]
    assert len(lines) == 1, lines
    assert lines[0].startswith("countybot serve: ") and "数据库" in lines[0], lines
