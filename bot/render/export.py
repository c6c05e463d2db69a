"""A county's figures as CSV (for Excel) or JSON (for programs). Pure: bytes in memory, no files.

One row per figure: county, date, report title, source, metric, value, unit, as written, kind, period,
status, quote. The status of a target comes from bot.track.match_targets (已完成 / 接近目标 / 未完成 /
进行中 / 无后续数据); a target later revised reads 「已修订，现为 …」; results and untracked figures have
none. The period is resolved where it can be (今年 in a 2025 report → 2025年), else kept as written.

CSV: UTF-8 with a BOM (Excel otherwise reads UTF-8 as the local code page), a Chinese header row,
kind as 目标/实际, numbers written out in full (3500000000, never 3.5e9). A text cell starting with
= + - @ gets a leading apostrophe so a spreadsheet never runs report text as a formula.
JSON: a list of objects with the English keys of `ExportRow`, kind as target/result, UTF-8, no BOM.

The tracking view (`/export 县名 对照`, `countybot export --track`): one `TrackRow` per target — target,
actual, their difference, 完成情况, both reports' dates, titles and sources and both quotes on one row.
README.md documents every column of both.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel

from bot.render.common import figure_number
from bot.track import TargetStatus, TrackedFigure, match_targets
from bot.track_periods import parse_period, report_day
from extract.models import Script

COLUMNS: tuple[tuple[str, str], ...] = (
    ("county", "县"),
    ("date", "日期"),
    ("title", "报告标题"),
    ("source", "来源"),
    ("metric", "指标"),
    ("value", "数值"),
    ("unit", "单位"),
    ("as_written", "原文写法"),
    ("kind", "类型"),
    ("period", "时期"),
    ("status", "完成情况"),  # one word per concept: the same as the tracking view's
    ("quote", "原文"),
)
# the tracking view (对照): one row per target with the result that decided its status (bot/track.py)
TRACK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("county", "县"),
    ("metric", "指标"),
    ("period", "时期"),
    ("target", "目标"),
    ("target_value", "目标数值"),
    ("unit", "单位"),
    ("actual", "实际"),
    ("actual_value", "实际数值"),
    ("difference", "差值"),
    ("difference_unit", "差值单位"),
    ("status", "完成情况"),
    ("note", "说明"),
    ("target_date", "目标报告日期"),
    ("target_title", "目标报告标题"),
    ("target_source", "目标报告来源"),
    ("actual_date", "实际报告日期"),
    ("actual_title", "实际报告标题"),
    ("actual_source", "实际报告来源"),
    ("target_quote", "目标原文"),
    ("actual_quote", "实际原文"),
)
KIND_ZH = {"target": "目标", "result": "实际"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportRow(BaseModel):
    county: str
    date: str  # ISO date of the report; 日期不详 · 收到于 … when it states none
    title: str
    source: str
    metric: str
    value: float | int
    unit: str
    as_written: str
    kind: Literal["target", "result"] | None
    period: str
    status: str
    quote: str


def _identity(f: TrackedFigure) -> tuple[object, ...]:
    return (f.report_id, f.county, f.label, f.value, f.unit, f.period, f.surface, f.quote)


def _as_written(f: TrackedFigure) -> str:
    """突破500亿元 / 8%以上 / 下降6.3%: the number as the report writes it (common.figure_number)."""
    return figure_number(f)[0]


def _period(f: TrackedFigure) -> str:
    p = parse_period(f.period, f.when) if f.period else None  # an undated report resolves nothing
    return p.text() if p else (f.period or "")


def export_rows(
    figs: Sequence[TrackedFigure], statuses: Sequence[TargetStatus] | None = None
) -> list[ExportRow]:
    """Rows in the given order; statuses are computed from `figs` when not given."""
    if statuses is None:
        statuses = match_targets(figs)
    status_of: dict[tuple[object, ...], str] = {}
    for s in statuses:
        status_of[_identity(s.target)] = s.status
        for p in s.previous:
            status_of.setdefault(_identity(p), f"已修订，现为{_as_written(s.target)}")
    return [
        ExportRow(
            county=f.county,
            date=report_day(f.when, f.report_date),
            title=f.title or "",
            source=f.source or "",
            metric=f.label or "",
            value=_tidy(f.value),
            unit=f.unit,
            as_written=_as_written(f),
            kind=f.kind,
            period=_period(f),
            status=status_of.get(_identity(f), "") if f.kind == "target" else "",
            quote=f.quote,
        )
        for f in figs
    ]


class TrackRow(BaseModel):
    """A target and the result that decided its status. `actual*`, `difference` and the actual report's
    fields are empty (None/"") when no result answers it yet; `difference` only for a whole-period result."""

    county: str
    metric: str
    period: str
    target: str
    target_value: float | int
    unit: str
    actual: str
    actual_value: float | int | None
    difference: float | None
    difference_unit: str
    status: str
    note: str
    target_date: str
    target_title: str
    target_source: str
    actual_date: str
    actual_title: str
    actual_source: str
    target_quote: str
    actual_quote: str


def _date(f: TrackedFigure | None) -> str:
    return f.report_date.isoformat() if f is not None and f.report_date else ""


def track_rows(statuses: Sequence[TargetStatus]) -> list[TrackRow]:
    """One row per target (every status, 无后续数据 included), in match_targets' order."""
    from bot.track_decide import difference, gap_unit

    rows = []
    for s in statuses:
        t, r = s.target, s.result
        whole = r is not None and s.status != "进行中"  # a part-year result is no difference to the year
        notes = [s.note, s.previous_text, s.estimate_text, s.conflict_text]
        rows.append(
            TrackRow(
                county=t.county,
                metric=t.label or s.metric,
                period=s.period,
                target=_as_written(t),
                target_value=_tidy(t.value),
                unit=t.unit,
                actual=("预计" if r.estimated else "") + _as_written(r) if r is not None else "",
                actual_value=_tidy(r.value) if r is not None else None,
                difference=round(difference(t, r, s.metric), 6) if whole and r is not None else None,
                difference_unit=gap_unit(t.unit) if whole else "",
                status=s.status,
                note="；".join(n for n in notes if n),
                target_date=_date(t),
                target_title=t.title or "",
                target_source=t.source or "",
                actual_date=_date(r),
                actual_title=r.title or "" if r is not None else "",
                actual_source=r.source or "" if r is not None else "",
                target_quote=t.quote,
                actual_quote=r.quote if r is not None else "",
            )
        )
    return rows


def _tidy(v: float | int) -> float | int:
    # stored as a double: 3500000000.0 -> 3500000000
    return int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 2**53 else v


def _number(v: float | int) -> str:
    return format(Decimal(str(_tidy(v))), "f")


def _cell(v: str) -> str:
    return "'" + v if v.startswith(_FORMULA_START) else v


_NUMBERS = {"value", "target_value", "actual_value", "difference"}


def to_csv(rows: Sequence[ExportRow] | Sequence[TrackRow], script: Script = "simplified") -> bytes:
    """The figures (ExportRow) or the tracking view (TrackRow) as CSV, its text in `script` (the chat's)."""
    columns = TRACK_COLUMNS if rows and isinstance(rows[0], TrackRow) else COLUMNS
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180 line ends, as Excel writes them
    writer.writerow([zh for _, zh in columns])
    for r in rows:
        cells = []
        for key, _ in columns:
            v = getattr(r, key)
            if key in _NUMBERS:
                cells.append("" if v is None else _number(v))
            elif key == "kind":
                cells.append(KIND_ZH.get(v or "", ""))
            else:
                cells.append(_cell(str(v)))
        writer.writerow(cells)
    text = buf.getvalue()
    if script == "traditional":  # headers and text; digits, dates and separators are left as they are
        from extract.text.script import to_script

        text = to_script(text, "traditional")
    return text.encode("utf-8-sig")


def to_json(rows: Sequence[ExportRow] | Sequence[TrackRow]) -> bytes:
    data = [r.model_dump() for r in rows]
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
