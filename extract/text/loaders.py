"""Bytes + file name -> text. Plain text in UTF-8 / GB18030 / Big5 / UTF-16, HTML, .docx and .pdf.

Every failure is an extract.errors.InputError subclass with a message a user can read; no library
exception escapes (python-docx, pypdf, zip and lxml errors become CorruptFileError). The Telegram bot
calls this from a worker thread: nothing here keeps state between calls.
"""

from __future__ import annotations

import contextlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from extract.errors import (
    CorruptFileError,
    DecodeError,
    EmptyInputError,
    InputError,
    ScannedPdfError,
    TooLargeError,
    UnsupportedTypeError,
)
from extract.filetypes import HTML_EXTENSIONS, SUPPORTED_DESCRIPTION, SUPPORTED_EXTENSIONS
from extract.text.decode import BOMS, decode_text, replaced_warning
from extract.text.page import PageInfo
from extract.text.segment import CLOSING_QUOTES, COLONS, marks

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_DESCRIPTION",
    "SUPPORTED_EXTENSIONS",
    "LoadedText",
    "decode_text",
    "load_bytes",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # the one default; bot settings may lower or raise it

_TEXT_TYPES = {"": "txt", ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}

_MAX_UNZIPPED = 400 * 1024 * 1024  # a .docx that inflates beyond this is a zip bomb, not a report

_HTML_START = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE | re.DOTALL
)


@dataclass(slots=True, kw_only=True)
class LoadedText:  # internal (loaders -> normalisation): a dataclass, cheaper than a model to build
    text: str
    encoding: str | None = None
    file_type: str  # "txt", "md", "html", "docx", "pdf"
    warnings: list[str] = field(default_factory=list)
    page: PageInfo | None = None  # an HTML page's own title, date, publisher, attachments (issue M)
    # a .docx's last-saved / a PDF's creation date ("file", trusted last; see report_date); an HTML page's
    # own date is page.published
    file_date: date | None = None


_EXTENSION = re.compile(r"\.[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]{0,7}$")


def _extension(filename: str | None) -> str:
    """ ".docx" for "报告.DOCX"; "" for no name, no dot, or a dotted name that is not an extension
    ("讲话2023.12.29")."""
    if not filename:
        return ""
    name = re.split(r"[\\/]", filename)[-1].strip()
    m = _EXTENSION.search(name)
    return m.group().lower() if m and m.start() > 0 else ""


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def load_bytes(
    data: bytes,
    filename: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    charset: str | None = None,
    url: str | None = None,
) -> LoadedText:
    """Decode a file's bytes into text. `filename` only picks the type: no name or no extension is text.
    A fetched page passes the charset its server declared (used after a BOM, before `<meta>`) and its URL
    (for relative attachment links and the date in its path)."""
    if len(data) > max_bytes:
        raise TooLargeError(
            f"file is {_mb(len(data))}, over the {_mb(max_bytes)} limit",
            user_message=f"文件太大（{_mb(len(data))}），超过了 {_mb(max_bytes)} 的上限。",
        )
    if not data or not data.strip():
        raise EmptyInputError("empty file")
    ext = _extension(filename)
    if ext in _TEXT_TYPES:
        if _HTML_START.match(data[:1024]):  # a saved web page without its .html name
            return _checked(_load_html(data, charset, url))
        text, encoding, warnings = _text_with_charset(data, charset)
        file_type = _TEXT_TYPES[ext]
        if file_type == "md":
            text = _markdown_to_text(text)
        return _checked(LoadedText(text=text, encoding=encoding, file_type=file_type, warnings=warnings))
    if ext in HTML_EXTENSIONS:
        return _checked(_load_html(data, charset, url))
    if ext == ".docx":
        text, saved = _docx_text(data)
        return _checked(LoadedText(text=text, encoding=None, file_type="docx", file_date=saved))
    if ext == ".pdf":
        text, warnings, created = _pdf_text(data)
        return _checked(
            LoadedText(text=text, encoding=None, file_type="pdf", warnings=warnings, file_date=created)
        )
    if ext == ".doc":
        raise UnsupportedTypeError(
            "unsupported file type '.doc' (old Word format)",
            user_message="不支持旧版 Word (.doc) 文件，请另存为 .docx 后再发送。",
        )
    supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
    raise UnsupportedTypeError(f"unsupported file type {ext!r}; supported: {supported}")


def _checked(loaded: LoadedText) -> LoadedText:
    if not loaded.text.strip():
        raise EmptyInputError(f"no text in this {loaded.file_type} file")
    return loaded


# --- plain text: extract/text/decode.py -----------------------------------------------------------

_MD_RULES = (
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M), ""),  # heading markers
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links -> their text
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.M), ""),  # horizontal rules
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),  # block quotes
)


def _markdown_to_text(text: str) -> str:
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return text


# --- HTML -----------------------------------------------------------------------------------------


def _text_with_charset(data: bytes, charset: str | None) -> tuple[str, str | None, list[str]]:
    """A fetched text file: the server's declared charset when it decodes cleanly (no BOM says
    otherwise), else detection."""
    codec = _charset_codec(charset)
    if codec and not data.startswith(tuple(bom for bom, _ in BOMS)):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(codec), codec, []
    return decode_text(data)


def _charset_codec(name: str | None) -> str | None:
    import codecs

    from extract.text.html_text import CHARSET_ALIASES

    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    try:
        return codecs.lookup(CHARSET_ALIASES.get(name, name)).name
    except LookupError:
        return None


def _load_html(data: bytes, charset: str | None = None, url: str | None = None) -> LoadedText:
    from extract.text.html_text import declared_charset, html_to_text
    from extract.text.page import page_info

    warnings: list[str] = []
    encoding = None
    text = None
    if data.startswith(tuple(bom for bom, _ in BOMS)):
        text, encoding, warnings = decode_text(data)
    else:
        declared = _charset_codec(charset) or declared_charset(data)
        if declared:
            with contextlib.suppress(UnicodeDecodeError):
                text, encoding = data.decode(declared), declared
        if text is None:
            try:
                text, encoding, warnings = decode_text(data)
            except DecodeError:
                if not declared:
                    raise
                loose = data.decode(declared, errors="replace")
                text, encoding = loose, declared
                warnings.append(replaced_warning(max(1, loose.count("\ufffd")), declared))
    try:
        body = html_to_text(text)
        page = page_info(text, url)
    except Exception as exc:  # lxml failure on hostile markup: the page cannot be read
        raise CorruptFileError(f"cannot parse HTML: {exc}") from exc
    return LoadedText(text=body, encoding=encoding, file_type="html", warnings=warnings, page=page)


# --- .docx ----------------------------------------------------------------------------------------


def _day(value: object) -> date | None:
    """A file metadata timestamp as a day (a datetime's date; anything else, or nothing, None)."""
    return value.date() if isinstance(value, datetime) else None


def _docx_text(data: bytes) -> tuple[str, date | None]:
    """Paragraphs and table rows in document order (a row's cells joined by a space), and the day the
    file was last saved (core properties `modified`, else `created`): when the report was finished."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                raise CorruptFileError("not a Word document (no word/document.xml)")
            if sum(i.file_size for i in zf.infolist()) > _MAX_UNZIPPED:
                raise CorruptFileError("the .docx inflates to an implausible size")
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


def _pdf_text(data: bytes) -> tuple[str, list[str], date | None]:
    warnings: list[str] = []
    try:
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(data))
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
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many types for broken files
        raise CorruptFileError(f"cannot open PDF: {type(exc).__name__}: {exc}") from exc
    page_lines: list[list[_Line]] = []
    empty_pages: list[int] = []
    for number, page in enumerate(pages, start=1):
        try:
            lines = _page_lines(page)
        except Exception:
            lines = []
        if not lines:
            empty_pages.append(number)
        page_lines.append(lines)
    if len(empty_pages) == len(pages):
        raise ScannedPdfError("scanned PDF: no text layer; OCR is not supported")
    if empty_pages:
        warnings.append(f"PDF 第 {'、'.join(map(str, empty_pages))} 页没有文字层（可能是扫描图片），已跳过")
    return _join_pdf_lines(page_lines), warnings, created
