"""Corrections (issue L): a person sets a report's county and/or date. The correction is kept as a row
(who, when, what was extracted before) and applied, in the same transaction, to everything that reads
the report: its county links, its figures' county (so /targets, /track, /chart and /export follow at
once), its date, and its stored digest (which then says 已人工更正). Also which report each digest message
the bot sent shows, so a reply to a digest finds its report after a restart."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, insert, select, update

from bot.models import MANUAL
from bot.store.base import Database, fit, utcnow
from bot.store.tables import CorrectionRow, DigestRow, FigureTable, Report, ReportCounty, ReportMessage
from extract.models import County, Digest


@dataclass(frozen=True)
class Correction:
    id: int
    report_id: int
    by: str | None
    chat_id: int | None
    at: datetime
    county: str | None
    published: date | None
    before: dict


@dataclass(frozen=True)
class Target:
    """A report a correction may be made to: its scope (who may correct it) and its digest."""

    report_id: int
    scope: str
    status: str
    digest: Digest | None


class Corrections:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def target(self, report_id: int) -> Target | None:
        """The report (a duplicate resolves to the report holding the digest, when in the same scope)."""
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(Report.id, Report.scope, Report.status, Report.duplicate_of).where(
                        Report.id == report_id
                    )
                )
            ).first()
            if row is None:
                return None
            rid, scope, status = row.id, row.scope, row.status
            if status == "duplicate" and row.duplicate_of is not None:
                first = (
                    await conn.execute(
                        select(Report.scope, Report.status).where(Report.id == row.duplicate_of)
                    )
                ).first()
                if first is not None and first.scope == scope:
                    rid, status = row.duplicate_of, first.status
            data = (await conn.execute(select(DigestRow.data).where(DigestRow.report_id == rid))).scalar()
        return Target(rid, scope, status, Digest.model_validate_json(data) if data else None)

    async def apply(
        self,
        report_id: int,
        *,
        county: County | None,
        published: date | None,
        dated: Mapping[int, Mapping[str, str | None]] | None = None,
        by: str | None,
        chat_id: int | None,
    ) -> Correction | None:
        """Set the county (every figure is then about it) and/or the date (`dated`: figure position -> its
        period and kind under the new date, for the figures that followed the date). None when the report
        has no digest (pending, failed, deleted)."""
        now = utcnow()
        async with self.db.write() as conn:
            data = (
                await conn.execute(select(DigestRow.data).where(DigestRow.report_id == report_id))
            ).scalar()
            if data is None:
                return None
            digest = Digest.model_validate_json(data)
            before = {
                "counties": [c.model_dump(mode="json") for c in digest.counties],
                "published": digest.published.isoformat() if digest.published else None,
            }
            sources = dict(digest.sources)
            changes: dict = {}
            if county is not None:
                changes["counties"] = [county.model_copy(update={"confidence": "sure"})]
                changes["county_candidates"] = []
                sources["county"] = MANUAL
                await conn.execute(delete(ReportCounty).where(ReportCounty.report_id == report_id))
                link = dict(
                    report_id=report_id, county=county.name, city=county.city, province=county.province
                )
                await conn.execute(insert(ReportCounty).values(fit(ReportCounty, {**link, "position": 0})))
                owner = dict(county=county.name, city=county.city, province=county.province)
                await conn.execute(
                    update(FigureTable)
                    .where(FigureTable.report_id == report_id)
                    .values(fit(FigureTable, owner))
                )
            if published is not None:
                changes["published"] = published
                sources["published"] = MANUAL
                await conn.execute(update(Report).where(Report.id == report_id).values(published=published))
                if dated:
                    figures = list(digest.figures)
                    for pos, values in dated.items():
                        if 0 <= pos < len(figures):
                            figures[pos] = figures[pos].model_copy(update=dict(values))
                        await conn.execute(
                            update(FigureTable)
                            .where(FigureTable.report_id == report_id, FigureTable.position == pos)
                            .values(fit(FigureTable, dict(values)))
                        )
                    changes["figures"] = figures
            changes["sources"] = sources
            fixed = digest.model_copy(update=changes)
            await conn.execute(
                update(DigestRow).where(DigestRow.report_id == report_id).values(data=fixed.model_dump_json())
            )
            values = dict(
                report_id=report_id,
                by=by,
                chat_id=chat_id,
                at=now,
                county=county.name if county else None,
                city=county.city if county else None,
                province=county.province if county else None,
                level=county.level if county else None,
                published=published,
                before=json.dumps(before, ensure_ascii=False),
            )
            res = await conn.execute(insert(CorrectionRow).values(fit(CorrectionRow, values)))
            cid = int(res.inserted_primary_key[0])
        return Correction(
            cid, report_id, by, chat_id, now, county.name if county else None, published, before
        )

    async def normalized(self, report_id: int) -> str | None:
        async with self.db.read() as conn:
            return (await conn.execute(select(Report.normalized).where(Report.id == report_id))).scalar()

    async def history(self, report_id: int) -> list[Correction]:
        stmt = select(CorrectionRow).where(CorrectionRow.report_id == report_id).order_by(CorrectionRow.id)
        async with self.db.read() as conn:
            rows = (await conn.execute(stmt)).all()
        return [
            Correction(r.id, r.report_id, r.by, r.chat_id, r.at, r.county, r.published, json.loads(r.before))
            for r in rows
        ]

    # ---- which report a digest message shows --------------------------------------------------------

    async def remember_messages(self, chat_id: int, message_ids: Sequence[int], report_id: int) -> None:
        if not message_ids:
            return
        async with self.db.write() as conn:
            have = set(
                (
                    await conn.execute(
                        select(ReportMessage.message_id).where(
                            ReportMessage.chat_id == chat_id, ReportMessage.message_id.in_(list(message_ids))
                        )
                    )
                ).scalars()
            )
            rows = [
                dict(chat_id=chat_id, message_id=m, report_id=report_id) for m in message_ids if m not in have
            ]
            if rows:
                await conn.execute(insert(ReportMessage), rows)

    async def report_for_message(self, chat_id: int, message_id: int) -> int | None:
        stmt = select(ReportMessage.report_id).where(
            ReportMessage.chat_id == chat_id, ReportMessage.message_id == message_id
        )
        async with self.db.read() as conn:
            return (await conn.execute(stmt)).scalar()
