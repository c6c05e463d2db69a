"""The store-backed service the CLI commands and the Telegram bot call (contract: notes/service_api.md).

Every report is written raw first (status pending), then normalised and digested — CPU-bound parsing in a
worker thread so the event loop keeps serving — and finished in one transaction. Scopes: "public" for
CLI-ingested reports, "chat:<id>" for reports sent in a Telegram chat.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel

from bot.period_digest import CountyGroup, PeriodDigest, ReportBrief, build_period_digest
from bot.settings import Settings, format_clock, parse_clock
from bot.store.llm import StoreCallLog, StoreDigestCache
from bot.store.repo import Store, utcnow
from bot.targets import TargetItem, TargetsAnswer, merge_targets, resolve_county
from extract.errors import InputError, TooLargeError
from extract.models import County, Digest, Document, Figure, Script
from extract.places.attribution import attribute

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

PUBLIC = "public"
GENERIC_ERROR = "处理这份报告时出错了，请稍后再试。"


def chat_scope(chat_id: int) -> str:
    return f"chat:{chat_id}"


def parse_scope(text: str) -> str:
    """CLI spelling of a scope: "public", "chat:-100123" or just the chat id."""
    t = text.strip()
    if t == PUBLIC or re.fullmatch(r"chat:-?\d+", t):
        return t
    if re.fullmatch(r"-?\d+", t):
        return chat_scope(int(t))
    raise ValueError(f"scope must be 'public', 'chat:<id>' or a chat id, got {text!r}")


class ReportOutcome(BaseModel):
    report_id: int
    status: Literal["done", "failed", "duplicate"]
    digest: Digest | None  # the (first) digest; for "duplicate", the earlier report's digest
    error: str | None = None  # user-facing Chinese message when failed
    duplicate_of: int | None = None


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


def _complete(county: County) -> County:
    """Give an LLM- or rules-found county its city/province when the gazetteer knows it unambiguously, so
    the same county always has the same key in the figures table."""
    if county.province and county.city:
        return county
    try:
        from extract.places.gazetteer import lookup

        found = [c for c in lookup(county.name) if c.name == county.name]
    except Exception:  # the gazetteer is an aid here, never a reason to lose a report
        log.exception("gazetteer lookup failed for %s", county.name)
        return county
    if len(found) == 1:
        return found[0]
    return county


def figure_row(f: Figure, position: int, owner: County | None) -> dict:
    """A figure as a row of the figures table, attributed to the county it is about."""
    return {
        "position": position,
        "county": owner.name if owner else None,
        "city": owner.city if owner else None,
        "province": owner.province if owner else None,
        "label": f.label,
        "value": float(f.value),
        "unit": f.unit,
        "kind": f.kind,
        "period": f.period,
        "quote": f.quote,
        "surface": f.surface,
    }


def _rows_for(digest: Digest, doc: Document) -> tuple[list[dict], list[dict]]:
    counties: list[County] = []
    for c in digest.counties:
        c = _complete(c)
        if all(x.name != c.name for x in counties):
            counties.append(c)
    owners = attribute(digest.figures, counties, doc.text)
    pairs = enumerate(zip(digest.figures, owners, strict=True))
    figures = [figure_row(f, i, owner) for i, (f, owner) in pairs]
    links = [
        {"county": c.name, "city": c.city, "province": c.province, "position": i}
        for i, c in enumerate(counties)
    ]
    return figures, links


def _prepare(data: bytes, filename: str | None, max_bytes: int) -> tuple[Document, str]:
    """Worker-thread part one: bytes -> normalised Document and its sha256."""
    from extract.pipeline import document_from_bytes

    doc = document_from_bytes(data, filename, max_bytes=max_bytes)
    return doc, hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


def _rules(doc: Document) -> Digest:
    from extract.pipeline import rules_digest

    return rules_digest(doc)


class StoreOpenError(Exception):
    """The database cannot be opened (bad URL, missing driver, unwritable path); str() is for users."""


async def open_store(raw_url: str) -> Store:
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from bot.store.db import database_url, safe_url

    try:
        url = database_url(raw_url)
    except (ArgumentError, ValueError) as exc:
        raise StoreOpenError(f"COUNTYBOT_DB 不是有效的数据库地址：{exc}") from exc
    try:
        return await Store.open(url)
    except ArgumentError as exc:  # e.g. an unknown driver name
        raise StoreOpenError(f"COUNTYBOT_DB 不是可用的数据库地址（{safe_url(url)}）：{exc}") from exc
    except ImportError as exc:
        raise StoreOpenError(f"缺少数据库驱动 {exc.name or exc}（{safe_url(url)}）") from exc
    except (DBAPIError, OSError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise StoreOpenError(f"无法打开数据库 {safe_url(url)}：{reason}") from exc


class Service:
    def __init__(
        self, store: Store, settings: Settings, *, llm: LLMBackend | None = None, owns_llm: bool = False
    ) -> None:
        self.store = store
        self.settings = settings
        self.llm = llm
        self._owns_llm = owns_llm
        self._busy: set[int] = set()  # reports this process is working on (resume_pending skips them)

    @classmethod
    async def create(cls, settings: Settings, *, llm: LLMBackend | None = None) -> Service:
        """Opens the store (runs migrations). StoreOpenError, with a readable message, when it cannot."""
        store = await open_store(settings.db)
        owns = False
        if llm is None and settings.llm_config().enabled:
            from extract.llm.backend import LLMBackend

            llm = LLMBackend(
                settings.llm_config(), cache=StoreDigestCache(store), call_log=StoreCallLog(store)
            )
            owns = True
        return cls(store, settings, llm=llm, owns_llm=owns)

    async def close(self) -> None:
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
        if len(data) > self.settings.max_upload_bytes:
            # recorded, but the oversized bytes are not kept: they could never be processed
            report_id = await self.store_raw(scope=scope, sender=sender, data=b"", filename=filename)
            return await self._fail(report_id, TooLargeError.user_message)
        report_id = await self.store_raw(scope=scope, sender=sender, data=data, filename=filename)
        return await self._process(report_id, scope, data, filename, use_llm)

    async def store_raw(
        self, *, scope: str, sender: str | None, data: bytes, filename: str | None = None
    ) -> int:
        """Step one of submit, on its own: the raw report is durable (status pending) before any parsing."""
        return await self.store.insert_report(scope=scope, sender=sender, filename=filename, raw=data)

    async def resume_pending(self, *, older_than_s: float = 0.0, use_llm: bool = True) -> int:
        """Finish reports left pending by a crash; returns how many were finished (done/failed/duplicate).

        older_than_s: only reports claimed at least that long ago — a second process (CLI beside the bot)
        passes a few minutes so it never takes over a report another live process is still working on."""
        return len(await self.resume_pending_outcomes(older_than_s=older_than_s, use_llm=use_llm))

    async def resume_pending_outcomes(
        self, *, older_than_s: float = 0.0, use_llm: bool = True
    ) -> list[ResumedReport]:
        """resume_pending, returning each finished report's outcome with its scope and sender, so the
        bot can send chat reports their digest."""
        cutoff = utcnow() - timedelta(seconds=older_than_s)
        finished: list[ResumedReport] = []
        for row in await self.store.pending(claimed_before=cutoff):
            if row.id in self._busy or not await self.store.claim(row.id, row.claimed_at):
                continue
            data = await self.store.raw(row.id)
            if data is None:
                outcome = await self._fail(row.id, GENERIC_ERROR)
            else:
                outcome = await self._process(row.id, row.scope, data, row.filename, use_llm)
            log.info("resumed report %d: %s", row.id, outcome.status)
            finished.append(ResumedReport(scope=row.scope, sender=row.sender, outcome=outcome))
        return finished

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
        try:
            doc, sha = await asyncio.to_thread(_prepare, data, filename, self.settings.max_upload_bytes)
        except InputError as exc:
            return await self._fail(report_id, exc.user_message)
        except Exception:
            log.exception("normalising report %d failed", report_id)
            return await self._fail(report_id, GENERIC_ERROR)

        # a twin already digested: no parsing, no LLM spend
        first = await self.store.find_done(scope, sha)
        if first is not None and first != report_id:
            if await self.store.mark_duplicate(report_id, first):
                return await self._duplicate(report_id, first)
            return await self.outcome(report_id)

        try:
            digest = await self._digest(doc, use_llm)
            figures, links = await asyncio.to_thread(_rows_for, digest, doc)
        except Exception:
            log.exception("digesting report %d failed", report_id)
            return await self._fail(report_id, GENERIC_ERROR)

        result = await self.store.finish_report(
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
        if result.status == "duplicate" and result.duplicate_of is not None:
            return await self._duplicate(report_id, result.duplicate_of)
        if result.by_other:
            return await self.outcome(report_id)
        return ReportOutcome(report_id=report_id, status="done", digest=digest)

    async def _digest(self, doc: Document, use_llm: bool) -> Digest:
        rules = await asyncio.to_thread(_rules, doc)
        if not use_llm or self.llm is None:
            return rules
        try:
            return await self.llm.digest(doc, rules)
        except Exception:
            # the backend falls back by itself; this is the last guard so a report is never lost to it
            log.exception("LLM digest failed; keeping the rules digest")
            return rules.model_copy(update={"warnings": [*rules.warnings, "LLM 摘要失败，已改用规则摘要。"]})

    async def _fail(self, report_id: int, message: str) -> ReportOutcome:
        if await self.store.mark_failed(report_id, message):
            return ReportOutcome(report_id=report_id, status="failed", digest=None, error=message)
        return await self.outcome(report_id)

    async def _duplicate(self, report_id: int, first: int) -> ReportOutcome:
        return ReportOutcome(
            report_id=report_id, status="duplicate", digest=await self.digest_of(first), duplicate_of=first
        )

    async def report_digest(self, report_id: int, scope: str | list[str]) -> Digest | None:
        """A report's digest for a chat: only when the report is in `scope` (a scope or a list of them)
        or public; a duplicate gives its first report's digest. None for a report of another chat, an
        unknown id, or one without a digest (pending/failed)."""
        scopes = [scope] if isinstance(scope, str) else list(scope)
        found = await self.store.report_digest(report_id, scopes)
        return Digest.model_validate_json(found.data) if found else None

    async def latest_report(self, scope: str) -> int | None:
        """The newest report of a scope that has a digest (done, or a duplicate of a done one)."""
        return await self.store.latest_report(scope)

    async def digest_of(self, report_id: int) -> Digest | None:
        data = await self.store.digest_json(report_id)
        return Digest.model_validate_json(data) if data else None

    async def outcome(self, report_id: int) -> ReportOutcome:
        """The stored state of a report as an outcome (a pending one reads as failed-for-now)."""
        row = await self.store.report(report_id)
        if row is None:
            raise KeyError(report_id)
        if row.status == "done":
            return ReportOutcome(report_id=report_id, status="done", digest=await self.digest_of(report_id))
        if row.status == "duplicate" and row.duplicate_of is not None:
            return await self._duplicate(report_id, row.duplicate_of)
        error = row.error if row.status == "failed" else "报告仍在处理中。"
        return ReportOutcome(report_id=report_id, status="failed", digest=None, error=error or GENERIC_ERROR)

    # ---- queries -------------------------------------------------------------------------------

    async def targets(self, county_query: str, scopes: list[str]) -> TargetsAnswer:
        query = county_query.strip()
        status, found = await asyncio.to_thread(resolve_county, query)
        if status == "unknown" and query:
            row = await self.store.stored_county(query)
            if row is not None:
                status, found = "ok", [County(name=row.county, city=row.city, province=row.province)]
        if status == "unknown":
            return TargetsAnswer(status="unknown", query=county_query)
        if status == "ambiguous":
            return TargetsAnswer(status="ambiguous", query=county_query, candidates=found)
        county = found[0]
        rows = await self.store.target_rows(county.name, county.city, county.province, scopes)
        n = await self.store.county_report_count(county.name, county.city, county.province, scopes)
        return TargetsAnswer(
            status="ok", query=county_query, county=county, targets=merge_targets(rows), reports=n
        )

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
        rows = await self.store.period_rows(scopes, since, until, follow_counties or ())
        if len(rows) > 200:  # parsing many digests is CPU work: keep the loop free
            return await asyncio.to_thread(build_period_digest, rows, since, until)
        return build_period_digest(rows, since, until)

    # ---- chats ---------------------------------------------------------------------------------

    async def chat_settings(self, chat_id: int) -> ChatSettings:
        script = await self.store.chat_script(chat_id)
        return ChatSettings(chat_id=chat_id, script=script or "simplified")  # type: ignore[arg-type]

    async def set_script(self, chat_id: int, script: Script) -> None:
        if script not in ("simplified", "traditional"):
            raise ValueError(f"unknown script {script!r}")
        await self.store.set_script(chat_id, script)

    async def take_llm_quota(self, chat_id: int, day: date, limit: int) -> bool:
        return await self.store.take_quota(chat_id, day, limit)

    async def llm_quota_used(self, chat_id: int, day: date) -> int:
        return await self.store.quota_used(chat_id, day)

    # ---- subscriptions -------------------------------------------------------------------------

    async def subscribe(self, chat_id: int, time: str, timezone: str) -> Subscription:
        """Create or move the chat's daily digest. ValueError for a bad time or an unknown time zone."""
        time = format_clock(parse_clock(time))
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {timezone!r}") from exc
        await self.store.upsert_subscription(chat_id, time, timezone)
        follows = await self.store.follows([chat_id])
        return Subscription(chat_id=chat_id, time=time, timezone=timezone, counties=follows.get(chat_id, []))

    async def unsubscribe(self, chat_id: int) -> bool:
        """Stops the daily digest; followed counties are kept for a later subscribe."""
        return await self.store.delete_subscription(chat_id)

    async def follow(self, chat_id: int, county: str) -> None:
        await self.store.add_follow(chat_id, county.strip())

    async def unfollow(self, chat_id: int, county: str) -> bool:
        return await self.store.remove_follow(chat_id, county.strip())

    async def followed(self, chat_id: int) -> list[str]:
        return (await self.store.follows([chat_id])).get(chat_id, [])

    async def subscription(self, chat_id: int) -> Subscription | None:
        rows = await self.store.subscription_rows(chat_id)
        if not rows:
            return None
        return Subscription(
            chat_id=chat_id,
            time=rows[0].time,
            timezone=rows[0].timezone,
            counties=await self.followed(chat_id),
        )

    async def subscriptions(self) -> list[Subscription]:
        rows = await self.store.subscription_rows()
        follows = await self.store.follows([r.chat_id for r in rows]) if rows else {}
        return [
            Subscription(
                chat_id=r.chat_id, time=r.time, timezone=r.timezone, counties=follows.get(r.chat_id, [])
            )
            for r in rows
        ]

    async def mark_digest_sent(self, chat_id: int, day: date) -> bool:
        """False when that day was already marked sent (atomic: a unique key, not read-then-write)."""
        return await self.store.mark_sent(chat_id, day)

    async def digest_sent(self, chat_id: int, day: date) -> bool:
        return await self.store.was_sent(chat_id, day)
