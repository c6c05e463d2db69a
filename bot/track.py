"""Did the county meet its targets? Pure matching of stated targets with later results (no I/O).

Input: `TrackedFigure` rows (one figure of one stored report, with its county and report metadata; the store
provides them). `match_targets(rows)` returns one `TargetStatus` per target:

Metric. Two labels name the same metric when `metric_key` agrees and the unit is the same. The wording is
folded
by the one vocabulary of extract/figures/metrics.py (place prefixes, 同比, trailing verbs, GDP/生产总值 →
地区生产总值, 规上 → 规模以上, 地方一般公共预算收入 → 一般公共预算收入, 全社会固定资产投资 → 固定资产投资,
城镇居民收入 → 城镇居民人均可支配收入 …); a total and its growth rate stay apart. A change is one metric
however
its direction is worded: a growth target (增长6%) is answered by a decline (下降6.3% = -6.3, 未完成).

Period. `parse_period` reads 2025年, 2025年上半年/下半年, 2025年一季度…四季度, 2025年前三季度, 2025年1-9月,
and 今年/去年/明年/上半年 against the report's date — only a dated report's: an undated report (no date in the
text or its source; `undated`) resolves no relative period. A target without a period has no verdict
(时期不详; 日期不详 when its report is undated): the pipeline gives a period wherever the text tells one.
A result without a period is never matched (it may be last year's review or this year's progress); when
such a result is all there is, the answer says 时期不详/日期不详 stopped it. Multi-year periods (十四五,
2021-2025年) are not tracked.
A target for a whole year is decided by a result for that whole year; a result for part of it (上半年,
前三季度, 1-9月) makes it 进行中; a result for another period is not matched.

Results. Among several results for the target's period an actual result beats an estimate (预计…,
`estimated`):
the estimate it replaces is kept in `estimate` (shown 「此前预计…」) and is no conflict. Among actual
results the
newest dated report wins (statistics are revised); when two dated reports give different values the answer
keeps
the others in `conflicts` (shown 「两份报告数字不同：…」, newest report first). Same-report repeats keep
the first.

Status. 已完成 / 未完成 / 接近目标 / 进行中 / 无后续数据, decided by bot/track_decide.py on signed values (its
docstring has the rules: qualifiers, lower-is-better metrics, declines, ranges, threshold and approximate
results, the 接近目标 tolerance). Each status's `note` names the rule that decided it.

Revisions. The same county, metric, unit and period stated again in a later report with another value:
the latest report's figure is the target, the earlier values are kept in `previous` (shown as 「此前：…」).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.track_decide import (
    APPROX_PP,
    APPROX_REL,
    Status,
    decide,
    infer_qualifier,
    lower_is_better,
    shown,
    signed,
)
from bot.track_periods import Period, parse_period, report_day
from extract.figures.metrics import metric_key as _metric
from extract.models import Digest

__all__ = [
    "APPROX_PP",
    "APPROX_REL",
    "STATUSES",
    "Status",
    "TargetStatus",
    "TrackedFigure",
    "decide",
    "infer_qualifier",
    "lower_is_better",
    "match_targets",
    "metric_key",
    "tracked_from_digest",
]

STATUSES: tuple[Status, ...] = ("已完成", "接近目标", "未完成", "进行中", "无后续数据")
_SAME = 1e-6  # two results closer than this (relative) are the same number


class TrackedFigure(BaseModel):
    """One figure of one report, with the report's county and metadata (a row the store returns:
    `TrackedFigure.model_validate(row)` reads a SQLAlchemy Row whose columns have these names)."""

    model_config = ConfigDict(from_attributes=True)

    county: str
    city: str | None = None
    province: str | None = None
    report_id: int
    report_date: date | None = None  # published, else (undated) the day it was received
    title: str | None = None
    source: str | None = None
    label: str | None = None
    value: float | int
    unit: str
    surface: str
    kind: Literal["target", "result"] | None = None
    period: str | None = None
    quote: str = ""
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None
    estimated: bool = False  # a 预计… result (Figure.estimated)
    undated: bool = False  # the report states no date: report_date is when it was received

    @property
    def when(self) -> date | None:
        """The report's own date; None when it has none (日期不详)."""
        return None if self.undated else self.report_date


class TargetStatus(BaseModel):
    target: TrackedFigure
    result: TrackedFigure | None = None  # the result that decided the status (partial when 进行中)
    status: Status
    metric: str  # the folded metric key, e.g. "地区生产总值增长"
    period: str  # the target's period as resolved, e.g. "2024年", "2024年上半年"; 时期不详/日期不详
    previous: list[TrackedFigure] = Field(default_factory=list)  # earlier values, oldest first
    # another dated report's different result for the same period (newest report first): shown, not hidden
    conflicts: list[TrackedFigure] = Field(default_factory=list)
    estimate: TrackedFigure | None = None  # the 预计 result an actual result replaced (when it differed)
    # what kept a verdict from being given: "时期不详" / "日期不详" (of the target or of the only results)
    stopped: str | None = None
    note: str = ""  # how the status was decided, in Chinese

    @property
    def previous_text(self) -> str:
        """「此前：6%（2024-01-10）；…」 or "" when the target was never revised."""
        if not self.previous:
            return ""
        return "此前：" + "；".join(_dated(p) for p in self.previous)

    @property
    def conflict_text(self) -> str:
        """「两份报告数字不同：5.1%（2024-04-20《…》）；6%（2023-12-21《…》）」 newest first, or ""."""
        if not self.conflicts or self.result is None:
            return ""
        shown = sorted([self.result, *self.conflicts], key=_when, reverse=True)
        return "两份报告数字不同：" + "；".join(_dated(f, title=True) for f in shown)

    @property
    def estimate_text(self) -> str:
        """「此前预计：6%（2023-12-21）」 when an actual result replaced a different estimate."""
        return f"此前预计：{_dated(self.estimate)}" if self.estimate is not None else ""


def _dated(f: TrackedFigure, *, title: bool = False) -> str:
    bits = [report_day(f.when, f.report_date)]
    if title and f.title:
        bits.append(f"《{f.title[:30]}》")
    return f"{f.surface}（{' '.join(bits)}）"


# ---------------------------------------------------------------- metric

_SPACE = re.compile(r"\s+")


def _place_names(county: str | None) -> list[str]:
    if not county:
        return []
    names = [county]
    short = re.sub(r"(?:自治县|自治旗|县|市|区|旗)$", "", county)
    if len(short) >= 2 and short != county:
        names.append(short)
    return names


def metric_key(label: str | None, county: str | None = None) -> str | None:
    """Fold a label to the metric it names, its change worded as written: 全县GDP同比增长 → 地区生产总值增长,
    单位GDP能耗下降 → 单位地区生产总值能耗下降 (extract/figures/metrics.py holds the vocabulary)."""
    if not label:
        return None
    s = _SPACE.sub("", label)
    for name in _place_names(county):
        if s.startswith(name) and len(s) > len(name):
            s = s[len(name) :]
            break
    direction, core = _metric(s)
    if not core:
        return None
    return core + {"+": "增长", "-": "下降", "": ""}[direction]


def _match_key(key: str) -> str:
    # a change is one metric whichever way it is worded: 增长-6.3% and 下降6.3% answer a growth target
    return re.sub(r"下降$", "增长", key)


# ---------------------------------------------------------------- matching


def _when(f: TrackedFigure) -> tuple[date, int]:
    return (f.when or date.min, f.report_id)


def _target_period(f: TrackedFigure) -> Period | None:
    # no period (时期不详) is never tracked, dated report or not: its year would be a guess (issue K)
    return parse_period(f.period, f.when) if f.period else None


def _stop_reason(f: TrackedFigure) -> str:
    return "日期不详" if f.undated and (not f.period or parse_period(f.period) is None) else "时期不详"


def match_targets(figs: Iterable[TrackedFigure]) -> list[TargetStatus]:
    """One status per (county, metric, unit, period) target, newest period first, then by status order.
    A target whose period cannot be known gets one 无后续数据 status saying 时期不详/日期不详."""
    rows = list(figs)
    targets: dict[tuple[str, str, str, Period], list[TrackedFigure]] = {}
    unknown: dict[tuple[str, str, str], list[TrackedFigure]] = {}  # targets whose period is not known
    results: dict[tuple[str, str, str, int], list[tuple[Period, TrackedFigure]]] = {}
    loose: dict[tuple[str, str, str], list[TrackedFigure]] = {}  # results whose period is not known
    keys: dict[str, str] = {}
    for f in rows:
        key = metric_key(f.label, f.county)
        if key is None:
            continue
        mk = _match_key(key)
        if f.kind == "target":
            keys.setdefault(mk, key)
            tp = _target_period(f)
            if tp is not None:
                targets.setdefault((f.county, mk, f.unit, tp), []).append(f)
            elif not f.period or not _multi_year(f.period):
                unknown.setdefault((f.county, mk, f.unit), []).append(f)
        elif f.kind == "result":
            rp = parse_period(f.period, f.when) if f.period else None
            if rp is not None:
                results.setdefault((f.county, mk, f.unit, rp.year), []).append((rp, f))
            elif not f.period or not _multi_year(f.period):
                loose.setdefault((f.county, mk, f.unit), []).append(f)

    out: list[TargetStatus] = []
    for (county, mk, unit, tp), stated in targets.items():
        target, previous = _latest_and_previous(stated)
        key = metric_key(target.label, target.county) or mk
        found = results.get((county, mk, unit, tp.year), [])
        status = _status(target, previous, key, tp, found)
        if status.status == "无后续数据" and loose.get((county, mk, unit)):
            r = max(loose[(county, mk, unit)], key=_when)
            status.stopped = _stop_reason(r)
            status.note = f"有实际数据「{shown(r)}」，但{status.stopped}，无法对应{tp.text()}的目标"
        out.append(status)
    for (county, mk, unit), stated in unknown.items():
        if any(k[:3] == (county, mk, unit) for k in targets):
            continue  # the same metric's dated target answers for it
        target = max(stated, key=_when)
        reason = "日期不详" if target.undated else "时期不详"
        key = metric_key(target.label, target.county) or mk
        why = "报告没有写明年份" + ("，也没有日期" if target.undated else "")
        note = f"目标「{shown(target)}」{reason}（{why}），不作判断"
        out.append(
            TargetStatus(
                target=target, status="无后续数据", metric=key, period=reason, stopped=reason, note=note
            )
        )
    out.sort(key=lambda s: (-_period_rank(s.period), STATUSES.index(s.status), s.target.county, s.metric))
    return out


_MULTI = re.compile(r"(?:19|20)\d\d\s*[-—~至到－]\s*(?:19|20)?\d\d|十[一二三四五六]五|五年")


def _multi_year(period: str) -> bool:
    return _MULTI.search(period) is not None


def _period_rank(text: str) -> int:
    p = parse_period(text)
    return p.year * 100 + p.last if p else 0


def _latest_and_previous(stated: Sequence[TrackedFigure]) -> tuple[TrackedFigure, list[TrackedFigure]]:
    # first mention within a report, newest report last
    by_report: dict[int, TrackedFigure] = {}
    for f in stated:
        by_report.setdefault(f.report_id, f)
    ordered = sorted(by_report.values(), key=_when)
    target = ordered[-1]
    previous: list[TrackedFigure] = []
    for f in ordered[:-1]:
        same = (f.value, f.low, f.high) == (target.value, target.low, target.high)
        if not same and all(f.value != p.value for p in previous):
            previous.append(f)
    return target, previous


def _status(
    target: TrackedFigure,
    previous: list[TrackedFigure],
    key: str,
    tp: Period,
    found: Sequence[tuple[Period, TrackedFigure]],
) -> TargetStatus:
    full = [f for p, f in found if p == tp]
    partial = [(p, f) for p, f in found if p != tp and tp.contains(p)]
    base = {"target": target, "metric": key, "period": tp.text(), "previous": previous}
    if full:
        result, conflicts, estimate = _pick(full)
        status, note = decide(target, result, key)
        if result.estimated:
            note = f"预计：{note}（全年实际数据尚未公布）"
        return TargetStatus(
            result=result, status=status, note=note, conflicts=conflicts, estimate=estimate, **base
        )
    if partial:
        latest_end = max(p.last for p, _ in partial)
        result = _newest([f for p, f in partial if p.last == latest_end])
        period = next(p for p, f in partial if f is result)
        note = f"{period.text()}实际 {shown(result)}，全期实际数据尚未公布"
        return TargetStatus(result=result, status="进行中", note=note, **base)
    return TargetStatus(status="无后续数据", note="尚无同期实际数据", **base)


def _pick(full: Sequence[TrackedFigure]) -> tuple[TrackedFigure, list[TrackedFigure], TrackedFigure | None]:
    """The deciding result, the dated results that disagree with it (newest first) and the estimate an actual
    result replaced. Actual beats 预计; among actual results the newest dated report wins."""
    actual = [f for f in full if not f.estimated]
    estimates = [f for f in full if f.estimated]
    pool = actual or estimates
    result = _newest(pool)
    conflicts: list[TrackedFigure] = []
    seen = {result.report_id}
    for f in sorted(pool, key=_when, reverse=True):
        if f.report_id in seen or f.when is None or result.when is None:
            continue
        seen.add(f.report_id)
        if not _same_value(f, result):
            conflicts.append(f)
    estimate = None
    if actual and estimates:
        e = _newest(estimates)
        estimate = None if _same_value(e, result) else e
    return result, conflicts, estimate


def _same_value(a: TrackedFigure, b: TrackedFigure) -> bool:
    x, y = signed(a), signed(b)
    return abs(x - y) <= _SAME * max(1.0, abs(x), abs(y))


def _newest(figs: Sequence[TrackedFigure]) -> TrackedFigure:
    # the newest dated report; within it the first mention (stable sort keeps input order)
    best = max(_when(f) for f in figs)
    return next(f for f in figs if _when(f) == best)


# ---------------------------------------------------------------- from a digest


def tracked_from_digest(
    digest: Digest,
    report_id: int,
    *,
    report_date: date | None = None,
    title: str | None = None,
    source: str | None = None,
) -> list[TrackedFigure]:
    """Rows for every county × figure of one digest (what the store would return for that report).
    `qualifier`/`low`/`high`/`estimated` are taken from the Figure when it has them, else the qualifier is
    read from the quote next to the number. A digest without a date (and no `report_date` given) is
    undated."""
    when = report_date or digest.published
    rows: list[TrackedFigure] = []
    for c in digest.counties:
        for f in digest.figures:
            qualifier = f.qualifier or infer_qualifier(f.surface, f.quote)
            rows.append(
                TrackedFigure(
                    county=c.name,
                    city=c.city,
                    province=c.province,
                    report_id=report_id,
                    report_date=when,
                    title=title or digest.title,
                    source=source or digest.source,
                    label=f.label,
                    value=f.value,
                    unit=f.unit,
                    surface=f.surface,
                    kind=f.kind,
                    period=f.period,
                    quote=f.quote,
                    low=f.low,
                    high=f.high,
                    qualifier=qualifier,
                    estimated=f.estimated,
                    undated=when is None,
                )
            )
    return rows
