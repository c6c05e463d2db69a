"""The pictures a report was read from (issue M, migration 7): Telegram file ids and names in page
order, and the OCR text as read (reports.ocr_text), so a report made from photos can be checked against
its pictures and fetched again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update

from bot.store.base import Database, fit
from bot.store.tables import Report, ReportImage


@dataclass(frozen=True, slots=True)
class ImageRef:
    file_id: str | None = None
    file_unique_id: str | None = None
    file_name: str | None = None


class Images:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def keep(self, report_id: int, refs: Sequence[ImageRef]) -> None:
        """The report's pictures, page 1 first (stored again: the same pages replaced)."""
        rows = [
            fit(ReportImage, {"report_id": report_id, "position": i, **_fields(ref)})
            for i, ref in enumerate(refs, start=1)
        ]
        async with self.db.write() as conn:
            await conn.execute(delete(ReportImage).where(ReportImage.report_id == report_id))
            if rows:
                await conn.execute(insert(ReportImage), rows)

    async def of(self, report_id: int) -> list[ImageRef]:
        stmt = (
            select(ReportImage.file_id, ReportImage.file_unique_id, ReportImage.file_name)
            .where(ReportImage.report_id == report_id)
            .order_by(ReportImage.position)
        )
        async with self.db.read() as conn:
            return [ImageRef(*row) for row in await conn.execute(stmt)]

    async def set_ocr_text(self, report_id: int, text: str) -> None:
        async with self.db.write() as conn:
            await conn.execute(update(Report).where(Report.id == report_id).values(ocr_text=text))

    async def ocr_text(self, report_id: int) -> str | None:
        async with self.db.read() as conn:
            return (await conn.execute(select(Report.ocr_text).where(Report.id == report_id))).scalar()


def _fields(ref: ImageRef) -> dict[str, str | None]:
    return {"file_id": ref.file_id, "file_unique_id": ref.file_unique_id, "file_name": ref.file_name}
