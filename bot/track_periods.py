"""Report periods as month spans: "2025年前三季度" → Period(2025, 1, 9). Pure; used by bot.track.

Reads 2025年, 2025年上半年/下半年, 2025年一季度…四季度, 2025年前三季度, 2025年1-9月 and 2025年3月, and
resolves 今年/去年/明年/上年/过去一年 (and a bare 上半年, 一季度…) against the report's date. Multi-year
periods (十四五, 2021-2025年) give None: they are not tracked.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

_SPACE = re.compile(r"\s+")


class Period(NamedTuple):
    year: int
    first: int  # first month covered
    last: int  # last month covered

    @property
    def whole_year(self) -> bool:
        return self.first == 1 and self.last == 12

    def contains(self, other: Period) -> bool:
        return self.year == other.year and self.first <= other.first and other.last <= self.last

    def text(self) -> str:
        parts = {
            (1, 12): "",
            (1, 6): "上半年",
            (7, 12): "下半年",
            (1, 3): "一季度",
            (4, 6): "二季度",
            (7, 9): "三季度",
            (10, 12): "四季度",
            (1, 9): "前三季度",
        }
        part = parts.get((self.first, self.last), f"{self.first}-{self.last}月")
        return f"{self.year}年{part}"


_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = re.compile(r"((?:19|20)\d\d)年?")
_RELATIVE = (
    ("今年", 0),
    ("本年", 0),
    ("全年", 0),
    ("年底", 0),
    ("年末", 0),
    ("去年", -1),
    ("上年", -1),
    ("上一年", -1),
    ("过去一年", -1),
    ("明年", 1),
    ("来年", 1),
)
_MONTHS = re.compile(r"(\d{1,2})\s*[-—~至到－]\s*(\d{1,2})\s*月")
_ONE_MONTH = re.compile(r"(?<![\d-])(\d{1,2})\s*月(?:份)?$")
_MONTH_END = re.compile(r"(?<![\d-])(\d{1,2})\s*月(?:底|末)$")
_QUARTER = re.compile(r"(?:第)?([一二三四1-4])季度")
_FIRST_Q = re.compile(r"前([一二三])(?:个)?季度")
_MULTI_YEAR = re.compile(r"(?:19|20)\d\d\s*[-—~至到－]\s*(?:19|20)?\d\d|十[一二三四五六]五|五年")


def report_day(when: date | None, received: date | None) -> str:
    """A report's own date (2024-01-10), or 日期不详 · 收到于 2026-12-07 when it states none: the day a
    report came is never shown as if the report said it (issue K)."""
    if when is not None:
        return when.isoformat()
    return f"日期不详 · 收到于 {received.isoformat()}" if received else "日期不详"


def parse_period(period: str | None, report_date: date | None = None) -> Period | None:
    """ "2025年前三季度" → Period(2025, 1, 9); relative words are resolved against the report's date."""
    if not period:
        return None
    p = _SPACE.sub("", period)
    if _MULTI_YEAR.search(p) or "以来" in p:
        return None  # 2024年以来: the year so far, up to a day the text does not give (issue K)
    m = _YEAR.search(p)
    year: int | None = int(m.group(1)) if m else None
    if year is None and report_date is not None:
        year = report_date.year
        for word, delta in _RELATIVE:
            if word in p:
                year += delta
                break
    if year is None:
        return None
    if "上半年" in p:
        return Period(year, 1, 6)
    if "下半年" in p:
        return Period(year, 7, 12)
    if m2 := _FIRST_Q.search(p):
        return Period(year, 1, 3 * _CN_DIGIT[m2.group(1)])
    if m2 := _QUARTER.search(p):
        q = _CN_DIGIT[m2.group(1)]
        return Period(year, 3 * q - 2, 3 * q)
    if m2 := _MONTHS.search(p):
        first, last = int(m2.group(1)), int(m2.group(2))
        if 1 <= first <= last <= 12:
            return Period(year, first, last)
        return None
    if m2 := _MONTH_END.search(p):  # 截至10月底: a stock or a running total at that month's end
        month = int(m2.group(1))
        return Period(year, 1, month) if 1 <= month <= 12 else None
    if m2 := _ONE_MONTH.search(p):
        month = int(m2.group(1))
        return Period(year, month, month) if 1 <= month <= 12 else None
    return Period(year, 1, 12)
