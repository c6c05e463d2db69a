"""target / result / None: cue words, their scope, periods relative to the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from extract.figures import find_figures

PUB = date(2023, 12, 29)


def kinds(text: str, published: date | None = PUB) -> list[tuple[str, str | None]]:
    return [(f.surface, f.kind) for f in find_figures(text, published=published)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # target cues
        ("力争全年招商项目达到50个。", "target"),
        ("确保脱贫人口人均纯收入增长10%以上。", "target"),
        ("全年计划新建标准地1800余亩。", "target"),
        ("年度计划投资45亿元。", "target"),
        ("全年目标是新增就业5000人。", "target"),
        ("拟投资3亿元建设冷链中心。", "target"),
        ("县里将新建学校6所。", "target"),
        ("各地要确保完成投资30亿元。", "target"),
        ("争取上级资金2亿元。", "target"),
        ("力促总投资40亿元的项目落地。", "target"),
        ("预计明年接待游客突破80万人次。", "target"),
        ("谋划2024年重点项目74个。", "target"),
        ("到2025年,种植面积稳定在60万亩。", "target"),
        ("下一步,全县新建农村公路200公里。", "target"),
        ("明年新开工项目6个。", "target"),
        # result cues
        ("全年完成地区生产总值86.3亿元。", "result"),
        ("铝镁合金项目实现产值2亿元。", "result"),
        ("累计办理前期手续63项。", "result"),
        ("目前已完成新建果园4600亩。", "result"),
        ("新增加建设用地1500余亩。", "result"),
        ("规模以上工业增加值同比增长8.5%。", "result"),
        ("比上年增加12万亩。", "result"),
        ("项目7月签约、11月开工,完成投资3亿元。", "result"),
        ("今年以来,全县开工项目28个。", "result"),
        ("截至10月底,装机容量达到286万千瓦。", "result"),
        ("先后召开8次专题会议。", "result"),
        ("1月份净增市场主体179户。", "result"),
        ("连续5年稳定在30亿斤以上。", "result"),
        ("近年来,累计投入资金1.2亿元。", "result"),
    ],
)
def test_cue_words(text: str, kind: str) -> None:
    assert [k for _, k in kinds(text)] == [kind]


def test_leftmost_cue_governs_its_phrase() -> None:
    assert kinds("力争完成投资5亿元。") == [("5亿元", "target")]
    assert kinds("累计争取上级资金5亿元。") == [("5亿元", "result")]
    assert kinds("确保同比增长8%。") == [("8%", "target")]


def test_a_plan_opening_a_sentence_makes_every_figure_in_it_a_target() -> None:
    text = "2025年计划实施项目80个,总投资120亿元。其中续建项目30个,新建项目50个,新增就业岗位2000个。"
    assert kinds(text, date(2025, 1, 20)) == [
        ("80个", "target"), ("120亿元", "target"), ("30个", "target"), ("50个", "target"),
        ("2000个", "target"),
    ]


def test_share_of_plan_reached_is_a_result() -> None:
    text = "2025年计划投资50亿元,目前已完成40亿元,占年度计划的80%。"
    assert kinds(text, date(2025, 10, 8)) == [("50亿元", "target"), ("40亿元", "result"), ("80%", "result")]
    assert kinds("一季度完成投资48.6亿元,占年度计划的26.1%。", date(2023, 4, 18))[1] == ("26.1%", "result")


def test_measured_rate_after_a_plan_is_a_result() -> None:
    # a plan opening one clause group (；) of a sentence does not reach the next group
    text = (
        "各项工作取得阶段性成效。经济运行稳中有进;谋划2024年重点项目74个,总投资281亿元,年度计划投资45亿元,"
        "23个新建项目前期手续办结率66.7%;引进落地7个项目。"
    )
    assert kinds(text) == [
        ("74个", "target"), ("281亿元", "target"), ("45亿元", "target"),
        ("23个", "result"), ("66.7%", "result"), ("7个", "result"),
    ]


def test_a_definite_cue_after_the_figure() -> None:
    text = "开展资金债券争取行动,拟争取17.92亿元专项债券的13个项目顺利通过省发改委审核。"
    found = dict(kinds(text))
    assert found["13个"] == "result"  # 17.92亿元 is left open in the gold: what counts is 13个


@pytest.mark.parametrize(
    ("published", "kind"),
    [(date(2024, 1, 3), "result"), (date(2023, 12, 20), "target"), (None, "target")],
)
def test_forecast_about_an_ended_period_is_a_result(published: date | None, kind: str) -> None:
    text = "2023年,全县交通建设提速。预计全年完成公路水运投资16.2亿元。"
    assert kinds(text, published) == [("16.2亿元", kind)]


def test_growth_stated_after_a_forecast_is_a_forecast() -> None:
    text = "水果产量预计达到130万吨,产值预计突破110亿元,同比增长9.2%。"
    assert [k for _, k in kinds(text, date(2023, 12, 26))] == ["target", "target", "target"]
    assert kinds("全年完成地区生产总值86.3亿元,同比增长6.1%。", date(2024, 1, 5))[1] == ("6.1%", "result")


def test_periods_relative_to_publication() -> None:
    # 谋划 alone decides nothing; a coming year makes it a plan
    assert kinds("谋划储备项目120个。") == [("120个", None)]
    assert kinds("2024年重点项目74个。", date(2023, 12, 29)) == [("74个", "target")]
    assert kinds("2022年重点项目74个。", date(2023, 12, 29)) == [("74个", "result")]


def test_running_frame_spans_paragraphs_and_headings() -> None:
    text = (
        "一、2023年工作回顾\n全县茶园面积稳定在60万亩,茶叶产量8.1万吨。\n"
        "二、2024年工作安排\n(一)做强茶产业。新建高标准茶园2万亩,改造低产茶园5万亩。\n"
    )
    assert kinds(text, date(2024, 1, 20)) == [
        ("60万亩", "result"), ("8.1万吨", "result"), ("2万亩", "target"), ("5万亩", "target")
    ]


def test_breakdown_with_qizhong_follows_the_total() -> None:
    text = "现场签约项目12个,签约总金额86.5亿元,其中5亿元以上项目6个,外资项目1个。"
    assert [k for _, k in kinds(text, date(2024, 3, 26))] == ["result"] * 5


def test_noun_uses_of_cue_words_do_not_decide() -> None:
    # 部署要求, 目标导向, 争取行动, 项目前期 contain cue characters but are nouns
    text = "全市行动开展以来,全县坚决落实部署要求,坚持目标导向,组建19个工作专班。"
    assert kinds(text) == [("19个", "result")]
    assert kinds("15个新建项目前期手续办理完毕。") == [("15个", "result")]


def test_a_result_stated_later_in_the_sentence() -> None:
    text = "今年,全县把10件民生实事作为重点工作推进,截至目前,各项任务已全部完成。"
    assert kinds(text, date(2023, 12, 15)) == [("10件", "result")]
    # ... but a plan later in the sentence does not reach back
    assert kinds("全县有项目46个,力争明年全部开工。", None) == [("46个", None)]


def test_null_when_nothing_decides() -> None:
    assert kinds("紧盯智慧城市平台等46个专项债项目。", None) == [("46个", None)]
