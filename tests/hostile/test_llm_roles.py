"""Issue 10: names and titles in model text must match the report — a summary sentence (or highlight)
giving a person a role the report does not give them is dropped (王某 县委副书记 called 县委书记)."""

from __future__ import annotations

from typing import Any

from extract.llm.calllog import MemoryCallLog
from tests.fakes.openai_server import FakeOpenAI
from tests.hostile.conftest import answering, digest_once, make_backend, report

WRONG = "县委书记韩知秋主持会议。"  # the report: 县委副书记、县长韩知秋
RIGHT = "县长韩知秋主持会议，县委书记周岚讲话。"


async def test_a_sentence_with_a_wrong_title_is_dropped(server: FakeOpenAI) -> None:
    def promote(a: dict[str, Any], _req: dict[str, Any]) -> None:
        a["summary"] = WRONG + RIGHT + "一季度全县重点项目开复工率96%。"
        a["highlights"] = ["副县长周岚讲话", "年度投资完成率112%", "年度计划投资31亿元"]
        a["people"] = [{"name": "韩知秋", "role": "县委书记"}, {"name": "周岚", "role": "县委书记"}]

    server.default = answering(promote)
    doc, rules = report()
    log = MemoryCallLog()
    d = await digest_once(make_backend(server, log, max_repairs=0), doc, rules)
    assert d.summary == RIGHT + "一季度全县重点项目开复工率96%。"
    assert d.highlights[:2] == ["年度投资完成率112%", "年度计划投资31亿元"]
    assert "AI 写错了 2 处人物职务，相关句子已删除" in d.warnings
    assert "韩知秋" not in "".join(d.warnings)
    # the people list: a role the report does not write is replaced by the rules' one
    assert {p.name: p.role for p in d.people} == {"韩知秋": "县委副书记、县长", "周岚": "县委书记"}
    assert any(WRONG in (r.error or "") for r in log.records)


def test_role_claims_compare_titles_and_their_deputy_prefix() -> None:
    from extract.llm import trust

    doc, rules = report()
    people = rules.people
    assert trust.role_mismatches("县委书记韩知秋主持会议", doc.text, people) == ["韩知秋 县委书记"]
    assert trust.role_mismatches("韩知秋（县委书记）主持会议", doc.text, people) == ["韩知秋 县委书记"]
    assert trust.role_mismatches("县长韩知秋主持会议", doc.text, people) == []
    assert trust.role_mismatches("县委副书记韩知秋主持会议", doc.text, people) == []
    assert trust.role_mismatches("副县长韩知秋主持会议", doc.text, people) == ["韩知秋 副县长"]
    # 周岚's title does not leak onto 韩知秋 across the 、 or the comma between them
    assert trust.role_mismatches("县委书记周岚讲话", doc.text, people) == []
    assert trust.role_mismatches("县长周岚讲话", doc.text, people) == ["周岚 县长"]
    assert trust.role_mismatches("韩知秋主持会议", doc.text, people) == []  # no title claimed


async def test_a_sentence_naming_a_person_the_report_never_names_is_dropped(server: FakeOpenAI) -> None:
    def invent(a: dict[str, Any], _req: dict[str, Any]) -> None:
        a["summary"] = "县委书记欧阳明远强调要抓好项目。" + RIGHT
        a["highlights"] = ["副县长欧阳明远通报进度", "年度投资完成率112%", "年度计划投资31亿元"]

    server.default = answering(invent)
    doc, rules = report()
    d = await digest_once(make_backend(server, max_repairs=0), doc, rules)
    assert d.summary == RIGHT and "欧阳明远" not in d.model_dump_json()
    assert "AI 给出的 2 个人名在原文中找不到，已删除" in d.warnings
