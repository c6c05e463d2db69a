"""Did the county meet its targets? Pure matching of stated targets with later results (no I/O).

Input: `TrackedFigure` rows (one figure of one stored report, with its county and report metadata; the store
provides them). `match_targets(rows)` returns one `TargetStatus` per target:

Metric. Two labels name the same metric when `metric_key` agrees and the unit is the same: whitespace,
place prefixes (全县/全市/我县/本区/…, the county's own name), 同比/比上年, trailing verbs (达到/为/控制在/
目标调整为…) are dropped; 增长/增速/提高/增加 read as 增长 and 下降/降低/减少 as 下降; synonyms are
folded (GDP/生产总值 → 地区生产总值, 规上 → 规模以上, 社零 → 社会消费品零售总额, 固投 → 固定资产投资).

Period. `parse_period` reads 2025年, 2025年上半年/下半年, 2025年一季度…四季度, 2025年前三季度, 2025年1-9月,
and 今年/去年/明年/上半年 against the report's date. A target without a period is taken for its report's
year (work reports set the year's targets); a result without a period is never matched (it may be last
year's review or this year's progress). Multi-year periods (十四五, 2021-2025年) are not tracked.
A target for a whole year is decided by a result for that whole year; a result for part of it (上半年,
前三季度, 1-9月) makes it 进行中; a result for another period is not matched. Among several matching
results the one from the newest report wins (statistics are revised); same-report repeats keep the first.

Status. 已完成 / 未完成 / 接近目标 / 进行中 / 无后续数据. The direction of "met":
- 以上/不低于/突破/超过/超/至少/高于 → result ≥ value;
- 以内/以下/控制在/不超过/不高于/低于 → result ≤ value;
- no qualifier: result ≥ value, except "lower is better" metrics (失业率, 能耗, 排放, 物价/价格涨幅, 赤字,
  负债率, 发生率, 死亡) → result ≤ value; a label saying 下降/降低/减少 measures a reduction, so more is
  better (能耗下降3% is met by 下降3.5%);
- a range low–high is met by a result inside it or beyond it on the good side;
- 左右/约/近/上下 (approximate): met as above; otherwise 接近目标 when the gap is within 0.5 percentage
  points for % and 个百分点, or within 5 % of the target value for any other unit; else 未完成.
  Only an approximate target can be 接近目标: 8%以上 missed by 0.1 is 未完成.

Revisions. The same county, metric, unit and period stated again in a later report with another value:
the latest report's figure is the target, the earlier values are kept in `previous` (shown as 「此前：…」).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.track_periods import Period, parse_period
from extract.models import Digest

Status = Literal["已完成", "未完成", "接近目标", "进行中", "无后续数据"]
STATUSES: tuple[Status, ...] = ("已完成", "接近目标", "未完成", "进行中", "无后续数据")

APPROX_PP = 0.5  # percentage points, for % and 个百分点
APPROX_REL = 0.05  # relative, for every other unit
_EPS = 1e-9


class TrackedFigure(BaseModel):
    """One figure of one report, with the report's county and metadata (a row the store returns:
    `TrackedFigure.model_validate(row)` reads a SQLAlchemy Row whose columns have these names)."""

    model_config = ConfigDict(from_attributes=True)

    county: str
    city: str | None = None
    province: str | None = None
    report_id: int
    report_date: date | None = None  # the report's own date; None: undated (never the day received)
    received: date | None = None  # shown only as 日期不详 · 收到于… for an undated report (issue K)
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


class TargetStatus(BaseModel):
    target: TrackedFigure
    result: TrackedFigure | None = None  # the result that decided the status (partial when 进行中)
    status: Status
    metric: str  # the folded metric key, e.g. "地区生产总值增长"
    period: str  # the target's period as resolved, e.g. "2024年", "2024年上半年"
    previous: list[TrackedFigure] = Field(default_factory=list)  # earlier values, oldest first
    note: str = ""  # how the status was decided, in Chinese

    @property
    def previous_text(self) -> str:
        """「此前：6%（2024-01-10）；…」 or "" when the target was never revised."""
        if not self.previous:
            return ""
        parts = [f"{p.surface}（{report_day(p)}）" for p in self.previous]
        return "此前：" + "；".join(parts)


def report_day(f: TrackedFigure) -> str:
    """2024-01-10, or 日期不详 · 收到于 2026-12-07 for an undated report (never its received day alone)."""
    if f.report_date is not None:
        return f.report_date.isoformat()
    return f"日期不详 · 收到于 {f.received.isoformat()}" if f.received else "日期不详"


# ---------------------------------------------------------------- metric

_SPACE = re.compile(r"\s+")
_PREFIX = re.compile(r"^(?:全(?:县|市|区|旗|州|盟|省)(?:域)?|(?:我|本)(?:县|市|区|旗|州|盟|省))")
_YOY = re.compile(r"同比|比上年|较上年|比去年|较去年|比上年同期|较上年同期")
_TAIL = re.compile(r"(?:调整为|调整到|调整|达到|达|为|实现|完成|控制在|保持在|突破|超过|目标|预期)+$")
_UP = re.compile(r"(?:增长|增速|增幅|提高|提升|增加|上升|递增)+$")
_DOWN = re.compile(r"(?:下降|降低|减少|压减|削减)+$")
_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("GDP", "地区生产总值"),
    ("国内生产总值", "地区生产总值"),
    ("规上", "规模以上"),
    ("社零总额", "社会消费品零售总额"),
    ("社零额", "社会消费品零售总额"),
    ("固投", "固定资产投资"),
    ("常住居民", "居民"),
    ("新增城镇就业", "城镇新增就业"),
    ("地方一般公共预算收入", "一般公共预算收入"),
    ("财政一般公共预算收入", "一般公共预算收入"),
    ("一般预算收入", "一般公共预算收入"),
)
_LOWER_BETTER = (
    "失业率",
    "能耗",
    "排放",
    "物价",
    "价格涨幅",
    "价格总水平",
    "赤字",
    "负债率",
    "发生率",
    "死亡",
)


def _place_names(county: str | None) -> list[str]:
    if not county:
        return []
    names = [county]
    short = re.sub(r"(?:自治县|自治旗|县|市|区|旗)$", "", county)
    if len(short) >= 2 and short != county:
        names.append(short)
    return names


def metric_key(label: str | None, county: str | None = None) -> str | None:
    """Fold a label to the metric it names: 全县GDP同比增长 → 地区生产总值增长."""
    if not label:
        return None
    s = _SPACE.sub("", label)
    for name in _place_names(county):
        if s.startswith(name):
            s = s[len(name) :]
            break
    s = _PREFIX.sub("", s)
    s = _YOY.sub("", s)
    for old, new in _SYNONYMS:
        s = s.replace(old, new)
    s = _TAIL.sub("", s)
    direction = ""
    if _UP.search(s):
        s, direction = _UP.sub("", s), "增长"
    elif _DOWN.search(s):
        s, direction = _DOWN.sub("", s), "下降"
    s = _TAIL.sub("", s)
    if s == "生产总值":
        s = "地区生产总值"
    return (s + direction) or None


def lower_is_better(key: str) -> bool:
    if key.endswith("下降"):
        return False  # it measures a reduction: more is better
    return any(w in key for w in _LOWER_BETTER)


# ---------------------------------------------------------------- qualifiers and decision

_AT_LEAST = ("以上", "不低于", "突破", "超过", "超", "至少", "高于", "不少于")
_AT_MOST = ("以内", "以下", "控制在", "不超过", "不高于", "低于", "不多于")
_APPROX = ("左右", "约", "近", "上下", "大约", "大概")
_AFTER = re.compile(r"^(左右|以上|以内|以下|上下)")
_OWN = re.compile(r"(左右|以上|以内|以下|上下)$")
_BEFORE = re.compile(r"(控制在|不低于|不高于|不超过|突破|超过|至少|不少于|约|近)$")


def infer_qualifier(surface: str, quote: str) -> str | None:
    """The qualifier written next to the number (for stored figures, whose table keeps the surface as
    written but no qualifier column): in the surface itself ("6%左右"), else just after or before it."""
    own = _OWN.search(surface or "")
    if own:
        return own.group(1)
    if not surface or not quote:
        return None
    at = quote.find(surface)
    if at < 0:
        return None
    after = _AFTER.match(quote[at + len(surface) :])
    if after:
        return after.group(1)
    before = _BEFORE.search(quote[:at])
    return before.group(1) if before else None


def _direction(target: TrackedFigure, key: str) -> Literal["up", "down"]:
    q = target.qualifier or ""
    if any(w in q for w in _AT_MOST):
        return "down"
    if any(w in q for w in _AT_LEAST):
        return "up"
    return "down" if lower_is_better(key) else "up"


def _tolerance(target: TrackedFigure) -> float:
    if target.unit in ("%", "个百分点"):
        return APPROX_PP
    return abs(float(target.value)) * APPROX_REL


def decide(target: TrackedFigure, result: TrackedFigure, key: str) -> tuple[Status, str]:
    """已完成 / 接近目标 / 未完成 for a result covering the target's whole period, with the reason."""
    up = _direction(target, key) == "up"
    low = target.low if target.low is not None else float(target.value)
    high = target.high if target.high is not None else float(target.value)
    goal = low if up else high
    got = float(result.value)
    gap = (goal - got) if up else (got - goal)  # > 0: short of the goal
    sign = "≥" if up else "≤"
    if gap <= _EPS:
        return "已完成", f"实际 {result.surface}，目标 {sign}{_amount(goal, target.unit)}"
    q = target.qualifier or ""
    short = f"实际 {result.surface}，差 {_amount(gap, _gap_unit(target.unit))}"
    if any(w in q for w in _APPROX) and gap <= _tolerance(target) + _EPS:
        tol = f"{APPROX_PP:g}个百分点" if target.unit in ("%", "个百分点") else f"{APPROX_REL:.0%}"
        return "接近目标", f"{short}（“{q}”容差 {tol}）"
    return "未完成", short


def _gap_unit(unit: str) -> str:
    return "个百分点" if unit == "%" else unit


def _amount(v: float, unit: str) -> str:
    # 8140000000元 reads 81.4亿元; rates and counts stay as they are
    if unit not in ("%", "个百分点") and abs(v) >= 1e8:
        return f"{round(v / 1e8, 4):g}亿{unit}"
    if unit not in ("%", "个百分点") and abs(v) >= 1e4:
        return f"{round(v / 1e4, 4):g}万{unit}"
    return f"{round(v, 4):g}{unit}"


# ---------------------------------------------------------------- matching


def _when(f: TrackedFigure) -> tuple[date, int]:
    return (f.report_date or date.min, f.report_id)


def _target_period(f: TrackedFigure) -> Period | None:
    # no period (时期不详) is never tracked: the report's year would be a guess (issue K)
    return parse_period(f.period, f.report_date) if f.period else None


def match_targets(figs: Iterable[TrackedFigure]) -> list[TargetStatus]:
    """One status per (county, metric, unit, period) target, newest period first, then by status order."""
    rows = list(figs)
    targets: dict[tuple[str, str, str, Period], list[TrackedFigure]] = {}
    results: dict[tuple[str, str, str, int], list[tuple[Period, TrackedFigure]]] = {}
    for f in rows:
        key = metric_key(f.label, f.county)
        if key is None:
            continue
        if f.kind == "target":
            tp = _target_period(f)
            if tp is not None:
                targets.setdefault((f.county, key, f.unit, tp), []).append(f)
        elif f.kind == "result" and f.period:
            rp = parse_period(f.period, f.report_date)
            if rp is not None:
                results.setdefault((f.county, key, f.unit, rp.year), []).append((rp, f))

    out: list[TargetStatus] = []
    for (county, key, unit, tp), stated in targets.items():
        target, previous = _latest_and_previous(stated)
        found = results.get((county, key, unit, tp.year), [])
        out.append(_status(target, previous, key, tp, found))
    out.sort(key=lambda s: (-_period_rank(s.period), STATUSES.index(s.status), s.target.county, s.metric))
    return out


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
        result = _newest(full)
        status, note = decide(target, result, key)
        return TargetStatus(result=result, status=status, note=note, **base)
    if partial:
        latest_end = max(p.last for p, _ in partial)
        result = _newest([f for p, f in partial if p.last == latest_end])
        period = next(p for p, f in partial if f is result)
        note = f"{period.text()}实际 {result.surface}，全期结果尚未公布"
        return TargetStatus(result=result, status="进行中", note=note, **base)
    return TargetStatus(status="无后续数据", note="尚无同期实际数据", **base)


def _newest(figs: Sequence[TrackedFigure]) -> TrackedFigure:
    # the newest report; within it the first mention (stable sort keeps input order)
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
    `qualifier`/`low`/`high` are taken from the Figure when it has them, else the qualifier is read
    from the quote next to the number."""
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
                    report_date=report_date or digest.published,
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
                )
            )
    return rows
