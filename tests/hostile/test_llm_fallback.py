"""Issue 10: when the model's answer is useless, the rules digest fills in figures, county, people and
summary, and the backend line says which parts came from where."""

from __future__ import annotations

from typing import Any

from bot.render.html import backend_text, render_digest
from bot.render.text import render_digest_text
from tests.fakes.openai_server import FakeOpenAI
from tests.hostile.conftest import answering, digest_once, make_backend, report


async def test_every_figure_and_person_rejected_keeps_the_rules_ones(server: FakeOpenAI) -> None:
    def useless(a: dict[str, Any], _req: dict[str, Any]) -> None:
        a["figures"] = [{"id": f"F{90 + i}", "label": "虚构", "kind": "target"} for i in range(3)]
        a["people"] = [{"name": "司马无名", "role": "县长"}]
        a["counties"] = ["不存在县"]

    server.default = answering(useless)
    doc, rules = report()
    d = await digest_once(make_backend(server, max_repairs=0), doc, rules)

    assert d.figures == rules.figures and len(d.figures) == 10
    assert d.people == rules.people and [p.name for p in d.people] == ["韩知秋", "周岚"]
    assert [c.name for c in d.counties] == ["黎川县"]
    assert d.backend == "llm:test-model+rules"
    assert d.sources == {"summary": "llm", "figures": "rules", "people": "rules", "counties": "rules"}
    assert "报告中没有关键数字" not in render_digest_text(d, color=False)
    line = backend_text(d.backend, d.sources)
    assert "AI 摘要（test-model）" in line and "关键数字、人物、县名由规则补上" in line
    assert line in render_digest(d)
    assert "[llm:test-model+rules：关键数字、人物、县名由规则补上]" in render_digest_text(d, color=False)


async def test_empty_answer_parts_are_all_filled_from_the_rules(server: FakeOpenAI) -> None:
    def empty(a: dict[str, Any], _req: dict[str, Any]) -> None:
        a.update(summary="", highlights=[], figures=[], people=[], counties=[], added=[])

    server.default = answering(empty)
    doc, rules = report()
    d = await digest_once(make_backend(server), doc, rules)
    assert len(server.requests) == 1  # a valid (if empty) answer: nothing to re-ask
    assert (d.summary, d.figures) == (rules.summary, rules.figures)
    assert (d.people, d.counties) == (rules.people, rules.counties)
    assert d.highlights == rules.highlights[: len(d.highlights)] and d.highlights
    assert d.backend == "llm:test-model+rules"
    assert set(d.sources.values()) == {"rules"}


async def test_a_full_answer_names_the_model_alone(server: FakeOpenAI) -> None:
    server.default = answering(lambda a, r: None)
    doc, rules = report()
    d = await digest_once(make_backend(server), doc, rules)
    assert d.backend == "llm:test-model" and set(d.sources.values()) == {"llm"}
    assert backend_text(d.backend, d.sources) == "AI 摘要（test-model），数字均摘自原文"
