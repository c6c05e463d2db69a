"""The rules backend: a complete digest without an LLM, and the LLM's starting point.

Everything in it is read off the report: counties from the gazetteer, people after their
roles, every candidate figure from extract.figures.finder, and a summary and highlights that are
slices of the report's own sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

from extract.digest.highlights import highlight_candidates, select_highlights
from extract.digest.keyfigures import order_figures
from extract.digest.summary import make_summary
from extract.digest.units import attach_figures, split_units
from extract.figures.sections import Structure
from extract.models import Digest, Document
from extract.places.gazetteer import lookup_entries
from extract.places.people import find_people
from extract.places.regions import attribute_places


def _body_offset(doc: Document) -> int:
    """Where the body starts: after the title line when the text repeats the title."""
    if doc.title:
        stripped = doc.text.lstrip()
        if stripped.startswith(doc.title.strip()):
            return len(doc.text) - len(stripped) + len(doc.title.strip())
    return 0


def rules_digest(doc: Document, *, followed: Sequence[str] = ()) -> Digest:
    """`followed`: the full names of the counties the chat follows, a weak prior for the report's county."""
    from extract.figures.finder import find_figures  # the finder is its own module (and its own owner)

    people = find_people(doc)
    # a county, else the city or province; candidates to ask about when none is sure
    roles = {p.name: p.role for p in people if p.role}
    counties, candidates = attribute_places(doc, [p.name for p in people], followed, roles)
    notes: list[str] = []  # what the finder had to leave out (a number too big to be a figure)
    figures = find_figures(doc.text, published=doc.published, notes=notes)
    units = split_units(doc.text, _body_offset(doc))
    attach_figures(units, figures)
    cands = highlight_candidates(units)  # shared: the summary quotes the strongest highlights
    structure = Structure(doc.text, doc.published)
    ordered, key = order_figures(doc.text, figures, doc.published, structure)
    # a structured report's highlights lead with its key figures; a news item's keep their ranking
    lead = {f.start: i for i, f in enumerate(ordered[:key])} if structure else None
    names = [c.name for c in counties] + [e.short for c in counties for e in lookup_entries(c.name)[:1]]
    return Digest(
        title=doc.title,
        published=doc.published,
        source=doc.source,
        counties=counties,
        county_candidates=candidates,
        people=people,
        summary=make_summary(doc.title, units, names, cands=cands, key_lead=lead),
        highlights=[c.text for c in select_highlights(units, cands, lead=lead)],
        figures=ordered,
        key_figures=key,
        backend="rules",
        warnings=[*doc.warnings, *notes],
    )
