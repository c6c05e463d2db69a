"""The LLM backend's pure parts: chunking, schema, prompts, cache keys, token estimates, answer review."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extract.llm import modes, prompt
from extract.llm.assemble import Grounder, review
from extract.llm.cache import JsonDirCache, MemoryCache, cache_key
from extract.llm.calllog import CallRecord, JsonlCallLog
from extract.llm.chunking import Chunk, split_in_two, split_text
from extract.llm.config import LLMConfig
from extract.llm.schema import Answer, answer_schema, answer_schema_text
from extract.llm.tokens import estimate_tokens
from extract.models import Digest, Document
from extract.pipeline import document_from_bytes, rules_digest
from tests.conftest import SEEDS


def seed(name: str) -> tuple[Document, Digest]:
    path = next(SEEDS.glob(f"{name}*.txt"))
    doc = document_from_bytes(path.read_bytes(), path.name)
    return doc, rules_digest(doc)


# -- chunking ----------------------------------------------------------------------------------------
def test_split_text_cuts_at_paragraphs_into_equal_parts() -> None:
    paras = [f"第{i}段。" * 40 for i in range(60)]  # 60 paragraphs of ~200 chars
    text = "\n".join(paras)
    chunks = split_text(text, 5000)
    assert "".join(c.text for c in chunks) == text
    assert all(len(c.text) <= 5000 for c in chunks)
    assert len(chunks) == 3  # ~12k in three ~4k parts, not 5k + 5k + 2k
    assert all(c.text.endswith("\n") for c in chunks[:-1])
    assert [c.start for c in chunks] == [0, len(chunks[0].text), len(chunks[0].text) + len(chunks[1].text)]


def test_split_text_falls_back_to_sentences_then_hard_cuts() -> None:
    text = "一句话。" * 1000  # one 4000-char paragraph
    chunks = split_text(text, 1000)
    assert "".join(c.text for c in chunks) == text
    assert all(len(c.text) <= 1000 and c.text.endswith("。") for c in chunks)
    blob = "字" * 2500
    assert [len(c.text) for c in split_text(blob, 1000)] == [1000, 1000, 500]
    assert split_text("短文。", 1000) == [Chunk(0, "短文。")]


def test_split_in_two_prefers_the_paragraph_nearest_the_middle() -> None:
    text = "甲" * 100 + "\n" + "乙" * 90 + "\n" + "丙" * 30
    a, b = split_in_two(Chunk(10, text))
    assert a.text + b.text == text and a.text.endswith("\n") and b.start == 10 + len(a.text)
    assert len(a.text) == 101


# -- schema and prompts ------------------------------------------------------------------------------
def _objects(node: object) -> list[dict]:
    if isinstance(node, dict):
        found = [node] if node.get("type") == "object" else []
        return found + [o for v in node.values() for o in _objects(v)]
    if isinstance(node, list):
        return [o for v in node for o in _objects(v)]
    return []


def test_schema_is_strict_mode_compatible() -> None:
    objs = _objects(answer_schema())
    assert len(objs) == 4  # answer, figure choice, added figure, person
    for o in objs:
        assert o["additionalProperties"] is False and set(o["required"]) == set(o["properties"])
    assert "default" not in answer_schema_text() and "title" not in answer_schema_text()


def test_answer_parsing_is_lenient_about_harmless_slips() -> None:
    a = Answer.model_validate(
        {
            "summary": "s",
            "highlights": "一条",
            "figures": [{"id": 7, "kind": "目标"}, {"id": "[f3]", "kind": "完成"}],
            "people": ["王某"],
            "extra": 1,
        }
    )
    assert [f.id for f in a.figures] == ["F7", "F3"] and [f.kind for f in a.figures] == ["target", "result"]
    assert a.highlights == ["一条"] and a.people[0].name == "王某" and a.added == []


def test_prompt_static_part_and_example() -> None:
    for mode in modes.MODES:
        system, ex_in, ex_out = prompt.static_messages(mode)
        assert system["role"] == "system" and "JSON" in system["content"]
        example = json.loads(modes.extract_json(ex_out["content"]))
        Answer.model_validate(example)  # the worked example obeys the schema it teaches
        # every number in the example answer is in the example report
        from extract.digest.grounding import ungrounded_numbers

        assert ungrounded_numbers(example["summary"] + "".join(example["highlights"]), ex_in["content"]) == []
    assert answer_schema_text() in prompt.system_message("json_object")
    assert answer_schema_text() not in prompt.system_message("json_schema")  # sent as response_format


def test_candidate_lines_anchor_each_figure() -> None:
    doc, rules = seed("000")
    cands = prompt.number_candidates(rules.figures)
    lines = prompt.candidate_lines(cands, doc.text).splitlines()
    assert len(lines) == len(rules.figures)
    for c, line in zip(cands, lines, strict=True):
        assert line.startswith(f"[{c.id}] {c.figure.surface} …") and c.figure.surface in line.split(" ", 2)[2]
    task = prompt.task_message(doc, rules, doc.text, cands)
    assert task.endswith(doc.text) and "大宁县" in task.split("候选数字")[0]


def test_prompt_version_hashes_the_prompt_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    v1 = prompt.prompt_version()
    assert len(v1) == 12 and v1 == prompt.prompt_version()
    copy = tmp_path / "prompts"
    shutil.copytree(prompt.PROMPTS_DIR, copy)
    system = copy / "system.md"
    system.write_text(system.read_text(encoding="utf-8") + "\n多一句。", encoding="utf-8")
    monkeypatch.setattr(prompt, "PROMPTS_DIR", copy)
    prompt._files.cache_clear()
    prompt.prompt_version.cache_clear()
    try:
        assert prompt.prompt_version() != v1
    finally:
        monkeypatch.undo()
        prompt._files.cache_clear()
        prompt.prompt_version.cache_clear()
    assert prompt.prompt_version() == v1


def test_cache_key_covers_text_and_model() -> None:
    doc = Document(text="某县召开会议。")
    cfg = LLMConfig(model="a")
    k = cache_key(doc, cfg)
    assert len(k) == 64 and k == cache_key(Document(text="某县召开会议。", title="别的标题"), cfg)
    assert k != cache_key(Document(text="某县召开会议!"), cfg)
    assert k != cache_key(doc, LLMConfig(model="b"))


# -- tokens and answer extraction --------------------------------------------------------------------
def test_token_estimate_without_a_tokenizer() -> None:
    assert estimate_tokens("县" * 1000) == 700
    assert 250 <= estimate_tokens("a" * 1000) <= 350
    assert estimate_tokens("") == 0


@pytest.mark.parametrize(
    "content",
    ['{"a": 1}', '```json\n{"a": 1}\n```', '<think>先想想 {x}</think>\n{"a": 1}', '好的：{"a": 1} 以上。'],
)
def test_extract_json(content: str) -> None:
    assert json.loads(modes.extract_json(content)) == {"a": 1}


# -- cache and call log defaults ---------------------------------------------------------------------
async def test_file_cache_and_call_log_round_trip(tmp_path: Path) -> None:
    d = Digest(summary="摘要", backend="llm:x")
    for cache in (JsonDirCache(tmp_path / "c"), MemoryCache()):
        assert await cache.get("ab" * 32) is None
        await cache.put("ab" * 32, d)
        assert await cache.get("ab" * 32) == d
    (tmp_path / "c" / ("cd" * 32 + ".json")).write_text("{broken", encoding="utf-8")
    assert await JsonDirCache(tmp_path / "c").get("cd" * 32) is None  # a corrupt entry is a miss

    log = JsonlCallLog(tmp_path / "log" / "calls.jsonl")
    rec = CallRecord(base_url="http://x/v1", model="m", mode="text", latency_ms=1.5, outcome="ok",
                     prompt_version="v", doc_sha256="0" * 64)
    await log.record(rec)
    await log.record(rec.model_copy(update={"outcome": "timeout", "error": "APITimeoutError"}))
    assert [r.outcome for r in log.read()] == ["ok", "timeout"]


# -- review: what the answer may claim ---------------------------------------------------------------
def test_review_keeps_only_what_the_report_supports() -> None:
    doc, rules = seed("000")
    cands = prompt.number_candidates(rules.figures)
    answer = Answer.model_validate({
        "summary": "大宁县开展冬季行动。总投资999亿元。",
        "highlights": ["组建19个工作专班", "组建20个工作专班"],
        "counties": ["大宁县", "浮山县", "不存在县"],
        "people": [{"name": "王志华", "role": "大宁县委副书记、县长"}, {"name": "李四", "role": "县长"},
                   {"name": "王志华", "role": "重复"}],
        "figures": [{"id": cands[0].id, "label": "2099年目标", "kind": "target", "period": "2099年"},
                    {"id": "F999", "label": None, "kind": None, "period": None}],
        "added": [{"surface": "81亿元", "label": None, "kind": None, "period": None}],
    })
    part = review(answer, cands, Grounder(doc, rules))
    assert part.summary == ["大宁县开展冬季行动。"]
    assert part.highlights == ["组建19个工作专班"]
    assert [c.name for c in part.counties] == ["大宁县"]  # 浮山县 is real but not in this report
    assert [(p.name, p.role) for p in part.people] == [("王志华", "大宁县委副书记、县长")]
    assert len(part.figures) == 1
    f = part.figures[0]
    assert f.label == cands[0].figure.label and f.period == cands[0].figure.period  # 2099 is not in the text
    assert f.kind == "target" and (f.value, f.start) == (cands[0].figure.value, cands[0].figure.start)
    problems = " | ".join(part.problems)
    for needle in ("999", "20", "浮山县", "不存在县", "李四", "F999", "81亿元"):
        assert needle in problems
