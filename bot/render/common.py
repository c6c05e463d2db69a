"""What every renderer (terminal text, Telegram HTML, and later charts) shows the same way: the order of
figures, a county's name with its place, a figure's kind mark and its words."""

from __future__ import annotations

import re
from datetime import date, datetime
from types import SimpleNamespace
from typing import Literal, Protocol

from extract.digest.order import digest_order, rank_figures
from extract.figures.signs import DECLINE_WORDS, MINUS
from extract.models import County

KIND_ICON = {"target": "🎯", "result": "✅"}
KIND_WORD = {"target": "目标", "result": "完成"}

__all__ = [
    "KIND_ICON", "KIND_WORD", "county_place", "county_text", "date_words", "digest_order", "figure_number",
    "figure_words", "rank_figures",
]  # fmt: skip
UNKNOWN_DATE = "日期不详"


def date_words(published: date | None, received: date | datetime | None = None) -> str:
    """The report's own date, or 日期不详 with the day it was received written as such ("收到于 …"):
    the day a report reached us is never shown as if the report said it."""
    if published is not None:
        return published.isoformat()
    if received is None:
        return UNKNOWN_DATE
    day = received.date() if isinstance(received, datetime) else received
    return f"{UNKNOWN_DATE} · 收到于 {day.isoformat()}"


def county_place(c: County, style: Literal["list", "address"] = "list") -> str:
    """Where the county is, without repeating it (a municipality's district never reads "北京市北京市"):
    "临汾市，山西省" (list: digests) or "山西省临汾市" (address: targets and period lists)."""
    parts: list[str] = []
    for p in (c.city, c.province) if style == "list" else (c.province, c.city):
        if p and p != c.name and p not in parts:
            parts.append(p)
    return ("，" if style == "list" else "").join(parts)


def county_text(c: County, style: Literal["list", "address"] = "list") -> str:
    """ "大宁县（临汾市，山西省）"; the bare name when its place is unknown."""
    place = county_place(c, style)
    return f"{c.name}（{place}）" if place else c.name


class Labelled(Protocol):  # a Figure, or a stored target (TargetItem)
    label: str | None
    period: str | None


def figure_words(f: Labelled, *, period_in_label: bool = True) -> str:
    """The label and period after a figure's number: "年度计划投资（2024年）". period_in_label=False
    leaves out a period the label already says."""
    label = f.label or ""
    show_period = f.period and (period_in_label or f.period not in label)
    return label + (f"（{f.period}）" if show_period else "")


# ---- a figure's number as the report writes it (issue K) ------------------------------------------
_AFTER_WORDS = ("左右", "以上", "以内", "以下", "上下", "之内", "之多", "有余")
_CHANGE_TAIL = re.compile(
    r"(?:同比)?(?:负增长|下降|减少|回落|降低|下滑|下跌|缩减|降幅|增长率|增长|增速|增幅)$"
)
ESTIMATED_WORD = "预计"


def figure_number(f: Labelled) -> tuple[str, str | None]:
    """(the number as the report writes it, the label left to say after it).

    A qualifier printed before the number comes back (突破500亿元); a fall reads as the report wrote it,
    its change word moved from the label to the number: 规上工业增加值下降 + 6.3% (value -6.3) ->
    ("下降6.3%", "规上工业增加值"), 地区生产总值增长 + -6.3% -> ("增长-6.3%", "地区生产总值"); a negative
    value under a label saying growth (a model's wording) is never shown as growth: ("下降6.3%", metric)."""
    surface: str = getattr(f, "surface", "")
    label = f.label
    q = getattr(f, "qualifier", None) or ""
    if q and q not in surface:
        surface = surface + q if q in _AFTER_WORDS else q + surface
    value = getattr(f, "value", None)
    if value is None or value >= 0:
        return surface, label
    tail = _CHANGE_TAIL.search(label or "")
    word = tail.group(0) if tail else ""
    if surface.lstrip(q)[:1] in MINUS:  # 增长-6.3%: the minus is printed, the word goes before it
        return (word + surface, (label or "")[: tail.start()] or None) if tail else (surface, label)
    if word.removeprefix("同比") not in DECLINE_WORDS:  # no word, or one saying growth: it fell
        word = "下降"
    return word + surface, ((label or "")[: tail.start()] if tail else label) or None


def figure_parts(f: Labelled, *, period_in_label: bool = True) -> tuple[str, str, str]:
    """(预计 or "", the number as written, the words after it) of a figure line."""
    number, label = figure_number(f)
    words = figure_words(SimpleNamespace(label=label, period=f.period), period_in_label=period_in_label)
    return (ESTIMATED_WORD if getattr(f, "estimated", False) else ""), number, words
