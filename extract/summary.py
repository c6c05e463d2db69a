"""Extractive summary and highlights: sentences picked from the report, never rewritten.

Every character of a summary or highlight is a slice of the report (at most shortened at a
clause boundary, marked with …), so every number in it is grounded by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.models import Figure

SUMMARY_BUDGET = 200  # characters, title included, where the report allows
HIGHLIGHT_BUDGET = 110
PER_UNIT_MAX = 95  # one sentence gets at most this much room, so that two or three fit
MIN_PIECE = 16
TITLE_MAX = 100
MAX_HIGHLIGHTS = 5
ELLIPSIS = "…"

# A unit ends at a sentence end or a semicolon (reports chain their results with ；).
_UNIT_END = re.compile(r"[。！？!?；;]+[”’\"]?")
# Clause boundaries inside a unit; an ASCII comma or colon between digits belongs to a number.
_CLAUSE_END = re.compile(r"[，：]|(?<!\d)[,:]|[,:](?!\d)")
_TIME_CUES = ("全年", "今年", "明年", "年度", "下一步", "目前", "截至")
_TIME_CUE_RE = re.compile("|".join(_TIME_CUES))  # one scan instead of one per cue


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
    for f in figures:
        if f.start < 0:
            continue
        for u in units:
            if u.start <= f.start < u.end:
                u.figures.append(f)
                break


def clauses(unit: Unit) -> list[tuple[int, int]]:
    """(start, end) offsets of the clauses of a unit, relative to unit.text, separator included."""
    out, pos = [], 0
    for m in _CLAUSE_END.finditer(unit.text):
        out.append((pos, m.end()))
        pos = m.end()
    if pos < len(unit.text):
        out.append((pos, len(unit.text)))
    return out


def shorten(unit: Unit, budget: int) -> str:
    return _shorten(unit, budget)[0]


def _shorten(unit: Unit, budget: int) -> tuple[str, float]:
    """The unit itself when it fits, else the run of whole clauses that carries the most key
    figures within `budget` (marked with …). Cuts fall only at clause boundaries."""
    if len(unit.text) <= budget:
        return unit.text, float(len(unit.figures))
    spans = clauses(unit)
    weights = []
    for a, b in spans:
        w = 0.0
        for f in unit.figures:
            rel = f.start - unit.start
            if a <= rel < b:
                w += 2.0 if f.kind else 1.0
        weights.append(w)
    best, best_key = (0, 0), (-1.0, 0)
    for i in range(len(spans)):
        total_w, j = 0.0, i
        while j < len(spans) and spans[j][1] - spans[i][0] <= budget - 2:
            total_w += weights[j]
            j += 1
        if j == i:
            continue
        key = (total_w, -i)  # most figures, then the earliest run
        if key > best_key:
            best_key, best = key, (i, j)
    i, j = best
    if j == i:  # every clause is longer than the budget: cut the first one between two words
        return clip(unit.text[spans[0][0] : spans[0][1]].rstrip("，,、：:"), budget), weights[0]
    piece = unit.text[spans[i][0] : spans[j - 1][1]]
    if j < len(spans):
        piece = piece.rstrip("，,、：:") + ELLIPSIS
    if i > 0:
        piece = ELLIPSIS + piece
    return piece, best_key[0]


_UNIT_WEIGHT = {"元": 1.5, "%": 1.2, "个百分点": 1.2}  # money and rates lead a report


def _figure_weight(f: Figure) -> float:
    w = _UNIT_WEIGHT.get(f.unit, 1.0)
    return w + (0.5 if f.kind else 0.0)


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters (… included), never inside a number or a Latin word."""
    if len(text) <= limit:
        return text
    cut = max(limit - 1, 1)

    def inside(k: int) -> bool:  # would cutting before text[k] split a number or leave 1,234. behind?
        prev, nxt = text[k - 1], text[k]
        if prev in ".,":
            return True
        return prev.isascii() and prev.isalnum() and nxt.isascii() and (nxt.isalnum() or nxt in ".,%")

    while cut > 1 and inside(cut):
        cut -= 1
    return text[:cut] + ELLIPSIS


def _unit_score(u: Unit, index: int, county_names: list[str]) -> float:
    score = 0.0
    if u.figures:
        # the two strongest figures count fully, a third a little: a focused sentence beats a list
        weights = sorted((_figure_weight(f) for f in u.figures), reverse=True)
        score = sum(weights[:2]) + 0.25 * sum(weights[2:3])
    if u.para == 0:
        score += 1.0
    if index == 0:
        score += 0.5
    if _TIME_CUE_RE.search(u.text):
        score += 0.3
    if any(n and n in u.text for n in county_names):
        score += 0.3
    if len(u.text) < 12:  # headings (坚持目标导向,会谋事) say little on their own
        score -= 1.0
    return score


def _end(piece: str) -> str:
    if piece[-1:] in ";；":  # the unit ended a clause chain; in a summary it ends a sentence
        return piece[:-1] + "。"
    core = piece.rstrip('”’"」')
    return piece if core[-1:] in "。！？!?…" else piece + "。"


def make_summary(
    title: str | None, units: list[Unit], county_names: list[str], budget: int = SUMMARY_BUDGET
) -> str:
    """The title plus the two or three most informative units, in report order, within budget."""
    head = _end(clip(title.strip(), TITLE_MAX)) if title and title.strip() else ""
    room = max(budget - len(head), 80)
    scores = [_unit_score(u, i, county_names) for i, u in enumerate(units)]
    ranked = sorted(range(len(units)), key=lambda i: -scores[i])
    chosen: dict[int, str] = {}
    used = 0
    for i in ranked:
        if len(chosen) == 3 or room - used < MIN_PIECE:
            break
        if scores[i] <= 0 and chosen:
            break
        cut, carried = _shorten(units[i], min(room - used, PER_UNIT_MAX) - 1)
        piece = _end(cut)
        if len(piece) < MIN_PIECE and piece != _end(units[i].text):
            continue  # a stub of a clause says nothing
        if units[i].figures and not carried:
            continue  # the figures that made the sentence worth showing did not fit
        if used + len(piece) > room:
            continue
        chosen[i] = piece
        used += len(piece)
    if not chosen and units:  # nothing fitted the per-sentence room: give the best one its room
        chosen[ranked[0]] = _end(shorten(units[ranked[0]], room - 1))
    return head + "".join(chosen[i] for i in sorted(chosen))


def make_highlights(
    units: list[Unit], limit: int = MAX_HIGHLIGHTS, budget: int = HIGHLIGHT_BUDGET
) -> list[str]:
    """Units carrying targets and results, best first by count of key figures, shown in report order.

    Targets get up to half the places (more when results are few): what a county plans is the news."""
    keyed = [(i, u) for i, u in enumerate(units) if u.key_figures]
    keyed.sort(key=lambda iu: (-len(iu[1].key_figures), iu[0]))
    with_target = [iu for iu in keyed if any(f.kind == "target" for f in iu[1].figures)]
    results_only = [iu for iu in keyed if iu not in with_target]
    n_target = min(len(with_target), max((limit + 1) // 2, limit - len(results_only)))
    picked = with_target[:n_target] + results_only[: limit - n_target]
    picked.sort(key=lambda iu: iu[0])
    out: list[str] = []
    for _, u in picked:
        piece = shorten(u, budget).rstrip("。；;")
        if piece and piece not in out:
            out.append(piece)
    return out
