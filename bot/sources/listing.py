"""What a source lists: the document links of a list page (a county's 政府工作报告 / 政务公开 / 统计公报
column) and its next page, or the entries of an RSS/Atom feed. Pure parsing (stdlib), no I/O.

A list page's document links are the anchors that read like a document title (at least MIN_TITLE
characters of text, Chinese among them) pointing at a page or file on the same site — not the
navigation (short labels: 首页, 政务公开), not another site, not the list itself or its other pages.
The next page is the anchor 下一页/下页/后页/›/> (or the TRS-style index_N.html that follows this one).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

MIN_TITLE = 6  # characters of anchor text a document title has at least (首页, 政务公开 are shorter)
_DOC_EXT = (".html", ".htm", ".shtml", ".jhtml", ".pdf", ".doc", ".docx", ".txt", ".wps")
_SKIP_EXT = (".jpg", ".jpeg", ".png", ".gif", ".css", ".js", ".zip", ".rar", ".xls", ".xlsx", ".mp4")
_NEXT = re.compile(r"^\s*(?:下一页|下页|后一页|后页|›|>|»|>>|next)\s*$", re.I)
_PAGE_NAV = re.compile(r"^\s*(?:上一页|上页|首页|尾页|末页|前页|\d{1,3}|第\d+页|<<|«|‹|<)\s*$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_TRS_PAGE = re.compile(r"(?:^|/)index(?:_(\d+))?\.s?html?$")
_DATE = re.compile(r"(20\d\d)[-./年](\d{1,2})[-./月](\d{1,2})")


@dataclass(slots=True)
class Entry:
    url: str
    title: str
    date: str | None = None  # as the list shows it (2024-01-15), when it does


@dataclass(slots=True)
class Listing:
    kind: str  # "page" or "feed"
    title: str
    entries: list[Entry] = field(default_factory=list)
    next_url: str | None = None
    text: str = ""  # the page's visible text (its county is read from it)


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str, int]] = []  # href, text, position in the text
        self.title = ""
        self.base: str | None = None
        self._href: str | None = None
        self._buf: list[str] = []
        self._in_title = False
        self._skip = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a":
            self._href, self._buf = a.get("href") or "", []
        elif tag == "title":
            self._in_title = True
        elif tag == "base" and a.get("href"):
            self.base = a["href"]
        elif tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            text = re.sub(r"\s+", " ", "".join(self._buf)).strip()
            self.anchors.append((self._href, text, len(self.text)))
            self._href = None
        elif tag == "title":
            self._in_title = False
        elif tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title += data
        if self._href is not None:
            self._buf.append(data)
        if data.strip():
            self.text.append(data.strip())


def _site(host: str) -> str:
    """The site a host belongs to (www.x.gov.cn and tjj.x.gov.cn are one site: x.gov.cn)."""
    parts = host.lower().split(".")
    if len(parts) >= 3 and parts[-2] in ("gov", "com", "org", "edu", "net") and parts[-1] == "cn":
        return ".".join(parts[-3:])
    return ".".join(parts[-2:]) if len(parts) >= 2 else host


def same_site(a: str, b: str) -> bool:
    return _site(urlsplit(a).hostname or "") == _site(urlsplit(b).hostname or "")


def _is_document(url: str, page_url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not same_site(url, page_url):
        return False
    path = parts.path.lower()
    if path.endswith(_SKIP_EXT) or path in ("", "/") or path.endswith("/"):
        return False
    if _TRS_PAGE.search(path):  # the list's own pages (index.html, index_2.html)
        return False
    name = path.rsplit("/", 1)[-1]
    return path.endswith(_DOC_EXT) or "." not in name or bool(parts.query)


def parse_page(data: str, url: str) -> Listing:
    p = _Anchors()
    p.feed(data)
    p.close()
    base = urljoin(url, p.base) if p.base else url
    entries: list[Entry] = []
    seen: set[str] = {urldefrag(url)[0]}
    next_url = None
    for href, text, at in p.anchors:
        href = href.strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        target = urldefrag(urljoin(base, href))[0]
        if _NEXT.match(text) and next_url is None and target not in seen:
            next_url = target
            continue
        if _PAGE_NAV.match(text) or target in seen:
            continue
        if len(text) < MIN_TITLE or not _HAN.search(text) or not _is_document(target, url):
            continue
        seen.add(target)
        # a date printed right after the title in the list (<span>2024-01-15</span>)
        after = " ".join(p.text[at : at + 2])
        m = _DATE.search(after)
        date = f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None
        entries.append(Entry(target, text, date))
    if next_url is None:
        next_url = _trs_next(url, {urldefrag(urljoin(base, h))[0] for h, _, _ in p.anchors})
    return Listing("page", p.title.strip(), entries, next_url, "\n".join(p.text)[:5000])


def _trs_next(url: str, linked: set[str]) -> str | None:
    """TRS/Hanweb list pages number their pages index.html, index_1.html, index_2.html …: the next one,
    when the page links to it."""
    path = urlsplit(url).path
    m = _TRS_PAGE.search(path)
    if m is None and not path.endswith("/"):
        return None
    n = int(m[1]) + 1 if m and m[1] else 1
    candidate = urljoin(url, f"index_{n}{_ext(path)}")
    return candidate if candidate in linked else None


def _ext(path: str) -> str:
    m = re.search(r"\.(s?html?)$", path)
    return f".{m[1]}" if m else ".html"


def looks_like_feed(data: bytes, content_type: str) -> bool:
    if content_type in ("application/rss+xml", "application/atom+xml", "application/feed+json"):
        return True
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        return True
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_feed(data: bytes, url: str) -> Listing:
    """RSS 2.0 <item><link>, Atom <entry><link href>; ValueError when it is not a feed."""
    try:
        root = ET.fromstring(data)  # expat: no external entities
    except ET.ParseError as exc:
        raise ValueError(f"not a feed: {exc}") from None
    title = ""
    entries: list[Entry] = []
    for el in root.iter():
        name = _local(el.tag)
        if name == "title" and not title:
            title = (el.text or "").strip()
        if name not in ("item", "entry"):
            continue
        link, text, date = None, "", None
        for child in el:
            cname = _local(child.tag)
            if cname == "link":
                href = child.get("href") or (child.text or "").strip()
                if href and (link is None or child.get("rel") in (None, "alternate")):
                    link = href
            elif cname == "title":
                text = (child.text or "").strip()
            elif cname in ("pubDate", "published", "updated", "date") and date is None:
                date = (child.text or "").strip() or None
        if link:
            entries.append(Entry(urldefrag(urljoin(url, link))[0], text, date))
    if _local(root.tag) not in ("rss", "feed", "RDF"):
        raise ValueError("not a feed")
    return Listing("feed", title, entries, None, title + "\n" + "\n".join(e.title for e in entries))
