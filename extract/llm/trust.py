"""What a model may not claim even with every number grounded: a label its figure's clause does not
support, a kind the rules are sure of flipped, a person given a role the report does not give them.

"Supported" label, precisely: the label's characters (letters and CJK, punctuation and spaces ignored)
are counted in the figure's *window* — its own clause (between ，；。！？ and line ends), plus the clause
before it in the same sentence when the own clause says fewer than 4 characters before the number
(「…投资52亿元，增长8.5%」: 增长 alone names nothing). A label is supported when at least 2/3 of its
characters occur in the window. A small model's copied labels (总投资 on 「分解86项241条任务」) share
one character or none with their clause; a fair label (年度投资完成率 on 「年度投资完成率112%」) all.
"""

from __future__ import annotations

import math
import re

from extract.models import Figure, Person

SUPPORT = 2 / 3
_CLAUSE_STOPS = "，,；;。！？!?\n"
_SENTENCE_STOPS = "。！？!?\n"
_SKIP = set(" \t\u3000、，,。；;：:（）()“”\"'‘’《》·-—/")

# Kinds the rules are sure of: the figure's own clause has a cue of one side only.
_RESULT_CUES = re.compile(r"完成|已经|已|累计|实现了|同比|截至|截止|以来|达到了|共计|先后")
_TARGET_CUES = re.compile(r"力争|确保|计划|目标|拟|争取|规划|预计|将|要|下一步|今后|明年|谋划|预期|有望")

# Titles a summary may attach to a name; 副/常务副 matter (县委副书记 is not 县委书记).
_TITLE = (
    r"(?:常务副|副)?(?:书记|县长|市长|区长|州长|旗长|省长|镇长|乡长|主任|局长|部长|厅长|处长|科长|主席|"
    r"秘书长|委员|组长|队长|所长|院长|站长|董事长|总经理|经理|校长|政委|司令员)"
)
_TITLE_BEFORE = re.compile(rf"(?P<org>[\u4e00-\u9fff]{{0,3}}?)(?P<title>{_TITLE})$")
_TITLE_AFTER = re.compile(rf"^[（(]?(?P<org>[\u4e00-\u9fff]{{0,3}}?)(?P<title>{_TITLE})")


def _clause_bounds(text: str, start: int, end: int, stops: str = _CLAUSE_STOPS) -> tuple[int, int]:
    i = max(text.rfind(c, 0, start) for c in stops) + 1
    found = [j for j in (text.find(c, end) for c in stops) if j >= 0]
    return i, (min(found) if found else len(text))


def window(text: str, f: Figure) -> str:
    """The figure's own clause, with the clause before it when its own clause says almost nothing
    before the number; the quote when the figure has no offsets."""
    if not (0 <= f.start < f.end <= len(text)):
        return f.quote
    cs, ce = _clause_bounds(text, f.start, f.end)
    before = sum(1 for ch in text[cs : f.start] if "\u4e00" <= ch <= "\u9fff")
    if before < 4 and cs > 0 and text[cs - 1] not in _SENTENCE_STOPS:
        cs = _clause_bounds(text, cs - 1, cs - 1)[0]
    return text[cs:ce]


def label_supported(label: str, win: str) -> bool:
    chars = [c for c in label if c not in _SKIP and not c.isspace()]
    if not chars:
        return False
    present = set(win)
    hits = sum(1 for c in chars if c in present)
    return hits >= math.ceil(len(chars) * SUPPORT)


def sure_kind(win: str) -> str | None:
    """result / target when the clause has cues of one side only (年度投资完成率112% -> result)."""
    r, t = bool(_RESULT_CUES.search(win)), bool(_TARGET_CUES.search(win))
    if r and not t:
        return "result"
    if t and not r:
        return "target"
    return None


def _claims(sentence: str, name: str) -> list[tuple[str, str]]:
    """(org, title) pairs the sentence attaches to `name`, right before or right after it."""
    out = []
    for m in re.finditer(re.escape(name), sentence):
        b = _TITLE_BEFORE.search(sentence[max(0, m.start() - 12) : m.start()])
        if b:
            out.append((b["org"], b["title"]))
        a = _TITLE_AFTER.search(sentence[m.end() : m.end() + 12])
        if a:
            out.append((a["org"], a["title"]))
    return out


def _segments(text: str, name: str, others: list[str]) -> list[str]:
    """What the report writes right before and right after each mention of `name`, within its clause
    (、 joins one person's titles, so it does not stop a segment) and never across another person."""
    out = []
    stops = "，,；;。！？!?：:\n"
    for m in re.finditer(re.escape(name), text):
        lo = max(text.rfind(c, 0, m.start()) for c in stops) + 1
        before = text[max(lo, m.start() - 24) : m.start()]
        his = [j for j in (text.find(c, m.end()) for c in stops) if j >= 0]
        after = text[m.end() : min([*his, m.end() + 24])]
        for o in others:
            if o in before:
                before = before[before.rindex(o) + len(o) :]
            if o in after:
                after = after[: after.index(o)]
        out += [before, after]
    return out


def _role_given(text: str, name: str, title: str, roles: list[str], others: list[str]) -> bool:
    """Does the report give `name` this title, with the same 副-ness, next to the name (or in the role
    the rules read for them)?"""
    plain = not title.startswith(("副", "常务副"))
    exact = re.compile(rf"(?<!副){re.escape(title)}" if plain else re.escape(title))
    return any(exact.search(p) for p in [*roles, *_segments(text, name, others)])


def role_written(text: str, name: str, role: str, others: list[str]) -> bool:
    """Is `role` written next to `name` in the report (not merely somewhere in it: 县委书记 may be
    another person's title)?"""
    return any(role in seg for seg in _segments(text, name, [o for o in others if o != name]))


def role_mismatches(sentence: str, text: str, people: list[Person]) -> list[str]:
    """`name title` claims in a sentence the report does not support, e.g. 王某 县委书记 where the report
    says 县委副书记."""
    bad = []
    names = [p.name for p in people]
    for p in people:
        roles = [p.role] if p.role else []
        others = [n for n in names if n != p.name and p.name not in n]
        for org, title in _claims(sentence, p.name):
            if not _role_given(text, p.name, title, roles, others):
                bad.append(f"{p.name} {org}{title}")
    return bad


# ---- the digest's language -------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_LATIN_END = re.compile(r"(?<=[A-Za-z0-9][.!?])\s+")  # an English sentence's end inside a Chinese one


def is_chinese(s: str) -> bool:
    """Mostly Chinese: more CJK characters than Latin letters (GDP, 5G or a company name stay)."""
    return len(_CJK.findall(s)) > len(_LATIN.findall(s))


def chinese_only(s: str) -> tuple[str, list[str]]:
    """(the text without its English sentences, the sentences cut): a Chinese digest shows no model
    text in another language (a highlight 「Total investment 1」, an English lead-in to a summary)."""
    pieces = _LATIN_END.split(s)
    return "".join(p for p in pieces if is_chinese(p)).strip(), [p for p in pieces if not is_chinese(p)]


def fit_sentences(sents: list[str], limit: int) -> str:
    """The summary within `limit` characters, whole sentences (one over-long one cut at a clause)."""
    out = ""
    for s in sents:
        if len(out) + len(s) <= limit:
            out += s
        elif not out:
            # one over-long sentence: cut at the last clause break so no number is split
            cut = max(s.rfind(c, 0, limit - 1) for c in "，,、；;")
            out = s[:cut] + "。" if cut > 0 else s[: limit - 1] + "…"
            break
    return out
