"""Store-backed implementations of the LLM backend's DigestCache and CallLog protocols
(extract/llm/cache.py, extract/llm/calllog.py): cache and call log live in the same database as the
reports, so a restarted bot never pays twice for the same digest."""

from __future__ import annotations

import logging

from bot.store.repo import Store
from extract.llm.calllog import CallRecord
from extract.llm.redact import redact
from extract.models import Digest

log = logging.getLogger(__name__)


class StoreDigestCache:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def get(self, key: str) -> Digest | None:
        data = await self.store.cache_get(key)
        if data is None:
            return None
        try:
            return Digest.model_validate_json(data)
        except ValueError:  # written by an older Digest model: a miss, not a crash
            log.warning("unreadable LLM cache entry %s ignored", key[:16])
            return None

    async def put(self, key: str, digest: Digest) -> None:
        await self.store.cache_put(key, digest.model_dump_json())


class StoreCallLog:
    """Each CallRecord whole as JSON, plus time/model/outcome/document columns for queries."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def record(self, rec: CallRecord) -> None:
        await self.store.log_call(
            at=rec.time,
            model=rec.model,
            outcome=rec.outcome,
            doc_sha256=rec.doc_sha256,
            data=redact(rec.model_dump_json()) or "",  # keys echoed by a server never reach the table
        )

    async def read(self, limit: int = 100) -> list[CallRecord]:
        """Newest first."""
        return [CallRecord.model_validate_json(r.data) for r in await self.store.calls(limit)]
