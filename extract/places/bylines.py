"""Bylines and credits: 记者 孙立平, 本报记者张三 通讯员李四, 作者X县委书记 李四 (names without a role
are not reported)."""

from __future__ import annotations

import re
from functools import cache

from extract.models import Person
from extract.places.names import TITLE_RE, name_at, plausible_name, role_re

_BYLINE_ROLES = ("记者", "通讯员", "特约记者", "实习记者", "本报记者", "作者", "撰稿", "摄影")
# A byline label and the name after it. It must open a line or follow a space or "(": checked in
# bylines_in(), because a regex that starts with that look-behind cannot skip ahead to the labels.
_BYLINE = r"(本报记者|特约记者|实习记者|记者|通讯员)[ \u3000]*([\u4e00-\u9fff]{2,4})(?=[\s)）,，。]|$)"
_BYLINE_BEFORE = re.compile(r"[\s(（]")
# Labels that make a credit a byline: reporters, photographers, writers.
_CREDIT_LABELS = sorted(
    {*_BYLINE_ROLES, "本台记者", "本网记者", "见习记者", "撰文", "实习生"}, key=len, reverse=True
)
_CREDIT_SPLIT = re.compile(r"[\s、,，;；]+")


@cache
def _byline_re() -> re.Pattern[str]:  # compiled on first use: reports with credits never need it
    return re.compile(_BYLINE, re.M)




def parse_credit(credit: str) -> list[Person]:
    """The people a byline or credit names with a role, as written in the report:

        记者 孙立平                         -> [孙立平 (记者)]
        本报记者 张三 通讯员 李四           -> [张三 (本报记者), 李四 (通讯员)]
        作者中共X县委副书记、政府县长 郑永安 -> [郑永安 (中共X县委副书记、政府县长)]
        周敏 吴海涛                         -> []   (names without a role are not reported)
    """
    credit = credit.strip().strip("()（）[]【】").strip()
    credit = re.sub(r"^作者[:：]?\s*", "", credit)
    parts = credit.split()
    # an author with an office: 中共X县委副书记、政府县长 郑永安
    if len(parts) >= 2 and plausible_name(parts[-1]):
        role = "".join(parts[:-1]).strip("：: ")
        if role and role not in _CREDIT_LABELS and role_re().search(role):
            return [Person(name=parts[-1], role=role)]
    # labelled bylines: 记者 张三, 本报记者张三, 记者:张三 通讯员:李四
    people: list[Person] = []
    label: str | None = None
    for tok in _CREDIT_SPLIT.split(credit.replace("：", " ").replace(":", " ")):
        if not tok:
            continue
        if tok in _CREDIT_LABELS:
            label = tok
            continue
        for lab in _CREDIT_LABELS:  # 本报记者张三
            if tok.startswith(lab) and plausible_name(tok[len(lab) :]):
                label, tok = lab, tok[len(lab) :]
                break
        if label is None or not plausible_name(tok):
            people = []
            break  # not a byline of labels and names
        people.append(Person(name=tok, role=label))
    if people:
        return people
    for m in role_re().finditer(credit):  # 中共X县委书记张三 written without a space
        name = name_at(credit, m.end())
        if name and m.end() + len(name) >= len(credit.rstrip()):
            return [Person(name=name, role=credit[: m.end()].strip())]
    return []


def bylines_in(text: str) -> list[Person]:
    """Bylines left in the body: (记者 张三 通讯员 李四)."""
    found: list[Person] = []
    pos = 0
    while (m := _byline_re().search(text, pos)) is not None:
        start = m.start()
        if start > 0 and not _BYLINE_BEFORE.match(text, start - 1):
            pos = start + 1  # not a byline here; one may still start inside this match
            continue
        if plausible_name(m.group(2)):
            found.append(Person(name=m.group(2), role=m.group(1)))
        pos = m.end()
    return found


# --- the speaker's line under a report's subtitle ------------------------------------------------

# Printed with the characters spaced out (县 长 张明远, 代县长 丁 磊) or with a lost non-breaking space
# shown as "??" (县长??杨曙光): gaps are dropped, then the line must be a role ending in a title and a name.
_GAPS = re.compile(r"[\s\u3000?？]+")
_SPEAKER_LINES = 30  # the speaker is named right under the title and subtitle
_SPEAKER_MAX = 40  # characters of the line without gaps
_ROLE_END = re.compile(rf"(?:{TITLE_RE})$")
_NOT_ROLE = re.compile(r"[，。,；;：:！？!“”\"《》()（）\d]")


def speaker_line(line: str) -> Person | None:
    """`县 长 张明远` -> 张明远 (县长); `易县人民政府代县长 丁 磊` -> 丁磊 (易县人民政府代县长); else None.

    The whole line must be the role and the name: a sentence never reads as a speaker line."""
    flat = _GAPS.sub("", line)
    if not 4 <= len(flat) <= _SPEAKER_MAX or _NOT_ROLE.search(flat):
        return None
    for n in (3, 2, 4):  # most names have three characters; a two-character one wins only when 3 fails
        role, name = flat[:-n], flat[-n:]
        if _ROLE_END.search(role) and name_at(flat, len(role)) == name and role_re().search(role):
            return Person(name=name, role=role)
    return None


def speakers_in(text: str) -> list[Person]:
    """Speaker lines near the top of a report (work reports, speeches)."""
    found = []
    for line in text.split("\n", _SPEAKER_LINES)[:_SPEAKER_LINES]:
        if len(line) <= 2 * _SPEAKER_MAX and (p := speaker_line(line)) is not None:
            found.append(p)
    return found
