"""Scoring against gold annotations: the numbers `countybot eval` prints."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from extract.errors import InputError
from extract.evaluate import GoldDocument, GoldFigure, GoldFormatError, load_gold, overall, score_document
from extract.models import County, Digest, Figure
from tests.conftest import ROOT, SEEDS


def fig(surface: str, value: float, unit: str, kind: str | None = None) -> Figure:
    return Figure(surface=surface, value=value, unit=unit, kind=kind)  # type: ignore[arg-type]


GOLD = GoldDocument(
    file="x.txt",
    published=date(2023, 12, 29),
    counties=[County(name="甲县", city="乙市", province="丙省")],
    figures=[
        GoldFigure(surface="281亿元", value=28_100_000_000, unit="元", kind="target"),
        GoldFigure(surface="19个", value=19, unit="个", kind="result"),
        GoldFigure(surface="66.7%", value=66.7, unit="%", kind="result"),
        GoldFigure(surface="17.92亿元", value=1_792_000_000, unit="元", kind=None),
    ],
    optional=[GoldFigure(surface="第2", value=2, unit="")],
)


def test_load_seed_gold() -> None:
    gold = load_gold(SEEDS / "gold.json")
    assert gold.schema_ == "countybot-gold/1"
    assert len(gold.documents) == 5
    first = gold.documents[0]
    assert first.published == date(2023, 12, 29) and first.counties[0].name == "大宁县"
    assert first.figures[9].value == 28_100_000_000 and first.figures[9].kind == "target"
    assert gold.documents[3].figures == [] and gold.documents[3].optional[0].surface == "30天"
    assert load_gold(ROOT / "tests" / "reports" / "gold.json").documents


def test_perfect_digest() -> None:
    digest = Digest(
        published=date(2023, 12, 29),
        counties=[County(name="甲县")],
        figures=[fig("281亿元", 28_100_000_000, "元", "target"), fig("19个", 19, "个", "result"),
                 fig("66.7%", 66.7, "%", "result"), fig("17.92亿元", 1_792_000_000, "元", "target")],
    )
    s = score_document(digest, GOLD)
    assert (s.true_positives, s.false_positives, s.misses) == (4, 0, 0)
    assert s.precision == s.recall == s.f1 == 1.0
    # the null gold kind is not scored, whatever the digest says
    assert (s.kind_scored, s.kind_right, s.kind_accuracy) == (3, 3, 1.0)
    assert s.county_found is True and s.date_right is True


def test_false_positives_misses_optional_and_kinds() -> None:
    digest = Digest(
        published=date(2023, 12, 30),
        counties=[County(name="丁县")],
        figures=[
            fig("281亿元", 28_100_000_000, "元", "result"),  # matched, wrong kind
            fig("19个", 19, "个", None),  # matched, kind missing
            fig("第2", 2, ""),  # optional: neither for nor against
            fig("2023年", 2023, "年"),  # false positive
            fig("19人", 19, "人"),  # same value, other unit: false positive
        ],
    )
    s = score_document(digest, GOLD)
    assert (s.true_positives, s.false_positives, s.misses) == (2, 2, 2)
    assert s.false_positive_surfaces == ["2023年", "19人"]
    assert s.missed_surfaces == ["66.7%", "17.92亿元"]
    assert s.precision == pytest.approx(0.5) and s.recall == pytest.approx(0.5) and s.f1 == pytest.approx(0.5)
    assert (s.kind_scored, s.kind_right) == (2, 0)
    assert s.kind_errors == ["281亿元: result, gold target", "19个: None, gold result"]
    assert s.county_found is False and s.date_right is False


def test_relative_tolerance() -> None:
    near = Digest(figures=[fig("a", 66.7 * (1 + 5e-7), "%")])
    far = Digest(figures=[fig("a", 66.7 * (1 + 5e-6), "%")])
    assert score_document(near, GOLD).true_positives == 1
    assert score_document(far, GOLD).true_positives == 0


def test_each_gold_figure_matches_once() -> None:
    twice = Digest(figures=[fig("19个", 19, "个"), fig("19个", 19.0, "个")])
    s = score_document(twice, GOLD)
    assert (s.true_positives, s.false_positives) == (1, 1)


def test_empty_document_and_unknown_date() -> None:
    empty = GoldDocument(file="e.txt", figures=[], optional=[GoldFigure(surface="30天", value=30, unit="天")])
    s = score_document(Digest(figures=[fig("30天", 30, "天")]), empty)
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert s.kind_accuracy is None and s.date_right is None and s.county_found is None
    s = score_document(Digest(figures=[fig("5个", 5, "个")]), empty)
    assert s.precision == 0.0 and s.f1 == 0.0


def test_overall_is_micro_averaged() -> None:
    good = score_document(
        Digest(published=date(2023, 12, 29), counties=[County(name="甲县")],
               figures=[fig("281亿元", 28_100_000_000, "元", "target"), fig("19个", 19, "个", "result"),
                        fig("66.7%", 66.7, "%", "result"), fig("17.92亿元", 1_792_000_000, "元")]),
        GOLD,
    )
    bad = score_document(Digest(figures=[fig("2023年", 2023, "年")]), GOLD)
    total = overall([good, bad])
    assert (total.true_positives, total.false_positives, total.misses) == (4, 1, 4)
    assert total.precision == pytest.approx(4 / 5) and total.recall == pytest.approx(4 / 8)
    assert total.f1 == pytest.approx(2 * 0.8 * 0.5 / 1.3)
    assert (total.kind_right, total.kind_scored, total.kind_accuracy) == (3, 3, 1.0)
    assert (total.counties_found, total.counties_total, total.dates_right, total.dates_total) == (1, 2, 1, 2)
    assert overall([]).f1 == 1.0 and overall([]).kind_accuracy is None


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("not json", "JSON"),
        (json.dumps({"schema": "other/1", "documents": []}), "countybot-gold/1"),
        (json.dumps({"schema": "countybot-gold/1", "documents": [{"figures": []}]}), "file"),
        (json.dumps({"schema": "countybot-gold/1", "documents": [{"file": "a", "figures": [{"value": 1}]}]}),
         "surface"),
    ],
)
def test_bad_gold_files_raise_a_clear_error(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "gold.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldFormatError) as err:
        load_gold(path)
    assert needle in str(err.value)
    assert isinstance(err.value, InputError) and err.value.user_message


def test_missing_gold_file(tmp_path: Path) -> None:
    with pytest.raises(GoldFormatError) as err:
        load_gold(tmp_path / "nope.json")
    assert "nope.json" in err.value.user_message
