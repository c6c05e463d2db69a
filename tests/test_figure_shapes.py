"""Every figure kept, ranges, qualifiers, 分别 lists, shared rates, and a number too big to be a figure."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from extract.figures.finder import find_figures
from extract.figures.metrics import metric_key, same_metric
from extract.models import Figure

MAIN_TARGETS = (
    "今年全县经济社会发展的主要预期目标是：地区生产总值增长5%，固定资产投资增长5%，"
    "社会消费品零售总额增长5%，城乡居民人均可支配收入分别增长5%和7%，城镇调查失业率控制在5.5%以内。"
)


def rows(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(f.surface, f.label, f.qualifier) for f in find_figures(text)]


def one(text: str) -> Figure:
    figs = find_figures(text)
    assert len(figs) == 1, figs
    return figs[0]


# ---- every figure kept ----------------------------------------------------------------------------------

def test_the_same_number_for_three_metrics_is_three_figures() -> None:
    figs = find_figures(MAIN_TARGETS)
    five = [f for f in figs if (f.value, f.unit) == (5, "%")]
    assert [f.label for f in five] == ["地区生产总值增长", "固定资产投资增长", "社会消费品零售总额增长",
                                       "城镇居民人均可支配收入增长"]
    assert all(f.kind == "target" for f in figs)
    assert len({f.start for f in five}) == 4  # each its own place in the text
    assert [(f.surface, f.label) for f in figs[4:]] == [
        ("7%", "农村居民人均可支配收入增长"), ("5.5%以内", "城镇调查失业率")]


def test_a_title_and_its_body_state_one_figure() -> None:
    text = (
        "某县签约项目12个总金额86.3亿元\n"
        "5月18日，某县重点项目集中签约仪式举行，现场集中签约项目12个，签约总金额86.3亿元。"
    )
    figs = find_figures(text)
    assert [(f.surface, f.start) for f in figs] == [
        ("12个", text.index("12个")), ("86.3亿元", text.index("86.3亿元"))]
    assert figs[0].label == "现场集中签约项目"  # the body names it better than the telegraphic title


def test_the_same_metric_in_two_periods_is_two_figures() -> None:
    text = "2024年地区生产总值增长6%。2025年地区生产总值增长6%以上。"
    figs = find_figures(text)
    assert [(f.surface, f.period, f.qualifier) for f in figs] == [
        ("6%", "2024年", None), ("6%以上", "2025年", "以上")]


def test_a_place_is_not_a_label_and_the_later_mention_names_it() -> None:
    text = "金秋九月，会理市58万亩石榴迎来采摘季。\n截至目前，全市石榴种植面积达58万亩。"
    assert rows(text) == [("58万亩", "石榴种植面积", None)]


# ---- ranges -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "surface", "low", "high", "unit"),
    [
        ("地区生产总值增长4.5%—5%。", "4.5%—5%", 4.5, 5, "%"),
        ("地区生产总值增长4.5-5%。", "4.5-5%", 4.5, 5, "%"),
        ("地区生产总值增长4.5%至5%。", "4.5%至5%", 4.5, 5, "%"),
        ("地区生产总值增长4.5%~5%左右。", "4.5%~5%左右", 4.5, 5, "%"),
        ("年度计划投资5至8亿元。", "5至8亿元", 500_000_000, 800_000_000, "元"),  # the 亿 of the high end
        ("年度计划投资5万-10万元。", "5万-10万元", 50_000, 100_000, "元"),
        ("收购价每公斤4.5元至6元。", "4.5元至6元", 4.5, 6, "元"),
    ],
)
def test_a_range_is_one_figure_valued_at_its_low_end(
    text: str, surface: str, low: float, high: float, unit: str
) -> None:
    f = one(text)
    assert (f.surface, f.value, f.low, f.high, f.unit) == (surface, low, low, high, unit)
    assert text[f.start : f.end] == surface


@pytest.mark.parametrize(
    "text",
    [
        "1-4月规上工业增加值增长5%。",  # a month span, then one figure
        "2021—2025年地区生产总值年均增长5%。",
        "电话0871-5%",  # glued to a longer number: never a range
        "增长9%—5%。",  # a high end below the low end is no range
        "覆盖率从6%到8%。",  # a change from one number to another
        "收入由5亿元至8亿元。",
    ],
)
def test_not_ranges(text: str) -> None:
    assert all(f.low is None and f.high is None for f in find_figures(text))


# ---- qualifiers -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "surface", "qualifier"),
    [
        ("地区生产总值增长6%左右。", "6%左右", "左右"),
        ("城镇调查失业率控制在5.5%以内。", "5.5%以内", "以内"),
        ("粮食产量730亿斤以上。", "730亿斤以上", "以上"),
        ("单位生产总值能耗下降2%以下。", "2%以下", "以下"),
        ("旅游综合收入突破100亿元。", "100亿元", "突破"),  # before the number: not in the surface
        ("接待游客人数超900万人次。", "900万人次", "超"),
        ("开发区营业收入超过450亿元。", "450亿元", "超过"),
        ("带动就业近3000人。", "3000人", "近"),
        ("惠及约1200户。", "1200户", "约"),
        ("培训高素质农民200余人。", "200余人", "余"),
        ("完成投资3000多万元。", "3000多万元", "多"),
        ("招商引资项目不少于25项。", "25项", "不少于"),
        ("学前教育覆盖率不低于95%。", "95%", "不低于"),
        # words that end in a qualifier's character are not qualifiers
        ("节约3万元。", "3万元", None),
        ("附近2个村受益。", "2个", None),
        ("带动企业100家上下游配套。", "100家", None),
    ],
)
def test_qualifiers_as_written(text: str, surface: str, qualifier: str | None) -> None:
    f = one(text)
    assert (f.surface, f.qualifier) == (surface, qualifier)


def test_a_qualifier_closing_or_opening_a_list_applies_to_every_item() -> None:
    assert [(s, q) for s, _, q in rows("城乡居民人均可支配收入分别增长7.5%、8.5%以上。")] == [
        ("7.5%", "以上"), ("8.5%以上", "以上")]
    assert [(s, q) for s, _, q in rows("两个产业集群年营收力争分别突破30亿元、40亿元。")] == [
        ("30亿元", "突破"), ("40亿元", "突破")]
    # two metrics, not a list of numbers: the qualifier stays where it is written
    assert [(s, q) for s, _, q in rows("新能源开工1600万千瓦、投产1000万千瓦以上。")] == [
        ("1600万千瓦", None), ("1000万千瓦以上", "以上")]


# ---- 分别 lists and shared rates -------------------------------------------------------------------------

URBAN, RURAL = "城镇居民人均可支配收入增长", "农村居民人均可支配收入增长"


@pytest.mark.parametrize(
    "text",
    [
        "城镇和农村居民人均可支配收入分别增长5%、7%。",
        "城乡居民人均可支配收入分别增长5%和7%。",
        "城镇、农村居民人均可支配收入分别增长5%和7%。",
        "城乡居民人均可支配收入分别同比增长5%、7%。",
    ],
)
def test_a_fenbie_list_gives_one_labelled_figure_per_metric(text: str) -> None:
    assert [(s, label) for s, label, _ in rows(text)] == [("5%", URBAN), ("7%", RURAL)]


def test_a_fenbie_list_of_three_and_a_chained_one() -> None:
    text = "固定资产投资、社会消费品零售总额和货物进出口总额分别增长5.3%、8%和13.4%。"
    assert [label for _, label, _ in rows(text)] == [
        "固定资产投资增长", "社会消费品零售总额增长", "货物进出口总额增长"]
    text = "城乡居民人均可支配收入分别达44999元、24102元，分别增长4.6%、6.3%。"
    assert [label for _, label, _ in rows(text)] == [
        "城镇居民人均可支配收入", "农村居民人均可支配收入", URBAN, RURAL]
    text = "第一、第三产业增加值分别增长3.1%、5.1%。"
    assert [label for _, label, _ in rows(text)] == ["第一产业增加值增长", "第三产业增加值增长"]


@pytest.mark.parametrize("joint", ["、", "和"])
def test_a_fenbie_list_whose_items_carry_their_own_qualifiers(joint: str) -> None:
    text = f"城乡居民人均可支配收入分别增长7%以上{joint}8%左右。"
    assert rows(text) == [("7%以上", URBAN, "以上"), ("8%左右", RURAL, "左右")]
    text = f"规上工业增加值、固定资产投资分别增长7%以上{joint}8%以上。"
    assert rows(text) == [("7%以上", "规上工业增加值增长", "以上"), ("8%以上", "固定资产投资增长", "以上")]
    text = "绿色建材、绿色食品两个产业集群年营收分别突破30亿元、40亿元。"
    assert rows(text) == [
        ("30亿元", "绿色建材产业集群年营收", "突破"), ("40亿元", "绿色食品产业集群年营收", "突破")]


def test_one_rate_for_a_list_of_metrics_is_one_figure_each() -> None:
    figs = find_figures("力争全年工业投资、技改投资增长20%以上。")
    assert [(f.surface, f.label, f.qualifier, f.kind) for f in figs] == [
        ("20%以上", "工业投资增长", "以上", "target"), ("20%以上", "技改投资增长", "以上", "target")]
    assert figs[0].start == figs[1].start  # one number, two metrics
    # a compound or a count is one figure
    assert len(find_figures("城乡居民人均可支配收入增长6%左右。")) == 1
    assert len(find_figures("新增国家和省级科技型中小企业50家以上。")) == 1


# ---- a number too big to be a figure ----------------------------------------------------------------------

def test_a_309_digit_number_never_raises(capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    huge = "9" * 320
    report = tmp_path / "huge.txt"
    text = f"某县2024年工作报告\n全县完成投资{huge}亿元，增长{'1' * 330}%，新建学校3所。\n"
    report.write_text(text, encoding="utf-8")
    notes: list[str] = []
    figs = find_figures(report.read_text(encoding="utf-8"), notes=notes)
    assert [f.surface for f in figs] == ["3所"] and len(notes) == 1 and "2 个数字" in notes[0]

    assert main(["summarize", "--offline", str(report)]) == 0
    out = capsys.readouterr().out
    assert "3所" in out and "未列入关键数字" in out and huge not in out
    assert main(["summarize", "--offline", "--json", str(report)]) == 0
    digest = json.loads(capsys.readouterr().out)
    assert [f["surface"] for f in digest["figures"]] == ["3所"]
    assert any("大得不像统计数字" in w for w in digest["warnings"])


# ---- labels naming the same metric ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("全县地区生产总值增长", "地区生产总值增长"),  # a place prefix
        ("GDP增速", "地区生产总值增长"),  # GDP, 增速
        ("生产总值同比增长", "地区生产总值增长"),
        ("规上工业增加值增长", "规模以上工业增加值增长"),
        ("全社会固定资产投资增长", "固定资产投资增长"),  # containment
        ("固投", "固定资产投资"),
        ("省市重点项目投资", "省市重点项目年内投资"),  # high character overlap
    ],
)
def test_same_metric(a: str, b: str) -> None:
    assert same_metric(a, b) and same_metric(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("城镇居民人均可支配收入增长", "农村居民人均可支配收入增长"),
        ("城乡居民人均可支配收入增长", "城镇居民人均可支配收入增长"),
        ("地区生产总值", "地区生产总值增长"),  # an amount is not its change
        ("工业投资增长", "技改投资增长"),
        ("增长", "地区生产总值增长"),  # a bare change names nothing
        (None, "地区生产总值"),
    ],
)
def test_not_the_same_metric(a: str | None, b: str) -> None:
    assert not same_metric(a, b)


def test_metric_key() -> None:
    assert metric_key("全市GDP同比增速") == ("+", "地区生产总值")
    assert metric_key("单位生产总值能耗下降") == ("-", "单位地区生产总值能耗")
