"""What every renderer (terminal text, Telegram HTML, and later charts) shows the same way: the order of
figures, a county's name with its place, a figure's kind mark and its words."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from typing import Literal, Protocol

from extract.digest.order import digest_order, rank_figures
from extract.digest.summary import clip
from extract.figures.signs import figure_number
from extract.models import County

KIND_ICON = {"target": "🎯", "result": "✅"}
KIND_WORD = {"target": "目标", "result": "实际"}  # one word per concept (issue N)

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


ESTIMATED_WORD = "预计"


def figure_parts(f: Labelled, *, period_in_label: bool = True) -> tuple[str, str, str]:
    """(预计 or "", the number as written, the words after it) of a figure line."""
    number, label = figure_number(f)
    words = figure_words(SimpleNamespace(label=label, period=f.period), period_in_label=period_in_label)
    return (ESTIMATED_WORD if getattr(f, "estimated", False) else ""), number, words


def one_line(text: str, limit: int) -> str:
    """A title or snippet on one line, clipped to `limit` (never inside a number, as bot.render.html)."""
    return clip(" ".join(text.split()), limit)
