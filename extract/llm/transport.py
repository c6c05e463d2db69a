"""Talking to an OpenAI-compatible server: the retry policy, what a completion carries, and how an
error is classified (transient or final, and why) without any request header reaching a log."""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from extract.llm import modes
from extract.llm.calllog import Outcome
from extract.llm.prompt import Message
from extract.llm.redact import redact
from extract.llm.tokens import estimate_messages, estimate_tokens

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for transient errors. Tests pass tiny values; production keeps the defaults."""

    base_s: float = 1.0  # first wait ~ base_s, doubling, with full jitter
    max_s: float = 20.0  # longest single wait (Retry-After may ask for more; the deadline decides)
    max_attempts: int = 8  # per request
    min_call_s: float = 0.5  # don't start a request with less time than this left


class LLMFailure(Exception):
    """The LLM cannot give this report a digest. `reason` (redacted) goes to the log; `kind` picks the
    user's notice (extract/llm/notices.FALLBACK) — no upstream text ever reaches a user."""

    def __init__(self, reason: str, kind: str = "error") -> None:
        reason = redact(reason) or ""
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def completion_from(resp: object, messages: list[Message], mode: str, latency_ms: float) -> Completion:
    """What the backend needs from a chat completion; token counts estimated when the server gives none."""
    choices = getattr(resp, "choices", None) or []
    choice = choices[0] if choices else None
    message = getattr(choice, "message", None)
    content = getattr(message, "content", None)
    usage = getattr(resp, "usage", None)
    prompt_tokens = getattr(usage, "prompt_tokens", None) or estimate_messages(messages)
    completion_tokens = getattr(usage, "completion_tokens", None) or estimate_tokens(content or "")
    return Completion(
        content=content if isinstance(content, str) else None,
        finish_reason=getattr(choice, "finish_reason", None),
        refusal=getattr(message, "refusal", None),
        prompt_tokens=int(prompt_tokens),
        completion_tokens=int(completion_tokens),
        latency_ms=latency_ms,
        mode=mode,
        messages=messages,
    )


class BadResponse(Exception):
    """A 2xx whose body is not a chat completion (an HTML error page from a proxy): retried like a 5xx."""


@dataclass
class Completion:
    content: str | None
    finish_reason: str | None
    refusal: str | None
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float
    mode: str
    messages: list[Message] = field(default_factory=list)  # as sent, for the call log


def log_url(url: str | None) -> str:
    """Base URL for the log, without any user:password part."""
    if not url:
        return modes.OPENAI_URL
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def status_of(exc: BaseException) -> int | None:
    return getattr(exc, "status_code", None)


def retry_after(exc: BaseException | None) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return max(0.0, float(ms) / 1000)
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(raw)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return None


def is_transient(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, openai.APIConnectionError | BadResponse):  # includes APITimeoutError
        return True
    status = status_of(exc)
    if status is None:
        return False
    text = modes.error_text(exc)
    if status == 429 and "insufficient_quota" in text:
        return False  # billing, not load: waiting will not help
    if modes.format_unsupported(text):
        return False  # llama-cpp-python says so with a 500: the next mode, not a retry
    return status in (408, 409, 429) or status >= 500


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for e in exc.exceptions for leaf in _leaves(e)]
    return [exc]


def failure_reason(exc: Exception) -> LLMFailure:
    """The first LLMFailure inside `exc` (TaskGroups wrap them), or one saying what else went wrong."""
    found = _leaves(exc)
    for leaf in found:
        if isinstance(leaf, LLMFailure):
            return leaf
    if any(isinstance(leaf, TimeoutError) for leaf in found):
        return LLMFailure("deadline exceeded", "timeout")
    log.error("LLM digest failed unexpectedly: %s", redact(repr(exc)))
    return LLMFailure("internal error")


def failure_kind(exc: BaseException) -> str:
    """The notice category of an HTTP-level failure."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "unreachable"
    status = status_of(exc) or 0
    if status in (401, 403):
        return "auth"
    if status in (402, 429):
        return "quota"
    return "error"


def classify(exc: BaseException, mode: str, configured: str) -> Outcome:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "connection_error"
    if isinstance(exc, BadResponse):
        return "server_error"
    status = status_of(exc) or 0
    text = modes.error_text(exc)
    if status == 429:
        return "rate_limited"
    if (status in (408, 409) or status >= 500) and not modes.format_unsupported(text):
        return "server_error"
    if status in (400, 413, 422) and modes.context_exceeded(text):
        return "context_exceeded"
    if status in (400, 422) and (modes.rejects_max_tokens(text) or modes.rejects_temperature(text)):
        return "param_rejected"
    if configured == "auto" and mode != "text" and (status in (400, 422) or modes.format_unsupported(text)):
        return "format_rejected"
    return "client_error"


def short_error(exc: BaseException) -> str:
    """An error line for logs and warnings: status and the server's message, never request headers."""
    body = getattr(exc, "body", None)
    msg = None
    if isinstance(body, dict):
        err = body.get("error", body)
        msg = err.get("message") if isinstance(err, dict) else None
    if msg is None:
        msg = str(exc)
    if not isinstance(msg, str):
        msg = json.dumps(msg, ensure_ascii=False)
    return (redact(f"{type(exc).__name__}: {msg}") or "")[:300]


def server_down(exc: BaseException) -> bool:
    """Failures that say the server cannot serve anyone (not: this request was wrong)."""
    import openai

    if isinstance(exc, openai.APIConnectionError):  # includes timeouts
        return True
    status = getattr(exc, "status_code", None) or 0
    text = modes.error_text(exc)
    if modes.format_unsupported(text):
        return False
    return status in (401, 403, 408) or status >= 500


async def with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    remaining: Callable[[], float],
    retry: Callable[[BaseException], bool],
) -> T:
    """`call()` until it succeeds, `retry` says no, the attempts run out or the deadline (`remaining()`
    seconds) would be passed: exponential backoff with full jitter, Retry-After honoured."""
    from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

    def wait(rs: RetryCallState) -> float:
        exc = rs.outcome.exception() if rs.outcome else None
        after = retry_after(exc)
        jitter = random.uniform(0, policy.base_s * 0.1)
        if after is not None:
            return after + jitter
        return random.uniform(0, min(policy.max_s, policy.base_s * 2 ** (rs.attempt_number - 1))) + jitter

    def stop(rs: RetryCallState) -> bool:
        return rs.attempt_number >= policy.max_attempts or remaining() - rs.upcoming_sleep < policy.min_call_s

    result: list[T] = []
    async for attempt in AsyncRetrying(retry=retry_if_exception(retry), wait=wait, stop=stop, reraise=True):
        with attempt:
            result = [await call()]
    return result[0]
