"""Where gazetteer forms stand in a text: a leftmost-longest scan (吉县 is not read inside 永吉县).

The forms scanned are every county form of two characters or more except the bare short names of city
districts (鼓楼, 新华, 城中…): a district is read only by its full name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from extract.places.gazetteer import SHORT, Entry, index


@cache
def _finder_forms() -> tuple[dict[str, tuple[tuple[Entry, str], ...]], dict[str, tuple[int, ...]]]:
    """The gazetteer forms used to scan text: no bare short names of city districts (鼓楼, 新华,
    城中…) — a district is read only by its full name. With them, for each first two characters the
    lengths of the forms that start so, longest first: all a scan needs to try at a position."""
    idx = index()
    forms = {form: hits for form, hits in idx.forms.items() if len(form) >= 2}
    for short in {e.short for e in idx.entries if e.kind == "市辖区" and e.short}:
        hits = forms.get(short)
        if hits is None:
            continue
        keep = tuple((e, how) for e, how in hits if not (how == SHORT and e.kind == "市辖区"))
        if keep:
            forms[short] = keep
        else:
            del forms[short]
    lengths: dict[str, set[int]] = {}
    for form in forms:
        lengths.setdefault(form[:2], set()).add(len(form))
    return forms, {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}


@cache
def _candidates_re() -> re.Pattern[str]:
    """Where a form may start: a first character of some form followed by a second character of
    some form. The regex scan runs in C and leaves few positions for the exact checks below."""
    forms = _finder_forms()[0]
    firsts = "".join(sorted({f[0] for f in forms}))
    seconds = "".join(sorted({f[1] for f in forms}))
    return re.compile(f"[{re.escape(firsts)}](?=[{re.escape(seconds)}])")


def scan(text: str) -> Iterable[tuple[int, int, str, tuple[tuple[Entry, str], ...]]]:
    """Leftmost-longest matches of gazetteer forms (so 吉县 is not read inside 永吉县)."""
    forms, lengths = _finder_forms()
    n = len(text)
    done = 0  # text[:done] is consumed by an earlier match
    for m in _candidates_re().finditer(text):
        i = m.start()
        if i < done:
            continue
        for length in lengths.get(text[i : i + 2], ()):
            if i + length <= n and (hits := forms.get(text[i : i + length])):
                yield i, i + length, text[i : i + length], hits
                done = i + length
                break
