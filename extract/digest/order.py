"""The one figure order every view uses (digest, Telegram, terminal, period digests)."""

from __future__ import annotations

from collections.abc import Sequence

from extract.models import Digest, Figure

_KIND_RANK = {"target": 0, "result": 1}


def rank_figures(figures: Sequence[Figure]) -> list[Figure]:
    """Most important first: targets (what the county commits to), then results, then the rest;
    labelled before unlabelled; the pipeline's order otherwise (stable)."""
    order = sorted(
        enumerate(figures), key=lambda p: (_KIND_RANK.get(p[1].kind or "", 2), p[1].label is None, p[0])
    )
    return [f for _, f in order]


def digest_order(digest: Digest) -> list[Figure]:
    """A digest's figures as shown: its own order when it has one (key figures first, see
    Digest.key_figures and extract.digest.keyfigures), else ranked (a digest stored before)."""
    return list(digest.figures) if digest.key_figures else rank_figures(digest.figures)
