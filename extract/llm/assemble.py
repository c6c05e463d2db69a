"""From the model's answer to digest parts the report supports — and the list of what it did not.

Nothing the model says is taken on trust: figures come from the finder's candidates by id (value,
unit, surface, offsets never from the model) or from verbatim surfaces found in the text; counties
through the gazetteer; people only when their names occur in the text; free text only sentences
whose every number the report states. The problems found are both the re-ask's error list and,
when they survive the re-asks, the digest's warnings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from extract.digest.grounding import number_forms, ungrounded_numbers
from extract.figures.numerals import parse_quantity
from extract.figures.sections import own_year, resolve_year
from extract.figures.signs import MINUS, fell_before, minus_before
from extract.llm import notices, trust
from extract.llm.calllog import Rejection
from extract.llm.prompt import NumberedFigure
from extract.llm.schema import AddedFigure, Answer
from extract.llm.surfaces import clause_of as _clause
from extract.llm.surfaces import find_surface as _find_surface
from extract.models import County, Digest, Document, Figure, Person
from extract.places.gazetteer import lookup
from extract.places.people import find_people
from extract.text.segment import sentences

SUMMARY_MAX = 200
HIGHLIGHTS_MIN, HIGHLIGHTS_MAX = 3, 5
LABEL_MAX = 40
# units that make a "figure" a date or a duration, never a key figure
_TIME_UNITS = {"年", "月", "日", "号", "时", "点", "分", "秒", "周年", "个月", "季度", "世纪"}
_RISE_END = re.compile(r"(?:增长|增速|增幅|提高|提升|增加|上升|上涨)$")  # a label saying growth


class Grounder:
    """Per report: the number forms of the text, computed once for every sentence checked."""

    def __init__(self, doc: Document, rules: Digest) -> None:
        self.doc = doc
        self.rules = rules
        self.forms = number_forms(doc.text)
        self.rules_names = {p.name for p in rules.people}
        # bylines are kept aside from the body (Document.credits), yet the report does say them
        self.people_text = "\n".join([doc.text, *doc.authors, *doc.credits])

    def ungrounded(self, sentence: str) -> list[str]:
        return ungrounded_numbers(sentence, self.doc.text, forms=self.forms)


@dataclass
class Part:
    """One chunk's answer after review."""

    summary: list[str] = field(default_factory=list)  # kept sentences
    highlights: list[str] = field(default_factory=list)
    counties: list[County] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # for the re-ask and the call log, never a user
    dropped: Counter[str] = field(default_factory=Counter)  # what users are told: kinds and counts
    overrides: list[str] = field(default_factory=list)  # labels/kinds not taken (call log only)
    rejected: list[Rejection] = field(default_factory=list)  # every drop and override, for the call log

    def reject(self, what: str, item: str, reason: str, detail: str, *, problem: bool = True) -> None:
        """A part of the answer not taken: a problem (re-ask, then warning) or an override (log only)."""
        (self.problems if problem else self.overrides).append(detail)
        self.rejected.append(Rejection(what=what, item=item, reason=reason, detail=detail))  # type: ignore[arg-type]


def _clean_label(g: Grounder, label: str | None, fallback: str | None) -> str | None:
    if not label:
        return fallback
    label = label.strip()[:LABEL_MAX]
    return fallback if g.ungrounded(label) else label


_YEAR_WRITTEN = re.compile(r"(?:19|20)\d{2}年")


def _period(g: Grounder, period: str | None, fallback: str | None) -> str | None:
    """The model's period when the report writes it with its year (2024年, 2024年1-4月), else the rules'
    one. A relative one (今年, 全年, 1-4月) is the rules' calendar period, or resolved against the report's
    own year; None (时期不详) when the report has none (issue K: an undated 今年 is no year)."""
    if not period:
        return fallback
    period = period.strip()
    if period == fallback:
        return period
    if period not in g.doc.text or g.ungrounded(period):
        return fallback
    if _YEAR_WRITTEN.match(period):
        return period
    if fallback is not None:
        return fallback
    return resolve_year(period, own_year(g.doc.text, g.doc.published), None)


def _added(g: Grounder, a: AddedFigure, lo: int, hi: int) -> tuple[Figure | None, tuple[str, str] | None]:
    text = g.doc.text
    surface = a.surface.strip()
    if not surface:
        return None, ("empty", "added figure with an empty surface")
    pos = _find_surface(text, surface, lo, hi)
    if pos < 0:
        return None, ("not_in_text", f"added figure {surface!r} does not occur in the report text")
    number = surface.lstrip(MINUS)  # 增长-6.3%: the model may copy the printed minus
    parsed = parse_quantity(number)
    if parsed is None:
        return None, ("not_a_number", f"added figure {surface!r} is not a number with a unit")
    value, unit = parsed
    at = pos + len(surface) - len(number)
    if minus_before(text, at) or fell_before(text, at):  # the sign is the report's, never the model's
        value = -value
    if unit in _TIME_UNITS:
        return None, ("date_or_duration", f"added figure {surface!r} is a date or duration, not a key figure")
    period = _period(g, a.period, None)
    fig = Figure(
        surface=surface,
        value=value,
        unit=unit,
        label=_clean_label(g, a.label, None),
        kind=a.kind,
        period=period,
        quote=_clause(text, pos, pos + len(surface)),
        start=pos,
        end=pos + len(surface),
    )
    return fig, None


def _same_mention(a: Figure, b: Figure) -> bool:
    """The same number at the same place in the text (a figure added again, or chosen by two chunks)."""
    return (a.value, a.unit, a.start) == (b.value, b.unit, b.start)


def _counties(g: Grounder, names: list[str]) -> tuple[list[County], list[Rejection]]:
    rules_by_name = {c.name: c for c in g.rules.counties}
    out: list[County] = []
    problems: list[Rejection] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        found: County | None = rules_by_name.get(name)
        if found is None and name in g.doc.text:
            hits = lookup(name)
            hits_in_rules = [h for h in hits if h.name in rules_by_name]
            if hits_in_rules:
                found = rules_by_name[hits_in_rules[0].name]
            elif len(hits) == 1:
                # the model's word alone, the gazetteer's evidence did not find it: likely, not sure
                found = hits[0].model_copy(update={"confidence": "likely"})
            else:  # several counties share the name: keep the one whose city or province the text names
                placed = [
                    h
                    for h in hits
                    if (h.city and h.city in g.doc.text) or (h.province and h.province in g.doc.text)
                ]
                found = placed[0] if len(placed) == 1 else None
        elif found is None:
            found = next((c for c in g.rules.counties if name in c.name or c.name in name), None)
        if found is None:
            problems.append(Rejection(what="county", item=name, reason="county_not_named",
                                      detail=f"county {name!r} is not a county named in the report"))
        elif all(c.name != found.name for c in out):
            out.append(found)
    return out, problems


def _people(g: Grounder, people: list) -> tuple[list[Person], list[Rejection]]:
    text = g.people_text
    rules_roles = {p.name: p.role for p in g.rules.people}
    out: list[Person] = []
    problems: list[Rejection] = []
    for p in people:
        name = p.name.strip()
        if not name:
            continue
        if not (2 <= len(name) <= 10) or name not in text or any(ch.isdigit() for ch in name):
            problems.append(Rejection(what="person", item=name, reason="not_in_text",
                                      detail=f"person {name!r} does not occur in the report"))
            continue
        role = p.role.strip() if p.role else None
        names = [*rules_roles, *(q.name.strip() for q in people)]
        if role and not trust.role_written(text, name, role, names):  # somebody else's title, or none
            role = rules_roles.get(name)
        if any(q.name == name for q in out):
            continue
        out.append(Person(name=name, role=role or rules_roles.get(name)))
    return out, problems


def review(
    answer: Answer, candidates: list[NumberedFigure], g: Grounder, lo: int = 0, hi: int | None = None
) -> Part:
    """Keep what the report supports; every drop becomes a problem line (re-ask, then warning)."""
    hi = len(g.doc.text) if hi is None else hi
    part = Part()
    by_id = {c.id: c for c in candidates}

    part.people, problems = _people(g, answer.people)
    part.problems += [r.detail for r in problems]
    part.rejected += problems
    part.dropped["people"] += len(problems)
    # titles are checked against the report's own roles (the rules'), never the model's
    named = [*g.rules.people, *(Person(name=p.name) for p in part.people if p.name not in g.rules_names)]

    for s in sentences(answer.summary):
        s = _chinese_only(s, part, "summary sentence")
        if s and _sentence_ok(g, s, named, part, "summary sentence"):
            part.summary.append(s)
    for h in answer.highlights:
        h = _chinese_only(h.strip(), part, "highlight")
        if h and _sentence_ok(g, h, named, part, "highlight") and h not in part.highlights:
            part.highlights.append(h)

    chosen: set[str] = set()  # every candidate is its own figure (one number may be two metrics' figure)
    for choice in answer.figures:
        cand = by_id.get(choice.id)
        if cand is None:  # a reference to nothing: no number of it is shown, none is "not found"
            note = f"figures: {choice.id} is not one of the candidate ids"
            part.reject("figure", choice.id, "unknown_id", note)
            continue
        f = cand.figure
        if choice.id in chosen:
            continue
        chosen.add(choice.id)
        period = _period(g, choice.period, f.period)
        label, kind = _trusted(g, choice.id, f, _clean_label(g, choice.label, f.label), choice.kind, part)
        estimated = f.estimated and kind == "result"  # an estimate is a result's: a model's target is none
        part.figures.append(
            f.model_copy(update={"label": label, "kind": kind, "period": period, "estimated": estimated})
        )
    for a in answer.added:
        fig, problem = _added(g, a, lo, hi)
        if problem:
            part.reject("added", a.surface, *problem)
            if problem[0] == "not_in_text":
                part.dropped["numbers"] += 1
        elif fig is not None and not any(_same_mention(fig, f) for f in part.figures):
            win = trust.window(g.doc.text, fig)
            if fig.label and not trust.label_supported(fig.label, win):
                note = f"added {fig.surface}: label {fig.label!r} not supported by {win!r}"
                part.reject("label", fig.surface, "label_unsupported", note, problem=False)
                fig.label = None
            part.figures.append(fig)

    part.counties, problems = _counties(g, answer.counties)
    part.problems += [r.detail for r in problems]
    part.rejected += problems
    part.dropped["counties"] += len(problems)
    return part


def _chinese_only(s: str, part: Part, what: str) -> str:
    """The text without the English sentences a model wrote into it ("The county held …. 抓落实…")."""
    kept, cut = trust.chinese_only(s)
    kind = "summary" if what.startswith("summary") else "highlight"
    for piece in cut:  # each in the call log with its reason (countybot llm log --show)
        part.reject(kind, piece.strip(), "not_chinese", f"{what} is not in Chinese: {piece.strip()}")
        part.dropped["language"] += 1
    return kept


def _sentence_ok(g: Grounder, s: str, people: list[Person], part: Part, what: str) -> bool:
    """A summary sentence or highlight (its English sentences already cut: the digest is Chinese, a
    model's English paraphrase is not what the report said) is kept when every number in it is the
    report's and every title it gives a person is the report's."""
    kind = "summary" if what.startswith("summary") else "highlight"
    bad = g.ungrounded(s)
    if bad:
        detail = f"{what} has numbers not in the report ({', '.join(bad)}): {s}"
        part.reject(kind, s, "numbers_not_in_text", detail)
        part.dropped["numbers"] += len(bad)
        return False
    said = find_people(Document(text=s))  # 县委书记张三强调…: names the sentence gives a title
    unknown = [p.name for p in said if p.name not in g.people_text]
    if unknown:
        note = f"{what} names people the report does not ({', '.join(unknown)}): {s}"
        part.reject(kind, s, "people_not_in_text", note)
        part.dropped["people"] += len(unknown)
        return False
    extra = [Person(name=p.name) for p in said if all(p.name != q.name for q in people)]
    roles = trust.role_mismatches(s, g.doc.text, [*people, *extra])
    if roles:
        note = f"{what} gives a role the report does not give ({'; '.join(roles)}): {s}"
        part.reject(kind, s, "role_not_given", note)
        part.dropped["roles"] += 1
        return False
    return True


def _trusted(
    g: Grounder, fid: str, f: Figure, label: str | None, kind: str | None, part: Part
) -> tuple[str | None, str | None]:
    """The model's label only when the figure's clause supports it, else the rules' label; the model's
    kind unless the clause makes the rules sure of the other one. Each override goes to the call log."""
    win = trust.window(g.doc.text, f)
    if label and label != f.label and f.value < 0 and _RISE_END.search(label):
        note = f"{fid} {f.surface}: label {label!r} says growth of a fall; rules' {f.label!r}"
        part.reject("label", f"{fid} {f.surface}", "label_says_growth", note, problem=False)
        label = f.label
    if label and label != f.label and not trust.label_supported(label, win):
        note = f"{fid} {f.surface}: label {label!r} unsupported by {win!r}; rules' {f.label!r}"
        part.reject("label", f"{fid} {f.surface}", "label_unsupported", note, problem=False)
        label = f.label
    sure = trust.sure_kind(win)
    if kind != f.kind and f.kind is not None and sure == f.kind:
        note = f"{fid} {f.surface}: kind {kind!r} flipped the rules' sure {f.kind!r}; kept"
        part.reject("kind", f"{fid} {f.surface}", "kind_flipped", note, problem=False)
        kind = f.kind
    return label, kind


def merge(parts: list[Part], g: Grounder, *, backend: str, prompt_version: str) -> Digest:
    """One digest from the chunks' parts, without another call: first part's summary, then one
    sentence from each later part while it fits; highlights round-robin; figures in part order, each
    mention once. Whatever the model failed to give (summary, figures, people, counties) the rules
    digest fills in, and `sources` / the backend name say so. Warnings are counts (notices), never the
    model's text."""
    rules = g.rules
    dropped: Counter[str] = Counter()
    for part in parts:
        dropped.update(part.dropped)
    warnings = list(dict.fromkeys([*rules.warnings, *notices.dropped(dropped)]))
    sources: dict[str, str] = {}

    sents = list(parts[0].summary) if parts else []
    for part in parts[1:]:
        if part.summary and part.summary[0] not in sents:
            sents.append(part.summary[0])
    summary = trust.fit_sentences(sents, SUMMARY_MAX)
    if summary and g.ungrounded(summary):  # only possible if a cut went wrong
        summary = ""
    sources["summary"] = "llm"
    if not summary and rules.summary:
        summary = rules.summary
        sources["summary"] = "rules"

    highlights: list[str] = []
    for i in range(max((len(p.highlights) for p in parts), default=0)):
        for part in parts:
            if i < len(part.highlights) and part.highlights[i] not in highlights:
                highlights.append(part.highlights[i])
    highlights = highlights[:HIGHLIGHTS_MAX]
    for h in rules.highlights:  # top up from the rules digest (grounded by construction)
        if len(highlights) >= HIGHLIGHTS_MIN:
            break
        if h not in highlights:
            highlights.append(h)

    figures: list[Figure] = []
    for part in parts:  # chunks overlap: a mention an earlier part chose already is not taken again
        earlier = list(figures)
        figures += [f for f in part.figures if not any(_same_mention(f, x) for x in earlier)]

    counties: list[County] = []
    people: list[Person] = []
    for part in parts:
        counties += [c for c in part.counties if all(c.name != x.name for x in counties)]
        for p in part.people:
            known = next((x for x in people if x.name == p.name), None)
            if known is None:
                people.append(p)
            elif known.role is None and p.role:
                known.role = p.role
    sources["figures"] = sources["people"] = sources["counties"] = "llm"
    if not figures and rules.figures:  # figures: [] or every one rejected: the finder's stand
        figures, sources["figures"] = [f.model_copy(deep=True) for f in rules.figures], "rules"
    if not people and rules.people:
        people, sources["people"] = [p.model_copy() for p in rules.people], "rules"
    if not counties and rules.counties:  # the model confirmed none: the gazetteer's pick stands
        counties, sources["counties"] = list(rules.counties), "rules"
    if "rules" in sources.values():
        backend += "+rules"

    return Digest(
        title=g.doc.title,
        published=g.doc.published,
        source=g.doc.source,
        counties=counties,
        # the rules' candidates still stand when the place is missing or only likely (issue L)
        county_candidates=[] if counties and counties[0].confidence == "sure" else rules.county_candidates,
        people=people,
        summary=summary,
        highlights=highlights,
        figures=figures,
        backend=backend,
        prompt_version=prompt_version,
        warnings=warnings,
        sources=sources,
    )
