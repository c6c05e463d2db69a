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
