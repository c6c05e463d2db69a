"""Photos, picture files, albums and scans in a chat (issue M), and what the bot does not read.

A photo or a picture file is a report read by OCR; an album (Telegram sends each picture as its own
message with one media_group_id) is collected until no picture came for COUNTYBOT_ALBUM_WAIT_S and
becomes one report, pages in message order. The pictures' Telegram references (file_id, name) are
stored with the report as soon as its bytes are. While a scan or an album of several pages is read,
one message shows 正在识别第 n/N 页 and is edited page by page.

Voice, video, stickers, locations (and the like) and unknown /commands get one short answer saying
what the bot takes — in private chats, and in groups only when addressed to the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from telegram import Message, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import CommandHandler, ContextTypes

from bot.render.html import esc
from bot.store.images import ImageRef
from bot.telegram import uploads
from bot.telegram.intake import process_report
from bot.telegram.reply import chat_script, convert, get_state, reply
from bot.telegram.uploads import ACK_FILE, too_large
from extract.filetypes import IMAGE_EXTENSIONS

log = logging.getLogger("countybot.telegram")

ACK_PICTURES = "📥 已收到{what}，正在识别文字并生成摘要……"
PROGRESS = "🔍 正在识别第 {n}/{total} 页……"
PROGRESS_DONE = "🔍 已识别 {total} 页。"
NOT_TAKEN = (
    "我只能读报告的文字：请直接粘贴报告全文，或发送文件（.txt、.docx、.pdf 等）、"
    "报告页面的照片或截图（可一次发多张）。语音、视频、贴纸和位置无法读取。"
)
UNKNOWN_COMMAND = "没有 /{name} 这个命令。发送 /help 查看可用的命令；报告请直接粘贴全文或发送文件、照片。"
DOWNLOAD_FAILED = "无法从 Telegram 下载这张图片，请稍后重新发送。"
_REPORT_CAPTION = re.compile(r"^/report(?:@\w+)?(?:\s|$)", re.I)


@dataclass(frozen=True, slots=True)
class Picture:
    file_id: str
    file_unique_id: str | None
    name: str
    size: int | None

    def ref(self) -> ImageRef:
        return ImageRef(self.file_id, self.file_unique_id, self.name)


def picture_of(msg: Message) -> Picture | None:
    """The message's picture: the largest size of a photo, or a document that is a picture."""
    if msg.photo:
        p = msg.photo[-1]
        return Picture(p.file_id, p.file_unique_id, f"照片_{msg.message_id}.jpg", p.file_size)
    doc = msg.document
    if doc is None:
        return None
    name = doc.file_name or ""
    ext = Path(name).suffix.lower()
    if ext not in IMAGE_EXTENSIONS:
        if not (doc.mime_type or "").startswith("image/"):
            return None
        sub = (doc.mime_type or "").split("/", 1)[1].split(";")[0]
        ext = ".jpg" if sub in ("jpeg", "jpg") else f".{sub}"
        if ext not in IMAGE_EXTENSIONS:
            return None
        name = (Path(name).stem or f"图片_{msg.message_id}") + ext
    return Picture(doc.file_id, doc.file_unique_id, name, doc.file_size)


def _wanted(update: Update) -> bool:
    """In groups (privacy mode) a picture is a report only when its caption says /report."""
    msg = update.effective_message
    return update.effective_chat.type == ChatType.PRIVATE or bool(_REPORT_CAPTION.match(msg.caption or ""))


# --- one picture or an album ----------------------------------------------------------------------


@dataclass
class _Album:
    update: Update  # the first picture's: the reply goes to it
    pictures: dict[int, Picture] = field(default_factory=dict)  # by message_id
    wanted: bool = False
    last: float = 0.0


async def on_picture(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo, or a document that is a picture (the caller checked)."""
    msg = update.effective_message
    picture = picture_of(msg)
    if picture is None:
        return
    if msg.media_group_id is None:
        if _wanted(update):
            await process_pictures(update, context, [picture])
        return
    state = get_state(context)
    albums: dict[tuple[int, str], _Album] = context.application.bot_data.setdefault("albums", {})
    key = (update.effective_chat.id, msg.media_group_id)
    loop = asyncio.get_running_loop()
    album = albums.get(key)
    first = album is None
    if album is None:
        album = albums[key] = _Album(update=update)
    album.pictures[msg.message_id] = picture
    album.wanted = album.wanted or _wanted(update)
    album.last = loop.time()
    if not first:
        return  # the first picture's handler makes the report
    wait = state.settings.album_wait_s
    while (left := album.last + wait - loop.time()) > 0:
        await asyncio.sleep(left)
    del albums[key]
    if album.wanted:
        pictures = [album.pictures[m] for m in sorted(album.pictures)]
        await process_pictures(album.update, context, pictures)


async def process_pictures(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    pictures: list[Picture],
    *,
    reply_to: int | None = None,
) -> None:
    """Download the pictures (an album packed in page order), store them with their references, OCR."""
    from extract.text.ocr import pack

    state = get_state(context)
    limit = state.settings.max_upload_bytes
    declared = sum(p.size or 0 for p in pictures)
    if declared > limit:
        await reply(update, context, too_large(declared, limit))
        return

    async def download() -> bytes | None:
        data: list[bytes] = []
        for p in pictures:
            try:
                data.append(await uploads.fetch(context.bot, p.file_id))
            except (BadRequest, uploads.DownloadFailed) as exc:
                log.info("download of picture %s failed: %s", p.name, exc)
                await reply(update, context, esc(DOWNLOAD_FAILED))
                return None
        raw = pack(data) if len(data) > 1 else data[0]
        if len(raw) > limit:
            await reply(update, context, too_large(len(raw), limit))
            return None
        return raw

    async def keep_refs(report_id: int) -> None:
        await state.svc.store.images.keep(report_id, [p.ref() for p in pictures])

    if len(pictures) > 1:
        name = f"相册（{len(pictures)} 张）.jpg"
        ack = ACK_PICTURES.format(what=f" {len(pictures)} 张图片")
    else:
        name = pictures[0].name
        ack = (
            ACK_FILE.format(name=esc(name))
            if update.effective_message.document
            else ACK_PICTURES.format(what="照片")
        )
    async with progress(update, context, reply_to):
        await process_report(
            update, context, data=download, filename=name, ack=ack, reply_to=reply_to, on_stored=keep_refs
        )


# --- page progress --------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def progress(
    update: Update, context: ContextTypes.DEFAULT_TYPE, reply_to: int | None = None
) -> AsyncIterator[None]:
    """While OCR reads a document of several pages, one message says which page it is on (edited, not
    resent). The OCR calls back from its worker thread; the messages go out from this event loop."""
    from extract.text.ocr import PROGRESS as OCR_PROGRESS

    bot = context.bot
    chat_id = update.effective_chat.id
    reply_to = reply_to or update.effective_message.message_id
    loop = asyncio.get_running_loop()
    pages: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    shown: dict[str, int] = {}

    async def show(text: str) -> None:
        text = convert(text, await chat_script(get_state(context), chat_id))
        try:
            if "id" not in shown:
                sent = await bot.send_message(
                    chat_id,
                    text,
                    reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True),
                )
                shown["id"] = sent.message_id
            else:
                await bot.edit_message_text(text, chat_id, shown["id"])
        except TelegramError as exc:  # progress is a courtesy: the digest still comes
            log.debug("progress message in chat %s failed: %s", chat_id, exc)

    async def pump() -> None:
        while True:
            n, total = await pages.get()
            while not pages.empty():  # behind: show only the latest page
                n, total = pages.get_nowait()
            shown["total"] = total
            await show(PROGRESS.format(n=n, total=total))

    def report(n: int, total: int) -> None:  # from the OCR's worker thread
        if total > 1:
            loop.call_soon_threadsafe(pages.put_nowait, (n, total))

    task = asyncio.create_task(pump())
    token = OCR_PROGRESS.set(report)
    try:
        yield
    finally:
        OCR_PROGRESS.reset(token)
        await asyncio.sleep(0)  # let the pump take what the thread queued last
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if "id" in shown:
            await show(PROGRESS_DONE.format(total=shown["total"]))


# --- what the bot does not read -------------------------------------------------------------------


def _addressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    msg = update.effective_message
    if update.effective_chat.type == ChatType.PRIVATE:
        return True
    replied = msg.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == context.bot.id)


async def on_not_taken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Voice, video, video notes, audio, stickers, animations, locations, venues, contacts, polls."""
    if _addressed(update, context):
        await reply(update, context, esc(NOT_TAKEN))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs after the command handlers' group: answers only a command none of them took."""
    msg = update.effective_message
    m = re.match(r"/([A-Za-z0-9_]+)(?:@(\w+))?", msg.text or "")
    if m is None:
        return
    name, at = m.group(1), m.group(2)
    username = context.bot.username or ""
    if at and at.lower() != username.lower():
        return  # another bot's command
    for handler in context.application.handlers.get(0, []):
        if isinstance(handler, CommandHandler) and name.lower() in handler.commands:
            return
    if update.effective_chat.type == ChatType.PRIVATE or at:
        await reply(update, context, esc(UNKNOWN_COMMAND.format(name=name)))
