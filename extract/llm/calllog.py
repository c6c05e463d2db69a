"""Every LLM call, like simonw/llm's log: model, mode, tokens, latency, outcome, errors.

`CallLog` is a protocol so the store can back it with a table; `JsonlCallLog` is the file default.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field, field_validator

from extract.llm.redact import redact

Outcome = Literal[
    "ok",  # a usable answer (it may still have needed grounding fixes)
    "invalid",  # not JSON / wrong shape / ungrounded claims: re-asked
    "empty",  # no content and no refusal
    "refusal",  # the model declined (refusal field or content_filter)
    "length",  # cut off at max output tokens: the input is split, never resent
    "format_rejected",  # 400/422 rejecting response_format: next mode
    "param_rejected",  # 400 naming an optional parameter (max_tokens, temperature): adapted
    "context_exceeded",  # 400: input too long: split
    "timeout",
    "connection_error",
    "rate_limited",  # 429
    "server_error",  # 408/409/5xx
    "client_error",  # other 4xx: final
]


class CallRecord(BaseModel):
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    base_url: str
    model: str
    mode: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: float
    outcome: Outcome
    error: str | None = None  # the server's error or the answer's rejected parts (redacted)
    prompt_version: str
    doc_sha256: str
    # what was not taken from an accepted answer: labels its clause does not support, kinds the rules
    # are sure of, sentences naming a person with a role the report does not give
    overrides: list[str] = Field(default_factory=list)

    @field_validator("error", "base_url", mode="after")
    @classmethod
    def _redacted(cls, v: str | None) -> str | None:
        return redact(v)

    @field_validator("overrides", mode="after")
    @classmethod
    def _redacted_all(cls, v: list[str]) -> list[str]:
        return [redact(x) or "" for x in v]


@runtime_checkable
class CallLog(Protocol):
    async def record(self, rec: CallRecord) -> None: ...


class MemoryCallLog:
    def __init__(self) -> None:
        self.records: list[CallRecord] = []

    async def record(self, rec: CallRecord) -> None:
        self.records.append(rec)


class JsonlCallLog:
    """Appends one JSON line per call; a lock keeps concurrent chunk calls from interleaving lines."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = asyncio.Lock()

    async def record(self, rec: CallRecord) -> None:
        line = (redact(rec.model_dump_json()) or "") + "\n"
        async with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)

    def read(self) -> list[CallRecord]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [CallRecord.model_validate_json(x) for x in lines if x.strip()]
