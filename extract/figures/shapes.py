"""How a number is stated: ranges (4.5%—5%, 4.5-5%, 4.5%至5%, 5至8亿元) and qualifiers (6%左右, 5.5%以内,
突破30亿元, 200余人), following seeds/gold.json's `about`:
- a range is one figure: value = low end, low/high both ends, the surface the whole range as written;
- a qualifier printed right after the number (左右, 以上, 以内, 以下 …) is part of the surface; one printed
  before it (突破, 超过, 约, 近 …) is only in `qualifier`; 余/多 inside the number (200余人, 3000多万元) is
  the qualifier too;
- in a list joined by 、/和/及 (分别增长7.5%、8.5%以上; 分别突破30亿元、40亿元) a closing qualifier applies to
  every earlier item, an opening one to every later item, when they have none of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from extract.figures.numerals import ARABIC_PATTERN, tidy
from extract.figures.units import MULTIPLIER_PATTERN, MULTIPLIERS

# A number beyond this is no real report's figure (10^16 yuan is a hundred times the world's output); it
# is skipped with a note, never turned into a float that overflows (a 309-digit number).
MAX_VALUE = Decimal(10) ** 16


@dataclass(frozen=True)
class Cand:
    """A candidate figure: the number span (what labels and kinds read) and how it is written."""

    s: int
    e: int  # end of the number and its unit
    value: Decimal
    unit: str
    mult: str = ""  # the multiplier as written (万, 亿 …)
    factor: Decimal = Decimal(1)  # the unit's factor (万千瓦 -> 1; 度电 -> 1 …)
    approx: str | None = None  # 余/多 written inside the number
    low: Decimal | None = None
    high: Decimal | None = None
    qualifier: str | None = None
    prefixed: bool = False  # the qualifier stands before the number
    surface_end: int = -1  # end of the surface: e plus a qualifier printed after it

    @property
    def end(self) -> int:
        return self.surface_end if self.surface_end >= 0 else self.e


_DASH = r"[ \u3000]?(?:——|--|[—–\-~～－至到])[ \u3000]?"
_RANGE_GAP = re.compile(_DASH)
_BARE_LOW = re.compile(rf"(?P<num>{ARABIC_PATTERN})(?P<mult>{MULTIPLIER_PATTERN})?{_DASH}$")
_SUFFIX = re.compile(r"左右|以上|以内|以下|之内|上下(?![游级班联])|之多|有余")
_PREFIX = re.compile(
    r"(?:不低于|不少于|不超过|不高于|不足|不到|超过|突破|接近|将近|大约|约|近|逾|超|高于|低于)$"
)
# 节约/签约/制约…, 最近/附近/靠近…, 赶超/高超: the word, not a qualifier of the number
_NOT_BEFORE = {"约": "节签制预合公条契履违大隐", "近": "最附靠邻就亲贴将接", "超": "赶高"}
_CONNECTOR = re.compile(r"[ \u3000]?(?:、|和|及|与|或|以及)[ \u3000]?")


def merge_ranges(text: str, cands: list[Cand]) -> list[Cand]:
    """Join "4.5%—5%" (two candidates) and "4.5-5%" (a bare number before one) into range candidates."""
    out: list[Cand] = []
    for c in cands:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.low is None
            and prev.unit == c.unit
            and _RANGE_GAP.fullmatch(text, prev.e, c.s)
            and prev.value < c.value
            and prev.approx is None
            and not _changes_from(text, prev.s)
        ):
            out[-1] = replace(c, s=prev.s, value=prev.value, low=prev.value, high=c.value)
            continue
        low = _bare_low(text, c)
        if low is not None:
            start, value = low
            out.append(replace(c, s=start, value=value, low=value, high=c.value))
            continue
        out.append(c)
    return out


def _changes_from(text: str, start: int) -> bool:
    """从6%到8% / 由5亿元至8亿元: a change from one number to another, not a range."""
    return text[max(0, start - 1) : start] in ("从", "由")


def _bare_low(text: str, c: Cand) -> tuple[int, Decimal] | None:
    """A range whose low end has no unit: 4.5-5%, 5至8亿元 (the 亿 of the high end applies), 5万-10万元."""
    m = _BARE_LOW.search(text, max(0, c.s - 24), c.s)
    if m is None or m.end() != c.s:
        return None
    before = text[m.start() - 1] if m.start() else ""
    if before and (before.isdigit() or before in ".,+-—/#第" or (before.isascii() and before.isalpha())):
        return None
    try:
        base = Decimal(m.group("num").replace(",", ""))
    except ArithmeticError:
        return None
    mult = m.group("mult") or c.mult
    value = base * MULTIPLIERS.get(mult, 1) * c.factor
    if not value < c.value or _changes_from(text, m.start()):  # 2024-5% is no range
        return None
    return m.start(), value


def read_qualifiers(text: str, cands: list[Cand]) -> list[Cand]:
    """Each candidate with its qualifier and surface end; list-closing/opening qualifiers shared."""
    out = []
    for c in cands:
        suffix = _SUFFIX.match(text, c.e)
        if suffix:
            out.append(replace(c, qualifier=suffix.group(0), surface_end=suffix.end()))
            continue
        if c.approx:
            out.append(replace(c, qualifier=c.approx))
            continue
        prefix = _PREFIX.search(text, max(0, c.s - 3), c.s)
        if prefix and prefix.end() == c.s and not _word_before(text, prefix):
            out.append(replace(c, qualifier=prefix.group(0), prefixed=True))
            continue
        out.append(c)
    return _share_in_lists(text, out)


def _word_before(text: str, m: re.Match[str]) -> bool:
    word = m.group(0)
    before = text[m.start() - 1] if m.start() else ""
    return bool(before) and before in _NOT_BEFORE.get(word, "")


def _share_in_lists(text: str, cands: list[Cand]) -> list[Cand]:
    out = list(cands)
    i = 0
    while i < len(out):
        j = i
        while (
            j + 1 < len(out)
            and out[j + 1].unit == out[i].unit
            and _CONNECTOR.fullmatch(text, out[j].end, out[j + 1].s)
        ):
            j += 1
        if j > i:
            last, first = out[j], out[i]
            if last.qualifier and not last.prefixed and not last.approx:
                for k in range(i, j):
                    if out[k].qualifier is None:
                        out[k] = replace(out[k], qualifier=last.qualifier)
            if first.qualifier and first.prefixed:
                for k in range(i + 1, j + 1):
                    if out[k].qualifier is None:
                        out[k] = replace(out[k], qualifier=first.qualifier, prefixed=True)
        i = j + 1
    return out


def too_big(c: Cand) -> bool:
    return abs(c.value) >= MAX_VALUE or (c.high is not None and abs(c.high) >= MAX_VALUE)


def number_as_written(text: str, c: Cand, limit: int = 12) -> str:
    """The surface of a too-big number, shortened for a note: "99999999999…（320位）亿元"."""
    surface = text[c.s : c.end]
    digits = re.match(r"[\d,.]+", surface)
    if digits and len(digits.group(0)) > limit:
        count = sum(ch.isdigit() for ch in digits.group(0))
        return f"{digits.group(0)[:limit]}…（{count}位）{surface[digits.end():]}"
    return surface


def plain(v: Decimal | None) -> float | int | None:
    return None if v is None else tidy(v)
