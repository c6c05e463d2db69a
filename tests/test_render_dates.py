"""The report's own date, or 日期不详 with the day it was received written as 收到于 — never the day
it was received shown as if the report said it: Telegram HTML, CLI text, period digests, targets."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.queries.period import CountyGroup, PeriodDigest, ReportBrief
from bot.queries.targets import TargetItem, TargetsAnswer, merge_targets
from bot.render.common import date_words
from bot.render.html import render_digest, render_period, render_targets
from bot.render.text import render_digest_text, render_period_text, render_targets_text
from bot.store.rows import TargetRow
from extract.models import County, Digest, Figure
from tests.fakes.telegram_server import check_html

PLACE = County(name="某某县", city="某某市", province="某某省")
RECEIVED = datetime(2025, 3, 2, 9, 30, tzinfo=UTC)
FIG = Figure(surface="5%", value=5, unit="%", label="地区生产总值增长", kind="target", period="2025年")


def test_date_words() -> None:
    assert date_words(date(2025, 1, 14), RECEIVED) == "2025-01-14"  # the report's own date only
    assert date_words(None, RECEIVED) == "日期不详 · 收到于 2025-03-02"
    assert date_words(None, RECEIVED.date()) == "日期不详 · 收到于 2025-03-02"
    assert date_words(None) == "日期不详"


@pytest.mark.parametrize("render", ["html", "text"])
def test_digest_shows_own_date_or_unknown_and_received(render: str) -> None:
    def show(d: Digest) -> str:
        if render == "html":
            out = render_digest(d, received=RECEIVED)
            assert check_html(out) is None
            return out
        return render_digest_text(d, color=False, received=RECEIVED)

    dated = show(Digest(title="报告", published=date(2025, 1, 14), figures=[FIG]))
    assert "2025-01-14" in dated and "收到于" not in dated and "日期不详" not in dated
    undated = show(Digest(title="报告", figures=[FIG]))
    assert "日期不详 · 收到于 2025-03-02" in undated
    assert undated.count("2025-03-02") == 1  # only beside 收到于


def _brief(published: date | None) -> ReportBrief:
    return ReportBrief(
        report_id=1, title="报告", published=published, source=None, summary="", figures=[], received=RECEIVED
    )


def test_period_digest_html_and_text() -> None:
    pd = PeriodDigest(
        since=datetime(2025, 3, 1, tzinfo=UTC),
        until=datetime(2025, 3, 3, tzinfo=UTC),
        groups=[CountyGroup(county=PLACE, reports=[_brief(None), _brief(date(2025, 1, 14))])],
        totals={"reports": 2, "counties": 1, "targets": 0},
    )
    html_out = render_period(pd)
    assert check_html(html_out) is None
    text_out = render_period_text(pd)
    for out in (html_out, text_out):
        assert "日期不详 · 收到于 2025-03-02" in out and "2025-01-14" in out
        assert out.count("收到于") == 1


def _row(published: date | None, report_id: int) -> TargetRow:
    return TargetRow(
        position=0,
        kind="target",
        label=f"指标{report_id}增长",
        value=5 + report_id,
        unit="%",
        period="2025年",
        quote="地区生产总值增长5%",
        surface=f"{5 + report_id}%",
        county="某某县",
        city=None,
        province=None,
        report_id=report_id,
        title=f"报告{report_id}",
        published=published,
        received=RECEIVED,
        source=None,
    )


def test_targets_say_when_the_date_is_only_the_day_received() -> None:
    items = merge_targets([_row(None, 1), _row(date(2025, 1, 14), 2)])
    by_id = {i.report_id: i for i in items}
    assert by_id[1].received_only and not by_id[2].received_only
    answer = TargetsAnswer(status="ok", query="某某县", county=PLACE, targets=items, reports=2)
    for out in (render_targets(answer), render_targets_text(answer)):
        assert "日期不详 · 收到于 2025-03-02" in out and "2025-01-14" in out
        assert out.count("收到于") == 1
    assert check_html(render_targets(answer)) is None
    assert isinstance(items[0], TargetItem)
