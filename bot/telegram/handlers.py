"""Small handlers: one per command or kind of message, all going through the Service."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

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
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.render.html import (
    esc,
    hidden_figures,
    render_digest,
    render_figures,
    render_period,
    render_targets,
)
from bot.telegram import schedule
from bot.telegram.intents import looks_like_report, targets_query
from bot.telegram.reply import Script, send_html, typing
from bot.telegram.state import BotState

if TYPE_CHECKING:
    from bot.service import ReportOutcome

log = logging.getLogger("countybot.telegram")

HELP = """<b>countybot · 县域报告摘要</b>
把县政府的新闻或会议报告发给我：直接粘贴全文，或发送 .txt / .md / .docx / .pdf / .html 文件。
我会整理出哪个县、谁讲话、要点和关键数字（🎯 目标 · ✅ 完成），数字都摘自原文。

/targets 县名 — 某县的重点目标，如 /targets 大宁
/digest — 本聊天过去 24 小时的报告摘要
/figures — 上一份报告的全部数字
/script 简|繁 — 用简体或繁体回复
群里：回复一条报告发送 /report，或发文件并在说明里写 /report
/subscribe [HH:MM] — 每天定时推送摘要（群管理员）；/follow 县名；/unsubscribe"""

HINT = "这看起来不像一份报告。请粘贴报告全文或发送文件；查询某县的目标可以发送 /targets 县名。"
ACK_TEXT = "📥 已收到，正在生成摘要……"
ACK_FILE = "📥 已收到文件《{name}》，正在读取并生成摘要……"
REFUSAL = (
    "抱歉，这个机器人只在授权的聊天中使用，这里的消息不会被处理或保存。"
    "如需开通，请把本聊天的 ID {chat_id} 告诉管理员。"
)
QUOTA_NOTE = "今天的 AI 摘要额度已用完，以上为规则摘要。"
DUPLICATE_NOTE = "这份报告之前已经收到过，以上是当时的摘要。"
ADMINS_ONLY = "只有群管理员可以更改本群的订阅。"
REPORT_USAGE = "在群里请回复一条报告消息并发送 /report，或者发送文件并在说明里写 /report。"
TOO_LARGE = "文件太大（{size:.1f} MB），上限是 {limit:g} MB。可以只粘贴正文文字，或压缩后再发。"
DOWNLOAD_FAILED = "无法下载这个文件，请稍后再试。"
_SIMPLIFIED = {"简", "簡", "简体", "簡體", "简体中文", "s", "simplified", "zh-cn", "zh-hans"}
_TRADITIONAL = {"繁", "繁体", "繁體", "繁体中文", "繁體中文", "t", "traditional", "zh-tw", "zh-hant"}
_REPORT_CAPTION = re.compile(r"^/report(?:@\w+)?(?:\s|$)", re.I)
_HHMM = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def get_state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.application.bot_data["state"]


def _chat_scope(chat_id: int) -> str:
    from bot.service import chat_scope

    return chat_scope(chat_id)


async def _script(state: BotState, chat_id: int) -> Script:
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
        script=await _script(state, chat.id),
        reply_to=msg.message_id if quote and msg else None,
        markup=markup,
    )


# --- access ------------------------------------------------------------------------------------


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: a chat outside COUNTYBOT_ALLOWED_CHATS gets one polite refusal, nothing else."""
    allowed = get_state(context).settings.allowed_chats
    chat = update.effective_chat
    if not allowed or (chat is not None and chat.id in allowed):
        return
    try:
        state = get_state(context)
        if update.callback_query:
            await update.callback_query.answer()
        elif chat is not None and update.message and chat.id not in state.refused:
            state.refused.add(chat.id)
            log.info("refused chat %s (not in the allowlist)", chat.id)
            await context.bot.send_message(chat.id, REFUSAL.format(chat_id=chat.id))
    except TelegramError as exc:
        log.warning("could not send the refusal: %s", exc)
    finally:
        raise ApplicationHandlerStop


async def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    chat = update.effective_chat
    if chat.type == ChatType.PRIVATE:
        return True
    msg = update.effective_message
    if msg is not None and msg.sender_chat is not None and msg.sender_chat.id == chat.id:
        return True  # an anonymous group admin posts as the group itself
    user = update.effective_user
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


# --- simple commands -------------------------------------------------------------------------------


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, context, HELP, quote=False)


async def cmd_script(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    arg = (context.args[0] if context.args else "").strip().lower()
    if arg in _SIMPLIFIED:
        script: Script = "simplified"
    elif arg in _TRADITIONAL:
        script = "traditional"
    else:
        await reply(update, context, "用法：/script 简 或 /script 繁")
        return
    await get_state(context).svc.set_script(update.effective_chat.id, script)
    await reply(update, context, f"好的，以后用{'繁体' if script == 'traditional' else '简体'}中文回复。")


async def cmd_targets(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = " ".join(context.args or []).strip()
    if not query:
        await reply(update, context, "用法：/targets 县名，例如 /targets 大宁")
        return
    await answer_targets(update, context, query)


async def answer_targets(update: Update, context: ContextTypes.DEFAULT_TYPE, query: str) -> None:
    state = get_state(context)
    chat_id = update.effective_chat.id
    answer = await state.svc.targets(query, [_chat_scope(chat_id), "public"])
    await reply(update, context, render_targets(answer))


async def _subscription(state: BotState, chat_id: int):  # -> Subscription | None
    return next((s for s in await state.svc.subscriptions() if s.chat_id == chat_id), None)


async def cmd_digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    chat_id = update.effective_chat.id
    sub = await _subscription(state, chat_id)
    until = datetime.now(state.tz)
    digest = await state.svc.period_digest(
        [_chat_scope(chat_id)],
        until - timedelta(hours=24),
        until,
        follow_counties=sub.counties if sub else None,
    )
    if not digest.totals.get("reports"):
        await reply(update, context, "过去 24 小时本聊天没有收到报告。")
        return
    await reply(update, context, render_period(digest, tz=state.tz), quote=False)


async def cmd_figures(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """All figures of this chat's latest report, read from the store (so it survives restarts)."""
    state = get_state(context)
    scope = _chat_scope(update.effective_chat.id)
    report_id = await state.svc.latest_report(scope)
    digest = await state.svc.report_digest(report_id, scope) if report_id is not None else None
    if digest is None:
        await reply(update, context, "还没有可以显示的报告。请先发送一份报告。")
        return
    await reply(update, context, render_figures(digest))


async def on_figures_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    state = get_state(context)
    chat_id = update.effective_chat.id
    report_id = int(query.data.partition(":")[2])
    # scope-checked: a button copied into another chat shows nothing of this one
    digest = await state.svc.report_digest(report_id, _chat_scope(chat_id))
    if digest is None:
        await query.answer("找不到这份报告的数字，请重新发送报告。")
        return
    await query.answer()
    await send_html(context.bot, chat_id, render_figures(digest), script=await _script(state, chat_id))


# --- subscriptions ---------------------------------------------------------------------------------


async def cmd_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    if not await _is_admin(update, context):
        await reply(update, context, ADMINS_ONLY)
        return
    raw = (context.args[0] if context.args else state.settings.digest_time).strip()
    m = _HHMM.match(raw)
    if not m:
        await reply(
            update,
            context,
            f"时间「{esc(raw[:20])}」看不懂。用法：/subscribe HH:MM（24 小时制），例如 /subscribe 08:00；"
            f"不写时间则默认 {esc(state.settings.digest_time)}。",
        )
        return
    at = f"{int(m.group(1)):02d}:{m.group(2)}"
    sub = await state.svc.subscribe(update.effective_chat.id, at, state.settings.timezone)
    schedule.schedule_subscription(context.application, sub)
    follow = "、".join(sub.counties) if sub.counties else "（还没有，发送 /follow 县名 添加）"
    await reply(
        update,
        context,
        f"✅ 已订阅：每天 {esc(at)}（{esc(sub.timezone)}）推送本聊天过去 24 小时收到的报告摘要，"
        f"以及关注县的公开报告。没有新报告的日子不打扰。\n关注的县：{esc(follow)}\n取消请发送 /unsubscribe",
    )


async def cmd_unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    if not await _is_admin(update, context):
        await reply(update, context, ADMINS_ONLY)
        return
    removed = await state.svc.unsubscribe(update.effective_chat.id)
    schedule.unschedule(context.application, update.effective_chat.id)
    await reply(update, context, "已取消每日摘要。" if removed else "本聊天没有订阅每日摘要。")


async def cmd_follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    if not await _is_admin(update, context):
        await reply(update, context, ADMINS_ONLY)
        return
    query = " ".join(context.args or []).strip()
    if not query:
        await reply(update, context, "用法：/follow 县名，例如 /follow 大宁")
        return
    chat_id = update.effective_chat.id
    answer = await state.svc.targets(query, [_chat_scope(chat_id), "public"])
    if answer.status != "ok" or answer.county is None:
        await reply(update, context, render_targets(answer, command="/follow"))
        return
    await state.svc.follow(chat_id, answer.county.name)
    tail = "" if await _subscription(state, chat_id) else "\n发送 /subscribe 开启每日摘要。"
    await reply(update, context, f"✅ 已关注 {esc(answer.county.name)}：每日摘要会包含它的公开报告。{tail}")


# --- reports ---------------------------------------------------------------------------------------


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
    if not state.joiner.pending(key) and not looks_like_report(text, strict=not private):
        if private or _addressed_to_bot(msg, context):
            if context.bot.username:
                text = re.sub(rf"@{re.escape(context.bot.username)}", "", text, flags=re.I)
            county = targets_query(text)
            if county:
                await answer_targets(update, context, county)
            elif private:
                await reply(update, context, HINT)
        return
    if state.joiner.pending(key):
        await state.joiner.add(key, msg.message_id, text)  # a later part: the first part's handler reports
        return
    # at once, while later parts may still arrive: the acknowledgement, and the quota (a database write)
    ack = start_ack(update, context, ACK_TEXT)
    quota = asyncio.create_task(_llm_allowed(state, chat.id))
    joined = await state.joiner.add(key, msg.message_id, text)
    if joined is not None:
        await process_report(update, context, data=joined.encode("utf-8"), ack=ack, quota=quota)


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
        await process_report(
            update, context, data=text.encode("utf-8"), ack=ACK_TEXT, reply_to=target.message_id
        )
    elif msg.text and len(parts := msg.text.split(maxsplit=1)) == 2:
        await process_report(update, context, data=parts[1].encode("utf-8"), ack=ACK_TEXT)
    else:
        await reply(update, context, REPORT_USAGE)


def _supported_extensions() -> set[str]:
    from extract.text.loaders import SUPPORTED_EXTENSIONS

    return {e.lower() if e.startswith(".") or not e else "." + e.lower() for e in SUPPORTED_EXTENSIONS}


async def process_document(
    update: Update, context: ContextTypes.DEFAULT_TYPE, doc: TgDocument, *, reply_to: int | None = None
) -> None:
    """Check type and size from the message itself, before asking Telegram for the file."""
    from extract.errors import UnsupportedTypeError

    state = get_state(context)
    name = doc.file_name or ""
    ext = Path(name).suffix.lower()
    if not ext and (doc.mime_type or "").startswith("text/"):
        name, ext = (name or "report") + ".txt", ".txt"
    if ext not in _supported_extensions():
        await reply(update, context, esc(UnsupportedTypeError.user_message))
        return
    limit = state.settings.max_upload_bytes
    if doc.file_size and doc.file_size > limit:
        await reply(update, context, esc(TOO_LARGE.format(size=doc.file_size / 2**20, limit=limit / 2**20)))
        return

    async def download() -> bytes | None:
        try:
            tg_file = await context.bot.get_file(doc.file_id)
            data = bytes(await tg_file.download_as_bytearray())
        except BadRequest as exc:
            log.info("download of %r failed: %s", name, exc)
            too_big = "too big" in str(exc).lower()
            size = (doc.file_size or limit + 1) / 2**20
            await reply(
                update,
                context,
                esc(TOO_LARGE.format(size=size, limit=limit / 2**20)) if too_big else DOWNLOAD_FAILED,
            )
            return None
        if len(data) > limit:
            await reply(update, context, esc(TOO_LARGE.format(size=len(data) / 2**20, limit=limit / 2**20)))
            return None
        return data

    await process_report(
        update, context, data=download, filename=name, ack=ACK_FILE.format(name=esc(name)), reply_to=reply_to
    )


async def _llm_allowed(state: BotState, chat_id: int) -> bool:
    if not state.settings.llm_config().enabled:
        return True  # nothing to ration: the service digests by rules anyway
    today = datetime.now(state.tz).date()
    return await state.svc.take_llm_quota(chat_id, today, state.settings.daily_llm_limit)


async def _digest_report(
    update: Update, context: ContextTypes.DEFAULT_TYPE, data, filename: str | None, quota: asyncio.Task | None
):
    """(outcome, whether the LLM was allowed); outcome None when the data could not be had."""
    state = get_state(context)
    chat_id = update.effective_chat.id
    async with typing(context.bot, chat_id), state.locks.hold(chat_id):
        if callable(data):
            data = await data()
            if data is None:
                return None, False
        use_llm = await (quota or _llm_allowed(state, chat_id))
        user = update.effective_user
        outcome = await state.svc.submit(
            scope=_chat_scope(chat_id),
            sender=f"tg:{user.id}" if user else None,
            data=data,
            filename=filename,
            use_llm=use_llm,
        )
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
            script = await _script(state, chat_id)
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
    script = script or await _script(state, chat.id)
    notes = [QUOTA_NOTE] if not use_llm and outcome.status == "done" else []
    await send_outcome(context.bot, chat.id, outcome, script=script, reply_to=reply_to, notes=notes)


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
        lead + render_digest(digest, notes=notes),
        script=script,
        reply_to=reply_to,
        markup=markup,
    )


# --- wiring ----------------------------------------------------------------------------------------


def register(app: Application) -> None:
    messages = filters.UpdateType.MESSAGE  # not edits, not channel posts
    app.add_handler(TypeHandler(Update, gate), group=-1)
    for names, callback in (
        (("start", "help"), cmd_help),
        (("targets",), cmd_targets),
        (("script",), cmd_script),
        (("digest",), cmd_digest),
        (("figures",), cmd_figures),
        (("report",), cmd_report),
        (("subscribe",), cmd_subscribe),
        (("unsubscribe",), cmd_unsubscribe),
        (("follow",), cmd_follow),
    ):
        app.add_handler(CommandHandler(names, callback, filters=messages))
    app.add_handler(CallbackQueryHandler(on_figures_button, pattern=r"^figs:\d+$"))
    app.add_handler(MessageHandler(messages & filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(messages & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, on_text))
