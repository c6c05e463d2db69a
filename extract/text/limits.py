"""Bounds on what a file may inflate to before (and while) it is parsed, so a small hostile upload — a
.docx zip bomb, a PDF stream that inflates a thousandfold, markup with millions of elements — is refused
(InflatedTooLargeError) or read the memory-light way, never parsed into gigabytes.

The caps are far above any real report: a 300-page work report's word/document.xml is a few MB with a
few hundred thousand tags, and its PDF pages hold tens of kB of content each. Measured (make bench, and
tests/hostile/test_bombs.py): python-docx needs ~170 bytes per XML element, so MAX_XML_TAGS keeps a
.docx parse under ~150 MB on top of the process."""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Iterator

from extract.errors import InflatedTooLargeError

MB = 2**20

# .docx (zip)
MAX_ZIP_MEMBERS = 2_000
MAX_MEMBER_INFLATED = 48 * MB  # one member, measured while inflating (never trusting the header)
MAX_TOTAL_INFLATED = 96 * MB  # all members
MAX_RATIO = 100  # inflated / compressed, checked once a member passed RATIO_FROM (XML inflates ~10×)
RATIO_FROM = 2 * MB
MAX_XML_TAGS = 1_000_000  # '<' in the parts python-docx builds a tree of (document, headers, notes)
_TREE_PARTS = ("word/document.xml", "word/header", "word/footer", "word/footnotes", "word/endnotes")

# .pdf (pypdf)
MAX_PDF_PAGES = 2_000
MAX_PDF_STREAM = 16 * MB  # one decoded stream (pypdf's own default is 75 MB)
MAX_PDF_CONTENT = 64 * MB  # all pages' decoded content streams together
MAX_PDF_OPERANDS = 1_000_000  # pypdf's parsing budget per content stream

# .html
MAX_HTML_TAGS = 200_000  # more than this: the flat, tree-less reading (extract/text/html_text.py)

_CHUNK = 1 * MB


def _refuse(detail: str) -> InflatedTooLargeError:
    return InflatedTooLargeError(detail)


def check_zip(data: bytes) -> None:
    """Inflate every member of a .docx in 1 MB chunks (memory stays flat), counting what comes out:
    InflatedTooLargeError past a cap. The central directory's entries are counted from the raw bytes
    before zipfile builds one object per entry."""
    if data.count(b"PK\x01\x02") > MAX_ZIP_MEMBERS:
        raise _refuse(f"more than {MAX_ZIP_MEMBERS} zip members")
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            tree = info.filename.startswith(_TREE_PARTS)
            size = tags = 0
            with zf.open(info) as member:
                while chunk := member.read(_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if tree:
                        tags += chunk.count(b"<")
                    if size > MAX_MEMBER_INFLATED or total > MAX_TOTAL_INFLATED:
                        raise _refuse(f"{info.filename} inflates past {size // MB} MB")
                    if size > RATIO_FROM and size > MAX_RATIO * max(info.compress_size, 1):
                        raise _refuse(f"{info.filename} inflates more than {MAX_RATIO}×")
                    if tags > MAX_XML_TAGS:
                        raise _refuse(f"{info.filename} has more than {MAX_XML_TAGS} tags")


@contextlib.contextmanager
def bounded_pdf() -> Iterator[None]:
    """pypdf's own decompression and parsing caps, lowered to ours for the calls inside (pypdf ≥ 6
    reads them from a context variable; an older pypdf keeps its defaults and check_pdf_page still
    bounds the total)."""
    try:
        from pypdf import apply_configuration  # type: ignore[attr-defined]
    except ImportError:
        yield
        return
    caps = dict(
        zlib_maximum_output_length=MAX_PDF_STREAM,
        lzw_maximum_output_length=MAX_PDF_STREAM,
        run_length_maximum_output_length=MAX_PDF_STREAM,
        brotli_maximum_output_length=MAX_PDF_STREAM,
        array_based_stream_maximum_output_length=MAX_PDF_STREAM,
        stream_decoding_work_maximum_length=4 * MAX_PDF_STREAM,
        stream_parsing_work_maximum_count=MAX_PDF_OPERANDS,
    )
    try:
        config = apply_configuration(**caps)
    except TypeError:  # a pypdf without some of these names
        config = contextlib.nullcontext()
    with config:
        yield


class PdfBudget:
    """The decoded content of a PDF's pages, counted page by page before their text is extracted."""

    def __init__(self, pages: int) -> None:
        if pages > MAX_PDF_PAGES:
            raise _refuse(f"{pages} pages")
        self.total = 0

    def page(self, page) -> None:  # a pypdf PageObject
        """Decode the page's content streams (pypdf caches them for the extraction that follows);
        InflatedTooLargeError when one or all together pass the caps."""
        from pypdf.errors import LimitReachedError

        try:
            contents = page.get("/Contents")
            obj = contents.get_object() if contents is not None else None
            streams = list(obj) if isinstance(obj, list) else [obj] if obj is not None else []
            for stream in streams:
                stream = stream.get_object()
                data = stream.get_data() if hasattr(stream, "get_data") else b""
                self.total += len(data)
                if len(data) > MAX_PDF_STREAM or self.total > MAX_PDF_CONTENT:
                    raise _refuse(f"page content inflates past {self.total // MB} MB")
        except LimitReachedError as exc:
            raise _refuse(f"pypdf limit: {exc}") from exc


def is_limit_error(exc: BaseException) -> bool:
    """pypdf's own cap tripped inside a call we did not wrap (its LimitReachedError)."""
    return type(exc).__name__ == "LimitReachedError"
