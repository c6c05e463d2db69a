"""target / result / None for each figure, from cue words and their scope.

A cascade, first decisive step wins:
1. the figure's own words: the segment before it in its clause (from the clause start or the previous
   figure) — a share of plan reached (占年度计划的80%) or a measured rate (办结率82.5%) is a result; else
   the leftmost strong cue (力争 确保 计划 拟 将… -> target; 已 累计 同比 截至 以来… -> result, so
   力争完成 is a target and 累计争取 a result); 预计 is a result when its period has ended by the
   publication date or ends within weeks of it (estimates.py), and 谋划 a target only for a coming period;
2. a definite cue right after it (9个项目顺利通过 -> result);
3. another figure of the same clause decided by 1-2 (only an earlier one for a figure followed by 的:
   投资5亿元的项目计划年出栏生猪10万头 - the plan is the project's, its investment was signed);
4. a clause opening with 其中 continues the previous figure's kind (a sentence opening with 其中 or
   同时 too, in step 5b, within the paragraph);
5. going left clause by clause in its clause group (；-delimited), the first decided figure or cue;
   else the scope the sentence opens with: the first cue of its first clause group before its first
   figure (`2025年计划实施项目80个…其中续建项目30个，新建项目50个` makes all targets);
6. the period the figure states (ended -> result, coming -> target);
7. the paragraph's running frame, set by sentences that open with a cue (今年以来…, 下一步…,
   会议明确，2024年全县计划…) and kept until another does;
8. a plain action verb before it (完成, 新增, 签约, 开工 …) -> result;
9. the kind of the previous figure in the same sentence;
10. a definite result cue later in the sentence (…,截至目前已全部完成);
11. the kind of the next figure in the same sentence; else None.
建成/竣工/投产 are results, but a target right after a target in the same clause group (计划新增装机
200万千瓦,建成储能电站2座); 在建/现有 state a result; 谋划 with this year's period is a plan.
"""

from __future__ import annotations

import re
from datetime import date

from extract.figures.cues import FOLLOW, RESULT, SOFT, TARGET, Doc
from extract.figures.frames import Frame, opens_with_qizhong
from extract.figures.periods import Layout
from extract.figures.sections import Kind, Structure

_WEAK = re.compile(
    r"完成|实现|达到|达|新增|新建|新开工|开工|签约|引进|落地(?!见效|生根)|投资|投入|建设|组建|召开|明确|细化|分解|"
    r"培育|带动|推广|收获|接待|举办|兑现|减免|开通|改造|实施|发展|吸纳|办理|通过|增长|提高|增加|突破|新认定|"
    r"新登记|销售|种植|播种|吊装|发电|扩大到|稳定在|恢复到|占|推出|策划|入驻|改扩建|改建|扩建|在建|覆盖|"
    r"出动|检查|发放|开放|吸引|帮助|解决|培训|走访|排查|整改|化解|办结|受理|救助|慰问|开展|组织|建立|成立|"
    r"认定|创建|打造|修建|铺设|安装|栽植|治理|清理|拆除|收购|加工|生产|出口|进口|获得|招引|落户|注册|净增|"
    r"减少|下降|提升|降低|共有|拥有|迎来|累计|建成|选派|派驻|选聘|招聘|招录|安置|转移|培训|进入"
)
# Sentences that carry on the one before them (其中…, 同时,…): same kind as its last figure.
_CONTINUES = ("其中", "同时")


def assign_kinds(
    text: str, layout: Layout, spans: list[tuple[int, int]], published: date | None = None
) -> list[Kind | None]:
    """Kind of each figure span (sorted by position)."""
    if layout.published is None:
        layout.published = published
    doc = Doc(text, layout, published)
    structure = layout.structure
    n = len(spans)
    clauses = [layout.span("clause", s) for s, _ in spans]
    sentences = [layout.span("sentence", s) for s, _ in spans]
    own: list[str | None] = []
    for i, (s, e) in enumerate(spans):
        cs, ce = clauses[i]
        lo = spans[i - 1][1] if i and spans[i - 1][1] > cs else cs
        post_end = spans[i + 1][0] if i + 1 < n and spans[i + 1][0] < ce else ce
        own.append(doc.own(lo, s, e, post_end))

    by_clause: dict[tuple[int, int], list[int]] = {}
    for i, clause in enumerate(clauses):
        by_clause.setdefault(clause, []).append(i)
    kinds: list[Kind | None] = [None] * n
    # The running frame: a time frame holds across paragraphs (a heading "二、2024年工作安排" frames
    # what follows); a cue opening a sentence holds to the end of its paragraph.
    frame = Frame(doc, layout)
    first_in_sentence = 0
    for i, (s, e) in enumerate(spans):
        sent = sentences[i]
        if i == 0 or sentences[i - 1] != sent:
            if i:
                prev = sentences[i - 1]
                frame.apply(*doc.scope(prev[0], prev[1], spans[first_in_sentence][0]), prev[0])
            frame.sentences_between(sentences[i - 1][1] + 1 if i else 0, sent[0])
            if i:
                frame.last = (spans[i - 1][0], kinds[i - 1])
            frame.at(sent[0])
            first_in_sentence = i
        running = frame.kind
        cs, ce = clauses[i]
        if structure and structure.in_main(s):  # the main-targets list: this year's targets, all of it
            kinds[i] = TARGET
            continue
        mine = own[i]
        if mine == SOFT:  # 计划新增装机200万千瓦,建成储能电站2座: a plan like the figure before it
            part = layout.span("part", s)
            before = [kinds[j] for j in range(first_in_sentence, i) if spans[j][0] >= part[0]]
            planned = (before and before[-1] == TARGET) or doc.planned(s)
            mine = own[i] = TARGET if planned else RESULT  # under a plan's heading, 建成… is planned
        kind: Kind | None = None if mine == FOLLOW else mine  # type: ignore[assignment]
        if mine == FOLLOW:
            kind = kinds[i - 1] if i > first_in_sentence and kinds[i - 1] else RESULT
        if kind is None:  # 3: clause-mates, but a figure that modifies a noun (投资5亿元的项目计划…)
            # is not governed by a cue that comes after it
            mates = by_clause[clauses[i]]
            if text.startswith("的", e):
                mates = [j for j in mates if j < i]
            kind = next((own[j] for j in mates if own[j] in (TARGET, RESULT)), None)  # type: ignore[assignment]
        if kind is None and _measured(text, layout, structure, i, spans, own, ce, sent[1]):
            kind = RESULT  # 3b: 实现地区生产总值85亿元,同比增长6.5%: compared with last year, so measured
        if kind is None and i and kinds[i - 1] and opens_with_qizhong(text, layout, cs, sent[0]):
            kind = kinds[i - 1]  # 4
        if kind is None:  # 5a: nearest decided figure or cue to the left in the clause group
            part = layout.span("part", s)
            decided = [(spans[j][0], kinds[j]) for j in range(first_in_sentence, i) if spans[j][0] >= part[0]]
            kind = doc.nearest(part[0], s, decided)
        if kind is None:  # 5b: what the sentence opens with (or 其中 continuing the sentence before)
            kind = doc.scope(sent[0], sent[1], spans[first_in_sentence][0])[0]
            if kind is None and first_in_sentence and text.startswith(_CONTINUES, sent[0]):
                last = first_in_sentence - 1  # the sentence before's last figure, not a mate in this one
                if spans[last][0] >= layout.span("paragraph", s)[0]:
                    kind = kinds[last]
        if kind is None:  # 6: the figure's own period
            t = doc.tense(cs, s)
            kind = RESULT if t == "past" else TARGET if t == "future" else None
        if kind is None:
            kind = running  # 7
        if kind is None and _WEAK.search(text, cs, ce):
            kind = RESULT  # 8
        if kind is None and i > first_in_sentence and kinds[i - 1]:
            kind = kinds[i - 1]  # 9
        if kind is None and doc.cue_kind(ce, sent[1])[0] == RESULT:
            kind = RESULT  # 10: 把10件实事作为重点,截至目前已全部完成
        kinds[i] = kind
    # 11: nothing decided it: the sentence's next figure speaks for it (为老人体检2.1万人次,新建卫生室18个)
    for i in range(n - 2, -1, -1):
        if kinds[i] is None and kinds[i + 1] is not None and sentences[i + 1] == sentences[i]:
            kinds[i] = kinds[i + 1]
    return kinds


def _measured(
    text: str, layout: Layout, structure: Structure, i: int, spans: list[tuple[int, int]],
    own: list[str | None], ce: int, sent_end: int,
) -> bool:
    """A figure without a cue of its own whose next figure, opening the next clause, is growth
    against last year (…85亿元,同比增长6.5%) states a result: a plan named earlier in the sentence or
    paragraph (计划…,前三季度实现…) does not reach it. Not after a colon (力争全年实现:…), nor where
    the report's section is a plan."""
    if i + 1 >= len(spans) or own[i + 1] != FOLLOW or spans[i + 1][0] >= sent_end:
        return False
    nxt = layout.span("clause", spans[i + 1][0])
    if nxt[0] != ce + 1 or spans[i + 1][0] > layout.span("clause", ce + 1)[1]:
        return False
    cs = layout.span("clause", spans[i][0])[0]
    if cs and text[cs - 1] in "：:":
        return False
    sec = structure.section_at(spans[i][0]) if structure else None
    return sec is None or sec.kind != TARGET
