"""Highlights: the runs of clauses (between ，/；/。) that carry one or more key figures, short enough to
read at a glance, scored and picked in report order."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass

from extract.digest.units import CN_DIGITS, ELLIPSIS, TAIL_TRIM, Unit, clauses, tidy
from extract.models import Figure

HIGHLIGHT_MAX = 80  # a highlight fits one line of a phone screen (renderers clip at ~90)
MAX_HIGHLIGHTS = 5
MIN_HIGHLIGHTS = 3  # below this, weaker (procedural) highlights still get a place
MIN_EXTRA_SCORE = 1.0  # beyond MIN_HIGHLIGHTS a highlight must carry a substantive figure
SHORT_CLAUSE = 7  # a figure clause shorter than this borrows the clause before it for context
GAP_CLAUSE = 12  # a clause this short between two figure clauses stays in their group
# Inside an over-long clause: list items.
_ITEM_END = re.compile(r"[、]|\s+")
# The figure clause continues the one before it ("…销售3.8万吨，同比增长27.6%").
_CONTINUATION = re.compile(r"^(?:同比|环比|比上年|比去年|较|增长|增幅|下降|分别|均|占|其中)")
# Meetings, task lists and working groups: counts of procedure, not of results.
_PROCEDURAL = re.compile(r"会议|专题会|调度会|座谈|专班|工作组|督导组|督查|调研|培训|检查|部门|任务|活动")
SUBORDINATE = re.compile(r"^(?:其中|其余|另有)")
_MEASURES = frozenset(
    {"亩", "公顷", "平方米", "平方公里", "万平方米", "立方米", "公里", "千米", "米", "吨"}
    | {"千瓦", "兆瓦", "万千瓦", "千瓦时", "度"}
)
_RATES = frozenset(("%", "个百分点", "‰", "倍"))


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
    if SUBORDINATE.match(text):
        score *= 0.7  # a breakdown ("其中…") says less than the total it breaks down
    return score


# --- highlights --------------------------------------------------------------------------------


def surface_at(text: str, surface: str) -> bool:
    """`surface` occurs in `text` as a whole figure ("10%" is not inside "110%")."""
    i = text.find(surface)
    while i >= 0:
        prev = text[i - 1] if i else ""
        nxt = text[i + len(surface) : i + len(surface) + 1]
        if not (prev and (prev.isdigit() or prev in ".," or prev in CN_DIGITS)) and not (
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
                and not tail.strip(TAIL_TRIM)
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


def rank_candidates(cands: list[Candidate], lead: dict[int, int] | None = None) -> list[Candidate]:
    """Targets first (what a county plans is the news), then by weight, then report order; with
    `lead` (a key figure's start -> its place among the key figures), groups carrying key figures
    come first, in the key figures' order."""
    lead = lead or {}
    none = len(lead) + 1

    def first_key(c: Candidate) -> int:
        return min((lead.get(f.start, none) for f in c.anchors), default=none)

    order = sorted(range(len(cands)), key=lambda i: (first_key(cands[i]), cands[i].tier, -cands[i].score, i))
    return [cands[i] for i in order]


def select_highlights(
    units: list[Unit], cands: list[Candidate], limit: int = MAX_HIGHLIGHTS, lead: dict[int, int] | None = None
) -> list[Candidate]:
    """Up to `limit` candidates, most important first (key figures' groups leading), no figure shown
    twice."""
    surfaces = sorted({f.surface for u in units for f in u.figures}, key=len, reverse=True)
    shown: set[str] = set()
    picked: list[Candidate] = []
    for c in rank_candidates(cands, lead):
        if len(picked) >= limit:
            break
        if len(picked) >= MIN_HIGHLIGHTS and max(map(figure_weight, c.anchors)) < MIN_EXTRA_SCORE:
            continue
        has = {s for s in surfaces if s in c.text and surface_at(c.text, s)}
        if has & shown or c.text in (p.text for p in picked):
            continue
        shown |= has
        picked.append(c)
    return picked


def make_highlights(units: list[Unit], limit: int = MAX_HIGHLIGHTS, budget: int = HIGHLIGHT_MAX) -> list[str]:
    """The clause groups carrying the key targets and results, most important first."""
    return [c.text for c in select_highlights(units, highlight_candidates(units, budget), limit)]
