"""The finder on the blind set: tests/reports_blind/ (16 reports from provinces the own reports do not use).

Written and annotated before the finder was run on them (201-212 first, then 213-216 after the first
round of fixes), in the style of the seeds: traditional script with pinyin glosses, news and
government-site furniture, Chinese numerals, 万/亿 money, 个百分点, 预计 about ended and coming periods,
plans opening a sentence with 其中 breakdowns, quoted anecdotes, rankings and slogans with numbers.
tests/reports_blind/build_raw.py rebuilds the raw files from normalized/.
"""

from __future__ import annotations

import re

import pytest

from extract.evaluate import load_gold
from tests.conftest import ROOT
from tests.report_sets import check_annotations, check_scores, score_set

BLIND = ROOT / "tests" / "reports_blind"
GOLD = load_gold(BLIND / "gold.json")
OWN = load_gold(ROOT / "tests" / "reports" / "gold.json")


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
    check_annotations(doc, BLIND)


def test_reference_texts() -> None:
    check_scores(score_set(GOLD, BLIND, through_normalize=False))


def test_through_normalisation() -> None:
    check_scores(score_set(GOLD, BLIND, through_normalize=True))
