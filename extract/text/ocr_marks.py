"""The numbers OCR was unsure of, found again in the normalised text, and the figures they touch.

Normalisation drops lines and rewrites characters (traditional → simplified, spaces), so OCR offsets do
not survive it; each unsure number is kept with the characters read around it and found again: with its
context first, then alone when it occurs once. A figure whose digits overlap such a span is shown
「识别可能有误」; every digest of a picture says 「文字由图片识别，数字请以原件为准」 (OCR_NOTE)."""

from __future__ import annotations

from collections.abc import Sequence

from extract.models import Digest, Document, Figure, OcrInfo
from extract.text.ocr import OCR_NOTE, UNSURE_MARK, OcrText, Uncertain
from extract.text.script import to_simplified

__all__ = ["OCR_NOTE", "UNSURE_MARK", "is_unsure", "locate", "mark_digest", "ocr_info"]


def _find_all(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i >= 0 and needle:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def locate(text: str, unsure: Sequence[Uncertain]) -> list[tuple[int, int]]:
    """[start, end) of each unsure number in `text`; an empty span (p, p) for a line join, which marks
    a figure that straddles it."""
    spans: set[tuple[int, int]] = set()
    for u in unsure:
        found = False
        contexts = [(u.before, u.after), (u.before[-3:], u.after[:2]), (u.before[-2:], ""), ("", u.after[:2])]
        contexts += [(to_simplified(b), to_simplified(a)) for b, a in contexts]  # a traditional page
        for before, after in contexts:
            hits = _find_all(text, before + u.number + after) if before or after else []
            if hits:
                spans.update((h + len(before), h + len(before) + len(u.number)) for h in hits)
                found = True
                break
        if not found and u.number:
            # alone: every occurrence not inside a longer number (unsure beats a silent misread)
            for h in _find_all(text, u.number):
                end = h + len(u.number)
                if not (h > 0 and text[h - 1].isdigit()) and not (end < len(text) and text[end].isdigit()):
                    spans.add((h, end))
    return sorted(spans)


def ocr_info(doc_text: str, ocr: OcrText) -> OcrInfo:
    return OcrInfo(
        pages=ocr.pages,
        total_pages=ocr.total_pages,
        confidence=round(ocr.confidence, 4),
        unsure=locate(doc_text, ocr.uncertain),
        raw_text=ocr.text,
    )


def is_unsure(figure: Figure, spans: Sequence[tuple[int, int]]) -> bool:
    if figure.start < 0:
        return False
    return any(s < figure.end and figure.start < e for s, e in spans)


def mark_digest(digest: Digest, doc: Document) -> Digest:
    """A digest of OCR text: unsure figures marked, the OCR note first among the warnings."""
    if doc.ocr is None:
        return digest
    spans = doc.ocr.unsure
    figures = [
        f.model_copy(update={"ocr_unsure": True}) if not f.ocr_unsure and is_unsure(f, spans) else f
        for f in digest.figures
    ]
    warnings = [OCR_NOTE, *(w for w in digest.warnings if w != OCR_NOTE)]
    return digest.model_copy(update={"figures": figures, "warnings": warnings})
