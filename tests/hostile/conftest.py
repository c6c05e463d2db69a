"""The model half of issue 10's fault matrix: a lying or broken model, a hostile server.

Every report here is invented (county from the gazetteer, people and numbers made up); the real
`openai` client talks to tests/fakes/openai_server.py on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from extract.llm.backend import LLMBackend, RetryPolicy
from extract.llm.calllog import MemoryCallLog
from extract.llm.config import LLMConfig
from extract.models import Digest, Document
from extract.pipeline import document_from_text, rules_digest
from tests.fakes.openai_server import FakeOpenAI, Reply, grounded_answer, task_of

FAST = RetryPolicy(base_s=0.02, max_s=0.1, max_attempts=8, min_call_s=0.05)

REPORT = """黎川县召开重点项目推进会
4月8日，黎川县召开重点项目推进会。县委副书记、县长韩知秋主持会议，县委书记周岚讲话。会议通报，一季度全县重点项目开复工率96%，年度投资完成率112%，完成投资18.6亿元。全县分解86项241条任务，重点项目总投资52亿元。今年计划实施重点项目48个，年度计划投资31亿元。一季度召开专题会议11次，协调解决问题37个。
"""


def report(text: str = REPORT) -> tuple[Document, Digest]:
    doc = document_from_text(text)
    return doc, rules_digest(doc)


def make_backend(
    server: FakeOpenAI | str, log: MemoryCallLog | None = None, policy: RetryPolicy = FAST, **cfg: Any
) -> LLMBackend:
    url = server if isinstance(server, str) else server.base_url
    cfg.setdefault("model", "test-model")
    return LLMBackend(
        LLMConfig(base_url=url, **cfg), call_log=log if log is not None else MemoryCallLog(), policy=policy
    )


async def digest_once(b: LLMBackend, doc: Document, rules: Digest) -> Digest:
    try:
        return await b.digest(doc, rules)
    finally:
        await b.aclose()


def candidate_ids(request: dict[str, Any]) -> dict[str, str]:
    """surface -> candidate id, from the task message the backend sent."""
    return {s: i for i, s in re.findall(r"^\[(F\d+)\] (\S+)", task_of(request), re.M)}


def answering(edit: Callable[[dict[str, Any], dict[str, Any]], None]) -> Callable[[dict[str, Any]], Reply]:
    """A model that answers the grounded answer after `edit(answer, request)` changed it."""

    def reply(request: dict[str, Any]) -> Reply:
        a = grounded_answer(request)
        edit(a, request)
        return Reply(content=json.dumps(a, ensure_ascii=False))

    return reply


@pytest.fixture
def llm_cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server: FakeOpenAI) -> Path:
    """The CLI against the fake LLM server (its model, a data dir and a store under tmp_path); REPORT as a
    file, whose path it returns."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("COUNTYBOT_MODEL", "test-model")
    monkeypatch.setenv("COUNTYBOT_DATA_DIR", str(tmp_path / "data-dir"))
    monkeypatch.setenv("COUNTYBOT_DB", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path
