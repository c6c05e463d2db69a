"""The rules figure finder: what is a key figure, what is not, and the seeds' acceptance numbers."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.evaluate import load_gold, overall, score_document
from extract.figures.finder import find_figures
from extract.models import Digest, Figure
from tests.conftest import SEEDS


def surfaces(text: str, **kw: object) -> list[str]:
    return [f.surface for f in find_figures(text, **kw)]  # type: ignore[arg-type]


# ---- what is not a figure -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        # dates and times
        "12月23日,县委召开会议。",
        "5月31下午,在行政中心召开会议。",
        "2023年是关键之年。",
        "通报全县1-4月经济运行情况。",
        "正视一季度经济运行中的问题。",
        "前三季度经济稳中向好。",
        "前8个月累计推进。",
        "9时30分开会。",
        # ordinals, rankings, enumerations
        "全市排名第2。",
        "位列全省第3位。",
        "居全国前10名。",
        "对排名后3位的乡镇进行约谈。",
        "PM2.5浓度持续下降。",
        "传达省第十一次党代会精神和市委七届四次全会精神。",
        "一是明目标,二要抓落实,三要转变作风。",
        # floors, anniversaries, plan names and coded slogans
        "在行政中心九楼会议室召开会议。",
        "以优异成绩迎接建党100周年。",
        "今年是“十四五”开局之年,科学做好“十五五”规划编制。",
        "推行“371”工作法。",
        "发挥“13710”信息化督办系统作用。",
        "科学制定“17+2”专项行动,发挥“9+3”招商机制作用,壮大“2+N”特色产业。",
        "实现国家3A级景区零的突破,建设5G基站。",
        "G352国道改建,S232省道。",
        # phone, ICP, page and address numbers
        "联系电话:0578-8061234",
        "粤ICP备12345678号-1 第1页 共2页",
        "地址:振兴路128号 邮编:276300",
        "浏览次数:1488",
        # slogans and idioms with Chinese numerals
        "做实做细“六张清单”,全力做到“五个进一步”。",
        "坚持“一把手”亲自抓,全县一盘棋,一县一品。",
        "一分部署,九分落实。",
        "千方百计加快建设,一以贯之抓到底,千锤万凿出深山。",
        "着力抓好稳定、发展、生态和边疆稳固四件大事。",
        "建立三本“总台账”,完成一项、销号一项。",
        "一张蓝图绘到底,一任接着一任干。",
        "围绕两大主导产业,推动一二三产业融合发展。",
        "走访千户苗寨,争创百亿级产业集群,过千万元项目。",
    ],
)
def test_not_figures(text: str) -> None:
    assert surfaces(text) == []


def test_seeds_without_key_figures_report_nothing_beyond_optional() -> None:
    gold = load_gold(SEEDS / "gold.json")
    for doc in gold.documents:
        if doc.figures:
            continue
        text = (SEEDS / "normalized" / doc.file).read_text(encoding="utf-8")
        found = find_figures(text, published=doc.published)
        optional = {(g.value, g.unit) for g in doc.optional}
        assert [f.surface for f in found if (f.value, f.unit) not in optional] == [], doc.file


# ---- Chinese numerals: quantities vs names -----------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新建学校三所,改造卫生院两个。", [("三所", 3, "所"), ("两个", 2, "个")]),
        ("投资一千五百万元建设基地。", [("一千五百万元", 15_000_000, "元")]),
        ("新建网棚三百六十亩。", [("三百六十亩", 360, "亩")]),
        ("试点村扩大到一百零五个。", [("一百零五个", 105, "个")]),
        ("培育龙头企业十二家。", [("十二家", 12, "家")]),
        ("村集体经济收入突破两百万元。", [("两百万元", 2_000_000, "元")]),
        ("旅游收入增长百分之二十以上。", [("百分之二十以上", 20, "%")]),  # the qualifier is in the surface
        ("接待游客逾六十万人次,", [("六十万人次", 600_000, "人次")]),
    ],
)
def test_chinese_numerals_that_quantify(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert [(f.surface, f.value, f.unit) for f in find_figures(text)] == expected


@pytest.mark.parametrize(
    "text", ["抓好四件大事。", "发挥五大发展优势。", "三个文件精神。", "完成一项、销号一项。", "新建一所学校"]
)
def test_small_chinese_counts_before_a_noun_or_of_one_are_names(text: str) -> None:
    assert surfaces(text) == []


@pytest.mark.parametrize(
    "text",
    ["项目一期已建成投产,二期正在加紧建设。", "同时建设家居产业园三期,规划面积较大。", "二期工程即将开工。"],
)
def test_phases_with_chinese_numerals_are_names(text: str) -> None:
    assert surfaces(text) == []


def test_arabic_periods_still_count() -> None:
    assert [(f.value, f.unit) for f in find_figures("全年举办培训班42期。")] == [(42, "期")]


# ---- surfaces, values, approximations ---------------------------------------------------------------

def test_approximations_keep_the_written_number() -> None:
    text = "新增建设用地1500余亩,约1200户,近3000人,3万多人,协议总投资达到200亿元以上,增长6%左右。"
    figs = find_figures(text)
    assert [(f.surface, f.value, f.unit, f.qualifier) for f in figs] == [
        ("1500余亩", 1500, "亩", "余"),
        ("1200户", 1200, "户", "约"),  # a qualifier before the number is not in the surface
        ("3000人", 3000, "人", "近"),
        ("3万多人", 30_000, "人", "多"),
        ("200亿元以上", 20_000_000_000, "元", "以上"),  # one after it is
        ("6%左右", 6, "%", "左右"),
    ]


def test_figures_next_to_dates() -> None:
    figs = find_figures("2023年12月完成投资5亿元,1-10月同比增长8.5%,增长2.3个百分点,1月份净增市场主体179户。")
    assert [f.surface for f in figs] == ["5亿元", "8.5%", "2.3个百分点", "179户"]
    # undated: the year the paragraph opened with (2023年12月,…) is the year of the month spans after it
    assert [f.period for f in figs] == ["2023年12月", "2023年1-10月", "2023年1-10月", "2023年1月份"]


def test_offsets_order_and_quote() -> None:
    text = "谋划2024年重点项目74个,总投资281亿元,年度计划投资45亿元。\n全县组建19个工作专班和3个工作组。"
    figs = find_figures(text, published=date(2023, 12, 29))
    assert [f.surface for f in figs] == ["74个", "281亿元", "45亿元", "19个", "3个"]
    assert all(text[f.start : f.end] == f.surface for f in figs)
    assert [f.start for f in figs] == sorted(f.start for f in figs)
    assert figs[1].quote == "总投资281亿元"
    assert [f.label for f in figs] == ["重点项目", "总投资", "年度计划投资", "工作专班", "工作组"]
    assert figs[0].period == "2024年" and figs[2].period == "2024年"
    assert all(isinstance(f, Figure) for f in figs)


def test_spaced_numbers_and_thousands_separators() -> None:
    figs = find_figures("全县已收购籽棉 32.6 万吨,投入资金2,000万元,年度计划投资45亿元,23个项目。")
    assert [(f.surface, f.value) for f in figs] == [
        ("32.6 万吨", 326_000), ("2,000万元", 20_000_000), ("45亿元", 4_500_000_000), ("23个", 23)
    ]


def test_a_metric_restated_is_merged_first_kept_kind_lent() -> None:
    text = "全县有19个专班。\n截至目前,全县专班达到19个,累计完成投资5亿元。"
    figs = find_figures(text)
    assert [(f.surface, f.label) for f in figs] == [("19个", "专班"), ("5亿元", "投资")]
    first = figs[0]
    assert first.start == text.index("19个")  # the first occurrence is the one kept
    assert first.kind == "result"  # ... and the later one lent it its kind


def test_the_same_number_for_two_metrics_is_two_figures() -> None:
    text = "全县有19个专班。\n今年以来,各常委分任19个专班组长,累计完成投资5亿元。"
    figs = find_figures(text)
    assert [(f.surface, f.label) for f in figs] == [("19个", "专班"), ("19个", "专班组长"), ("5亿元", "投资")]


def test_empty_and_unit_less_text() -> None:
    assert find_figures("") == []
    assert find_figures("没有任何数字的报道。") == []
    assert find_figures("编号 2023 0578 13710") == []


# ---- the seeds: acceptance ------------------------------------------------------------------------------

def _seed_documents() -> list[tuple[str, str, date | None]]:
    """(file, text, published) as the pipeline sees them: normalize() if there, else the reference text."""
    gold = load_gold(SEEDS / "gold.json")
    out = []
    have_normalize = importlib.util.find_spec("extract.text.normalize") is not None
    for doc in gold.documents:
        if have_normalize:
            from extract.text.normalize import normalize

            d = normalize((SEEDS / doc.file).read_text(encoding="utf-8"))
            out.append((doc.file, d.text, d.published))
        else:
            text = (SEEDS / "normalized" / doc.file).read_text(encoding="utf-8")
            out.append((doc.file, text, doc.published))
    return out


@pytest.mark.parametrize("source", ["pipeline", "reference"])
def test_seed_acceptance(source: str) -> None:
    gold = load_gold(SEEDS / "gold.json")
    by_file = {d.file: d for d in gold.documents}
    if source == "pipeline":
        docs = _seed_documents()
    else:
        docs = [(d.file, (SEEDS / "normalized" / d.file).read_text(encoding="utf-8"), d.published)
                for d in gold.documents]
    scores = []
    for file, text, published in docs:
        figs = find_figures(text, published=published)
        scores.append(score_document(Digest(figures=figs, published=published), by_file[file]))
    total = overall(scores)
    detail = {s.file: (s.false_positive_surfaces, s.missed_surfaces, s.kind_errors) for s in scores}
    assert total.f1 >= 0.98, detail
    assert total.kind_accuracy is not None and total.kind_accuracy >= 0.92, detail


def test_seed_files_exist() -> None:
    assert Path(SEEDS / "normalized").is_dir()


# ---- never raises ---------------------------------------------------------------------------------------

_ALPHABET = [
    *"0123456789.,-+%一二两三四五六七八九十百千万亿零年月日个项亩元吨余多约第前“”,，。；;:\n ",
    *"计划力争已累计预计同比增长其中以来",
    "万元", "亿元", "个百分点", "2024年", "今年以来", "占年度计划的",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=60).map("".join),
       st.sampled_from([None, date(2023, 12, 29), date(2000, 1, 1)]))
def test_finder_never_raises_and_offsets_hold(text: str, published: date | None) -> None:
    figs = find_figures(text, published=published)
    assert all(text[f.start : f.end] == f.surface for f in figs)
    assert len({(f.value, f.unit, f.start) for f in figs}) == len(figs)  # each mention once
    assert all(f.kind in (None, "target", "result") for f in figs)
