"""Issue 10: `countybot llm log [--json] [-n N]` (time, model, mode, tokens, latency, outcome) and
`countybot llm status` (does the configured server answer: one line, an exit code)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from bot.cli import main
from extract.llm.calllog import CallRecord
from tests.fakes.openai_server import FakeOpenAI, grounded_reply, openai_401
from tests.hostile.conftest import REPORT


@pytest.fixture
def env(llm_cli_env: Path) -> Path:  # (tests/hostile/conftest.py)
    return llm_cli_env


def test_status_answers(env: Path, server: FakeOpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    server.default = grounded_reply
    assert main(["llm", "status"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("LLM 服务正常：") and "test-model" in out[0]
    assert len(server.requests) == 1 and server.requests[0].json["max_tokens"] == 1


def test_status_rejected_key_and_dead_server(
    env: Path, server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "sk-" + "Zt4Wq9" * 8
    monkeypatch.setenv("OPENAI_API_KEY", key)
    server.default = openai_401(key)
    assert main(["llm", "status"]) == 1
    out = capsys.readouterr()
    assert "密钥被拒绝（HTTP 401）" in out.out and key[:12] not in out.out + out.err
    assert "Incorrect" not in out.out + out.err

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{s.getsockname()[1]}/v1")
    assert main(["llm", "status"]) == 1
    assert "连不上" in capsys.readouterr().out


def test_status_without_an_llm(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llm", "status"]) == 2
    assert "未配置 LLM" in capsys.readouterr().out


def test_log_lists_calls_of_the_cli_and_the_bot(
    env: Path, server: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["llm", "log"]) == 0
    assert "还没有 LLM 调用记录" in capsys.readouterr().out
    server.default = grounded_reply
    assert main(["summarize", "--json", str(env)]) == 0  # one call, JSONL in the data dir
    other = env.with_name("other.txt")
    other.write_text(REPORT.replace("11次", "12次"), encoding="utf-8")
    assert main(["ingest", str(other)]) == 0  # one call, in the store's llm_calls table
    capsys.readouterr()

    assert main(["llm", "log"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split() == ["编号", "时间", "模型", "模式", "token（输入+输出）", "耗时", "结果"]
    assert len(lines) == 4 and "--show" in lines[-1]
    for n, line in zip(("2", "1"), lines[1:3], strict=True):  # numbered from the first, newest first
        assert line.split()[0] == n and " CST  test-model  json_schema  " in line and " ms  成功" in line

    assert main(["llm", "log", "--json", "-n", "1"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert len(rows) == 1
    rec = CallRecord.model_validate(json.loads(rows[0]))
    assert rec.outcome == "ok" and rec.prompt_tokens and rec.latency_ms >= 0
    assert not (Path.cwd() / "data").exists()  # reading the log creates nothing under the cwd
