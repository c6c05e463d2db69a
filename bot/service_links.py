"""The link step of the service (issue M): a report sent as a link is stored as its link first (nothing a
user sent is lost), then fetched when it is processed — so a crash mid-fetch is resumed like any report.

    report_id = await service.accept(scope=…, data=url.encode(), filename=LINK_FILENAME, …)
    await service.process(report_id)      # fetch (bot/fetch), then the usual pipeline

The same link already digested in the scope is that report (no fetch); the same text behind two links
is caught by the usual duplicate check (bot/dedup.py) after the fetch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extract.errors import InputError
from extract.models import Document
from extract.text.page import PageInfo

if TYPE_CHECKING:
    from bot.models import ReportOutcome
    from bot.settings import Settings
    from bot.store.repo import Store

log = logging.getLogger(__name__)

LINK_FILENAME = "countybot:link"  # the filename a link report is stored under; its raw bytes are the URL


@dataclass(slots=True)
class LinkInput:
    data: bytes
    filename: str
    charset: str | None
    url: str  # as the user sent it: what the digest shows
    final_url: str  # the page or file the text came from
    page: PageInfo | None = None  # the page an attachment was linked from


def with_page(doc: Document, page: PageInfo | None) -> Document:
    """An attachment's Document with what its page said (publication date, publisher, title) where the
    file itself is silent: the date the county published the report is the report's date then."""
    if page is None:
        return doc
    update: dict[str, object] = {}
    if doc.published is None and page.published is not None:
        update |= {"published": page.published, "published_from": "metadata"}
    if doc.source is None and page.publisher:
        update["source"] = page.publisher
    if doc.title is None and page.title:
        update["title"] = page.title
    return doc.model_copy(update=update) if update else doc


class LinkSteps:
    store: Store
    settings: Settings

    if TYPE_CHECKING:  # the steps of the host (bot.service.Service) this side calls

        async def _fail(self, report_id: int, message: str) -> ReportOutcome: ...

        async def _duplicate(self, report_id: int, first: int) -> ReportOutcome: ...

        async def outcome(self, report_id: int) -> ReportOutcome: ...

    async def _link_input(self, report_id: int, scope: str, data: bytes) -> LinkInput | ReportOutcome:
        """The fetched report, or the outcome when there is nothing to fetch (a duplicate, a bad link)."""
        from bot.fetch import fetch_report

        url = data.decode("utf-8", "replace").strip()
        await self.store.links.set_source_url(report_id, url)
        first = await self.store.links.find_done(scope, url, other_than=report_id)
        if first is not None:
            if await self.store.reports.mark_duplicate(report_id, first):
                return await self._duplicate(report_id, first)
            return await self.outcome(report_id)
        options = self.settings.fetch_options()
        gate = None
        if await self.store.sources.is_source_report(report_id):
            # issue O: a document a source listed is fetched under robots.txt and the host's politeness
            from dataclasses import replace

            from bot.sources.crawler import crawl_gate

            gate = crawl_gate(self)  # type: ignore[arg-type]
            options = replace(options, gate=gate.after(url))
        try:
            if gate is not None:
                await gate(url)  # the host's turn comes before the fetch's own deadline starts
            linked = await fetch_report(url, options)
        except InputError as exc:
            log.info("link of report %d not read: %s", report_id, type(exc).__name__)
            return await self._fail(report_id, exc.user_message)
        except Exception:
            log.exception("fetching the link of report %d failed", report_id)
            from bot.fetch import LinkError

            return await self._fail(report_id, LinkError.user_message)
        return LinkInput(linked.data, linked.filename, linked.charset, url, linked.final_url, linked.page)
