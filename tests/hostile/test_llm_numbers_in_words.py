"""Issue P: numbers written in words, and a lying model that writes them.

The rules read 十二点五亿元, 百分之六点五, 一点二亿元, 二成, 翻一番 as their values (not 五亿元 / 六 /
二亿元); grounding compares values, so a highlight whose number the report never states is dropped whether the
model writes it in digits or in words (投资增长二成), and a number the report writes in words may be
repeated in digits (12.5亿元). Issue K's sign goes the same way: a fall stays a fall whatever the model
labels or adds. The report is invented (county from the gazetteer, numbers made up); the real `openai`
client talks to the fake server on 127.0.0.1.
"""

from __future__ import annotations

from typing import Any

from bot.render.html import render_digest
from extract.llm.calllog import MemoryCallLog
from tests.fakes.openai_server import FakeOpenAI
from tests.hostile.conftest import answering, candidate_ids, digest_once, make_backend, report

WORDS = """黎川县召开经济运行分析会
10月9日，黎川县召开经济运行分析会。会议通报，前三季度全县完成固定资产投资十二点五亿元，投资增长百分之六点五。全县争取专项债券一点二亿元，旅游接待人次较上年翻一番。规上工业增加值下降3.2%。
"""


def test_the_rules_read_numbers_in_words_as_their_values() -> None:
    _, rules = report(WORDS)
    got = {f.surface: (f.value, f.unit) for f in rules.figures}
    assert got["十二点五亿元"] == (1_250_000_000, "元")
    assert got["百分之六点五"] == (6.5, "%")
    assert got["一点二亿元"] == (120_000_000, "元")
    assert got["翻一番"] == (2, "倍")
    assert got["3.2%"] == (-3.2, "%")
    assert not {"五亿元", "百分之六", "二亿元"} & set(got)  # the old misreadings


def _lie_in_words(a: dict[str, Any], _req: dict[str, Any]) -> None:
    a["highlights"] = [
        "投资增长二成",  # invented, in words: the report never says 20
        "前三季度完成固定资产投资12.5亿元",  # the report's 十二点五亿元 in digits: true
        "投资增长6.5%",  # the report's 百分之六点五: true
        "争取专项债券三点二亿元",  # invented decimal in words
    ]


async def test_a_number_invented_in_words_is_caught_like_one_in_digits(server: FakeOpenAI) -> None:
    server.default = answering(_lie_in_words)
    doc, rules = report(WORDS)
    log = MemoryCallLog()
    d = await digest_once(make_backend(server, log), doc, rules)
    assert d.backend.startswith("llm:test-model")
    assert "投资增长二成" not in d.highlights and "争取专项债券三点二亿元" not in d.highlights
    assert {"前三季度完成固定资产投资12.5亿元", "投资增长6.5%"} <= set(d.highlights)
    html = render_digest(d)
    assert "二成" not in html and "三点二" not in html
    problems = " ".join(r.error or "" for r in log.records)
    assert "二成" in problems and "三点二亿" in problems  # named in the call log only


def _flip_the_fall(a: dict[str, Any], req: dict[str, Any]) -> None:
    ids = candidate_ids(req)
    for f in a["figures"]:
        if f["id"] == ids["3.2%"]:
            f.update(label="规上工业增加值增长", kind="result")  # a fall worded as growth
    a["added"] = [{"surface": "3.2%", "label": "规上工业增加值增长", "kind": "result", "period": None}]


async def test_a_fall_stays_a_fall_whatever_the_model_says(server: FakeOpenAI) -> None:
    server.default = answering(_flip_the_fall)
    doc, rules = report(WORDS)
    d = await digest_once(make_backend(server, MemoryCallLog()), doc, rules)
    falls = [f for f in d.figures if f.surface == "3.2%"]
    assert [(f.value, f.label) for f in falls] == [(-3.2, "规上工业增加值下降")]  # once, signed, as written
    html = render_digest(d)
    assert "<b>下降3.2%</b> 规上工业增加值" in html
    assert "<b>3.2%</b>" not in html


REVIEW = """黎川县召开经济工作会议
2023年12月26日，黎川县召开经济工作会议。会议通报，预计全年实现地区生产总值86.4亿元、增长4.2%，财政收入突破5亿元。
"""


def _retarget(a: dict[str, Any], _req: dict[str, Any]) -> None:
    for f in a["figures"]:
        f["kind"] = "target"  # the model reads 预计 as a plan


async def test_an_estimate_is_only_ever_a_result(server: FakeOpenAI) -> None:
    doc, rules = report(REVIEW)
    assert [(f.kind, f.estimated) for f in rules.figures] == [("result", True)] * 3  # the rules: estimates
    server.default = answering(_retarget)
    d = await digest_once(make_backend(server, MemoryCallLog()), doc, rules)
    assert d.figures and all(f.kind == "target" for f in d.figures)
    assert not any(f.estimated for f in d.figures)  # a target marked 预计-result would contradict itself
    assert "预计" not in "".join(line for line in render_digest(d).splitlines() if "🎯" in line)
