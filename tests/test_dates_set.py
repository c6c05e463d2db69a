"""Issue K, measured on real texts (tests/dates/gold.json): the report's date (or undated) and each key
figure's period. A period is right, unknown (we say 时期不详 where the text tells) or wrong (another period,
or one where the text tells none). Run this file as a script for the numbers and every miss."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from extract.digest.rules import rules_digest
from extract.models import Digest, Document, Figure
from extract.pipeline import document_from_bytes
from tests.conftest import ROOT

DATES = ROOT / "tests" / "dates"


def _gold() -> list[dict[str, Any]]:
    return json.loads((DATES / "gold.json").read_text(encoding="utf-8"))["documents"]


@cache
def _read(file: str) -> tuple[Document, Digest]:
    path = (DATES / file).resolve()
    doc = document_from_bytes(path.read_bytes(), path.name)
    return doc, rules_digest(doc)


def _figure(digest: Digest, g: dict[str, Any]) -> Figure | None:
    found = sorted((f for f in digest.figures if f.surface == g["surface"]), key=lambda f: f.start)
    if "context" in g:
        found = [f for f in found if g["context"] in f.quote]
    return found[0] if found else None


def _alternatives(period: object) -> list[object]:
    return period if isinstance(period, list) else [period]


def score() -> dict[str, Any]:
    out: dict[str, Any] = {"documents": 0, "dates_right": 0, "undated": 0, "undated_dated": 0,
                           "figures": 0, "right": 0, "unknown": 0, "wrong": 0, "misses": []}  # fmt: skip
    for d in _gold():
        doc, digest = _read(d["file"])
        want = date.fromisoformat(d["published"]) if d["published"] else None
        out["documents"] += 1
        out["dates_right"] += doc.published == want
        if want is None:
            out["undated"] += 1
            out["undated_dated"] += doc.published is not None
        if doc.published != want:
            out["misses"].append(f"{d['file']}: date {doc.published} ({doc.published_from}), gold {want}")
        for g in d["figures"]:
            fig = _figure(digest, g)
            assert fig is not None, f"{d['file']}: no figure {g['surface']}"
            gold = _alternatives(g["period"])
            out["figures"] += 1
            if fig.period in gold:
                out["right"] += 1
                continue
            verdict = "unknown" if fig.period is None else "wrong"
            out[verdict] += 1
            miss = f"{d['file']} {g['surface']}: {verdict} {fig.period!r}, gold {g['period']!r}"
            out["misses"].append(miss)
    return out


def test_the_set_is_real_and_sourced() -> None:
    docs = _gold()
    short = [d for d in docs if d["file"].startswith("items/")]
    assert len(short) >= 15 and len(docs) - len(short) >= 3
    assert all(d["url"] for d in docs)
    assert {p.name for p in (DATES / "items").glob("*.txt")} == {Path(d["file"]).name for d in short}
    assert sum(1 for d in docs if d["published"] is None) >= 10  # most news excerpts carry no date


def test_report_dates_on_real_texts() -> None:
    s = score()
    assert s["dates_right"] == s["documents"], s["misses"]
    assert s["undated_dated"] == 0  # an undated text is never given a date


def test_periods_on_real_texts() -> None:
    s = score()
    # never a wrong year: a period the text does not support is the error that flips a verdict
    assert s["wrong"] == 0, s["misses"]
    assert s["right"] >= 0.8 * s["figures"], s


if __name__ == "__main__":  # pragma: no cover
    result = score()
    for line in result.pop("misses"):
        print(line)
    print(result)
