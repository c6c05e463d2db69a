"""Issue N: `countybot llm log --show N` prints one call whole, like simonw/llm's `llm logs`: the prompt as
sent, the model's answer as it came (both redacted) and what of the answer was not taken, and why; times
in COUNTYBOT_TIMEZONE with the zone written. Through bot.cli.main, the real `openai` client and the fake
OpenAI-compatible server on 127.0.0.1; the CLI's JSONL log and the bot's llm_calls table alike."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from extract.llm.calllog import CallRecord
from tests.fakes.openai_server import FakeOpenAI, Reply, grounded_answer, grounded_reply
from tests.hostile import conftest as hostile
from tests.hostile.conftest import candidate_ids

KEY = "sk-" + "Qm7Rt2" * 8
llm_cli_env = hostile.llm_cli_env  # the fixture (shared with tests/hostile/test_llm_cli.py)


def _lying(request: dict[str, Any]) -> Reply:
    """A model that keeps every candidate but also invents: an id it was never given, a figure the report
    does not hold, a summary sentence with a number the report never says (and the API key echoed in
    it), and a label copied from another clause."""
    a = grounded_answer(request)
    ids = candidate_ids(request)
    a["figures"].append({"id": "F99", "label": "虚构", "kind": "result", "period": None})
    a["added"].append({"surface": "999亿元", "label": "总产值", "kind": "result", "period": None})
    a["summary"] = f"全县投资增长77.7%。密钥{KEY}。"
    for f in a["figures"]:
        if f["id"] == ids["241条"]:
            f["label"] = "重点项目总投资"
    return Reply(content=json.dumps(a, ensure_ascii=False))


@pytest.fixture
def env(llm_cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)  # a key the lying model echoes: the log must mask it
    return llm_cli_env


def test_show_prints_prompt_answer_and_what_was_dropped_and_why(
    env: Path, server: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    server.default = _lying
    assert main(["summarize", "--json", str(env)]) == 0  # re-asked, then the best answer, cut
    capsys.readouterr()

    assert main(["llm", "log", "--show", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("调用 1 · ") and "test-model" in out and "答案不合格" in out
    # the prompt as sent: the report and the numbered candidates, then the model's answer as it came
    assert "── 提示（" in out and "黎川县召开重点项目推进会" in out and "[F1]" in out
    assert "── 模型的回答 ──" in out and "999亿元" in out
    assert KEY not in out and KEY[:12] not in out and "***" in out  # the echoed key, redacted
    # what was not taken, each with its reason in Chinese
    dropped = out[out.index("── 未采用") :]
    assert "数字 F99：不是给出的候选编号，已删除" in dropped
    assert "补充的数字 999亿元：原文中没有，已删除" in dropped
    assert "摘要句「全县投资增长77.7%" in dropped and "含原文没有的数字，已删除" in dropped
    assert "摘要句「密钥***" in dropped and "不是中文，已删除" in dropped  # cut for its language, key masked
    assert "241条：所在分句不支持这个说法，改用规则的标签" in dropped
    # the same call as JSON: the record, with the reasons as codes
    assert main(["llm", "log", "--show", "1", "--json"]) == 0
    rec = CallRecord.model_validate_json(capsys.readouterr().out)
    reasons = {(r.what, r.reason) for r in rec.rejected}
    assert {("figure", "unknown_id"), ("added", "not_in_text"), ("summary", "numbers_not_in_text")} <= reasons
    assert ("summary", "not_chinese") in reasons
    assert ("label", "label_unsupported") in reasons
    assert rec.messages[0]["role"] == "system" and rec.response and KEY not in rec.model_dump_json()


def test_show_reads_the_bots_table_and_numbers_like_the_list(
    env: Path, server: FakeOpenAI, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server.default = grounded_reply
    assert main(["ingest", str(env)]) == 0  # one call, in the store's llm_calls table
    capsys.readouterr()
    monkeypatch.setenv("COUNTYBOT_TIMEZONE", "America/New_York")
    assert main(["llm", "log"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:3] == ["编号", "时间", "模型"]
    assert lines[1].split()[0] == "1" and lines[-1].endswith("countybot llm log --show 编号")
    assert main(["llm", "log", "--json", "-n", "1"]) == 0
    rec = CallRecord.model_validate_json(capsys.readouterr().out)
    local = rec.time.replace(tzinfo=rec.time.tzinfo or UTC).astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%Y-%m-%d %H:%M:%S %Z}" in lines[1]  # the configured zone, written

    assert main(["llm", "log", "--show", "1"]) == 0
    out = capsys.readouterr().out
    assert "黎川县召开重点项目推进会" in out and "── 模型的回答 ──" in out
    # the fake model alternates target/result: a flip against a 完成 clause is kept as the rules had it
    assert "目标/实际 F5 18.6亿元：与所在分句的说法相反，保留规则的判断" in out
    assert f"{local:%Y-%m-%d %H:%M:%S %Z}" in out.splitlines()[0]

    assert main(["llm", "log", "--show", "5"]) == 1
    err = capsys.readouterr().err
    assert "没有编号为 5 的调用（现有 1 次" in err


def test_show_of_an_old_record_says_nothing_was_kept(
    env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A record written before prompts were logged (no messages, no response) reads, and says so."""
    old = {
        "time": "2026-01-02T03:04:05Z", "base_url": "http://127.0.0.1:1/v1", "model": "m", "mode": "text",
        "latency_ms": 12.0, "outcome": "ok", "prompt_version": "v", "doc_sha256": "0" * 64,
        "overrides": ["F1 5%: label 'x' unsupported"],
    }
    log = tmp_path / "data-dir" / "llm" / "llm_calls.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text(json.dumps(old) + "\n", encoding="utf-8")
    assert main(["llm", "log", "--show", "1"]) == 0
    out = capsys.readouterr().out
    assert "2026-01-02 11:04:05 CST" in out  # Asia/Shanghai, the default zone
    assert "没有记录提示和回答" in out and "F1 5%: label 'x' unsupported" in out


def test_a_deleted_report_takes_its_text_out_of_the_call_log(
    env: Path, server: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    """The prompt holds the report: deleting the report (what the bot's /delete calls) leaves each of its
    calls with time, model, tokens and outcome, and nothing of the text."""
    import asyncio

    from bot.report_list import delete_report
    from bot.service import Service
    from bot.settings import get_settings

    server.default = grounded_reply
    assert main(["ingest", "--json", "--scope", "chat:7", str(env)]) == 0
    report_id = json.loads(capsys.readouterr().out)["reports"][0]["report_id"]
    assert main(["llm", "log", "--show", "1"]) == 0
    assert "黎川县召开重点项目推进会" in capsys.readouterr().out

    async def delete() -> bool:
        service = await Service.create(get_settings())
        try:
            return await delete_report(service, report_id, "chat:7")
        finally:
            await service.close()

    assert asyncio.run(delete())
    assert main(["llm", "log", "--show", "1"]) == 0
    out = capsys.readouterr().out
    assert "报告已删除" in out and "test-model" in out and "成功" in out
    assert "黎川" not in out and "韩知秋" not in out
    assert main(["llm", "log", "--show", "1", "--json"]) == 0
    rec = CallRecord.model_validate_json(capsys.readouterr().out)
    assert rec.forgotten and rec.messages == [] and rec.response is None and rec.rejected == []
    assert rec.prompt_tokens and rec.outcome == "ok"


def test_a_calls_number_stays_as_new_calls_arrive(
    env: Path, server: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    """Calls are numbered from the first one logged (like a shell's history): the list shows the newest,
    highest number first, and `--show 1` is the same call before and after others arrive — from the CLI's
    own log and the bot's table alike."""
    server.default = grounded_reply

    def show(n: int) -> CallRecord:
        assert main(["llm", "log", "--show", str(n), "--json"]) == 0
        return CallRecord.model_validate_json(capsys.readouterr().out)

    def another(n: int) -> str:  # another text: a cached answer would make no call
        path = env.with_name(f"report{n}.txt")
        path.write_text(env.read_text(encoding="utf-8") + f"\n会议共{n + 10}人参加。\n", encoding="utf-8")
        return str(path)

    assert main(["summarize", "--json", str(env)]) == 0  # call 1, in the CLI's JSONL log
    capsys.readouterr()
    first = show(1)
    assert main(["summarize", "--json", another(2)]) == 0  # call 2
    assert main(["ingest", another(3)]) == 0  # call 3, in the store's llm_calls table
    capsys.readouterr()
    assert main(["llm", "log"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()[1:-1]
    assert [r.split()[0] for r in rows] == ["3", "2", "1"]
    assert show(1) == first  # still the first call
    assert show(3).time > show(2).time > first.time
    assert main(["llm", "log", "-n", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[0] == "3"  # the newest keeps its number
    assert main(["llm", "log", "--show", "4"]) == 1
    assert "现有 3 次，编号 1–3，3 是最新的一次" in capsys.readouterr().err
