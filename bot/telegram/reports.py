"""Reports arriving in a chat: a paste (joined from parts), a file or /report → the service accepts and
processes it (one report at a time per chat) → the digest or the failure's message is delivered."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram import (
    Bot,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
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

from bot.render.changes import answered_line
from bot.render.html import esc, hidden_figures, render_digest
from bot.service import chat_scope
from bot.telegram import uploads
from bot.telegram.commands import HINT, answer_targets
from bot.telegram.intents import looks_like_report, targets_query
from bot.telegram.links import hidden_links, on_links, shared_links
from bot.telegram.next_steps import next_steps, step_buttons
from bot.telegram.reply import chat_script, convert, get_state, reply, send_html, typing
from bot.telegram.state import BotState
from extract.models import Script

if TYPE_CHECKING:
    from bot.queries.changes import NextSteps
    from bot.service import ReportOutcome

log = logging.getLogger("countybot.telegram")

ACK_TEXT = "📥 已收到，正在生成摘要……"
ACK_FILE = "📥 已收到文件《{name}》，正在读取并生成摘要……"
QUOTA_NOTE = "今天的 AI 摘要额度已用完，以上为规则摘要。"
DUPLICATE_NOTE = "此前已收到这份报告（或它的另一种格式，如 PDF、繁体版），以上是当时的摘要。"
REPORT_USAGE = "在群里请回复一条报告消息并发送 /report，或者发送文件并在说明里写 /report。"
TOO_LARGE = "文件太大（{size:.1f} MB），上限是 {limit:g} MB。可以只粘贴正文文字，或压缩后再发。"
DOWNLOAD_FAILED = "无法下载这个文件，请稍后再试。"
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
    if pending:  # a later part: stored, the first part's handler (or any worker's queue) reports
        await state.joiner.add(key, msg.message_id, text, first=False, **part)
        return
    # at once, while later parts may still arrive: the acknowledgement, and the quota (a database write)
    ack = start_ack(update, context, ACK_TEXT)
    day = datetime.now(state.tz).date()  # the day charged, and given back if another worker joins
    quota = asyncio.create_task(llm_allowed(state, chat.id, day))
    report_id = await state.joiner.add(key, msg.message_id, text, first=True, **part)
    if report_id is not None:  # the joined paste, stored as a report leased to this worker
        await process_report(update, context, data=report_id, ack=ack, quota=quota)
    elif await quota and state.settings.llm_config().enabled:
        # another worker joined the parts; the worker that processes the report takes the quota
        await state.svc.give_back_llm_quota(chat.id, day)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    msg = update.effective_message
    if update.effective_chat.type != ChatType.PRIVATE and not _REPORT_CAPTION.match(msg.caption or ""):
        return  # in groups a file is a report only when its caption says /report
    await process_document(update, context, msg.document)


async def cmd_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report as a reply to a message or file (works with privacy mode on), or /report <text>."""
    msg = update.effective_message
    target = msg.reply_to_message
    if target is not None and target.document is not None:
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
            too_big = "too big" in str(exc).lower()
            await reply(
                update,
                context,
                _too_large(doc.file_size or limit + 1, limit) if too_big else DOWNLOAD_FAILED,
            )
            return None
        except uploads.DownloadFailed as exc:
            await _keep_upload(update, context, doc, name, reply_to, exc.tries)
            return None
        if len(data) > limit:
            await reply(update, context, _too_large(len(data), limit))
            return None
        return data

    await process_report(
        update, context, data=download, filename=name, ack=ACK_FILE.format(name=esc(name)), reply_to=reply_to
    )


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


async def _digest_report(
    update: Update, context: ContextTypes.DEFAULT_TYPE, data, filename: str | None, quota: asyncio.Task | None
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
) -> None:
    """Acknowledge at once, then (one report at a time per chat) store and digest, then reply.
    `data` is the report's bytes, or a coroutine function fetching them (None: already answered);
    `ack` the acknowledgement's text, or its task when already sent; `quota` the LLM quota check if
    already started."""
    state = get_state(context)
    chat: Chat = update.effective_chat
    reply_to = reply_to or update.effective_message.message_id
    if isinstance(ack, str):
        ack = start_ack(update, context, ack, reply_to)
    try:
        outcome, use_llm = await _digest_report(update, context, data, filename, quota)
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
    from bot.telegram.fix import county_buttons

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
