"""The one-way pipeline in three calls, for the CLI, the store service and the bot.

    doc = document_from_bytes(data, filename)        # loaders + normalisation (may raise InputError)
    digest = await make_digest(doc, llm_backend)      # rules, then the LLM when one is given
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from extract.models import Digest, Document

if TYPE_CHECKING:  # the LLM stack (openai) is imported only when a backend is actually built
    from extract.llm.backend import LLMBackend

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def document_from_bytes(
    data: bytes, filename: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    from extract.text.normalize import normalize_bytes

    return normalize_bytes(data, filename, max_bytes=max_bytes)


def document_from_text(text: str) -> Document:
    from extract.text.normalize import normalize

    return normalize(text)


def rules_digest(doc: Document) -> Digest:
    from extract.digest.rules import rules_digest as _rules

    return _rules(doc)


async def make_digest(doc: Document, llm: LLMBackend | None = None) -> Digest:
    """Rules digest always (it is the fallback and feeds the LLM its candidates); LLM when given."""
    rules = rules_digest(doc)
    if llm is None:
        return rules
    return await llm.digest(doc, rules)
