"""A report's structure (sections, the main-targets paragraph) sets the default kind and period of its
figures; relative periods are resolved; the digest leads with its key figures. The county and numbers
here are invented."""

from __future__ import annotations

from datetime import date

import pytest

from bot.render.html import render_digest
from extract.digest.rules import rules_digest
from extract.figures.finder import find_figures
from extract.figures.sections import Structure, resolve
from extract.models import Document

PUB = date(2024, 1, 18)

WORK_REPORT = (
    "云溪县2024年政府工作报告\n"
    "——2024年1月18日在云溪县第十八届人民代表大会第三次会议上\n"
    "各位代表：\n"
    "一、2023年工作回顾\n"
    "过去一年，全县上下团结奋斗，经济持续回升向好。预计全年地区生产总值完成86.2亿元，增长5.1%；"
    "规上工业增加值完成21.4亿元，增长7.3%；一般公共预算收入完成6.8亿元。\n"
    "（一）项目建设提速。实施重点项目46个，完成投资39.5亿元，新建标准化厂房12万平方米。\n"
    "二、2024年主要预期目标\n"
    "地区生产总值增长5%左右；固定资产投资增长5%；社会消费品零售总额增长5%；"
    "城镇调查失业率控制在5.5%以内；粮食总产量稳定在3.2亿斤以上。\n"
    "三、2024年重点任务\n"
    "（一）抓项目扩投资。全年谋划重点项目60个，力争完成投资45亿元，新建标准化厂房8万平方米。\n"
    "（二）抓产业促转型。确保规上工业企业新增15家，建成光伏电站2座、投产储能项目1个。\n"
)


def _by_surface(figures: list, surface: str, nth: int = 0):
    return [f for f in figures if f.surface == surface][nth]


# ---- sections ---------------------------------------------------------------------------------------

def test_sections_are_found_with_kind_and_year() -> None:
    s = Structure(WORK_REPORT, PUB)
    assert [(x.kind, x.year, x.heading) for x in s.sections] == [
        ("result", 2023, "一、2023年工作回顾"),
        ("target", 2024, "二、2024年主要预期目标"),
        ("target", 2024, "三、2024年重点任务"),  # its sub-heads (（一）抓项目扩投资) stay in it
    ]
    assert s.section_at(WORK_REPORT.index("抓产业")).heading == "三、2024年重点任务"


def test_a_section_of_main_targets_gives_targets_of_its_year() -> None:
    """The 隰县 case: `二、2024年主要预期目标` and figures with no cue of their own."""
    figs = find_figures(WORK_REPORT, published=PUB)
    head = WORK_REPORT.index("二、2024年主要预期目标")
    tail = WORK_REPORT.index("三、2024年重点任务")
    under = [f for f in figs if head < f.start < tail]
    assert [f.surface for f in under][-2:] == ["5.5%以内", "3.2亿斤以上"]
    assert {f.kind for f in under} == {"target"}
    assert {f.period for f in under} == {"2024年"}


def test_a_review_section_gives_results_of_the_year_before() -> None:
    figs = find_figures(WORK_REPORT, published=PUB)
    for surface in ("86.2亿元", "5.1%", "21.4亿元", "6.8亿元", "46个", "39.5亿元", "12万平方米"):
        f = _by_surface(figs, surface)
        assert (f.kind, f.period) == ("result", "2023年"), surface  # 预计全年… in the review is done


def test_tasks_section_targets_and_clause_cues() -> None:
    figs = find_figures(WORK_REPORT, published=PUB)
    for surface in ("60个", "45亿元", "8万平方米", "15家", "2座", "1个"):
        f = _by_surface(figs, surface)
        assert (f.kind, f.period) == ("target", "2024年"), surface  # 建成…、投产… under a plan: planned


def test_clause_cues_still_override_the_section() -> None:
    text = "二、2024年重点任务\n去年已建成污水处理厂3座，今年新建污水管网40公里。\n"
    figs = find_figures(text, published=PUB)
    assert [(f.surface, f.kind) for f in figs] == [("3座", "result"), ("40公里", "target")]


def test_main_targets_paragraph_without_headings() -> None:
    text = (
        "今年全县经济社会发展的主要预期目标是：地区生产总值增长6%左右，城镇新增就业3200人，"
        "居民人均可支配收入增长6.5%。围绕上述目标，重点抓好以下工作。\n"
    )
    s = Structure(text, PUB)
    assert s and len(s.main) == 1
    figs = find_figures(text, published=PUB)
    assert [(f.surface, f.kind, f.period) for f in figs] == [
        ("6%左右", "target", "2024年"), ("3200人", "target", "2024年"), ("6.5%", "target", "2024年"),
    ]


def test_a_report_without_sections_behaves_as_before() -> None:
    text = "今年以来,全县开工项目28个,完成投资12亿元。下一步,全县将新建农村公路200公里。"
    assert not Structure(text, PUB)
    figs = find_figures(text, published=PUB)
    # issue K: 今年 resolved in every dated text (was kept as written without sections); 以来 kept:
    # the year so far, never tracked as the whole year
    assert [(f.surface, f.kind, f.period) for f in figs] == [
        ("28个", "result", "2024年以来"), ("12亿元", "result", "2024年以来"), ("200公里", "target", None),
    ]
    # undated, 今年 is no year at all: 时期不详
    assert [f.period for f in find_figures(text)] == [None, None, None]


def test_a_sentence_is_no_heading() -> None:
    # short, but a sentence: no section (it would otherwise make the line a plan heading)
    assert not Structure("今年,全县把10件民生实事作为重点工作推进,截至目前,各项任务已全部完成。", PUB)


# ---- relative periods -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("expr", "year", "want"),
    [
        ("今年", None, "2024年"),
        ("明年", None, "2025年"),
        ("去年", None, "2023年"),
        ("上半年", None, "2024年上半年"),
        ("前三季度", None, "2024年前三季度"),
        ("今年1-8月", None, "2024年1-8月"),
        ("年底前", None, "2024年"),
        ("全年", 2023, "2023年"),  # the year its section is about
        ("十五五", None, "2026—2030年"),
        ("“十四五”", None, "2021—2025年"),
        ("2022年", 2023, "2022年"),  # its own year stays
    ],
)
def test_relative_periods_resolve_against_the_report_date(expr: str, year: int | None, want: str) -> None:
    assert resolve(expr, PUB, year) == want


def test_unknown_date_leaves_relative_periods_as_written() -> None:
    assert resolve("今年", None, None) == "今年"


def test_a_five_year_plan_section_has_its_span() -> None:
    text = "二、“十五五”时期主要目标任务\n到2030年,全县地区生产总值突破300亿元。推动规上工业企业达到150家。\n"
    figs = find_figures(text, published=date(2026, 1, 20))
    assert [(f.surface, f.kind, f.period) for f in figs] == [
        ("300亿元", "target", "2030年"), ("150家", "target", "2026—2030年"),
    ]


# ---- short-report kinds -----------------------------------------------------------------------------

@pytest.mark.parametrize("published", [date(2024, 10, 20), None])
def test_a_plan_early_in_a_paragraph_does_not_turn_later_results_into_targets(published: date | None) -> None:
    text = "力争全年招商引资到位资金50亿元。一季度,全县实现招商引资到位资金12.3亿元,同比增长15%。"
    assert [f.kind for f in find_figures(text, published=published)] == ["target", "result", "result"]
    text = "全县计划今年实施重点项目50个,前三季度实现地区生产总值85.3亿元,同比增长6.5%。"
    assert [f.kind for f in find_figures(text, published=published)] == ["target", "result", "result"]
    # a year's running total opening a sentence (1-9月, 前三季度) reports months gone by, dated or not
    text = "全县计划全年完成地区生产总值100亿元。1-9月,实现地区生产总值72亿元,增长6.5%。"
    assert [f.kind for f in find_figures(text, published=published)] == ["target", "result", "result"]
    assert [f.kind for f in find_figures("力争明年上半年完成投资20亿元。")] == ["target"]
    # a growth target stays one: the cue is the figure's own
    assert [f.kind for f in find_figures("全年计划完成地区生产总值85亿元,同比增长6.5%。")] == ["target"] * 2


def test_a_plans_sub_items_as_plain_numbers_are_targets() -> None:
    text = "2025年,全县计划新建高标准农田5万亩:\n1.新建灌溉渠道20公里;\n2.改造泵站10座;\n3.新打机井150眼。"
    assert [f.kind for f in find_figures(text)] == ["target"] * 4
    text = "某乡重点项目计划:\n新建项目45个,总投资80亿元;\n续建项目30个,年度投资25亿元。"
    assert [f.kind for f in find_figures(text)] == ["target"] * 4
    # a list opened by a review stays a review
    text = "一年来主要做了以下工作:\n1.新建灌溉渠道20公里;\n2.改造泵站10座。"
    assert [f.kind for f in find_figures(text, published=PUB)] == ["result"] * 2


# ---- key figures --------------------------------------------------------------------------------------

def test_digest_leads_with_main_targets_then_tasks_then_review() -> None:
    d = rules_digest(Document(text=WORK_REPORT, published=PUB))
    assert 1 <= d.key_figures <= 10
    main = WORK_REPORT[WORK_REPORT.index("二、2024年主要预期目标") :].split("\n")[1]
    key = d.figures[: d.key_figures]
    n_main = sum(1 for f in d.figures if f.start > 0 and WORK_REPORT.find(main) <= f.start
                 < WORK_REPORT.find(main) + len(main))
    assert n_main >= 3
    first = key[:n_main]
    assert all(f.kind == "target" and f.period == "2024年" for f in first)
    assert [f.surface for f in first][-2:] == ["5.5%以内", "3.2亿斤以上"]
    tasks = [f.surface for f in key[n_main:] if f.kind == "target"]
    assert tasks[:2] == ["45亿元", "15家"]  # 力争…, 确保…
    results = [f.surface for f in key if f.kind == "result"]
    assert results and results[0] == "86.2亿元"  # a headline result of the review
    assert key.index(_by_surface(key, "86.2亿元")) > key.index(_by_surface(key, "15家"))
    assert sorted(d.figures, key=lambda f: f.start) == find_figures(WORK_REPORT, published=PUB)  # all kept


def test_highlights_and_rendering_follow_the_key_order() -> None:
    d = rules_digest(Document(text=WORK_REPORT, published=PUB))
    main = WORK_REPORT.split("\n")[7]
    assert main.startswith("地区生产总值增长5%左右")
    assert d.highlights[0] in main  # the main-targets list first (one highlight: every figure is kept)
    assert any("5.5%以内" in h for h in d.highlights[:1])
    html = render_digest(d)
    shown = html.split("<b>关键数字</b>")[1]
    assert shown.index("5.5%") < shown.index("45亿元") < shown.index("86.2亿元")


def test_a_news_item_keeps_its_ranking() -> None:
    text = "今年以来,全县开工项目28个,完成投资12亿元。下一步,力争新建农村公路200公里。"
    d = rules_digest(Document(text=text, published=PUB))
    assert d.figures[0].surface == "200公里"  # a 力争 target first, as targets always were
    assert d.highlights


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("一、2023年工作回顾", "result"),
        ("二〇二三年工作回顾", "result"),
        ("一、目标任务完成情况", "result"),  # how the plan went: a review
        ("（一）主要成效", "result"),
        ("二、下一步工作打算", "target"),
        ("第三章 发展目标", "target"),
        ("二、“十五五”时期主要目标任务", "target"),
        ("三、2024年工作安排", "target"),
    ],
)
def test_heading_kinds(heading: str, kind: str) -> None:
    s = Structure(f"{heading}\n全县新建厂房3万平方米。\n", PUB)
    assert [x.kind for x in s.sections] == [kind]


def test_a_five_year_plan() -> None:
    plan = (
        "某县“十五五”规划纲要\n第一章 发展基础\n"
        "“十四五”时期,全县地区生产总值年均增长6.2%,2025年达到186亿元。累计实施重点项目420个。\n"
        "第二章 发展目标\n到2030年,全县地区生产总值突破260亿元。城镇化率提高到62%,建成高标准农田30万亩。\n"
    )
    figs = find_figures(plan, published=date(2026, 1, 10))
    assert [(f.surface, f.kind, f.period) for f in figs] == [
        ("6.2%", "result", "2021—2025年"),
        ("186亿元", "result", "2025年"),
        ("420个", "result", "2021—2025年"),
        ("260亿元", "target", "2030年"),
        ("62%", "target", "2026—2030年"),
        ("30万亩", "target", "2026—2030年"),
    ]


def test_a_meeting_report_without_sections() -> None:
    text = (
        "3月5日,县政府召开常务会议,听取一季度经济运行情况汇报。一季度,全县实现地区生产总值42.6亿元,"
        "同比增长5.8%。\n会议要求,各部门要确保上半年固定资产投资增长8%以上,力争全年新开工项目60个。\n"
    )
    figs = find_figures(text, published=date(2024, 3, 6))  # issue K: resolved against its date
    assert [(f.surface, f.kind, f.period) for f in figs] == [
        ("42.6亿元", "result", "2024年一季度"), ("5.8%", "result", "2024年一季度"),
        ("8%以上", "target", "2024年上半年"), ("60个", "target", "2024年"),
    ]


def test_main_targets_inside_a_paragraph_and_a_five_year_list() -> None:
    text = (
        "二、“十五五”时期主要目标任务\n“十五五”时期经济社会发展的主要目标是：地区生产总值年均增长5%，"
        "城镇化率达到65%。\n三、关于2026年工作\n做好今年工作，要确保“十五五”开好局、起好步。"
        "今年经济社会发展主要预期目标是：地区生产总值增长5%左右；城镇新增就业70万人。\n"
    )
    s = Structure(text, date(2026, 1, 25))
    assert [x.kind for x in s.sections] == ["target", "target"]  # 三、关于2026年工作: its year says a plan
    assert len(s.main) == 2
    figs = find_figures(text, published=date(2026, 1, 25))
    periods = {(f.surface, f.period) for f in figs}
    assert ("65%", "2026—2030年") in periods and ("70万人", "2026年") in periods
    d = rules_digest(Document(text=text, published=date(2026, 1, 25)))
    assert d.figures[0].surface in ("5%左右", "70万人")  # this year's first
    assert d.figures[0].period == "2026年"
    assert [f.period for f in d.figures[: d.key_figures]].index("2026—2030年") >= 1


@pytest.mark.parametrize(
    "sentence",
    [
        "实施高质量就业挖潜扩容计划,落实援企稳岗政策资金110亿元。",  # 计划 names a programme
        "全省上下着力稳就业、稳企业、稳预期,地区生产总值增长5.3%。",  # 稳预期 is a slogan
        "争取国家政策性资金超千亿元,发行专项债券资金1327亿元。",  # in a review, funds obtained
        "村庄规划全覆盖,农村自来水普及率达94.5%。",
    ],
)
def test_noun_cues_in_a_review_are_no_plans(sentence: str) -> None:
    figs = find_figures("一、2025年工作回顾\n" + sentence, published=date(2026, 1, 25))
    assert figs and {f.kind for f in figs} == {"result"}


async def test_an_llm_digest_keeps_the_key_order() -> None:
    from extract.llm.backend import LLMBackend
    from extract.llm.calllog import MemoryCallLog
    from extract.llm.config import LLMConfig
    from extract.pipeline import make_digest
    from tests.fakes.openai_server import FakeOpenAI, grounded_reply

    doc = Document(text=WORK_REPORT, published=PUB)
    rules = rules_digest(doc)
    with FakeOpenAI() as server:
        server.default = grounded_reply
        llm = LLMBackend(LLMConfig(base_url=server.base_url, model="test-model"), call_log=MemoryCallLog())
        try:
            d = await make_digest(doc, llm)
        finally:
            await llm.aclose()
    assert d.backend.startswith("llm")
    assert [f.start for f in d.figures] == [f.start for f in rules.figures]  # the rules' key order
    assert d.key_figures == rules.key_figures >= 3
