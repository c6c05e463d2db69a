"""A report's way in, shared by every way one arrives (a paste, a file, /report, a link, pictures):
acknowledged at once, stored before anything else, digested one report at a time per chat within the
chat's LLM quota, then handed to delivery.py."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime

from telegram import Chat, Update
from telegram.ext import ContextTypes

from bot.render.html import esc
from bot.service import chat_scope
from bot.telegram.delivery import deliver
from bot.telegram.reply import chat_script, get_state, reply, send_html, typing
from bot.telegram.state import BotState
from extract.models import Script

log = logging.getLogger("countybot.telegram")

QUOTA_NOTE = "今天的 AI 摘要额度已用完，以上为规则摘要。"
NOT_STORED = "⚠️ 存储暂时出错，这份报告没有保存。请稍后重新发送。"
NOT_FINISHED = "⚠️ 报告已保存，但存储暂时出错，摘要还没有生成。恢复后会自动补发，无需重新发送。"


async def not_stored(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Storing what the user sent failed: nothing of it is kept, so nothing comes later; say so once."""
    log.exception("storing a report from chat %s failed", update.effective_chat.id)
    await reply(update, context, esc(NOT_STORED))


async def not_finished(update: Update, context: ContextTypes.DEFAULT_TYPE, ack: asyncio.Task | None) -> None:
    """The report is stored but could not be finished now (the store failed mid-way): it is finished
    and sent once the store works again (the queue runner), so the user must not resend it."""
    log.exception("finishing a stored report from chat %s failed; the queue will", update.effective_chat.id)
    if ack is not None:
        await ack  # the acknowledgement first
    await reply(update, context, esc(NOT_FINISHED))


async def llm_allowed(state: BotState, chat_id: int, day: date | None = None) -> bool:
    """Takes one of the chat's LLM digests for `day` (default: today in the bot's timezone)."""
    if not state.settings.llm_config().enabled:
        return True  # nothing to ration: the service digests by rules anyway
    day = day or datetime.now(state.tz).date()
    return await state.svc.take_llm_quota(chat_id, day, state.settings.daily_llm_limit)


async def _stored_report(
    update: Update, context: ContextTypes.DEFAULT_TYPE, data, filename: str | None
) -> int | None:
    """The report's id once it is stored; None when the data could not be had, the update was sent
    again (whoever stored the report answers it) or storing failed (the user was told)."""
    state = get_state(context)
    chat_id = update.effective_chat.id
    # stored at once, not after the chat's earlier report: the chat lock only orders the processing
    # (replies are ordered across workers at delivery)
    if callable(data):
        data = await data()
        if data is None:
            return None
    if isinstance(data, int):  # a joined paste was stored as a report when its parts were joined
        return data
    user = update.effective_user
    try:  # stored before anything else: nothing a user sent is lost, and the acknowledgement follows
        report_id = await state.svc.accept(
            scope=chat_scope(chat_id),
            sender=f"tg:{user.id}" if user else None,
            data=data,
            filename=filename,
            reply_to=update.effective_message.message_id,
        )
    except Exception:
        await not_stored(update, context)
        return None
    return None if state.svc.replayed(report_id) else report_id


async def _digest_report(
    update: Update, context: ContextTypes.DEFAULT_TYPE, report_id: int, quota: asyncio.Task | None
):
    """(outcome, whether the LLM was allowed)."""
    state = get_state(context)
    chat_id = update.effective_chat.id
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
    try:
        report_id = await _stored_report(update, context, data, filename)
    except BaseException:
        if quota is not None:
            quota.cancel()
        raise
    if report_id is None:
        if quota is not None:
            quota.cancel()
        return
    if isinstance(ack, str):  # only now: the acknowledgement says the report is kept
        ack = start_ack(update, context, ack, reply_to)
    try:
        if on_stored is not None:  # what belongs with the stored bytes (a picture's Telegram reference)
            await on_stored(report_id)
        outcome, use_llm = await _digest_report(update, context, report_id, quota)
    except Exception:
        # stored, not finished: this worker lets go of it, the queue runner finishes and sends it
        state.svc.unhold(report_id)
        await not_finished(update, context, ack)
        return
    script = await ack
    script = script or await chat_script(state, chat.id)
    notes = [QUOTA_NOTE] if not use_llm and outcome.status == "done" else []
    await deliver(context.bot, state, chat.id, outcome, script=script, reply_to=reply_to, notes=notes)
