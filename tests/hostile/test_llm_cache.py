"""Issue 10: only answers that passed validation are cached; the key is server + model + prompt
version + text; the CLI's cache lives in the data directory, not ./data under the working directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from extract.llm.cache import MemoryCache, cache_key
from extract.llm.calllog import MemoryCallLog
from extract.llm.config import LLMConfig
from extract.llm.prompt import prompt_version
from tests.fakes.openai_server import FakeOpenAI, grounded_reply
from tests.hostile.conftest import FAST, REPORT, answering, report


def _lie(a: dict[str, Any], _req: dict[str, Any]) -> None:
    a["summary"] = "全年完成投资999.99亿元。"


async def test_a_rejected_answer_is_not_cached(server: FakeOpenAI) -> None:
    from extract.llm.backend import LLMBackend

    server.default = answering(_lie)
    doc, rules = report()
    cache = MemoryCache()
    cfg = LLMConfig(base_url=server.base_url, model="m", max_repairs=1)
    b = LLMBackend(cfg, cache=cache, call_log=MemoryCallLog(), policy=FAST)
    try:
        first = await b.digest(doc, rules)
        assert first.warnings  # used (cleaned) but not validated
        assert await cache.get(cache_key(doc, cfg)) is None
        server.default = grounded_reply
        second = await b.digest(doc, rules)
    finally:
        await b.aclose()
    assert len(server.requests) == 3  # answer + re-ask, then asked again: nothing was served from cache
    assert second.warnings == [] and await cache.get(cache_key(doc, cfg)) == second


async def test_another_server_with_the_same_model_name_is_asked_itself() -> None:
    from extract.llm.backend import LLMBackend

    doc, rules = report()
    cache = MemoryCache()  # one cache shared by both, as the store's table is
    with FakeOpenAI() as a, FakeOpenAI() as b:
        a.default = b.default = grounded_reply
        for s in (a, b, a):
            backend = LLMBackend(LLMConfig(base_url=s.base_url, model="m"), cache=cache, policy=FAST)
            try:
                await backend.digest(doc, rules)
            finally:
                await backend.aclose()
        assert (len(a.requests), len(b.requests)) == (1, 1)


def test_cache_key_is_server_model_prompt_and_text() -> None:
    doc, _ = report()
    base = LLMConfig(base_url="http://127.0.0.1:1/v1", model="m")
    k = cache_key(doc, base)
    assert k == cache_key(doc, base.model_copy(update={"timeout_s": 5}))
    assert k != cache_key(doc, base.model_copy(update={"base_url": "http://127.0.0.1:2/v1"}))
    assert k != cache_key(doc, base.model_copy(update={"model": "n"}))
    assert k != cache_key(doc.model_copy(update={"text": doc.text + "。"}), base)
    assert len(prompt_version()) == 12  # and the prompt version is in it (tests/test_llm_units.py)


def test_cli_cache_lives_in_the_data_dir_whatever_the_cwd(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.default = grounded_reply
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    for cwd in ("one", "two"):
        (tmp_path / cwd).mkdir()
        monkeypatch.chdir(tmp_path / cwd)
        assert main(["summarize", "--json", str(path)]) == 0
        assert not (tmp_path / cwd / "data").exists()
    capsys.readouterr()
    assert len(server.requests) == 1  # the second directory found the first one's cached digest
    data = tmp_path / "xdg-data" / "countybot" / "llm"  # the default data dir ($XDG_DATA_HOME/countybot)
    assert list((data / "digests").glob("*.json")) and (data / "llm_calls.jsonl").exists()
