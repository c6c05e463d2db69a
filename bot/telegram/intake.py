"""A report's way in, shared by every way one arrives (a paste, a file, /report, a link, pictures):
acknowledged at once, stored before anything else, digested one report at a time per chat within the
chat's LLM quota, then handed to delivery.py."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime

from telegram import Chat, Update
from telegram.ext import ContextTypes

from bot.service import chat_scope
from bot.telegram.delivery import deliver
from bot.telegram.reply import chat_script, get_state, send_html, typing
from bot.telegram.state import BotState
from extract.models import Script

log = logging.getLogger("countybot.telegram")

QUOTA_NOTE = "今天的 AI 摘要额度已用完，以上为规则摘要。"


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
