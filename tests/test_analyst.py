"""The analyst's queries (bot.tracking and bot.report_list over bot/store/tracking.py and
bot/store/report_list.py) on SQLite and PostgreSQL: invented report pairs (tests/test_track.py) go
through the real Service and pipeline, then tracking, /targets statuses, export, search, the chat's
report list and delete are read back from the store."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from bot import report_list, tracking
from bot.service import Service, chat_scope
from bot.settings import Settings
from bot.store.tables import DigestRow, FigureTable, Report, ReportCounty
from tests.test_track import MIDYEAR_REPORT, RESULT_REPORT, REVISION_REPORT, TARGET_REPORT

A, B = chat_scope(101), chat_scope(202)
PAIR = (TARGET_REPORT, REVISION_REPORT, MIDYEAR_REPORT, RESULT_REPORT)


@pytest.fixture
async def service(db_url: str):
    s = await Service.create(Settings(db=db_url))  # type: ignore[arg-type]
    yield s
    await s.close()


async def _submit(service: Service, text: str, scope: str = "public", sender: str = "cli") -> int:
    out = await service.submit(scope=scope, sender=sender, data=text.encode("utf-8"), use_llm=False)
    assert out.status == "done", out
    return out.report_id


async def _count(service: Service, table: type, report_id: int) -> int:
    col = table.id if table is Report else table.report_id
    async with service.store.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).where(col == report_id))).scalar() or 0)


async def test_track_matches_targets_with_later_results(service: Service) -> None:
    for text in PAIR:
        await _submit(service, text)
    answer = await tracking.track(service, "蒲县", ["public"])
    assert answer.status == "ok" and answer.county is not None and answer.county.name == "蒲县"
    got = {s.metric: s for s in answer.items}
    assert got["地区生产总值增长"].status == "接近目标"  # 6%左右 against 5.9%
    assert got["固定资产投资增长"].status == "已完成"
    assert got["社会消费品零售总额增长"].status == "未完成"
    # revised 4% -> 3.5%, missed by 3%; the earlier value is kept for 「此前：…」
    revenue = got["一般公共预算收入增长"]
    assert revenue.status == "未完成" and revenue.target.surface == "3.5%"
    assert revenue.previous_text.startswith("此前：4%")
    # untracked (no later data) are counted, not listed
    assert "粮食产量" not in got and answer.untracked >= 1
    # dates from the reports (published), sources and quotes carried from the store
    gdp = got["地区生产总值增长"]
    assert gdp.target.report_date is not None and gdp.target.report_date.isoformat() == "2024-01-10"
    assert gdp.result is not None and gdp.result.report_date.isoformat() == "2025-01-12"
    assert "6%左右" in gdp.target.quote and gdp.result.value == 5.9
    # another chat's scope sees none of the public pair unless it asks for public
    assert (await tracking.track(service, "蒲县", [A])).items == []


async def test_targets_answer_carries_status_and_revision(service: Service) -> None:
    for text in PAIR:
        await _submit(service, text)
    answer = await tracking.targets_with_status(service, "蒲县", ["public"])
    by_label = {t.label: t for t in answer.targets}
    gdp = next(t for t in answer.targets if t.surface == "6%左右")
    assert gdp.status == "接近目标" and "5.9%" in gdp.status_note
    grain = by_label["粮食产量"]
    assert grain.status == "无后续数据"
    revised = next(t for t in answer.targets if t.surface == "3.5%")
    assert revised.status == "未完成" and revised.earlier  # 此前 kept as before
    assert all(t.status for t in answer.targets), by_label


async def test_export_csv_every_figure_with_bom(service: Service) -> None:
    for text in PAIR:
        await _submit(service, text)
    await _submit(service, TARGET_REPORT.replace("蒲县", "吉县"), scope=B)  # another chat's: not exported
    answer, data, n = await tracking.export(service, "蒲县", ["public", A], "csv")
    assert answer.status == "ok" and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == n and n >= 12
    assert {r["县"] for r in rows} == {"蒲县"}
    assert {"目标", "实际"} <= {r["类型"] for r in rows}
    gdp = next(r for r in rows if r["原文写法"] == "6%左右")
    assert gdp["完成情况"] == "接近目标" and gdp["日期"] == "2024-01-10"
    every, data_all, _ = await tracking.export(service, None, ["public"], "json")
    assert every.status == "ok"
    assert {r["county"] for r in json.loads(data_all)} == {"蒲县"}
    _, mine, _ = await tracking.export(service, None, [B], "json")
    assert {r["county"] for r in json.loads(mine)} == {"吉县"}


async def test_search_by_word_county_and_figure_only_in_visible_scopes(service: Service) -> None:
    public = await _submit(service, RESULT_REPORT)
    own = await _submit(service, MIDYEAR_REPORT, scope=A)
    other = await _submit(service, TARGET_REPORT, scope=B)
    mine = [A, "public"]
    assert {r.id for r in await report_list.search(service, mine, "蒲县")} == {public, own}
    assert [r.id for r in await report_list.search(service, mine, "5.9%")] == [public]  # a figure, % escaped
    assert [r.id for r in await report_list.search(service, mine, "上半年 蒲县")] == [own]  # every word
    hit = (await report_list.search(service, mine, "固定资产投资"))[0]
    assert "固定资产投资" in hit.snippet and hit.counties == ("蒲县",)
    assert await report_list.search(service, mine, "粮食产量") == []  # only in chat B's report
    assert [r.id for r in await report_list.search(service, [B], "粮食")] == [other]
    assert await report_list.search(service, mine, "100%") == []  # LIKE wildcards are literal


async def test_chat_lists_and_deletes_only_its_own_reports(service: Service) -> None:
    mine = await _submit(service, TARGET_REPORT, scope=A, sender="tg:1")
    again = await service.submit(scope=A, sender="tg:1", data=TARGET_REPORT.encode(), use_llm=False)
    twin = again.report_id
    assert again.status == "duplicate" and again.duplicate_of == mine
    theirs = await _submit(service, RESULT_REPORT, scope=B, sender="tg:2")
    public = await _submit(service, MIDYEAR_REPORT)
    listed = await report_list.chat_reports(service, A)
    assert [r.id for r in listed] == [twin, mine] and listed[1].counties == ("蒲县",)
    assert listed[1].day is not None and listed[1].day.isoformat() == "2024-01-10"
    # another chat's report and a public one cannot be deleted from chat A
    assert not await report_list.delete_report(service, theirs, A)
    assert not await report_list.delete_report(service, public, A)
    assert await report_list.owned_report(service, theirs, A) is None
    assert await _count(service, FigureTable, theirs) > 0
    # its own report goes with its digest, figures, county links and raw text, and its duplicate
    assert await _count(service, FigureTable, mine) > 0
    assert await report_list.delete_report(service, mine, A)
    for table in (Report, DigestRow, FigureTable, ReportCounty):
        assert await _count(service, table, mine) == 0, table
    assert await _count(service, Report, twin) == 0
    assert await report_list.chat_reports(service, A) == []
    assert await service.report_digest(mine, A) is None
    assert (await tracking.targets_with_status(service, "蒲县", [A])).targets == []
    assert not await report_list.delete_report(service, mine, A)  # already gone
    assert await _count(service, Report, theirs) == 1 and await _count(service, Report, public) == 1


async def test_delete_drops_the_llm_cache_entry_of_a_text_no_longer_stored(db_url: str) -> None:
    from types import SimpleNamespace

    from extract.llm.cache import cache_key

    settings = Settings(db=db_url, openai_base_url="http://127.0.0.1:9/v1")  # type: ignore[arg-type]
    service = await Service.create(settings)
    try:
        mine = await _submit(service, TARGET_REPORT, scope=A)
        twin = await _submit(service, TARGET_REPORT, scope=B)  # the same text in another chat
        text = await _normalized(service, mine)
        key = cache_key(SimpleNamespace(text=text), settings.llm_config())  # type: ignore[arg-type]
        await service.store.llm.cache_put(key, "{}")
        assert await report_list.delete_report(service, mine, A)
        assert await service.store.llm.cache_get(key) == "{}"  # chat B's copy still uses it
        assert await report_list.delete_report(service, twin, B)
        assert await service.store.llm.cache_get(key) is None
    finally:
        await service.close()


async def _normalized(service: Service, report_id: int) -> str:
    async with service.store.engine.connect() as conn:
        return (await conn.execute(select(Report.normalized).where(Report.id == report_id))).scalar_one()


def test_search_snippet_never_cuts_a_number() -> None:
    from bot.store.report_list import SNIPPET, _snippet

    # the window ends between the 1 and the 7 of 17.5%
    filler = "乙" * (SNIPPET - 19)
    text = "前言" * 30 + "固定资产投资增长9.1%，" + filler + "规上工业增加值增长17.5%，后文" * 3
    snippet = _snippet(text, ["固定资产"])
    assert snippet.startswith("…") and "固定资产投资增长9.1%" in snippet
    tail = snippet.rstrip("…")
    assert "规上工业增加值增长17.5%" in tail and not tail[-1].isdigit()
