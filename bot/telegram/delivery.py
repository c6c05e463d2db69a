"""A report's way from the chat to its answer, shared by every way a report arrives (a paste, a file,
/report, a link, an upload fetched again, the queue runner): acknowledge, store, digest (one report at a
time per chat, within the chat's LLM quota), then deliver the digest or the failure's message."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from telegram import Bot, Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.render.changes import answered_line
from bot.render.html import esc, hidden_figures, render_digest
from bot.service import chat_scope
from bot.telegram.next_steps import next_steps, step_buttons
from bot.telegram.place_buttons import county_buttons
from bot.telegram.reply import chat_script, convert, get_state, send_html, typing
from bot.telegram.state import BotState
from extract.models import Script

if TYPE_CHECKING:
    from bot.queries.changes import NextSteps
    from bot.service import ReportOutcome

log = logging.getLogger("countybot.telegram")

QUOTA_NOTE = "今天的 AI 摘要额度已用完，以上为规则摘要。"
DUPLICATE_NOTE = "此前已收到这份报告（或它的另一种格式，如 PDF、繁体版），以上是当时的摘要。"


async def llm_allowed(state: BotState, chat_id: int, day: date | None = None) -> bool:
    """Takes one of the chat's LLM digests for `day` (default: today in the bot's timezone)."""
    if not state.settings.llm_config().enabled:
        return True  # nothing to ration: the service digests by rules anyway
    day = day or datetime.now(state.tz).date()
    return await state.svc.take_llm_quota(chat_id, day, state.settings.daily_llm_limit)


async def _digest_report(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    data,
    filename: str | None,
    quota: asyncio.Task | None,
    on_stored=None,
):
    """(outcome, whether the LLM was allowed); outcome None when the data could not be had."""
    state = get_state(context)
    chat_id = update.effective_chat.id
    # stored at once, not after the chat's earlier report: the chat lock only orders the processing
    # (replies are ordered across workers at delivery)
    if callable(data):
        data = await data()
        if data is None:
            return None, False
    user = update.effective_user
    # stored before anything else (the quota is a database write too): nothing a user sent is lost;
    # a joined paste (an int) was stored as a report when its parts were joined
    report_id = (
        data
        if isinstance(data, int)
        else await state.svc.accept(
            scope=chat_scope(chat_id),
            sender=f"tg:{user.id}" if user else None,
            data=data,
            filename=filename,
            reply_to=update.effective_message.message_id,
        )
    )
    if state.svc.replayed(report_id):
        return None, False  # an update sent again: whoever stored the report answers it
    if on_stored is not None:  # what belongs with the stored bytes (a picture's Telegram reference)
        await on_stored(report_id)
    # "typing…" while the report is worked on, not while it waits for a slot: under a burst, hundreds of
    # waiting reports would each send a chat action every few seconds (most of a worker's CPU)
    async with state.locks.hold(chat_id), state.slots.hold(), typing(context.bot, chat_id):
        use_llm = await (quota or llm_allowed(state, chat_id))
        outcome = await state.svc.process(report_id, use_llm=use_llm)
    return outcome, use_llm


def start_ack(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, reply_to: int | None = None
) -> asyncio.Task:
    """Send the acknowledgement in the background: the work starts without waiting for it (under a
    burst the rate limiter may hold it a while), and the reply waits for it, so it still comes first.
    The task's result is the chat's script (None if it failed), for the reply."""
    state = get_state(context)
    chat_id = update.effective_chat.id
    reply_to = reply_to or update.effective_message.message_id

    async def send() -> Script | None:
        try:
            script = await chat_script(state, chat_id)
            await send_html(context.bot, chat_id, text, script=script, reply_to=reply_to)
            return script
        except Exception as exc:  # an ack is a courtesy: the digest still goes out
            log.warning("could not acknowledge in chat %s: %s", chat_id, exc)
            return None

    return asyncio.create_task(send())


async def process_report(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    data,
    ack: str | asyncio.Task,
    quota: asyncio.Task | None = None,
    filename: str | None = None,
    reply_to: int | None = None,
    on_stored=None,
) -> None:
    """Acknowledge at once, then (one report at a time per chat) store and digest, then reply.
    `data` is the report's bytes, or a coroutine function fetching them (None: already answered);
    `ack` the acknowledgement's text, or its task when already sent; `quota` the LLM quota check if
    already started; `on_stored(report_id)` runs once the report's bytes are stored."""
    state = get_state(context)
    chat: Chat = update.effective_chat
    reply_to = reply_to or update.effective_message.message_id
    if isinstance(ack, str):
        ack = start_ack(update, context, ack, reply_to)
    try:
        outcome, use_llm = await _digest_report(update, context, data, filename, quota, on_stored)
    finally:
        script = await ack
    if outcome is None:
        return
    script = script or await chat_script(state, chat.id)
    notes = [QUOTA_NOTE] if not use_llm and outcome.status == "done" else []
    await deliver(context.bot, state, chat.id, outcome, script=script, reply_to=reply_to, notes=notes)


async def deliver(bot: Bot, state: BotState, chat_id: int, outcome: ReportOutcome, **how: Any) -> None:
    """Delivery, the last step: send the outcome (send_outcome's options in `how`), recorded as it is
    sent. Earlier reports of the chat, wherever they are processed, are answered first; a report another
    worker took over (this one stalled) is left to it."""
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
