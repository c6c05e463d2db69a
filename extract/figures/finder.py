"""The rules figure finder: number + unit spans in normalised text -> Figure list.

One regex pass finds every number (Arabic or Chinese, with 万/亿 multipliers, 余/多 and a unit); a
number without a unit is never a figure, which already rules out dates (2023年, 12月23日, 1-4月),
durations (15天, 前8个月; but N天 after 天数 counts days: 优良天数351天), floors (五楼),
anniversaries (70周年), codes (“567”, 5G, 3A级) and phone, ICP and page numbers. The remaining exclusions:
- ordinals and rankings: 第5, 第十一次, 前3名, 后3位;
- numbers glued to a Latin letter, digit or + before them, or to + after them (G352, 6+1, ICP备…);
- anything inside a short quotation, which names a slogan or plan (“八项规定”, “五个一”, “十四五”);
- Chinese numerals: never 一 (一项, 一批, 一张蓝图); with a measure word only when the count comes after
  its noun (新建学校三所、) or is 100 or more — before a noun a small Chinese count is a slogan
  (三件实事, 七届四次全会, 两张“清单”); never with 期, which names a phase (项目二期正在建设, 产业园三期,);
  with money/area/weight/rate units always (一千五百万元).
One figure per (value, unit): the first occurrence is kept; when it has no kind, the first later
occurrence that has one lends it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date
from decimal import Decimal

from extract.figures.kinds import assign_kinds
from extract.figures.labels import Labeller, quote_for
from extract.figures.numerals import QUANTITY_RE, parse_quantity, quantity_from_match, tidy
from extract.figures.periods import Layout, period_for
from extract.figures.units import COUNT, family
from extract.models import Figure

__all__ = ["find_figures", "parse_quantity"]

_QUOTE_RE = re.compile(r"[“「『‘\"][^“”「」『』‘’\"\n]{1,10}[”」』’\"]")
_POSTPOSED_END = set("，,。；;、)）!！?？\n")
_RANKING_UNITS = {"名", "位"}
_DAY_COUNT = re.compile(r"天数[^，,。；;：:\n\d]{0,10}$")
_GLUE = set("+._/#")


def _quote_spans(text: str) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for m in _QUOTE_RE.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def _in_quote(spans: tuple[list[int], list[int]], pos: int) -> bool:
    i = bisect_right(spans[0], pos) - 1
    return i >= 0 and pos < spans[1][i]


def _glued(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in _GLUE)


def _candidates(text: str) -> list[tuple[int, int, float | int, str]]:
    quotes: tuple[list[int], list[int]] | None = None
    out = []
    n = len(text)
    for m in QUANTITY_RE.finditer(text):
        s, e = m.span()
        if not m.group("unit") and m.group("pct") is None:
            if not _day_count(text, m, e):
                continue
            e += 1
        prev = text[s - 1] if s else ""
        nxt = text[e] if e < n else ""
        if prev and prev in " \u3000" and s >= 2:  # "第 3 名", "G 352" as PDFs space them
            prev = text[s - 2]
        if prev == "第" or _glued(prev) or nxt == "+":
            continue
        parsed = quantity_from_match(m)
        if parsed is None:
            continue
        value, unit = parsed
        if not unit:
            unit = "天"
        if prev in "前后" and unit in _RANKING_UNITS:
            continue
        if m.group("unit") == "分" and prev and prev in "时点":  # 9时30分 is a time
            continue
        pct = m.group("pct")
        chinese = m.group("cn") is not None or (pct is not None and not pct[0].isdigit())
        if chinese and not _chinese_counts(text, e, value, unit):
            continue
        if quotes is None:
            quotes = _quote_spans(text)
        if _in_quote(quotes, s):
            continue
        out.append((s, e, tidy(value), unit))
    return out


def _day_count(text: str, m: re.Match[str], end: int) -> bool:
    """优良天数达到351天: days counted, not a duration (an Arabic number right before 天, 天数 before it)."""
    return (
        m.group("ar") is not None
        and not m.group("mult")
        and text.startswith("天", end)
        and _DAY_COUNT.search(text, max(0, m.start() - 14), m.start()) is not None
    )


def _chinese_counts(text: str, end: int, value: Decimal, unit: str) -> bool:
    """Whether a Chinese numeral quantifies (新建学校三所) rather than names (三件实事)."""
    if value <= 1 or unit == "期":  # 二期/三期 name a project's phase wherever they stand
        return False
    if family(unit) != COUNT or value >= 100:
        return True
    return end >= len(text) or text[end] in _POSTPOSED_END or text.startswith(("以上", "左右", "余"), end)


def find_figures(text: str, *, published: date | None = None) -> list[Figure]:
    """Key-figure candidates of a normalised report, in text order, one per (value, unit)."""
    cands = _candidates(text)
    if not cands:
        return []
    layout = Layout(text)
    spans = [(s, e) for s, e, _, _ in cands]
    kinds = assign_kinds(text, layout, spans, published)
    labeller = Labeller(layout, spans, [family(u) == COUNT for _, _, _, u in cands])
    figures: list[Figure] = []
    seen: dict[tuple[float | int, str], int] = {}
    for i, (s, e, value, unit) in enumerate(cands):
        label = labeller.label(i)  # every candidate, in order: later labels may borrow from earlier ones
        key = (value, unit)
        if key in seen:
            first = figures[seen[key]]
            if first.kind is None and kinds[i] is not None:
                first.kind = kinds[i]
            continue
        clause = layout.span("clause", s)
        seen[key] = len(figures)
        figures.append(
            Figure(
                surface=text[s:e],
                value=value,
                unit=unit,
                label=label,
                kind=kinds[i],
                period=period_for(layout, s),
                quote=quote_for(text, clause),
                start=s,
                end=e,
            )
        )
    return figures
