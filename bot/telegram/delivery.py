"""The last step of a report in a chat: its outcome sent (the digest with its all-figures button, or the
failure's message), recorded as delivered in the same step, after the chat's earlier replies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.render.html import esc, hidden_figures, render_digest
from bot.telegram.reply import send_html
from extract.models import Script

if TYPE_CHECKING:
    from bot.service import ReportOutcome
    from bot.telegram.state import BotState

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
            await send_outcome(bot, chat_id, outcome, **how)


async def send_outcome(
    bot: Bot,
    chat_id: int,
    outcome: ReportOutcome,
    *,
    script: Script,
    reply_to: int | None = None,
    notes: list[str] | None = None,
    lead: str = "",
) -> None:
    """The digest (with the all-figures button when some are hidden), or the failure's message.
    `lead`: Telegram HTML put before it (e.g. the note on a digest sent after a restart)."""
    if outcome.status == "failed" or outcome.digest is None:
        text = lead + "⚠️ " + esc(outcome.error or "无法处理这份报告。")
        await send_html(bot, chat_id, text, script=script, reply_to=reply_to)
        return
    notes = list(notes or [])
    if outcome.status == "duplicate":
        notes.insert(0, DUPLICATE_NOTE)
    digest = outcome.digest
    markup = None
    if hidden_figures(digest):
        label = f"📊 全部 {len(digest.figures)} 个数字"
        if script == "traditional":
            from bot.telegram.reply import convert

            label = convert(label, script)
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(label, callback_data=f"figs:{outcome.report_id}")]]
        )
    await send_html(
        bot,
        chat_id,
        lead + render_digest(digest, notes=notes, received=outcome.received),
        script=script,
        reply_to=reply_to,
        markup=markup,
    )
