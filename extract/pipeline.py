"""The one way to the pipeline, for the CLI and the bot.

    doc = document_from_bytes(data, filename)        # loaders + normalisation (may raise InputError)
    digest = await make_digest(doc, llm_backend)      # rules, then the LLM when one is given
    owners = figure_owners(digest, doc.text)          # the county each figure is about
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from extract.models import County, Digest, Document
from extract.text.loaders import DEFAULT_MAX_BYTES

if TYPE_CHECKING:  # the LLM stack (openai) is imported only when a backend is actually built
    from extract.digest.rules import rules_digest
    from extract.llm.backend import LLMBackend

__all__ = [
    "DEFAULT_MAX_BYTES",
    "complete_county",
    "document_from_bytes",
    "document_from_text",
    "figure_owners",
    "make_digest",
    "rules_digest",
]

def __getattr__(name: str) -> object:
    """`rules_digest` on first use: `countybot normalize` needs the loaders, not the rules' modules."""
    if name == "rules_digest":
        from extract.digest.rules import rules_digest

        return rules_digest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def document_from_bytes(
    data: bytes,
    filename: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    charset: str | None = None,
    url: str | None = None,
    ocr_pages: int | None = None,
) -> Document:
    """`charset` and `url`: a fetched page's declared charset and address (issue M); `ocr_pages`: at most
    this many pages of a picture album or a scan are read (None: the default)."""
    from extract.text.normalize import normalize_bytes

    return normalize_bytes(data, filename, max_bytes=max_bytes, charset=charset, url=url, ocr_pages=ocr_pages)


def document_from_text(text: str) -> Document:
    from extract.text.normalize import normalize

    return normalize(text)


def complete_county(county: County) -> County:
    """The county with its city/province from the gazetteer when the name is unambiguous, so the same
    county always has the same key in the figures table."""
    if county.province and county.city:
        return county
    try:
        from extract.places.gazetteer import lookup

        found = [c for c in lookup(county.name) if c.name == county.name]
    except Exception:  # the gazetteer is an aid here, never a reason to lose a report
        import logging  # only on this rare path: logging costs a cold start ~5 ms

        logging.getLogger(__name__).exception("gazetteer lookup failed for %s", county.name)
        return county
    return found[0] if len(found) == 1 else county


def _completed(digest: Digest) -> Digest:
    counties: list[County] = []
    for c in map(complete_county, digest.counties):
        if all(x.name != c.name for x in counties):
            counties.append(c)
    if counties == digest.counties:
        return digest
    return digest.model_copy(update={"counties": counties})


async def make_digest(
    doc: Document, llm: LLMBackend | None = None, *, followed: Sequence[str] = ()
) -> Digest:
    """Rules digest always (it is the fallback and feeds the LLM its candidates); the LLM's when given.
    Counties come completed from the gazetteer and deduplicated. LLM trouble is handled (and warned
    about) by the backend alone: it returns the rules digest with its warning instead of raising."""
    import asyncio  # here, not at import: the offline CLI never starts an event loop

    # CPU-bound parsing in a worker thread so an event loop (the bot) keeps serving
    # followed: the full names of the counties the chat follows, a weak prior for the report's county
    from extract.digest.rules import rules_digest

    digest = await asyncio.to_thread(rules_digest, doc, followed=followed)
    if llm is not None:
        rules = digest
        digest = await llm.digest(doc, digest)
        if digest is not rules:
            digest = _key_first(rules, digest)
    if doc.url and not digest.url:  # issue M: the link the report was read from
        digest = digest.model_copy(update={"url": doc.url})
    if doc.ocr is not None:  # read from pictures: unsure digits marked, the OCR note first
        from extract.text.ocr_marks import mark_digest

        digest = mark_digest(digest, doc)
    return _completed(digest)


def _key_first(rules: Digest, digest: Digest) -> Digest:
    """The LLM's figures in the rules digest's order (its candidates': key figures first, see
    extract.digest.keyfigures), figures the model added last; its key figures those of the rules'."""
    rank = {f.start: i for i, f in enumerate(rules.figures)}
    key = {f.start for f in rules.figures[: rules.key_figures]}
    ordered = sorted(digest.figures, key=lambda f: rank.get(f.start, len(rank)))
    return digest.model_copy(
        update={"figures": ordered, "key_figures": sum(1 for f in ordered if f.start in key)}
    )


def figure_owners(digest: Digest, text: str) -> list[County | None]:
    """One county per figure of `digest` (None when the digest names none); `text` is the Document's."""
    from extract.places.attribution import attribute

    return attribute(digest.figures, digest.counties, text)
