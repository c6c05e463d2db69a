"""Checking sources: the list page (and its next pages) or feed fetched through M's guarded fetcher with
the host gate (robots.txt, politeness), its new document links taken as public link reports — which the
queue's workers then fetch (attachments included) and digest like any link a person sent.

    crawler = Crawler(service)
    results = await crawler.run_due()          # every due source, claimed one by one (any worker)
    preview = await crawler.preview(url)       # `sources check URL`: what it would take, nothing stored

A check sends If-None-Match / If-Modified-Since from the last answer (a 304 costs one request); it
follows next pages while a page has new links (newest first: a page with none means the older pages
were taken before) — every page on a first check or after a check cut short by a dead worker. A check that
fails backs off (retry_s × 2^(n−1), at most the source's period) and after `pause_after` failures in a
row the source is paused and the admin chat told, by exactly one worker.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from bot.fetch.client import FetchOptions, fetch_url
from bot.fetch.errors import LinkError, LinkHTTPError, LinkTimeout, LinkUnreachable
from bot.sources.gate import HostGate, RobotsUnavailable, host_key
from bot.sources.listing import Listing, looks_like_feed, parse_feed, parse_page

if TYPE_CHECKING:
    from bot.models import ReportOutcome
    from bot.settings import Settings
    from bot.store.repo import Store
    from bot.store.sources import SourceInfo


class Service(Protocol):
    """What the crawler needs of bot.service.Service (not imported: the service's link step uses the
    crawler's gate)."""

    store: Store
    settings: Settings
    worker_id: str

    def hold(self, report_id: int) -> None: ...

    async def process(self, report_id: int, *, use_llm: bool = True) -> ReportOutcome: ...


log = logging.getLogger("countybot.sources")

# a document whose fetch failed with one of these is retried at its source's next check (up to 3 tries)
TRANSIENT = [e.user_message for e in (LinkTimeout, LinkHTTPError, LinkUnreachable, RobotsUnavailable)]

PAUSED_NOTE = (
    "⚠️ 来源已暂停：{url}\n连续 {failures} 次检查失败（最近一次：{error}）。"
    "网站恢复后用 countybot sources add 重新加入即可继续。"
)


@dataclass
class CheckResult:
    source_id: int | None
    url: str
    ok: bool
    kind: str | None = None
    pages: int = 0
    not_modified: bool = False
    links: list[str] = field(default_factory=list)  # every document link the listing showed
    new: list[str] = field(default_factory=list)  # links taken (or, for a preview, that would be)
    disallowed: list[str] = field(default_factory=list)  # robots.txt said no
    # not taken this time, with why: the link's host (another host of the same site) could not be
    # reached or its robots.txt read — RFC 9309's "complete disallow" for now; tried again next check
    skipped: dict[str, str] = field(default_factory=dict)
    report_ids: list[int] = field(default_factory=list)
    error: str | None = None
    paused: bool = False
    listing: Listing | None = None
    etag: str | None = None  # the list page's validators, sent back on the next check
    last_modified: str | None = None


def _decode(data: bytes, charset: str | None) -> str:
    from extract.text.decode import decode_text
    from extract.text.html_text import declared_charset

    for name in (charset, declared_charset(data)):
        if not name:
            continue
        codec = "gb18030" if name.lower().replace("-", "") in ("gbk", "gb2312", "gb18030") else name
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return decode_text(data)[0]


def read_listing(data: bytes, charset: str | None, content_type: str, url: str) -> Listing:
    if looks_like_feed(data, content_type):
        return parse_feed(data, url)
    return parse_page(_decode(data, charset), url)


def county_of(listing: Listing) -> tuple[str, str | None, str | None] | None:
    """The county a source's page names (L's attribution over its title and text), when it is sure."""
    from extract.pipeline import complete_county, document_from_text
    from extract.places.counties import find_counties

    text = (listing.title + "\n\n" + listing.text).strip()
    if not text:
        return None
    try:
        found = find_counties(document_from_text(text))
    except Exception:  # an odd page must not stop a crawl: no county then
        log.exception("reading the county of a source page failed")
        return None
    if not found or found[0].level != "county":
        return None
    c = complete_county(found[0])
    return c.name, c.city, c.province


class Crawler:
    def __init__(
        self,
        service: Service,
        *,
        on_paused: Callable[[SourceInfo, int, str], Awaitable[None]] | None = None,
    ) -> None:
        self.service = service
        self.store = service.store.sources
        s = service.settings
        self.settings = s
        self.gate = crawl_gate(service)
        self.options: FetchOptions = replace(s.fetch_options(), gate=self.gate)
        self.on_paused = on_paused

    # ---- one source ----------------------------------------------------------------------------

    async def preview(self, url: str) -> CheckResult:
        """A dry run: the links a check would take now; nothing is stored (robots.txt and the
        politeness slots are, as for any request)."""
        result = CheckResult(None, url, True)
        try:
            await self._walk(result, None, take=False)
        except LinkError as exc:
            result.ok, result.error = False, f"{exc.user_message}（{type(exc).__name__}）"
        return result

    async def check(self, source: SourceInfo) -> CheckResult:
        result = CheckResult(
            source.id, source.url, True, etag=source.etag, last_modified=source.last_modified
        )
        try:
            await self._walk(result, source, take=True)
        except LinkError as exc:
            code = re.search(r"HTTP (\d{3})", str(exc))  # the status only: no server text
            result.ok = False
            result.error = f"{exc.user_message}（{type(exc).__name__}{' ' + code[1] if code else ''}）"
        except Exception as exc:  # a bug or an odd page: counted as a failure, never a dead worker
            log.exception("checking source %d failed", source.id)
            result.ok, result.error = False, type(exc).__name__
        taken = len(result.report_ids)  # links taken before a failure are digested all the same
        if result.ok:
            # the host answers again: documents whose fetch failed for a passing reason get another try
            retried = await self.store.retry_failed(
                source.id, TRANSIENT, worker=self.service.worker_id, lease_s=self.settings.crawl_lease_s
            )
            for rid in retried:
                self.service.hold(rid)
            result.report_ids += retried
        if result.ok:
            await self.store.checked(
                source.id, kind=result.kind, etag=result.etag, last_modified=result.last_modified,
                taken=taken,
            )  # fmt: skip
            if source.county is None and result.listing is not None:
                county = await asyncio.to_thread(county_of, result.listing)
                if county:
                    await self.store.set_county(source.id, county, "page")
            log.info("source %d checked: %d new of %d links", source.id, len(result.new), len(result.links))
            return result
        failures, paused = await self.store.failed(
            source.id, result.error or "error", retry_base_s=self.settings.crawl_retry_s,
            pause_after=self.settings.crawl_pause_after, taken=taken,
        )  # fmt: skip
        result.paused = paused
        log.warning("source %d failed (%d in a row): %s", source.id, failures, result.error)
        if paused and self.on_paused is not None:
            try:
                await self.on_paused(source, failures, result.error or "")
            except Exception as exc:
                log.warning("could not report paused source %d: %s", source.id, type(exc).__name__)
        return result

    async def _walk(self, result: CheckResult, source: SourceInfo | None, *, take: bool) -> None:
        """Fills `result` as it goes (what was taken before a failure stays there)."""
        url, etag, modified = result.url, result.etag, result.last_modified
        # every page (up to crawl_max_pages) on a first check, a preview, or after a check that was cut
        # short (its worker died holding the claim); else up to the first page with nothing new
        full = source is None or source.last_ok is None or source.worker is not None
        failed_hosts: dict[str, str] = {}  # a host whose robots.txt could not be read: asked once a walk
        page_url: str | None = url
        while page_url and result.pages < self.settings.crawl_max_pages:
            headers: tuple[tuple[str, str], ...] = ()
            if result.pages == 0 and take:
                headers = tuple(
                    (k, v) for k, v in (("If-None-Match", etag), ("If-Modified-Since", modified)) if v
                )
            fetched = await fetch_url(page_url, replace(self.options, headers=headers))
            result.pages += 1
            if fetched.status == 304:
                result.not_modified = True
                return
            if result.pages == 1:
                result.etag = fetched.headers.get("etag")
                result.last_modified = fetched.headers.get("last-modified")
            listing = await asyncio.to_thread(
                read_listing, fetched.data, fetched.charset, fetched.content_type, fetched.final_url
            )
            result.kind = result.kind or listing.kind
            result.listing = result.listing or listing
            links = [e.url for e in listing.entries if e.url not in result.links]
            result.links += links
            known = await self.store.known(links)
            fresh = [u for u in links if u not in known]
            for link in fresh:
                if (why := await self._unreadable_host(link, failed_hosts)) is not None:
                    result.skipped[link] = why
                    continue
                if not await self.gate.allowed(link):
                    result.disallowed.append(link)
                    continue
                if take:
                    assert source is not None
                    lease = self.settings.crawl_lease_s
                    rid = await self.store.take(source.id, link, worker=self.service.worker_id, lease_s=lease)
                    if rid is None:
                        continue
                    self.service.hold(rid)  # renewed by the worker's heartbeat until digested
                    result.report_ids.append(rid)
                    await self.store.renew(source.id, self.service.worker_id, self.settings.crawl_lease_s)
                result.new.append(link)
            if not links or (not fresh and not full):
                break  # nothing new on this page: the older pages after it were taken before
            page_url = listing.next_url

    async def _unreadable_host(self, link: str, failed: dict[str, str]) -> str | None:
        """Why `link`'s host cannot be asked now (its robots.txt unread: no answer, or an error answer),
        or None when its rules are known. A failure is kept in `failed` for the rest of the walk, so a
        dead host costs one try, not one per link."""
        host = host_key(link)
        if host in failed:
            return failed[host]
        try:
            await self.gate.rules_for(link)
        except LinkUnreachable:
            failed[host] = f"无法连接到 {host}，暂不收录，下次检查再试"
        except RobotsUnavailable:
            failed[host] = f"{host} 的 robots.txt 暂时读不到，暂不收录，下次检查再试"
        return failed.get(host)

    # ---- due sources ---------------------------------------------------------------------------

    async def run_due(self, *, limit: int | None = None) -> list[CheckResult]:
        """Check every due source (claimed one at a time, `crawl_sources_at_once` in parallel) until
        none is due; returns what each check found."""
        results: list[CheckResult] = []
        claimed = 0

        async def lane() -> None:
            nonlocal claimed
            while limit is None or claimed < limit:
                source = await self.store.claim_due(self.service.worker_id, self.settings.crawl_lease_s)
                if source is None:
                    return
                claimed += 1
                results.append(await self.check(source))

        await asyncio.gather(*(lane() for _ in range(self.settings.crawl_sources_at_once)))
        return results

    async def run_round(self, *, left_over: bool = False) -> tuple[list[CheckResult], list[str]]:
        """Every due source checked, then the documents taken digested here, `crawl_reports_at_once` at a
        time, taken turn about across sources (one source's documents are one host's, one request a
        second); `left_over`: also the source documents a stopped run left pending. Returns the checks and
        the digests' statuses."""
        from itertools import chain, zip_longest

        results = await self.run_due()
        per_source = [r.report_ids for r in results]
        ids = [rid for rid in chain.from_iterable(zip_longest(*per_source)) if rid is not None]
        if left_over:
            taken = set(ids)
            ids += [rid for rid in await self.store.pending_reports() if rid not in taken]
        sem = asyncio.Semaphore(self.settings.crawl_reports_at_once)

        async def one(rid: int) -> str:
            async with sem:
                try:
                    return (await self.service.process(rid)).status
                except Exception:  # one bad document never stops the round
                    log.exception("digesting source document %d failed", rid)
                    return "failed"

        return results, list(await asyncio.gather(*(one(rid) for rid in ids)))


def crawl_gate(service: Service) -> HostGate:
    """The service's one gate (its in-process robots.txt memo shared by the crawl and the documents)."""
    gate = getattr(service, "_crawl_gate", None)
    if gate is None:
        s = service.settings
        gate = HostGate(
            service.store.sources,
            s.fetch_options(),
            interval_s=s.crawl_interval_s,
            robots_ttl_s=s.crawl_robots_ttl_s,
        )
        service._crawl_gate = gate  # type: ignore[attr-defined]
    return gate
