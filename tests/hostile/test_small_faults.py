"""The smaller cases of issue P, through the real bot (fake Bot API, fake OpenAI-compatible server), the
real CLI and the real LLM backend: an id past 64 bits, a text file with a few NUL/control bytes,
Telegram's `file is too big`, a model's English highlight, two instances polling one token, and
candidate ids that do not exist counted as numbers not found."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import time

from bot.cli import main
from bot.settings import get_settings
from bot.telegram.app import build_application, running
from bot.telegram.errors import USER_ERROR_TEXT
from extract.llm import notices
from tests import tgkit
from tests.conftest import ROOT
from tests.fakes.openai_server import FakeOpenAI, Reply, grounded_answer
from tests.hostile.conftest import make_backend, report
from tests.hostile.deletion import settle
from tests.tgkit import DIGEST_MARK, SEED2, USER, assert_user_safe

env, tg = tgkit.env, tgkit.tg  # the fixtures (tests/tgkit.py)


def _with_controls(text: str) -> bytes:
    """The report as UTF-8 with a NUL, a BEL and a backspace put between characters."""
    data = text.encode("utf-8")
    for frac, byte in ((0.3, b"\x00"), (0.5, b"\x07"), (0.7, b"\x08")):
        cut = int(len(data) * frac)
        while data[cut] & 0xC0 == 0x80:  # at a character boundary
            cut += 1
        data = data[:cut] + byte + data[cut:]
    return data


# ---- /delete with a number past 64 bits ----------------------------------------------------------


async def test_delete_with_a_huge_number_is_answered_clearly(env, tg, caplog):
    with caplog.at_level(logging.ERROR):
        async with running(build_application(get_settings()), poll_timeout=1):
            for command in ("/delete 99999999999999999999999", "/delete 9223372036854775808"):
                before = len(tg.texts(USER))
                tg.send_text(USER, USER, command)
                await settle(lambda before=before: len(tg.texts(USER)) > before)
            await asyncio.sleep(0.5)
    texts = tg.texts(USER)
    assert len(texts) == 2 and all("找不到" in t for t in texts), texts
    assert USER_ERROR_TEXT not in texts
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[-2000:]


# ---- a text report with a few NUL/control bytes ----------------------------------------------------


async def test_a_text_file_with_a_few_control_bytes_is_read_not_refused(env, tg):
    async with running(build_application(get_settings()), poll_timeout=1):
        tg.send_document(USER, USER, "report.txt", _with_controls(SEED2))
        digest = await tg.wait_text(USER, DIGEST_MARK, timeout=30)
    assert "平陆县" in digest and "3 个控制字符" in digest, digest
    assert "二进制" not in "".join(tg.texts(USER))
    assert_user_safe(tg, USER)


def test_the_cli_reads_it_too(tmp_path, monkeypatch, capsys):
    path = tmp_path / "report.txt"
    path.write_bytes(_with_controls(SEED2))
    assert main(["summarize", "--offline", str(path)]) == 0
    out = capsys.readouterr().out
    assert "平陆县" in out and "3 个控制字符" in out


# ---- Telegram's `file is too big` for a small file -----------------------------------------------


async def test_telegrams_file_is_too_big_names_the_real_limit(env, tg):
    tg.fail_next("getFile", 400, "Bad Request: file is too big")
    async with running(build_application(get_settings()), poll_timeout=1):
        tg.send_document(USER, USER, "small.txt", SEED2.encode("utf-8")[:6600])
        answer = await tg.wait_text(USER, "20 MB", timeout=20)
    assert "0.0 MB" not in answer and "Telegram" in answer, answer
    assert len(tg.texts(USER)) == 1
    assert_user_safe(tg, USER)


# ---- a model's English highlight -----------------------------------------------------------------


async def test_english_text_from_the_model_is_not_shown_in_a_chinese_digest(env, tg):
    def english(request):
        answer = grounded_answer(request)
        answer["highlights"] = ["Total investment 1", *answer["highlights"]]
        answer["summary"] = "The county held a meeting on key projects. " + answer["summary"]
        return Reply(content=json.dumps(answer, ensure_ascii=False))

    with FakeOpenAI() as llm:
        llm.default = english
        env.setenv("OPENAI_BASE_URL", llm.base_url)
        env.setenv("OPENAI_API_KEY", "sk-test-english")
        async with running(build_application(get_settings()), poll_timeout=1):
            tg.send_text(USER, USER, SEED2)
            digest = await tg.wait_text(USER, DIGEST_MARK, timeout=30)
    assert llm.requests
    assert "Total investment" not in digest and "The county" not in digest, digest
    assert "平陆县" in digest
    assert_user_safe(tg, USER)


# ---- two instances polling one token -------------------------------------------------------------

CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


def test_a_second_instance_polling_is_one_log_line(tmp_path, tg):
    tg.fail_next("getUpdates", 409, CONFLICT, times=6)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "TELEGRAM_", "OPENAI_"))}
    env.update(
        COUNTYBOT_DB=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_URL=tg.url,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 90
        while len(tg.calls_of("getUpdates")) < 8:  # the six refused, then polling again
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        proc.send_signal(2)
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err[-3000:]
    said = [ln.split(" ", 2)[-1] for ln in err.splitlines()]  # after the date and time (09:02:35,409 …)
    lines = [ln for ln in said if "another" in ln.lower() or "409" in ln or "Conflict" in ln]
    assert len(lines) == 1 and "another instance" in lines[0], err[-3000:]


# ---- candidate ids that do not exist -------------------------------------------------------------


async def test_ids_that_are_not_candidates_are_not_numbers_not_found():
    doc, rules = report()

    def bogus_ids(request):
        answer = grounded_answer(request)
        bogus = [{"id": f"F{900 + i}", "label": "x", "kind": None, "period": None} for i in range(7)]
        answer["figures"] += bogus
        return Reply(content=json.dumps(answer, ensure_ascii=False))

    with FakeOpenAI() as server:
        server.default = bogus_ids
        b = make_backend(server)
        try:
            digest = await b.digest(doc, rules)
        finally:
            await b.aclose()
    not_found = notices.dropped({"numbers": 1})[0].split("1")[1]  # 「处数字在原文中找不到…」
    assert not any(not_found in w for w in digest.warnings), digest.warnings
    assert digest.figures and digest.backend.startswith("llm:")
