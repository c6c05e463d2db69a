"""What a new report changed: the earlier targets of its county it answers (pure; bot/track.py decides the
statuses, bot/tracking.py reads the store), and where its digest's buttons may lead."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from bot.track import TargetStatus
from extract.models import County


def answered_by(statuses: Sequence[TargetStatus], report_id: int) -> list[TargetStatus]:
    """The targets of other reports whose deciding result (a full or a part period's) is this report's."""
    return [
        s
        for s in statuses
        if s.result is not None and s.result.report_id == report_id and s.target.report_id != report_id
    ]


class NextSteps(BaseModel):
    """Under a digest: the county its buttons are about, which of them would answer with something, and the
    earlier targets the report answers (one line and a button to /track)."""

    county: County | None = None
    targets: bool = False  # /targets lists at least one target
    track: bool = False  # /track lists at least one target
    chart: bool = False  # /chart draws something
    answered: list[TargetStatus] = []
