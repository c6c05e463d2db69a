"""A report as units (sentences split further at ；) and clauses, with the trimming and clipping every
extractive fragment goes through: a slice of the report, only leading connectives, stray quotes and
trailing punctuation trimmed, cut between clauses and never inside a number."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from extract.models import Figure
from extract.text import segment

ELLIPSIS = "…"
_LEADING_CONNECTIVE = re.compile(
    r"^(?:与此同时|同时|此外|另外|另一方面|一方面|而且|并且|其次|再者)[,，、]?"
)
_LEAD_TRIM = " \t\u3000,，、;；:：。"
TAIL_TRIM = " \t\u3000,，、;；:：。!！?？"
_ADVERBIAL = re.compile(r"\s*(?:以|为了|为|在|把|对|按照|围绕|通过|随着|根据|坚持|聚焦|立足)")
CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
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
        ends = segment.ends(line, "part", lines=False, runs=True, closer=True)
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
    for m in segment.CLAUSE_END_OUTSIDE_NUMBERS.finditer(unit.text):
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
    piece = piece.rstrip(TAIL_TRIM)
    for o, c in _OPEN_CLOSE:
        if piece.startswith(o) and piece.count(o) > piece.count(c):
            piece = piece[1:].lstrip(_LEAD_TRIM)
        if piece.endswith(c) and piece.count(c) > piece.count(o):
            piece = piece[:-1].rstrip(TAIL_TRIM)
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
        if prev in CN_DIGITS and nxt in CN_DIGITS:
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
