"""Under a digest: buttons that lead on — 🎯 该县目标 (/targets), 📈 完成情况 (/track), 📊 图表 (/chart) for
the report's county, each only when it would answer with something the chat can see — and, when the report
answers earlier targets of its county, the line saying so (bot/render/changes.py).

The buttons carry the place choice buttons' data (`pl:<command>:<gazetteer code>`, validated and answered
by bot/telegram/fix.py's on_place_button): pressing one runs the command for the county, scoped to the chat
it is pressed in."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton

from bot import tracking
from bot.models import chat_scope
from bot.queries.changes import NextSteps
from bot.queries.places import code_of
from bot.telegram.reply import convert
from extract.models import Script

if TYPE_CHECKING:
    from bot.models import ReportOutcome
    from bot.telegram.state import BotState

log = logging.getLogger("countybot.telegram")

LABELS = (("targets", "t", "🎯 该县目标"), ("track", "k", "📈 完成情况"), ("chart", "c", "📊 图表"))


async def next_steps(state: BotState, chat_id: int, outcome: ReportOutcome) -> NextSteps:
    """What the digest's buttons may lead to; a report shown again as a duplicate answers nothing anew."""
    if outcome.digest is None:
        return NextSteps()
    try:
        scopes = [chat_scope(chat_id), "public"]
        steps = await tracking.next_steps(state.svc, outcome.digest, outcome.report_id, scopes)
    except Exception:  # the buttons are a convenience: the digest goes out without them
        log.exception("next steps of report %d failed", outcome.report_id)
        return NextSteps()
    if outcome.status != "done":
        steps.answered = []
    return steps


def step_buttons(steps: NextSteps, script: Script) -> list[InlineKeyboardButton]:
    code = code_of(steps.county) if steps.county is not None else None
    if code is None:
        return []
    return [
        InlineKeyboardButton(convert(label, script), callback_data=f"pl:{command}:{code}")
        for what, command, label in LABELS
        if getattr(steps, what)
    ]
