"""Grounding: every number a digest shows must be a number the report states (extract/digest/grounding.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.digest.grounding import number_forms, ungrounded_numbers
from tests.conftest import SEEDS

SOURCE = (
    "谋划2024年重点项目74个,总投资281亿元,年度计划投资45亿元,"
    "新建标准地1,500余亩,办结率66.7%,组建三个工作组。"
)


@pytest.mark.parametrize("written", ["281亿", "281亿元", "281億元", "28100000000", "２８１亿", "2.81百亿"])
def test_one_normal_form_for_every_way_of_writing_a_number(written: str) -> None:
    assert number_forms(written) == {"28100000000"}


@pytest.mark.parametrize(
    ("sentence", "bad"),
    [
        ("总投资281亿元。", []),
        ("总投资281億元，年度计划投资45亿。", []),  # traditional script, unit dropped
        ("新建标准地1500亩。", []),  # 1,500 == 1500
        ("组建3个工作组。", []),  # 三 == 3
        ("办结率66.7%。", []),
        ("办结率约67%。", ["67"]),  # rounded: not what the report said
        ("总投资281万元。", ["281万"]),  # wrong multiplier
        ("总投资326亿元。", ["326亿"]),  # 281 + 45: a sum the report never states
        ("计划投资四十五亿元。", []),  # Chinese numerals with a multiplier
        ("计划投资五十亿元。", ["五十亿"]),
        ("千方百计抓落实，造福百姓。", []),  # words, not numbers
        ("2025年重点项目74个。", ["2025"]),  # an invented year is an invented number
    ],
)
def test_ungrounded_numbers(sentence: str, bad: list[str]) -> None:
    assert ungrounded_numbers(sentence, SOURCE) == bad


def test_precomputed_forms_give_the_same_answer() -> None:
    forms = number_forms(SOURCE)
    for s in ("总投资281亿元。", "新增就业12345人。"):
        assert ungrounded_numbers(s, SOURCE, forms=forms) == ungrounded_numbers(s, SOURCE)


def test_comma_in_prose_is_read_both_ways_on_the_source_side() -> None:
    # normalised reports use ASCII commas as Chinese commas: "19,300" may be 19 and 300
    forms = number_forms("组建19,300人参加")
    assert {"19", "300", "19300"} <= forms


def test_every_sentence_of_every_seed_is_grounded_in_its_own_report() -> None:
    for path in sorted((SEEDS / "normalized").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        forms = number_forms(text)
        for sentence in re.findall(r"[^。；\n]+", text):
            assert ungrounded_numbers(sentence, text, forms=forms) == [], (path.name, sentence)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="0123456789,.%亿万千百十零〇一二两三四五六七八九年个元億萬 ，。", max_size=40))
def test_any_text_is_grounded_in_itself(text: str) -> None:
    assert ungrounded_numbers(text, text) == []
