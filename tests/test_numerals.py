"""Arabic and Chinese numerals, multipliers, and parse_quantity (used by the finder and the LLM grounding)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.figures.finder import parse_quantity as parse_quantity_from_figures
from extract.figures.numerals import parse_chinese, parse_number, parse_quantity


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一千五百", 1500),
        ("两", 2),
        ("十二", 12),
        ("十", 10),
        ("二十五", 25),
        ("一百零五", 105),
        ("三百六十", 360),
        ("两千", 2000),
        ("一万零五百", 10500),
        ("八百万", 8_000_000),
        ("二十五万", 250_000),
        ("一亿二千万", 120_000_000),
        ("三万亿", 3 * 10**12),
    ],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert parse_chinese(text) == value


@pytest.mark.parametrize("text", ["十四五", "十五五", "二〇二三", "一一", "十两", "", "万", "亿万", "百十"])
def test_malformed_chinese_numerals_are_not_numbers(text: str) -> None:
    # codes and years written digit by digit, plan names and bare place words are not quantities
    assert parse_chinese(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3.5万", Decimal(35000)),
        ("1.2亿", Decimal(120_000_000)),
        ("2,000", Decimal(2000)),
        ("1,234,567", Decimal(1_234_567)),
        ("5千万", Decimal(50_000_000)),
        ("3百万", Decimal(3_000_000)),
        ("一千五百万", Decimal(15_000_000)),
        ("407.09亿", Decimal("40709000000")),
    ],
)
def test_parse_number_with_multipliers(text: str, value: Decimal) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("281亿元", (28_100_000_000, "元")),
        ("281億元", (28_100_000_000, "元")),  # traditional 億 as a model may write it
        ("6952万元", (69_520_000, "元")),
        ("1,500余亩", (1500, "亩")),
        ("一千五百万元", (15_000_000, "元")),
        ("60%", (60, "%")),
        ("６０％", (60, "%")),
        ("百分之六十", (60, "%")),
        ("2.5个百分点", (2.5, "个百分点")),
        ("100兆瓦", (100, "兆瓦")),
        ("200万套", (2_000_000, "套")),
        ("960余万元", (9_600_000, "元")),
        ("五万多元", (50_000, "元")),
        ("约1500亩", (1500, "亩")),
        ("近3000户", (3000, "户")),
        ("200亿元以上", (20_000_000_000, "元")),
        ("6%左右", (6, "%")),
        ("32.6 万吨", (326_000, "吨")),
        ("3亿度电", (300_000_000, "千瓦时")),
    ],
)
def test_parse_quantity(surface: str, expected: tuple[float, str]) -> None:
    assert parse_quantity(surface) == expected


def test_parse_quantity_values_are_exact() -> None:
    # Decimal arithmetic: 407.09 × 10^8 must not come out as 40709000000.000004
    value, unit = parse_quantity("407.09亿元")  # type: ignore[misc]
    assert value == 40_709_000_000 and isinstance(value, int) and unit == "元"
    assert parse_quantity("17.92亿元") == (1_792_000_000, "元")
    assert parse_quantity("0.9个百分点") == (0.9, "个百分点")


@pytest.mark.parametrize(
    "surface",
    ["3.5万", "45", "2023年", "12月23日", "第2", "30天", "前8个月", "12个月", "十四五", "建党100周年", "九楼",
     "3A级", "5G", "abc", "", "亿元", "万千瓦", "110千伏", "一二三"],
)
def test_parse_quantity_rejects_what_is_not_a_quantity(surface: str) -> None:
    assert parse_quantity(surface) is None


def test_figures_module_exports_the_same_parse_quantity() -> None:
    assert parse_quantity_from_figures is parse_quantity


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999), st.sampled_from(["", "万", "亿"]))
def test_arabic_round_trip(n: int, mult: str) -> None:
    factor = {"": 1, "万": 10**4, "亿": 10**8}[mult]
    assert parse_quantity(f"{n}{mult}元") == (n * factor, "元")
    if n >= 1000:
        assert parse_quantity(f"{n:,}亩") == (n, "亩")


def _to_chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    out, zero = "", False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero and out:
                out += "零"
            out += digits[d] + name
            zero = False
        else:
            zero = True
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=9999))
def test_chinese_round_trip(n: int) -> None:
    assert parse_chinese(_to_chinese(n)) == n


@pytest.mark.parametrize(
    ("surface", "expected"),
    [("5.5%以内", (5.5, "%")), ("突破30亿元", (3_000_000_000, "元")), ("控制在4%以内", (4, "%")),
     ("不低于95%", (95, "%")), ("6%上下", (6, "%"))],
)
def test_parse_quantity_drops_every_qualifier_the_finder_reads(surface: str, expected: tuple) -> None:
    assert parse_quantity(surface) == expected
