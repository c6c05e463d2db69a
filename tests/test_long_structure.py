"""Kinds and key-figure order on real, full-length work reports (tests/reports_long, countybot-gold/2).

Gold figures are matched by position: value and unit, at the place its `context` snippet stands in the
normalised text (so three 增长5% in one paragraph are three figures). Kind accuracy is over matched
figures; the key-order share is the main-targets figures among the first ten shown (of those matched,
at most ten). Figures-found and label scoring live in extract/evaluate.py.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from functools import cache

import pytest

from extract.digest.rules import rules_digest
from extract.models import Digest, Figure
from extract.text.normalize import normalize
from tests.conftest import ROOT

LONG = ROOT / "tests" / "reports_long"
GOLD = json.loads((LONG / "gold.json").read_text(encoding="utf-8"))
SHOWN = 10
_QUALIFIER_TAIL = re.compile(r"(?:左右|以上|以内|以下|多|余)$")


@cache
def digest_of(file: str) -> tuple[str, Digest]:
    gold = next(d for d in GOLD["documents"] if d["file"] == file)
    doc = normalize((LONG / file).read_text(encoding="utf-8"))
    if doc.published is None and gold["published"]:  # the report's own date (read by the normaliser)
        doc = doc.model_copy(update={"published": date.fromisoformat(gold["published"])})
    return doc.text, rules_digest(doc)


def locate(text: str, g: dict) -> int | None:
    """Offset of the gold figure in the normalised text: its number inside its context snippet."""
    ctx = g["context"]
    at = text.find(ctx)
    if at < 0:
        at = text.find(ctx.replace(",", "，"))
    if at < 0:
        return None
    surface = g["surface"]
    for s in (surface, _QUALIFIER_TAIL.sub("", surface)):
        i = text.find(s, at, at + len(ctx) + len(s))
        if i >= 0:
            return i
    return None


def match(figures: list[Figure], text: str, g: dict) -> Figure | None:
    pos = locate(text, g)
    if pos is None:
        return None
    for f in figures:
        same = f.unit == g["unit"] and math.isclose(f.value, g["value"], rel_tol=1e-6)
        if same and f.start <= pos < f.end + 2:
            return f
    return None


def score(file: str) -> dict[str, int]:
    text, digest = digest_of(file)
    gold = next(d for d in GOLD["documents"] if d["file"] == file)
    shown = digest.figures[: max(SHOWN, digest.key_figures)][:SHOWN]
    out = {"gold": 0, "matched": 0, "kind_scored": 0, "kind_right": 0, "main": 0, "main_shown": 0}
    for g in gold["figures"]:
        out["gold"] += 1
        f = match(digest.figures, text, g)
        if f is None:
            continue
        out["matched"] += 1
        if g["kind"] is not None:
            out["kind_scored"] += 1
            out["kind_right"] += f.kind == g["kind"]
        if g.get("main"):
            out["main"] += 1
            out["main_shown"] += any(x is f for x in shown)
    out["main"] = min(out["main"], SHOWN)
    return out


FILES = [d["file"] for d in GOLD["documents"]]


def test_the_set_is_long_and_annotated() -> None:
    assert GOLD["schema"] == "countybot-gold/2" and len(FILES) >= 8
    for file in FILES:
        text, _ = digest_of(file)
        assert len(text) >= 10_000
        gold = next(d for d in GOLD["documents"] if d["file"] == file)
        assert any(g.get("main") for g in gold["figures"])
        assert all(locate(text, g) is not None for g in gold["figures"]), file


def test_kinds_on_long_reports() -> None:
    totals = [score(f) for f in FILES]
    scored = sum(t["kind_scored"] for t in totals)
    right = sum(t["kind_right"] for t in totals)
    matched = sum(t["matched"] for t in totals)
    assert matched >= 0.75 * sum(t["gold"] for t in totals)  # figures found: see extract/evaluate.py
    assert right / scored >= 0.95, (right, scored)


def test_main_targets_lead_the_figures_shown() -> None:
    totals = [score(f) for f in FILES]
    main = sum(t["main"] for t in totals)
    shown = sum(t["main_shown"] for t in totals)
    assert main >= 20
    assert shown / main >= 0.95, (shown, main)


@pytest.mark.parametrize("file", FILES)
def test_every_long_report_has_key_figures_and_resolved_periods(file: str) -> None:
    _, digest = digest_of(file)
    assert 1 <= digest.key_figures <= SHOWN
    key = digest.figures[: digest.key_figures]
    assert key[0].kind == "target"
    # relative periods are calendar ones in a work report: no 今年/全年/明年 left among the key figures
    assert not any(f.period and re.match(r"今年|全年|明年|去年|年内", f.period) for f in key)
