"""Issue K (figures half): signed changes, results as written (estimates, thresholds), each figure once with
its whole label, no ordinals of meetings, structure ratios; issue P: numbers written in words."""

from __future__ import annotations

from datetime import date

import pytest

from extract.figures.finder import find_figures
from extract.figures.numerals import parse_quantity
from extract.models import Figure

REVIEW = date(2024, 12, 28)  # a year-end review, delivered in the year's last days


def figs(text: str, published: date | None = REVIEW) -> list[Figure]:
    return find_figures(text, published=published)


def one(text: str, published: date | None = REVIEW) -> Figure:
    found = figs(text, published)
    assert len(found) == 1, found
    return found[0]


# ---- 1. signed changes -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "surface", "value", "label"),
    [
        ("2023年，全县地区生产总值增长-6.3%。", "-6.3%", -6.3, "地区生产总值增长"),
        ("2023年，全县地区生产总值增长－6.3%。", "－6.3%", -6.3, "地区生产总值增长"),
        ("2023年，规上工业增加值下降6.3%。", "6.3%", -6.3, "规上工业增加值下降"),
        ("2023年，规上工业增加值同比下降了6.3%。", "6.3%", -6.3, "规上工业增加值同比下降"),
        ("2023年，社会消费品零售总额减少2.1%。", "2.1%", -2.1, "社会消费品零售总额减少"),
        ("2023年，一般公共预算收入负增长3.5%。", "3.5%", -3.5, "一般公共预算收入负增长"),
        ("2023年，居民消费价格指数回落1.2个百分点。", "1.2个百分点", -1.2, "居民消费价格指数回落"),
        ("2023年，出口额下滑5%。", "5%", -5, "出口额下滑"),
        ("2023年，粮食播种面积较上年减少1.6万亩。", "1.6万亩", -16000, "粮食播种面积减少"),
        ("2023年，固定资产投资增速为-2.5%。", "-2.5%", -2.5, "固定资产投资增速"),
    ],
)
def test_a_fall_is_a_negative_change_with_the_metric_as_label(
    text: str, surface: str, value: float, label: str
) -> None:
    f = one(text)
    assert (f.surface, f.value, f.label, f.kind) == (surface, value, label, "result")
    assert "-" not in (f.label or "") and "－" not in (f.label or "")


def test_growth_stays_positive_and_a_level_reached_by_falling_is_a_level() -> None:
    assert one("2023年，地区生产总值增长6.3%。").value == 6.3
    assert one("2023年，城镇登记失业率下降到3%。").value == 3  # 下降到: where it fell to, not by how much
    assert one("2023年，城镇登记失业率降至3.1%。").value == 3.1


def test_a_lower_is_better_target_is_negative_too() -> None:
    f = one("2025年，力争单位GDP能耗下降3%。")
    assert (f.value, f.kind, f.label) == (-3, "target", "单位GDP能耗下降")
    t = one("2025年主要预期目标：城镇调查失业率控制在5.5%以内。")
    assert (t.value, t.qualifier) == (5.5, "以内")  # 控制在…以内 is a ceiling, not a fall


def test_a_falling_range_keeps_both_ends_negative() -> None:
    f = one("力争单位地区生产总值能耗下降3%—5%。")
    assert (f.low, f.high, f.value) == (-5, -3, -5)


# ---- 2. results as written -----------------------------------------------------------------------
REVIEW_TEXT = (
    "预计全年实现地区生产总值86.4亿元、增长4.2%，财政收入突破5亿元，工业产值超过120亿元，旅游收入达到8亿元左右。"
)


def test_an_estimate_of_a_year_all_but_over_is_a_result_marked_estimated() -> None:
    found = figs(REVIEW_TEXT, REVIEW)
    assert [(f.surface, f.kind, f.estimated) for f in found] == [
        ("86.4亿元", "result", True),
        ("4.2%", "result", True),
        ("5亿元", "result", True),
        ("120亿元", "result", True),
        ("8亿元左右", "result", True),
    ]
    assert [f.qualifier for f in found] == [None, None, "突破", "超过", "左右"]  # kept as written


@pytest.mark.parametrize("published", [date(2024, 7, 1), date(2024, 10, 20), None])
def test_an_estimate_about_a_period_still_ahead_stays_a_target(published: date | None) -> None:
    found = figs(REVIEW_TEXT, published)
    assert {f.kind for f in found} == {"target"}
    assert not any(f.estimated for f in found)


def test_only_what_follows_the_estimate_is_estimated() -> None:
    found = figs("今年以来，已完成投资5亿元，预计全年完成投资8亿元。预计明年增长6%。", REVIEW)
    assert [(f.surface, f.kind, f.estimated) for f in found] == [
        ("5亿元", "result", False),
        ("8亿元", "result", True),
        ("6%", "target", False),
    ]


def test_a_first_quarter_estimate_early_in_the_quarter_is_still_a_plan() -> None:
    f = one("一季度要全力抓好特色产业，橡胶产量预计达到1200吨。", date(2024, 2, 19))
    assert (f.kind, f.estimated) == ("target", False)
    f = one("上半年预计全县地区生产总值增长6.8%左右。", date(2024, 6, 30))
    assert (f.kind, f.estimated) == ("result", True)


# ---- 3. figures once, labels whole ---------------------------------------------------------------
def test_a_qualifier_before_a_list_comma_closes_the_figure_before() -> None:
    found = figs("2025年，力争固定资产投资增长12%以上、规上工业产值增长9%以上，大口径财政收入达到10亿元。")
    assert [(f.surface, f.label) for f in found] == [
        ("12%以上", "固定资产投资增长"),
        ("9%以上", "规上工业产值增长"),
        ("10亿元", "大口径财政收入"),
    ]


def test_shared_rates_of_a_list_still_split() -> None:
    found = figs("2025年，力争工业投资、技改投资增长20%以上。")
    assert [f.label for f in found] == ["工业投资增长", "技改投资增长"]


def test_meeting_sessions_and_ordinals_are_not_figures() -> None:
    text = "县委十五届六次、七次全会召开。县委十五届6次全会精神。第三次会议。十四五规划开局。"
    text += "会议审议2项议题。"
    assert [(f.surface, f.label) for f in figs(text)] == [("2项", "议题")]


def test_a_structure_ratio_is_one_figure_of_its_parts_as_written() -> None:
    f = one("2023年，三次产业结构调整为8.1:42.6:49.3。")
    shown = (f.surface, f.value, f.unit, f.label, f.kind)
    assert shown == ("8.1:42.6:49.3", 8.1, "比", "三次产业结构", "result")
    g = one("2023年，城乡居民收入比缩小到2.35∶1。")
    assert (g.surface, g.label) == ("2.35∶1", "城乡居民收入比")
    assert figs("上午9:30召开会议，按1:1比例配套。") == []


# ---- 4. numbers in words (issue P) --------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "surface", "value", "unit"),
    [
        ("2023年，全县投资增长百分之六点五。", "百分之六点五", 6.5, "%"),
        ("2023年，完成固定资产投资十二点五亿元。", "十二点五亿元", 1_250_000_000, "元"),
        ("2023年，完成技改投资一点二亿元。", "一点二亿元", 120_000_000, "元"),
        ("2023年，工业投资增长二成。", "二成", 20, "%"),
        ("2023年，订单比去年多了三成以上。", "三成以上", 30, "%"),
        ("2023年，旅游收入较上年翻一番。", "翻一番", 2, "倍"),
        ("到2035年，地区生产总值翻两番。", "翻两番", 4, "倍"),
        ("2023年，完成地区生产总值1.2万亿元。", "1.2万亿元", 1_200_000_000_000, "元"),
        ("2023年，争取资金三千五百万元。", "三千五百万元", 35_000_000, "元"),
    ],
)
def test_numbers_in_words_are_read_as_their_values(text: str, surface: str, value: float, unit: str) -> None:
    f = one(text)
    assert (f.surface, f.value, f.unit) == (surface, value, unit)


def test_words_that_only_look_like_numbers_are_not_figures() -> None:
    assert figs("上午九点三十分召开会议，政策一成不变，三成员国参加。") == []


@pytest.mark.parametrize(
    ("surface", "parsed"),
    [("百分之六点五", (6.5, "%")), ("十二点五亿元", (1_250_000_000, "元")),
     ("一点二亿元", (120_000_000, "元")), ("二成", (20, "%")), ("翻一番", (2, "倍"))],
)
def test_parse_quantity_reads_words_as_the_finder_does(surface: str, parsed: tuple[float, str]) -> None:
    assert parse_quantity(surface) == parsed


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("全县纳入统计的规模以上工业企业大口径财政收入完成12亿元。", "规模以上工业企业大口径财政收入"),
        ("新区管委会辖区内大口径财政收入完成12亿元。", "大口径财政收入"),
        ("2024年全县大口径财政收入完成12.3亿元。", "大口径财政收入"),
    ],
)
def test_a_long_label_is_never_cut_inside_a_word(text: str, label: str) -> None:
    assert one(text).label == label


def test_a_fall_stated_for_a_list_signs_every_item() -> None:
    text = "2023年，生产安全事故起数、死亡人数分别下降15%、14.5%。"
    text += "刑事发案率、治安受案率同比下降39.41%、23.38%。"
    found = figs(text)
    assert [(f.surface, f.value, f.label) for f in found] == [
        ("15%", -15, "生产安全事故起数下降"),
        ("14.5%", -14.5, "死亡人数下降"),
        ("39.41%", -39.41, "刑事发案率同比下降"),  # one figure per metric, not 39.41% twice
        ("23.38%", -23.38, "治安受案率同比下降"),
    ]


def test_tenths_in_words_as_a_rule_of_thumb_are_not_figures() -> None:
    text = "会议汇报工作做到三成说清现状、六成表述问题。全年商品房销售面积增长三成以上，订单多了三成。"
    assert [(f.surface, f.value) for f in figs(text)] == [("三成以上", 30), ("三成", 30)]


def test_a_share_of_a_forecast_is_no_estimate() -> None:
    found = figs("截至目前，全县已收购籽棉32.6万吨，占预计总产量的55.3%，收购均价每公斤7.2元。", REVIEW)
    assert not any(f.estimated for f in found)


def test_a_review_delivered_in_january_estimates_the_year_just_ended() -> None:
    # the real review: 14 results shown as targets, because 全年 read as the new year
    text = "1月8日，县委经济工作会议召开。"
    text += "会议指出，预计全年实现地区生产总值86.4亿元、增长4.2%，一般公共预算收入完成5亿元。"
    found = figs(text, date(2025, 1, 10))
    assert [(f.kind, f.estimated) for f in found] == [("result", True)] * 3
    assert {f.kind for f in figs(text, date(2025, 3, 10))} == {"target"}  # in March: this year's forecast


# ---- kinds on real phrasing (tests/pairs: 重庆 2020 targets news and plan-execution report) ------------
def test_a_year_barely_begun_can_only_be_planned() -> None:
    text = "对于今年政府工作要求,会议提出,2020年地区生产总值增长6%,城镇调查失业率5.5%左右,"
    text += "居民消费价格涨幅3.5%左右。"
    assert {f.kind for f in figs(text, date(2020, 1, 11))} == {"target"}
    assert one("今年以来，全县完成投资5亿元。", date(2020, 1, 20)).kind == "result"  # 以来 looks back
    # a bare 全年 in a January report is the year just ended: no plan
    assert one("全年实施重点项目46个。", date(2024, 1, 22)).kind != "target"


def test_better_than_expected_is_no_plan() -> None:
    text = (
        "一、2020年国民经济和社会发展计划执行情况\n主要经济指标恢复好于预期。规上工业增加值增长5.8%。"
        "进出口总值增长12.5%，高于预期目标7.5个百分点。"
    )
    assert {f.kind for f in figs(text, None)} == {"result"}


def test_an_unemployment_rate_in_a_plan_is_planned() -> None:
    text = "2025年，力争城镇新增就业6000人以上，城镇调查失业率5.5%左右。"
    assert [f.kind for f in figs(text, date(2025, 1, 10))] == ["target", "target"]
    assert one("城镇调查失业率平均为5.7%。").label == "城镇调查失业率"
