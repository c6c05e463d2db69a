"""The pictures a report was read from (issue M, migration 7), on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import delete, inspect

from bot.store.images import ImageRef
from bot.store.migrations import MIGRATIONS
from bot.store.repo import Store
from bot.store.tables import Report, SchemaVersion


async def test_picture_references_and_ocr_text_are_kept_and_go_with_the_report(db_url: str) -> None:
    store = await Store.open(db_url)
    try:
        rid = await store.reports.insert_report(
            scope="chat:7", sender="tg:7", filename="相册（2 张）.jpg", raw=b"x"
        )
        pages = [ImageRef("FILE1", "U1", "照片_1.jpg"), ImageRef("FILE2", "U2", "照片_2.jpg")]
        await store.images.keep(rid, pages)
        await store.images.keep(rid, pages)  # an update handled twice: the same pages, not four
        await store.images.set_ocr_text(rid, "第一页\n第二页")
        assert await store.images.of(rid) == pages
        assert await store.images.ocr_text(rid) == "第一页\n第二页"
        async with store.engine.begin() as conn:
            await conn.execute(delete(Report).where(Report.id == rid))
        assert await store.images.of(rid) == []  # ON DELETE CASCADE
    finally:
        await store.close()


async def test_migration_7_upgrades_a_database_made_before_it(db_url: str) -> None:
    """A database at version 3 (reports without ocr_text, no report_images) gets both, data kept."""
    store = await Store.open(db_url)
    try:
        rid = await store.reports.insert_report(scope="public", sender=None, filename="a.txt", raw=b"a")
        async with store.engine.begin() as conn:
            await conn.exec_driver_sql("DROP TABLE report_images")
            await conn.exec_driver_sql("ALTER TABLE reports DROP COLUMN ocr_text")
            await conn.execute(delete(SchemaVersion).where(SchemaVersion.version == 7))
    finally:
        await store.close()
    store = await Store.open(db_url)
    try:
        async with store.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
            columns = await conn.run_sync(
                lambda c: {col["name"] for col in inspect(c).get_columns("reports")}
            )
        assert "report_images" in tables and "ocr_text" in columns
        assert await store.reports.raw(rid) == b"a"
        await store.images.keep(rid, [ImageRef("F", None, "a.png")])
        assert [r.file_name for r in await store.images.of(rid)] == ["a.png"]
        assert 7 in [n for n, _, _ in MIGRATIONS]
    finally:
        await store.close()
