"""Issue 10: real servers' quirks, reproduced in the fake server — llama-cpp-python's HTTP 500 for
json_schema is "format not supported" (next mode at once, never retried); a local server slower than
the timeout is never retried blindly, and a local URL gets a long timeout from the settings."""

from __future__ import annotations

import time

from bot.settings import Settings
from extract.llm.calllog import MemoryCallLog
from extract.llm.config import DEFAULT_LOCAL_TIMEOUT_S
from tests.fakes.openai_server import FakeOpenAI, Reply, error, grounded_reply, llama_cpp
from tests.hostile.conftest import digest_once, make_backend, report
from tests.hostile.test_llm_breaker import fallback_notice


async def test_llama_cpp_json_schema_500_goes_to_json_object_at_once(server: FakeOpenAI) -> None:
    server.default = llama_cpp()
    doc, rules = report()
    log = MemoryCallLog()
    b = make_backend(server, log)
    try:
        d = await b.digest(doc, rules)
        assert d.backend == "llm:test-model"
        types = [r.json.get("response_format", {}).get("type") for r in server.requests]
        assert types == ["json_schema", "json_object"]  # not 8 retries of a "transient" 500
        assert [r.outcome for r in log.records] == ["format_rejected", "ok"]
        d2 = await b.digest(*report(doc.text.replace("11次", "12次")))
    finally:
        await b.aclose()
    assert d2.backend == "llm:test-model"
    assert len(server.requests) == 3 and server.requests[2].json["response_format"]["type"] == "json_object"


async def test_a_plain_500_is_still_a_transient_error(server: FakeOpenAI) -> None:
    server.push(error(500, "upstream exploded"))
    server.default = grounded_reply
    d = await digest_once(make_backend(server), *report())
    types = [r.json.get("response_format", {}).get("type") for r in server.requests]
    assert d.backend == "llm:test-model" and types == ["json_schema", "json_schema"]


async def test_a_local_server_slower_than_the_timeout_is_not_retried(server: FakeOpenAI) -> None:
    server.default = Reply(content="{}", delay=3.0)  # still computing when we give up
    doc, rules = report()
    log = MemoryCallLog()
    t0 = time.monotonic()
    d = await digest_once(make_backend(server, log, timeout_s=0.3, deadline_s=5.0), doc, rules)
    assert time.monotonic() - t0 < 1.5
    assert len(server.requests) == 1 and [r.outcome for r in log.records] == ["timeout"]
    assert d.backend == "rules" and d.warnings == [fallback_notice("timeout")]


def test_a_local_base_url_gets_a_long_timeout_and_no_timeout_retries() -> None:
    for url in ("http://127.0.0.1:8080/v1", "http://localhost:11434/v1", "http://192.168.1.20:8000/v1"):
        cfg = Settings(openai_base_url=url).llm_config()
        assert cfg.is_local and not cfg.retries_timeouts
        assert cfg.timeout_s == DEFAULT_LOCAL_TIMEOUT_S and cfg.deadline_s >= 2 * cfg.timeout_s
    remote = Settings(openai_base_url="https://api.deepseek.com/v1").llm_config()
    assert not remote.is_local and remote.retries_timeouts and remote.timeout_s == 30
    explicit = Settings(openai_base_url="http://127.0.0.1:8080/v1", llm_timeout_s=90).llm_config()
    assert explicit.timeout_s == 90


def test_local_model_settings_are_documented() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    env = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in ("COUNTYBOT_LLM_LOCAL_TIMEOUT_S", "COUNTYBOT_LLM_BREAKER_COOLDOWN_S", "COUNTYBOT_DATA_DIR"):
        assert name in readme and f"\n{name}=" in env
    assert "llama" in readme.lower() and "countybot llm status" in readme
