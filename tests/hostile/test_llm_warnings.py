"""Issue 10: invented numbers never reach users through the warnings — short notices with counts, in
the chat's language and script; the rejected text only in the call log. Telegram HTML, CLI text, JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.render.html import render_digest
from bot.telegram.reply import convert
from extract.llm.calllog import JsonlCallLog, MemoryCallLog
from tests.fakes.openai_server import FakeOpenAI
from tests.hostile.conftest import REPORT, answering, digest_once, make_backend, report

INVENTED = ("999.99", "8888", "777")
NOTICE = "AI 给出的 4 处数字在原文中找不到，已删除"


def _lie(a: dict[str, Any], _req: dict[str, Any]) -> None:
    a["summary"] = "全年完成投资999.99亿元，新增就业8888个。黎川县召开重点项目推进会。"
    a["highlights"] = ["带动投资777亿元", *a["highlights"]]
    a["added"] = [{"surface": "8888个", "label": "新增就业", "kind": "result", "period": None}]


def _no_invented(text: str) -> None:
    for n in INVENTED:
        assert n not in text, n


async def test_invented_numbers_are_counted_never_quoted(server: FakeOpenAI) -> None:
    server.default = answering(_lie)
    doc, rules = report()
    log = MemoryCallLog()
    d = await digest_once(make_backend(server, log), doc, rules)

    assert d.backend.startswith("llm:test-model")
    assert d.warnings == [NOTICE]  # 999.99亿 8888 (summary), 777 (highlight), 8888个 (added)
    _no_invented(d.model_dump_json())
    assert d.summary == "黎川县召开重点项目推进会。"
    # the rejected text goes to the call log only
    assert any("999.99" in (r.error or "") and "8888个" in (r.error or "") for r in log.records)

    html = render_digest(d)
    _no_invented(html)
    assert f"⚠️ {NOTICE}" in html
    # a traditional-script chat gets the notice in its script
    assert "AI 給出的 4 處數字在原文中找不到，已刪除" in convert(html, "traditional")


def test_cli_text_and_json_warnings_carry_no_model_text(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    server.default = answering(_lie)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("COUNTYBOT_MODEL", "test-model")
    monkeypatch.setenv("COUNTYBOT_DATA_DIR", str(tmp_path / "data-dir"))
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")

    assert main(["summarize", str(path)]) == 0
    out = capsys.readouterr()
    _no_invented(out.out + out.err)
    assert f"⚠ {NOTICE}" in out.out

    assert main(["summarize", "--json", str(path)]) == 0
    out = capsys.readouterr()
    _no_invented(out.out + out.err)
    assert json.loads(out.out)["warnings"] == [NOTICE]
    # the JSONL call log in the data directory keeps what was rejected
    records = JsonlCallLog(tmp_path / "data-dir" / "llm" / "llm_calls.jsonl").read()
    assert any("999.99" in (r.error or "") for r in records)
