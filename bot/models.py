"""What the service answers with, and how a report's scope is written ("public" or "chat:<id>")."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from extract.models import Digest, Script

PUBLIC = "public"


def chat_scope(chat_id: int) -> str:
    return f"chat:{chat_id}"


def parse_scope(text: str) -> str:
    """CLI spelling of a scope: "public", "chat:-100123" or just the chat id."""
    t = text.strip()
    if t == PUBLIC or re.fullmatch(r"chat:-?\d+", t):
        return t
    if re.fullmatch(r"-?\d+", t):
        return chat_scope(int(t))
    raise ValueError(f"范围（--scope）应为 public、chat:<群号> 或群号，而不是「{text}」")


class ReportOutcome(BaseModel):
    report_id: int
    status: Literal["done", "failed", "duplicate"]
    digest: Digest | None  # the (first) digest; for "duplicate", the earlier report's digest
    error: str | None = None  # user-facing Chinese message when failed
    duplicate_of: int | None = None
    # when the (first) report was received: shown only as 收到于 when the report states no date
    received: datetime | None = None


class ResumedReport(BaseModel):
    """A report left pending by a crash and finished at start-up (Service.resume_pending_outcomes)."""

    scope: str
    sender: str | None = None
    outcome: ReportOutcome


def scope_chat(scope: str) -> int | None:
    """The chat id of a "chat:<id>" scope; None for public (or anything else)."""
    m = re.fullmatch(r"chat:(-?\d+)", scope)
    return int(m.group(1)) if m else None


class ChatSettings(BaseModel):
    chat_id: int
    script: Script = "simplified"


class Subscription(BaseModel):
    chat_id: int
    time: str  # "HH:MM"
    timezone: str
    counties: list[str] = []  # followed counties (full names)


# issue L: Digest.sources[part] for a part of a digest a person corrected ("county", "published"), set by
# bot/store/corrections.py and shown as 已人工更正 by bot/render/places.py
MANUAL = "manual"
