"""The answer of /track and `countybot track` (pure model; bot/tracking.py fills it, bot/render shows it)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from bot.track import TargetStatus
from extract.models import County


class TrackAnswer(BaseModel):
    status: Literal["ok", "ambiguous", "unknown"]
    query: str
    county: County | None = None
    candidates: list[County] = []
    suggestions: list[County] = []  # unknown: the closest names (issue L)
    items: list[TargetStatus] = []  # targets with a status (not 无后续数据), newest period first
    untracked: int = 0  # targets with no later data yet
