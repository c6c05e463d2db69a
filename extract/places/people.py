"""Who spoke and who wrote: officials named after their role, and bylines.

    县委副书记、县长刘建国表示…      -> Person(刘建国, 县委副书记、县长)  (兰考县委… when so written)
    县人民政府副县长陈志远传达…      -> Person(陈志远, 副县长)
    credits: 记者 孙立平             -> Person(孙立平, 记者)
    credits: 周敏 吴海涛             -> nobody (a credit without a role)
    县 长 张明远 (a work report's speaker line, spaced as printed) -> Person(张明远, 县长), listed first

A name is only read right after a role (or in a byline) and must end where the sentence
goes on (表示, 主持, 出席, punctuation…): a person the text never gives a role is not reported,
and a false name is worse than a missing one.
"""

from __future__ import annotations

import re
from functools import cache

from extract.models import Document, Person
from extract.places.bylines import bylines_in, parse_credit, speakers_in
from extract.places.names import SEG_RE, TITLE_RE, name_at

_ROLE_AT_END = re.compile(rf"(?:中共)?{SEG_RE}(?:[、兼]{SEG_RE})*$")
_TITLE_ANY = re.compile(TITLE_RE)
_ROLE_WINDOW = 40  # characters before a title that a role (中共X县委常委、常务副县长) may span


@cache
def _location_forms() -> frozenset[str]:
    from extract.places.gazetteer import index

    idx = index()
    return frozenset(set(idx.forms) | set(idx.cities) | set(idx.provinces))


def _qualifier_before(text: str, start: int) -> int:
    """Extend a role leftwards over the place it belongs to (兰考|县委…, 中共兰考|县委…)."""
    forms = _location_forms()
    new_start = start
    for k in range(8, 1, -1):
        if start - k < 0:
            continue
        loc = text[start - k : start]
        # 兰考 + 县委; or the county's full name ends with the role's own first char (贡山独龙族怒族自治县委)
        if loc in forms or text[start - k : start + 1] in forms:
            new_start = start - k
            break
    if text[max(0, new_start - 2) : new_start] == "中共":
        new_start -= 2
    return new_start


def _clean_role(role: str) -> str:
    # 县人民政府副县长 -> 副县长: the office already says which government
    role = re.sub(r"^[省市州盟县区旗乡镇]?人民政府(?=[^、]*(?:长|主任))", "", role)
    return role.strip("、 ")


@cache
def _county_names() -> tuple[frozenset[str], frozenset[str], int]:
    """(county names that are not bare short names, their first two characters, longest length)."""
    from extract.places.gazetteer import index

    idx = index()
    return idx.names, frozenset(n[:2] for n in idx.names), idx.max_len


def _starts_place_name(text: str, pos: int) -> bool:
    """上海市长宁区, 湖南省长沙县: the title's last character opens a county's name."""
    names, prefixes, max_len = _county_names()
    if text[pos : pos + 2] not in prefixes:
        return False
    return any(text[pos : pos + n] in names for n in range(2, max_len + 1))


def _officials(text: str) -> list[tuple[int, Person]]:
    """A title followed by a name; the role is the chain of offices that ends at that title."""
    found = []
    for t in _TITLE_ANY.finditer(text):
        if _starts_place_name(text, t.end() - 1):
            continue
        name = name_at(text, t.end())
        if name is None:
            continue
        lo = max(0, t.start() - _ROLE_WINDOW)
        m = _ROLE_AT_END.search(text, lo, t.end())
        if m is None:
            continue
        start = _qualifier_before(text, m.start())
        role = _clean_role(text[start : m.end()]) if start == m.start() else text[start : m.end()]
        found.append((m.start(), Person(name=name, role=role)))
    return found



def find_people(doc: Document) -> list[Person]:
    """Officials with their roles in order of appearance, then bylines (记者, authors with an office)."""
    texts = [doc.text]
    if doc.title and doc.title not in doc.text[: len(doc.title) + 200]:
        texts.insert(0, doc.title)
    merged: dict[str, str | None] = {}
    order: list[str] = []

    def add(p: Person) -> None:
        if p.name not in merged:
            merged[p.name] = p.role
            order.append(p.name)
        elif p.role and len(p.role) > len(merged[p.name] or ""):
            merged[p.name] = p.role  # the most qualified form (兰考县委副书记 over 县委副书记)

    for person in speakers_in(doc.text):  # the speaker's line under a work report's subtitle
        add(person)
    for text in texts:
        for _, person in _officials(text):
            add(person)
    # Bylines and credits as normalisation kept them (Document.credits); a labelled entry in
    # authors is read too (a bare name there says nothing about a role).
    bylines = [p for credit in (*doc.credits, *doc.authors) for p in parse_credit(credit)]
    if not bylines:
        bylines = bylines_in(doc.text)
    for p in bylines:
        add(p)
    return [Person(name=n, role=merged[n]) for n in order]
