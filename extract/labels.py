"""Where a figure stands: clause/sentence/paragraph spans, its label, its period and its quote.

Clauses end at ，,。；;！!？?：: and line ends; parts (clause groups) at ；; and sentence ends;
sentences at 。！!？? and line ends; paragraphs at line ends. Normalised text keeps ASCII , ; : from the
seeds as well as the Chinese marks, so both count.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date

_CLAUSE_END = re.compile(r"[，,。；;！!？?：:\n]")
_PART_END = re.compile(r"[。；;！!？?\n]")
_SENT_END = re.compile(r"[。！!？?\n]")
_PARA_END = re.compile(r"\n")


class Layout:
    """Boundary offsets of one text, computed once; span lookups are bisections."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._bounds = {
            "clause": self._ends(_CLAUSE_END),
            "part": self._ends(_PART_END),
            "sentence": self._ends(_SENT_END),
            "paragraph": self._ends(_PARA_END),
        }
        self._spans: dict[tuple[str, int], tuple[int, int]] = {}
        self._periods: list[re.Match[str]] | None = None
        self._period_starts: list[int] = []

    def periods(self, lo: int, hi: int) -> list[re.Match[str]]:
        """Period expressions lying inside text[lo:hi] (found once per text)."""
        if self._periods is None:
            self._periods = [m for m in _PERIOD_RE.finditer(self.text) if m.end() > m.start()]
            self._period_starts = [m.start() for m in self._periods]
        i = bisect_left(self._period_starts, lo)
        out = []
        while i < len(self._periods) and self._periods[i].start() < hi:
            if self._periods[i].end() <= hi:
                out.append(self._periods[i])
            i += 1
        return out

    def _ends(self, pattern: re.Pattern[str]) -> list[int]:
        return [0] + [m.end() for m in pattern.finditer(self.text)] + [len(self.text) + 1]

    def span(self, level: str, pos: int) -> tuple[int, int]:
        """[start, end) of the unit containing pos; end excludes the closing punctuation."""
        key = (level, pos)
        hit = self._spans.get(key)
        if hit is None:
            bounds = self._bounds[level]
            i = bisect_right(bounds, pos) - 1
            start, end = bounds[i], min(bounds[i + 1], len(self.text) + 1) - 1
            hit = self._spans[key] = (start, max(start, end))
        return hit

    def clauses(self, start: int, end: int) -> list[tuple[int, int]]:
        """Clause spans inside [start, end)."""
        bounds = self._bounds["clause"]
        i = bisect_right(bounds, start) - 1
        out = []
        while i + 1 < len(bounds) and bounds[i] < end:
            s, e = max(bounds[i], start), min(bounds[i + 1] - 1, end)
            if e > s:
                out.append((s, e))
            i += 1
        return out


# Periods: 2024年, 2023年12月, 1-4月, 1月份, 今年1-8月, 全年, 上半年, 前三季度, 一季度, 前8个月 ...
_CN_SMALL_NUM = "一二三四五六七八九十"
_PERIOD_START = (
    r"(?=(?:19|20)\d{2}年|今年|明年|去年|上年|当年|全年|本年|来年|年内|\d{1,2}(?:[-—~至]\d{1,2})?月"
    r"|上半年|下半年|前三季度|[一二三四1-4]季度|前(?:\d{1,2}|[" + _CN_SMALL_NUM + r"]{1,2})个月)"
)
_PERIOD_RE = re.compile(
    _PERIOD_START
    + r"(?:(?P<year>(?:19|20)\d{2})年度?|(?P<rel>今年|明年|去年|上年|当年|全年|本年|来年|年内))?"
    r"(?:(?P<m1>\d{1,2})(?:[-—~至](?P<m2>\d{1,2}))?月(?:份|底|末)?(?!\d{1,2}[日号])"
    r"|(?P<half>上半年|下半年)|(?P<q3>前三季度)|(?P<q>[一二三四1-4])季度"
    r"|前(?P<nm>\d{1,2}|[" + _CN_SMALL_NUM + r"]{1,2})个月)?"
)
_CN_MONTHS = {c: i + 1 for i, c in enumerate(_CN_SMALL_NUM)}


def find_periods(text: str, start: int, end: int) -> list[re.Match[str]]:
    """Non-empty period expressions in text[start:end]."""
    return [m for m in _PERIOD_RE.finditer(text, start, end) if m.end() > m.start()]


def period_range(
    m: re.Match[str], published: date | None, context_year: int | None
) -> tuple[date, date] | None:
    """The calendar range a period expression covers, or None when the year cannot be known."""
    year: int | None = None
    if m.group("year"):
        year = int(m.group("year"))
    elif m.group("rel"):
        rel = m.group("rel")
        base = published.year if published else None
        if rel in ("今年", "本年", "年内"):
            year = base or context_year
        elif rel in ("明年", "来年"):
            year = base + 1 if base else None
        elif rel in ("去年", "上年"):
            year = base - 1 if base else None
        else:  # 全年, 当年: the year the paragraph talks about
            year = context_year or base
    else:
        year = context_year or (published.year if published else None)
    if year is None:
        return None
    first, last = 1, 12
    if m.group("m1"):
        first = int(m.group("m1"))
        last = int(m.group("m2") or first)
        if m.group("m2") is None and m.group(0).startswith(("前",)):
            first = 1
    elif m.group("half"):
        first, last = (1, 6) if m.group("half") == "上半年" else (7, 12)
    elif m.group("q3"):
        first, last = 1, 9
    elif m.group("q"):
        q = "一二三四".find(m.group("q")) + 1 or int(m.group("q"))
        first, last = 3 * q - 2, 3 * q
    elif m.group("nm"):
        n = m.group("nm")
        first, last = 1, int(n) if n.isdigit() else _cn_small(n)
    if not (1 <= first <= last <= 12):
        return None
    end = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return date(year, first, 1), end


def _cn_small(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_MONTHS.get(s[1:], 0)
    return _CN_MONTHS.get(s, 0)


def tense_of(rng: tuple[date, date] | None, published: date | None) -> str | None:
    """"past" when the period ended by the publication date, "future" when it starts after it."""
    if rng is None or published is None:
        return None
    if rng[1] <= published:
        return "past"
    if rng[0] > published:
        return "future"
    return "current"


# Labels: the metric phrase before the number, without the cue and period words around it.
_LEAD_STRIP = re.compile(
    r"^(?:[其此]中|另外|同时|全县|全市|全区|全旗|全省|共|累计|已经|已|目前|力争|确保|预计|计划(?=新|实施|完成)|拟|"
    r"争取|力促|力推|谋划|将|要|并|和|及|与|在|为|对|把|了|的|、|今年以来|以来|[,，\s])+"
)
_TAIL_STRIP = re.compile(
    r"(?:达到|达|为|是|突破|超过|超|逾|约|近|稳定在|扩大到|恢复到|提高到|增至|至|了|共|的|和|及|与|完成|实现)+$"
)
# The last cue word ends whatever came before it (正蓝旗将力争新能源装机规模 -> 新能源装机规模).
_LAST_CUE = re.compile(
    r".*(?:力争|确保|预计|计划(?=新|实施|完成)|拟|争取|力促|力推|将|(?<![主重需纲摘提简只必首紧])要|累计|已经|已|"
    r"(?<!项)目前|共有|以来)"
)
_POST_NOUN = re.compile(
    r"(?!以上|左右|以下|之多)[^\s，,。；;：:！!？?、“”\"（）()\d]{2,10}?(?=[，,。；;：:！!？?、（(“”和及与的\d]|$)"
)


def _strip_lead(pre: str) -> str:
    while True:
        before = pre
        pre = _LEAD_STRIP.sub("", pre)
        m = _PERIOD_RE.match(pre)
        if m and m.end():
            pre = pre[m.end() :]
        if pre == before:
            return pre


def label_for(text: str, clause_start: int, prev_end: int, start: int, end: int, count: bool) -> str | None:
    """The metric a figure measures: for a count the noun after it (组建12个工作专班 -> 工作专班), else
    the words before it in its clause (年度计划投资38亿元 -> 年度计划投资), cue and period words dropped."""
    post = _POST_NOUN.match(text, end, min(len(text), end + 12))
    noun = post.group(0) if post else ""
    if count and noun:
        return noun
    pre = text[max(clause_start, prev_end) : start].replace("“", "").replace("”", "").strip()
    after_cue = _TAIL_STRIP.sub("", _strip_lead(_LAST_CUE.sub("", pre)))
    if len(after_cue) < 2:  # 发电量累计完成52.8亿千瓦时: the metric is before the cue
        m = _LAST_CUE.match(pre)
        after_cue = _TAIL_STRIP.sub("", _strip_lead(_LAST_CUE.sub("", pre[: m.end() - 1]) if m else pre))
    pre = after_cue
    for sep in ("的", "、"):
        if sep in pre:
            head, _, tail = pre.rpartition(sep)
            pre = tail if len(tail) >= 2 else head
    pre = pre[-14:].strip("、 ")
    if len(pre) >= 2:
        return pre
    return noun or pre or None


def quote_for(text: str, clause: tuple[int, int]) -> str:
    return text[clause[0] : clause[1]].strip()


def period_for(layout: Layout, part_start: int, clause_start: int, start: int) -> str | None:
    """The period stated for a figure: in its clause before it, else earlier in its clause group."""
    for lo in (clause_start, part_start):
        found = layout.periods(lo, start)
        if found:
            return found[-1].group(0)
    return None
