"""`countybot eval --ocr GOLD.json DOCS_DIR [--ocr-pages N] [--min-recall X] [--json]`: how well pictures
of the gold's reports read back (issue M). Each document's text version is set on A4 pages in the
project's CJK font in every style of extract/ocr_pages.py (sizes, ±3° rotation, JPEG quality 60, noise,
a photo-like perspective, two columns), its first N pages are read by OCR through the real loader, and
the result is compared with the text version (extract/ocr_eval.py): character accuracy, figure recall,
and the numbers shown wrong without 识别可能有误 (which must be none). Exit 1 when recall is below
--min-recall, a misread number is unmarked, or a document could not be read."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extract.evaluate import GoldDocument


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def run_ocr(golds: list[GoldDocument], docs_dir: Path, args: argparse.Namespace) -> int:
    from extract.errors import InputError
    from extract.ocr_eval import score_document, summarize
    from extract.ocr_pages import STYLES
    from extract.pipeline import document_from_bytes

    scores = []
    unreadable = 0
    for g in golds:
        path = docs_dir / g.file
        try:
            text = document_from_bytes(path.read_bytes(), path.name).text
            for style in STYLES:
                s = score_document(g.file, text, style, max_pages=args.ocr_pages)
                scores.append(s)
                if not args.json:
                    print(
                        f"{g.file:40} {s.style:34} chars {_pct(s.char_accuracy):>6}  figures "
                        f"{s.found}/{s.figures}  unsure {s.unsure}  {s.seconds / s.pages:.1f} s/page"
                        + (f"  UNMARKED {'、'.join(s.unflagged)}" if s.unflagged else ""),
                        flush=True,
                    )
        except (OSError, InputError) as exc:
            message = exc.user_message if isinstance(exc, InputError) else (exc.strerror or str(exc))
            print(f"countybot eval: {path}: {message}", file=sys.stderr, flush=True)
            unreadable += 1
    total = summarize(scores)
    if args.json:
        print(json.dumps(total, ensure_ascii=False))
    else:
        print(
            f"\nOCR on {total['pages']} rendered pages of {total['documents']} reports: "
            f"characters {_pct(total['char_accuracy'])}, figure recall {_pct(total['figure_recall'])} "
            f"of {total['figures']}, marked unsure {total['unsure']}, "
            f"unmarked misreads {len(total['unflagged'])}, {total['seconds_per_page']} s/page"
        )
        for style, s in total["by_style"].items():
            print(
                f"  {style:34} characters {_pct(s['char_accuracy'])}, figure recall "
                f"{_pct(s['figure_recall'])}, unmarked {s['unflagged']}"
            )
    recall = total["figure_recall"]
    low = args.min_recall is not None and (recall is None or recall < args.min_recall)
    return 1 if unreadable or low or total["unflagged"] else 0
