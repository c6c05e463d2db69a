"""The LLM backend end to end: the real AsyncOpenAI client against tests/fakes/openai_server.py.

Documents and candidate figures come from the real pipeline (normaliser, finder, rules digest).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from pydantic import SecretStr

from extract.digest.grounding import ungrounded_numbers
from extract.llm import trust
from extract.llm.backend import LLMBackend, RetryPolicy
from extract.llm.cache import MemoryCache, cache_key
from extract.llm.calllog import JsonlCallLog, MemoryCallLog
from extract.llm.config import LLMConfig
from extract.llm.prompt import prompt_version
from extract.models import Digest, Document
from extract.pipeline import document_from_bytes, document_from_text, rules_digest
from tests.conftest import SEEDS
from tests.fakes.openai_server import (
    FakeOpenAI,
    Reply,
    error,
    grounded_answer,
    grounded_reply,
    report_text_of,
    task_of,
)

FAST = RetryPolicy(base_s=0.02, max_s=0.1, max_attempts=8, min_call_s=0.05)


def seed_doc(name: str) -> tuple[Document, Digest]:
    path = next(SEEDS.glob(f"{name}*.txt"))
    doc = document_from_bytes(path.read_bytes(), path.name)
    return doc, rules_digest(doc)


def backend(
    server: FakeOpenAI, log: MemoryCallLog | None = None, policy: RetryPolicy = FAST, **cfg: object
) -> LLMBackend:
    config = LLMConfig(base_url=server.base_url, model="test-model", **cfg)  # type: ignore[arg-type]
    return LLMBackend(config, call_log=log if log is not None else MemoryCallLog(), policy=policy)


async def digest_once(b: LLMBackend, doc: Document, rules: Digest) -> Digest:
    """One report through a fresh backend, closed afterwards."""
    try:
        return await b.digest(doc, rules)
    finally:
        await b.aclose()


def assert_grounded(digest: Digest, doc: Document) -> None:
    for f in digest.figures:
        assert f.surface == doc.text[f.start : f.end], f
    for s in [digest.summary, *digest.highlights]:
        assert ungrounded_numbers(s, doc.text) == [], s


def is_fallback(digest: Digest, rules: Digest, kind: str | None = None) -> bool:
    """The rules digest with one short Chinese notice (of `kind` when given), no upstream text."""
    from extract.llm import notices

    return (
        digest.backend == "rules"
        and digest.figures == rules.figures
        and any(notices.is_fallback_notice(w) for w in digest.warnings)
        and (kind is None or notices.fallback(kind) in digest.warnings)
    )


async def test_happy_path_uses_model_labels_and_kinds(server: FakeOpenAI) -> None:
    doc, rules = seed_doc("000")
    assert len(rules.figures) >= 5  # the finder's candidates are what the model picks from
    server.default = grounded_reply
    log = MemoryCallLog()
    d = await digest_once(backend(server, log), doc, rules)

    assert d.backend == "llm:test-model"
    assert d.prompt_version == prompt_version()
    assert (d.title, d.published, d.source) == (doc.title, doc.published, doc.source)
    assert len(server.requests) == 1
    # every candidate came back with the model's label and kind, values and spans from the finder
    assert len(d.figures) == len(rules.figures)
    by_span = {(f.start, f.end): f for f in rules.figures}
    answer = grounded_answer(server.requests[0].json)["figures"]
    flipped = 0
    for i, f in enumerate(d.figures):
        assert f.label == answer[i]["label"]  # the model's label (its clause supports it)
        cand = by_span[(f.start, f.end)]
        if trust.sure_kind(trust.window(doc.text, cand)) == cand.kind != answer[i]["kind"]:
            assert f.kind == cand.kind  # a kind the rules are sure of is not flipped (issue 10)
            flipped += 1
        else:
            assert f.kind == ("target" if i % 2 == 0 else "result")
        cand = by_span[(f.start, f.end)]
        assert (f.value, f.unit, f.surface, f.quote) == (cand.value, cand.unit, cand.surface, cand.quote)
    assert flipped < len(d.figures) // 2  # most kinds are still the model's
    assert d.summary and 3 <= len(d.highlights) <= 5
    assert [c.name for c in d.counties] == ["大宁县"]
    assert_grounded(d, doc)

    req = server.requests[0].json
    assert req["model"] == "test-model"
    assert req["max_tokens"] == LLMConfig().max_output_tokens and req["temperature"] == 0
    assert req["response_format"]["type"] == "json_schema"
    assert req["response_format"]["json_schema"]["strict"] is True
    assert server.requests[0].headers["authorization"] == "Bearer not-needed"  # local servers need no key
    rec = log.records[0]
    assert (rec.outcome, rec.mode, rec.model) == ("ok", "json_schema", "test-model")
    assert rec.prompt_tokens and rec.completion_tokens and rec.prompt_version == prompt_version()


async def test_static_prefix_is_identical_across_reports(server: FakeOpenAI) -> None:
    server.default = grounded_reply
    b = backend(server)
    try:
        for name in ("000", "002"):
            await b.digest(*seed_doc(name))
    finally:
        await b.aclose()
    a, c = (r.json["messages"] for r in server.requests)
    assert a[:3] == c[:3] and a[3] != c[3]  # system + worked example first: providers' prompt caches hit
    assert "\\u" not in json.dumps(a[:3], ensure_ascii=False)  # example serialised with ensure_ascii=False


async def test_json_schema_rejected_falls_back_to_json_object_and_is_remembered(server: FakeOpenAI) -> None:
    server.push(error(400, "This response_format type is unavailable now", param="response_format"))
    server.default = grounded_reply
    log = MemoryCallLog()
    b = backend(server, log)
    try:
        d1 = await b.digest(*seed_doc("000"))
        d2 = await b.digest(*seed_doc("001"))
    finally:
        await b.aclose()
    assert d1.backend == d2.backend == "llm:test-model"
    kinds = [r.json.get("response_format", {}).get("type") for r in server.requests]
    assert kinds == ["json_schema", "json_object", "json_object"]  # the second report starts where it worked
    system = server.requests[1].json["messages"][0]["content"]
    assert "JSON" in system and '"additionalProperties":false' in system  # schema in the prompt
    assert [r.outcome for r in log.records] == ["format_rejected", "ok", "ok"]


async def test_text_mode_reads_a_fenced_block(server: FakeOpenAI) -> None:
    server.push(error(400, "response_format is not supported"), error(422, "json_object: unsupported"))
    server.default = lambda req: Reply(
        content="好的。\n```json\n" + json.dumps(grounded_answer(req), ensure_ascii=False) + "\n```"
    )
    d = await digest_once(backend(server), *seed_doc("000"))
    assert d.backend == "llm:test-model"
    assert "response_format" not in server.requests[-1].json
    assert "```json" in server.requests[-1].json["messages"][0]["content"]


async def test_429_with_retry_after_then_success(server: FakeOpenAI) -> None:
    server.push(error(429, "Rate limit reached", code="rate_limit_exceeded", headers={"Retry-After": "1"}))
    server.default = grounded_reply
    log = MemoryCallLog()
    b = backend(server, log)
    t0 = time.monotonic()
    try:
        d = await b.digest(*seed_doc("000"))
    finally:
        await b.aclose()
    assert d.backend == "llm:test-model"
    assert len(server.requests) == 2
    assert server.requests[1].time - server.requests[0].time >= 0.95  # Retry-After honoured
    assert time.monotonic() - t0 < 5
    assert [r.outcome for r in log.records] == ["rate_limited", "ok"]


async def test_500_until_the_deadline_gives_rules_digest_within_the_deadline(server: FakeOpenAI) -> None:
    server.default = error(500, "upstream exploded")
    doc, rules = seed_doc("000")
    log = MemoryCallLog()
    # attempts unlimited: only the deadline stops the retries
    policy = RetryPolicy(base_s=0.05, max_s=0.2, max_attempts=1000, min_call_s=0.05)
    b = backend(server, log, policy, deadline_s=1.0, breaker_threshold=1000)  # the breaker is tested apart
    t0 = time.monotonic()
    try:
        d = await b.digest(doc, rules)
    finally:
        await b.aclose()
    elapsed = time.monotonic() - t0
    assert is_fallback(d, rules)
    assert elapsed <= 1.0 + 0.3
    assert len(server.requests) >= 4  # it kept retrying until the deadline
    # the SDK's own retries are off: every HTTP request is one of ours, logged
    assert len(server.requests) == len(log.records)
    assert {r.outcome for r in log.records} == {"server_error"}


async def test_quota_429_is_not_retried(server: FakeOpenAI) -> None:
    server.default = error(429, "You exceeded your current quota", code="insufficient_quota")
    doc, rules = seed_doc("000")
    d = await digest_once(backend(server), doc, rules)
    assert is_fallback(d, rules) and len(server.requests) == 1


async def test_truncated_json_then_valid_reasks_with_the_error(server: FakeOpenAI) -> None:
    doc, rules = seed_doc("000")
    server.push(lambda req: Reply(content=json.dumps(grounded_answer(req), ensure_ascii=False)[:70]))
    server.default = grounded_reply
    log = MemoryCallLog()
    d = await digest_once(backend(server, log), doc, rules)
    assert d.backend == "llm:test-model" and len(d.figures) == len(rules.figures)
    assert len(server.requests) == 2
    reask = server.requests[1].messages
    assert reask[-2]["role"] == "assistant" and len(reask[-2]["content"]) == 70  # its own bad answer
    assert "Invalid JSON" in reask[-1]["content"] and "EOF" in reask[-1]["content"]  # the exact error
    assert [r.outcome for r in log.records] == ["invalid", "ok"]


async def test_invented_figures_and_numbers_never_reach_the_digest(server: FakeOpenAI) -> None:
    doc, rules = seed_doc("000")
    assert "281亿元" in doc.text and "999" not in doc.text and "500亿" not in doc.text

    def liar(req: dict) -> Reply:
        a = grounded_answer(req)
        a["summary"] = "大宁县谋划重点项目。总投资500亿元，带动就业12345人。"
        a["highlights"] = ["年度投资完成率128%", *a["highlights"]]
        a["figures"].append({"id": "F99", "label": "虚构", "kind": "target", "period": None})
        a["added"] = [
            {"surface": "999亿元", "label": "虚构投资", "kind": "target", "period": None},
            {"surface": "81亿元", "label": "半个数字", "kind": "target", "period": None},  # tail of 281亿元
        ]
        return Reply(content=json.dumps(a, ensure_ascii=False))

    server.default = liar
    d = await digest_once(backend(server), doc, rules)
    assert d.backend == "llm:test-model"
    assert len(server.requests) == 1 + LLMConfig().max_repairs  # re-asked, then the answer was cleaned
    assert "F99" in server.requests[1].last_user and "500亿元" in server.requests[1].last_user
    values = {f.value for f in d.figures}
    assert 99900000000 not in values and 8100000000 not in values
    assert "500" not in d.summary and "12345" not in d.summary and "大宁县谋划重点项目" in d.summary
    assert all("128" not in h for h in d.highlights)
    assert_grounded(d, doc)
    # users are told how many numbers were dropped, never the invented text (issue 10)
    assert not any("12345" in w or "999" in w or "500" in w or "F99" in w for w in d.warnings)
    # 500 12345 128% 999亿元 81亿元; F99 is no number, an id that names no candidate (issue P)
    assert "AI 给出的 5 处数字在原文中找不到，已删除" in d.warnings


async def test_wrong_shape_is_reasked_then_accepted(server: FakeOpenAI) -> None:
    server.push(
        Reply(content='["not", "an", "object"]'),
        Reply(content=json.dumps({"summary": 42, "highlights": "x", "figures": [{"label": "无编号"}]})),
    )
    server.default = grounded_reply
    d = await digest_once(backend(server), *seed_doc("000"))
    assert d.backend == "llm:test-model" and len(server.requests) == 3
    second_errors = server.requests[2].last_user
    assert "summary" in second_errors and "figures.0.id" in second_errors


async def test_wrong_shape_forever_gives_rules_digest(server: FakeOpenAI) -> None:
    server.default = Reply(content='{"answer": "我不知道"}')
    doc, rules = seed_doc("000")
    d = await digest_once(backend(server), doc, rules)
    assert is_fallback(d, rules)
    assert len(server.requests) == 1 + LLMConfig().max_repairs
    assert is_fallback(d, rules, "invalid")


async def test_repair_token_budget_limits_reasks(server: FakeOpenAI) -> None:
    server.default = Reply(content="{")
    doc, rules = seed_doc("000")
    d = await digest_once(backend(server, repair_token_budget=100), doc, rules)  # less than one re-ask costs
    assert is_fallback(d, rules) and len(server.requests) == 1


async def test_finish_reason_length_splits_and_never_resends(server: FakeOpenAI) -> None:
    doc, rules = seed_doc("002")
    server.push(Reply(content='{"summary": "平陆县', finish_reason="length"))
    server.default = grounded_reply
    log = MemoryCallLog()
    d = await digest_once(backend(server, log), doc, rules)
    assert d.backend == "llm:test-model"
    first, *rest = (task_of(r.json) for r in server.requests)
    assert len(rest) == 2 and all(t != first for t in rest)  # two halves, the whole never resent
    halves = [report_text_of(t) for t in rest]
    assert "".join(halves) == report_text_of(first) == doc.text
    assert log.records[0].outcome == "length"
    assert_grounded(d, doc)


async def test_context_length_400_splits(server: FakeOpenAI) -> None:
    doc, rules = seed_doc("002")
    server.push(
        error(400, "This model's maximum context length is 4096 tokens", code="context_length_exceeded")
    )
    server.default = grounded_reply
    d = await digest_once(backend(server), doc, rules)
    assert d.backend == "llm:test-model" and len(server.requests) == 3


async def test_slow_server_past_timeout_is_retried(server: FakeOpenAI) -> None:
    server.push(Reply(content="{}", delay=3.0))
    server.default = grounded_reply
    log = MemoryCallLog()
    b = backend(server, log, timeout_s=0.3, retry_timeouts=True)  # a remote server's timeout is retried
    t0 = time.monotonic()
    try:
        d = await b.digest(*seed_doc("000"))
    finally:
        await b.aclose()
    assert d.backend == "llm:test-model"
    assert time.monotonic() - t0 < 2.0
    assert [r.outcome for r in log.records] == ["timeout", "ok"]


async def test_slow_server_forever_gives_rules_digest_within_the_deadline(server: FakeOpenAI) -> None:
    server.default = Reply(content="{}", delay=5.0)
    doc, rules = seed_doc("000")
    b = backend(server, timeout_s=0.4, deadline_s=1.0)
    t0 = time.monotonic()
    try:
        d = await b.digest(doc, rules)
    finally:
        await b.aclose()
    assert is_fallback(d, rules) and time.monotonic() - t0 <= 1.3


async def test_refusal_is_final_and_empty_is_reasked(server: FakeOpenAI) -> None:
    doc, rules = seed_doc("000")
    server.push(Reply(content=None, refusal="I can't help with that."))
    log = MemoryCallLog()
    b = backend(server, log)
    try:
        d = await b.digest(doc, rules)
        assert is_fallback(d, rules, "refused")
        assert len(server.requests) == 1 and log.records[-1].outcome == "refusal"

        server.push(Reply(content=""))
        server.default = grounded_reply
        d = await b.digest(*seed_doc("001"))
    finally:
        await b.aclose()
    assert d.backend == "llm:test-model"
    assert [r.outcome for r in log.records][1:] == ["empty", "ok"]


async def test_same_report_twice_is_one_call(server: FakeOpenAI, tmp_path: Path) -> None:
    server.default = grounded_reply
    doc, rules = seed_doc("000")
    b = backend(server)
    try:
        d1 = await b.digest(doc, rules)
        d2 = await b.digest(doc, rules)
    finally:
        await b.aclose()
    assert d1 == d2 and len(server.requests) == 1

    # file-backed defaults: a new process (backend) with the same cache_dir makes no call either
    cfg = LLMConfig(base_url=server.base_url, model="test-model", cache_dir=tmp_path / "llm")
    for _ in range(2):
        b = LLMBackend(cfg, policy=FAST)
        try:
            d3 = await b.digest(doc, rules)
        finally:
            await b.aclose()
    assert d3 == d1 and len(server.requests) == 2
    records = JsonlCallLog(tmp_path / "llm" / "llm_calls.jsonl").read()
    assert len(records) == 1 and records[0].outcome == "ok"
    assert (tmp_path / "llm" / "digests" / f"{cache_key(doc, cfg)}.json").exists()


async def test_failed_digest_is_not_cached(server: FakeOpenAI) -> None:
    doc, rules = seed_doc("000")
    server.push(error(401, "Incorrect API key provided"))
    server.default = grounded_reply
    cache = MemoryCache()
    cfg = LLMConfig(base_url=server.base_url, model="m", api_key=SecretStr("sk-secret-123"))
    log = MemoryCallLog()
    b = LLMBackend(cfg, cache=cache, call_log=log, policy=FAST)
    try:
        assert is_fallback(await b.digest(doc, rules), rules)
        assert (await b.digest(doc, rules)).backend == "llm:m"
    finally:
        await b.aclose()
    assert len(server.requests) == 2
    assert server.requests[0].headers["authorization"] == "Bearer sk-secret-123"
    assert "sk-secret-123" not in "".join(r.model_dump_json() for r in log.records)


async def test_max_tokens_param_quirk_is_learned(server: FakeOpenAI) -> None:
    server.push(
        error(400, "Unsupported parameter: 'max_tokens' is not supported with this model. "
                   "Use 'max_completion_tokens' instead.", param="max_tokens")
    )
    server.default = grounded_reply
    d = await digest_once(backend(server), *seed_doc("000"))
    assert d.backend == "llm:test-model"
    assert "max_tokens" in server.requests[0].json and "max_completion_tokens" in server.requests[1].json


def long_report() -> Document:
    """~30,000 characters of real report text: the seeds' normalised bodies, repeated with a
    different year so the repeats are not identical."""
    bodies = [p.read_text(encoding="utf-8").strip() for p in sorted((SEEDS / "normalized").glob("*.txt"))]
    parts: list[str] = []
    n = 0
    while sum(len(p) + 1 for p in parts) < 30000:
        parts.append(bodies[n % len(bodies)].replace("2024年", f"{2024 + n // len(bodies)}年"))
        n += 1
    return document_from_text("\n".join(parts)[:30000])


async def test_30000_character_report_is_chunked_merged_and_grounded(server: FakeOpenAI) -> None:
    doc = long_report()
    rules = rules_digest(doc)
    assert len(doc.text) > 25000

    def answer(req: dict) -> Reply:
        a = grounded_answer(req)
        a["highlights"].append("全县新增投资777亿元")  # invented: must be dropped
        return Reply(content=json.dumps(a, ensure_ascii=False))

    server.default = answer
    log = MemoryCallLog()
    d = await digest_once(backend(server, log, max_repairs=0), doc, rules)
    assert d.backend == "llm:test-model"
    # chunks are sent concurrently: put them back in report order
    texts = sorted((report_text_of(task_of(r.json)) for r in server.requests), key=doc.text.find)
    assert len(texts) == 3 and all(len(t) <= LLMConfig().max_chars for t in texts)
    assert "".join(texts) == doc.text  # chunks cut at boundaries, nothing lost or repeated
    assert all(t.endswith(("\n", "。", "！", "？", "；")) for t in texts[:-1])
    # merged: every figure of the rules digest once (the same number may be two metrics' figures), each
    # pointing at its own text
    mentions = [(f.start, f.value, f.unit, f.label) for f in d.figures]
    assert len(mentions) == len(set(mentions)) == len(rules.figures)
    assert {(f.value, f.unit) for f in d.figures} == {(f.value, f.unit) for f in rules.figures}
    assert {f.kind for f in d.figures} == {"target", "result"}  # the model's kinds, from every chunk
    assert_grounded(d, doc)
    assert len(d.summary) <= 200 and 3 <= len(d.highlights) <= 5
    assert not any("777" in h for h in d.highlights)


async def test_model_added_figure_is_accepted_only_verbatim(server: FakeOpenAI) -> None:
    doc, rules = seed_doc("000")
    missed = next(f for f in rules.figures if f.surface == "281亿元")
    rules = rules.model_copy(update={"figures": [f for f in rules.figures if f is not missed]})

    def answer(req: dict) -> Reply:
        a = grounded_answer(req)
        a["added"] = [
            {"surface": "281亿元", "label": "总投资", "kind": "target", "period": "2024年"},
            {"surface": "2024年", "label": "年份", "kind": None, "period": None},  # a date, not a figure
        ]
        return Reply(content=json.dumps(a, ensure_ascii=False))

    server.default = answer
    d = await digest_once(backend(server, max_repairs=0), doc, rules)
    added = [f for f in d.figures if f.surface == "281亿元"]
    assert len(added) == 1
    f = added[0]
    assert (f.value, f.unit, f.label, f.kind, f.period) == (28100000000, "元", "总投资", "target", "2024年")
    assert (f.start, f.end) == (missed.start, missed.end) and f.quote and "281亿元" in f.quote
    assert not any(f.surface == "2024年" for f in d.figures)
    assert_grounded(d, doc)


async def test_unreadable_bodies_are_retried_then_answered(server: FakeOpenAI) -> None:
    server.push(Reply(body="<html>502 Bad Gateway</html>"), Reply(body={"object": "not a completion"}))
    server.default = grounded_reply
    log = MemoryCallLog()
    d = await digest_once(backend(server, log), *seed_doc("000"))
    assert d.backend == "llm:test-model"
    assert [r.outcome for r in log.records] == ["server_error", "empty", "ok"]


async def test_nothing_listening_gives_rules_digest() -> None:
    import socket

    with socket.socket() as s:  # a port that was free a moment ago: connection refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    doc, rules = seed_doc("000")
    cfg = LLMConfig(base_url=f"http://127.0.0.1:{port}/v1", model="m", deadline_s=2.0)
    b = LLMBackend(cfg, policy=FAST)
    t0 = time.monotonic()
    try:
        d = await b.digest(doc, rules)
    finally:
        await b.aclose()
    assert is_fallback(d, rules, "unreachable")
    assert time.monotonic() - t0 < 2.3
