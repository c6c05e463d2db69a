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


class Rejection(BaseModel):
    """One thing of an answer that was not taken, and why (issue N: `countybot llm log --show N`).
    `reason` is a code the CLI words for people; `detail` the exact line the model was re-asked with."""

    what: Literal["figure", "added", "summary", "highlight", "person", "county", "label", "kind"]
    item: str  # the candidate id (F3), the surface (123亿元), the sentence or the name
    reason: Literal[
        "unknown_id",  # a candidate id the prompt never gave
        "not_in_text",  # an added figure / a person that does not occur in the report
        "not_a_number",  # an added figure that is no number with a unit
        "date_or_duration",  # an added figure that is a date or a duration
        "empty",  # an added figure without a surface
        "numbers_not_in_text",  # a sentence with numbers the report does not state
        "people_not_in_text",  # a sentence naming people the report does not name
        "role_not_given",  # a sentence giving a person a title the report does not give them
        "county_not_named",  # a county the report does not name
        "label_unsupported",  # a label its figure's clause does not support: the rules' label kept
        "label_says_growth",  # a growth label on a fall: the rules' label kept
        "kind_flipped",  # target/result flipped against the clause's sure cue: the rules' kind kept
        "not_chinese",  # a sentence in another language than the digest's (a Chinese digest shows none)
    ]
    detail: str = ""

    @field_validator("item", "detail", mode="after")
    @classmethod
    def _redacted(cls, v: str) -> str:
        return redact(v) or ""


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
    # issue N (like simonw/llm's `llm logs`): the messages sent, the model's answer as it came, and what
    # of it was not taken and why; records written before these existed read as empty
    messages: list[dict[str, str]] = Field(default_factory=list)
    response: str | None = None
    rejected: list[Rejection] = Field(default_factory=list)
    forgotten: bool = False  # its report was deleted: prompt, answer and quotes removed with it

    @field_validator("error", "base_url", "response", mode="after")
    @classmethod
    def _redacted(cls, v: str | None) -> str | None:
        return redact(v)

    @field_validator("overrides", mode="after")
    @classmethod
    def _redacted_all(cls, v: list[str]) -> list[str]:
        return [redact(x) or "" for x in v]

    @field_validator("messages", mode="after")
    @classmethod
    def _redacted_messages(cls, v: list[dict[str, str]]) -> list[dict[str, str]]:
        return [{k: redact(str(x)) or "" for k, x in m.items()} for m in v]


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
