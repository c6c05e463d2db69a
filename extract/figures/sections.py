"""A report's structure: its sections and its main-targets paragraph, and what they imply for figures.

A work report (政府工作报告), a plan (规划) or a meeting report reviews what was done, then sets targets
and tasks: `一、2024年工作回顾`, `二、2025年主要目标任务`, `今年…主要预期目标是：…`, `三、…工作安排`.
A heading line (short, no sentence mark) that names a review or a plan opens a section whose kind
(result / target) and year are the default of every figure under it; numbered sub-heads that name
neither (`一、坚持产业跨越发展…`, `（一）…`) stay in the section they are in. A paragraph opening with
`过去一年，` / `一年来，` reviews, whatever section holds it. The main-targets paragraph (from
`主要(预期)目标是：` to the paragraph's end) is a list of this year's targets. A report with none of
these has no sections, and callers then behave as they did before.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal["target", "result"]

HEADING_MAX = 48  # a heading fits a line; a longer line is a paragraph
_CN_NUM = "[一二三四五六七八九十]+"
_ENUM = rf"(?:第{_CN_NUM}(?:部分|章|节|篇)|{_CN_NUM}[、.．]|[(（]{_CN_NUM}[)）]|\d+[、.．])?"
_HEAD_LEAD = re.compile(r"^\s*" + _ENUM + r"\s*")
_REVIEW = re.compile(
    r"回顾|发展基础|发展成就|主要成绩|工作总结|取得的成[绩效]|(?:过去|近)(?:一|五|的一)年|[一五]年来|成绩回顾"
)
_PLAN = re.compile(
    r"目标|任务|工作安排|工作打算|工作计划|工作部署|重点工作|工作重点|工作思路|总体思路|总体要求|主要考虑|"
    r"发展思路|工作建议|展望|下一步|今后"
)
# How far the plan went: a review whatever else the heading names (目标任务完成情况, 主要成效).
_STATUS = re.compile(r"(?:完成|进展|落实|执行|推进|开展)情况|工作成效|主要成效|主要做法|取得成效")
_SENTENCE_MARK = re.compile(r"[。！!？?；;]")
_CLAUSE_MARK = re.compile(r"[，,：:]")
UNNUMBERED_MAX = 24
_CN_YEAR = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_YEAR = re.compile(r"((?:19|20)\d{2}|[二][〇零][〇零一二三四五六七八九]{2})年")
_PLAN_SPAN = re.compile(r"[“\"]?十([三四五六])五[”\"]?(?:规划|时期|期间|末|发展|目标|主要目标)?")
_FIVE_YEAR_START = {"三": 2016, "四": 2021, "五": 2026, "六": 2031}
# A plan period framing a sentence: “十四五”时期, / 十四五期间 / “十五五”以来 (not “十四五”规划收官之年)
_FIVE_YEAR_FRAME = re.compile(r"[“\"]?十([三四五六])五[”\"]?(?:时期|期间|以来)")
# A 规划 names its span in its title: 某县国民经济和社会发展第十五个五年规划纲要 / “十五五”规划
_PLAN_TITLE = re.compile(r"(?:[“\"]?十([三四五六])五[”\"]?|第十([三四五六])个五年)[^\n]{0,12}规划")
# 今年全县经济社会发展的主要预期目标是：… / 主要目标为： / 主要预期目标:
MAIN_TARGETS = re.compile(
    r"主要(?:预期)?目标(?:任务)?(?:是|为)?\s*[:：]|主要预期目标(?:是|为)|发展的?预期目标(?:是|为)?\s*[:：]"
)  # …经济社会发展的预期目标是： names the list too
# A heading that is the list's name: 二、2024年主要预期目标 (not 主要目标任务, a whole plan)
_MAIN_HEADING = re.compile(r"(?:主要|预期|经济社会发展)目标(?:和指标|指标)?$")
# A paragraph that looks back over the year (or five) just ended; news of a report opens it with who says so
# (报告指出，过去一年以来，… / 《报告》说，过去一年，…).
_REVIEW_OPENER = re.compile(
    r"^\s*(?:各位代表[,，!！]\s*)?(?:《?报告》?(?:指出|说|提到|显示)[,，]\s*)?(?:回首|回顾)?"
    r"(?:过去(?:的)?(?:一|五)年|[一五]年来|去年|上一年)(?:以来|[,，来里中]|我们|全[县市区省州旗])"
)
# 刚刚过去的2020年，是…一年 / 2020年是… opens a paragraph about that year; the 这一年，… paragraphs after it
# (before the next heading) review it, inside a five-year review too
_YEAR_NAMED = re.compile(
    r"^\s*(?:各位代表[,，!！]\s*)?(?:刚刚)?(?:过去|走过)?(?:的)?((?:19|20)\d{2})年(?:[,，]|是)"
)
_THIS_YEAR_OPENER = re.compile(r"^\s*(?:这一年|这一年来)(?:[,，里中]|我们)")
# The list ends where the report turns to how (围绕上述目标，重点做好…).
_MAIN_END = re.compile(r"(?:围绕|为实现|实现上述|完成上述|为此|重点(?:做好|抓好))")


_MAIN_LEAD = 40  # how far before 主要目标是： its sentence may start (今年全省经济社会发展的…)


def _opens_sentence(line: str, at: int) -> bool:
    """主要目标是： at (or within _MAIN_LEAD characters of) a sentence's start, not in passing."""
    lo = max(0, at - _MAIN_LEAD)
    return any(ch in "。！!？?；;" for ch in line[lo:at]) or lo == 0


@dataclass(frozen=True, slots=True)
class Section:
    start: int  # offset of its heading (or paragraph) in the text
    end: int
    kind: Kind | None  # default kind of the figures under it; None: no default
    year: int | None  # the year its figures are about when they say none (全年, 预计…)
    period: str | None  # the default period shown: "2024年", "2026—2030年"
    heading: str = ""


def cn_year(s: str) -> int:
    return int("".join(_CN_YEAR.get(c, c) for c in s))


def five_year_frame(text: str, lo: int, hi: int) -> str | None:
    """The five-year span a sentence text[lo:hi] opens with (“十四五”时期,…), else None."""
    m = _FIVE_YEAR_FRAME.search(text, lo, min(hi, lo + 16))
    return five_year_span(m.group(1)) if m else None


def five_year_span(ordinal: str) -> str:
    start = _FIVE_YEAR_START[ordinal]
    return f"{start}—{start + 4}年"


# A work report's title names its year (某县2025年政府工作报告): the year of its targets, its review the
# year before. Only this title: a meeting named for a year (2025年经济工作会议) may be held the December
# before.
_WORK_REPORT_TITLE = re.compile(
    r"((?:19|20)\d{2}|二[〇零○][〇零○一二三四五六七八九]{2})年[^\n。，,]{0,12}政府工作报告"
)
_TITLE_CHARS = 60


# A statistical communiqué's title names the year its figures are about (2023年某县…统计公报), and so does a
# plan-execution report's (关于2023年…计划执行情况及2024年…计划草案的报告: its results are 2023's)
_BULLETIN_TITLE = re.compile(r"((?:19|20)\d{2})年[^\n。，,]{0,30}(?:统计公报|计划执行情况)")


# A text opening with its year: 2023年，全县… / 2023年是…之年 (a communiqué or review without its title)
_LEAD_YEAR = re.compile(r"^((?:19|20)\d{2})年(?:[，,]|是|度[，,])")
_OTHER_LEAD = re.compile(r"(?:^|[。；;！\n])\s*((?:19|20)\d{2})年[，,]", re.MULTILINE)


def subject_year(text: str) -> int | None:
    """The year a text's results are about when they name none: a 统计公报's title year, or the year its
    first paragraph opens with; None for any other text."""
    lines = text.lstrip().split("\n", 2)
    m = _BULLETIN_TITLE.search(lines[0][:_TITLE_CHARS])
    if m:
        return int(m.group(1))
    for line in lines[:2]:
        if m := _LEAD_YEAR.match(line.strip()):
            year = m.group(1)
            # only a text about that one year: one that turns to 今年 or opens a clause with another year
            # (2023年,… 2024年,全县将…) leaves its unnamed results unknown
            others = {y for y in _OTHER_LEAD.findall(text) if y != year}
            return None if others or "今年" in text else int(year)
    return None


def own_year(text: str, published: date | None) -> int | None:
    """The year a text is written in: its date's, else the year an undated work report's title names
    (never the day it was received: an undated text has no year of its own)."""
    if published is not None:
        return published.year
    first = text.lstrip().split("\n", 1)[0][:_TITLE_CHARS]
    m = _WORK_REPORT_TITLE.search(first)
    return cn_year(m.group(1)) if m else None


class Structure:
    """Sections and main-targets spans of one text (empty for a report without structure)."""

    def __init__(self, text: str, published: date | None) -> None:
        self.text = text
        self.published = published
        self.year = own_year(text, published)  # what 今年 means here; None: unknown
        self.subject_year = subject_year(text)  # its results' year when they name none (a 统计公报's)
        self.sections: list[Section] = []  # headed sections, in order, non-overlapping
        self.paragraphs: list[Section] = []  # review paragraphs (过去一年，…)
        self.main: list[tuple[int, int]] = []  # main-targets lists: [colon end, paragraph end)
        self.main_spans: dict[int, str] = {}  # main list start -> its five-year span (a plan's)
        self._scan()
        self._starts = [s.start for s in self.sections]
        self._para_starts = [s.start for s in self.paragraphs]
        if self.year is None:  # undated: the year its plan's heading names (二、2023年工作安排) is its own
            plans = {s.year for s in self.sections if s.kind == "target" and s.year}
            self.year = plans.pop() if len(plans) == 1 else None

    def __bool__(self) -> bool:
        return bool(self.sections or self.main)

    # ---- lookups --------------------------------------------------------------------------------
    def section_at(self, pos: int) -> Section | None:
        """The innermost default at pos: a review paragraph, else the headed section."""
        return self.review_paragraph(pos) or self.heading_at(pos)

    def heading_at(self, pos: int) -> Section | None:
        """The headed section holding pos."""
        i = bisect_right(self._starts, pos) - 1
        return self.sections[i] if i >= 0 and pos < self.sections[i].end else None

    def review_paragraph(self, pos: int) -> Section | None:
        """The paragraph holding pos when it opens looking back (过去一年,…)."""
        i = bisect_right(self._para_starts, pos) - 1
        return self.paragraphs[i] if i >= 0 and pos < self.paragraphs[i].end else None

    def in_main(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.main)

    def main_of_plan(self, pos: int) -> bool:
        """pos is in the main targets of a five-year plan (“十五五”时期…主要目标是：…)."""
        return any(a <= pos < b and a in self.main_spans for a, b in self.main)

    def main_period(self, pos: int) -> str | None:
        for a, b in self.main:
            if a <= pos < b and a in self.main_spans:
                return self.main_spans[a]
        sec = self.section_at(pos)
        year = sec.year if sec is not None and sec.kind == "target" and sec.year else None
        if year is None:
            year = self.year
        return f"{year}年" if year else None

    # ---- scanning -------------------------------------------------------------------------------
    def _scan(self) -> None:
        text = self.text
        title = _PLAN_TITLE.search(text, 0, 200)
        self.plan_span = five_year_span(title.group(1) or title.group(2)) if title else None
        heads: list[tuple[int, Kind | None, int | None, str | None, str]] = []
        pos = 0
        named: int | None = None  # the past year the latest paragraph opened with
        for line in text.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            body = line.strip()
            if not body:
                continue
            head = self._heading(body)
            if head is not None:
                heads.append((start, *head, body))
                named = None
                continue
            opener = _REVIEW_OPENER.match(body)
            if opener:
                # the year before the text's own; undated, the year its review heading names (below)
                year = self.year - 1 if self.year else None
                self.paragraphs.append(Section(start, end, "result", year, f"{year}年" if year else None))
            if m := _YEAR_NAMED.match(body):
                y = int(m.group(1))
                named = y if self.year is None or y < self.year else None
            elif named and _THIS_YEAR_OPENER.match(body):
                self.paragraphs.append(Section(start, end, "result", named, f"{named}年"))
            found = [m for m in MAIN_TARGETS.finditer(line) if _opens_sentence(line, m.start())]
            for k, m in enumerate(found):
                limit = found[k + 1].start() if k + 1 < len(found) else len(line)
                stop = _MAIN_END.search(line, m.end(), limit)
                cut = stop.start() if stop else limit
                self.main.append((start + m.end(), start + cut))
                lead = re.split(r"[。！!？?；;]", line[max(0, m.start() - _MAIN_LEAD) : m.start()])[-1]
                span = _PLAN_SPAN.search(lead)  # “十五五”时期…的主要目标是: the plan's, over five years
                if span:
                    self.main_spans[start + m.end()] = five_year_span(span.group(1))
        for k, (start, kind, year, period, body) in enumerate(heads):
            end = heads[k + 1][0] if k + 1 < len(heads) else len(text)
            self.sections.append(Section(start, end, kind, year, period, body))
            if kind == "target" and _MAIN_HEADING.search(body):  # 二、2024年主要预期目标: the list
                self.main.append((start + len(body), end))
        self.main.sort()
        # headings naming neither a review nor a plan carry the section they stand in
        merged: list[Section] = []
        for s in self.sections:
            if s.kind is None and merged:
                p = merged[-1]
                merged[-1] = Section(p.start, s.end, p.kind, p.year, p.period, p.heading)
            elif s.kind is not None:
                merged.append(s)
        self.sections = merged
        self._starts = [s.start for s in self.sections]
        # an undated text's 过去一年, paragraph under 一、2023年工作回顾 reviews 2023
        for i, para in enumerate(self.paragraphs):
            head = self.heading_at(para.start)
            if para.year is None and head is not None and head.kind == "result" and head.year:
                y = head.year
                self.paragraphs[i] = Section(para.start, para.end, "result", y, f"{y}年", para.heading)

    def _heading(self, body: str) -> tuple[Kind | None, int | None, str | None] | None:
        """(kind, year, period) of a heading line, kind None for a numbered sub-head naming neither;
        None for a line that is no heading."""
        if len(body) > HEADING_MAX or _SENTENCE_MARK.search(body) or body[-1:] in ":：":
            return None
        lead = _HEAD_LEAD.match(body)
        numbered = bool(lead and lead.end() and body[: lead.end()].strip())
        if not numbered and (len(body) > UNNUMBERED_MAX or _CLAUSE_MARK.search(body)):
            return None  # an unnumbered heading is a short phrase: 2024年工作回顾
        words = body[lead.end() :] if lead else body
        review, plan = _REVIEW.search(words) or _STATUS.search(words), _PLAN.search(words)
        if _STATUS.search(words):
            plan = None
        if review and plan:  # 2024年工作回顾和2025年工作安排: the first named comes first
            if review.start() < plan.start():
                plan = None
            else:
                review = None
        own = self.year
        ym = _YEAR.search(words)
        year = cn_year(ym.group(1)) if ym else None
        span = _PLAN_SPAN.search(words)
        if review:
            if self.plan_span and not ym:  # 第一章 发展基础 of a five-year plan: the five years before
                start = int(self.plan_span[:4]) - 5
                return "result", start + 4, f"{start}—{start + 4}年"
            year = year or (own - 1 if own else None)
            return "result", year, f"{year}年" if year else None
        if plan:
            if span and not ym:
                return "target", None, five_year_span(span.group(1))
            if self.plan_span and not ym:  # 第二章 发展目标 of a five-year plan
                return "target", None, self.plan_span
            if own and year and year < own:  # a plan for a year already over reads as its review
                return None, None, None
            year = year or own
            return "target", year, f"{year}年" if year else None
        if numbered and ym and own and "工作" in words:  # 三、关于2026年工作: the year tells
            kind: Kind = "result" if year and year < own else "target"
            return kind, year, f"{year}年"
        return (None, None, None) if numbered else None


def resolve(expr: str, published: date | None, year: int | None) -> str:
    """A relative period as a calendar one: 今年 -> 2025年, 上半年 -> 2025年上半年, 明年 -> 2026年,
    去年 -> 2024年, 全年 (of the year the section is about) -> 2024年, 十五五 -> 2026—2030年.
    An expression with its own year, or one whose year cannot be known, is returned as written."""
    return resolve_year(expr, published.year if published else None, year) or expr


_RELATIVE = re.compile(r"今年|本年|年内|年底前|年底|明年|来年|去年|上年|全年|当年")


def resolve_year(expr: str, base: int | None, year: int | None) -> str | None:
    """`resolve` against the text's own year `base` (None: unknown) and the year the paragraph or
    section talks about; None when the calendar year cannot be known (时期不详)."""
    span = _PLAN_SPAN.fullmatch(expr.strip("“”\""))
    if span:
        return five_year_span(span.group(1))
    if _YEAR.match(expr):
        return expr
    rel = _RELATIVE.match(expr)
    word = rel.group(0) if rel else ""
    if word in ("今年", "本年", "年内", "年底前", "年底"):
        y = base or year
    elif word in ("明年", "来年"):
        y = base + 1 if base else None
    elif word in ("去年", "上年"):
        y = base - 1 if base else None
    else:  # 全年, 当年 or a bare 上半年 / 1-4月: the year the section talks about
        y = year or base
    if y is None:
        return None
    rest = expr[len(word) :] if word not in ("年底前", "年底", "年内") else ""
    return f"{y}年{rest}" if not rest.startswith("年") else f"{y}{rest}"
