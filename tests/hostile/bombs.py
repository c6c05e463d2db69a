"""Decompression bombs built by the tests, and a `countybot serve` subprocess whose memory is watched:
its peak RSS (VmHWM, the kernel's high-water mark for the process) is read at the end, and a watchdog
kills it past a hard ceiling so a failing run never takes the shared machine down."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

from tests.conftest import ROOT

MB = 2**20


def docx_bomb(inflated: int = 200 * MB) -> bytes:
    """A valid .docx (python-docx's own template) whose document.xml inflates to `inflated` bytes of
    ordinary paragraphs: ~0.8 MB compressed for 200 MB. Written in chunks (the test stays light)."""
    import docx

    template = io.BytesIO()
    docx.Document().save(template)
    src = zipfile.ZipFile(io.BytesIO(template.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "word/document.xml":
                zf.writestr(info, data)
                continue
            head, tail = data.decode("utf-8").split("<w:body>", 1)
            member = zipfile.ZipInfo("word/document.xml")
            member.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(member, "w", force_zip64=True) as f:
                f.write((head + "<w:body>").encode("utf-8"))
                chunk = "".join(
                    f"<w:p><w:r><w:t>全县完成投资{k % 3}亿元</w:t></w:r></w:p>" for k in range(6000)
                ).encode("utf-8")
                for _ in range(inflated // len(chunk) + 1):
                    f.write(chunk)
                f.write(tail.encode("utf-8"))
    return out.getvalue()


def pdf_bomb(inflated: int = 200 * MB) -> bytes:
    """A one-page PDF whose content stream (FlateDecode) inflates to `inflated` bytes of text operators."""
    import zlib

    op = b"BT /F1 12 Tf 72 712 Td (0) Tj ET\n"
    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(op * 100_000) for _ in range(inflated // (len(op) * 100_000) + 1))
    body += comp.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM) so far, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


class Served:
    """`countybot serve` (long polling) against the fake Bot API, in its own process."""

    CEILING_MB = 1200  # the watchdog: a run past this is killed (and fails), never the machine

    def __init__(self, tmp_path: Path, tg, **env: str) -> None:
        self.tmp_path, self.tg, self.extra = tmp_path, tg, env
        self.proc: subprocess.Popen | None = None
        self.peak_mb = 0.0
        self.killed_by_watchdog = False
        self._stop = threading.Event()

    def __enter__(self) -> Served:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "TELEGRAM_", "OPENAI_"))
        }
        env.update(
            COUNTYBOT_DB=f"sqlite:///{self.tmp_path / 'bot.sqlite3'}",
            COUNTYBOT_JOIN_WINDOW_S="0.3",
            COUNTYBOT_QUEUE_POLL_S="0.3",
            PYTHONPATH=str(ROOT),
            TELEGRAM_BOT_TOKEN=self.tg.token,
            TELEGRAM_API_URL=self.tg.url,
            **self.extra,
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"],
            cwd=self.tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._watch, daemon=True).start()
        deadline = time.monotonic() + 60
        calls = len(self.tg.calls_of("getUpdates"))
        while len(self.tg.calls_of("getUpdates")) <= calls:
            assert self.proc.poll() is None, self.proc.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.05)
        return self

    def _watch(self) -> None:
        assert self.proc is not None
        while not self._stop.is_set() and self.proc.poll() is None:
            try:
                self.peak_mb = max(self.peak_mb, peak_rss_mb(self.proc.pid))
            except (OSError, AssertionError):
                return
            if self.peak_mb > self.CEILING_MB:
                self.killed_by_watchdog = True
                self.proc.send_signal(signal.SIGKILL)
                return
            time.sleep(0.02)

    def measure(self) -> float:
        assert self.proc is not None
        self.peak_mb = max(self.peak_mb, peak_rss_mb(self.proc.pid))
        return self.peak_mb

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            _, self.stderr = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, self.stderr = self.proc.communicate()


def markup_bomb(report: str, elements: int = 2_500_000) -> bytes:
    """A real report's paragraphs followed by millions of empty elements (~17 MB, under the upload cap):
    as an lxml tree, ~600 MB."""
    body = "".join(f"<p>{line}</p>" for line in report.splitlines() if line.strip())
    return f"<html><body>{body}<div>{'<i></i>' * elements}</div></body></html>".encode()
