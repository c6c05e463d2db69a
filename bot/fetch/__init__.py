"""Reading reports people share as links (issue M): a guarded fetcher (client, guard), the link →
report step (report) and the messages a user sees (errors). Reusable by a crawler (issue O)."""

from __future__ import annotations

from bot.fetch.client import Fetched, FetchOptions, fetch_url
from bot.fetch.errors import LinkError
from bot.fetch.guard import AllowList
from bot.fetch.report import LinkedReport, fetch_report, find_links

__all__ = [
    "AllowList",
    "FetchOptions",
    "Fetched",
    "LinkError",
    "LinkedReport",
    "fetch_report",
    "fetch_url",
    "find_links",
]
