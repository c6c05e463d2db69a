"""Word (.docx) and PDF files to text, for loaders.py: paragraphs and table rows in document order, PDF
lines joined into paragraphs by their layout, and the day the file was last saved. Every failure is an
InputError (CorruptFileError, InflatedTooLargeError past extract/text/limits.py's caps, ScannedPdfError
for a PDF without a text layer, which loaders.py then reads by OCR)."""

from __future__ import annotations

import contextlib
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from extract.errors import CorruptFileError, InflatedTooLargeError, InputError, ScannedPdfError
from extract.text import limits
from extract.text.segment import CLOSING_QUOTES, COLONS, marks

# --- .docx ----------------------------------------------------------------------------------------


def _day(value: object) -> date | None:
    """A file metadata timestamp as a day (a datetime's date; anything else, or nothing, None)."""
    return value.date() if isinstance(value, datetime) else None


def docx_text(data: bytes) -> tuple[str, date | None]:
    """Paragraphs and table rows in document order (a row's cells joined by a space), and the day the
    file was last saved (core properties `modified`, else `created`): when the report was finished."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                raise CorruptFileError("not a Word document (no word/document.xml)")
        limits.check_zip(data)  # inflated sizes, ratio and tag count measured before python-docx parses
        import docx

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        _docx_blocks(document, lines)
    except InputError:
        raise
    except Exception as exc:  # python-docx / zipfile / lxml: any failure means an unreadable file
        raise CorruptFileError(f"cannot open .docx: {type(exc).__name__}: {exc}") from exc
    saved = None
    with contextlib.suppress(Exception):  # a malformed date in docProps/core.xml loses the date only
        props = document.core_properties
        saved = _day(props.modified) or _day(props.created)
    return "\n".join(lines), saved


def _docx_blocks(container, lines: list[str]) -> None:
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                cells: list[str] = []
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column it spans
                        continue
                    seen.add(id(cell._tc))
                    inner: list[str] = []
                    _docx_blocks(cell, inner)
                    text = " ".join(t.strip() for t in inner if t.strip())
                    if text:
                        cells.append(text)
                if cells:
                    lines.append(" ".join(cells))
        else:
            lines.append(block.text)


# --- PDF ------------------------------------------------------------------------------------------

_SENTENCE_END = tuple(marks("part", lines=False) + COLONS + CLOSING_QUOTES)  # may end a paragraph


@dataclass
class _Line:
    x: float
    y: float
    size: float
    text: str

    @property
    def right(self) -> float:
        """Estimated right edge: CJK glyphs are one em wide, others about half."""
        wide = sum(1 for ch in self.text if unicodedata.east_asian_width(ch) in "WF")
        return self.x + (wide + 0.5 * (len(self.text) - wide)) * self.size


def _page_lines(page) -> list[_Line]:
    lines: list[_Line] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, font_size: float) -> None:
        if not text or text == "\n":
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
        size = abs(font_size * scale) or 10.0
        for i, part in enumerate(text.split("\n")):
            if not part:
                continue
            py = y - i * size * 1.2
            last = lines[-1] if lines else None
            if last is not None and i == 0 and abs(last.y - py) < 0.4 * max(size, last.size):
                last.text += part
                last.size = max(last.size, size)
            else:
                lines.append(_Line(x, py, size, part))

    page.extract_text(visitor_text=visit)
    return [ln for ln in lines if ln.text.strip()]


def _join_space(a: str, b: str) -> str:
    """ " " between two wrapped Latin words; nothing inside CJK text or inside a split `(pin yin)` gloss."""
    last, first = a.rstrip()[-1:], b[:1]
    if not (last.isascii() and last.isalpha() and first.isascii() and first.isalnum()):
        return ""
    tail = a[-12:]
    opened = max(tail.rfind("("), tail.rfind("（"))
    return "" if opened > max(tail.rfind(")"), tail.rfind("）")) else " "


def _join_pdf_lines(pages: list[list[_Line]]) -> str:
    """Rejoin lines the PDF wrapped; a paragraph ends at a vertical gap, an indent or a short line."""
    import itertools
    import statistics

    out: list[str] = []
    prev: _Line | None = None
    for lines in pages:
        if not lines:
            continue
        body = [ln for ln in lines if len(ln.text.strip()) >= 5] or lines
        left = min(ln.x for ln in body)
        rights = sorted(ln.right for ln in body)
        right = rights[int(0.9 * (len(rights) - 1))]
        gaps = [a.y - b.y for a, b in itertools.pairwise(lines) if a.y - b.y > 0]
        pitch = statistics.median(gaps) if gaps else 1.2 * lines[0].size
        for i, line in enumerate(lines):
            if prev is None:
                out.append(line.text)
                prev = line
                continue
            em = line.size
            same_page = i > 0
            new_para = (
                line.text[0].isspace()
                or line.x > left + 0.9 * em
                or (same_page and (prev.y - line.y > 1.6 * pitch or prev.y < line.y))
            )
            if not new_para:
                # Measured on wrapped CJK text: wrapped lines fill >= ~0.89 of the column (estimate noise
                # from half-width glyphs), a paragraph's last line usually less.
                fill = (prev.right - left) / max(right - left, em)
                new_para = fill < 0.7 or (prev.text.rstrip().endswith(_SENTENCE_END) and fill < 0.88)
            if new_para:
                out.append("\n" + line.text)
            else:
                out.append(_join_space(prev.text, line.text) + line.text)
            prev = line
    return "".join(out)


def pdf_text(data: bytes) -> tuple[str, list[str], date | None]:
    try:
        import pypdf

        with limits.bounded_pdf():
            return _pdf_pages_text(pypdf.PdfReader(io.BytesIO(data)))
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many types for broken files
        if limits.is_limit_error(exc):
            raise InflatedTooLargeError(str(exc)) from exc
        raise CorruptFileError(f"cannot open PDF: {type(exc).__name__}: {exc}") from exc


def _pdf_pages_text(reader) -> tuple[str, list[str], date | None]:
    """The pages' text (pdf_text maps what pypdf raises here to the user's errors)."""
    warnings: list[str] = []
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception:
            opened = 0
        if not opened:
            raise CorruptFileError(
                "the PDF is password-protected", user_message="PDF 文件有密码保护，无法读取。"
            )
    pages = list(reader.pages)
    created = None
    with contextlib.suppress(Exception):  # /CreationDate (else /ModDate); a bad one loses the date only
        info = reader.metadata
        created = (_day(info.creation_date) or _day(info.modification_date)) if info else None
    page_lines: list[list[_Line]] = []
    empty_pages: list[int] = []
    budget = limits.PdfBudget(len(pages))
    for number, page in enumerate(pages, start=1):
        budget.page(page)  # InflatedTooLargeError past the caps, before the page is parsed
        try:
            lines = _page_lines(page)
        except Exception as exc:
            if limits.is_limit_error(exc):  # pypdf's parsing budget: no report page needs that much
                raise InflatedTooLargeError(str(exc)) from exc
            lines = []
        if not lines:
            empty_pages.append(number)
        page_lines.append(lines)
    if len(empty_pages) == len(pages):
        raise ScannedPdfError("scanned PDF: no text layer; OCR is not supported")
    if empty_pages:
        warnings.append(f"PDF 第 {'、'.join(map(str, empty_pages))} 页没有文字层（可能是扫描图片），已跳过")
    return _join_pdf_lines(page_lines), warnings, created
