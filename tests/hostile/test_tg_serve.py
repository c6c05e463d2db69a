"""`countybot serve` against a Bot API that refuses the token or is not there: one line, exit 2."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from tests.conftest import ROOT
from tests.fakes.telegram_server import TOKEN, FakeTelegram


def _serve(tmp_path, url: str, token: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "TELEGRAM_", "OPENAI_"))}
    env.update(
        COUNTYBOT_DB=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_URL=url,
    )
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


def _problem_lines(stderr: str) -> list[str]:
    # the start-up info lines (allowlist, polling) are fine; what matters is what explains the failure
    return [ln for ln in stderr.splitlines() if ln.strip() and " INFO " not in ln and " WARNING " not in ln]


def test_rejected_token_is_one_line_exit_2_token_redacted(tmp_path):
    wrong = "987654321:AAWrongTokenWrongTokenWrongToken_xyz"
    with FakeTelegram() as tg:
        done = _serve(tmp_path, tg.url, wrong)
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "Traceback" not in out
    assert wrong not in out and wrong.split(":")[1] not in out and TOKEN not in out
    lines = _problem_lines(done.stderr)
    assert len(lines) == 1 and "token" in lines[0].lower() and "countybot serve" in lines[0], lines


def test_unreachable_bot_api_is_one_line_exit_2(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    done = _serve(tmp_path, f"http://127.0.0.1:{port}", TOKEN)
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "Traceback" not in out and TOKEN not in out and TOKEN.split(":")[1] not in out
    lines = _problem_lines(done.stderr)
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "countybot serve" in lines[0], lines
