"""A chat's reports: the list (/reports), one report it owns, search and delete. Built on the same tables
as bot/store/reports.py; only SQLAlchemy constructs, so SQLite and PostgreSQL behave the same (LIKE
with escaping, case-insensitive for Latin words on both).

Scopes are always checked here: a chat lists, searches and deletes only what its scopes allow."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, delete, exists, or_, select

from bot.store.base import Database
from bot.store.tables import (
    CorrectionRow,
    DigestRow,
    FigureTable,
    MessagePart,
    Report,
    ReportCounty,
    ReportMessage,
)

SEARCH_LIMIT = 20
SNIPPET = 36  # characters either side of a word found in the text
_NUMBER_CHAR = re.compile(r"[0-9.,%．％]")


# what a listed report shows (the /reports list, /search hits, delete's check): ReportEntry's first fields
_LISTED = (
    Report.id,
    Report.scope,
    Report.status,
    Report.title,
    Report.filename,
    Report.published,
    Report.received,
)

@dataclass(frozen=True)
class ReportEntry:
    """One report in a chat's list or a search answer."""

    id: int
    scope: str
    status: str  # done/duplicate/failed/pending
    title: str | None
    filename: str | None
    published: date | None
    received: datetime | None
    counties: tuple[str, ...] = ()
    snippet: str = ""  # search: where the word was found
    sender: str | None = None  # "tg:<user id>" (owned_report only: who may delete it in a group)

    @property
    def day(self) -> date | None:
        """The report's own date; None when it states none (shown 日期不详 · 收到于…, issue K)."""
        return self.published


@dataclass(frozen=True)
class Deleted:
    reports: int  # the report and its duplicates in the same scope
    sha256: str | None  # its normalised text's hash
    text: str | None  # that text (the caller drops the LLM cache entry keyed on it)


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class ReportList:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _counties_of(self, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        if not ids:
            return {}
        stmt = (
            select(ReportCounty.report_id, ReportCounty.county)
            .where(ReportCounty.report_id.in_(list(ids)))
            .order_by(ReportCounty.report_id, ReportCounty.position)
        )
        found: dict[int, list[str]] = {}
        async with self.db.read() as conn:
            for rid, name in (await conn.execute(stmt)).all():
                found.setdefault(rid, []).append(name)
        return {k: tuple(v) for k, v in found.items()}

    async def chat_reports(self, scope: str, *, limit: int = 20, offset: int = 0) -> list[ReportEntry]:
        """A scope's own reports, newest first (a duplicate lists its first report's counties)."""
        stmt = (
            select(*_LISTED, Report.duplicate_of)
            .where(Report.scope == scope)
            .order_by(Report.id.desc())
            .limit(limit)
            .offset(offset)
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(stmt)).all()
        counties = await self._counties_of([r.duplicate_of or r.id for r in rows])
        return [
            ReportEntry(*r[: len(_LISTED)], counties=counties.get(r.duplicate_of or r.id, ()))
            for r in rows
        ]

    async def owned_report(self, report_id: int, scope: str) -> ReportEntry | None:
        """The report if it belongs to `scope` (what delete and its confirmation check)."""
        stmt = select(*_LISTED, Report.sender).where(Report.id == report_id, Report.scope == scope)
        async with self.db.read() as conn:
            r = (await conn.execute(stmt)).first()
        if r is None:
            return None
        counties = await self._counties_of([r.id])
        return ReportEntry(*r[: len(_LISTED)], counties=counties.get(r.id, ()), sender=r.sender)

    async def delete_report(self, report_id: int, scope: str) -> Deleted | None:
        """Remove a report of `scope` with its raw text, digest, figures, county links and the message
        parts a paste was joined from (left behind, they would be joined into the report again), and the
        duplicates of it in the same scope (later sends of the same text). The report row is also its
        queue entry: a delivery still owed goes with it. None when the report is not this scope's
        (another chat's, public, or gone)."""
        async with self.db.write() as conn:
            found = (
                await conn.execute(
                    select(Report.sha256, Report.normalized).where(
                        Report.id == report_id, Report.scope == scope
                    )
                )
            ).first()
            if found is None:
                return None
            dup = select(Report.id).where(Report.duplicate_of == report_id, Report.scope == scope)
            ids = [report_id, *(await conn.execute(dup)).scalars()]
            # explicit deletes: do not rely on ON DELETE CASCADE being enabled on every connection
            for table in (FigureTable, ReportCounty, DigestRow, MessagePart, CorrectionRow, ReportMessage):
                await conn.execute(delete(table).where(table.report_id.in_(ids)))
            await conn.execute(delete(Report).where(Report.id.in_(ids)))
        return Deleted(reports=len(ids), sha256=found[0], text=found[1])

    async def text_still_stored(self, sha256: str) -> bool:
        stmt = select(exists().where(Report.sha256 == sha256))
        async with self.db.read() as conn:
            return bool((await conn.execute(stmt)).scalar())

    async def search(
        self, scopes: Sequence[str], words: Sequence[str], *, limit: int = SEARCH_LIMIT
    ) -> list[ReportEntry]:
        """Done reports in `scopes` where every word is in the title, text, a county name, or a figure's
        label or surface (5.8%, 地区生产总值). Newest first."""
        if not words:
            return []
        conds = []
        for w in words:
            pat = _like(w)
            county_hit = select(ReportCounty.report_id).where(ReportCounty.county.ilike(pat, escape="\\"))
            figure_hit = select(FigureTable.report_id).where(
                or_(FigureTable.label.ilike(pat, escape="\\"), FigureTable.surface.ilike(pat, escape="\\"))
            )
            conds.append(
                or_(
                    Report.title.ilike(pat, escape="\\"),
                    Report.normalized.ilike(pat, escape="\\"),
                    Report.id.in_(county_hit),
                    Report.id.in_(figure_hit),
                )
            )
        stmt = (
            select(*_LISTED, Report.normalized)
            .where(Report.status == "done", Report.scope.in_(list(scopes)), and_(*conds))
            .order_by(Report.id.desc())
            .limit(limit)
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(stmt)).all()
        counties = await self._counties_of([r.id for r in rows])
        return [
            ReportEntry(
                *r[: len(_LISTED)],
                counties=counties.get(r.id, ()),
                snippet=_snippet(r.normalized or "", words),
            )
            for r in rows
        ]


def _snippet(text: str, words: Sequence[str]) -> str:
    low = text.lower()
    for w in words:
        at = low.find(w.lower())
        if at >= 0:
            start, end = max(0, at - SNIPPET), min(len(text), at + len(w) + SNIPPET)
            # never cut inside a number: a clipped "7." would show a figure the report never said
            while start > 0 and _NUMBER_CHAR.match(text[start - 1]) and _NUMBER_CHAR.match(text[start]):
                start -= 1
            while end < len(text) and _NUMBER_CHAR.match(text[end - 1]) and _NUMBER_CHAR.match(text[end]):
                end += 1
            body = " ".join(text[start:end].split())
            return ("…" if start else "") + body + ("…" if end < len(text) else "")
    return ""
