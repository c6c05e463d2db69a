"""预计…: an estimate of a period that is over (a result, Figure.estimated) or a forecast (a target).

A year-end review is delivered in late December or January and writes its year's results as estimates
(预计全年实现地区生产总值86.4亿元、增长4.2%): the statistics are not out yet, the year is (nearly) over. So a
预计 about a period that has ended by the report's date, or is nearly over (forecast_over), is a
result with estimated=True; about a period further ahead (预计明年…, 预计全年… in a July report) it stays
a target. A later actual result replaces an estimate (tracking reads `estimated`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from extract.figures.periods import Layout, period_range
from extract.figures.sections import Section

# 6 weeks: a review published from late November on speaks of a year that is practically over
ESTIMATE_WINDOW = timedelta(days=45)
ESTIMATE_SHARE = 0.15  # … and no more than this share of a shorter period is left
_FORECAST = re.compile(r"(?<![比超占])预计")  # 占预计总产量的55.3%: a share of a forecast


def forecast_over(rng: tuple[date, date] | None, published: date | None) -> bool:
    """Whether a 预计 about the period `rng` (start, exclusive end) estimates a result: the period has
    begun by the report's date and what is left of it is within ESTIMATE_WINDOW and at most
    ESTIMATE_SHARE of its length (预计全年… from mid-November, 预计上半年… from June, 预计一季度… from
    mid-March; a February meeting's 一季度…预计 is still a plan)."""
    if rng is None or published is None or rng[0] > published:
        return False
    left = rng[1] - published
    return left <= ESTIMATE_WINDOW and left.days <= ESTIMATE_SHARE * (rng[1] - rng[0]).days


def undated_review_over(
    rng: tuple[date, date] | None, section: Section | None, published: date | None
) -> bool:
    """An undated text's 预计 under a review heading (一、2022年工作回顾) about a period within the year it
    reviews: a review is written when that year is (nearly) over, so the 预计 estimates a result."""
    if published is not None or rng is None or section is None or section.kind != "result":
        return False
    if not section.year:
        return False
    return rng[1] <= date(section.year + 1, 1, 1)


def year_just_begun(rng: tuple[date, date], published: date) -> bool:
    """A whole year (not 1-2月, not 上半年) of which less than ESTIMATE_WINDOW has passed at the report's
    date: nothing of it can be a result yet, so a figure for it is its plan."""
    return (rng[1] - rng[0]).days >= 365 and timedelta(0) <= published - rng[0] < ESTIMATE_WINDOW


def forecast_range(
    m: re.Match[str], published: date | None, context_year: int | None
) -> tuple[date, date] | None:
    """The period a 预计 speaks of: as periods.period_range, except that a bare 全年 in a report of the
    year's first weeks (a review delivered in January, no year named around it) is the year just ended."""
    if (
        m.group("rel") == "全年"
        and context_year is None
        and published is not None
        and published - date(published.year, 1, 1) < ESTIMATE_WINDOW
    ):
        context_year = published.year - 1
    return period_range(m, published, context_year)


def estimated_flags(layout: Layout, spans: list[tuple[int, int]], kinds: list[str | None]) -> list[bool]:
    """For each figure span, whether it is a result stated as an estimate: a 预计 before it in its
    ；-part (预计全年实现…86.4亿元、增长4.2% marks both; 已完成5亿元,预计全年完成8亿元 only the second)."""
    text = layout.text
    out = []
    for (s, _), kind in zip(spans, kinds, strict=True):
        if kind != "result":
            out.append(False)
            continue
        part = layout.span("part", s)
        out.append(_FORECAST.search(text, part[0], s) is not None)
    return out
