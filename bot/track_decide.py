"""The verdict for one target and one result covering its period (pure; bot.track matches them).

Signed values. A change is compared by its signed value: 下降6.3% / 增长-6.3% / 减少 / 负增长 / 回落 are -6.3
(Figure.value carries the sign; `signed_value` also reads the sign from the wording for rows stored before
signed values, so a stored 下降3% with value 3 still counts as -3). A growth target of 6% met by -6.3% is
未完成, never 已完成 and never 无后续数据.

Direction of "met" (result ≥ goal, or ≤ goal):
- 以上/不低于/突破/超过/超/至少/高于/不少于 → ≥; 以内/以下/控制在/不超过/不高于/低于/不多于 → ≤;
- no qualifier: ≤ for lower-is-better metrics (失业率, 能耗, 排放, 物价/消费价格, 赤字, 负债率, 发生率, 死亡),
  and for a target that is itself a decline (单位GDP能耗下降3% = -3: a fall of 3.5% is -3.5 ≤ -3, met);
  else ≥;
- a qualifier on a decline is about its size, so it flips: 下降3%以上 (-3) is met by ≤ -3;
- a range low–high is met by a result inside it or beyond it on the good side.

Approximate targets (左右/约/近/上下) missed by at most APPROX_PP percentage points (% and 个百分点) or
APPROX_REL
of the target (any other unit) read 接近目标; only approximate targets (or approximate results) can.

Results as written (the result's qualifier):
- a threshold (突破/超过/以上/逾/多/余…) is a lower bound, 近/不到 an upper bound: a bound on the good side
of the
  goal meets it (突破500亿元 meets 500亿元以上); a bound that falls short decides nothing better than 未完成
  (the report only says "more than X"), and the note says so;
- 左右/约/近 results compare approximately: met as written, else 接近目标 within the same tolerance, else
未完成.
"""

from __future__ import annotations

import re
from typing import Literal, Protocol

from extract.figures.signs import figure_number

Status = Literal["已完成", "未完成", "接近目标", "进行中", "无后续数据"]


class TrackedFigure(Protocol):
    """What a verdict reads of a figure (bot.track.TrackedFigure has these; no import: no cycle)."""

    value: float | int
    unit: str
    surface: str
    label: str | None
    quote: str
    qualifier: str | None
    low: float | None
    high: float | None

def shown(f: TrackedFigure) -> str:
    """The number as the report writes it (下降6.3%, 突破500亿元): a verdict never shows a fall as 6.3%."""
    return figure_number(f)[0]


APPROX_PP = 0.5  # percentage points, for % and 个百分点
APPROX_REL = 0.05  # relative, for every other unit
_EPS = 1e-9

_LOWER_BETTER = (
    "失业率",
    "能耗",
    "排放",
    "物价",
    "价格涨幅",
    "价格总水平",
    "消费价格",
    "赤字",
    "负债率",
    "发生率",
    "死亡",
)
_AT_LEAST = ("以上", "不低于", "突破", "超过", "超", "至少", "高于", "不少于", "逾")
_AT_MOST = ("以内", "以下", "控制在", "不超过", "不高于", "低于", "不多于")
_APPROX = ("左右", "约", "近", "上下", "大约", "大概")
# a result's qualifier as a bound on the true value
_RESULT_LOWER = ("突破", "超过", "超", "以上", "逾", "多", "余", "不低于", "高于", "至少", "不少于")
_RESULT_UPPER = ("近", "不到", "接近", "以内", "以下", "不足")
_RESULT_APPROX = ("左右", "约", "近", "上下", "大约", "大概", "接近")

_AFTER = re.compile(r"^(左右|以上|以内|以下|上下|多|余)")
_OWN = re.compile(r"(左右|以上|以内|以下|上下)$")
_BEFORE = re.compile(r"(控制在|不低于|不高于|不超过|突破|超过|至少|不少于|不到|接近|约|近|逾)$")
# the wording of a decline just before the number: 下降6.3%, 增长-6.3%, 负增长6.3%, 同比减少2亿元
_DECLINE_BEFORE = re.compile(
    r"(?:下降|降低|减少|负增长|回落|下滑|降幅|压减|增长\s*-|增速\s*-|增长负)\s*(?:了|为|达)?\s*$"
)


def infer_qualifier(surface: str, quote: str) -> str | None:
    """The qualifier written next to the number (for stored figures, whose table may keep no qualifier):
    in the surface itself ("6%左右"), else just after or before it."""
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


def _declined(f: TrackedFigure) -> bool:
    from extract.figures.metrics import metric_key

    if metric_key(f.label)[0] == "-":
        return True
    at = f.quote.find(f.surface) if f.surface and f.quote else -1
    return at > 0 and _DECLINE_BEFORE.search(f.quote[:at]) is not None


def signed(f: TrackedFigure, v: float | None = None) -> float:
    """`v` (default f.value) as a signed change: negative for a decline however it was stored."""
    x = float(f.value if v is None else v)
    if x > 0 and f.unit in ("%", "个百分点") and _declined(f):
        return -x
    if x > 0 and f.unit not in ("%", "个百分点") and _declined(f) and "增长" not in (f.label or ""):
        return -x  # 减少2亿元 as a change; an amount's own label never carries 下降
    return x


def lower_is_better(key: str) -> bool:
    core = re.sub(r"(?:增长|下降)$", "", key)
    return any(w in core for w in _LOWER_BETTER)


def _has(q: str | None, words: tuple[str, ...]) -> bool:
    return bool(q) and any(w in q for w in words)  # type: ignore[operator]


def direction(target: TrackedFigure, key: str) -> Literal["up", "down"]:
    decline = signed(target) < 0
    q = target.qualifier
    if _has(q, _AT_MOST):
        return "up" if decline else "down"
    if _has(q, _AT_LEAST):
        return "down" if decline else "up"
    return "down" if lower_is_better(key) or decline else "up"


def _goal(target: TrackedFigure, up: bool) -> float:
    low = signed(target, target.low) if target.low is not None else signed(target)
    high = signed(target, target.high) if target.high is not None else signed(target)
    low, high = min(low, high), max(low, high)
    return low if up else high


def _tolerance(target: TrackedFigure) -> float:
    if target.unit in ("%", "个百分点"):
        return APPROX_PP
    return abs(float(target.value)) * APPROX_REL


def _tol_text(target: TrackedFigure) -> str:
    return f"{APPROX_PP:g}个百分点" if target.unit in ("%", "个百分点") else f"{APPROX_REL:.0%}"


def decide(target: TrackedFigure, result: TrackedFigure, key: str) -> tuple[Status, str]:
    """已完成 / 接近目标 / 未完成 for a result covering the target's whole period, with the rule that
    decided."""
    up = direction(target, key) == "up"
    goal = _goal(target, up)
    got = signed(result)
    gap = (goal - got) if up else (got - goal)  # > 0: short of the goal
    sign = "≥" if up else "≤"
    rule = f"目标 {sign}{_amount(goal, target.unit)}"
    rq = result.qualifier or ""
    # which side of the true value the written number is (a decline's bound flips: 下降超过5% is ≤ -5)
    is_lower = (_has(rq, _RESULT_LOWER) and got >= 0) or (_has(rq, _RESULT_UPPER) and got < 0)
    is_upper = (_has(rq, _RESULT_UPPER) and got >= 0) or (_has(rq, _RESULT_LOWER) and got < 0)
    if gap <= _EPS:
        if (up and is_upper) or (not up and is_lower):
            # the true value lies on the far side of the written bound: met only approximately
            side = "之下" if up else "之上"
            return "接近目标", f"实际 {shown(result)}（“{rq}”：真实值在此数{side}），{rule}"
        proved = "（报告写的界限已达到目标）" if (up and is_lower) or (not up and is_upper) else ""
        return "已完成", f"实际 {shown(result)}，{rule}{proved}"
    short = f"实际 {shown(result)}，{rule}，差 {_amount(gap, _gap_unit(target.unit))}"
    if _has(target.qualifier, _APPROX) and gap <= _tolerance(target) + _EPS:
        return "接近目标", f"{short}（目标“{target.qualifier}”容差 {_tol_text(target)}）"
    if _has(rq, _RESULT_APPROX) and gap <= _tolerance(target) + _EPS:
        return "接近目标", f"{short}（实际为约数“{rq}”，容差 {_tol_text(target)}）"
    if (up and is_lower) or (not up and is_upper):
        return "未完成", f"{short}（报告只说“{rq}”此数，不能说明达到目标）"
    return "未完成", short


def difference(target: TrackedFigure, result: TrackedFigure, key: str) -> float:
    """The signed result minus the target's deciding bound (its low end for a rise, high end for a fall),
    in the target's unit — percentage points for a rate (`gap_unit`). Positive: above the target."""
    return signed(result) - _goal(target, direction(target, key) == "up")


def gap_unit(unit: str) -> str:
    return _gap_unit(unit)


def _gap_unit(unit: str) -> str:
    return "个百分点" if unit == "%" else unit


def _amount(v: float, unit: str) -> str:
    # 8140000000元 reads 81.4亿元; rates and counts stay as they are
    if unit not in ("%", "个百分点") and abs(v) >= 1e8:
        return f"{round(v / 1e8, 4):g}亿{unit}"
    if unit not in ("%", "个百分点") and abs(v) >= 1e4:
        return f"{round(v / 1e4, 4):g}万{unit}"
    return f"{round(v, 4):g}{unit}"
