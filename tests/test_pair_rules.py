"""Rules the real county pairs (tests/pairs/county.json) showed missing, each on another sentence (made up
or from another report): the label of a result written with 实际/迈上/可比, a change list paired with the
amounts list before it, and the vocabulary of county reports (县域生产总值, 一般公共财政预算收入,
规上企业工业增加值)."""

from __future__ import annotations

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
