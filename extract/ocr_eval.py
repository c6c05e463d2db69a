"""How well pictures of a report read back (issue M): render a report's text version into pages
(extract/ocr_pages.py), OCR them through the real loader, and compare with the text version.

- character accuracy: 1 − edit distance / length, on the text set on the pages vs. the normalised OCR
  text (both with line breaks removed: paragraphs are scored by the figures, not by the layout);
- figure recall: the share of the text version's figures (value and unit, as the rules find them) that
  the OCR version's digest also has;
- unflagged misreads: OCR figures whose value and unit the text version never had and that are not
  marked 识别可能有误 — a number shown wrong without a warning, which must stay at zero.
"""

from __future__ import annotations

import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from extract.models import Digest
from extract.ocr_pages import STYLES, Style, render_with_text

__all__ = ["OcrScore", "score_document", "summarize"]


@dataclass(slots=True)
class OcrScore:
    name: str
    style: str
    pages: int
    chars: int
    char_errors: int
    figures: int  # the text version's figures on these pages
    found: int  # of them, also in the OCR digest
    unsure: int  # OCR figures marked 识别可能有误
    unflagged: list[str] = field(default_factory=list)  # OCR figures not in the text version, unmarked
    seconds: float = 0.0

    @property
    def char_accuracy(self) -> float:
        return 1 - self.char_errors / self.chars if self.chars else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.figures if self.figures else 1.0


def _keys(digest: Digest) -> Counter:
    return Counter((f.value, f.unit) for f in digest.figures)


def _flat(text: str) -> str:
    """No whitespace, full-width forms folded (？ and ? are the same character to a reader)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def score_document(name: str, text: str, style: Style, *, max_pages: int = 2) -> OcrScore:
    """Render `text` (normalised, one paragraph per line) in `style`, read its first pages back."""
    from rapidfuzz.distance import Levenshtein

    from extract.digest.rules import rules_digest
    from extract.pipeline import document_from_bytes, document_from_text
    from extract.text.ocr import pack
    from extract.text.ocr_marks import mark_digest

    rendered = render_with_text(text, style)[:max_pages]
    said = "".join(t for _, t in rendered).strip("\n")
    reference = document_from_text(said)
    started = time.perf_counter()
    pictures = [p for p, _ in rendered]
    doc = document_from_bytes(pack(pictures) if len(pictures) > 1 else pictures[0], "page.png")
    seconds = time.perf_counter() - started
    want = rules_digest(reference)
    got = mark_digest(rules_digest(doc), doc)
    want_keys, got_keys = _keys(want), _keys(got)
    found = sum(min(n, got_keys[k]) for k, n in want_keys.items())
    unflagged = [f.surface for f in got.figures if (f.value, f.unit) not in want_keys and not f.ocr_unsure]
    a, b = _flat(reference.text), _flat(doc.text)
    return OcrScore(
        name=name,
        style=style.name,
        pages=len(rendered),
        chars=len(a),
        char_errors=Levenshtein.distance(a, b),
        figures=sum(want_keys.values()),
        found=found,
        unsure=sum(1 for f in got.figures if f.ocr_unsure),
        unflagged=unflagged,
        seconds=seconds,
    )


def summarize(scores: list[OcrScore]) -> dict:
    chars = sum(s.chars for s in scores)
    figures = sum(s.figures for s in scores)
    pages = sum(s.pages for s in scores)
    by_style: dict[str, dict] = {}
    for style in dict.fromkeys(s.style for s in scores):
        mine = [s for s in scores if s.style == style]
        f = sum(s.figures for s in mine)
        c = sum(s.chars for s in mine)
        by_style[style] = {
            "char_accuracy": round(1 - sum(s.char_errors for s in mine) / c, 4) if c else None,
            "figure_recall": round(sum(s.found for s in mine) / f, 4) if f else None,
            "unflagged": sum(len(s.unflagged) for s in mine),
        }
    return {
        "documents": len({s.name for s in scores}),
        "pages": pages,
        "char_accuracy": round(1 - sum(s.char_errors for s in scores) / chars, 4) if chars else None,
        "figure_recall": round(sum(s.found for s in scores) / figures, 4) if figures else None,
        "figures": figures,
        "unsure": sum(s.unsure for s in scores),
        "unflagged": [u for s in scores for u in s.unflagged],
        "seconds_per_page": round(sum(s.seconds for s in scores) / pages, 2) if pages else None,
        "by_style": by_style,
    }


DEFAULT_STYLES = STYLES
