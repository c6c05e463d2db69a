"""Bytes + file name -> text. Plain text in UTF-8 / GB18030 / Big5 / UTF-16, HTML, .docx and .pdf (the
last two read by extract/text/docx_pdf.py), pictures and scans by OCR.

Every failure is an extract.errors.InputError subclass with a message a user can read; no library
exception escapes (python-docx, pypdf, zip and lxml errors become CorruptFileError). The Telegram bot
calls this from a worker thread: nothing here keeps state between calls.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from typing import TYPE_CHECKING

from extract.errors import (
    CorruptFileError,
    DecodeError,
    EmptyInputError,
    ScannedPdfError,
    TooLargeError,
    UnsupportedTypeError,
)
from extract.filetypes import (
    HTML_EXTENSIONS,
    IMAGE_EXTENSIONS,
    SUPPORTED_DESCRIPTION,
    SUPPORTED_EXTENSIONS,
    is_bundle,
)
from extract.text.decode import BOMS, decode_text, replaced_warning
from extract.text.markdown import markdown_to_text

# .docx/.pdf reading (zipfile, pypdf) and OCR (onnxruntime) are imported by the branch that needs them: a
# text report, the common case, starts without them (issue N: `countybot normalize`'s start)
if TYPE_CHECKING:
    from extract.text.ocr import OcrText
    from extract.text.page import PageInfo

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

_HTML_START = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE | re.DOTALL
)


class LoadedText:
    """Internal (loaders -> normalisation). A plain class: a model costs more to build, and dataclasses
    imports inspect, a tenth of `countybot normalize`'s start (issue N)."""

    __slots__ = ("encoding", "file_date", "file_type", "ocr", "page", "text", "warnings")

    def __init__(
        self,
        *,
        text: str,
        file_type: str,  # "txt", "md", "html", "docx", "pdf"; "image" (OCR), "pdf" with `ocr` for a scan
        encoding: str | None = None,
        warnings: list[str] | None = None,
        page: PageInfo | None = None,  # an HTML page's own title, date, publisher, attachments (issue M)
        # a .docx's last-saved / a PDF's creation date ("file", trusted last; see report_date); an HTML
        # page's own date is page.published
        file_date: date | None = None,
        ocr: OcrText | None = None,  # issue M: the text was read from pictures (extract/text/ocr.py)
    ) -> None:
        self.text = text
        self.file_type = file_type
        self.encoding = encoding
        self.warnings = warnings if warnings is not None else []
        self.page = page
        self.file_date = file_date
        self.ocr = ocr


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
    ocr_pages: int | None = None,
) -> LoadedText:
    """Decode a file's bytes into text. `filename` only picks the type: no name or no extension is text.
    A fetched page passes the charset its server declared (used after a BOM, before `<meta>`) and its URL
    (for relative attachment links and the date in its path). Pictures and PDFs without a text layer are
    read by OCR, at most `ocr_pages` pages (None: extract.text.ocr's default)."""
    if len(data) > max_bytes:
        raise TooLargeError(
            f"file is {_mb(len(data))}, over the {_mb(max_bytes)} limit",
            user_message=f"文件太大（{_mb(len(data))}），超过了 {_mb(max_bytes)} 的上限。",
        )
    if not data or not data.strip():
        raise EmptyInputError("empty file")
    ext = _extension(filename)
    if ext in IMAGE_EXTENSIONS or is_bundle(data):
        from extract.text.ocr import ocr_pictures, unpack

        return _ocr_loaded(ocr_pictures(unpack(data), **_pages(ocr_pages)), "image")
    if ext in _TEXT_TYPES:
        if _HTML_START.match(data[:1024]):  # a saved web page without its .html name
            return _checked(_load_html(data, charset, url))
        text, encoding, warnings = _text_with_charset(data, charset)
        file_type = _TEXT_TYPES[ext]
        if file_type == "md":
            text = markdown_to_text(text)
        return _checked(LoadedText(text=text, encoding=encoding, file_type=file_type, warnings=warnings))
    if ext in HTML_EXTENSIONS:
        return _checked(_load_html(data, charset, url))
    if ext == ".docx":
        from extract.text.docx_pdf import docx_text

        text, saved = docx_text(data)
        return _checked(LoadedText(text=text, encoding=None, file_type="docx", file_date=saved))
    if ext == ".pdf":
        from extract.text.docx_pdf import pdf_text

        try:
            text, warnings, created = pdf_text(data)
        except ScannedPdfError:
            from extract.text.ocr import ocr_scanned_pdf

            return _ocr_loaded(ocr_scanned_pdf(data, **_pages(ocr_pages)), "pdf")
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


def _pages(ocr_pages: int | None) -> dict[str, int]:
    return {} if ocr_pages is None else {"max_pages": ocr_pages}


def _ocr_loaded(ocr: OcrText, file_type: str) -> LoadedText:
    from extract.text.ocr import OCR_NOTE

    warnings = [OCR_NOTE]
    if ocr.total_pages > ocr.pages:
        warnings.append(f"共 {ocr.total_pages} 页，只识别了前 {ocr.pages} 页")
    return _checked(LoadedText(text=ocr.text, file_type=file_type, warnings=warnings, ocr=ocr))


def _checked(loaded: LoadedText) -> LoadedText:
    if not loaded.text or loaded.text.isspace():  # (strip() would copy the text)
        raise EmptyInputError(f"no text in this {loaded.file_type} file")
    return loaded


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
    if not name:
        return None  # (a file, not a fetched page: no html_text to import)
    import codecs

    from extract.text.html_text import CHARSET_ALIASES

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
