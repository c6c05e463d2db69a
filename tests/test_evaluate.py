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


# ---- countybot-gold/2 --------------------------------------------------------------------------------------

def g2(surface: str, value: float, label: str, qualifier: str | None = None, **kw: object) -> GoldFigure:
    return GoldFigure.model_validate(
        {"surface": surface, "value": value, "unit": "%", "kind": "target", "label": label,
         "qualifier": qualifier, **kw}
    )


def labelled(surface: str, value: float, label: str | None, qualifier: str | None = None,
             kind: str | None = "target", **kw: object) -> Figure:
    return Figure.model_validate({"surface": surface, "value": value, "unit": "%", "label": label,
                                  "qualifier": qualifier, "kind": kind, **kw})


MAIN = GoldDocument(
    file="long.txt",
    scope="main",
    figures=[
        g2("5%", 5, "地区生产总值增长", main=True),
        g2("5%", 5, "固定资产投资增长", main=True),
        g2("6%左右", 6, "社会消费品零售总额增长", "左右", main=True),
        g2("4.5%—5%", 4.5, "城镇居民人均可支配收入增长", low=4.5, high=5),
    ],
)


def test_gold2_matches_label_aware_and_scores_main_targets() -> None:
    digest = Digest(figures=[
        labelled("5%", 5, "全县GDP增长"),  # the same metric, worded otherwise
        labelled("5%", 5, "一般公共预算收入增长"),  # same number, another metric: no match
        labelled("6%左右", 6, "社会消费品零售总额增长", "左右", kind="result"),
        labelled("4.5%—5%", 4.5, "城镇居民人均可支配收入增长", low=4.5, high=5),
        labelled("9%", 9, "其他"),  # not annotated: scope main scores no precision
    ])
    s = score_document(digest, MAIN)
    assert (s.true_positives, s.misses, s.false_positives) == (3, 1, 0)
    assert s.precision is None and s.f1 is None and s.recall == pytest.approx(0.75)
    assert s.value_matches == 4  # 固定资产投资增长's 5% is there by value, not by label
    assert s.main_missed == ["5% 固定资产投资增长"]
    assert (s.main_total, s.main_found, s.main_kind_right, s.main_top) == (3, 2, 1, 2)
    assert (s.shape_scored, s.shape_right) == (2, 2)
    assert (s.labels_scored, s.labels_exact) == (3, 3)  # 全县GDP增长 normalises to 地区生产总值增长


def test_gold2_qualifier_and_range_must_agree() -> None:
    digest = Digest(figures=[
        labelled("5%", 5, "地区生产总值增长", "以上"),  # gold says no qualifier
        labelled("5%", 5, "固定资产投资增长"),
        labelled("6%", 6, "社会消费品零售总额增长"),  # the 左右 is lost
        labelled("4.5%", 4.5, "城镇居民人均可支配收入增长"),  # a range read as one number
    ])
    s = score_document(digest, MAIN)
    assert s.true_positives == 1 and s.value_matches == 4
    assert (s.shape_scored, s.shape_right) == (2, 0) and len(s.shape_errors) == 2
    total = overall([s])
    assert total.shape_accuracy == 0.0 and total.main_recall == pytest.approx(1 / 3)


def test_main_targets_beyond_the_first_ten_are_counted() -> None:
    filler = [labelled(f"{v}%", v, f"指标{v}") for v in range(11, 22)]
    main = [labelled("5%", 5, "地区生产总值增长"), labelled("5%", 5, "固定资产投资增长"),
            labelled("6%左右", 6, "社会消费品零售总额增长", "左右")]
    digest = Digest(figures=[*filler, *main])
    s = score_document(digest, MAIN)
    assert (s.main_found, s.main_top) == (3, 0) and len(s.main_not_top) == 3
    assert overall([s]).main_top_share == 0.0


def test_gold1_is_scored_as_before_and_a_gold2_file_loads(tmp_path: Path) -> None:
    # gold/1 figures give no label or qualifier: a qualifier or label the finder adds does not matter
    digest = Digest(figures=[labelled("66.7%以上", 66.7, "任何", "以上", kind="result")])
    assert score_document(digest, GOLD).true_positives == 1
    about = load_gold(SEEDS / "gold.json").about  # the seeds' gold documents the new fields
    assert all(word in about for word in ("label", "low/high", "qualifier", "分别", "range"))
    gold2 = load_gold(ROOT / "tests" / "reports_long" / "gold.json")
    assert gold2.schema_ == "countybot-gold/2" and all(d.scope == "main" for d in gold2.documents)
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"schema": "countybot-gold/2", "documents": [
        {"file": "a.txt", "scope": "partial", "figures": []}]}), encoding="utf-8")
    with pytest.raises(GoldFormatError):
        load_gold(path)


def test_overall_precision_only_over_fully_annotated_documents() -> None:
    full = score_document(Digest(figures=[fig("2023年", 2023, "年")]), GOLD)
    main = score_document(Digest(figures=[labelled("5%", 5, "地区生产总值增长")]), MAIN)
    total = overall([full, main])
    assert total.precision == 0.0 and total.false_positives == 1
    assert overall([main]).precision is None and overall([main]).f1 is None


def test_counties_found_wrong_and_missing_are_counted_apart() -> None:
    """Issue L: a wrong county (the worst error) is not a missing one; a text naming no county has its own
    count, and any county found for it is wrong."""
    named = GoldDocument(file="a.txt", counties=[County(name="甲县")])
    none = GoldDocument.model_validate({"file": "b.txt", "counties": []})  # written out: names no county
    silent = GoldDocument(file="c.txt")  # the gold does not say: not scored
    right = score_document(Digest(counties=[County(name="甲县", confidence="likely")]), named)
    wrong = score_document(Digest(counties=[County(name="丁县"), County(name="甲县")]), named)
    missing = score_document(Digest(), named)
    none_right = score_document(Digest(), none)
    none_wrong = score_document(Digest(counties=[County(name="丁县")]), none)
    none_region = score_document(Digest(counties=[County(name="乙市", level="city")]), none)
    unscored = score_document(Digest(counties=[County(name="丁县")]), silent)
    assert (right.county_found, right.county_wrong, right.county_missing) == (True, False, False)
    assert (wrong.county_found, wrong.county_wrong, wrong.county_missing) == (True, True, False)
    assert (missing.county_found, missing.county_wrong, missing.county_missing) == (False, False, True)
    assert none_right.expects_no_place and not none_right.county_wrong
    assert none_wrong.county_wrong and none_wrong.county_found is None
    assert not none_region.county_wrong  # a city's own report is no county
    assert unscored.county_wrong is None and not unscored.expects_no_place
    total = overall([right, wrong, missing, none_right, none_wrong, none_region, unscored])
    assert (total.counties_found, total.counties_total) == (2, 3)
    assert (total.counties_wrong, total.counties_missing) == (2, 1)
    assert (total.no_place_right, total.no_place_total) == (2, 3)
