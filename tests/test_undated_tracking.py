"""Issue K at the query level (real Service, pipeline and store, SQLite and PostgreSQL): an undated text is
never tracked, ordered or shown as if written the day it was received, and a figure whose period cannot be
known (时期不详) is never paired with a target or a result."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot import report_list, tracking
from bot.render.html import render_targets
from bot.render.report_list import entry_line
from bot.render.text import render_targets_text
from bot.service import Service
from bot.settings import Settings
from bot.store.tables import FigureTable, Report
from bot.track import TrackedFigure, match_targets
from bot.track_periods import report_day

# the machine's year: the year an undated paste's 今年 would wrongly become
YEAR = datetime.now(UTC).year
TODAY = datetime.now(UTC).date().isoformat()

TARGETS = f"""蒲县{YEAR}年政府工作报告
{YEAR}年1月10日
{YEAR}年经济社会发展的主要预期目标是：全县地区生产总值增长6%左右，社会消费品零售总额增长5.5%，固定资产投资增长8%以上。
"""
RESULTS = f"""蒲县{YEAR}年前三季度经济运行情况
{YEAR}年10月20日
{YEAR}年前三季度，蒲县社会消费品零售总额同比增长4.1%。
"""
# An undated paste: no dateline, no year. Its 今年 is not the year it was received.
UNDATED = (
    "蒲县经济运行稳中有进\n"
    "今年，蒲县社会消费品零售总额增长6.8%，地区生产总值增长7.2%。力争固定资产投资增长9%。\n"
)


@pytest.fixture
async def service(db_url: str):
    s = await Service.create(Settings(db=db_url))  # type: ignore[arg-type]
    yield s
    await s.close()


async def _submit(service: Service, text: str) -> int:
    out = await service.submit(scope="public", sender="cli", data=text.encode("utf-8"), use_llm=False)
    assert out.status == "done", out
    return out.report_id


async def test_an_undated_paste_received_today_never_decides_this_years_targets(service: Service) -> None:
    await _submit(service, TARGETS)
    await _submit(service, RESULTS)
    before = {s.metric: s.status for s in (await tracking.track(service, "蒲县", ["public"])).items}
    assert before == {"社会消费品零售总额增长": "进行中"}
    undated = await _submit(service, UNDATED)

    async with service.store.engine.connect() as conn:
        published = (await conn.execute(select(Report.published).where(Report.id == undated))).scalar()
        stmt = select(FigureTable.period).where(FigureTable.report_id == undated)
        periods = (await conn.execute(stmt)).all()
    assert published is None  # undated, not the day it came
    assert periods and all(p is None for (p,) in periods)  # 今年 of an undated text: 时期不详

    # the verdicts are those of the dated reports alone: 6.8% "今年" received today does not make the
    # sales target 已完成, nor 7.2% the GDP target; the undated 力争9% is no target of this year
    after = await tracking.track(service, "蒲县", ["public"])
    verdicts = {s.metric: s.status for s in after.items if s.status != "无后续数据"}
    assert verdicts == before
    # what it stopped is said (bot.track): the undated 7.2% is there, but with no year to answer for
    stopped = [s for s in after.items if s.status == "无后续数据"]
    assert all(s.stopped in ("日期不详", "时期不详") for s in stopped), stopped
    statuses = await tracking.targets_with_status(service, "蒲县", ["public"])
    undated_targets = [t for t in statuses.targets if t.report_id == undated]
    assert [t.surface for t in undated_targets] == ["9%"]
    assert undated_targets[0].status is None or undated_targets[0].status == "无后续数据"
    # listed after every dated report's targets, shown with the day it was received as such
    assert statuses.targets[-1].report_id == undated
    assert undated_targets[0].received_only and undated_targets[0].report_date.isoformat() == TODAY
    # both renderers say why it is not compared, and when it came
    for shown in (render_targets_text(statuses), render_targets(statuses)):
        lines = shown.splitlines()
        item = max(i for i, line in enumerate(lines) if "9%" in line and not {"“", "「"} & set(line))
        last, before = "\n".join(lines[item:]), "\n".join(lines[:item])
        assert "时期不详" in lines[item] and f"日期不详 · 收到于 {TODAY}" in last
        assert "时期不详" not in before  # the dated targets have their year


async def test_every_figure_of_an_undated_report_is_shown_undated(service: Service) -> None:
    report_id = await _submit(service, UNDATED)
    entries = await report_list.chat_reports(service, "public")
    line = entry_line(next(e for e in entries if e.id == report_id))
    assert f"日期不详 · 收到于 {TODAY}" in line
    county = (await tracking.find_county(service, "蒲县"))[1][0]
    figs = await tracking.county_figures(service, county, ["public"])
    assert figs and all(f.undated and f.when is None for f in figs)
    _, data, n = await tracking.export(service, "蒲县", ["public"])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert n == len(rows) - 1 and rows[1:]
    date_col = rows[0].index(next(h for h in rows[0] if "日期" in h))
    assert all(r[date_col] == f"日期不详 · 收到于 {TODAY}" for r in rows[1:])


def _fig(report_id: int, kind: str, period: str | None, value: float, when: str | None) -> TrackedFigure:
    # an undated report's row carries the day it was received, marked undated (as the store gives it)
    return TrackedFigure(
        county="蒲县", report_id=report_id, report_date=date.fromisoformat(when or TODAY),
        undated=when is None, label="社会消费品零售总额增长", value=value, unit="%",
        surface=f"{value:g}%", kind=kind, period=period,  # type: ignore[arg-type]
    )


def test_matching_never_pairs_a_period_it_cannot_know() -> None:
    target = _fig(1, "target", f"{YEAR}年", 5.5, f"{YEAR}-01-10")
    # rows stored before issue K kept 今年 as written: with no report date it is no year at all
    undated_result = _fig(2, "result", "今年", 6.8, None)
    [status] = match_targets([target, undated_result])
    assert status.status == "无后续数据" and status.result is None
    # a target with no period (时期不详) is not taken for its report's year
    no_period = _fig(3, "target", None, 9, f"{YEAR}-01-10")
    result = _fig(4, "result", f"{YEAR}年", 9.5, f"{YEAR + 1}-01-12")
    [status] = match_targets([no_period, result])
    assert (status.status, status.result, status.stopped) == ("无后续数据", None, "时期不详")
    # the year so far is not the year: 2024年以来 never decides a whole-year target
    so_far = _fig(5, "result", f"{YEAR}年以来", 6.8, f"{YEAR}-11-01")
    assert match_targets([target, so_far])[0].status == "无后续数据"
    assert report_day(undated_result.when, undated_result.report_date) == f"日期不详 · 收到于 {TODAY}"
