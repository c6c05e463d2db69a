"""Logging without the token, and the application's error handler.

The Bot API puts the token in every URL (`/bot<token>/sendMessage`), and httpx and PTB log URLs.
A log record factory redacts every registered secret from every record (message, arguments and
traceback) wherever it is logged, whatever handlers are attached (pytest's included).
"""

from __future__ import annotations

import html
import logging
import traceback
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telegram.ext import ContextTypes

log = logging.getLogger("countybot.telegram")

USER_ERROR_TEXT = "抱歉，处理这条消息时出了问题，已记录下来。请稍后再试。"
REDACTED = "<TOKEN>"
_secrets: set[str] = set()
_base_factory = logging.getLogRecordFactory()


def redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, REDACTED)
    return text


def _redacting_factory(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    if not _secrets:
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: leave it to logging to report
        return record
    clean = redact(message)
    if clean != message:  # records without a secret are left exactly as they were
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[0] is not None:
        trace = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if redact(trace) != trace:
            record.exc_text, record.exc_info = redact(trace), None
    return record


def install_token_redaction(*secrets: str) -> None:
    """Register secrets to redact from every log record from now on (idempotent)."""
    _secrets.update(s for s in secrets if s and len(s) >= 8)
    if logging.getLogRecordFactory() is not _redacting_factory:
        logging.setLogRecordFactory(_redacting_factory)


def configure_logging(token: str | None, level: int = logging.INFO) -> None:
    """For `countybot serve`: readable logs; httpx's per-request lines (URLs) only on warnings."""
    if token:
        install_token_redaction(token)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _where(update: object) -> str:
    from telegram import Update

    if isinstance(update, Update):
        chat = update.effective_chat
        return f"update {update.update_id}" + (f" in chat {chat.id}" if chat else "")
    return "no update"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log, tell the user briefly (never a traceback), report to the admin chat if configured."""
    from telegram import Update
    from telegram.constants import ParseMode
    from telegram.error import Conflict, Forbidden, NetworkError

    error = context.error
    where = _where(update)
    if update is None and isinstance(error, NetworkError):
        # polling hiccups: PTB retries by itself
        log.warning("network error (%s): %s", where, error)
        return
    if update is None and isinstance(error, Conflict):
        # another process polls with the same token: PTB retries (with a growing pause) until it stops;
        # said once per run, not a traceback per retry
        if not context.application.bot_data.get("conflict_said"):
            context.application.bot_data["conflict_said"] = True
            log.warning(
                "another instance is polling with this bot token (409 Conflict from Telegram): only one "
                "`countybot serve` may poll a token (use --webhook for several workers); retrying"
            )
        return
    log.error("error handling %s", where, exc_info=error)

    if isinstance(update, Update) and update.effective_chat and not isinstance(error, Forbidden):
        try:
            await context.bot.send_message(update.effective_chat.id, USER_ERROR_TEXT)
        except Exception as exc:
            log.warning("could not tell chat about the error: %s", exc)

    state = context.application.bot_data.get("state")
    admin = getattr(getattr(state, "settings", None), "admin_chat", None)
    if admin:
        name = type(error).__name__ if error else "Error"
        detail = redact(str(error))[:800]
        text = (
            f"⚠️ <b>countybot 出错</b>（{html.escape(where)}）\n"
            f"<code>{html.escape(name)}: {html.escape(detail)}</code>"
        )
        try:
            await context.bot.send_message(admin, text, parse_mode=ParseMode.HTML)
        except Exception as exc:
            log.warning("could not report to the admin chat: %s", exc)
