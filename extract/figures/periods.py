"""A figure's period: the expressions (2024年, 1-4月, 上半年, 前三季度 ...), the calendar range one covers,
and which one a figure stands under (its clause, its ；-part, or the period framing its sentence)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date, timedelta

from extract.figures.sections import Structure, five_year_frame, resolve_year
from extract.text.segment import Segments

# Periods: 2024年, 2023年12月, 1-4月, 1月份, 今年1-8月, 全年, 上半年, 前三季度, 一季度, 前8个月 ...
_CN_SMALL_NUM = "一二三四五六七八九十"
_PERIOD_START = (
    r"(?=(?:19|20)\d{2}年|今年|明年|去年|上年|当年|全年|本年|来年|年内|\d{1,2}(?:[-—~至]\d{1,2})?月"
    r"|上半年|下半年|前三季度|[一二三四1-4]季度|前(?:\d{1,2}|[" + _CN_SMALL_NUM + r"]{1,2})个月)"
)
PERIOD_RE = re.compile(
    _PERIOD_START
    + r"(?:(?P<year>(?:19|20)\d{2})年度?|(?P<rel>今年|明年|去年|上年|当年|全年|本年|来年|年内))?"
    r"(?:(?P<m1>\d{1,2})(?:[-—~至](?P<m2>\d{1,2}))?月(?:份|底|末)?(?!\d{1,2}[日号])"
    r"|(?P<half>上半年|下半年)|(?P<q3>前三季度)|(?P<q>[一二三四1-4])季度"
    r"|前(?P<nm>\d{1,2}|[" + _CN_SMALL_NUM + r"]{1,2})个月)?"
)
_CN_MONTHS = {c: i + 1 for i, c in enumerate(_CN_SMALL_NUM)}


def find_periods(text: str, start: int, end: int) -> list[re.Match[str]]:
    """Non-empty period expressions in text[start:end]."""
    return [m for m in PERIOD_RE.finditer(text, start, end) if m.end() > m.start()]


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


class Layout(Segments):
    """A text's clause/part/sentence/paragraph spans plus the period expressions found in it (once)."""

    def __init__(self, text: str, published: date | None = None) -> None:
        super().__init__(text)
        self.published = published  # set by assign_kinds when the caller did not
        self._structure: Structure | None = None
        self._periods: list[re.Match[str]] | None = None
        self.frames: dict[int, list[tuple[int, str]]] = {}  # sentence start -> (clause start, period)
        self._period_starts: list[int] = []
        self._years: list[tuple[int, int]] | None = None  # (offset, year) of clause-opening years

    def clause_year(self, pos: int) -> int | None:
        """The year a clause opening with it (2023年,全县… / 到2025年…) set earlier in pos's paragraph."""
        if self._years is None:
            self._years = []
            for m in _YEAR_AT_CLAUSE.finditer(self.text):
                cs = self.span("clause", m.start())[0]
                if self.text[cs : m.start()].strip() in _CLAUSE_LEAD:
                    self._years.append((m.start(), int(m.group(1))))
        i = bisect_right(self._years, (pos, 10_000)) - 1
        if i < 0 or self._years[i][0] < self.span("paragraph", pos)[0]:
            return None
        return self._years[i][1]

    @property
    def structure(self) -> Structure:
        """The report's sections and main-targets paragraph (found once, on first use)."""
        if self._structure is None:
            self._structure = Structure(self.text, self.published)
        return self._structure

    def periods(self, lo: int, hi: int) -> list[re.Match[str]]:
        """Period expressions lying inside text[lo:hi] (found once per text)."""
        if self._periods is None:
            self._periods = [m for m in PERIOD_RE.finditer(self.text) if m.end() > m.start()]
            self._period_starts = [m.start() for m in self._periods]
        i = bisect_left(self._period_starts, lo)
        out = []
        while i < len(self._periods) and self._periods[i].start() < hi:
            if self._periods[i].end() <= hi:
                out.append(self._periods[i])
            i += 1
        return out


# ---- periods --------------------------------------------------------------------------------------
# 2023年,… / 2023年前三季度,… opens a clause about 2023 (2023年底 / 2023年以来 / 2023年前 do not)
_YEAR_AT_CLAUSE = re.compile(
    r"((?:19|20)\d{2})年(?!底|末|以来|前(?!三季度|[\d一二三四五六七八九十]{1,2}个月))"
)
_CLAUSE_LEAD = {"", "在", "于", "到", "截至", "自", "从", "据"}
_THIS_YEAR = ("今年", "本年", "年内", "年底")
# A result is about a period that is over, or ends within weeks of the report (a year-end review in
# December): a bare 全年 / 1-10月 result in a report of early January is last year's.
_RESULT_GRACE = timedelta(days=62)
_FRAME_CLAUSE = re.compile(r"^(?:到|截至|截止|至|自|今年以来|[\s]*)")


# 较一季度、上半年和前三季度: every period of a compared list is a base
_BASE_LIST = re.compile(
    r"[较比与是](?:[一二三四1-4]季度|[上下]半年|前三季度|全年|去年|上年|同期|\d{1,2}(?:[-—~至]\d{1,2})?月份?|[、和及与])*$"
)


def _is_base(text: str, m: re.Match[str]) -> bool:
    """较上年, 比2020年, 是去年同期, 恢复到2019年同期: a comparison base, not the figure's period."""
    s = m.start()
    if (s > 0 and text[s - 1] in "较比与是") or text.startswith("同期", m.end()):
        return True
    return s > 0 and text[s - 1] in "、和及与" and _BASE_LIST.search(text, max(0, s - 24), s) is not None


_COUNT_START = re.compile(r"\s*(?:\d|[两二三四五六七八九十百千万]+[个项条次户人名家座处所台辆场批万亿])")


def _starts_with_number(text: str, clause: tuple[int, int]) -> bool:
    """12个新建项目…: a clause opening with a count starts a new subject (a period such as 2024年 not)."""
    if not _COUNT_START.match(text, clause[0]):
        return False
    m = PERIOD_RE.match(text, clause[0])
    return not (m and m.end() > m.start())


def period_for(layout: Layout, start: int, kind: str | None = None) -> str | None:
    """The period stated for a figure (see _stated_period) as a calendar period (今年 -> 2025年, 全年
    after 2023年, -> 2023年, 全年 in the review -> 2024年); when none is stated, its section's or review
    paragraph's. None when the text never says which year (an undated 今年, 上半年, 1-4月): 时期不详.
    `kind`: a result's bare part-year (全年, 1-10月) not over by the report's date is last year's."""
    found = _stated_period(layout, start)
    structure = layout.structure
    base = structure.year  # the report's year; None for an undated text
    if structure.in_main(start):
        return structure.main_period(start) if found is None else resolve_year(found, base, None)
    sec = structure.section_at(start)
    clause_year = layout.clause_year(start)
    if found is not None:
        if found.startswith(_THIS_YEAR):
            clause_year = None  # 今年 after “2022年…” in an undated speech is not 2022: the text's own year
        context = clause_year or (sec.year if sec is not None else None)
        if context is None and kind == "result":
            context = structure.subject_year  # 全年 in a communiqué about 2023
        if context is None and base is None:
            context = _named_before(layout.text, found, start)  # 上半年 after 2021年上半年,…
        period = resolve_year(found, base, context)
        if period is not None and context is None and kind == "result" and layout.published is not None:
            period = _over_by(found, period, layout.published)
        return period
    sent = layout.span("sentence", start)
    span = five_year_frame(layout.text, sent[0], start)  # “十四五”时期,全县…年均增长6.2%
    if span is not None:
        return span
    if sec is not None:
        return sec.period
    # a result in a paragraph that opened with its year (2009年,我市…。完成财政总收入50.8亿元): that year's
    if kind == "result" and clause_year and (base is None or clause_year <= base):
        return f"{clause_year}年"
    # a result of a 统计公报 names no period: the year its title reports on
    return f"{structure.subject_year}年" if kind == "result" and structure.subject_year else None


def _named_before(text: str, found: str, pos: int) -> int | None:
    """The year an undated text wrote this same part-year with, earlier (2021年上半年 … 上半年)."""
    if found.startswith(("今年", "明年", "去年", "上年", "本年", "来年", "全年", "当年")):
        return None
    years = re.findall(r"((?:19|20)\d{2})年" + re.escape(found), text[:pos])
    return int(years[-1]) if years else None


def _over_by(found: str, period: str, published: date) -> str:
    """A result's period read against the report's own year that is not over by its date: last year's."""
    m = PERIOD_RE.match(found)
    if m is None or m.group("year") or m.group("rel") in ("今年", "明年", "去年", "上年", "本年", "来年"):
        return period  # a stated year stays as it is
    rng = period_range(m, published, None)
    if rng is None or rng[1] <= published + _RESULT_GRACE:
        return period
    y = int(period[:4])
    return f"{y - 1}{period[4:]}"


def _stated_period(layout: Layout, start: int) -> str | None:
    """The period stated for a figure: in its own clause; else in earlier clauses of its ；-part while
    they keep one subject (a clause opening with a number starts a new one); else a period framing
    its sentence (2023年,… / 截至2月底,…); else, for a sentence opening with 其中, the previous one's."""
    text = layout.text
    found = _own_period(layout, start)
    if found is not None:
        return found
    sent = layout.span("sentence", start)
    frame = _frame(layout, sent, start)
    if frame is not None:
        return frame
    if text.startswith("其中", sent[0]) and sent[0] > 0:
        prev = layout.span("sentence", sent[0] - 1)
        if prev[1] > prev[0]:
            return _own_period(layout, prev[1]) or _frame(layout, prev, prev[1])
    return None


def _own_period(layout: Layout, pos: int) -> str | None:
    text = layout.text
    part_start = layout.span("part", pos)[0]
    cs, hi = layout.span("clause", pos)[0], pos
    while True:
        compound = text.count("当年", cs, hi) >= 2  # 当年签约当年开工率 is a rate's name
        found = [
            m
            for m in layout.periods(cs, hi)
            if not _is_base(text, m) and not (compound and m.group(0) == "当年")
        ]
        if found:
            return _expression(text, found[-1])
        if cs <= part_start or _starts_with_number(text, (cs, hi)):
            return None
        hi = cs - 1  # the previous clause, up to its closing mark
        cs = layout.span("clause", hi)[0]


def _expression(text: str, m: re.Match[str]) -> str:
    """The period as written, 以来 kept: 今年以来 is the year so far, not the whole year."""
    return m.group(0) + "以来" if text.startswith("以来", m.end()) else m.group(0)


def _frame(layout: Layout, sent: tuple[int, int], pos: int) -> str | None:
    """A period opening the sentence, or a clause holding nothing but a period, before pos."""
    frames = layout.frames.get(sent[0])
    if frames is None:
        frames = layout.frames[sent[0]] = _sentence_frames(layout, sent)
    found = None
    for cs, period in frames:
        if cs >= pos:
            break
        found = period
    return found


def _sentence_frames(layout: Layout, sent: tuple[int, int]) -> list[tuple[int, str]]:
    text = layout.text
    out = []
    for cs, ce in layout.clauses(sent[0], sent[1]):
        body = text[cs:ce].strip()
        lead = _FRAME_CLAUSE.match(body)
        rest = body[lead.end() :] if lead else body
        m = PERIOD_RE.match(rest)
        if m and m.end() and (cs == sent[0] or not rest[m.end() :].strip("以来前底末 ")):
            out.append((cs, _expression(rest, m)))
    return out
