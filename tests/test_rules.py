"""The rules digest: summary and highlights are slices of the report; figures are the finder's."""

from __future__ import annotations

import re

import pytest

from extract.digest.highlights import HIGHLIGHT_MAX, figure_weight, highlight_candidates, make_highlights
from extract.digest.summary import SUMMARY_BUDGET, make_summary
from extract.digest.units import Unit, attach_figures, clauses, clip, split_units, tidy
from extract.models import Document, Figure
from tests.conftest import ROOT, SEEDS
from tests.test_counties import seed_document

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
REPORTS = (
    sorted(SEEDS.glob("*.txt"))
    + sorted((ROOT / "tests" / "reports").glob("*.txt"))
    + sorted((ROOT / "tests" / "reports_blind").glob("*.txt"))
)


def numbers_grounded(piece: str, source: str) -> bool:
    return all(n in source for n in NUMBER.findall(piece))


def fragments(piece: str) -> list[str]:
    """The report slices a summary is made of (split at the joins we add: 。 and …)."""
    return [f for f in re.split(r"[。！？!?…]", piece) if f.strip("”’\"」 ")]


def whole(surface: str) -> re.Pattern[str]:
    """`surface` as a whole figure: "10%" does not occur in "110%"."""
    tail = r"(?![\d.])" if surface[-1:].isdigit() else ""
    return re.compile(r"(?<![\d.,零〇一二两三四五六七八九十百千万亿])" + re.escape(surface) + tail)


def fig(text: str, surface: str, kind: str | None = None, *, unit: str = "个", value: float = 1,
        label: str | None = "指标", nth: int = 0) -> Figure:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Figure(surface=surface, value=value, unit=unit, label=label, kind=kind, start=start,
                  end=start + len(surface))


def units_with(text: str, figures: list[Figure], skip: int = 0) -> list[Unit]:
    units = split_units(text, skip)
    attach_figures(units, figures)
    return units


# --- units and clauses ----------------------------------------------------------------------------

TEXT = (
    "某某县召开会议\n"
    "会议指出,今年以来全县经济稳中有进。全年完成固定资产投资1,234.5亿元,同比增长8.2%;"
    "谋划2024年重点项目74个,总投资281亿元,年度计划投资45亿元。\n"
    "会议要求,各部门要提高站位。坚持目标导向,会谋事\n"
    "下一步,力争全年招商项目达到50个,协议总投资达到200亿元以上。"
)


def text_figures() -> list[Figure]:
    return [
        fig(TEXT, "1,234.5亿元", "result", unit="元", value=123450000000, label="固定资产投资"),
        fig(TEXT, "8.2%", "result", unit="%", value=8.2, label="同比增长"),
        fig(TEXT, "74个", "target", value=74, label="重点项目"),
        fig(TEXT, "281亿元", "target", unit="元", value=28100000000, label="总投资"),
        fig(TEXT, "45亿元", "target", unit="元", value=4500000000, label="年度计划投资"),
        fig(TEXT, "50个", "target", value=50, label="招商项目"),
        fig(TEXT, "200亿元", "target", unit="元", value=20000000000, label="协议总投资"),
    ]


def test_units_split_at_sentence_ends_and_semicolons_with_offsets() -> None:
    units = split_units(TEXT, skip_prefix=len("某某县召开会议"))
    assert [u.text for u in units][:3] == [
        "会议指出,今年以来全县经济稳中有进。",
        "全年完成固定资产投资1,234.5亿元,同比增长8.2%;",
        "谋划2024年重点项目74个,总投资281亿元,年度计划投资45亿元。",
    ]
    assert all(TEXT[u.start : u.end] == u.text for u in units)
    assert [u.para for u in units] == [0, 0, 0, 1, 1, 2]


def test_clauses_never_split_a_number() -> None:
    u = Unit(0, 0, "全年完成固定资产投资1,234.5亿元,同比增长8.2%;", 0)
    parts = [u.text[a:b] for a, b in clauses(u)]
    assert parts == ["全年完成固定资产投资1,234.5亿元,", "同比增长8.2%;"]


def test_tidy_drops_connectives_stray_quotes_and_trailing_punctuation() -> None:
    assert tidy("同时,全县新增就业1200人;") == "全县新增就业1200人"
    assert tidy("此外全县新增就业1200人。") == "全县新增就业1200人"
    assert tidy("“我家种了15亩地,") == "我家种了15亩地"
    assert tidy("打造“一县一品”樱桃基地”。") == "打造“一县一品”樱桃基地"
    assert tidy("同比增长8.2%") == "同比增长8.2%"


def test_clip_never_cuts_inside_a_number() -> None:
    text = "全县完成投资1,234.56亿元同比增长12.5%后面还有很多很多很多文字"
    for limit in range(3, len(text)):
        out = clip(text, limit)
        assert len(out) <= limit
        assert numbers_grounded(out, text), out
        body = out.removesuffix("…")
        assert text.startswith(body)
        nxt = text[len(body) : len(body) + 1]
        assert not (body[-1:].isdigit() and (nxt.isdigit() or nxt in ".,%")), out


# --- clause groups --------------------------------------------------------------------------------


def test_adjacent_figure_clauses_form_one_group_without_the_opening_clauses() -> None:
    units = units_with(TEXT, text_figures(), len("某某县召开会议"))
    texts = [c.text for c in highlight_candidates(units)]
    assert texts == [
        "全年完成固定资产投资1,234.5亿元,同比增长8.2%",
        "谋划2024年重点项目74个,总投资281亿元,年度计划投资45亿元",
        "力争全年招商项目达到50个,协议总投资达到200亿元以上",  # "下一步," is not part of it
    ]


def test_a_short_clause_between_two_figure_clauses_stays_in_the_group() -> None:
    text = "全年接待游客达到286万人次,较上年翻一番,实现旅游收入31.5亿元,为下一步打下基础。"
    units = units_with(text, [fig(text, "286万人次", "result", unit="人次", value=2860000),
                              fig(text, "31.5亿元", "result", unit="元", value=3150000000)])
    assert make_highlights(units) == ["全年接待游客达到286万人次,较上年翻一番,实现旅游收入31.5亿元"]


def test_continuation_and_introducer_clauses_are_kept_for_context() -> None:
    text = (
        "全年经济运行平稳,同比增长8.2%。"
        "主要预期目标是:地区生产总值增长6%左右;工业增加值增长8%;固定资产投资增长5%。"
    )
    figs = [fig(text, "8.2%", "result", unit="%", value=8.2), fig(text, "6%", "target", unit="%", value=6),
            fig(text, "8%", "target", unit="%", value=8), fig(text, "5%", "target", unit="%", value=5)]
    texts = [c.text for c in highlight_candidates(units_with(text, figs))]
    assert texts == [
        "全年经济运行平稳,同比增长8.2%",  # 同比… says nothing without what grew
        "主要预期目标是:地区生产总值增长6%左右;工业增加值增长8%;固定资产投资增长5%",  # one list
    ]


def test_an_overlong_clause_is_cut_around_its_figure_never_inside_it() -> None:
    text = (
        "抓好中电神头100兆瓦农光互补光伏发电、杭泰农光互补光伏发电、恒龙调峰调频储能、抽水蓄能电站、"
        "部官扬水改扩建、黄河流域平陆干流段水环境综合治理等一批功在当代、利在千秋的工程。"
    )
    units = units_with(text, [fig(text, "100兆瓦", "target", unit="兆瓦", value=100)])
    (h,) = make_highlights(units, budget=40)
    assert len(h) <= 40 and "100兆瓦" in h
    assert h.endswith("…") and not h.startswith("…")  # the clause really is cut, at a list item
    assert h.removesuffix("…") in text


def test_a_clause_without_any_break_gets_a_character_window_keeping_the_figure() -> None:
    text = "各部门" + "要加强协调配合" * 12 + "确保完成投资12亿元" + "并且持续推进" * 8 + "。"
    units = units_with(text, [fig(text, "12亿元", "target", unit="元", value=1200000000)])
    (h,) = make_highlights(units)
    assert "12亿元" in h and len(h) <= HIGHLIGHT_MAX
    assert h.startswith("…") and h.endswith("…")
    assert h.strip("…") in text


# --- ranking and selection ------------------------------------------------------------------------


def test_figure_weight_money_over_rates_over_measures_over_counts_over_procedure() -> None:
    money = Figure(surface="281亿元", value=28100000000, unit="元", label="总投资", kind="target")
    rate = Figure(surface="8.2%", value=8.2, unit="%", label="增长", kind="result")
    area = Figure(surface="3万亩", value=30000, unit="亩", label="新建果园", kind="result")
    projects = Figure(surface="74个", value=74, unit="个", label="重点项目", kind="target")
    meetings = Figure(surface="8次", value=8, unit="次", label="专题会议", kind="result")
    groups = Figure(surface="19个", value=19, unit="个", label="工作专班", kind="result")
    weights = [figure_weight(f) for f in (money, rate, area, projects, groups, meetings)]
    assert weights == sorted(weights, reverse=True)
    assert figure_weight(Figure(surface="4.5元", value=4.5, unit="元", label="收购价")) < figure_weight(money)


def test_targets_first_then_the_weightiest_results() -> None:
    text = (
        "全年召开专题会议8次,组建工作专班19个。全年完成投资86亿元,同比增长12%。"
        "引进项目7个。明年计划新建果园3万亩。"
    )
    figs = [
        fig(text, "8次", "result", unit="次", value=8, label="专题会议"),
        fig(text, "19个", "result", value=19, label="工作专班"),
        fig(text, "86亿元", "result", unit="元", value=8600000000, label="完成投资"),
        fig(text, "12%", "result", unit="%", value=12, label="增长"),
        fig(text, "7个", "result", value=7, label="引进项目"),
        fig(text, "3万亩", "target", unit="亩", value=30000, label="新建果园"),
    ]
    assert make_highlights(units_with(text, figs)) == [
        "明年计划新建果园3万亩",
        "全年完成投资86亿元,同比增长12%",
        "引进项目7个",
        # the procedural counts only fill places up to three highlights, never beyond
    ]


def test_no_figure_is_shown_in_two_highlights() -> None:
    text = "全县新建果园3万亩,带动农户1200户。其中核心区新建果园3万亩,投资2亿元。新增就业1200人。"
    figs = [
        fig(text, "3万亩", "result", unit="亩", value=30000),
        fig(text, "1200户", "result", unit="户", value=1200),
        fig(text, "2亿元", "result", unit="元", value=200000000),
        fig(text, "1200人", "result", unit="人", value=1200),
    ]
    hl = make_highlights(units_with(text, figs))
    for s in ("3万亩", "1200户", "2亿元", "1200人"):
        assert sum(bool(whole(s).search(h)) for h in hl) <= 1, hl
    assert "1200人" in "".join(hl)  # "1200户" does not hide "1200人"


def test_quoted_speech_is_not_a_county_target() -> None:
    text = "全县计划新建果园3万亩。“明年我家计划种20亩,收入能有5万元。”果农老王说。全县完成投资8亿元。"
    figs = [
        fig(text, "3万亩", "target", unit="亩", value=30000),
        fig(text, "20亩", "target", unit="亩", value=20),
        fig(text, "5万元", "target", unit="元", value=50000),
        fig(text, "8亿元", "result", unit="元", value=800000000),
    ]
    hl = make_highlights(units_with(text, figs))
    assert hl[0] == "全县计划新建果园3万亩"
    assert hl.index("全县完成投资8亿元") < next(i for i, h in enumerate(hl) if "20亩" in h)


def test_at_most_five_highlights() -> None:
    text = "".join(f"第{i}项工作完成投资{i}0亿元。" for i in range(1, 9))
    figs = [fig(text, f"{i}0亿元", "result", unit="元", value=i * 10**9) for i in range(1, 9)]
    units = units_with(text, figs)
    hl = make_highlights(units)
    assert len(hl) == 5
    assert hl[0] == "第8项工作完成投资80亿元"  # most important first


# --- summary --------------------------------------------------------------------------------------


def test_summary_is_title_context_and_the_strongest_groups_within_budget() -> None:
    units = units_with(TEXT, text_figures(), len("某某县召开会议"))
    summary = make_summary("某某县召开会议", units, ["某某县"])
    assert summary.startswith("某某县召开会议。")
    assert "谋划2024年重点项目74个,总投资281亿元,年度计划投资45亿元。" in summary
    assert len(summary) <= SUMMARY_BUDGET
    assert all(f in TEXT for f in fragments(summary))
    assert "会谋事" not in summary  # a heading is not informative


def test_summary_uses_the_lead_instead_of_a_title_that_says_the_same() -> None:
    text = "某某县召开项目推进会\n5月31日,某某县召开全县项目推进会,县委书记张三出席。会议要求,要加快建设。"
    units = split_units(text, len("某某县召开项目推进会"))
    summary = make_summary("某某县召开项目推进会", units, ["某某县"])
    assert summary.startswith("5月31日,某某县召开全县项目推进会,县委书记张三出席。")
    assert summary.count("项目推进会") == 1


def test_no_figures_no_highlights_but_a_summary_of_what_was_said() -> None:
    text = (
        "12月23日,某县召开重点项目建设调度会议。\n会议指出,今年以来项目建设成效显著。\n"
        "会议要求,要聚焦重点,创新机制,全力攻坚项目建设各项任务。\n他说,要抓紧。"
    )
    units = split_units(text)
    assert make_highlights(units) == []
    summary = make_summary(None, units, ["某县"])
    assert summary.startswith("12月23日,某县召开重点项目建设调度会议。")
    assert "会议指出" in summary and "会议要求" in summary and "他说" not in summary


def test_a_sentence_without_commas_is_clipped_not_dumped() -> None:
    text = "各部门" + "要加强协调配合" * 40 + "确保完成投资12亿元。"
    summary = make_summary(None, split_units(text), [])
    assert len(summary) <= SUMMARY_BUDGET


# --- the digest on the seeds and every annotated report (real pipeline) ---------------------------


@pytest.mark.parametrize("i", range(5))
def test_rules_digest_on_seeds(gold: dict, i: int) -> None:
    from extract.digest.rules import rules_digest
    from extract.figures.finder import find_figures

    doc_gold = gold["documents"][i]
    doc = seed_document(doc_gold)
    digest = rules_digest(doc)
    assert digest.backend == "rules"
    assert digest.title == doc.title and digest.source == doc.source
    # every figure the finder finds, key figures first (report order is the finder's)
    assert sorted(digest.figures, key=lambda f: f.start) == find_figures(doc.text, published=doc.published)
    assert [c.name for c in digest.counties] == [c["name"] for c in doc_gold["counties"]]


def test_seed_000_leads_with_the_2024_plan() -> None:
    from extract.pipeline import document_from_bytes, rules_digest

    path = next(SEEDS.glob("000_*.txt"))
    d = rules_digest(document_from_bytes(path.read_bytes(), path.name))
    assert d.highlights[0].startswith("谋划2024年重点项目74个,总投资281亿元,年度计划投资45亿元")
    assert "重点项目开复工率100%,年度投资完成率127%" in d.highlights[1]
    assert not any("召开8次专题会议" in h for h in d.highlights)  # procedure, not results
    assert d.summary.startswith(d.title + "。") and d.summary.count(d.title) == 1


def test_seed_002_highlights_keep_their_figures_whole() -> None:
    from extract.pipeline import document_from_bytes, rules_digest

    path = next(SEEDS.glob("002_*.txt"))
    d = rules_digest(document_from_bytes(path.read_bytes(), path.name))
    assert d.highlights[0] == (
        "力争全年招商项目达到50个,协议总投资达到200亿元以上,当年签约当年开工率达到60%以上"
    )
    assert "力促总投资407.09亿元的110个项目建设落地见效" in d.highlights


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name[:3])
def test_rules_digest_contract_on_every_report(path) -> None:
    from extract.pipeline import document_from_bytes, rules_digest

    doc = document_from_bytes(path.read_bytes(), path.name)
    d = rules_digest(doc)
    text = doc.text

    assert d.summary and len(d.summary) <= SUMMARY_BUDGET
    for piece in fragments(d.summary):
        assert piece in text or piece in (doc.title or ""), piece
    assert numbers_grounded(d.summary, text + (doc.title or ""))

    key = [f for f in d.figures if f.kind]
    if key:
        assert 1 <= len(d.highlights) <= 5
    for h in d.highlights:
        assert len(h) <= HIGHLIGHT_MAX, h
        core = h.strip("…")
        at = text.find(core)
        assert at >= 0, h
        if h.startswith("…"):  # only where a clause really was cut
            assert text[at - 1] not in ",，;；。:：", h
        else:
            assert tidy(core) == core, h
        for f in d.figures:  # no highlight starts or ends inside a figure
            assert not (f.start < at < f.end or f.start < at + len(core) < f.end), (h, f.surface)

    targets = [f for f in d.figures if f.kind == "target"]
    if 0 < len(targets) <= 5:
        shown = "".join(d.highlights)
        assert all(t.surface in shown for t in targets), (targets, d.highlights)

    for f in d.figures:
        assert sum(bool(whole(f.surface).search(h)) for h in d.highlights) <= 1, (f.surface, d.highlights)


def test_rules_digest_of_an_empty_body() -> None:
    from extract.digest.rules import rules_digest

    digest = rules_digest(Document(text="某某会议", title="某某会议"))
    assert digest.summary == "某某会议。"
    assert digest.highlights == [] and digest.counties == []
