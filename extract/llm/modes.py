"""Structured-output modes and the servers' quirks, remembered per base URL + model.

auto tries strict json_schema, then json_object (DeepSeek's only JSON mode), then plain text with a
fenced JSON block. Whatever the server claims, the answer is validated on our side.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from extract.llm.schema import answer_schema

MODES = ("json_schema", "json_object", "text")
OPENAI_URL = "https://api.openai.com/v1"


@dataclass
class EndpointQuirks:
    """What one (base URL, model) taught us: the mode that worked and parameters it refuses."""

    mode: str | None = None
    max_tokens_param: str | None = None  # "max_tokens" or "max_completion_tokens"
    no_temperature: bool = False
    failed_modes: set[str] = field(default_factory=set)


_memory: dict[tuple[str, str], EndpointQuirks] = {}
_lock = threading.Lock()


def quirks_for(base_url: str | None, model: str) -> EndpointQuirks:
    key = ((base_url or OPENAI_URL).rstrip("/"), model)
    with _lock:
        return _memory.setdefault(key, EndpointQuirks())


def forget_all() -> None:
    """For tests and the bench: start from a server we know nothing about."""
    with _lock:
        _memory.clear()


def first_mode(configured: str, quirks: EndpointQuirks) -> str:
    if configured != "auto":
        return configured
    if quirks.mode:
        return quirks.mode
    return next((m for m in MODES if m not in quirks.failed_modes), "text")


def next_mode(mode: str) -> str | None:
    i = MODES.index(mode)
    return MODES[i + 1] if i + 1 < len(MODES) else None


def response_format(mode: str) -> dict[str, Any] | None:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "digest", "strict": True, "schema": answer_schema()},
        }
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def error_text(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    parts = [str(exc)]
    if body is not None:
        parts.append(json.dumps(body, ensure_ascii=False) if not isinstance(body, str) else body)
    return " ".join(parts).lower()


_FORMAT_WORDS = (
    "response_format",
    "json_schema",
    "json_object",
    "structured output",
    "guided",
    "grammar",
    "schema",
    "response format",
)
_CONTEXT_WORDS = (
    "context_length",
    "context length",
    "maximum context",
    "too many tokens",
    "prompt is too long",
    "input is too long",
    "reduce the length",
)


def rejects_format(text: str) -> bool:
    return any(w in text for w in _FORMAT_WORDS)


_UNSUPPORTED_WORDS = (
    "input should be",  # pydantic's literal error: llama-cpp-python's 500 for json_schema
    "not support",
    "unsupported",
    "not allowed",
    "invalid",
    "unknown",
    "unrecognized",
    "not implemented",
    "must be one of",
    "expected",
)


def format_unsupported(text: str) -> bool:
    """The server says it cannot do the response_format asked for, whatever HTTP status it used
    (llama-cpp-python: 500 "Input should be 'text' or 'json_object'")."""
    return rejects_format(text) and any(w in text for w in _UNSUPPORTED_WORDS)


def context_exceeded(text: str) -> bool:
    return any(w in text for w in _CONTEXT_WORDS)


def rejects_max_tokens(text: str) -> bool:
    return "max_tokens" in text and "max_completion_tokens" in text


def rejects_temperature(text: str) -> bool:
    return "temperature" in text and (
        "unsupported" in text or "not support" in text or "does not support" in text
    )


_THINK = re.compile(r"<think>.*?</think>", re.S)
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)


def extract_json(content: str) -> str:
    """The JSON in an answer: reasoning blocks dropped, a fenced block preferred, else the outer {...}."""
    text = _THINK.sub("", content).strip()
    m = _FENCE.search(text)
    if m:
        return m.group(1).strip()
    if text.startswith("{"):
        return text
    i, j = text.find("{"), text.rfind("}")
    return text[i : j + 1] if 0 <= i < j else text


def simplified(raw: str) -> str:
    """A model may answer a traditional-script report in traditional script: the digest is 简体中文, and
    the answer's names and numbers are matched against the simplified text."""
    from extract.text.script import to_simplified

    return to_simplified(raw)
