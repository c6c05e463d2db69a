"""Which of a report's counties each figure belongs to (the figures table is queried per county)."""

from __future__ import annotations

import re

from extract.models import County, Figure

# 贡山独龙族怒族自治县 -> 贡山, 双江拉祜族佤族布朗族傣族自治县 -> 双江; 蓝田县 -> 蓝田; 湟中区 -> 湟中
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[^族]{1,5}族)+自治[县旗]$")
_SUFFIX = re.compile(r"^(.{2,}?)(?:县|市|区|旗|特区|林区)$")


def short_names(name: str) -> list[str]:
    """The full name first, then the shorter forms people write."""
    out = [name]
    m = _AUTONOMOUS.match(name) or _SUFFIX.match(name)
    if m and m.group(1) not in out:
        out.append(m.group(1))
    return out


def attribute(figures: list[Figure], counties: list[County], text: str) -> list[County | None]:
    """One county per figure: the only one, or the one named last before the figure (in its quote, or in
    the text up to it); the report's first county when nothing decides."""
    if not counties:
        return [None] * len(figures)
    if len(counties) == 1:
        return [counties[0]] * len(figures)
    names = [(c, short_names(c.name)) for c in counties]
    out: list[County | None] = []
    for fig in figures:
        chosen = _last_named(fig.quote, names, len(fig.quote))
        if chosen is None and 0 <= fig.start <= len(text):
            chosen = _last_named(text, names, fig.start)
        out.append(chosen or counties[0])
    return out


def _last_named(text: str, names: list[tuple[County, list[str]]], end: int) -> County | None:
    best: tuple[int, County] | None = None
    head = text[:end]
    for county, forms in names:
        pos = max((head.rfind(f) for f in forms), default=-1)
        if pos >= 0 and (best is None or pos > best[0]):
            best = (pos, county)
    return best[1] if best else None
