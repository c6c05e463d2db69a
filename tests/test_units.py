"""Each unit family: the unit as written -> normalised unit and factor (seeds/gold.json's conventions)."""

from __future__ import annotations

import pytest

from extract.figures.finder import find_figures
from extract.figures.numerals import parse_quantity
from extract.figures.units import COUNT, MEASURE, MONEY, RATE, family


@pytest.mark.parametrize(
    ("surface", "value", "unit"),
    [
        # money in yuan, 万/亿/千万/百万 multiplied out; foreign currency kept as its own unit
        ("3000元", 3000, "元"),
        ("6952万元", 69_520_000, "元"),
        ("281亿元", 28_100_000_000, "元"),
        ("5千万元", 50_000_000, "元"),
        ("3百万元", 3_000_000, "元"),
        ("1.36亿美元", 136_000_000, "美元"),
        ("3200万美元", 32_000_000, "美元"),
        # rates
        ("66.7%", 66.7, "%"),
        ("2.3个百分点", 2.3, "个百分点"),
        ("1.5百分点", 1.5, "个百分点"),
        ("3‰", 3, "‰"),
        ("1.2倍", 1.2, "倍"),
        # areas
        ("1500亩", 1500, "亩"),
        ("2.6万亩", 26_000, "亩"),
        ("12.6万平方米", 126_000, "平方米"),
        ("300平米", 300, "平方米"),
        ("8.5平方公里", 8.5, "平方公里"),
        ("3平方千米", 3, "平方公里"),
        ("1.5万公顷", 15_000, "公顷"),
        # lengths
        ("126公里", 126, "公里"),
        ("312千米", 312, "公里"),
        ("800米", 800, "米"),
        # weights
        ("5000吨", 5000, "吨"),
        ("10万吨", 100_000, "吨"),
        ("500公斤", 500, "公斤"),
        ("20千克", 20, "公斤"),
        ("32亿斤", 3_200_000_000, "斤"),
        # power and energy: as written, 万千瓦 = 万 × 千瓦
        ("100兆瓦", 100, "兆瓦"),
        ("500千瓦", 500, "千瓦"),
        ("6万千瓦", 60_000, "千瓦"),
        ("3.4亿千瓦时", 340_000_000, "千瓦时"),
        ("1.2万立方米", 12_000, "立方米"),
        # counts keep their measure word, 万 multiplied out
        ("19个", 19, "个"),
        ("93项", 93, "项"),
        ("307条", 307, "条"),
        ("8次", 8, "次"),
        ("179户", 179, "户"),
        ("1.18万户", 11_800, "户"),
        ("3260人", 3260, "人"),
        ("3.6万人", 36_000, "人"),
        ("200余名", 200, "名"),
        ("436家", 436, "家"),
        ("7座", 7, "座"),
        ("2处", 2, "处"),
        ("200万套", 2_000_000, "套"),
        ("5所", 5, "所"),
        ("40辆", 40, "辆"),
        ("126台", 126, "台"),
        ("1268.5万人次", 12_685_000, "人次"),
        ("46场次", 46, "场次"),
        ("42期", 42, "期"),
        ("3260家次", 3260, "家次"),
        ("126起", 126, "起"),
        ("4.6万件", 46_000, "件"),
        ("150万株", 1_500_000, "株"),
        ("1.6万把", 16_000, "把"),
        ("1.65亿盘", 165_000_000, "盘"),  # seedling trays
        ("300枚", 300, "枚"),
        ("1200床", 1200, "床"),
        # concentrations as written
        ("26微克/立方米", 26, "微克/立方米"),
        ("0.5毫克/升", 0.5, "毫克/升"),
    ],
)
def test_unit_families(surface: str, value: float, unit: str) -> None:
    assert parse_quantity(surface) == (value, unit)
    # and the finder reads the same thing in running text
    figs = find_figures(f"全县完成{surface},成效明显。")
    assert [(f.surface, f.value, f.unit) for f in figs] == [(surface, value, unit)]


def test_electricity_in_du() -> None:
    figs = find_figures("全年发电3亿度电。")
    assert [(f.value, f.unit) for f in figs] == [(300_000_000, "千瓦时")]
    assert find_figures("气温达到30度。") == []  # 度 alone is a temperature or an angle


@pytest.mark.parametrize(
    "text",
    ["苦干30天", "前8个月", "压缩至3个工作日", "连续5年", "每周2小时", "70周年", "110千伏变电站", "3层楼",
     "5岁"],
)
def test_durations_and_non_units_are_not_figures(text: str) -> None:
    assert find_figures(text) == []


def test_families() -> None:
    assert family("元") == MONEY and family("美元") == MONEY
    assert family("%") == RATE and family("个百分点") == RATE
    assert family("亩") == MEASURE and family("千瓦") == MEASURE
    assert family("个") == COUNT and family("人次") == COUNT
    assert family("年") is None and family("天") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("光伏30MW项目", [("30MW", 30, "兆瓦")]),
        ("修建道路12km。", [("12km", 12, "公里")]),
        ("面积5km²。", [("5km²", 5, "平方公里")]),
        ("年发电1.2亿kWh。", [("1.2亿kWh", 120_000_000, "千瓦时")]),
        ("110kV变电站", []),
        ("综合得分92.6分,", [("92.6分", 92.6, "分")]),
        ("90分以上", [("90分以上", 90, "分")]),  # the qualifier is in the surface
        ("9时30分开会,10点30分散会,用时5分钟。", []),
    ],
)
def test_latin_symbols_and_scores(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert [(f.surface, f.value, f.unit) for f in find_figures(text)] == expected


def test_days_count_only_after_tianshu() -> None:
    figs = find_figures("空气质量优良天数达到351天,优良天数比例96.2%。")
    assert [(f.surface, f.value, f.unit) for f in figs] == [("351天", 351, "天"), ("96.2%", 96.2, "%")]
    assert find_figures("项目建设工期300天。") == []  # a duration
    assert find_figures("优良天数比上年增加了15天以上") != []
    assert find_figures("坚持“一把手”负总责,把实事办好。") == []  # 把 as a preposition or in 一把手


def test_kuai_is_not_a_count() -> None:
    # 块 is colloquial money (一斤能多卖1块多钱), not a measure word the finder should read
    assert find_figures("一斤能多卖1块多钱。") == []
