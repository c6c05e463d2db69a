"""Extractive summary and highlights: clauses picked from the report, never rewritten.

A highlight is the run of clauses (between ，/；/。) that carries one or more key figures, short
enough to read at a glance; the summary is the title or lead, a line of context and the one or two
strongest highlights. Every fragment is a slice of the report (only leading connectives, stray
quotes and trailing punctuation are trimmed), so every number in it is grounded by construction,
and cuts fall only between clauses, never inside a number.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from extract.models import Figure

SUMMARY_BUDGET = 200  # characters, whole summary
HIGHLIGHT_MAX = 80  # a highlight fits one line of a phone screen (renderers clip at ~90)
MAX_HIGHLIGHTS = 5
MIN_HIGHLIGHTS = 3  # below this, weaker (procedural) highlights still get a place
MIN_EXTRA_SCORE = 1.0  # beyond MIN_HIGHLIGHTS a highlight must carry a substantive figure
TITLE_MAX = 60
HEAD_MAX = 100  # the lead sentence when it stands in for the title
CONTEXT_MAX = 45  # the line that says what the report is about
CONTEXT_MIN = 14
SHORT_CLAUSE = 7  # a figure clause shorter than this borrows the clause before it for context
GAP_CLAUSE = 12  # a clause this short between two figure clauses stays in their group
ELLIPSIS = "…"

# A unit ends at a sentence end or a semicolon (reports chain their results with ；).
_UNIT_END = re.compile(r"[。！？!?；;]+[”’\"」』]?")
# Clause boundaries inside a unit; an ASCII comma or colon between digits belongs to a number.
_CLAUSE_END = re.compile(r"[，：]|(?<!\d)[,:]|[,:](?!\d)")
# Inside an over-long clause: list items.
_ITEM_END = re.compile(r"[、]|\s+")
_LEADING_CONNECTIVE = re.compile(
    r"^(?:与此同时|同时|此外|另外|另一方面|一方面|而且|并且|其次|再者)[,，、]?"
)
_LEAD_TRIM = " \t\u3000,，、;；:：。"
_TAIL_TRIM = " \t\u3000,，、;；:：。!！?？"
# The figure clause continues the one before it ("…销售3.8万吨，同比增长27.6%").
_CONTINUATION = re.compile(r"^(?:同比|环比|比上年|比去年|较|增长|增幅|下降|分别|均|占|其中)")
# Meetings, task lists and working groups: counts of procedure, not of results.
_PROCEDURAL = re.compile(r"会议|专题会|调度会|座谈|专班|工作组|督导组|督查|调研|培训|检查|部门|任务|活动")
_SPEECH_CUE = re.compile(r"^.{0,16}?(?:指出|强调|要求|号召|提出|表示|介绍|部署|讲话)[,，:：]")
_ENUMERATOR = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．])"
)
_REPORTED = re.compile(r"(?:获悉|了解到|得知|介绍|表示|说)$")
_SUBORDINATE = re.compile(r"^(?:其中|其余|另有)")
# "记者从…获悉," opens many reports: who told the reporter is not what the report is about
_REPORTER_CLAUSE = re.compile(r"^[^,，。]{0,30}?(?:获悉|了解到|得知)[,，]")
_PRONOUN_START = re.compile(r"^(?:他|她|其|这|此)")
_ADVERBIAL = re.compile(r"\s*(?:以|为了|为|在|把|对|按照|围绕|通过|随着|根据|坚持|聚焦|立足)")
_MEASURES = frozenset(
    {"亩", "公顷", "平方米", "平方公里", "万平方米", "立方米", "公里", "千米", "米", "吨"}
    | {"千瓦", "兆瓦", "万千瓦", "千瓦时", "度"}
)
_RATES = frozenset(("%", "个百分点", "‰", "倍"))
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_OPEN_CLOSE = (("“", "”"), ("「", "」"), ("『", "』"), ("‘", "’"), ("(", ")"), ("（", "）"))


@dataclass(slots=True)
class Unit:
    start: int
    end: int  # exclusive, terminator included
    text: str
    para: int  # paragraph index, 0 = the lead
    figures: list[Figure] = field(default_factory=list)

    @property
    def key_figures(self) -> list[Figure]:
        return [f for f in self.figures if f.kind in ("target", "result")]


@dataclass(slots=True)
class Candidate:
    """A highlight in the making: clauses [first, last] of one unit and the figures they carry."""

    unit: int  # index into the units list of the first unit
    last: int  # and of the last (a list of ；-separated parts spans several)
    start: int  # offset in the first unit's text
    end: int  # offset in the last unit's text
    text: str  # what is shown: the slice, trimmed, … where a clause was cut
    anchors: list[Figure]
    score: float
    tier: int  # 0 = carries a target, 1 = results only


def split_units(text: str, skip_prefix: int = 0) -> list[Unit]:
    """Sentences (split further at ；) with their offsets in `text`, from `skip_prefix` on."""
    units: list[Unit] = []
    para = 0
    line_start = skip_prefix
    for line in text[skip_prefix:].split("\n"):
        base, line_start = line_start, line_start + len(line) + 1
        if not line.strip():
            continue
        pos = 0
        ends = [m.end() for m in _UNIT_END.finditer(line)]
        if not ends or ends[-1] < len(line):
            ends.append(len(line))
        for end in ends:
            chunk = line[pos:end]
            stripped = chunk.strip()
            if stripped:
                start = base + pos + (len(chunk) - len(chunk.lstrip()))
                units.append(Unit(start, start + len(stripped), stripped, para))
            pos = end
        para += 1
    return units


def attach_figures(units: list[Unit], figures: list[Figure]) -> None:
    starts = [u.start for u in units]
    for f in figures:
        if f.start < 0:
            continue
        i = bisect_right(starts, f.start) - 1
        if i >= 0 and f.start < units[i].end:
            units[i].figures.append(f)


def clauses(unit: Unit) -> list[tuple[int, int]]:
    """(start, end) offsets of the clauses of a unit, relative to unit.text, separator included."""
    out, pos = [], 0
    for m in _CLAUSE_END.finditer(unit.text):
        out.append((pos, m.end()))
        pos = m.end()
    if pos < len(unit.text):
        out.append((pos, len(unit.text)))
    return out


# --- trimming ----------------------------------------------------------------------------------


def tidy(piece: str) -> str:
    """A slice made presentable without adding anything: no leading connective or separator,
    no trailing punctuation, no quote or bracket left open or closed on its own at either end."""
    piece = piece.strip(_LEAD_TRIM)
    piece = _LEADING_CONNECTIVE.sub("", piece, count=1).lstrip(_LEAD_TRIM)
    piece = piece.rstrip(_TAIL_TRIM)
    for o, c in _OPEN_CLOSE:
        if piece.startswith(o) and piece.count(o) > piece.count(c):
            piece = piece[1:].lstrip(_LEAD_TRIM)
        if piece.endswith(c) and piece.count(c) > piece.count(o):
            piece = piece[:-1].rstrip(_TAIL_TRIM)
    return piece


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters (… included), never inside a number or a Latin word."""
    if len(text) <= limit:
        return text
    cut = max(limit - 1, 1)

    def inside(k: int) -> bool:  # would cutting before text[k] split a number or leave 1,234. behind?
        prev, nxt = text[k - 1], text[k]
        if prev in ".,":
            return True
        if prev in _CN_DIGITS and nxt in _CN_DIGITS:
            return True
        return prev.isascii() and prev.isalnum() and nxt.isascii() and (nxt.isalnum() or nxt in ".,%")

    while cut > 1 and inside(cut):
        cut -= 1
    return text[:cut] + ELLIPSIS


def _last_clause(spans: list[tuple[int, int]], end: int) -> int:
    return next(k for k, (_, b) in enumerate(spans) if b == end)


def prefix_clauses(unit: Unit, limit: int, min_len: int = 8, *, before_figures: bool = False) -> str:
    """The unit's opening clauses that fit in `limit` (trimmed); a bare cue clause ("会议指出,")
    never stands alone. With `before_figures`, stops before the first clause carrying a figure
    once it has something to say. Falls back to a clipped first clause when nothing fits."""
    spans = clauses(unit)
    fig_starts = sorted(f.start - unit.start for f in unit.figures) if before_figures else []
    end = 0
    for a, b in spans:
        if len(tidy(unit.text[:b])) > limit:
            break
        if end and len(tidy(unit.text[:end])) >= min_len and any(a <= x < b for x in fig_starts):
            # what leads into a figure ("截至目前,", "2023年,") says nothing without it
            while (k := _last_clause(spans, end)) > 0 and len(tidy(unit.text[spans[k][0] : end])) < 8:
                end = spans[k - 1][1]
            break
        end = b
    # an opening adverbial ("以更高的站位", "围绕…") needs its main clause: never end on one
    while end and (k := _last_clause(spans, end)) > 0 and _ADVERBIAL.match(unit.text[spans[k][0] :]):
        end = spans[k - 1][1]
    piece = tidy(unit.text[:end])
    if len(piece) < min_len and end < len(unit.text):
        return clip(tidy(unit.text), limit)
    return piece


# --- ranking -----------------------------------------------------------------------------------


def figure_weight(f: Figure) -> float:
    """How much a figure says: money, then rates, then physical measures, then counts (big counts
    over small ones; counts of meetings, task lists and working groups least)."""
    value = abs(float(f.value)) if f.value else 0.0
    if f.unit == "元":
        # 1千元 (a price) 2.0 … 1千万元 3.0 … 1千亿元 4.0: big money is the headline
        w = 2.0 + min(max((math.log10(value) - 3) / 4, 0.0), 2.0) if value > 0 else 2.0
    elif f.unit in _RATES:
        w = 2.6
    elif f.unit in _MEASURES:
        w = 2.0
    else:
        w = 1.0 + (min(math.log10(value) / 3, 1.0) if value >= 1 else 0.0)
        if f.unit == "次" or (f.label and _PROCEDURAL.search(f.label)):
            w *= 0.4
    if not f.label:
        w *= 0.8
    if f.kind is None:
        w *= 0.5
    return w


def _group_score(anchors: list[Figure], text: str = "") -> float:
    # the strongest figure counts fully, the next half, the rest a quarter: a focused clause
    # group beats a long list of small numbers
    ws = sorted((figure_weight(f) for f in anchors), reverse=True)
    score = sum(ws[:1]) + 0.5 * sum(ws[1:2]) + 0.25 * sum(ws[2:])
    if _SUBORDINATE.match(text):
        score *= 0.7  # a breakdown ("其中…") says less than the total it breaks down
    return score


# --- highlights --------------------------------------------------------------------------------


def _surface_at(text: str, surface: str) -> bool:
    """`surface` occurs in `text` as a whole figure ("10%" is not inside "110%")."""
    i = text.find(surface)
    while i >= 0:
        prev = text[i - 1] if i else ""
        nxt = text[i + len(surface) : i + len(surface) + 1]
        if not (prev and (prev.isdigit() or prev in ".," or prev in _CN_DIGITS)) and not (
            surface[-1:].isdigit() and nxt and (nxt.isdigit() or nxt in ".")
        ):
            return True
        i = text.find(surface, i + 1)
    return False


def _fit_long(unit: Unit, a: int, b: int, anchors: list[Figure], limit: int) -> tuple[int, int, list[Figure]]:
    """A window of one over-long clause [a, b) around its first anchor: whole list items (、) when
    they fit, else characters, never cutting a figure. Returns relative offsets and kept anchors."""
    text = unit.text
    first = min(anchors, key=lambda f: f.start)
    fa, fb = first.start - unit.start, first.end - unit.start
    cuts = [a] + [m.end() for m in _ITEM_END.finditer(text, a, b)] + [b]
    items = [(cuts[k], cuts[k + 1]) for k in range(len(cuts) - 1) if cuts[k + 1] > cuts[k]]
    k = next((k for k, (x, y) in enumerate(items) if x <= fa < y), 0)
    lo, hi = k, k
    if items[k][1] - items[k][0] <= limit:
        starts = [f.start - unit.start for f in unit.figures]

        def has_figure(j: int) -> bool:
            return any(items[j][0] <= x < items[j][1] for x in starts)

        # widen over neighbouring items that carry figures too, while it fits; a lone short
        # item also takes the one before it, which usually names what is counted
        while hi + 1 < len(items) and has_figure(hi + 1) and items[hi + 1][1] - items[lo][0] <= limit:
            hi += 1
        while lo > 0 and has_figure(lo - 1) and items[hi][1] - items[lo - 1][0] <= limit:
            lo -= 1
        if lo > 0 and items[hi][1] - items[lo][0] < 12 and items[hi][1] - items[lo - 1][0] <= limit:
            lo -= 1
        s, e = items[lo][0], items[hi][1]
    else:  # one item longer than the room: a character window that keeps whole figures
        s = max(a, fa - (limit // 2))
        while s > a and s < fa and ((text[s - 1].isalnum() and text[s - 1].isascii()) or text[s - 1] in ".,"):
            s += 1
        e = min(b, max(s + limit, fb))
        for f in unit.figures:
            x, y = f.start - unit.start, f.end - unit.start
            if x < e < y:
                e = x if x > fb else y
    kept = [f for f in anchors if s <= f.start - unit.start and f.end - unit.start <= e]
    return s, e, kept


def _render(unit: Unit, s: int, e: int, a: int, b: int) -> str:
    """The slice [s, e) of a unit's run of clauses [a, b), trimmed, with … where a clause was cut."""
    piece = tidy(unit.text[s:e])
    if s > a:
        piece = ELLIPSIS + piece
    if e < b and tidy(unit.text[e:b]):
        piece += ELLIPSIS
    return piece


def _unit_candidates(ui: int, u: Unit, anchors_all: list[Figure], limit: int) -> list[Candidate]:
    spans = clauses(u)
    ends = [b for _, b in spans]
    per_clause: list[list[Figure]] = [[] for _ in spans]
    for f in anchors_all:
        per_clause[min(bisect_right(ends, f.start - u.start), len(spans) - 1)].append(f)

    def fits(k0: int, k1: int) -> bool:
        return len(tidy(u.text[spans[k0][0] : spans[k1][1]])) <= limit

    out: list[Candidate] = []
    ci = 0
    while ci < len(spans):
        if not per_clause[ci]:
            ci += 1
            continue
        first, last = ci, ci
        while True:  # grow over the next figure clause, or a short clause between two of them
            if last + 1 < len(spans) and per_clause[last + 1] and fits(first, last + 1):
                last += 1
            elif (
                last + 2 < len(spans)
                and per_clause[last + 2]
                and len(tidy(u.text[spans[last + 1][0] : spans[last + 1][1]])) <= GAP_CLAUSE
                and fits(first, last + 2)
            ):
                last += 2
            else:
                break
        ci = last + 1
        anchors = [f for k in range(first, last + 1) for f in per_clause[k]]
        a, b = spans[first][0], spans[last][1]
        if first > 0 and not per_clause[first - 1]:
            head = tidy(u.text[a : spans[first][1]])
            before = u.text[spans[first - 1][0] : spans[first - 1][1]].rstrip()
            # the clause before says what is measured ("…销售3.8万吨,同比增长…") or introduces
            # the list ("主要预期目标是:")
            if (len(head) < SHORT_CLAUSE or _CONTINUATION.match(head) or before[-1:] in ":：") and fits(
                first - 1, last
            ):
                a = spans[first - 1][0]
        s, e = a, b
        if len(tidy(u.text[a:b])) > limit:
            s, e, anchors = _fit_long(u, a, b, anchors, limit - 2)
        text = _render(u, s, e, a, b) if (s, e) != (a, b) else tidy(u.text[a:b])
        if not anchors or not text:
            continue
        tier = 0 if any(f.kind == "target" for f in anchors) else 1
        score = _group_score(anchors, text)
        at = anchors[0].start - u.start
        if u.text.count("“", 0, at) > u.text.count("”", 0, at):
            # inside quoted speech: one farmer's numbers, not the county's plan
            score, tier = score * 0.5, 1
        out.append(Candidate(ui, ui, s, e, text, anchors, score, tier))
    return out


def _merge_lists(units: list[Unit], cands: list[Candidate], limit: int) -> list[Candidate]:
    """Join candidates that are whole ；-separated parts of one sentence ("增长6%左右;工业增加值
    增长8%;…") while they fit: a list of targets reads as one highlight."""
    out: list[Candidate] = []
    for c in cands:
        p = out[-1] if out else None
        if p is not None and c.unit == p.last + 1 and c.tier == p.tier and c.start == 0 and p.start == 0:
            pu, cu = units[p.last], units[c.unit]
            tail = pu.text[p.end :]
            if (
                pu.text[-1:] in ";；"
                and pu.end == cu.start
                and pu.para == cu.para
                and not tail.strip(_TAIL_TRIM)
                and ELLIPSIS not in p.text + c.text
            ):
                # the units touch (pu.end == cu.start), so their texts joined are the report's
                joined = "".join(units[k].text for k in range(p.unit, c.unit))
                text = tidy(joined[p.start :] + cu.text[: c.end])
                if len(text) <= limit:
                    anchors = p.anchors + c.anchors
                    score = _group_score(anchors, text)
                    out[-1] = Candidate(p.unit, c.unit, p.start, c.end, text, anchors, score, p.tier)
                    continue
        out.append(c)
    return out


def highlight_candidates(units: list[Unit], limit: int = HIGHLIGHT_MAX) -> list[Candidate]:
    """Every clause group carrying key figures (targets and results; any figure when no figure
    has a kind), in report order. Adjacent figure clauses are grouped while they fit `limit`."""
    use_kind = any(f.kind for u in units for f in u.figures)
    out: list[Candidate] = []
    for ui, u in enumerate(units):
        anchors_all = [f for f in u.figures if f.kind] if use_kind else list(u.figures)
        if anchors_all:
            out += _unit_candidates(ui, u, anchors_all, limit)
    return _merge_lists(units, out, limit)


def _ranked(cands: list[Candidate]) -> list[Candidate]:
    # targets first (what a county plans is the news), then by weight, then report order
    order = sorted(range(len(cands)), key=lambda i: (cands[i].tier, -cands[i].score, i))
    return [cands[i] for i in order]


def select_highlights(
    units: list[Unit], cands: list[Candidate], limit: int = MAX_HIGHLIGHTS
) -> list[Candidate]:
    """Up to `limit` candidates, most important first, no figure shown twice."""
    surfaces = sorted({f.surface for u in units for f in u.figures}, key=len, reverse=True)
    shown: set[str] = set()
    picked: list[Candidate] = []
    for c in _ranked(cands):
        if len(picked) >= limit:
            break
        if len(picked) >= MIN_HIGHLIGHTS and max(map(figure_weight, c.anchors)) < MIN_EXTRA_SCORE:
            continue
        has = {s for s in surfaces if s in c.text and _surface_at(c.text, s)}
        if has & shown or c.text in (p.text for p in picked):
            continue
        shown |= has
        picked.append(c)
    return picked


def make_highlights(units: list[Unit], limit: int = MAX_HIGHLIGHTS, budget: int = HIGHLIGHT_MAX) -> list[str]:
    """The clause groups carrying the key targets and results, most important first."""
    return [c.text for c in select_highlights(units, highlight_candidates(units, budget), limit)]


# --- summary -----------------------------------------------------------------------------------


def _chars(s: str) -> set[str]:
    return {ch for ch in s if "\u4e00" <= ch <= "\u9fff"}


def _says_the_same(title: str, text: str) -> bool:
    t = _chars(title)
    return bool(t) and len(t & _chars(text)) >= 0.7 * len(t)


def _end(piece: str) -> str:
    core = piece.rstrip("”’\"」』)）")
    return piece if core[-1:] in "。！？!?…" else piece + "。"


def _message_score(u: Unit, index: int) -> float:
    """How well a sentence without key figures says what the report is about."""
    score = 1.0 if u.para == 0 else 0.0
    if index == 0:
        score += 0.5
    if _SPEECH_CUE.match(u.text):
        score += 1.5
    if _PRONOUN_START.match(u.text):
        score -= 1.0  # "他指出…" torn from its context does not say who
    score -= 0.15 * min(u.para, 6)
    if len(u.text) < 12:
        score -= 2.0  # headings say little on their own
    return score


def make_summary(
    title: str | None,
    units: list[Unit],
    county_names: list[str],
    budget: int = SUMMARY_BUDGET,
    cands: list[Candidate] | None = None,
) -> str:
    """Who/what/where (the title, or the lead when it says the same or there is no title), a line
    of context naming the county, then the one or two strongest figure groups; report order after
    the head; whole clauses only; at most `budget` characters."""
    title = (title or "").strip()
    body = [(i, u) for i, u in enumerate(units) if len(u.text) >= 8]
    lead = body[0] if body else None
    head, used_units = "", set()
    head_figures = False
    if title and lead and _says_the_same(title, lead[1].text) and len(lead[1].text) <= HEAD_MAX:
        head, used_units = tidy(lead[1].text), {lead[0]}
        head_figures = bool(lead[1].figures)
    elif title:
        head = tidy(title) if len(title) <= TITLE_MAX else clip(tidy(title), TITLE_MAX)
    elif lead:
        head, used_units = prefix_clauses(lead[1], HEAD_MAX), {lead[0]}
    head = _end(head) if head else ""
    room = budget - len(head)
    names = [n for n in county_names if n]

    # (unit index, start offset in unit, text) of each fragment after the head
    frags: list[tuple[int, int, str]] = []

    def add(ui: int, at: int, piece: str, last: int | None = None) -> bool:
        nonlocal room
        piece = _end(piece)
        span = set(range(ui, (ui if last is None else last) + 1))
        if span & used_units or len(piece) > room or len(piece) < 6:
            return False
        frags.append((ui, at, piece))
        used_units.update(span)
        room -= len(piece)
        return True

    cands = highlight_candidates(units) if cands is None else cands
    best = _ranked([c for c in cands if "…" not in c.text])
    # the strongest group, then the strongest compact one, a group of the other kind preferred
    seconds = [c for c in best[1:] if not _SUBORDINATE.match(c.text)]
    seconds.sort(key=lambda c: -(c.score + (0.5 if c.tier != best[0].tier else 0.0)))
    best_added = bool(best) and add(best[0].unit, best[0].start, best[0].text, best[0].last)
    # context: the first lead-paragraph sentence naming the county, else the first one at all
    early = [
        (i, u)
        for i, u in body
        if u.para == 0
        and i not in used_units
        and len(u.text) >= CONTEXT_MIN
        and u.text.rstrip()[-1:] not in "？?"  # an interviewer's question
        and not _ENUMERATOR.match(u.text)  # a section heading
        and not _says_the_same(title, u.text)
    ]
    early.sort(key=lambda iu: not any(n in iu[1].text for n in names))  # naming the county first
    for i, u in early:
        piece = prefix_clauses(u, min(CONTEXT_MAX, room - 1), before_figures=True)
        piece = tidy(_REPORTER_CLAUSE.sub("", piece, count=1))
        if (
            len(piece) >= CONTEXT_MIN - 2
            and not _REPORTED.search(piece)  # "记者从…获悉" alone says nothing
            and not any(_surface_at(piece, f.surface) for f in u.figures)  # figures come in groups
        ):
            add(i, u.text.find(piece), piece)
            break
    if not (head_figures and best_added):  # a lead with figures leaves room for one group only
        for c in seconds:  # the strongest that still fits
            if add(c.unit, c.start, c.text, c.last):
                break
    if not cands:  # no figures: what the meeting said, its strongest message sentences
        ranked = sorted(
            ((i, u) for i, u in body if i not in used_units and not _says_the_same(title, u.text)),
            key=lambda iu: -_message_score(iu[1], iu[0]),
        )
        for i, u in ranked[:4]:
            if room < 16:
                break
            add(i, 0, prefix_clauses(u, min(CONTEXT_MAX + 10, room - 1)))
    frags.sort()
    out = head + "".join(p for _, _, p in frags)
    return out if len(out) <= budget else clip(out, budget)
