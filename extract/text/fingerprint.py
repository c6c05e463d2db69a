"""Is this the same report in another form? A near-duplicate measure on normalised text.

A paste, its PDF and its Big5 copy normalise to almost the same simplified text, but not byte for byte:
a PDF wraps lines (and may keep a page number), a traditional copy converts back with a stray variant
character. So two texts are compared as sets of character 5-grams with all whitespace removed (exact
Jaccard over hashed shingles: a county's reports are few, so no MinHash sketch is needed), and they are
one report when

* the shingle sets' Jaccard similarity is at least NEAR_DUPLICATE (0.9), and
* they state the same numbers (years aside: a title "2025年政府工作报告" kept by one form and not the
  other is no new report): a monthly report written on last month's template, or a corrected figure,
  is a new report even when nearly every sentence is the same.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

NEAR_DUPLICATE = 0.9
SHINGLE = 5
# Jaccard >= 0.9 needs the shorter text to be >= 0.9 of the longer; the band is wider because the
# stored length counts the line breaks a PDF adds.
BAND = (0.8, 1.25)

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?:19|20)\d{2}")
# a line that is only page furniture: "- 3 -", "第 3 页 共 12 页", "3/12"
_PAGE_LINE = re.compile(r"^[\s\-—–－_第页共/／0-9]*$")


@dataclass(frozen=True)
class Fingerprint:
    shingles: frozenset[int]
    numbers: Counter[str]


def _flat(text: str) -> str:
    lines = [line for line in text.split("\n") if not _PAGE_LINE.match(line)]
    return _SPACE.sub("", "".join(lines))


def _numbers(flat: str) -> Counter[str]:
    return Counter(n.replace(",", "") for n in _NUMBER.findall(flat) if not _YEAR.fullmatch(n))


def numbers_of(text: str) -> Counter[str]:
    """The numbers a text states (years aside): a cheap first test, a tenth of a fingerprint's cost."""
    return _numbers(_flat(text))


def fingerprint(text: str) -> Fingerprint:
    """What near_duplicate compares; compute it once per text."""
    flat = _flat(text)
    if len(flat) <= SHINGLE:
        grams = frozenset({hash(flat)}) if flat else frozenset()
    else:
        grams = frozenset(hash(flat[i : i + SHINGLE]) for i in range(len(flat) - SHINGLE + 1))
    return Fingerprint(grams, _numbers(flat))


def jaccard(a: Fingerprint, b: Fingerprint) -> float:
    if not a.shingles or not b.shingles:
        return 0.0
    inter = len(a.shingles & b.shingles)
    return inter / (len(a.shingles) + len(b.shingles) - inter)


def near_duplicate(a: Fingerprint, b: Fingerprint) -> bool:
    return a.numbers == b.numbers and jaccard(a, b) >= NEAR_DUPLICATE


def length_band(n: int) -> tuple[int, int]:
    """The stored lengths (len of the normalised text) a near-duplicate of a text of length n can have."""
    return int(n * BAND[0]), int(n * BAND[1]) + 1
