"""The one figure order every view uses (digest, Telegram, terminal, period digests)."""

from __future__ import annotations

from collections.abc import Sequence

from extract.models import Figure

_KIND_RANK = {"target": 0, "result": 1}


def rank_figures(figures: Sequence[Figure]) -> list[Figure]:
    """Most important first: targets (what the county commits to), then results, then the rest;
    labelled before unlabelled; the pipeline's order otherwise (stable)."""
    order = sorted(
        enumerate(figures), key=lambda p: (_KIND_RANK.get(p[1].kind or "", 2), p[1].label is None, p[0])
    )
    return [f for _, f in order]
