"""Secrets out of everything stored or logged: API keys, bearer tokens and Telegram bot tokens.

Upstream servers echo keys in their errors (OpenAI's 401: `Incorrect API key provided: sk-…`), so any
error text is passed through `redact` before it reaches a call log, a log line or a database row.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
_PATTERNS = (
    re.compile(r"\bsk-[A-Za-z0-9_*\-]{6,}"),  # OpenAI / DeepSeek / Moonshot style keys (also sk-proj-…)
    re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}"),  # Telegram bot tokens (also inside /bot<token>/ URLs)
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"(?i)((?:api[_-]?key|token|secret|password)[\"']?\s*[:=]\s*[\"']?)[^\s\"',;&]{6,}"),
    re.compile(r"(?i)(https?://[^\s/:@]+:)[^\s/@]+(?=@)"),  # user:password@ in URLs
)
_known: set[str] = set()  # exact secrets configured in this process (any shape: local keys are free-form)


def register_secret(value: str | None) -> None:
    """Mask this exact value too (a configured key that matches none of the patterns)."""
    if value and len(value) >= 6:
        _known.add(value)


def redact(text: str | None) -> str | None:
    if not text:
        return text
    for secret in sorted(_known, key=len, reverse=True):
        text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the formatted message and any exception text of a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:
            return True
        clean = redact(msg)
        if record.exc_info and record.exc_info[1] is not None:
            import traceback

            clean = f"{clean}\n" + redact("".join(traceback.format_exception(*record.exc_info)))  # type: ignore[operator]
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = clean, None
        return True


def install_log_filter(*names: str) -> None:
    """Attach the filter to the given loggers' records (idempotent)."""
    for name in names or ("extract.llm", "extract.llm.backend", "extract.llm.transport"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
