"""`countybot serve` as a user runs it: a subprocess with environment variables, against the fake Bot API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.commands.serve import webhook_secret
from tests.conftest import ROOT
from tests.fakes.telegram_server import FakeTelegram


def _env(tmp_path: Path, tg: FakeTelegram | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "TELEGRAM_", "OPENAI_"))}
    env["COUNTYBOT_DB"] = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    env["PYTHONPATH"] = str(ROOT)
    if tg is not None:
        env["TELEGRAM_BOT_TOKEN"] = tg.token
        env["TELEGRAM_API_URL"] = tg.url
    env.update(extra)
    return env


def _serve(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def _stop(proc: subprocess.Popen) -> tuple[int, str]:
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise
    return proc.returncode, err


def test_missing_token_is_one_clear_line_and_exit_2(tmp_path):
    code = (
        "import sys; from bot.cli import main; rc = main(['serve']); "
        "print('telegram' in sys.modules); sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]
    assert done.stdout.strip() == "False"  # refused before importing the Telegram stack


def test_serve_long_polls_says_it_is_open_and_never_logs_the_token(tmp_path):
    with FakeTelegram() as tg:
        proc = _serve(tmp_path, _env(tmp_path, tg))
        try:
            _wait_until(lambda: tg.calls_of("getUpdates"))
            tg.send_text(42, 42, "/start")
            _wait_until(lambda: any("/targets" in t for t in tg.texts(42)))
            # private and group menus, each as the default and for language "zh" (bot/telegram/menu.py)
            assert len(tg.calls_of("setMyCommands")) == 4
        finally:
            code, err = _stop(proc)
    assert code == 0, err
    assert "open to every chat" in err
    assert tg.token not in err and tg.token.split(":")[1] not in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    req = urllib.request.Request(url, json.dumps(update).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError):  # not listening yet
        return 0


@pytest.mark.parametrize("bad", ["ftp://example.com/hook", "not a url"])
def test_webhook_url_must_be_http(tmp_path, bad):
    with FakeTelegram() as tg:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "serve", "--webhook", bad],
            cwd=tmp_path,
            env=_env(tmp_path, tg),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2 and "--webhook" in done.stderr


def test_webhook_mode_with_a_secret_token(tmp_path):
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/tg-hook"
    with FakeTelegram() as tg:
        proc = _serve(
            tmp_path, _env(tmp_path, tg), "--webhook", hook, "--listen", "127.0.0.1", "--port", str(port)
        )
        try:
            _wait_until(lambda: tg.calls_of("setWebhook"))
            [call] = tg.calls_of("setWebhook")
            secret = call.params["secret_token"]
            assert (
                call.params["url"] == hook and secret == webhook_secret(tg.token) and tg.token not in secret
            )
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": tg.chat(42),
                    "from": tg.user(42),
                    "text": "/help",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                },
            }
            _wait_until(lambda: _post(hook, update, secret) == 200, timeout=10)
            _wait_until(lambda: any("/targets" in t for t in tg.texts(42)))
            assert _post(hook, {**update, "update_id": 2}, "wrong-secret") == 403
            assert tg.calls_of("getUpdates") == []
        finally:
            code, err = _stop(proc)
    assert code == 0, err
    assert len([t for t in tg.texts(42) if "/targets" in t]) == 1
