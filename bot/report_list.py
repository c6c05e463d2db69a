"""A chat's reports on top of the Service: the list (/reports), one report it owns, deleting it (with its
LLM cache entry and logged prompts) and search. The bot's handlers and the CLI call these.

Scopes as everywhere: a chat sees its own reports and public ones, and deletes only its own."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING

from bot.store.report_list import ReportEntry

if TYPE_CHECKING:
    from bot.service import Service

log = logging.getLogger(__name__)


async def chat_reports(service: Service, scope: str, *, limit: int = 20) -> list[ReportEntry]:
    return await service.store.report_list.chat_reports(scope, limit=limit)


async def owned_report(service: Service, report_id: int, scope: str) -> ReportEntry | None:
    return await service.store.report_list.owned_report(report_id, scope)


async def delete_report(service: Service, report_id: int, scope: str) -> bool:
    """Delete a report of `scope` (never another chat's, never a public one from a chat). Its LLM cache
    entry goes too when no other stored report has the same text."""
    gone = await service.store.report_list.delete_report(report_id, scope)
    if gone is None:
        return False
    if gone.sha256 and gone.text and not await service.store.report_list.text_still_stored(gone.sha256):
        from extract.llm.cache import text_sha256

        await service.store.llm.forget_document(text_sha256(gone.text))  # its prompts held the text
        config = service.settings.llm_config()
        if config.enabled:
            from extract.llm.cache import cache_key

            # cache_key reads only the document's text
            await service.store.report_list.drop_cache(cache_key(SimpleNamespace(text=gone.text), config))  # type: ignore[arg-type]
    log.info("report %d deleted by its chat (%d row(s))", report_id, gone.reports)
    return True


async def search(service: Service, scopes: Sequence[str], text: str) -> list[ReportEntry]:
    words = [w for w in text.split() if w][:5]
    return await service.store.report_list.search(scopes, words)
