"""The finder and the whole pipeline on the second blind set: tests/reports_blind2/ (12 reports).

Written and annotated before anything was run on them, in styles the first two sets lack: a 政府工作报告
excerpt with 预期目标 (左右/以上), 统计公报-style news (同比, 个百分点, a 15.3:55.7:29.0 structure), a
县委全会, an interview (记者：/答：), 招商签约 news, a 乡村振兴 progress report, a page copied from a
browser (site name, menu bar, breadcrumb, then the title), a date line before the headline, a 150-character
news flash ending on "（记者 …）", a neighbour county named once, 旗/县级市/市辖区 subjects and 美元 next to
元. Traditional script with pinyin glosses for five of them. tests/reports_blind2/build_raw.py rebuilds the
raw files from normalized/.
"""

from __future__ import annotations

import difflib

import pytest

from extract.evaluate import load_gold
from extract.pipeline import document_from_bytes, rules_digest
from extract.text.normalize import normalize
from tests.conftest import ROOT
from tests.report_sets import check_annotations, check_scores, score_set

BLIND2 = ROOT / "tests" / "reports_blind2"
GOLD = load_gold(BLIND2 / "gold.json")
EARLIER = [load_gold(ROOT / "tests" / d / "gold.json") for d in ("reports", "reports_blind")]


def test_the_set_is_broad_and_new() -> None:
    docs = GOLD.documents
    assert len(docs) >= 12
    assert len({d.counties[0].province for d in docs}) >= 10
    earlier = {d.counties[0].name for g in EARLIER for d in g.documents}
    assert not {d.counties[0].name for d in docs} & earlier
    subjects = {d.counties[0].name[-1] for d in docs}
    assert {"旗", "市", "区", "县"} <= subjects  # a 旗, 县级市 and 市辖区 among the subjects
    units = {f.unit for d in docs for f in d.figures}
    expected = {"元", "美元", "%", "个百分点", "亩", "吨", "斤", "公里", "人", "户", "家", "人次", "场次"}
    assert expected <= units
    kinds = [f.kind for d in docs for f in d.figures]
    assert kinds.count("target") >= 40 and kinds.count("result") >= 140
    raw = {d.file: (BLIND2 / d.file).read_text(encoding="utf-8") for d in docs}
    assert sum("(" in r and "來源" in r for r in raw.values()) >= 4  # traditional with pinyin glosses
    assert any(r.lstrip()[:4].isdigit() for r in raw.values())  # a date line before the headline


@pytest.mark.parametrize("doc", GOLD.documents, ids=lambda d: d.file)
def test_annotations_are_consistent(doc) -> None:  # type: ignore[no-untyped-def]
    check_annotations(doc, BLIND2)


def test_reference_texts() -> None:
    check_scores(score_set(GOLD, BLIND2, through_normalize=False))


def test_through_normalisation() -> None:
    check_scores(score_set(GOLD, BLIND2, through_normalize=True))


@pytest.mark.parametrize("doc", GOLD.documents, ids=lambda d: d.file)
def test_normalisation_gives_the_reference_text_and_metadata(doc) -> None:  # type: ignore[no-untyped-def]
    got = normalize((BLIND2 / doc.file).read_text(encoding="utf-8"))
    ref = (BLIND2 / "normalized" / doc.file).read_text(encoding="utf-8").strip()
    for para in ref.split("\n"):  # every paragraph kept, nothing of the furniture left
        assert para in got.text.split("\n"), para
    assert difflib.SequenceMatcher(None, got.text, ref, autojunk=False).ratio() >= 0.99
    assert (got.title, got.published, got.source) == (doc.title, doc.published, doc.source)


@pytest.mark.parametrize("doc", GOLD.documents, ids=lambda d: d.file)
def test_county_and_date_through_the_pipeline(doc) -> None:  # type: ignore[no-untyped-def]
    digest = rules_digest(document_from_bytes((BLIND2 / doc.file).read_bytes(), doc.file))
    assert digest.published == doc.published
    assert digest.counties, doc.file
    first = digest.counties[0]
    gold = doc.counties[0]
    assert (first.name, first.city, first.province) == (gold.name, gold.city, gold.province)
