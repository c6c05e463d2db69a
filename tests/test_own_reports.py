"""The finder on reports it was not written against: tests/reports/ (own reports with gold annotations).

The reports imitate the seeds (news and county-government sites, several in traditional script with pinyin
glosses), come from other provinces and carry the usual traps (dates next to figures, 1-10月, 前三季度,
同比增长, 个百分点, 第3, phone/ICP numbers, 十四五, slogans with Chinese numerals). They were annotated
before the rules were tuned on them; tests/reports/build_raw.py rebuilds the raw files from normalized/.
"""

from __future__ import annotations

import re

import pytest

from extract.evaluate import load_gold
from tests.conftest import ROOT
from tests.report_sets import check_annotations, check_scores, score_set

REPORTS = ROOT / "tests" / "reports"
GOLD = load_gold(REPORTS / "gold.json")


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
    check_annotations(doc, REPORTS)


def test_several_reports_are_traditional_with_glosses() -> None:
    raws = [(REPORTS / d.file).read_text(encoding="utf-8") for d in GOLD.documents]
    glossed = [r for r in raws if re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùü]+\)", r)]
    assert len(glossed) >= 5


def test_reference_texts() -> None:
    check_scores(score_set(GOLD, REPORTS, through_normalize=False))


def test_through_normalisation() -> None:
    check_scores(score_set(GOLD, REPORTS, through_normalize=True))
