"""The finder on reports it was not written against: tests/reports/ (own reports with gold annotations).

The reports imitate the seeds (news and county-government sites, several in traditional script with pinyin
glosses), come from other provinces and carry the usual traps (dates next to figures, 1-10月, 前三季度,
同比增长, 个百分点, 第3, phone/ICP numbers, 十四五, slogans with Chinese numerals). They were annotated
before the rules were tuned on them; tests/reports/build_raw.py rebuilds the raw files from normalized/.
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

REPORTS = ROOT / "tests" / "reports"
GOLD = load_gold(REPORTS / "gold.json")
HAVE_NORMALIZE = importlib.util.find_spec("extract.normalize") is not None


def test_the_set_is_broad() -> None:
    docs = GOLD.documents
    assert len(docs) >= 10
    assert len({d.counties[0].province for d in docs}) >= 8
    units = {f.unit for d in docs for f in d.figures}
    assert {"元", "%", "个百分点", "亩", "公里", "吨", "千瓦", "人", "户", "家", "人次", "美元"} <= units
    assert any(re.search(r"[一二两三四五六七八九十]", f.surface) for d in docs for f in d.figures)
    assert any(not d.figures for d in docs)  # a report with no key figure at all
    kinds = [f.kind for d in docs for f in d.figures]
    assert kinds.count("target") >= 50 and kinds.count("result") >= 150 and None in kinds


@pytest.mark.parametrize("doc", GOLD.documents, ids=lambda d: d.file)
def test_annotations_are_consistent(doc) -> None:  # type: ignore[no-untyped-def]
    raw = (REPORTS / doc.file).read_text(encoding="utf-8")
    text = (REPORTS / "normalized" / doc.file).read_text(encoding="utf-8")
    for g in doc.figures + doc.optional:
        assert g.surface in text and g.context in text, g
    keys = [(g.value, g.unit) for g in doc.figures + doc.optional]
    assert len(keys) == len(set(keys))  # one figure per (value, unit), as the finder reports them
    assert doc.title is None or doc.title in text
    assert raw.strip() and raw != text  # the raw file carries site furniture (and maybe glosses) around it


def test_several_reports_are_traditional_with_glosses() -> None:
    raws = [(REPORTS / d.file).read_text(encoding="utf-8") for d in GOLD.documents]
    glossed = [r for r in raws if re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùü]+\)", r)]
    assert len(glossed) >= 5


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
    for s in scores:  # no report may be a disaster either
        assert s.f1 >= 0.75, (s.file, detail.get(s.file))


def test_reference_texts() -> None:
    texts = {d.file: ((REPORTS / "normalized" / d.file).read_text(encoding="utf-8"), d.published)
             for d in GOLD.documents}
    _check(_score(texts))


@pytest.mark.skipif(not HAVE_NORMALIZE, reason="extract.normalize not there yet")
def test_through_normalisation() -> None:
    from extract.normalize import normalize

    texts = {}
    for d in GOLD.documents:
        doc = normalize((REPORTS / d.file).read_text(encoding="utf-8"))
        assert doc.published == d.published, d.file
        texts[d.file] = (doc.text, doc.published)
    _check(_score(texts))
