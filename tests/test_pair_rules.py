"""Rules the real county pairs (tests/pairs/county.json) showed missing, each on another sentence (made up
or from another report): the label of a result written with 实际/迈上/可比, a change list paired with the
amounts list before it, and the vocabulary of county reports (县域生产总值, 一般公共财政预算收入,
规上企业工业增加值)."""

from __future__ import annotations

from datetime import date

import pytest

from extract.figures.finder import find_figures
from extract.figures.metrics import metric_key, same_metric
from extract.models import Figure


def _one(text: str, surface: str) -> Figure:
    return next(f for f in find_figures(text) if f.surface == surface)


@pytest.mark.parametrize(
    ("text", "surface", "label"),
    [
        # 实际完成: 实际 is how it was done, not part of the metric
        ("全年社会消费品零售总额实际完成45.1亿元，增长6.2%。", "45.1亿元", "社会消费品零售总额"),
        ("全年社会消费品零售总额实际完成45.1亿元，增长6.2%。", "6.2%", "社会消费品零售总额增长"),
        # 迈上/站上 … 大关: a verb before the number
        ("地方一般公共预算收入迈上5亿元台阶，增长11%。", "11%", "地方一般公共预算收入增长"),
        ("税收收入站上3亿元大关。", "3亿元", "税收收入"),
        # 可比增长 after an amount: the change of that amount's metric
        ("税收收入完成3.2亿元、可比增长4.1%。", "4.1%", "税收收入可比增长"),
    ],
)
def test_result_labels(text: str, surface: str, label: str) -> None:
    assert _one(text, surface).label == label


def test_a_change_list_pairs_with_the_amounts_before_it_without_fenbie() -> None:
    text = "城乡居民人均可支配收入预计分别达到31000元和15000元，增长6.5%和8%。"
    urban, rural = _one(text, "6.5%"), _one(text, "8%")
    assert urban.label == "城镇居民人均可支配收入增长" and urban.value == 6.5
    assert rural.label == "农村居民人均可支配收入增长" and rural.value == 8


def test_a_change_list_after_one_subject_is_not_paired() -> None:
    # two rates after one amount: nothing to pair one to one (the later one keeps the connector rule)
    text = "旅游收入完成2.2亿元，增长12.5%和15.5%。"
    assert _one(text, "12.5%").label == "旅游收入增长"


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("县域生产总值增长", "地区生产总值"),
        ("一般公共财政预算收入增长", "一般公共预算收入"),
        ("地方公共财政预算收入增长", "一般公共预算收入"),
        ("规上企业工业增加值同比增长", "规模以上工业增加值"),
        ("规模以上企业工业增加值增长", "规模以上工业增加值"),
    ],
)
def test_county_report_vocabulary(variant: str, canonical: str) -> None:
    assert metric_key(variant) == ("+", canonical)


def test_vocabulary_keeps_apart() -> None:
    assert not same_metric("一般公共财政预算收入增长", "全部财政收入增长")
    assert not same_metric("规上企业工业增加值增长", "规上工业总产值增长")
    assert not same_metric("县域生产总值", "县域生产总值增长")


# ---- periods and kinds of a review -------------------------------------------------------------------


def test_this_year_paragraphs_take_the_year_named_before_them() -> None:
    # a five-year review section; 这一年，… follows the paragraph that named the year (not the five years)
    text = (
        "某县2021年政府工作报告\n2021年1月20日\n各位代表：\n"
        "现在，我代表县人民政府向大会报告工作，请连同《国民经济和社会发展第十四个五年规划纲要（草案）》一并审议。\n"
        "一、回顾“十三五”，我们坚定前行\n"
        "五年来，全县地区生产总值年均增长5.1%。\n"
        "各位代表，刚刚过去的2020年，是极不平凡的一年。\n"
        "这一年，全县地区生产总值完成88.5亿元，同比增长3.2%；社会消费品零售总额同比下降2.4%。\n"
        "二、2021年工作安排\n今年经济社会发展的主要预期目标是：地区生产总值增长6%左右。\n"
    )
    figs = find_figures(text, published=date(2021, 1, 20))
    gdp, fall = (next(f for f in figs if f.surface == s) for s in ("3.2%", "2.4%"))
    assert (gdp.kind, gdp.period) == ("result", "2020年")
    assert (fall.kind, fall.period, fall.value) == ("result", "2020年", -2.4)


def test_an_undated_reviews_estimate_is_a_result() -> None:
    # no date anywhere: 预计全年 under 一、2021年工作回顾 estimates 2021's result; the plan stays a target
    text = (
        "一、2021年工作回顾\n预计全年地区生产总值增长6.4%，固定资产投资增长9%。\n"
        "二、2022年工作安排\n主要预期目标是：地区生产总值增长7%。\n"
    )
    figs = find_figures(text)
    gdp = next(f for f in figs if f.surface == "6.4%")
    assert (gdp.kind, gdp.period, gdp.estimated) == ("result", "2021年", True)
    assert next(f for f in figs if f.surface == "7%").kind == "target"


def test_an_undated_forecast_outside_a_review_stays_a_target() -> None:
    f = next(f for f in find_figures("预计全年地区生产总值增长6.4%。") if f.surface == "6.4%")
    assert f.kind == "target"


def test_an_undated_texts_plan_heading_gives_its_year() -> None:
    # no date, no title: 今年 under 二、2024年工作安排 is 2024 (the issue: the year its targets name)
    text = (
        "各位代表：\n一、2023年工作回顾\n全年地区生产总值增长5.6%。\n"
        "二、2024年工作安排\n今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，固定资产投资增长8%。\n"
    )
    figs = find_figures(text)
    assert next(f for f in figs if f.surface == "6%左右").period == "2024年"
    assert next(f for f in figs if f.surface == "5.6%").period == "2023年"


def test_an_undated_text_naming_two_plan_years_keeps_its_year_unknown() -> None:
    text = (
        "一、2023年工作安排\n主要目标是：地区生产总值增长6%。\n"
        "二、2024年工作安排\n今年主要预期目标是：地区生产总值增长6.5%左右。\n"
    )
    f = next(f for f in find_figures(text) if f.surface == "6.5%左右")
    assert f.period is None  # 时期不详: which year is 今年 here is not known


# ---- one rate for two metrics; the vocabulary of older reports; the main list's name ------------------


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        # 均: each of them
        ("地区生产总值和固定资产投资均增长6%。", ["地区生产总值增长", "固定资产投资增长"]),
        ("全社会固定资产投资和城镇固定资产投资均增长30%。", ["全社会固定资产投资增长", "城镇固定资产投资增长"]),  # noqa: E501
        # without 均, only when every item is a metric name of the vocabulary
        ("全部财政收入和一般预算收入增长15%以上。", ["全部财政收入增长", "一般预算收入增长"]),
        ("城镇和农村居民人均可支配收入增长8%。", ["城镇居民人均可支配收入增长", "农村居民人均可支配收入增长"]),  # noqa: E501
        ("工业和信息化投资增长12%。", ["工业和信息化投资增长"]),  # one name holding 和
    ],
)
def test_one_rate_for_metrics_joined_by_he(text: str, labels: list[str]) -> None:
    assert [f.label for f in find_figures(text)] == labels


def test_older_vocabulary() -> None:
    assert metric_key("地方生产总值增长") == ("+", "地区生产总值")
    assert same_metric("农民人均纯收入增长", "农村居民人均纯收入增长")
    assert not same_metric("农民人均纯收入增长", "农村居民人均可支配收入增长")  # another statistic


def test_the_main_list_named_without_zhuyao() -> None:
    # undated, …发展的预期目标是： under the plan's heading: targets, though 同比增长 reads like a result
    text = (
        "一、2020年工作回顾\n全年地区生产总值同比增长6.1%。\n二、2021年目标任务和重点工作\n"
        "经济社会发展的预期目标是：生产总值同比增长7%以上，一般公共预算收入同比增长8%。\n"
    )
    figs = {f.surface: f for f in find_figures(text)}
    assert (figs["7%以上"].kind, figs["7%以上"].period) == ("target", "2021年")
    assert (figs["8%"].kind, figs["8%"].period) == ("target", "2021年")
    assert (figs["6.1%"].kind, figs["6.1%"].period) == ("result", "2020年")


def test_a_two_character_county_used_as_a_place_is_not_lost_to_a_region() -> None:
    # a county's report naming itself by its two-character full name as a place (蠡县站在…, 蠡县作为…) and a
    # state-level new area three times as its opportunity: the report is the county's, not the area's
    from extract.pipeline import document_from_bytes
    from extract.places.regions import find_places

    text = (
        "各位代表：\n现在，我代表县人民政府向大会报告工作，请予审议。\n一、2020年工作回顾\n"
        "2020年，我们紧紧抓住京津冀协同发展和雄安新区规划建设的重大历史机遇，全年地区生产总值增长6%。\n"
        "二、2021年目标任务\n雄安新区这一千年大计落户保定，使蠡县站在了新的历史起点。"
        "蠡县作为雄安新区的产业配套基地，发展潜力巨大。蠡县将全力承接产业转移。\n"
    )
    places = find_places(document_from_bytes(text.encode(), "r.txt"))
    assert [p.name for p in places] == ["蠡县"]


def test_a_plan_execution_reports_title_year_is_its_results_year() -> None:
    # undated; the title names the year executed (2022) and the year planned (2023): a result naming no year
    # in a paragraph naming none is 2022's
    text = (
        "关于某县2022年国民经济和社会发展计划执行情况及2023年计划草案的报告\n"
        "2022年，全县经济总体平稳。\n投资稳步增长。固定资产投资增长4.5%，其中工业投资增长9.1%。\n"
        "2023年，全县将坚持稳中求进，力争地区生产总值增长6%。\n"
    )
    f = next(f for f in find_figures(text) if f.surface == "4.5%")
    assert (f.kind, f.period) == ("result", "2022年")


def test_news_of_a_report_reviewing_last_year() -> None:
    # 报告指出，过去一年以来… in news of a January work report: its 预计全年 is last year's estimated result,
    # not this year's target (the year named in the paragraph before is the plan's)
    text = (
        "某县召开人民代表大会\n2024年1月10日\n会议提出，2024年全县经济社会发展的主要预期目标是，地区生产总值增长6%左右。\n"
        "报告指出，过去一年以来，全县有力应对各种困难挑战。预计全年地区生产总值增长4.8%。\n"
    )
    figs = {f.surface: f for f in find_figures(text, published=date(2024, 1, 10))}
    assert (figs["6%左右"].kind, figs["6%左右"].period) == ("target", "2024年")
    got = figs["4.8%"]
    assert (got.kind, got.period, got.estimated) == ("result", "2023年", True)


def test_a_forecast_after_a_past_years_clause_is_its_estimate() -> None:
    # 2022年，… then 预计… naming no period, in a report of January 2023: an estimate of 2022's result, and
    # the sentences after it in the paragraph stay 2022's results
    text = (
        "某县政府工作报告\n2023年1月12日\n2022年，全县固定资产投资增长7%左右。城乡居民人均可支配收入预计分别增长5.5%、"
        "7.2%。城镇新增就业3200人。\n今年主要预期目标是：城镇新增就业3000人以上。\n"
    )
    figs = {f.surface: f for f in find_figures(text, published=date(2023, 1, 12))}
    assert (figs["5.5%"].kind, figs["5.5%"].period, figs["5.5%"].estimated) == ("result", "2022年", True)
    assert (figs["3200人"].kind, figs["3200人"].period) == ("result", "2022年")
    assert (figs["3000人以上"].kind, figs["3000人以上"].period) == ("target", "2023年")


def test_a_forecast_after_a_coming_years_clause_stays_a_target() -> None:
    text = "某县政府工作报告\n2023年1月12日\n到2025年，全县地区生产总值预计达到300亿元。\n"
    f = next(f for f in find_figures(text, published=date(2023, 1, 12)) if f.surface == "300亿元")
    assert f.kind == "target"


def test_new_urban_jobs_vocabulary() -> None:
    assert metric_key("城镇新增就业人员") == metric_key("城镇新增就业人数") == ("", "城镇新增就业")
