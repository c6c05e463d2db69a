"""The same report in another form (a paste, its PDF, its Big5 copy) is one report.

The exact check is the sha256 of the normalised text (unique per scope, in the store). This is the
near-duplicate check after it: the scope's recent done reports of a similar length, compared by
extract.text.fingerprint (5-gram Jaccard >= 0.9 and the same numbers).
"""

from __future__ import annotations

import asyncio

from bot.store.reports import Reports
from extract.text.fingerprint import fingerprint, jaccard, length_band, near_duplicate, numbers_of

# done reports of the scope in the length band looked at, newest first: a re-send comes soon after the
# first, and a look-alike with other numbers costs a number scan, not a fingerprint (make bench: dedup)
RECENT = 100


def _most_similar(text: str, candidates: list[tuple[int, str]]) -> int | None:
    mine = fingerprint(text)
    best: tuple[float, int] | None = None
    for report_id, other in candidates:
        if numbers_of(other) != mine.numbers:
            continue  # other figures: another report, however alike the sentences
        theirs = fingerprint(other)
        if near_duplicate(mine, theirs):
            score = jaccard(mine, theirs)
            if best is None or score > best[0]:
                best = (score, report_id)
    return best[1] if best else None


async def find_twin(reports: Reports, scope: str, sha256: str, text: str) -> int | None:
    """The done report of `scope` with this normalised text (its sha256), else the one it is a
    near-duplicate of, else None."""
    first = await reports.find_done(scope, sha256)
    if first is not None:
        return first
    lo, hi = length_band(len(text))
    candidates = await reports.near_candidates(scope, lo, hi, RECENT)
    if not candidates:
        return None
    return await asyncio.to_thread(_most_similar, text, candidates)
