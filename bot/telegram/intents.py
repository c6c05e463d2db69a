"""What a plain text message is: a report, a question about a county's targets, or neither.

Cheap heuristics on the raw text (either script); the pipeline does the real reading.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")
# a number followed by a unit or measure word, in either script: what reports are full of
_FIGURE = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:%|％|个百分点|個百分點|亿|億|万|萬|元|亩|畝|公里|千米|吨|噸|户|戶|人|家|个|個|项|項|"
    r"条|條|座|所|次|千瓦|兆瓦|平方米|平方公里|米|倍)"
)

REPORT_MIN_CJK = 60  # shorter than this is a chat line, whatever it contains
REPORT_LONG_CJK = 400  # this long is a report even without figures (a pasted article)


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def figure_count(text: str) -> int:
    return len(_FIGURE.findall(text))


def looks_like_report(text: str, *, strict: bool = False) -> bool:
    """Long, or carrying several figures. `strict` (groups with privacy mode off): people chat there,
    so ask for more before treating a message as a report."""
    cjk = cjk_count(text)
    if strict:
        return cjk >= 2 * REPORT_LONG_CJK or (cjk >= 200 and figure_count(text) >= 4)
    return cjk >= REPORT_LONG_CJK or (cjk >= REPORT_MIN_CJK and figure_count(text) >= 2)


_TARGET_WORD = re.compile(
    r"(?:重点|重點|主要|关键|關鍵|核心)?(?:目标|目標|指标|指標|任务目标|任務目標)(?:任务|任務)?"
)
_LEAD = re.compile(
    r"^(?:请问|請問|查询|查詢|查一下|查查|看看|看一下|告诉我|告訴我|我想知道|想知道|问一下|問一下|说说|說說|"
    r"列出|给我|給我|帮我查|幫我查)+"
)
_TRAIL = re.compile(
    r"(?:的|今年|明年|去年|本年|年度|全年|\d{4}年|\d{4}|有哪些|有什么|有什麼|是什么|是什麼|都有|都是|主要|重点|重點|"
    r"关键|關鍵|发展|發展|经济|經濟|\s)+$"
)
_PLACE = re.compile(r"([\u3400-\u9fff]{2,12})$")
QUESTION_MAX_CHARS = 40


def targets_query(text: str) -> str | None:
    """The county a short question asks the targets of (`大寧縣的目標?` -> 大寧縣,
    `平陆重点目标` -> 平陆), or None when the text is not such a question."""
    t = text.strip().rstrip("?？!！。.~ ")
    if not t or len(t) > QUESTION_MAX_CHARS or "\n" in t:
        return None
    m = _TARGET_WORD.search(t)
    if not m:
        return None
    head = _LEAD.sub("", t[: m.start()].strip())
    head = _TRAIL.sub("", head)
    place = _PLACE.search(head)
    return place.group(1) if place else None
