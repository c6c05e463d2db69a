"""Issue 10: the prompt's worked example is a short invented report — no seed or test report, sharing no
number, county or person with them (a small model copied seed 000's summary and labels onto others)."""

from __future__ import annotations

import json
import re

from extract.llm import prompt
from extract.pipeline import document_from_text, rules_digest
from tests.conftest import ROOT, SEEDS

EXAMPLE_IN = (prompt.PROMPTS_DIR / "example_input.md").read_text(encoding="utf-8")
EXAMPLE_OUT = json.loads((prompt.PROMPTS_DIR / "example_output.json").read_text(encoding="utf-8"))
_TIME = ("年", "月", "日")


def _corpus() -> str:
    dirs = [SEEDS, ROOT.parent / "shared" / "seeds", *sorted((ROOT / "tests").glob("reports*"))]
    files = [p for d in dirs if d.exists() for p in d.rglob("*.txt")]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    texts.append((SEEDS / "gold.json").read_text(encoding="utf-8"))
    return "\n".join(texts)


def _report_text() -> str:
    return EXAMPLE_IN.split("报告原文：", 1)[1].strip()


def test_example_is_short_and_invented() -> None:
    text = _report_text()
    assert len(text) <= 200 and len(EXAMPLE_IN) <= 800
    doc = document_from_text(text)
    digest = rules_digest(doc)
    corpus = _corpus()
    numbers = [f.surface for f in digest.figures if not f.unit.endswith(_TIME)]
    assert len(numbers) >= 5
    for surface in numbers:  # as a whole number: 43个 must not be the tail of 143个
        assert not re.search(rf"(?<![\d.]){re.escape(surface)}", corpus), surface
    names = [*EXAMPLE_OUT["counties"], *(p["name"] for p in EXAMPLE_OUT["people"])]
    for name in names:
        assert name not in corpus, name
        assert name.removesuffix("县") not in corpus, name


def test_example_answer_follows_its_own_rules() -> None:
    """What the example teaches is what the backend checks: labels from their own clause, roles as
    written, every summary number in the text."""
    from extract.llm import trust

    text = _report_text()
    lines = dict(re.findall(r"^\[(F\d+)\] (\S+)", EXAMPLE_IN, re.M))
    doc = document_from_text(text)
    figures = {f.surface: f for f in rules_digest(doc).figures}
    for choice in EXAMPLE_OUT["figures"]:
        f = figures[lines[choice["id"]]]
        assert trust.label_supported(choice["label"], trust.window(doc.text, f)), choice
    for a in EXAMPLE_OUT["added"]:
        assert a["surface"] in text and a["surface"] not in lines.values()
    for p in EXAMPLE_OUT["people"]:
        assert f"{p['role']}{p['name']}" in text
    from extract.digest.grounding import ungrounded_numbers

    for s in [EXAMPLE_OUT["summary"], *EXAMPLE_OUT["highlights"]]:
        assert ungrounded_numbers(s, text) == [], s
