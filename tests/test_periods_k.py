"""Issue K: a figure's period from the text, in every text whose own year is known; 时期不详 (None) when
the text never says which year. Each rule with the case that fails without it."""

from __future__ import annotations

from datetime import date

import pytest

from extract.figures.finder import find_figures
from extract.pipeline import document_from_text


def _periods(text: str, published: date | None = None) -> list[tuple[str, str | None]]:
    return [(f.surface, f.period) for f in find_figures(text, published=published)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a year named in the clause sets that figure's period, dated or not (the examples)
        ("2023年全区实现地区生产总值286亿元,增长5.2%。", [("286亿元", "2023年"), ("5.2%", "2023年")]),
        ("据2019年3月12日统计,全县共有脱贫户3200户。", [("3200户", "2019年")]),
        ("2021年全县经济社会发展势头良好,地区生产总值完成98.6亿元。", [("98.6亿元", "2021年")]),
        # a clause opening with its year sets 全年 / 1-11月 after it in the paragraph
        ("2023年,全县坚持稳中求进。全年完成地区生产总值86.3亿元。", [("86.3亿元", "2023年")]),
        (
            "2023年前三季度,GDP同比增长7.5%。1-11月,固定资产投资增长6.8%。",
            [("7.5%", "2023年前三季度"), ("6.8%", "2023年1-11月")],
        ),
        # ...and a result its paragraph opened with (2009年,我市…。完成财政总收入…)
        (
            "2009年,我市实现地区生产总值333亿元。完成财政总收入50.8亿元。",
            [("333亿元", "2009年"), ("50.8亿元", "2009年")],
        ),
        # an undated text that wrote the part-year with its year before means the same one after
        ("2021年上半年,全县生产总值27.54亿元。\n农业生产态势稳定。上半年,全县农林牧渔业总产值5.17亿元。",
         [("27.54亿元", "2021年上半年"), ("5.17亿元", "2021年上半年")]),
        # undated: 今年, 上半年, 1-10月 name no year at all
        ("今年以来,全县开工项目28个,完成投资12亿元。", [("28个", None), ("12亿元", None)]),
        ("上半年,全县实现地区生产总值31.8亿元,同比增长2.4%。", [("31.8亿元", None), ("2.4%", None)]),
        # an undated speech's 今年 is not the year an earlier sentence named
        (
            "2022年实现地区生产总值1479.21亿元。今年上半年,实现地区生产总值803.76亿元。",
            [("1479.21亿元", "2022年"), ("803.76亿元", None)],
        ),
        # every period of a compared list is a base, not the figure's period
        (
            "2023年全年,规上工业增加值同比增长6.6%,较一季度、上半年和前三季度分别提高7.9个、3.4个和1.7个百分点。",
            [("6.6%", "2023年"), ("7.9个", "2023年"), ("3.4个", "2023年"), ("1.7个百分点", "2023年")],
        ),
    ],
)
def test_periods_named_in_the_text(text: str, want: list[tuple[str, str | None]]) -> None:
    assert _periods(text) == want


def test_relative_periods_resolve_in_any_dated_text() -> None:
    text = "今年,全县力争地区生产总值增长6%。去年,全县地区生产总值增长5.8%。上半年完成投资20亿元。"
    assert _periods(text, date(2024, 8, 1)) == [
        ("6%", "2024年"),
        ("5.8%", "2023年"),
        ("20亿元", "2024年上半年"),
    ]
    assert _periods(text) == [("6%", None), ("5.8%", None), ("20亿元", None)]  # undated: 时期不详


def test_the_year_so_far_is_not_the_year() -> None:
    assert _periods("今年以来,全县开工项目28个。", date(2024, 11, 5)) == [("28个", "2024年以来")]


def test_a_result_not_over_by_the_report_date_is_last_years() -> None:
    # a news item of 5 January: 全年 results are last year's, 力争全年 targets this year's
    text = "1月4日,记者从县统计局获悉,全年完成地区生产总值86.3亿元。县长表示,力争全年新开工项目70个。"
    assert _periods(text, date(2024, 1, 5)) == [("86.3亿元", "2023年"), ("70个", "2024年")]
    # a year-end review of late December is about the year it ends
    assert _periods("全年完成地区生产总值86.3亿元。", date(2024, 12, 28)) == [("86.3亿元", "2024年")]


def test_a_review_paragraph_in_a_short_dated_text() -> None:
    # no sections: 过去一年, still reviews the year before the text's own
    text = "过去一年,全县地区生产总值增长5.8%。"
    assert _periods(text, date(2024, 2, 1)) == [("5.8%", "2023年")]
    assert _periods(text) == [("5.8%", None)]


def test_an_undated_text_takes_its_year_from_its_headings_or_title() -> None:
    headed = (
        "一、2023年工作回顾\n过去一年,全县地区生产总值增长5.8%。\n"
        "二、2024年工作安排\n今年,力争地区生产总值增长6%。"
    )
    assert _periods(headed) == [("5.8%", "2023年"), ("6%", "2024年")]
    titled = "某县2024年政府工作报告\n过去一年,全县地区生产总值增长5.8%。今年,力争地区生产总值增长6%。"
    assert _periods(titled) == [("5.8%", "2023年"), ("6%", "2024年")]
    # a meeting named for a year may be held the December before: its 今年 stays unknown
    meeting = "某县2025年经济工作会议召开\n今年,全县地区生产总值增长5.8%。"
    assert _periods(meeting) == [("5.8%", None)]


def test_a_communique_reports_on_its_year() -> None:
    text = "2023年某县国民经济和社会发展统计公报\n一、综合\n全年完成地区生产总值221.23亿元,比上年增长5.0%。\n"
    assert _periods(text) == [("221.23亿元", "2023年"), ("5.0%", "2023年")]
    lead = (
        "2022年,面对多重困难,全县经济稳中向好。\n一、综合\n全年实现地区生产总值439.19亿元,比上年增长3.3%。\n"
    )
    assert _periods(lead) == [("439.19亿元", "2022年"), ("3.3%", "2022年")]


def test_a_short_undated_item_naming_a_year_stays_undated() -> None:
    # the year it names is its figures' period, not its date (issue K: a report is dated only by a date)
    doc = document_from_text("某区经济运行情况\n2023年全区实现地区生产总值286亿元,增长5.2%。\n")
    assert doc.published is None and doc.published_from is None


@pytest.mark.parametrize(
    ("head", "want"),
    [
        ("中国网 china.com.cn 时间: 2011-04-15", date(2011, 4, 15)),  # a site's name before the label
        ("时间:2024-03-27 09:58 大 中 小", date(2024, 3, 27)),  # the page's font-size widget after it
        ("发布时间：2024-03-27 【打印】【关闭】", date(2024, 3, 27)),
    ],
)
def test_publication_lines_real_pages_write(head: str, want: date) -> None:
    doc = document_from_text(
        f"某县一季度经济运行稳中有进\n{head}\n一季度,全县地区生产总值增长5.1%,固定资产投资增长8%。\n"
    )
    assert (doc.published, doc.published_from) == (want, "metadata")
    assert head not in doc.text


def test_a_models_relative_period_is_never_an_undated_reports_year() -> None:
    # the LLM's period as written (今年) gives way to the rules' calendar one; undated, 时期不详
    from extract.llm import prompt
    from extract.llm.assemble import Grounder, review
    from extract.llm.schema import Answer
    from extract.pipeline import rules_digest

    for published, want in ((None, None), (date(2024, 5, 6), "2024年")):
        doc = document_from_text("某县经济运行\n今年,全县完成固定资产投资32亿元,同比增长8.5%。\n")
        doc.published = published
        rules = rules_digest(doc)
        cands = prompt.number_candidates(rules.figures)
        chosen = [{"id": c.id, "label": None, "kind": "result", "period": "今年"} for c in cands]
        answer = Answer.model_validate({"summary": "", "highlights": [], "figures": chosen})
        part = review(answer, cands, Grounder(doc, rules))
        assert [f.period for f in part.figures] == [want, want]
