"""The cue words of one report, read once and cached: what a figure's own words say (steps 1-2 of
assign_kinds), the cue a clause or a sentence opens with (step 5), a period opening a clause (step 6).
kinds.py runs the cascade over them; frames.py keeps the running frame they set."""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date

from extract.figures.estimates import forecast_over, forecast_range, undated_review_over, year_just_begun
from extract.figures.periods import Layout, period_range, tense_of
from extract.figures.sections import Kind

TARGET: Kind = "target"
RESULT: Kind = "result"
FOLLOW = "follow"  # own() only: takes the kind of the figure before it in the sentence
SOFT = "soft"  # 建成/竣工/投产: a result, but a target among the plans of a sentence (计划新增…,建成…2座)

_VERBS_AFTER_JIANG = (
    "完成|达到|实现|新增|新建|建成|突破|超过|投入|投资|实施|开工|新开工|启动|力争|确保|继续|进一步|持续|全面|"
    "重点|加快|加大|推进|推动|抓好|建设|带动|形成|增加|聚焦|紧盯|打造|于|围绕|着力|坚持|深入|大力|积极|争取|"
    "计划|按照|不断|开展|引进|对标|提供|为签约|新开|扩大|再|陆续|逐步|尽快|分批|全力"
)
_STRONG = re.compile(
    r"(?P<t>力争|确保|计划|规划(?!设计|编制)|目标(?=是|为|[:：]|值|\d)|拟(?!定)|争取(?!到|行动|工作|活动)|(?<!全)力促|(?<![全大强努着])力推|力求|(?<![稳超于出及])预期(?!目标)|有望|冲刺|"
    rf"(?<!即)将(?={_VERBS_AFTER_JIANG})|"
    r"(?<![主重需纲摘提简只必首紧])要(?=[确力实新完达突加全进抓推坚])|要求(?=[，,：:各]|$)|下一步|今后|明年|来年|"
    r"工作安排|工作打算|工作思路|主要任务)"
    r"|(?P<r>已经|已(?!经)|累计|同比|比上年|较上年|比去年|较去年|较年初|比年初|上年末|截至|截止|以来|(?<!项)目前|先后|"
    r"净增|共计|顺利|荣获|获批|取得(?!了?新)|实现了|完成了|近年来|连续|在建|现有)"
    r"|(?P<soft>建成(?!后)|竣工|投产(?!后))"
    r"|(?P<yj>预计)|(?P<mh>谋划|到(?=(?:19|20)\d\d年))"
)
# A share of a plan already reached (占年度计划的80%, 完成全年目标任务的70%) or of a whole (占总产量的55%).
_SHARE = re.compile(
    r"(?:(?:占|完成|达到|为)[^，,。；;\d]{0,10}?(?:计划|目标|任务)(?:投资)?的?|占[^，,。；;\d]{1,12}的)\s*$"
)
# Growth stated right after a figure belongs to it: 预计突破110亿元,同比增长9.2% is a forecast too.
_FOLLOWS = re.compile(r"^\s*(?:同比|比上年|较上年|比去年|较去年)")
# A measured rate with its number right after it: 前期手续办结率82.5%, 收获进度53.8%.
_RATE = re.compile(r"(?<!失业)(?:率|进度)\s*$")  # not 失业率: a plan names it too (失业率5.5%左右)
_POST_RESULT = re.compile(r"已|顺利|建成(?!后)|竣工|投产(?!后)|通过")
_SOFT_WORDS = ("建成", "竣工", "投产")
# Target cues that are also nouns (a plan's name, funds applied for): no cue at a clause's end, nor in
# a review.
_NOUN_CUES = ("计划", "规划", "争取")
_NOUN_END = set("，,。；;、）)”」")
# Clauses that only report who speaks or when: skipped when looking for a sentence's opening cue.
_REPORTING = re.compile(
    r"^(?:据悉|据了解|据介绍|据统计|近日|日前|会上|会议指出|会议强调|.{0,24}(?:表示|指出|强调|介绍|说|称|透露|获悉|了解到|宣布|提到|明确))$"
    r"|^[”\"]|^\d{1,2}月\d{1,2}日(?:上午|下午|晚上?)?$|^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$"
)
_PLAN_YEAR = re.compile(r"今年|明年|来年|新的一年")
_FRAME_TAGS = {
    "以来", "截至", "截止", "目前", "近年来", "下一步", "今后", "明年", "来年", "period",
    "工作安排", "工作打算", "工作思路", "主要任务",
}
_YEAR_AT_CLAUSE = re.compile(r"(?:19|20)\d{2}(?=年)")
_CLAUSE_LEAD = {"", "在", "于", "到", "截至", "自", "从"}
_ENUM = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、])?\s*")


class Doc:
    def __init__(self, text: str, layout: Layout, published: date | None) -> None:
        self.text = text
        self.layout = layout
        self.published = published
        self._scopes: dict[tuple[int, int, int], tuple[Kind | None, int]] = {}
        self._cues: dict[tuple[int, int], tuple[Kind | str | None, str | None]] = {}
        self._clause_periods: dict[tuple[int, int], Kind | None] = {}
        # Years that open a clause ("2023年,全县…", "2024年全县计划…") set the year 全年 refers to.
        self.years: list[tuple[int, int]] = []
        for m in _YEAR_AT_CLAUSE.finditer(text):
            cs = layout.span("clause", m.start())[0]
            if text[cs : m.start()].strip() in _CLAUSE_LEAD:
                self.years.append((m.start(), int(m.group(0))))
        self._year_pos = [p for p, _ in self.years]
        self._plan_pos: list[int] | None = None  # target cues, found on first need

    def context_year(self, pos: int) -> int | None:
        """The year a clause-opening 2023年 set; a paragraph that turns to plans (会议要求,…/下一步,…)
        before pos no longer hears an earlier paragraph's year, so its 全年 is the publication's."""
        i = bisect_right(self._year_pos, pos) - 1
        sec = self.layout.structure.section_at(pos)
        if sec is not None and (i < 0 or self._year_pos[i] < sec.start):
            return sec.year  # 全年 under 一、2024年工作回顾 is 2024, whatever year came before the heading
        if i < 0:
            return None
        para = self.layout.span("paragraph", pos)[0]
        if self._year_pos[i] < para:
            if self._plan_pos is None:
                self._plan_pos = [m.start() for m in _STRONG.finditer(self.text) if m.group("t")]
            j = bisect_right(self._plan_pos, pos) - 1
            if j >= 0 and self._plan_pos[j] >= para:
                return sec.year if sec is not None else None
        return self.years[i][1]

    def _tense_of(self, m: re.Match[str]) -> str | None:
        rng = period_range(m, self.published, self.context_year(m.start()))
        t = tense_of(rng, self.published)
        # 2020年…增长6% said on 2020-01-11: only the year's plan can be stated (今年以来 looks back; a
        # bare 全年 in January is often the year just ended)
        named = m.group("year") or m.group("rel") in ("今年", "本年")
        begun = t == "current" and named and rng and self.published and year_just_begun(rng, self.published)
        return "future" if begun and not self.text.startswith("以来", m.end()) else t

    def tense(self, lo: int, hi: int) -> str | None:
        """past/future/current of the last period stated in text[lo:hi]."""
        found = self.layout.periods(lo, hi)
        return self._tense_of(found[-1]) if found else None

    def cue_kind(self, lo: int, hi: int, soft: bool = False) -> tuple[Kind | None, str | None]:
        """Leftmost strong cue in text[lo:hi] -> (kind, tag); SOFT only when asked for, else a result."""
        key = (lo, hi)
        if key not in self._cues:
            self._cues[key] = self._cue_kind(lo, hi)
        kind, tag = self._cues[key]
        if kind == SOFT and not soft:  # 建成… is done, but planned under a plan's heading
            return (TARGET if self.planned(lo) else RESULT), tag
        return kind, tag

    def _cue_kind(self, lo: int, hi: int) -> tuple[Kind | str | None, str | None]:
        for m in _STRONG.finditer(self.text, lo, hi):
            tag = m.group(0)
            if tag == "要求" and m.start() - lo > 6 and not _PLAN_YEAR.search(self.text, lo, m.start()):
                continue  # 落实部署要求 is a noun; 会议要求, / 他要求, / 对于今年政府工作要求, open tasks
            if m.group("t"):
                noun = self.text[m.end() : m.end() + 1] in _NOUN_END or self.reviewing(m.start())
                if tag in _NOUN_CUES and noun:
                    continue  # 实施…扩容计划, / 村庄规划全覆盖; in a review, 争取资金… was obtained
                return TARGET, tag
            if m.group("r"):
                return RESULT, tag
            if m.group("soft"):  # done, unless the sentence is a list of plans (see assign_kinds)
                return SOFT, tag
            if m.group("yj"):  # 预计: an estimate of a period (nearly) over is a result (estimates.py)
                return self._forecast(m.start()), tag
            if self.tense(m.end(), max(hi, m.end() + 8)) == "future":  # 谋划/到 + a coming period
                return TARGET, tag
            if tag == "谋划":  # 今年共谋划实施项目106个: this year's plan
                cs, ce = self.layout.span("clause", m.start())
                if self.tense(cs, ce) in ("future", "current"):
                    return TARGET, tag
        return None, None

    def _forecast(self, pos: int) -> Kind:
        """预计全年… in a review delivered at the year's end or after it: a result; else a forecast."""
        cs, ce = self.layout.span("clause", pos)
        found = self.layout.periods(cs, ce) or self.layout.periods(self.layout.span("sentence", pos)[0], pos)
        sec = self.layout.structure.section_at(pos)  # no period: the review's year, or a past 2019年，…
        if found:
            m = found[-1]
            rng = forecast_range(m, self.published, self.context_year(m.start()))
            over = forecast_over(rng, self.published) or undated_review_over(rng, sec, self.published)
            return RESULT if over else TARGET
        year, own = self.layout.clause_year(pos), self.layout.structure.year
        return RESULT if (sec is not None and sec.kind == RESULT) or (year and own and year < own) else TARGET

    def own(self, lo: int, start: int, end: int, post_end: int) -> str | None:
        """Steps 1-2: the figure's own words before and right after it."""
        pre = self.text[lo:start]
        share = _SHARE.search(pre)
        if share:  # 占年度计划的80% is reached, unless a target word comes before it (力争完成计划的…)
            kind, _ = self.cue_kind(lo, lo + share.start())
            return TARGET if kind == TARGET else RESULT
        kind, _ = self.cue_kind(lo, start, soft=True)
        if kind is None and _RATE.search(pre):
            return RESULT
        if kind == RESULT and _FOLLOWS.search(pre):
            return FOLLOW
        if kind is not None:
            return kind
        post = _POST_RESULT.search(self.text, end, post_end)
        if post and not (post.group(0) in _SOFT_WORDS and self.planned(start)):
            return RESULT  # 9个项目顺利通过; but under a plan's heading 开工…、投产… are both planned
        return None

    def reviewing(self, pos: int) -> bool:
        """pos lies under a review's heading (一、2024年工作回顾) or in a 过去一年,… paragraph."""
        sec = self.layout.structure.section_at(pos)
        return sec is not None and sec.kind == RESULT

    def planned(self, pos: int) -> bool:
        """pos lies under a plan's heading (二、2025年主要任务…)."""
        sec = self.layout.structure.section_at(pos)
        return sec is not None and sec.kind == TARGET

    def clause_cue(self, cs: int, ce: int) -> tuple[Kind | None, str | None]:
        """A period opening the clause (2023年,… / 1-10月,… / 明年…) if ended or coming, else its cue."""
        period = self._clause_period(cs, ce)
        if period is not None:
            return period, "period"
        return self.cue_kind(cs, ce)

    def nearest(self, lo: int, pos: int, decided: list[tuple[int, Kind | None]]) -> Kind | None:
        """Step 5a: going left from pos within text[lo:pos], the first clause with a decided figure
        (its kind) or, for a clause without figures, a cue."""
        for cs, ce in reversed(self.layout.clauses(lo, pos)):
            kinds = [k for p, k in decided if cs <= p < ce]
            if kinds and kinds[-1] is not None:
                return kinds[-1]
            if _REPORTING.search(self.text[cs:ce].strip()):
                continue
            kind, _ = self.clause_cue(cs, min(ce, pos))
            if kind is not None:
                return kind
        return None

    def scope(self, lo: int, hi: int, first_figure: int) -> tuple[Kind | None, int]:
        """Kind a sentence opens with (first cue of its first clause group, before its first figure), and
        how far it frames what follows: 2 = a time frame (今年以来, 下一步, 2024年,…: the rest of the
        report), 1 = a cue in its first clause that is not a 'he said' or a date (the rest of the
        paragraph), 0 = nothing."""
        key = (lo, hi, first_figure)
        if key in self._scopes:
            return self._scopes[key]
        result: tuple[Kind | None, int] = (None, 0)
        first_real = True
        opener_end = min(hi, first_figure, self.layout.span("part", lo)[1])  # its first clause group
        for cs, ce in self.layout.clauses(lo, opener_end):
            if _REPORTING.search(self.text[cs:ce].strip()):
                continue
            kind, tag = self.clause_cue(cs, ce)
            if kind is not None:
                result = (kind, 2 if tag in _FRAME_TAGS else 1 if first_real else 0)
                break
            first_real = False
        self._scopes[key] = result
        return result

    def _clause_period(self, cs: int, ce: int) -> Kind | None:
        key = (cs, ce)
        if key not in self._clause_periods:
            self._clause_periods[key] = self._opening_period(cs, ce)
        return self._clause_periods[key]

    def _opening_period(self, cs: int, ce: int) -> Kind | None:
        lead = _ENUM.sub("", self.text[cs:ce])
        offset = ce - cs - len(lead)
        for prefix in ("在", "于", "到", "截至", "自", "从"):
            if lead.startswith(prefix):
                offset += len(prefix)
                break
        found = self.layout.periods(cs + offset, ce)
        if not found or found[0].start() != cs + offset:
            return None
        m = found[0]
        t = self._tense_of(m)
        if t == "current" and self.planned(cs):
            return TARGET  # 今年新建… under a plan's heading
        if t is None and self.published is None and running_total(m) and offset == ce - cs - len(lead):
            return RESULT  # 1-9月,… / 前三季度,… opening a clause: figures of months gone by
        return RESULT if t == "past" else TARGET if t == "future" else None


def running_total(m: re.Match[str]) -> bool:
    """1-9月, 前三季度, 上半年, 一季度, 前8个月: a year's running total so far (not 明年上半年, nor a
    single month, which may be a deadline: 6月底前)."""
    if m.group("rel") in ("明年", "来年"):
        return False
    return bool((m.group("m1") and m.group("m2")) or m.group("half") == "上半年" or m.group("q3")
                or m.group("q") in ("一", "1") or m.group("nm"))
