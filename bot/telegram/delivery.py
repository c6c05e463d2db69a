"""The last step of a report in a chat: its outcome sent (the digest with its buttons — all figures, the
likeliest places, the next steps — or the failure's message), recorded as delivered in the same step,
after the chat's earlier replies. Nothing is sent for a report its chat deleted meanwhile. Shared by
every way a report arrives (intake.py), an upload fetched again (uploads.py) and the queue runner
(worker.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.render.changes import answered_line
from bot.render.html import esc, hidden_figures, render_digest
from bot.telegram.next_steps import next_steps, step_buttons
from bot.telegram.place_buttons import county_buttons
from bot.telegram.reply import convert, send_html
from bot.telegram.state import BotState
from extract.models import Script

if TYPE_CHECKING:
    from bot.queries.changes import NextSteps
    from bot.service import ReportOutcome

DUPLICATE_NOTE = "此前已收到这份报告（或它的另一种格式，如 PDF、繁体版），以上是当时的摘要。"


async def deliver(bot: Bot, state: BotState, chat_id: int, outcome: ReportOutcome, **how: Any) -> None:
    """Delivery, the last step: send the outcome (send_outcome's options in `how`), recorded as it is
    sent. Earlier reports of the chat, wherever they are processed, are answered first; a report another
    worker took over (this one stalled) is left to it."""
    if outcome.status == "deleted":  # deleted by its chat while it was digested: nothing to send
        state.svc.unhold(outcome.report_id)
        return
    async with state.svc.delivering(outcome.report_id) as ours:
        if ours:
            sent: list[int] = []
            steps = await next_steps(state, chat_id, outcome)
            await send_outcome(bot, chat_id, outcome, sent_ids=sent, steps=steps, **how)
            if outcome.digest is not None:  # a reply to the digest (a county name, /fix) finds the report
                await state.svc.store.corrections.remember_messages(chat_id, sent, outcome.report_id)


async def send_outcome(
    bot: Bot,
    chat_id: int,
    outcome: ReportOutcome,
    *,
    script: Script,
    reply_to: int | None = None,
    notes: list[str] | None = None,
    lead: str = "",
    sent_ids: list[int] | None = None,
    steps: NextSteps | None = None,
) -> None:
    """The digest (with the all-figures button when some are hidden, the likeliest places when it found
    none, the next steps for its county), or the failure's message. `lead`: Telegram HTML put before it
    (e.g. the note on a digest sent after a restart); `sent_ids`: filled with the digest's message ids;
    `steps`: the buttons that lead on and the earlier targets the report answers (next_steps.py)."""
    if outcome.status == "failed" or outcome.digest is None:
        text = lead + "⚠️ " + esc(outcome.error or "无法处理这份报告。")
        await send_html(bot, chat_id, text, script=script, reply_to=reply_to)
        return
    notes = list(notes or [])
    if outcome.status == "duplicate":
        notes.insert(0, DUPLICATE_NOTE)
    digest = outcome.digest
    rows = county_buttons(digest, outcome.report_id, script)
    if hidden_figures(digest):
        label = convert(f"🔢 全部 {len(digest.figures)} 个数字", script)
        rows.append([InlineKeyboardButton(label, callback_data=f"figs:{outcome.report_id}")])
    text = lead + render_digest(digest, notes=notes, received=outcome.received)
    if steps is not None:
        if buttons := step_buttons(steps, script):
            rows.append(buttons)
        if steps.answered:  # what the report changed, with 📈 完成情况 (to /track) under it
            text += f"\n📈 {esc(answered_line(steps.answered))}"
    await send_html(
        bot,
        chat_id,
        text,
        script=script,
        reply_to=reply_to,
        markup=InlineKeyboardMarkup(rows) if rows else None,
        sent_ids=sent_ids,
    )
