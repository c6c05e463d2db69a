"""Several real `countybot serve --webhook` workers (subprocesses) on one database, fed the way Telegram
feeds webhooks: the test POSTs each update to the worker it chooses, with the secret-token header. Their
Bot API is the loopback fake (tests/fakes/telegram_server.py), so every reply is recorded there.

    with Workers(tg, db_url, tmp_path, names="ABC") as w:
        w.send_text("A", chat_id=42, user_id=42, text="...")
        w.kill("A")                     # SIGKILL: no shutdown, no lease released
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.fakes.telegram_server import FakeTelegram
from tests.pg import free_port

ROOT = Path(__file__).resolve().parent.parent.parent


class Worker:
    def __init__(self, name: str, proc: subprocess.Popen, port: int, log: Path) -> None:
        self.name, self.proc, self.port, self.log = name, proc, port, log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


class Workers:
    def __init__(
        self,
        tg: FakeTelegram,
        db_url: str,
        folder: Path,
        names: str | list[str] = "ABC",
        env: dict[str, str] | None = None,
    ) -> None:
        from bot.commands.serve import webhook_secret

        self.tg, self.db_url, self.folder = tg, db_url, folder
        self.names = list(names)
        self.extra = env or {}
        self.secret = webhook_secret(tg.token)
        self.workers: dict[str, Worker] = {}
        self._update_ids = itertools.count(1)

    def env(self, name: str) -> dict[str, str]:
        base = {
            k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "OPENAI_", "TELEGRAM_"))
        }
        return {
            **base,
            "TELEGRAM_BOT_TOKEN": self.tg.token,
            "TELEGRAM_API_URL": self.tg.url,
            "COUNTYBOT_DB": self.db_url,
            "COUNTYBOT_WORKER_ID": name,
            "COUNTYBOT_JOIN_WINDOW_S": "1.0",
            "COUNTYBOT_JOIN_MIN_CHARS": "1",  # the tests split seeds shorter than Telegram's limit
            "COUNTYBOT_LEASE_S": "3",
            "COUNTYBOT_QUEUE_POLL_S": "0.5",
            "COUNTYBOT_SCHEDULE_TICK_S": "1",
            "COUNTYBOT_DIGEST_RETRY_S": "1",
            "COUNTYBOT_TIMEZONE": "UTC",
            **self.extra,
        }

    def start(self, name: str, timeout: float = 60.0) -> Worker:
        port = free_port()
        log = self.folder / f"worker-{name}.log"
        hook = f"http://127.0.0.1:{port}/hook"
        cmd = [sys.executable, "-m", "bot.cli", "serve", "--webhook", hook, "--listen", "127.0.0.1"]
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [*cmd, "--port", str(port)],
                cwd=self.folder,
                env=self.env(name),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        worker = self.workers[name] = Worker(name, proc, port, log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"worker {name} exited: {worker.output()[-3000:]}")
            if "上监听" in worker.output() and "is up as" in worker.output() and _accepts(port):
                return worker
            time.sleep(0.1)
        raise RuntimeError(f"worker {name} did not start: {worker.output()[-3000:]}")

    def __enter__(self) -> Workers:
        for name in self.names:
            self.start(name)
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers.values():
            if worker.proc.poll() is None:
                worker.proc.send_signal(signal.SIGTERM)
        for worker in self.workers.values():
            try:
                worker.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.proc.kill()
                worker.proc.wait()

    def kill(self, name: str) -> None:
        """kill -9: no shutdown hook runs, no lease is given back."""
        proc = self.workers[name].proc
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def alive(self) -> list[str]:
        return [n for n, w in self.workers.items() if w.proc.poll() is None]

    # ---- updates, as Telegram posts them ---------------------------------------------------------

    def post(self, name: str, key: str, payload: dict[str, Any]) -> str:
        """POST the update to worker `name`; like Telegram, an update that is not answered 200 (the
        worker died) is sent again, to the next live worker. Returns the worker that answered."""
        update = {"update_id": next(self._update_ids), key: payload}
        body = json.dumps(update).encode("utf-8")
        order = self.names[self.names.index(name) :] + self.names[: self.names.index(name)]
        for attempt in range(3 * len(order)):
            target = order[attempt % len(order)]
            if self.workers[target].proc.poll() is not None:
                continue
            req = urllib.request.Request(
                self.workers[target].url,
                data=body,
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": self.secret},
            )
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    if resp.status == 200:
                        return target
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"no worker took update {update['update_id']}")

    def send_text(self, name: str, chat_id: int, user_id: int, text: str) -> int:
        msg = self.tg._message(chat_id, user_id)
        msg["text"] = text
        if entities := self.tg._command_entities(text):
            msg["entities"] = entities
        self.tg.messages[(chat_id, msg["message_id"])] = msg
        self.post(name, "message", msg)
        return int(msg["message_id"])

    def send_document(self, name: str, chat_id: int, user_id: int, filename: str, data: bytes) -> int:
        """A file sent in a private chat (served by the fake's getFile and download)."""
        f = self.tg.add_file(filename, data)
        msg = self.tg._message(chat_id, user_id)
        msg["document"] = {
            "file_id": f.file_id,
            "file_unique_id": f"U{f.file_id}",
            "file_name": filename,
            "mime_type": "text/plain",
            "file_size": f.size,
        }
        self.tg.messages[(chat_id, msg["message_id"])] = msg
        self.post(name, "message", msg)
        return int(msg["message_id"])


def _accepts(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def split_in(text: str, n: int) -> list[str]:
    """Cut like a client splitting a long paste: at line breaks near each n-th of the text."""
    parts, rest = [], text
    for i in range(n - 1, 0, -1):
        cut = rest.index("\n", len(rest) // (i + 1))
        parts.append(rest[:cut])
        rest = rest[cut + 1 :]
    return [*parts, rest]
