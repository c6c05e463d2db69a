"""Where a report's text splits: the one set of boundary marks and the splitters built on them.

Clauses end at ，,。；;！!？?：: (and line ends); parts (clause groups) at ；; and sentence ends;
sentences at 。！!？?; paragraphs at line ends. Normalised text keeps ASCII , ; : from the seeds as well
as the Chinese marks, so both count. Callers differ only in what they pass: whether a line end is a
boundary, whether a colon or the list comma 、 ends a clause, whether a run of marks stays together.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from itertools import pairwise
from typing import Literal

Level = Literal["clause", "part", "sentence", "paragraph"]

SENTENCE_MARKS = "。！!？?"
SEMICOLONS = "；;"
COMMAS = "，,"
COLONS = "：:"
LIST_COMMA = "、"
CLOSING_QUOTES = "”’」』"  # closers that stay with the sentence they end (plus ASCII " where unambiguous)

# A clause ends at a Chinese comma or colon; an ASCII comma or colon between digits belongs to a number.
CLAUSE_END_OUTSIDE_NUMBERS = re.compile(r"[，：]|(?<!\d)[,:]|[,:](?!\d)")


@cache
def marks(level: Level, *, lines: bool = True, colons: bool = True, list_comma: bool = False) -> str:
    """The characters that end a unit of `level`; `lines` adds the line end."""
    chars = ""
    if level != "paragraph":
        chars = SENTENCE_MARKS
        if level in ("part", "clause"):
            chars += SEMICOLONS
        if level == "clause":
            chars += COMMAS + (COLONS if colons else "") + (LIST_COMMA if list_comma else "")
    return chars + ("\n" if lines else "")


@cache
def _pattern(chars: str, runs: bool = False, closer: bool = False) -> re.Pattern[str]:
    body = f"[{re.escape(chars)}]" + ("+" if runs else "")
    return re.compile(body + (f"[{re.escape(CLOSING_QUOTES)}\"]?" if closer else ""))


def ends(
    text: str, level: Level, *, lines: bool = True, runs: bool = False, closer: bool = False
) -> list[int]:
    """Offsets just after each boundary of `level` in `text` (after each run of marks with `runs`, and
    after a closing quote that follows it with `closer`)."""
    return [m.end() for m in _pattern(marks(level, lines=lines), runs, closer).finditer(text)]


def pieces(text: str, level: Level = "part", *, lines: bool = False) -> list[str]:
    """`text` cut after every boundary mark: non-empty exact slices, "".join(pieces) == text."""
    cuts = [0, *ends(text, level, lines=lines), len(text)]
    return [text[a:b] for a, b in pairwise(cuts) if b > a]


def sentences(text: str, level: Level = "part") -> list[str]:
    """The stripped, non-empty sentences of `text`: a run of marks stays with the sentence it ends, and
    marks before the first sentence are dropped."""
    chars = marks(level, lines=False)
    raw: list[str] = []
    for piece in pieces(text, level):
        if piece.strip(chars):
            raw.append(piece)
        elif raw:  # "好。。" : the second mark belongs to the first sentence
            raw[-1] += piece
    return [s.strip() for s in raw if s.strip()]


class Segments:
    """Boundary offsets of one text at every level (line ends included), computed once; lookups bisect."""

    def __init__(self, text: str) -> None:
        self.text = text
        last = len(text) + 1
        levels: tuple[Level, ...] = ("clause", "part", "sentence", "paragraph")
        self._bounds = {level: [0, *ends(text, level), last] for level in levels}
        self._spans: dict[tuple[str, int], tuple[int, int]] = {}

    def span(self, level: Level, pos: int) -> tuple[int, int]:
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
