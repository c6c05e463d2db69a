"""A link to a report → the bytes the pipeline reads, with the name that picks the loader.

- a page (text/html) with its article → the page itself (its text, title, date and publisher are read
  by extract.text.loaders / extract.text.page);
- a page whose body is little more than a link to the report (附件：…政府工作报告.pdf/.docx) → the
  attachment, fetched under the same rules;
- a direct link to a .pdf/.docx/.txt file → the file, read as an upload;
- an image, a login page, a page with only navigation, an unknown type → a LinkError with a clear message.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from bot.fetch.client import Fetched, FetchOptions, fetch_url, make_client
from bot.fetch.errors import LinkError, LinkImage, LinkLogin, LinkNoArticle, LinkTimeout, LinkUnsupported
from extract.errors import EmptyInputError, InputError
from extract.text.page import PageInfo

# a page whose article text is shorter than this is "only navigation" (or only a link to its attachment)
MIN_ARTICLE_CHARS = 80
# …and one shorter than this, with a report attachment, is a cover page for that attachment
COVER_PAGE_CHARS = 1500

_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/x-pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "text/plain": ".txt",
    "text/markdown": ".md",
}
_FILE_EXTENSIONS = (".html", ".htm", ".shtml", ".pdf", ".docx", ".doc", ".txt", ".md", ".wps")
_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic")
_URL = re.compile(r"(?i)(?<![a-z0-9])(?:https?|ftp|file)://[^\s<>\"'，。；、！？）》」』【】]+")


def find_links(text: str) -> list[str]:
    """Every http(s)/ftp/file link in a message, in order, without trailing punctuation."""
    out: list[str] = []
    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?)]}'\"")
        if url not in out:
            out.append(url)
    return out


@dataclass(slots=True)
class LinkedReport:
    url: str  # the link as sent
    final_url: str  # where the report's bytes came from (after redirects; the attachment's address)
    data: bytes
    filename: str  # picks the loader: "page.html", "2024年政府工作报告.pdf"
    charset: str | None  # the server's declared charset (HTML/text)
    page_url: str | None = None  # the page that linked to the attachment
    page: PageInfo | None = None  # that page's title, date and publisher (the attachment's metadata)


def _extension(name: str) -> str:
    return PurePosixPath(name.lower()).suffix


def _filename(fetched: Fetched) -> str:
    """A name whose extension says what the bytes are: header type first, then the names, then sniffing."""
    path_name = unquote(PurePosixPath(urlsplit(fetched.final_url).path).name)
    names = [n for n in (fetched.filename, path_name) if n]
    ext = _TYPES.get(fetched.content_type)
    if fetched.content_type.startswith("image/"):
        raise LinkImage(fetched.content_type)
    if ext is None or fetched.content_type == "text/plain":  # octet-stream, missing, or a vague type
        for n in names:
            e = _extension(n)
            if e in _IMAGE_EXTENSIONS:
                raise LinkImage(n)
            if e in _FILE_EXTENSIONS:
                ext = ".html" if e in (".htm", ".shtml") else e
                break
    head = fetched.data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        ext = ".pdf"
    elif head[:8] in (b"\x89PNG\r\n\x1a\n",) or head[:3] == b"\xff\xd8\xff" or head[:4] in (b"GIF8", b"RIFF"):
        raise LinkImage("image bytes")
    elif ext is None and re.match(rb"(?i)(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)", head, re.S):
        ext = ".html"
    if ext is None:
        raise LinkUnsupported(fetched.content_type or "no type")
    if ext == ".html":
        return "page.html"
    base = next((n for n in names if _extension(n) == ext), None)
    return base or f"report{ext}"


def _page_check(data: bytes, filename: str, charset: str | None, url: str, max_bytes: int):  # type: ignore[no-untyped-def]
    """(article length, page info) of a fetched page: worker-thread CPU work."""
    from extract.text.loaders import load_bytes
    from extract.text.normalize import normalize

    loaded = load_bytes(data, filename, max_bytes=max_bytes, charset=charset, url=url)
    doc = normalize(loaded.text, file_type="html", page=loaded.page)
    return len(doc.text), loaded.page


async def fetch_report(url: str, options: FetchOptions) -> LinkedReport:
    """Fetch `url` and, for a cover page, its report attachment. LinkError (an InputError) when it
    cannot give a report. The total deadline covers the page and its attachment together."""
    try:
        async with asyncio.timeout(options.total_timeout_s):
            return await _fetch_report(url, options)
    except TimeoutError:
        raise LinkTimeout(f"{url}: over {options.total_timeout_s:g} s in total") from None


async def _fetch_report(url: str, options: FetchOptions) -> LinkedReport:
    async with make_client(options) as client:
        fetched = await fetch_url(url, options, client)
        filename = _filename(fetched)
        report = LinkedReport(url, fetched.final_url, fetched.data, filename, fetched.charset)
        if filename != "page.html":
            return report
        try:
            chars, page = await asyncio.to_thread(
                _page_check, fetched.data, filename, fetched.charset, fetched.final_url, options.max_bytes
            )
        except EmptyInputError:
            chars, page = 0, None
        if page is not None and page.login and chars < COVER_PAGE_CHARS:
            raise LinkLogin(fetched.final_url)
        attachments = [
            a for a in (page.attachments if page else []) if a.extension in (".pdf", ".docx", ".doc", ".txt")
        ]
        wanted = [a for a in attachments if a.looks_like_report]
        if not wanted and chars < MIN_ARTICLE_CHARS:
            wanted = attachments  # a page that is only its attachment, whatever the file is called
        # an old .doc cannot be read: the page's own text is better, unless the page has none
        wanted = sorted(wanted, key=lambda a: a.extension == ".doc")
        if wanted and wanted[0].extension == ".doc" and chars >= MIN_ARTICLE_CHARS:
            wanted = []
        if wanted and chars < COVER_PAGE_CHARS:
            try:
                attached = await fetch_url(wanted[0].url, options, client)
                name = _filename(attached)
                if name == "page.html":
                    raise LinkUnsupported("the attachment is a page")
                if not attached.filename and wanted[0].text.lower().endswith(_extension(name)):
                    name = wanted[0].text.strip().replace("/", "_")[-120:]
                return LinkedReport(
                    url, attached.final_url, attached.data, name, attached.charset, fetched.final_url, page
                )
            except (LinkError, InputError):
                if chars < MIN_ARTICLE_CHARS:
                    raise
        if chars < MIN_ARTICLE_CHARS:
            raise LinkNoArticle(fetched.final_url)
        return report
