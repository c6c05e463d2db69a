"""Issue 10, secrets: an upstream 401 that echoes the API key (`Incorrect API key provided: sk-…`) never
reaches a digest, the CLI's output, the llm_calls / digests tables, the JSONL call log or a log line;
no upstream error text reaches a user."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli import main
from bot.render.html import render_digest
from bot.store import Store
from bot.store.llm import StoreCallLog
from extract.llm.backend import LLMBackend
from extract.llm.calllog import CallRecord, JsonlCallLog, MemoryCallLog
from extract.llm.config import LLMConfig
from tests.fakes.openai_server import FakeOpenAI, openai_401
from tests.hostile.conftest import FAST, REPORT, report
from tests.hostile.test_llm_breaker import fallback_notice

KEY = "sk-proj-" + "Q7xLm2Rt" * 6
TG_TOKEN = "7301234567:AAH" + "x9Yz_Kq-" * 4
UPSTREAM = "Incorrect API key provided"


def _nothing_secret(text: str) -> None:
    assert KEY not in text and KEY[:20] not in text and UPSTREAM not in text


def _sqlite_dump(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return "\n".join(conn.iterdump())


async def test_401_echoing_the_key_reaches_no_digest_log_or_table(
    server: FakeOpenAI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.default = openai_401(KEY)
    doc, rules = report()
    store = await Store.open(f"sqlite:///{tmp_path / 'calls.sqlite3'}")
    jsonl = JsonlCallLog(tmp_path / "calls.jsonl")
    memory = MemoryCallLog()

    class Both:
        async def record(self, rec: CallRecord) -> None:
            await StoreCallLog(store).record(rec)
            await jsonl.record(rec)
            await memory.record(rec)

    cfg = LLMConfig(base_url=server.base_url, model="m", api_key=SecretStr(KEY))
    b = LLMBackend(cfg, call_log=Both(), policy=FAST)
    with caplog.at_level(logging.DEBUG):
        try:
            d = await b.digest(doc, rules)
        finally:
            await b.aclose()
            await store.close()
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"  # the key was sent...
    assert d.warnings == [fallback_notice("auth")]  # ...and users hear only that it was refused
    _nothing_secret(d.model_dump_json())
    _nothing_secret(render_digest(d))
    assert memory.records and memory.records[0].outcome == "client_error"
    assert "***" in (memory.records[0].error or "")  # the log keeps the error, key masked
    for text in (jsonl.path.read_text(encoding="utf-8"), _sqlite_dump(tmp_path / "calls.sqlite3")):
        assert "client_error" in text and KEY[:20] not in text
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert KEY[:20] not in logged


def test_cli_summarize_and_ingest_never_print_or_store_the_key(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.default = openai_401(KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("COUNTYBOT_DATA_DIR", str(tmp_path / "data"))
    db = tmp_path / "store.sqlite3"
    monkeypatch.setenv("COUNTYBOT_DB", f"sqlite:///{db}")
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")

    for argv in (["summarize", str(path)], ["summarize", "--json", str(path)], ["ingest", str(path)]):
        assert main(argv) in (0, 1)
        out = capsys.readouterr()
        _nothing_secret(out.out + out.err)
    calls = (tmp_path / "data" / "llm" / "llm_calls.jsonl").read_text(encoding="utf-8")
    assert "client_error" in calls and KEY[:20] not in calls  # the error is logged, the key masked
    dump = _sqlite_dump(db)
    assert "llm_calls" in dump and "client_error" in dump and KEY[:20] not in dump  # logged, key masked
    _nothing_secret("\n".join(x for x in dump.splitlines() if "llm_calls" not in x))  # no digest has it


def test_redact_masks_keys_tokens_and_configured_secrets() -> None:
    from extract.llm.redact import redact, register_secret

    assert redact(f"Incorrect API key provided: {KEY}.") == "Incorrect API key provided: ***."
    assert TG_TOKEN not in (redact(f"https://api.telegram.org/bot{TG_TOKEN}/getMe") or "")
    assert redact("Authorization: Bearer abc.def-ghi_jkl") == "Authorization: Bearer ***"
    assert redact("http://user:hunter22@127.0.0.1:8000/v1") == "http://user:***@127.0.0.1:8000/v1"
    register_secret("local-free-form-secret")
    assert redact("key local-free-form-secret rejected") == "key *** rejected"
    assert redact("年度投资完成率112%，总投资52亿元") == "年度投资完成率112%，总投资52亿元"
