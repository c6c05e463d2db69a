"""The direction of a change, carried in the sign of its value (issue K; extract/models.py `Figure.value`).

A change is negative when the report says it fell, in words right before the number or with a minus:
- 下降6.3% / 同比下降了6.3% / 减少2.1% / 负增长3.5% / 回落1.2% / 降低4% / 下滑5% / 下跌 / 降幅6.3% -> -6.3 …;
- 增长-6.3% / 增速为-6.3% / 同比-6.3% (a minus the report printed; also － and −) -> -6.3, the minus in the
  surface ("-6.3%").
A level reached by falling is not a change: 下降到/下降至/降至/减少到/回落至 3% is 3. The label keeps the
change word as written (规上工业增加值下降, 一般公共预算收入负增长; never 增长-), so a lower-is-better
target such as 单位GDP能耗下降3% is -3 and its result 下降4.2% is -4.2.
"""

from __future__ import annotations

import re
from typing import Any

MINUS = "-－−"
# The word that says it fell, right before the number (了 and a space allowed between them).
_FELL = re.compile(r"(?:下降|减少|负增长|回落|降低|下滑|下跌|缩减|降幅(?:为|达到?)?)了?[ \u3000]?$")
# A minus printed before the number after a change word (增长-6.3%, 增速为-6.3%, 同比-6.3%)
_SIGNED = re.compile(r"(?:增长|增速|增幅|增长率|同比|比上年|较上年|为|是|达|至)[ \u3000]?$")
# The change words a label may end with, as written; render and JSON readers split them off
DECLINE_WORDS = ("负增长", "下降", "减少", "回落", "降低", "下滑", "下跌", "缩减", "降幅")
_LOOK = 8


def minus_before(text: str, start: int) -> bool:
    """A minus printed right before the number at `start`, after a change word (增长-6.3%)."""
    if start <= 0 or text[start - 1] not in MINUS:
        return False
    before = text[max(0, start - 1 - _LOOK) : start - 1]
    return _SIGNED.search(before) is not None


def fell_before(text: str, start: int) -> bool:
    """A word right before the number at `start` saying the metric fell by it (下降6.3%)."""
    return _FELL.search(text, max(0, start - _LOOK), start) is not None


# ---- a figure's number as the report writes it (issue K) ------------------------------------------
_AFTER_WORDS = ("左右", "以上", "以内", "以下", "上下", "之内", "之多", "有余")
_CHANGE_TAIL = re.compile(
    r"(?:同比)?(?:负增长|下降|减少|回落|降低|下滑|下跌|缩减|降幅|增长率|增长|增速|增幅)$"
)


def figure_number(f: Any) -> tuple[str, str | None]:
    """(the number as the report writes it, the label left to say after it).

    A qualifier printed before the number comes back (突破500亿元); a fall reads as the report wrote it,
    its change word moved from the label to the number: 规上工业增加值下降 + 6.3% (value -6.3) ->
    ("下降6.3%", "规上工业增加值"), 地区生产总值增长 + -6.3% -> ("增长-6.3%", "地区生产总值"); a negative
    value under a label saying growth (a model's wording) is never shown as growth: ("下降6.3%", metric)."""
    surface: str = getattr(f, "surface", "")
    label = f.label
    q = getattr(f, "qualifier", None) or ""
    if q and q not in surface:
        surface = surface + q if q in _AFTER_WORDS else q + surface
    value = getattr(f, "value", None)
    if value is None or value >= 0:
        return surface, label
    tail = _CHANGE_TAIL.search(label or "")
    word = tail.group(0) if tail else ""
    if surface.lstrip(q)[:1] in MINUS:  # 增长-6.3%: the minus is printed, the word goes before it
        return (word + surface, (label or "")[: tail.start()] or None) if tail else (surface, label)
    if word.removeprefix("同比") not in DECLINE_WORDS:  # no word, or one saying growth: it fell
        word = "下降"
    return word + surface, ((label or "")[: tail.start()] if tail else label) or None
