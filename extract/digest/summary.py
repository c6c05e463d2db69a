"""Extractive summary: the title or lead, a line of context and the one or two strongest highlights.

Every fragment is a slice of the report (see extract.digest.units), so every number in it is grounded by
construction, and cuts fall only between clauses, never inside a number.
"""

from __future__ import annotations

import re

from extract.digest.highlights import (
    SUBORDINATE,
    Candidate,
    highlight_candidates,
    rank_candidates,
    surface_at,
)
from extract.digest.units import Unit, clip, prefix_clauses, tidy

SUMMARY_BUDGET = 200  # characters, whole summary
TITLE_MAX = 60
HEAD_MAX = 100  # the lead sentence when it stands in for the title
CONTEXT_MAX = 45  # the line that says what the report is about
CONTEXT_MIN = 14
_SPEECH_CUE = re.compile(r"^.{0,16}?(?:指出|强调|要求|号召|提出|表示|介绍|部署|讲话)[,，:：]")
_ENUMERATOR = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．])"
)
_REPORTED = re.compile(r"(?:获悉|了解到|得知|介绍|表示|说)$")
# "记者从…获悉," opens many reports: who told the reporter is not what the report is about
_REPORTER_CLAUSE = re.compile(r"^[^,，。]{0,30}?(?:获悉|了解到|得知)[,，]")
_PRONOUN_START = re.compile(r"^(?:他|她|其|这|此)")


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
    key_lead: dict[int, int] | None = None,
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
    best = rank_candidates([c for c in cands if "…" not in c.text], key_lead)  # key figures' groups first
    # the strongest group, then the strongest compact one, a group of the other kind preferred
    seconds = [c for c in best[1:] if not SUBORDINATE.match(c.text)]
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
            and not any(surface_at(piece, f.surface) for f in u.figures)  # figures come in groups
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
