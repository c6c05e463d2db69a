"""A chat's reports on top of the Service: the list (/reports), one report it owns, deleting it (with its
LLM cache entry and logged prompts) and search. The bot's handlers and the CLI call these.

Scopes as everywhere: a chat sees its own reports and public ones, and deletes only its own."""

from __future__ import annotations

import logging
from collections.abc import Sequence
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
    """Delete a report of `scope` with everything derived from it (Service.delete_report)."""
    return await service.delete_report(report_id, scope)


async def search(service: Service, scopes: Sequence[str], text: str) -> list[ReportEntry]:
    words = [w for w in text.split() if w][:5]
    return await service.store.report_list.search(scopes, words)
