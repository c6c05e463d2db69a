"""The store-backed service the CLI commands and the Telegram bot call.

A report goes through separate steps, so a queue worker can take any of them:
    report_id = await service.accept(...)      # raw bytes stored, status pending — before anything else
    outcome = await service.process(report_id)  # claim, normalise, digest (extract.pipeline), finish
    async with service.delivering(report_id) as ours:  # after the chat's earlier replies; recorded
        if ours: ...send the outcome...                # as sent (mark_delivered: no fence)
`submit()` is accept + process in one call (the CLI). CPU-bound parsing runs in a worker thread so the
event loop keeps serving. Scopes: "public" for CLI-ingested reports, "chat:<id>" for a Telegram chat.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.dedup import find_twin
from bot.models import (
    ChatSettings,
    ReportOutcome,
    ResumedReport,
    Subscription,
    chat_scope,
    parse_scope,
    scope_chat,
)
from bot.queries.period import CountyGroup, PeriodDigest, ReportBrief, build_period_digest
from bot.queries.targets import TargetItem, TargetsAnswer
from bot.service_chats import ChatSteps
from bot.service_forget import ForgetSteps
from bot.service_links import LINK_FILENAME, LinkInput, LinkSteps, with_page
from bot.service_queue import GAVE_UP, QueueSteps, new_worker_id
from bot.settings import Settings
from bot.store.base import utcnow
from bot.store.llm import StoreCallLog, StoreDigestCache
from bot.store.queue import PROCESS_ATTEMPTS, presence_name
from bot.store.repo import Store, StoreOpenError, open_store
from bot.store.rows import CountyLink, FigureRow, PendingReport
from extract.errors import InputError, TooLargeError
from extract.models import Digest, Document

if TYPE_CHECKING:
    from extract.llm.backend import LLMBackend

__all__ = [
    "ChatSettings",
    "CountyGroup",
    "PeriodDigest",
    "ReportBrief",
    "ReportOutcome",
    "ResumedReport",
    "Service",
    "StoreOpenError",
    "Subscription",
    "TargetItem",
    "TargetsAnswer",
    "chat_scope",
    "parse_scope",
    "scope_chat",
]

log = logging.getLogger(__name__)

GENERIC_ERROR = "处理这份报告时出错了，请稍后再试。"
PARSE_TIMEOUT = "读取这份文件超时（超过 {s:g} 秒），已停止处理。文件可能过大或格式异常，可以粘贴正文文字。"


def _rows_for(digest: Digest, doc: Document) -> tuple[list[FigureRow], list[CountyLink]]:
    """The figures table rows (each figure with the county it is about) and the county links."""
    from extract.pipeline import figure_owners

    owners = figure_owners(digest, doc.text)
    figures = [
        FigureRow.of(f, i, owner) for i, (f, owner) in enumerate(zip(digest.figures, owners, strict=True))
    ]
    links = [CountyLink(c.name, c.city, c.province, i) for i, c in enumerate(digest.counties)]
    return figures, links


def _prepare(
    data: bytes,
    filename: str | None,
    max_bytes: int,
    link: LinkInput | None = None,
    ocr_pages: int | None = None,
) -> tuple[Document, str]:
    """Worker-thread part one: bytes -> normalised Document and its sha256."""
    from extract.pipeline import document_from_bytes

    charset, url = (link.charset, link.final_url) if link else (None, None)
    doc = document_from_bytes(
        data, filename, max_bytes=max_bytes, charset=charset, url=url, ocr_pages=ocr_pages
    )
    doc = with_page(doc, link.page if link else None)
    return doc, hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


class Service(QueueSteps, ChatSteps, LinkSteps, ForgetSteps):
    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        llm: LLMBackend | None = None,
        owns_llm: bool = False,
        worker_id: str | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.llm = llm
        self._owns_llm = owns_llm
        self._busy: set[int] = set()  # reports this process is working on (resume_pending skips them)
        self.worker_id = worker_id or settings.worker_id or new_worker_id()
        self._held: dict[int, float] = {}  # reports leased to this worker -> when taken (monotonic)
        self._replayed: set[int] = set()  # reports accepted again from an update sent twice
        self.on_durable: Callable[[], None] | None = None  # what the user sent is stored (webhook answer)

    @classmethod
    async def create(cls, settings: Settings, *, llm: LLMBackend | None = None) -> Service:
        """Opens the store (runs migrations). StoreOpenError, with a readable message, when it cannot."""
        worker_id = settings.worker_id or new_worker_id()
        # on PostgreSQL every connection is named for the worker: its leases end with its connections
        store = await open_store(settings.db, name=presence_name(worker_id))
        owns = False
        if llm is None and settings.llm_config().enabled:
            from extract.llm.backend import LLMBackend

            llm = LLMBackend(
                settings.llm_config(), cache=StoreDigestCache(store), call_log=StoreCallLog(store)
            )
            owns = True
        return cls(store, settings, llm=llm, owns_llm=owns, worker_id=worker_id)

    async def close(self) -> None:
        try:
            await self.release_all()  # a stopping worker's reports are free at once, not after the lease
        except Exception:  # the database may be gone already: the leases then simply run out
            log.warning("could not release the leases of worker %s", self.worker_id)
        try:
            if self.llm is not None and self._owns_llm:
                await self.llm.aclose()
        finally:
            await self.store.close()

    async def __aenter__(self) -> Service:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---- reports -------------------------------------------------------------------------------

    async def submit(
        self,
        *,
        scope: str,
        sender: str | None,
        data: bytes,
        filename: str | None = None,
        use_llm: bool = True,
    ) -> ReportOutcome:
        """accept + process, for callers that wait for the digest (the CLI, the bot's chat handler)."""
        report_id = await self.accept(scope=scope, sender=sender, data=data, filename=filename)
        if len(data) > self.settings.max_upload_bytes:
            return await self.outcome(report_id)  # failed at accept
        # accept's insert is this process's claim: no re-read of the bytes it holds
        return await self._process(report_id, scope, data, filename, use_llm)

    async def accept(
        self,
        *,
        scope: str,
        sender: str | None,
        data: bytes,
        filename: str | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Step one: the raw report is durable (status pending, leased to this worker) before any
        parsing; a chat's report is owed to the chat, so another worker delivers it if this one dies.
        An oversized report is recorded without its bytes (they could never be processed) and failed
        at once."""
        too_large = len(data) > self.settings.max_upload_bytes
        chat = scope_chat(scope)
        if chat is not None and reply_to is not None:
            # Telegram sends an update again when a worker died before answering: stored once
            earlier = await self.store.queue.report_for_message(chat, reply_to)
            if earlier is not None:
                self._replayed.add(earlier)
                self.durable()
                return earlier
        report_id = await self.store.reports.insert_report(
            scope=scope,
            sender=sender,
            filename=filename,
            raw=b"" if too_large else data,
            chat_id=chat,
            reply_to=reply_to,
            worker=self.worker_id,
            lease_s=self.settings.lease_s,
        )
        self.hold(report_id)
        self.durable()
        if too_large:
            await self.store.reports.mark_failed(report_id, TooLargeError.user_message)
        return report_id

    async def process(self, report_id: int, *, use_llm: bool = True) -> ReportOutcome:
        """Step two: claim the pending report, normalise, digest and finish it. A report that is not
        pending (already finished, failed at accept, or claimed by another worker) gives its stored
        outcome."""
        row = await self.store.reports.pending_report(report_id)
        outcome = await self._claim_and_process(row, use_llm) if row is not None else None
        if row is not None and scope_chat(row.scope) is None:
            self.unhold(report_id)  # nothing owed to a chat: the lease ends with the processing
        return outcome or await self.outcome(report_id)

    async def _claim_and_process(
        self, row: PendingReport, use_llm: bool, *, attempt: bool = False
    ) -> ReportOutcome | None:
        """None when the report is not ours to take (this process or another one works on it).
        `attempt`: a new run at a report left pending (counted; past PROCESS_ATTEMPTS it fails)."""
        if row.id in self._busy:
            return None
        lease = {"worker": self.worker_id, "lease_s": self.settings.lease_s}
        if not await self.store.reports.claim(row.id, row.claimed_at, attempt=attempt, **lease):
            return None
        self.hold(row.id)
        if attempt and await self.store.queue.attempts(row.id) > PROCESS_ATTEMPTS:
            return await self._fail(row.id, GAVE_UP)
        data = await self.store.reports.raw(row.id)
        if data is None:
            return await self._fail(row.id, GENERIC_ERROR)
        return await self._process(row.id, row.scope, data, row.filename, use_llm)

    async def _process(
        self, report_id: int, scope: str, data: bytes, filename: str | None, use_llm: bool
    ) -> ReportOutcome:
        self._busy.add(report_id)
        try:
            return await self._process_inner(report_id, scope, data, filename, use_llm)
        finally:
            self._busy.discard(report_id)

    async def _process_inner(
        self, report_id: int, scope: str, data: bytes, filename: str | None, use_llm: bool
    ) -> ReportOutcome:
        from extract.pipeline import make_digest

        link = None
        if filename == LINK_FILENAME:  # issue M: fetched now (bot/service_links.py)
            link = await self._link_input(report_id, scope, data)
            if not isinstance(link, LinkInput):
                return link
            data, filename = link.data, link.filename
        try:
            # bounded: a parse past the timeout fails the report (its thread finishes in the background;
            # the caps of extract/text/limits.py keep that short)
            parse = asyncio.to_thread(
                _prepare, data, filename, self.settings.max_upload_bytes, link, self.settings.ocr_max_pages
            )
            doc, sha = await asyncio.wait_for(parse, self.settings.parse_timeout_s)
        except InputError as exc:
            return await self._fail(report_id, exc.user_message)
        except TimeoutError:
            log.warning("reading report %d took over %.0f s", report_id, self.settings.parse_timeout_s)
            return await self._fail(report_id, PARSE_TIMEOUT.format(s=self.settings.parse_timeout_s))
        except Exception:
            log.exception("normalising report %d failed", report_id)
            return await self._fail(report_id, GENERIC_ERROR)

        # a twin already digested (the same text, or the same report in another form): no LLM spend
        first = await find_twin(self.store.reports, scope, sha, doc.text)
        if first is not None and first != report_id:
            if await self.store.reports.mark_duplicate(report_id, first):
                return await self._duplicate(report_id, first)
            return await self.outcome(report_id)

        # the counties the chat follows: a weak prior for the report's county (issue L)
        chat = scope_chat(scope)
        followed = await self.followed(chat) if chat is not None else []
        try:
            # the pipeline's one way in: counties completed, LLM trouble already turned into a warning
            digest = await make_digest(doc, self.llm if use_llm else None, followed=followed)
            if link is not None:
                digest = digest.model_copy(update={"url": link.url})
            figures, links = await asyncio.to_thread(_rows_for, digest, doc)
        except Exception:
            log.exception("digesting report %d failed", report_id)
            return await self._fail(report_id, GENERIC_ERROR)

        result = await self.store.reports.finish_report(
            report_id,
            scope=scope,
            sha256=sha,
            normalized=doc.text,
            title=digest.title or doc.title,
            published=digest.published or doc.published,
            source=digest.source or doc.source,
            backend=digest.backend,
            prompt_version=digest.prompt_version,
            digest_json=digest.model_dump_json(),
            figures=figures,
            counties=links,
        )
        if doc.ocr is not None:  # what OCR read, kept beside the pictures' references (issue M)
            await self.store.images.set_ocr_text(report_id, doc.ocr.raw_text)
        if result.status == "duplicate" and result.duplicate_of is not None:
            return await self._duplicate(report_id, result.duplicate_of)
        if result.status == "missing":  # deleted while it was digested: forget what the LLM step wrote
            await self.forget_text(sha)
        return await self.outcome(report_id)  # done (by us or another worker): as stored, with `received`

    async def _fail(self, report_id: int, message: str) -> ReportOutcome:
        if await self.store.reports.mark_failed(report_id, message):
            return ReportOutcome(report_id=report_id, status="failed", digest=None, error=message)
        return await self.outcome(report_id)

    async def _duplicate(self, report_id: int, first: int) -> ReportOutcome:
        digest, received = await self.digest_of(first), await self.store.reports.received(first)
        return ReportOutcome(
            report_id=report_id, status="duplicate", digest=digest, duplicate_of=first, received=received
        )

    # ---- delivery ------------------------------------------------------------------------------

    async def outcome_for_delivery(self, report_id: int) -> ReportOutcome | None:
        """Step three's input: what to send for a report, None while it is still pending."""
        outcome = await self.outcome(report_id)
        row = await self.store.reports.report(report_id)
        return None if row is not None and row.status == "pending" else outcome

    async def mark_delivered(self, report_id: int) -> bool:
        """Step three's end: the outcome reached its chat. False when it was already marked."""
        self.unhold(report_id)
        return await self.store.reports.mark_delivered(report_id)

    async def report_digest(self, report_id: int, scope: str | list[str]) -> Digest | None:
        """A report's digest for a chat: only when the report is in `scope` (a scope or a list of them)
        or public; a duplicate gives its first report's digest. None for a report of another chat, an
        unknown id, or one without a digest (pending/failed)."""
        scopes = [scope] if isinstance(scope, str) else list(scope)
        found = await self.store.reports.report_digest(report_id, scopes)
        return Digest.model_validate_json(found.data) if found else None

    async def latest_report(self, scope: str) -> int | None:
        """The newest report of a scope that has a digest (done, or a duplicate of a done one)."""
        return await self.store.reports.latest_report(scope)

    async def digest_of(self, report_id: int) -> Digest | None:
        data = await self.store.reports.digest_json(report_id)
        return Digest.model_validate_json(data) if data else None

    async def outcome(self, report_id: int) -> ReportOutcome:
        """The stored state of a report as an outcome (a pending one reads as failed-for-now)."""
        row = await self.store.reports.report(report_id)
        if row is None:  # deleted by its chat: nothing is sent for it
            return ReportOutcome(report_id=report_id, status="deleted", digest=None)
        if row.status == "done":
            digest = await self.digest_of(report_id)
            return ReportOutcome(report_id=report_id, status="done", digest=digest, received=row.received)
        if row.status == "duplicate" and row.duplicate_of is not None:
            return await self._duplicate(report_id, row.duplicate_of)
        error = row.error if row.status == "failed" else "报告仍在处理中。"
        return ReportOutcome(report_id=report_id, status="failed", digest=None, error=error or GENERIC_ERROR)

    # ---- queries -------------------------------------------------------------------------------

    async def targets(self, county_query: str, scopes: list[str]) -> TargetsAnswer:
        """A place's targets at any level, or a city's counties with 各县 (bot/lookup.py)."""
        from bot.lookup import place_targets

        return await place_targets(self.store.reports, county_query, scopes)

    async def period_digest(
        self,
        scopes: list[str],
        since: datetime,
        until: datetime | None = None,
        *,
        follow_counties: list[str] | None = None,
    ) -> PeriodDigest:
        """Reports received in [since, until) in these scopes, plus public reports on follow_counties."""
        if until is None:
            until = datetime.now(UTC) if since.tzinfo else utcnow()
        rows = await self.store.reports.period_rows(scopes, since, until, follow_counties or ())
        if len(rows) > 200:  # parsing many digests is CPU work: keep the loop free
            return await asyncio.to_thread(build_period_digest, rows, since, until)
        return build_period_digest(rows, since, until)
