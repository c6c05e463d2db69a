"""Key figures first: the order a digest shows its figures in, headline figures leading.

A reader asks "what are the county's key targets?": a work report answers in its main-targets
paragraph (今年…主要预期目标是：…), then in the 力争/确保/目标 figures of its tasks, then in the
headline results of its review. Digest.figures keeps every figure in that order, the rest after
them (targets, results, undecided; labelled before unlabelled; report order), and Digest.key_figures
says how many lead (at most KEY_MAX): what a digest shows, the rest behind a button and /figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from extract.digest.highlights import figure_weight
from extract.figures.sections import Structure
from extract.models import Figure

KEY_MAX = 10
MINOR = 1.0  # figure_weight below this: counts of meetings, campaigns, working groups
# A task's own commitment: 力争…, 确保…, 目标… in the figure's clause, before it.
_TASK_CUE = re.compile(r"力争|确保|目标|突破|达到")
_STRONG_TASK = re.compile(r"力争|确保|目标")
_CLAUSE_MARKS = "，,。；;！!？?：:\n"
# The metrics every review leads with (national statistical indicators, not any report's wording).
_HEADLINE = re.compile(
    r"生产总值|GDP|经济增长|一般公共预算收入|财政收入|固定资产投资|社会消费品零售总额|可支配收入|工业增加值|"
    r"进出口|外贸|粮食|城镇新增就业|失业率|居民消费价格"
)
_KIND_RANK = {"target": 0, "result": 1}


def _clause_before(text: str, pos: int, reach: int = 40) -> str:
    lo = max(0, pos - reach)
    cut = max(text.rfind(ch, lo, pos) for ch in _CLAUSE_MARKS)
    return text[(cut + 1 if cut >= 0 else lo) : pos]


def _tier(f: Figure, text: str, structure: Structure) -> tuple[int, int]:
    """(tier, sub-rank): 0 main targets, 1 committed task targets, 2 headline results, 3 the rest."""
    if f.start < 0 or f.start > len(text):
        return 3, 0
    if structure.in_main(f.start):
        return 0, 1 if structure.main_of_plan(f.start) else 0  # this year's list before the plan's
    sec = structure.section_at(f.start)
    label = f.label or ""
    if f.kind == "target":
        before = _clause_before(text, f.start)
        if _STRONG_TASK.search(before):
            if figure_weight(f) < MINOR:  # 确保每季度举行1次推介活动: procedure, after the rest
                return 1, 3
            return 1, 0 if _HEADLINE.search(label + before) else 1
        if _TASK_CUE.search(before) and sec is not None and sec.kind == "target":
            return 1, 2
    if f.kind == "result" and (sec is None or sec.kind == "result"):
        context = label + _clause_before(text, f.start)
        if _HEADLINE.search(context):
            return 2, 0
    return 3, 0


def order_figures(
    text: str, figures: Sequence[Figure], published: date | None, structure: Structure | None = None
) -> tuple[list[Figure], int]:
    """(figures key-first, how many of them are key). Stable: report order within each rank."""
    structure = structure if structure is not None else Structure(text, published)
    keyed = []
    for i, f in enumerate(figures):
        tier, sub = _tier(f, text, structure)
        rest = (_KIND_RANK.get(f.kind or "", 2), f.label is None) if tier == 3 else (0, False)
        keyed.append(((tier, sub, *rest, f.start if f.start >= 0 else i, i), f))
    keyed.sort(key=lambda p: p[0])
    ordered = [f for _, f in keyed]
    key = sum(1 for k, _ in keyed if k[0] < 3)
    return ordered, min(key, KEY_MAX)
