"""The LLM aggregate: the digest cache and the call log, in the same database as the reports, so a
restarted bot never pays twice for the same digest. StoreDigestCache and StoreCallLog adapt it to the
backend's DigestCache and CallLog protocols (extract/llm/cache.py, extract/llm/calllog.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.base import Database, clip, fit, to_naive_utc, utcnow
from bot.store.tables import LLMCacheRow, LLMCall
from extract.llm.calllog import CallRecord
from extract.llm.redact import redact
from extract.models import Digest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallRow:
    at: datetime
    model: str | None
    outcome: str | None
    data: str  # the whole CallRecord as JSON
    id: int = 0  # the row's id: calls are numbered in this order


class LLMLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def cache_get(self, key: str) -> str | None:
        key = clip(LLMCacheRow.key, key)
        async with self.db.read() as conn:
            return (await conn.execute(select(LLMCacheRow.data).where(LLMCacheRow.key == key))).scalar()

    async def cache_put(self, key: str, data: str, doc_sha256: str | None = None) -> None:
        key = clip(LLMCacheRow.key, key)
        values = dict(data=data, created=utcnow(), doc_sha256=doc_sha256)
        try:
            async with self.db.write() as conn:
                await conn.execute(insert(LLMCacheRow).values(key=key, **values))
        except IntegrityError:
            async with self.db.write() as conn:
                await conn.execute(update(LLMCacheRow).where(LLMCacheRow.key == key).values(**values))

    async def forget(self, doc_sha256: str, keys: list[str]) -> int:
        """A deleted report's traces: the cache entries of its text (by hash, or by `keys` for entries
        written before the hash was stored) removed, and its LLM calls' prompts, answers and quotes
        (forget_document). Returns the rows removed or changed."""
        keys = [clip(LLMCacheRow.key, k) for k in keys]
        async with self.db.write() as conn:
            mine = or_(LLMCacheRow.doc_sha256 == doc_sha256, LLMCacheRow.key.in_(keys))
            cache = await conn.execute(delete(LLMCacheRow).where(mine))
        return cache.rowcount + await self.forget_document(doc_sha256)

    async def log_call(
        self,
        *,
        at: datetime | None,
        model: str | None,
        outcome: str | None,
        doc_sha256: str | None,
        data: str,
    ) -> None:
        values = dict(
            at=to_naive_utc(at) if at else utcnow(),
            model=model,
            outcome=outcome,
            doc_sha256=doc_sha256,
            data=data,
        )
        async with self.db.write() as conn:
            await conn.execute(insert(LLMCall).values(fit(LLMCall, values)))

    async def forget_document(self, doc_sha256: str) -> int:
        """A deleted report's text leaves the call log too: each of its calls keeps its time, model, tokens
        and outcome, and loses the prompt, the answer and every quote (issue N). Returns the calls changed."""
        async with self.db.write() as conn:
            rows = (
                await conn.execute(select(LLMCall.id, LLMCall.data).where(LLMCall.doc_sha256 == doc_sha256))
            ).all()
            for row_id, data in rows:
                rec = CallRecord.model_validate_json(data)
                gone = {"messages": [], "response": None, "rejected": [], "overrides": [], "error": None}
                bare = rec.model_copy(update={**gone, "forgotten": True}).model_dump_json()
                await conn.execute(update(LLMCall).where(LLMCall.id == row_id).values(data=bare))
        return len(rows)

    async def calls(self, limit: int = 100, *, oldest_first: bool = False) -> list[CallRow]:
        """Newest first (or oldest first)."""
        order = LLMCall.id.asc() if oldest_first else LLMCall.id.desc()
        stmt = select(LLMCall.at, LLMCall.model, LLMCall.outcome, LLMCall.data, LLMCall.id).order_by(order)
        async with self.db.read() as conn:
            return [CallRow(*r) for r in (await conn.execute(stmt.limit(limit))).all()]

    async def count_calls(self, up_to_id: int | None = None) -> int:
        """How many calls there are (with an id up to `up_to_id`: what a read that saw it could number,
        whatever the bot logged since)."""
        stmt = select(func.count()).select_from(LLMCall)
        if up_to_id is not None:
            stmt = stmt.where(LLMCall.id <= up_to_id)
        async with self.db.read() as conn:
            return int((await conn.execute(stmt)).scalar_one())


class HasLLM(Protocol):
    """What the adapters need of a Store (bot/store/repo.py): its LLM aggregate. A protocol, so this
    module need not import the façade that imports it."""

    @property
    def llm(self) -> LLMLog: ...


class StoreDigestCache:
    def __init__(self, store: HasLLM) -> None:
        self.store = store

    async def get(self, key: str) -> Digest | None:
        data = await self.store.llm.cache_get(key)
        if data is None:
            return None
        try:
            return Digest.model_validate_json(data)
        except ValueError:  # written by an older Digest model: a miss, not a crash
            log.warning("unreadable LLM cache entry %s ignored", key[:16])
            return None

    async def put(self, key: str, digest: Digest, doc_sha256: str | None = None) -> None:
        await self.store.llm.cache_put(key, digest.model_dump_json(), doc_sha256)


class StoreCallLog:
    """Each CallRecord whole as JSON, plus time/model/outcome/document columns for queries."""

    def __init__(self, store: HasLLM) -> None:
        self.store = store

    async def record(self, rec: CallRecord) -> None:
        await self.store.llm.log_call(
            at=rec.time,
            model=rec.model,
            outcome=rec.outcome,
            doc_sha256=rec.doc_sha256,
            data=redact(rec.model_dump_json()) or "",  # keys echoed by a server never reach the table
        )

    async def read(self, limit: int = 100) -> list[CallRecord]:
        """Newest first."""
        return [CallRecord.model_validate_json(r.data) for r in await self.store.llm.calls(limit)]

    async def read_counted(self, limit: int, *, oldest_first: bool = False) -> tuple[list[CallRecord], int]:
        """`limit` calls, newest (or oldest) first, and how many calls there were when they were read: a
        call logged meanwhile is neither listed nor counted, so numbers stay right (`countybot llm log`)."""
        rows = await self.store.llm.calls(limit, oldest_first=oldest_first)
        if not rows:
            return [], 0
        total = await self.store.llm.count_calls(None if oldest_first else rows[0].id)
        return [CallRecord.model_validate_json(r.data) for r in rows], total
