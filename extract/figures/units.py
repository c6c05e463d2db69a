"""Unit families: the unit as written -> (normalised unit, factor), following seeds/gold.json's `about`.

Decisions where the gold file is silent (documented in the tests too):
- money is in yuan (元); 美元 and 欧元 stay their own unit (no exchange rates), 万/亿 multiplied out;
- 千米 -> 公里; 平方千米 -> 平方公里; 平米/㎡ -> 平方米; 公顷, 平方公里 and 立方米 are kept as written
  (no conversion to 亩: a figure should read like the report);
- 千瓦时 and 度 (only as 度电) -> 千瓦时; 千克 -> 公斤; 斤 kept (grain reports count in 斤);
- power as written: 兆瓦, 千瓦 (万千瓦 = 万 × 千瓦), 吉瓦;
- 倍 is a unit; 百分点 -> 个百分点; counts keep their measure word, 人次/场次/户次 included.
Durations (天, 个月, 年 ...), floors (楼, 层), grades (级) and the like are not units, so a number
followed by them is never a figure.
"""

from __future__ import annotations

import re

MONEY = "money"
RATE = "rate"
MEASURE = "measure"  # area, length, weight, power, energy, volume, 倍
COUNT = "count"

# written form -> (normalised unit, factor, family)
_UNITS: dict[str, tuple[str, float, str]] = {
    "元": ("元", 1, MONEY),
    "美元": ("美元", 1, MONEY),
    "欧元": ("欧元", 1, MONEY),
    "%": ("%", 1, RATE),
    "‰": ("‰", 1, RATE),
    "个百分点": ("个百分点", 1, RATE),
    "百分点": ("个百分点", 1, RATE),
    "倍": ("倍", 1, MEASURE),
    "亩": ("亩", 1, MEASURE),
    "公顷": ("公顷", 1, MEASURE),
    "平方米": ("平方米", 1, MEASURE),
    "平米": ("平方米", 1, MEASURE),
    "㎡": ("平方米", 1, MEASURE),
    "平方公里": ("平方公里", 1, MEASURE),
    "平方千米": ("平方公里", 1, MEASURE),
    "立方米": ("立方米", 1, MEASURE),
    "公里": ("公里", 1, MEASURE),
    "千米": ("公里", 1, MEASURE),
    "米": ("米", 1, MEASURE),
    "吨": ("吨", 1, MEASURE),
    "公斤": ("公斤", 1, MEASURE),
    "千克": ("公斤", 1, MEASURE),
    "斤": ("斤", 1, MEASURE),
    "兆瓦": ("兆瓦", 1, MEASURE),
    "千瓦": ("千瓦", 1, MEASURE),
    "吉瓦": ("吉瓦", 1, MEASURE),
    "千瓦时": ("千瓦时", 1, MEASURE),
    "度": ("千瓦时", 1, MEASURE),  # only matched as 度电 (see UNIT_PATTERN)
    # Latin symbols as some reports write them
    "MW": ("兆瓦", 1, MEASURE),
    "kW": ("千瓦", 1, MEASURE),
    "GW": ("吉瓦", 1, MEASURE),
    "kWh": ("千瓦时", 1, MEASURE),
    "km²": ("平方公里", 1, MEASURE),
    "km": ("公里", 1, MEASURE),
    "m²": ("平方米", 1, MEASURE),
    # concentrations (PM2.5 26微克/立方米, COD 15毫克/升) as written
    "微克/立方米": ("微克/立方米", 1, MEASURE),
    "毫克/立方米": ("毫克/立方米", 1, MEASURE),
    "毫克/升": ("毫克/升", 1, MEASURE),
}

# Measure words that count things (期 too: 培训42期; 一期/二期工程 are Chinese numerals before a noun,
# which the finder drops; 分 is a score, 综合得分92.6分, never 分钟 nor the minutes of 9时30分).
# 把 counts silkworm lots and tools (柞蚕1.6万把); 一把手 has a value of one, which is never a figure.
# 盘 (秧盘2亿盘), 枚, 颗, 粒, 匹, 床, 瓶, 桶 count things too; 块 does not (多卖2块多钱 is colloquial money).
# Deliberately absent: 届/级/楼/层 (ordinals), 年/月/天/周 (durations: 天 only with 天数, see figures.py),
# 大 (五大发展优势).
COUNT_WORDS = [
    "人次", "场次", "户次", "架次", "家次", "件次", "批次", "车次", "班次",
    *"个项条次户人名家座处套所辆台件场批间张支架株棵头只口艘栋幢宗笔类种款位例份本篇部盏根片组队轮趟期分起单眼羽尾箱袋把盘枚颗粒匹床瓶桶",
]
for _w in COUNT_WORDS:
    _UNITS.setdefault(_w, (_w, 1, COUNT))

# Longest first so that 个百分点 beats 个, 平方米 beats 米, 千瓦时 beats 千瓦, 人次 beats 人.
_SPECIAL = {"度", "个", "个百分点", "分", "km²", "km", "kW", "MW", "GW", "kWh", "m²"}
_ALTERNATION = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True) if u not in _SPECIAL)
# 度 is electricity only in 度电; 个 followed by a time word is a duration (12个月, 3个工作日); 分 is
# not 分钟/分之/分别; a Latin symbol must end there (110kV is not 110 kW).
UNIT_PATTERN = (
    rf"(?:度(?=电)|个(?!月|工作日|小时|星期|季度|年头|半月)(?:百分点)?|分(?!钟|之|别|期|批|类|级)|{_ALTERNATION}"
    r"|(?:kWh|km²|km|kW|MW|GW|m²)(?![A-Za-z]))"
)

MULTIPLIERS: dict[str, int] = {
    "万亿": 10**12,
    "千万": 10**7,
    "百万": 10**6,
    "十万": 10**5,
    "亿": 10**8,
    "万": 10**4,
    "千": 10**3,
    "百": 10**2,
}
# 千/百 are not multipliers where they start a unit (千米, 千瓦, 千克, 百分点) or a non-unit (千伏).
MULTIPLIER_PATTERN = r"(?:万亿|千万|百万|十万|亿|万|千(?!米|瓦|克|伏)|百(?!分))"


def unit_info(written: str) -> tuple[str, float, str] | None:
    """(normalised unit, factor, family) for a unit as written, or None when it is not a unit."""
    return _UNITS.get(written)


def family(unit: str) -> str | None:
    """Family of a normalised unit (money, rate, measure, count)."""
    info = _UNITS.get(unit)
    return info[2] if info else None
