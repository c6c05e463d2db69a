"""Deleting a report is a user's privacy request (mixed into bot.service.Service): everything derived
from it goes — its text, the message parts a paste was joined from, its queue entry and any delivery
still owed, digest, figures, county links, the LLM cache entries and call-log rows of its text — and
SQLite's WAL is checkpointed so the old pages do not outlive it (secure_delete zeroes the freed ones).

A report deleted while a worker digests it: the worker's finish finds no row, so it stores nothing, sends
nothing, and forgets the cache entry and call-log rows its own LLM calls wrote meanwhile."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.store.repo import Store

log = logging.getLogger(__name__)


class ForgetSteps:
    store: Store
    settings: Settings

    async def delete_report(self, report_id: int, scope: str) -> bool:
        """Delete a report of `scope` (never another chat's, never a public one from a chat) with all
        that was derived from it. False when it is not this scope's."""
        gone = await self.store.report_list.delete_report(report_id, scope)
        if gone is None:
            return False
        if gone.sha256:
            await self.forget_text(gone.sha256)
        else:
            await self.store.db.scrub()
        log.info("report %d deleted by its chat (%d row(s))", report_id, gone.reports)
        return True

    async def forget_text(self, sha256: str) -> None:
        """The LLM traces of a text no stored report holds any more (another chat's copy keeps them)."""
        if not await self.store.report_list.text_still_stored(sha256):
            from extract.llm.cache import cache_key_for

            config = self.settings.llm_config()
            keys = [cache_key_for(sha256, config)] if config.enabled else []
            await self.store.llm.forget(sha256, keys)
        await self.store.db.scrub()
