"""One word per concept (issue N): a figure's kind is 目标 / 实际 and tracking is 完成情况 on every surface —
the bot, the CLI, the CSV headers and the chart legend. The variants once used (✅ called 完成 or 结果, a
status column called 状态) appear nowhere in bot/'s strings."""

from __future__ import annotations

import ast

from bot.render.common import KIND_WORD
from bot.render.export import COLUMNS, KIND_ZH, TRACK_COLUMNS
from bot.render.html import render_digest
from tests.conftest import ROOT

VARIANTS = ("✅ 完成", "✅ 结果", "对照结果", "已有结果", "状态", "全期结果")


def _strings(path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_no_variant_words_in_bot_strings() -> None:
    found = [
        (str(p.relative_to(ROOT)), v)
        for p in sorted((ROOT / "bot").rglob("*.py"))
        for s in _strings(p)
        for v in VARIANTS
        if v in s
    ]
    assert found == []


def test_one_set_of_words_for_kinds_and_statuses() -> None:
    from extract.models import Digest, Figure

    assert KIND_WORD == KIND_ZH == {"target": "目标", "result": "实际"}
    assert dict(COLUMNS)["status"] == dict(TRACK_COLUMNS)["status"] == "完成情况"
    figure = Figure(value=6, unit="%", surface="6%", kind="target", label="GDP增长", quote="6%")
    digest = Digest(figures=[figure])
    assert "（🎯 目标 · ✅ 实际）" in render_digest(digest)
