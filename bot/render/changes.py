"""The words of what a new report changed (pure): the one line under a digest —
「回答了此前 3 项目标：2 项已完成，1 项未完成」 — and a line per answered target (the daily digest's
目标完成情况更新). Statuses are bot/track.py's; the words are the same in the bot, the CLI and the CSV."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.render.common import figure_number

if TYPE_CHECKING:
    from bot.track import TargetStatus

STATUS_ICON = {"已完成": "🟢", "接近目标": "🟡", "未完成": "🔴", "进行中": "🔵", "无后续数据": "⚪"}


def answered_line(answered: Sequence[TargetStatus]) -> str:
    """「回答了此前 3 项目标：2 项已完成，1 项未完成」 (statuses in bot.track's order); "" when none."""
    if not answered:
        return ""
    from bot.track import STATUSES  # here: a digest with nothing answered (the CLI's) needs no bot.track

    counts = {s: sum(1 for a in answered if a.status == s) for s in STATUSES}
    parts = [f"{n} 项{s}" for s, n in counts.items() if n]
    return f"回答了此前 {len(answered)} 项目标：" + "，".join(parts)


def update_line(s: TargetStatus) -> str:
    """ "🟢 大宁县 2024年 地区生产总值增长：目标 6%左右 · 实际 6.3%，已完成" (plain text; escape for HTML)."""
    label = s.target.label or s.metric
    shown = f"目标 {figure_number(s.target)[0]}"
    if s.result is not None:
        estimated = "预计 " if s.result.estimated else ""
        shown += f" · 实际 {estimated}{figure_number(s.result)[0]}"
    return f"{STATUS_ICON.get(s.status, '')} {s.target.county} {s.period} {label}：{shown}，{s.status}"
