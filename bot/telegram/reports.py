"""Reports arriving in a chat: a paste (joined from parts), a file or /report → the service accepts and
processes it (one report at a time per chat) → the digest or the failure's message is delivered
(bot/telegram/delivery.py)."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from pathlib import Path

from telegram import Document as TgDocument
from telegram import (
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.render.html import esc
from bot.service import chat_scope
from bot.telegram import pictures, uploads
from bot.telegram.commands import HINT, answer_targets
from bot.telegram.intake import llm_allowed, not_finished, not_stored, process_report, start_ack
from bot.telegram.intents import looks_like_report, targets_query
from bot.telegram.links import hidden_links, on_links, shared_links
from bot.telegram.pictures import progress
from bot.telegram.reply import get_state, reply
from bot.telegram.uploads import ACK_FILE, too_large

log = logging.getLogger("countybot.telegram")

ACK_TEXT = "📥 已收到，正在生成摘要……"
REPORT_USAGE = "在群里请回复一条报告消息并发送 /report，或者发送文件并在说明里写 /report。"
DOWNLOAD_FAILED = "无法下载这个文件，请稍后再试。"
TELEGRAM_TOO_BIG = (
    "Telegram 不让机器人下载这个文件{shown}：机器人只能下载 20 MB 以内的文件。"
    "可以只粘贴正文文字，或压缩后再发。"
)
LATE_PART_S = 0.3  # how long a text that is not a report waits for an earlier part of its paste
_REPORT_CAPTION = re.compile(r"^/report(?:@\w+)?(?:\s|$)", re.I)


def _origin_key(msg: Message) -> object:
    """Forwarded posts join only with posts forwarded from the same origin."""
    origin = msg.forward_origin
    if origin is None:
        return None
    if isinstance(origin, MessageOriginChannel | MessageOriginChat):
        chat = getattr(origin, "chat", None) or getattr(origin, "sender_chat", None)
        return ("chat", chat.id if chat else None)
    if isinstance(origin, MessageOriginUser):
        return ("user", origin.sender_user.id)
    if isinstance(origin, MessageOriginHiddenUser):
        return ("hidden", origin.sender_user_name)
    return ("other",)


def _addressed_to_bot(msg: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    bot = context.bot
    text = msg.text or msg.caption or ""
    if bot.username and f"@{bot.username}".lower() in text.lower():
        return True
    replied = msg.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pasted (or forwarded) report, possibly in parts; or a plain targets question."""
    state = get_state(context)
    msg = update.effective_message
    chat = update.effective_chat
    text = msg.text or msg.caption or ""
    private = chat.type == ChatType.PRIVATE
    user_id = update.effective_user.id if update.effective_user else None
    key = (chat.id, user_id, _origin_key(msg))
    pending = await state.joiner.pending(key)  # parts of this key stored by any worker wait to be joined
    links = shared_links(text, hidden_links(msg)) if not pending else []
    if links and (private or _addressed_to_bot(msg, context)):
        await on_links(update, context, links)  # issue M: read from the web (bot/telegram/links.py)
        return
    if not pending and not looks_like_report(text, strict=not private):
        # maybe the tail of a paste whose first part another worker is storing right now (Telegram sends
        # a chat's updates to several workers at once): look again after a moment
        await asyncio.sleep(LATE_PART_S)
        pending = await state.joiner.pending(key)
    if not pending and not looks_like_report(text, strict=not private):
        if private or _addressed_to_bot(msg, context):
            if context.bot.username:
                text = re.sub(rf"@{re.escape(context.bot.username)}", "", text, flags=re.I)
            county = targets_query(text)
            if county:
                await answer_targets(update, context, county)
            elif private:
                await reply(update, context, HINT)
        return
    part = {"chat_id": chat.id, "sender": f"tg:{user_id}" if user_id else None}
    try:  # stored before anything is said: the acknowledgement means "kept"
        await state.joiner.add(key, msg.message_id, text, first=False, **part)
    except Exception:
        await not_stored(update, context)
        return
    if pending:  # a later part: the first part's handler (or any worker's queue) reports
        return
    # at once, while later parts may still arrive: the acknowledgement, and the quota (a database write)
    ack = start_ack(update, context, ACK_TEXT)
    day = datetime.now(state.tz).date()  # the day charged, and given back if another worker joins
    quota = asyncio.create_task(llm_allowed(state, chat.id, day))
    try:
        report_id = await state.joiner.join(key, text)
    except Exception:  # the part is stored: the queue runner joins and answers it once the store works
        quota.cancel()
        await not_finished(update, context, ack)
        return
    if report_id is not None:  # the joined paste, stored as a report leased to this worker
        await process_report(update, context, data=report_id, ack=ack, quota=quota)
    elif await quota and state.settings.llm_config().enabled:
        # another worker joined the parts; the worker that processes the report takes the quota
        await state.svc.give_back_llm_quota(chat.id, day)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    msg = update.effective_message
    if pictures.picture_of(msg) is not None:  # a picture file (or an album of them): OCR (issue M)
        await pictures.on_picture(update, context)
        return
    if update.effective_chat.type != ChatType.PRIVATE and not _REPORT_CAPTION.match(msg.caption or ""):
        return  # in groups a file is a report only when its caption says /report
    await process_document(update, context, msg.document)


async def cmd_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report as a reply to a message or file (works with privacy mode on), or /report <text>."""
    msg = update.effective_message
    target = msg.reply_to_message
    picture = pictures.picture_of(target) if target is not None else None
    if picture is not None:
        await pictures.process_pictures(update, context, [picture], reply_to=target.message_id)
    elif target is not None and target.document is not None:
        await process_document(update, context, target.document, reply_to=target.message_id)
    elif target is not None and (target.text or target.caption):
        text = target.text or target.caption
        if links := shared_links(text, hidden_links(target)):
            await on_links(update, context, links, reply_to=target.message_id)
            return
        await process_report(
            update, context, data=text.encode("utf-8"), ack=ACK_TEXT, reply_to=target.message_id
        )
    elif msg.text and len(parts := msg.text.split(maxsplit=1)) == 2:
        if links := shared_links(parts[1]):
            await on_links(update, context, links)
            return
        await process_report(update, context, data=parts[1].encode("utf-8"), ack=ACK_TEXT)
    else:
        await reply(update, context, REPORT_USAGE)


def _telegram_too_big(size: int | None) -> str:
    """Telegram refused the download (its Bot API serves bots files up to 20 MB): that limit, and the
    file's size only when Telegram gave one worth saying."""
    shown = f"（{size / 2**20:.1f} MB）" if size and size >= 2**20 else ""
    return TELEGRAM_TOO_BIG.format(shown=shown)


async def process_document(
    update: Update, context: ContextTypes.DEFAULT_TYPE, doc: TgDocument, *, reply_to: int | None = None
) -> None:
    """Check type and size from the message itself, before asking Telegram for the file."""
    from extract.errors import UnsupportedTypeError
    from extract.text.loaders import SUPPORTED_EXTENSIONS

    state = get_state(context)
    name = doc.file_name or ""
    ext = Path(name).suffix.lower()
    if not ext and (doc.mime_type or "").startswith("text/"):
        name, ext = (name or "report") + ".txt", ".txt"
    if ext not in SUPPORTED_EXTENSIONS:
        await reply(update, context, esc(UnsupportedTypeError.user_message))
        return
    limit = state.settings.max_upload_bytes
    if doc.file_size and doc.file_size > limit:
        await reply(update, context, too_large(doc.file_size, limit))
        return

    async def download() -> bytes | None:
        try:
            data = await uploads.fetch(context.bot, doc.file_id)
        except BadRequest as exc:
            log.info("download of %r failed: %s", name, exc)
            # Telegram's own limit on what a bot may download, whatever our COUNTYBOT_MAX_UPLOAD_MB
            too_big = "too big" in str(exc).lower()
            answer = esc(_telegram_too_big(doc.file_size)) if too_big else DOWNLOAD_FAILED
            await reply(update, context, answer)
            return None
        except uploads.DownloadFailed as exc:
            await _keep_upload(update, context, doc, name, reply_to, exc.tries)
            return None
        if len(data) > limit:
            await reply(update, context, too_large(len(data), limit))
            return None
        return data

    async with progress(update, context, reply_to):  # a scanned PDF is read page by page (issue M)
        ack = ACK_FILE.format(name=esc(name))
        await process_report(update, context, data=download, filename=name, ack=ack, reply_to=reply_to)


async def _keep_upload(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    doc: TgDocument,
    name: str,
    reply_to: int | None,
    tries: int,
) -> None:
    """Telegram would not hand the file over: store what the message told us, say so, retry later."""
    state = get_state(context)
    msg = update.effective_message
    source = msg.reply_to_message if reply_to and msg.reply_to_message else msg
    ref = uploads.UploadRef(
        file_id=doc.file_id,
        name=name,
        caption=source.caption,
        size=doc.file_size,
        message_id=source.message_id,
    )
    chat_id = update.effective_chat.id
    user = update.effective_user
    sender = f"tg:{user.id}" if user else None
    report_id = await uploads.keep(state, scope=chat_scope(chat_id), sender=sender, ref=ref)
    log.warning("file %r kept as report %d: download failed %d times", name, report_id, tries)
    await reply(update, context, esc(uploads.SAVED.format(name=name, tries=tries)))
    uploads.retry_later(context.application, report_id, ref, chat_id)
