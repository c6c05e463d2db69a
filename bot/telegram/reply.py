"""Sending replies: the chat's script, 4096-character chunks, plain-text fallback, typing action;
`reply()` answers an update in its chat."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, ReplyParameters, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.render.html import MAX_MESSAGE, html_to_plain, split_html
from bot.telegram.state import BotState
from extract.models import Script

log = logging.getLogger("countybot.telegram")

TYPING_EVERY_S = 4.5  # Telegram shows "typing…" for 5 s per action


def convert(text: str, script: Script) -> str:
    """Replies are written in simplified Chinese; a chat may ask for traditional (OpenCC s2tw).
    Tags and entities are ASCII, so converting HTML is safe."""
    if script != "traditional":
        return text
    from extract.text.script import to_script

    return to_script(text, "traditional")


MIN_SPLIT = 256  # re-splitting a "too long" message stops here (Telegram never counts 256 as too long)


def _is_parse_error(exc: BadRequest) -> bool:
    return "parse entities" in str(exc).lower() or "unsupported start tag" in str(exc).lower()


def _is_too_long(exc: BadRequest) -> bool:
    return "too long" in str(exc).lower()


async def send_html(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    script: Script = "simplified",
    reply_to: int | None = None,
    markup: InlineKeyboardMarkup | None = None,
    sent_ids: list[int] | None = None,
) -> int:
    """Send Telegram HTML in as many messages as needed (the button goes on the last); returns how many.
    If Telegram rejects the HTML, the same chunk goes again as plain text; if it finds a chunk too long
    (it counts after parsing entities, and its limit has changed before), that chunk is split in halves.
    `sent_ids`: filled with the sent messages' ids (a digest's messages, for replies to them)."""
    chunks = split_html(convert(text, script))
    return await _send_chunks(bot, chat_id, chunks, reply_to, markup, MAX_MESSAGE, sent_ids)


async def _send_chunks(
    bot: Bot,
    chat_id: int,
    chunks: list[str],
    reply_to: int | None,
    markup: InlineKeyboardMarkup | None,
    limit: int,
    sent_ids: list[int] | None = None,
) -> int:
    sent = 0
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        kwargs: dict = {
            "reply_markup": markup if last else None,
            "link_preview_options": LinkPreviewOptions(is_disabled=True),
        }
        if n == 0 and reply_to:
            kwargs["reply_parameters"] = ReplyParameters(
                message_id=reply_to, allow_sending_without_reply=True
            )
        try:
            message = await bot.send_message(chat_id, chunk, parse_mode=ParseMode.HTML, **kwargs)
        except BadRequest as exc:
            if _is_too_long(exc) and limit > MIN_SPLIT:
                smaller = split_html(chunk, limit // 2)
                log.warning(
                    "Telegram found a message too long in chat %s; resending in %d parts",
                    chat_id,
                    len(smaller),
                )
                sent += await _send_chunks(
                    bot,
                    chat_id,
                    smaller,
                    reply_to if n == 0 else None,
                    markup if last else None,
                    limit // 2,
                    sent_ids,
                )
                continue
            if not _is_parse_error(exc):
                raise
            log.warning("Telegram rejected our HTML in chat %s (%s); sending plain text", chat_id, exc)
            message = await bot.send_message(chat_id, html_to_plain(chunk), **kwargs)
        if sent_ids is not None:
            sent_ids.append(message.message_id)
        sent += 1
    return sent


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Keep "typing…" showing while a report is processed; failures here never matter."""

    async def keep() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except Exception as exc:
                log.debug("typing action failed in chat %s: %s", chat_id, exc)
            await asyncio.sleep(TYPING_EVERY_S)

    task = asyncio.create_task(keep())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def get_state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.application.bot_data["state"]


async def chat_script(state: BotState, chat_id: int) -> Script:
    return (await state.svc.chat_settings(chat_id)).script


async def reply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    *,
    quote: bool = True,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Reply in the chat's script. `text` is Telegram HTML: escape report text before passing it."""
    state = get_state(context)
    chat = update.effective_chat
    msg = update.effective_message
    await send_html(
        context.bot,
        chat.id,
        text,
        script=await chat_script(state, chat.id),
        reply_to=msg.message_id if quote and msg else None,
        markup=markup,
    )
