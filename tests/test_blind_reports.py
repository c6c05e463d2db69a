"""The finder on the blind set: tests/reports_blind/ (16 reports from provinces the own reports do not use).

Written and annotated before the finder was run on them (201-212 first, then 213-216 after the first
round of fixes), in the style of the seeds: traditional script with pinyin glosses, news and
government-site furniture, Chinese numerals, 万/亿 money, 个百分点, 预计 about ended and coming periods,
plans opening a sentence with 其中 breakdowns, quoted anecdotes, rankings and slogans with numbers.
tests/reports_blind/build_raw.py rebuilds the raw files from normalized/.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date

import pytest

from extract.evaluate import DocScore, load_gold, overall, score_document
from extract.figures import find_figures
from extract.models import Digest
from tests.conftest import ROOT

BLIND = ROOT / "tests" / "reports_blind"
GOLD = load_gold(BLIND / "gold.json")
OWN = load_gold(ROOT / "tests" / "reports" / "gold.json")
HAVE_NORMALIZE = importlib.util.find_spec("extract.normalize") is not None


def test_the_set_is_broad_and_new() -> None:
    docs = GOLD.documents
    assert len(docs) >= 12
    provinces = {d.counties[0].province for d in docs}
    assert len(provinces) >= 7
    assert not provinces & {d.counties[0].province for d in OWN.documents}
    units = {f.unit for d in docs for f in d.figures}
    expected = {"元", "%", "个百分点", "亩", "平方米", "公里", "吨", "斤", "千瓦", "千瓦时", "人次", "美元"}
    assert expected <= units
    assert any(re.search(r"[一二两三四五六七八九十]", f.surface) for d in docs for f in d.figures)
    kinds = [f.kind for d in docs for f in d.figures]
    assert kinds.count("target") >= 60 and kinds.count("result") >= 150


@pytest.mark.parametrize("doc", GOLD.documents, ids=lambda d: d.file)
def test_annotations_are_consistent(doc) -> None:  # type: ignore[no-untyped-def]
    raw = (BLIND / doc.file).read_text(encoding="utf-8")
    text = (BLIND / "normalized" / doc.file).read_text(encoding="utf-8")
    for g in doc.figures + doc.optional:
        assert g.surface in text and g.context in text, g
    keys = [(g.value, g.unit) for g in doc.figures + doc.optional]
    assert len(keys) == len(set(keys))
    assert doc.title is None or doc.title in text
    assert raw.strip() and raw != text


def _score(texts: dict[str, tuple[str, date | None]]) -> list[DocScore]:
    scores = []
    for doc in GOLD.documents:
        text, published = texts[doc.file]
        figures = find_figures(text, published=published)
        scores.append(score_document(Digest(figures=figures, published=published), doc))
    return scores


def _check(scores: list[DocScore]) -> None:
    total = overall(scores)
    detail = {s.file: (s.false_positive_surfaces, s.missed_surfaces, s.kind_errors) for s in scores
              if s.false_positive_surfaces or s.missed_surfaces or s.kind_errors}
    assert total.f1 >= 0.9, detail
    assert total.kind_accuracy is not None and total.kind_accuracy >= 0.85, detail
    for s in scores:
        assert s.f1 >= 0.75, (s.file, detail.get(s.file))


def test_reference_texts() -> None:
    texts = {d.file: ((BLIND / "normalized" / d.file).read_text(encoding="utf-8"), d.published)
             for d in GOLD.documents}
    _check(_score(texts))


@pytest.mark.skipif(not HAVE_NORMALIZE, reason="extract.normalize not there yet")
def test_through_normalisation() -> None:
    from extract.normalize import normalize

    texts = {}
    for d in GOLD.documents:
        doc = normalize((BLIND / d.file).read_text(encoding="utf-8"))
        assert doc.published == d.published, d.file
        texts[d.file] = (doc.text, doc.published)
    _check(_score(texts))
