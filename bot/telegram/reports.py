"""Reports arriving in a chat: a paste (joined from parts), a file or /report → the service accepts and
processes it (one report at a time per chat) → the digest or the failure's message is delivered."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date, datetime
from pathlib import Path

from telegram import (
    Chat,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)
from telegram import Document as TgDocument
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.render.html import esc
from bot.service import chat_scope
from bot.telegram import uploads
from bot.telegram.commands import HINT, answer_targets
from bot.telegram.delivery import DUPLICATE_NOTE, deliver, send_outcome  # noqa: F401  (their old home)
from bot.telegram.intents import looks_like_report, targets_query
from bot.telegram.links import hidden_links, on_links, shared_links
from bot.telegram.reply import chat_script, get_state, reply, send_html, typing
from bot.telegram.state import BotState
from extract.models import Script

log = logging.getLogger("countybot.telegram")

ACK_TEXT = "📥 已收到，正在生成摘要……"
ACK_FILE = "📥 已收到文件《{name}》，正在读取并生成摘要……"
QUOTA_NOTE = "今天的 AI 摘要额度已用完，以上为规则摘要。"
REPORT_USAGE = "在群里请回复一条报告消息并发送 /report，或者发送文件并在说明里写 /report。"
TOO_LARGE = "文件太大（{size:.1f} MB），上限是 {limit:g} MB。可以只粘贴正文文字，或压缩后再发。"
DOWNLOAD_FAILED = "无法下载这个文件，请稍后再试。"
TELEGRAM_TOO_BIG = (
    "Telegram 不让机器人下载这个文件{shown}：机器人只能下载 20 MB 以内的文件。"
    "可以只粘贴正文文字，或压缩后再发。"
)
NOT_STORED = "⚠️ 存储暂时出错，这份报告没有保存。请稍后重新发送。"
NOT_FINISHED = "⚠️ 报告已保存，但存储暂时出错，摘要还没有生成。恢复后会自动补发，无需重新发送。"
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
        await _not_stored(update, context)
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
        await _not_finished(update, context, ack)
        return
    if report_id is not None:  # the joined paste, stored as a report leased to this worker
        await process_report(update, context, data=report_id, ack=ack, quota=quota)
    elif await quota and state.settings.llm_config().enabled:
        # another worker joined the parts; the worker that processes the report takes the quota
        await state.svc.give_back_llm_quota(chat.id, day)


async def _not_stored(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Storing what the user sent failed: nothing of it is kept, so nothing comes later; say so once."""
    log.exception("storing a report from chat %s failed", update.effective_chat.id)
    await reply(update, context, esc(NOT_STORED))


async def _not_finished(update: Update, context: ContextTypes.DEFAULT_TYPE, ack: asyncio.Task | None) -> None:
    """The report is stored but could not be finished now (the store failed mid-way): it is finished
    and sent once the store works again (the queue runner), so the user must not resend it."""
    log.exception("finishing a stored report from chat %s failed; the queue will", update.effective_chat.id)
    if ack is not None:
        await ack  # the acknowledgement first
    await reply(update, context, esc(NOT_FINISHED))


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from bot.telegram import pictures

    msg = update.effective_message
    if pictures.picture_of(msg) is not None:  # a picture file (or an album of them): OCR (issue M)
        await pictures.on_picture(update, context)
        return
    if update.effective_chat.type != ChatType.PRIVATE and not _REPORT_CAPTION.match(msg.caption or ""):
        return  # in groups a file is a report only when its caption says /report
    await process_document(update, context, msg.document)


async def cmd_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report as a reply to a message or file (works with privacy mode on), or /report <text>."""
    from bot.telegram import pictures

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


def _too_large(size: int, limit: int) -> str:
    return esc(TOO_LARGE.format(size=size / 2**20, limit=limit / 2**20))


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
        await reply(update, context, _too_large(doc.file_size, limit))
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
            await reply(update, context, _too_large(len(data), limit))
            return None
        return data

    from bot.telegram.pictures import progress

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
        await _not_stored(update, context)
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
        await _not_finished(update, context, ack)
        return
    script = await ack
    script = script or await chat_script(state, chat.id)
    notes = [QUOTA_NOTE] if not use_llm and outcome.status == "done" else []
    await deliver(context.bot, state, chat.id, outcome, script=script, reply_to=reply_to, notes=notes)
