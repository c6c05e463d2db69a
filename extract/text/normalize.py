"""Text -> normalised simplified `Document`, in the order that matters:

1. Unicode clean-up (extract.text.textclean)
2. pinyin glosses stripped (extract.text.pinyin)
3. traditional -> simplified when the text is traditional (extract.text.script)
4. boilerplate lines dropped (extract.text.boilerplate) and
5. metadata kept aside while its lines go (extract.text.metadata)

The body keeps one paragraph per line, the headline (if the report opens with one) as its first line.
Every rule is line-local and reaches a fixed point, so normalising a normalised text changes nothing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from extract.errors import EmptyInputError
from extract.text.boilerplate import COPYRIGHT_MAX_LEN, is_boilerplate, is_site_header
from extract.text.boilerplate import HAS_WORD as _HAS_WORD
from extract.text.loaders import DEFAULT_MAX_BYTES, LoadedText, load_bytes
from extract.text.metadata import (
    byline_authors,
    is_headline,
    parse_breadcrumb,
    parse_meta_line,
    strip_trailing_credits,
)
from extract.text.pinyin import strip_glosses
from extract.text.report_date import report_date
from extract.text.script import simplify_lines
from extract.text.textclean import clean_unicode

if TYPE_CHECKING:  # pydantic is imported only when a Document is built: `countybot normalize` prints text
    from extract.models import DateSource, Document, Script
    from extract.text.page import PageInfo

# A line goes through the line rules when it may be metadata, a byline, a breadcrumb or boilerplate: short,
# without sentence punctuation, opening with a bracket, starting like a notice or a footer, or
# (up to the length of a copyright notice) holding one of the copyright tells. Without these no rule
# fires on a long line, so most body paragraphs skip the rules (`in` is cheaper than a regex; the tells are
# one regex, tried on a line only when the cheaper tests have passed).
_COPYRIGHT_TELLS = ("版权", "opyright", "©", "转载", "侵权", "未经", "ICP", "公网安备", "网站标识码")
_COPYRIGHT_TELL = re.compile("|".join(map(re.escape, _COPYRIGHT_TELLS)))  # per line: cheaper than per text
_RULE_STARTS = (
    "主办", "承办", "技术支持", "维护单位", "网站维护", "温馨提示", "友情提示", "特别提示", "免责声明",
    "特别声明", "网站声明", "【", "[", "(", "（",
)  # fmt: skip
_SHORT = 80  # longer than any widget, counter, editor or byline line


def _lines(lines: list[str]) -> list[str]:
    """Non-blank lines, stripped, with runs of spaces and tabs made one space."""
    out: list[str] = []
    for line in lines:
        s = line.strip()
        if s:
            if "  " in s or "\t" in s:
                s = " ".join(s.split())
            out.append(s)
    return out


class _Meta:
    __slots__ = ("authors", "breadcrumb_source", "credits", "published", "source")

    def __init__(self) -> None:
        self.published = None
        self.source: str | None = None
        self.breadcrumb_source: str | None = None
        self.authors: list[str] = []
        self.credits: list[str] = []  # bylines and credits as written, label and office kept


def _classify(lines: list[str], meta: _Meta) -> list[str]:
    body: list[str] = []
    for line in lines:
        if line[-1] in ")）】]":
            line, credit = strip_trailing_credits(line)
            meta.authors.extend(credit.authors)
            meta.credits.extend(credit.written)
            if credit.source and meta.source is None:
                meta.source = credit.source
            if not line:
                continue
        n = len(line)
        if (
            n > _SHORT
            and ("。" in line or "，" in line or "," in line)  # sentence punctuation: not metadata
            and not line.startswith(_RULE_STARTS)
            and (n > COPYRIGHT_MAX_LEN or not _COPYRIGHT_TELL.search(line))
            and _HAS_WORD.search(line)
        ):
            body.append(line)  # an ordinary paragraph: no line rule can fire
            continue
        fields = parse_meta_line(line)
        if fields is not None:
            meta.published = meta.published or fields.published
            meta.source = meta.source or fields.source
            meta.authors.extend(fields.authors)
            meta.credits.extend(fields.credits)
            continue
        names = byline_authors(line)
        if names is not None:
            meta.authors.extend(names)
            meta.credits.append(line.strip("()（） "))
            continue
        is_crumb, site = parse_breadcrumb(line)
        if is_crumb:
            meta.breadcrumb_source = meta.breadcrumb_source or site
            continue
        if not is_boilerplate(line):
            body.append(line)
        elif meta.breadcrumb_source is None and is_site_header(line):
            meta.breadcrumb_source = line  # 某某县人民政府 (header or 落款): the issuer names its county
    return body


class Normalized(NamedTuple):
    """What normalisation found, before it becomes a `Document` (the same fields)."""

    text: str
    title: str | None
    published: date | None
    published_from: DateSource | None
    source: str | None
    url: str | None
    script: Script
    glosses_stripped: int
    authors: list[str]
    credits: list[str]


def normalize_text(text: str, *, page: PageInfo | None = None, file_date: date | None = None) -> Normalized:
    """The passes of the module docstring on decoded text; never raises on any str. `page`: what an HTML
    page said about itself (its date and publisher, read from tags the text no longer has); `file_date`: a
    .docx's last-saved / a PDF's creation date (see extract.text.report_date)."""
    text = clean_unicode(text)
    text, glosses = strip_glosses(text)
    lines, script = simplify_lines(text)
    meta = _Meta()
    body = _classify(_lines(lines), meta)
    title = body[0] if len(body) > 1 and is_headline(body[0]) else None
    text = "\n".join(body)
    if page is not None and page.published is not None:
        # the page's own date (meta tag, info table, URL) when the text shows no publication line of its own
        meta.published = meta.published or page.published
    published, published_from = report_date(text, title, meta.published, file_date=file_date)
    return Normalized(
        text=text,
        title=title,
        published=published,
        published_from=published_from,
        source=meta.source or (page.publisher if page else None) or meta.breadcrumb_source,
        url=page.url if page else None,
        script=script,
        glosses_stripped=glosses,
        authors=list(dict.fromkeys(meta.authors)),
        credits=list(dict.fromkeys(meta.credits)),
    )


def normalize(
    text: str,
    *,
    encoding: str | None = None,
    file_type: str = "txt",
    page: PageInfo | None = None,
    file_date: date | None = None,
) -> Document:
    """Normalise report text (already decoded) into a `Document`. Never raises on any str."""
    return _document(normalize_text(text, page=page, file_date=file_date), encoding, file_type)


def _document(n: Normalized, encoding: str | None, file_type: str) -> Document:
    from extract.models import Document

    return Document(**n._asdict(), encoding=encoding, file_type=file_type)


def load_normalized(
    data: bytes,
    filename: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    charset: str | None = None,
    url: str | None = None,
    ocr_pages: int | None = None,
) -> tuple[LoadedText, Normalized]:
    """Load a file's bytes (txt/md/html/docx/pdf, pictures and scans by OCR) and normalise its text.
    Raises extract.errors.InputError, EmptyInputError too when nothing but page furniture (or invisible
    characters) is left."""
    loaded = load_bytes(data, filename, max_bytes=max_bytes, charset=charset, url=url, ocr_pages=ocr_pages)
    n = normalize_text(loaded.text, page=loaded.page, file_date=loaded.file_date)
    if not n.text:
        raise EmptyInputError(f"no report text in this {loaded.file_type} file, only page furniture")
    return loaded, n


def normalize_bytes(
    data: bytes,
    filename: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    charset: str | None = None,
    url: str | None = None,
    ocr_pages: int | None = None,
) -> Document:
    """`load_normalized` as a `Document`: its file's name, encoding, type, warnings and OCR marks kept."""
    loaded, n = load_normalized(
        data, filename, max_bytes=max_bytes, charset=charset, url=url, ocr_pages=ocr_pages
    )
    doc = _document(n, loaded.encoding, loaded.file_type)
    if url and not doc.url:
        doc.url = url  # a fetched file (a PDF behind a link): its link is its source
    if loaded.warnings:
        doc.warnings = [*loaded.warnings, *doc.warnings]
    if filename:
        doc.filename = re.split(r"[\\/]", filename)[-1].strip() or None  # the name, not the path
    if loaded.ocr is not None:  # issue M: where the numbers OCR was unsure of ended up
        from extract.text.ocr_marks import ocr_info

        doc.ocr = ocr_info(doc.text, loaded.ocr)
    return doc
