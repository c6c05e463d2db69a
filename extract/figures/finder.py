"""The rules figure finder: number + unit spans in normalised text -> Figure list.

One regex pass finds every number (Arabic or Chinese, with 万/亿 multipliers, 余/多 and a unit); a
number without a unit is never a figure, which already rules out dates (2023年, 12月23日, 1-4月),
durations (15天, 前8个月; but N天 after 天数 counts days: 优良天数351天), floors (五楼),
anniversaries (70周年), codes (“567”, 5G, 3A级) and phone, ICP and page numbers. The remaining exclusions:
- ordinals and rankings: 第5, 第十一次, 前3名, 后3位, and a session after 届 (县委十五届6次全会,
  十五届六次、七次全会);
- numbers glued to a Latin letter, digit or + before them, or to + after them (G352, 6+1, ICP备…);
- anything inside a short quotation, which names a slogan or plan (“八项规定”, “五个一”, “十四五”);
- Chinese numerals: never 一 (一项, 一批, 一张蓝图); with a measure word only when the count comes after
  its noun (新建学校三所、) or is 100 or more — before a noun a small Chinese count is a slogan
  (三件实事, 七届四次全会, 两张“清单”); never with 期, which names a phase (项目二期正在建设, 产业园三期,);
  with money/area/weight/rate units always (一千五百万元).
Every figure is kept: a figure is what it measures (label), its value and unit, its period and its place.
The same number for two metrics is two figures (地区生产总值增长5%, 固定资产投资增长5%); one rate shared
by a list of metrics (工业投资、技改投资增长20%以上) is one figure per metric; the same metric stated
again with the same number, range and period is merged into its first mention, which borrows a kind or
a qualifier it lacks. Ranges and qualifiers: extract/figures/shapes.py; 分别 lists: labels.py + lists.py;
the sign of a change (下降6.3% / 增长-6.3% -> -6.3): signs.py; structure ratios (三次产业结构调整为
8.1:42.6:49.3): one figure, its surface the ratio as written, unit 比, value its first part, label the
ratio's name.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from datetime import date
from decimal import Decimal

from extract.figures.estimates import estimated_flags
from extract.figures.kinds import assign_kinds
from extract.figures.labels import Labeller, quote_for
from extract.figures.metrics import metric_key
from extract.figures.numerals import QUANTITY_RE, parse_quantity, quantity_from_match, tidy
from extract.figures.periods import Layout, period_for
from extract.figures.shapes import Cand, merge_ranges, number_as_written, plain, read_qualifiers, too_big
from extract.figures.signs import fell_before, minus_before
from extract.figures.units import COUNT, family, unit_info
from extract.models import Figure

__all__ = ["find_figures", "parse_quantity"]

_QUOTE_RE = re.compile(r"[“「『‘\"][^“”「」『』‘’\"\n]{1,10}[”」』’\"]")
_POSTPOSED_END = set("，,。；;、)）!！?？\n")
_RANKING_UNITS = {"名", "位"}
_DAY_COUNT = re.compile(r"天数[^，,。；;：:\n\d]{0,10}$")
_GLUE = set("+._/#")
_RATE_UNITS = {"%", "个百分点"}
_TITLE_MAX = 80
RATIO_UNIT = "比"


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


def _candidates(text: str) -> list[Cand]:
    quotes: tuple[list[int], list[int]] | None = None
    out = []
    n = len(text)
    for m in QUANTITY_RE.finditer(text):
        s, e = m.span()
        worded = m.group("tenths") is not None or m.group("fan") is not None  # 二成, 翻一番
        if not m.group("unit") and m.group("pct") is None and not worded:
            if not _day_count(text, m, e):
                continue
            e += 1
        prev = text[s - 1] if s else ""
        nxt = text[e] if e < n else ""
        if prev and prev in " \u3000" and s >= 2:  # "第 3 名", "G 352" as PDFs space them
            prev = text[s - 2]
        if (prev and prev in "第届") or _glued(prev) or nxt == "+":
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
        tenths = m.group("tenths")
        if tenths and not tenths.isdigit() and not _postposed(text, e):
            continue  # 做到三成说清现状、六成表述问题: a rule of thumb, not a share (增长三成以上。 is one)
        if chinese and not _chinese_counts(text, e, value, unit):
            continue
        if quotes is None:
            quotes = _quote_spans(text)
        if _in_quote(quotes, s):
            continue
        info = unit_info(m.group("unit")) if m.group("unit") else None
        out.append(
            Cand(
                s, e, value, unit,
                mult=m.group("mult") or "",
                factor=Decimal(str(info[1])) if info else Decimal(1),
                approx=m.group("a1") or m.group("a2"),
            )
        )
    return out


def _signed(text: str, cands: list[Cand]) -> list[Cand]:
    """A fall carries its sign (signs.py): 增长-6.3% starts at its minus, 下降6.3% keeps its surface."""
    out: list[Cand] = []
    fell = False  # the candidate before fell in words: 分别下降15%、14.5% / 下降39.41%、23.38% both fell
    for c in cands:
        minus = minus_before(text, c.s)
        listed = fell and out and out[-1].unit == c.unit and _LIST_GAP.fullmatch(text, out[-1].end, c.s)
        fell = bool(fell_before(text, c.s) or listed)
        if not (minus or fell):
            out.append(c)
            continue
        low, high = (-c.high, -c.low) if c.low is not None and c.high is not None else (None, None)
        value = -c.value if low is None else low
        out.append(replace(c, s=c.s - 1 if minus else c.s, value=value, low=low, high=high))
    return out


_LIST_GAP = re.compile(r"[ \u3000]?(?:、|和|及)[ \u3000]?")
# 三次产业结构调整为8.1:42.6:49.3 / 城乡居民收入比缩小到2.35∶1: parts of one named ratio (a name ending
# in 结构/比例/比 right before it), never times (9:30) nor 按1:1配套
_RATIO = re.compile(r"(?<![\d.:∶])(?P<first>\d+(?:\.\d+)?)(?:[:∶]\d+(?:\.\d+)?){1,4}(?![\d.:∶])")
_RATIO_LABEL = re.compile(r".+(?:结构|比例|之比|比)")
_RATIO_NAME = re.compile(
    r"(?:结构|比例|之比|比)(?:调整|优化|调整优化|优化调整|缩小|扩大|变化)?(?:为|到|至|是)?$"
)


def _ratios(text: str, cands: list[Cand]) -> list[Cand]:
    taken = [(c.s, c.end) for c in cands]
    out = []
    for m in _RATIO.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        if _RATIO_NAME.search(text, max(0, m.start() - 12), m.start()) is None:
            continue
        out.append(Cand(m.start(), m.end(), Decimal(m.group("first")), RATIO_UNIT))
    return out


def _day_count(text: str, m: re.Match[str], end: int) -> bool:
    """优良天数达到351天: days counted, not a duration (an Arabic number right before 天, 天数 before it)."""
    return (
        m.group("ar") is not None
        and not m.group("mult")
        and text.startswith("天", end)
        and _DAY_COUNT.search(text, max(0, m.start() - 14), m.start()) is not None
    )


def _postposed(text: str, end: int) -> bool:
    after = text[end : end + 2]
    return end >= len(text) or after[:1] in _POSTPOSED_END or after.startswith(("以上", "左右", "余", "多"))


def _chinese_counts(text: str, end: int, value: Decimal, unit: str) -> bool:
    """Whether a Chinese numeral quantifies (新建学校三所) rather than names (三件实事)."""
    if value <= 1 or unit == "期":  # 二期/三期 name a project's phase wherever they stand
        return False
    if family(unit) != COUNT or value >= 100:
        return True
    return end >= len(text) or text[end] in _POSTPOSED_END or text.startswith(("以上", "左右", "余"), end)


def find_figures(text: str, *, published: date | None = None, notes: list[str] | None = None) -> list[Figure]:
    """Key-figure candidates of a normalised report, in text order: one per metric stated (the same metric
    stated again with the same number and period is merged into its first mention). A number too big to
    be a figure is skipped and, when `notes` is given, named there (in Chinese, for the user)."""
    cands = _candidates(text)
    if not cands and not _RATIO.search(text):
        return []
    cands = _signed(text, read_qualifiers(text, merge_ranges(text, cands)))
    cands = sorted(cands + _ratios(text, cands), key=lambda c: c.s)
    big = [c for c in cands if too_big(c)]
    if big:
        cands = [c for c in cands if not too_big(c)]
        if notes is not None:
            shown = "、".join(number_as_written(text, c) for c in big[:3])
            notes.append(f"原文有 {len(big)} 个数字大得不像统计数字（{shown}），未列入关键数字。")
        if not cands:
            return []
    layout = Layout(text)
    spans = [(c.s, c.e) for c in cands]
    kinds = assign_kinds(text, layout, spans, published)
    estimated = estimated_flags(layout, spans, kinds)
    labeller = Labeller(layout, spans, [family(c.unit) == COUNT for c in cands])
    figures: list[Figure] = []
    for i, c in enumerate(cands):
        label = labeller.label(i)  # every candidate, in order: later labels may borrow from earlier ones
        if c.unit == RATIO_UNIT and label:  # 三次产业结构调整 -> 三次产业结构
            named = _RATIO_LABEL.match(label)
            label = named.group(0) if named else label
        shared = labeller.shared.get(i) if c.unit in _RATE_UNITS else None
        period = period_for(layout, c.s, kinds[i])
        quote = quote_for(text, layout.span("clause", c.s))
        for metric in shared or [label]:
            figures.append(
                Figure(
                    surface=text[c.s : c.end],
                    value=tidy(c.value),
                    unit=c.unit,
                    low=plain(c.low),
                    high=plain(c.high),
                    qualifier=c.qualifier,
                    label=metric,
                    kind=kinds[i],
                    period=period,
                    estimated=estimated[i],
                    quote=quote,
                    start=c.s,
                    end=c.end,
                )
            )
    return _merge(figures, _title_end(text))


def _title_end(text: str) -> int:
    """End of a title line opening the text (short, not a sentence), else 0."""
    stripped = len(text) - len(text.lstrip())
    nl = text.find("\n", stripped)
    if nl < 0 or nl - stripped > _TITLE_MAX or text[stripped:nl].rstrip().endswith("。"):
        return 0
    return nl


def _restated(first: Figure, later: Figure, title_end: int) -> bool:
    """Whether `later` states `first`'s metric again (same value, unit and range already)."""
    if first.start < title_end <= later.start:  # a title and its body: the same figure, told twice
        return first.period is None or later.period is None or first.period == later.period
    if first.period != later.period:
        return False
    if not first.label or not later.label:  # an unnamed figure is taken for the named one
        return True
    return metric_key(first.label) == metric_key(later.label)


def _merge(figures: list[Figure], title_end: int) -> list[Figure]:
    """The same metric stated twice is one figure: the first mention's place and quote, with what it
    lacks (label, kind, period, qualifier) from the later one; a title's label gives way to the body's."""
    out: list[Figure] = []
    index: dict[tuple[object, ...], list[int]] = {}
    for f in figures:
        key = (f.value, f.unit, f.low, f.high)
        j = next((j for j in index.get(key, []) if _restated(out[j], f, title_end)), None)
        if j is None:
            index.setdefault(key, []).append(len(out))
            out.append(f)
            continue
        first = out[j]
        if f.label and (not first.label or first.start < title_end):
            first.label = f.label
        for name in ("kind", "period", "qualifier"):
            if getattr(first, name) is None and getattr(f, name) is not None:
                setattr(first, name, getattr(f, name))
    return out
