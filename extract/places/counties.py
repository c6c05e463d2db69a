"""Which county a report is about: gazetteer names found in the title, source, bylines and body.

The county the report is about comes first (title, source, first paragraph, most mentions),
then others the report is clearly also about. A name mentioned once in passing is not enough,
a person's name is not a place (县长黄龙飞 is not 黄龙县), and a bare short name that is also an
ordinary word (新兴, 延长, 复兴…) needs context: the full name, its city or province nearby, or
repeated mentions with the county's province or city named in the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from extract.models import County, Document
from extract.places.evidence import held_up, inside_word, place_use, slogan
from extract.places.gazetteer import FULL, SHORT, Entry, index
from extract.places.scan import scan as _scan
from extract.places.subjects import Tally, counties_from_tallies

# Where a mention stands and how much it says about the subject of the report.
ZONE_WEIGHT = {"title": 3.0, "source": 2.0, "file": 2.0, "lead": 2.0, "authors": 1.0, "body": 1.0}
FOLLOWED_BONUS = 1.0  # the chat follows this county: a weak prior that breaks ties, never a place by itself
WEAK_FACTOR = 0.5
PLACE_USE_FACTOR = 0.75  # a bare short name used as a place (把X打造成, X力量): between weak and full
COMMON_WORD = 50  # jieba frequency above which a short name is also an everyday word
VERY_COMMON_WORD = 300  # ... so common that a bare mention never names a county by itself
# After a bare short name these characters make it part of another place name (永春河, 城关镇).
_TOPONYM_NEXT = set("镇乡村街路道巷桥河江湖溪泉山岭峰寺庙园湾港站口渠坝库洞寨屯堡沟坪场")
# ... or a character or two and then a town's or a Mongolian township's word (巴彦花镇, X胡舒苏木, X嘎查)
# A bare short name ending so may be the river, lake or mountain the county is named after (唐河, 巫山)
_NATURE = set("河江湖山海溪")
_TOWN_AFTER = re.compile(r"[\u4e00-\u9fff]{0,2}(?:镇|乡|苏木|嘎查)")
# Before a bare short name these make it part of a person's name (县长黄龙飞).
_PERSON_BEFORE = (
    "书记",
    "县长",
    "市长",
    "区长",
    "旗长",
    "州长",
    "主任",
    "主席",
    "部长",
    "局长",
    "同志",
    "记者",
    "通讯员",
    "委员",
    "常委",
    "经理",
    "董事长",
    "校长",
    "院长",
    "组长",
)


# Near the top of the body, a county that names itself — 在某某县第十八届人民代表大会…, 某某县人民政府,
# a clause opening on 某某县的… — is the subject even when written once (a work report's subtitle, a
# notice's issuer). A county merely named there (会上，某某县作了交流发言) is not.
HEAD_CHARS = 200
_SELF_NAMING_AFTER = re.compile(
    r"第[一二三四五六七八九十]+届|人民代表大会|人民政府|人大|政协|[县区旗市]?委|政府"
)
_CLAUSE_START = set("，。；：！？、,;:\n")


def _names_itself(hit: _Hit) -> bool:
    if hit.zone != "body" or hit.start >= HEAD_CHARS or hit.how == SHORT:
        return False
    after = hit.text[hit.end : hit.end + 8]
    if _SELF_NAMING_AFTER.match(after):
        return True
    opens_clause = hit.start == 0 or hit.text[hit.start - 1] in _CLAUSE_START
    return opens_clause and after.startswith("的")


_GENERIC_CHARS = set("新老城市中东西南北关上下前后内外郊矿")
# A bare name that starts with one of these, right after another character, is usually the
# conjunction plus a word (发展和安全感: not 和安县).
_CONJUNCTIONS = set("和与及或并在对是的为向从")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass(slots=True)
class _Hit:
    form: str
    how: str  # FULL / ALIAS / SHORT
    zone: str
    start: int
    end: int
    text: str  # the zone's text, for context checks
    candidates: list[Entry]


def report_zones(doc: Document) -> list[tuple[str, str]]:
    zones: list[tuple[str, str]] = []
    body = doc.text
    if doc.title:
        zones.append(("title", doc.title))
        head = body.lstrip()
        if head.startswith(doc.title):
            body = head[len(doc.title) :]
    paras = [p for p in body.split("\n") if p.strip()]
    if not doc.title and paras and len(paras[0]) <= 60 and len(paras) > 1:
        zones.append(("title", paras.pop(0)))  # an untitled document's short first line is its title
    if paras:
        zones.append(("lead", paras[0]))
        zones.append(("body", "\n".join(paras[1:])))
    if doc.source:
        zones.append(("source", doc.source))
    if doc.authors:
        zones.append(("authors", "\n".join(doc.authors)))
    stem = (doc.filename or "").rsplit(".", 1)[0]
    if any(_is_han(c) for c in stem):  # 某某县2024年政府工作报告.docx (traditional too)
        from extract.text.script import to_simplified

        zones.append(("file", to_simplified(stem)))
    return zones


def _mask(text: str, names: Iterable[str]) -> str:
    for name in names:
        if len(name) >= 2:
            text = text.replace(name, "□" * len(name))
    return text


def _named_before(text: str, start: int, entry: Entry) -> bool:
    """河南省兰考县, 开封兰考: the county's own province or city written just before it."""
    before = text[max(0, start - 8) : start]
    names = (entry.province, entry.province_short, entry.city, entry.city_short)
    return any(n and before.endswith(n) for n in names)


def _is_weak(hit: _Hit) -> bool:
    if hit.how == SHORT:
        return True
    if hit.start == 0 and hit.zone in ("title", "lead"):  # 和县召开…: a name opening the report
        return False
    if len(hit.form) <= 2:  # 吉县, 和县, 城区: one character plus a suffix reads as ordinary text too
        return True
    # 新城区, 老城区, 城关区, 市中区: names made of generic words are also plain phrases
    return hit.how == FULL and all(c in _GENERIC_CHARS for c in hit.form[:-1])


def _keep_hit(hit: _Hit) -> bool:
    after = hit.text[hit.end : hit.end + 1]
    before = hit.text[max(0, hit.start - 4) : hit.start]
    if any(_named_before(hit.text, hit.start, e) for e in hit.candidates):
        return True  # 安徽省和县, 开封兰考: its own province or city right before it
    if (hit.how == SHORT or len(hit.form) <= 2) and inside_word(
        hit.text, hit.start, hit.end, short=hit.how == SHORT
    ):
        return False  # 示范县 is not 范县, 代县长 not 代县, 县城区 not 城区: a name inside a longer word
    if slogan(hit.text, hit.start, hit.form):
        return False  # 开放兴县, 强工富县: a slogan's verb and 县, not 兴县 or 富县
    if len(hit.form) <= 2 and after == "域":  # 振兴县域 is not 兴县
        return False
    if (hit.how == SHORT or len(hit.form) <= 2) and hit.form[0] in _CONJUNCTIONS and _is_han(before[-1:]):
        return False  # 党性和政绩观 is not 和政(县)
    if hit.how == SHORT:
        if held_up(hit.text, hit.start):
            return False  # 学习X经验: a bare short name held up as a model is another place
        if after in _TOPONYM_NEXT or _TOWN_AFTER.match(hit.text, hit.end):
            return False
        if any(before.endswith(w) for w in _PERSON_BEFORE):
            return False
    return True


class _Context:
    """Which provinces and cities the document names (anywhere), computed on demand."""

    def __init__(self, zones: list[tuple[str, str]]) -> None:
        self.all_text = "\n".join(t for _, t in zones)
        self._seen: dict[str, bool] = {}

    def named(self, name: str | None) -> bool:
        if not name or len(name) < 2:
            return False
        if name not in self._seen:
            self._seen[name] = name in self.all_text
        return self._seen[name]

    def city(self, e: Entry) -> bool:
        return self.named(e.city) or self.named(e.city_short)

    def province(self, e: Entry) -> bool:
        return self.named(e.province) or self.named(e.province_short)


def _resolve(candidates: list[Entry], ctx: _Context, anchors: set[str]) -> list[Entry]:
    """Narrow a name shared by several counties using the places the report names."""
    if len(candidates) <= 1:
        return candidates
    for test in (
        lambda e: e.code in anchors,
        lambda e: ctx.city(e),
        lambda e: ctx.province(e) and any(a[:2] == e.code[:2] for a in anchors),
        lambda e: ctx.province(e),
    ):
        narrowed = [e for e in candidates if test(e)]
        if narrowed:
            candidates = narrowed
            if len(candidates) == 1:
                break
    return candidates


def _accept(t: Tally, ctx: _Context) -> bool:
    if t.strong:
        return True
    if t.entry is None:
        return False
    if _names_a_city_or_province(t.forms):
        return False
    context = ctx.city(t.entry) or ctx.province(t.entry)
    if t.place_uses:  # 把X打造成, 现代化石柱: even an everyday word, used twice as a place where it is
        return t.weak_freq < VERY_COMMON_WORD or (t.place_uses >= 2 and context)
    if t.weak_freq >= VERY_COMMON_WORD:
        return False
    if t.weak_freq >= COMMON_WORD:
        return context and t.weak >= 2
    if not t.full and any(f[-1] in _NATURE for f in t.forms):
        return context or "title" in t.zones  # 唐河, 清河: the river itself more often than the county
    return t.weak >= 2 or "title" in t.zones or context


def _names_a_city_or_province(forms: set[str]) -> bool:
    idx = index()
    return any(f in idx.cities or f in idx.provinces for f in forms)


def county_tallies(
    doc: Document, person_names: Iterable[str] = (), followed: Iterable[str] = ()
) -> list[Tally]:
    """The counties the report names well enough to be its subject, weightiest first."""
    return accepted(*all_tallies(doc, person_names, followed))


def accepted(ranked: list[Tally], ctx: _Context) -> list[Tally]:
    """The tallies that may be a subject: enough evidence, or a followed county mentioned at all."""
    return [t for t in ranked if _accept(t, ctx) or (t.followed and t.entry is not None)]


def candidate(t: Tally) -> bool:
    """Whether a mention, too weak to be a subject, is still worth offering as a candidate: the full
    name, a short name used as a place, or a short name that is no everyday word (not 新兴 in 新兴产业)."""
    return t.entry is not None and bool(t.strong or t.place_uses or t.weak_freq < COMMON_WORD or t.followed)


def all_tallies(
    doc: Document,
    person_names: Iterable[str] = (),
    followed: Iterable[str] = (),
    roles: Mapping[str, str] | None = None,
) -> tuple[list[Tally], _Context]:
    """Every county the report mentions (outside longer words), weightiest first: the accepted ones and
    the passing mentions that make candidates when no county is sure. `followed`: the full names of the
    counties the chat follows, a weak prior. `roles`: person -> role as read (某县委书记): each later
    mention of an official whose role names a county the report names is more evidence for it."""
    zones = report_zones(doc)
    names = [n for n in person_names if n]
    hits: list[_Hit] = []
    for zone, text in zones:
        masked = _mask(text, names)
        for start, end, form, found in _scan(masked):
            full = [e for e, how in found if how == FULL]
            how = FULL if full else found[0][1]
            hit = _Hit(form, how, zone, start, end, masked, full or [e for e, _ in found])
            if _keep_hit(hit):
                hits.append(hit)
    ctx = _Context(zones)
    # unambiguous strong mentions anchor the resolution of shared names
    anchors = {h.candidates[0].code for h in hits if len(h.candidates) == 1 and h.how != SHORT}
    tallies: dict[str, Tally] = {}
    order = {z: i for i, (z, _) in enumerate(zones)}
    for h in hits:
        resolved = _resolve(h.candidates, ctx, anchors)
        names_ = {e.name for e in resolved}
        if len(resolved) == 1:
            entry: Entry | None = resolved[0]
            key = resolved[0].code
        elif len(names_) == 1:
            entry, key = None, "?" + resolved[0].name  # same name, several places: keep the name only
        else:
            continue
        probe = resolved[0]
        weak = _is_weak(h) and not _named_before(h.text, h.start, probe)
        t = tallies.setdefault(key, Tally(entry=entry, name=probe.name))
        head = not weak and _names_itself(h)
        # a short name used as a place; a full name too (建设“六个X县”), which lets a single one deep in
        # the body be the subject of a report that otherwise says only 我县
        strict = h.how == SHORT and probe.short_freq >= COMMON_WORD
        used = place_use(h.text, h.start, h.end, strict=strict)
        t.place_uses += used
        if h.how != SHORT:
            t.full += 1
            t.full_zones.add(h.zone)
        factor = 1.0 if not weak else PLACE_USE_FACTOR if used else WEAK_FACTOR
        t.score += ZONE_WEIGHT["lead" if head else h.zone] * factor
        t.zones.add("head" if head else h.zone)
        t.first = min(t.first, (order[h.zone], h.start))
        t.forms.add(h.form)
        if weak:
            t.weak += 1
            freq = probe.short_freq if h.how == SHORT else probe.name_freq
            t.weak_freq = max(t.weak_freq, freq)
        else:
            t.strong += 1
    _officials(tallies, roles or {}, zones)
    follow = set(followed)
    for t in tallies.values():
        # asked only where short names decide (subjects.confidence): a substring search per name is not free
        if not t.strong and t.entry is not None:
            t.context = ctx.city(t.entry) or ctx.province(t.entry)
        if t.name in follow:
            t.followed = True
            t.score += FOLLOWED_BONUS
    ranked = sorted(tallies.values(), key=lambda t: (-t.score, t.first))
    return ranked, ctx


OFFICIAL_WEIGHT = WEAK_FACTOR  # per later mention of an official named with the county (at most 4 counted)


def _officials(tallies: dict[str, Tally], roles: Mapping[str, str], zones: list[tuple[str, str]]) -> None:
    """某县委书记张三 … 张三指出 … 张三要求: the official's later mentions speak for 某县 — only for a
    county the report itself names (the role is read from the report)."""
    for name, role in roles.items():
        codes = {e.code for *_, hits in _scan(role) for e, how in hits if how != SHORT}
        t = tallies.get(next(iter(codes))) if len(codes) == 1 else None
        if t is None or len(name) < 2:
            continue
        later = sum(text.count(name) for _, text in zones) - 1  # the mention beside the role itself
        if later > 0:
            t.officials += min(later, 4)
            t.score += OFFICIAL_WEIGHT * min(later, 4)


def find_counties(doc: Document) -> list[County]:
    """The county the report is about first, then others it is clearly about too."""
    from extract.places.people import find_people

    return counties_from_tallies(county_tallies(doc, [p.name for p in find_people(doc)]))


__all__ = [
    "accepted",
    "all_tallies",
    "candidate",
    "counties_from_tallies",
    "county_tallies",
    "find_counties",
    "report_zones",
]
