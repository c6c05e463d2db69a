"""Files sent to the bot: download with retries, and an upload Telegram would not hand over is kept.

getFile or the download answering 5xx (or timing out) is retried with backoff. When it still fails,
what the message told us (file id, name, caption, size) is stored as a report whose raw bytes are a
reference (AWAITING + JSON), failed with the message AWAITING_ERROR (so nothing resumes it as a report;
the user reads that message should they ask); the user is told so; the file is fetched again later in
this run (RETRY_LATER_S) and at every start-up, and then the report is reopened with its real bytes,
digested and delivered like any other.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.render.html import esc
from bot.telegram.delivery import deliver

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.store.rows import PendingReport
    from bot.telegram.state import BotState

log = logging.getLogger("countybot.telegram")

AWAITING = b"countybot:awaiting-telegram-file:v1\n"
AWAITING_ERROR = "文件暂时无法从 Telegram 下载，文件信息已保存，会自动重新下载。"
BACKOFF_S = (1.0, 2.0, 4.0)  # waits between the tries of one download (four tries in all)
RETRY_LATER_S = (60.0, 600.0, 3600.0)  # then, in this run, tries this long after the previous one
SAVED = (
    "⚠️ 暂时无法从 Telegram 下载文件《{name}》（已重试 {tries} 次）。"
    "文件信息（名称、说明）已保存，稍后会自动重新下载，成功后发送摘要，不需要重新发送。"
)
ACK_FILE = "📥 已收到文件《{name}》，正在读取并生成摘要……"
TOO_LARGE = "文件太大（{size:.1f} MB），上限是 {limit:g} MB。可以只粘贴正文文字，或压缩后再发。"
GONE = "这个文件已无法从 Telegram 下载（可能已过期或太大），请重新发送。"
FETCHED_NOTE = "📥 文件《{name}》已重新下载。\n\n"


@dataclass(frozen=True, slots=True)
class UploadRef:
    file_id: str
    name: str
    caption: str | None = None
    size: int | None = None
    message_id: int | None = None

    def encode(self) -> bytes:
        return AWAITING + json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")

    @classmethod
    def decode(cls, raw: bytes | None) -> UploadRef | None:
        if not raw or not raw.startswith(AWAITING):
            return None
        try:
            return cls(**json.loads(raw[len(AWAITING) :].decode("utf-8")))
        except (ValueError, TypeError):
            return None


def too_large(size: int, limit: int) -> str:
    """The answer to a file (or pictures) past COUNTYBOT_MAX_UPLOAD_MB, as Telegram HTML."""
    return esc(TOO_LARGE.format(size=size / 2**20, limit=limit / 2**20))


class DownloadFailed(Exception):
    """Telegram did not hand the file over after every try (its errors are in the log only)."""

    def __init__(self, tries: int) -> None:
        super().__init__(f"download failed after {tries} tries")
        self.tries = tries


async def fetch(bot: Bot, file_id: str, backoff: tuple[float, ...] | None = None) -> bytes:
    """getFile + download, retried on server errors and timeouts. BadRequest (invalid id, file too big)
    is final and raised as it is; DownloadFailed when every try failed."""
    waits = BACKOFF_S if backoff is None else backoff
    for attempt in range(len(waits) + 1):
        try:
            tg_file = await bot.get_file(file_id)
            return bytes(await tg_file.download_as_bytearray())
        except BadRequest:
            raise
        except NetworkError as exc:  # 5xx, timeouts, connection errors
            log.warning("download of file %s failed (try %d): %s", file_id, attempt + 1, exc)
            if attempt < len(waits):
                await asyncio.sleep(waits[attempt])
    raise DownloadFailed(len(waits) + 1)


async def retry_stored(app: Application, report_id: int, ref: UploadRef, chat_id: int) -> bool:
    """Fetch a stored upload once more; on success digest and deliver it. True when it is settled."""
    state: BotState = app.bot_data["state"]
    try:
        data = await fetch(app.bot, ref.file_id, backoff=())
    except DownloadFailed:
        return False
    except TelegramError as exc:  # the file is gone or too big: say so once, the row fails
        log.warning("stored upload %d cannot be fetched: %s", report_id, exc)
        data = b""
    reports = state.svc.store.reports
    fetched = bool(data) and len(data) <= state.settings.max_upload_bytes
    if fetched:
        if not await reports.reopen(report_id, AWAITING_ERROR, data):
            return True  # another run took it
        async with state.locks.hold(chat_id), state.slots.hold():
            outcome = await state.svc.process(report_id)
    else:
        if not await reports.reopen(report_id, AWAITING_ERROR, AWAITING):  # pending again, to fail it
            return True
        await reports.mark_failed(report_id, GONE)
        outcome = await state.svc.outcome(report_id)
    script = (await state.svc.chat_settings(chat_id)).script
    await deliver(
        app.bot,
        state,
        chat_id,
        outcome,
        script=script,
        reply_to=ref.message_id,
        lead=html.escape(FETCHED_NOTE.format(name=ref.name), quote=False) if fetched else "",
    )
    return True


def retry_later(app: Application, report_id: int, ref: UploadRef, chat_id: int) -> None:
    """In this run, try the stored upload again after each of RETRY_LATER_S (a restart also does)."""

    async def loop() -> None:
        for delay in RETRY_LATER_S:
            await asyncio.sleep(delay)
            try:
                if await retry_stored(app, report_id, ref, chat_id):
                    return
            except Exception:
                log.exception("retrying stored upload %d failed", report_id)

    # not app.create_task: Application.stop() would wait out the hour; on_shutdown cancels these
    tasks: set[asyncio.Task] = app.bot_data.setdefault("upload_retries", set())
    task = asyncio.create_task(loop(), name=f"upload-{report_id}")
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def keep(state: BotState, *, scope: str, sender: str | None, ref: UploadRef) -> int:
    """Store an upload that could not be downloaded: its reference, failed with AWAITING_ERROR."""
    report_id = await state.svc.accept(scope=scope, sender=sender, data=ref.encode(), filename=ref.name)
    await state.svc.store.reports.mark_failed(report_id, AWAITING_ERROR)
    await state.svc.mark_delivered(report_id)  # the chat is told at once; the queue owes it nothing yet
    return report_id


async def stored_uploads(state: BotState) -> list[tuple[PendingReport, UploadRef]]:
    """Uploads still to be downloaded, with their references."""
    found = []
    reports = state.svc.store.reports
    for row in await reports.failed_with(AWAITING_ERROR):
        ref = UploadRef.decode(await reports.raw(row.id))
        if ref is not None:
            found.append((row, ref))
    return found
