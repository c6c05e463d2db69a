"""What a web page says about itself: title, publication date, publisher, attachments, login form.

Pure (no network): the fetcher in bot/fetch/ hands the page's HTML and URL here. Government sites built on
the national site standard (政府网站发展指引) carry
`<meta name="ArticleTitle|PubDate|ContentSource|SiteName">`; others carry Open Graph /
article:published_time, a 政府信息公开 table (索引号 · 发布机构 · 成文日期 · 公开方式) or a
"发布日期：…" line; the URL itself often holds the date (/202401/t20240115_123.html). The most
explicit source wins: meta tags, then the table/line, then the URL. Nothing is guessed: a field no source
states stays None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from urllib.parse import unquote, urljoin, urlsplit

from extract.text.metadata import parse_date

# file types a report is published as; .doc/.wps are old formats the loaders explain (not read)
ATTACHMENT_EXTENSIONS = (".pdf", ".docx", ".doc", ".wps", ".txt")
_ATTACH_EXT = re.compile(r"\.(pdf|docx|doc|wps|txt)(?:$|[?#])", re.I)
_META_DATE_NAMES = (
    "pubdate", "publishdate", "article:published_time", "og:article:published_time", "og:release_date",
    "firstpublishedtime", "publishtime", "publish_time", "publish_date", "datepublished", "dc.date",
    "dc.date.issued", "date",
)  # fmt: skip
_META_TITLE_NAMES = ("articletitle", "og:title")
_META_PUBLISHER_NAMES = ("contentsource", "source")
_META_SITE_NAMES = ("sitename", "og:site_name", "site_name")
_DATE_VALUE = r"\s*[:：]?\s*((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})"
# the day it was published first; the day it was written (成文日期) only when no publication day is given
_ROW_DATES = (
    re.compile(r"(?:发布日期|发布时间)" + _DATE_VALUE),
    re.compile(r"(?:成文日期|发文日期|印发日期)" + _DATE_VALUE),
)
_ROW_PUBLISHER = re.compile(
    r"(?:发布机构|发文机关|发布单位|信息来源|来源)\s*[:：]\s*([\u4e00-\u9fff（）()、]{2,40})"
)
# /202401/t20240115_123.html, /2024-01/15/content_…, /20240115/…, /art/2024/1/15/art_…
_URL_DATES = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),
    re.compile(r"/((?:19|20)\d{2})-(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),
)
# WeChat official-account articles (how county media share reports): the publish time is a Unix timestamp
# in an inline script (`var ct = "1705300000";`), the account's name in #js_name
_WECHAT_CT = re.compile(r"""\bct\s*=\s*["'](\d{10})["']""")
_CHINA = timezone(timedelta(hours=8))  # no daylight saving: the calendar day in China
_TITLE_SEP = re.compile(r"\s*(?:_|\||｜| - | — |--|－)\s*")
_REPORT_WORDS = ("报告", "讲话", "公报", "规划", "纲要", "总结", "计划", "方案")


@dataclass(slots=True)
class Attachment:
    url: str  # absolute when the page's URL is known
    text: str  # the link's text (or the file name from the URL)

    @property
    def extension(self) -> str:
        m = _ATTACH_EXT.search(urlsplit(self.url).path + "?") or _ATTACH_EXT.search(self.text + "?")
        return "." + m.group(1).lower() if m else ""

    @property
    def looks_like_report(self) -> bool:
        return any(w in self.text or w in unquote(self.url) for w in _REPORT_WORDS)


@dataclass(slots=True)
class PageInfo:
    title: str | None = None
    published: date | None = None
    published_by: str | None = None  # "meta", "table", "url": where the date was read
    publisher: str | None = None  # 发布机构 / ContentSource, else the site's name
    site: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    login: bool = False  # the page is a login form (a password field)
    url: str | None = None  # where the page was fetched from (None for an uploaded file)


def _meta(doc) -> dict[str, str]:
    out: dict[str, str] = {}
    for el in doc.iter("meta"):
        name = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        content = " ".join((el.get("content") or "").split())
        if name and content and name not in out:
            out[name] = content
    return out


def _first(meta: dict[str, str], names: tuple[str, ...]) -> str | None:
    for n in names:
        if meta.get(n):
            return meta[n]
    return None


def url_date(url: str | None) -> date | None:
    if not url:
        return None
    path = urlsplit(url).path
    for pattern in _URL_DATES:
        m = pattern.search(path)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


_HEAD_CHARS = 512 * 1024  # what page_info reads of a page past MAX_HTML_TAGS (meta, title, h1)


def page_info(html: str, url: str | None = None) -> PageInfo:
    """Title, date, publisher, attachments and login form of a page (already decoded)."""
    import lxml.html
    from lxml import etree

    from extract.text.limits import MAX_HTML_TAGS  # (zipfile with it: pasted text never needs either)

    info = PageInfo(url=url)
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    if html.count("<") > MAX_HTML_TAGS:  # millions of elements: gigabytes as a tree; its head is enough
        html = html[:_HEAD_CHARS]
    try:
        doc = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        info.published, info.published_by = url_date(url), "url" if url_date(url) else None
        return info
    meta = _meta(doc)
    page_title = " ".join((doc.findtext(".//title") or "").split())
    parts = [p for p in _TITLE_SEP.split(page_title) if p]
    h1 = doc.find(".//h1")
    h1_text = " ".join(h1.text_content().split()) if h1 is not None else ""
    info.title = _first(meta, _META_TITLE_NAMES) or h1_text or (parts[0] if parts else None)
    info.site = _first(meta, _META_SITE_NAMES) or (parts[-1] if len(parts) > 1 else None)

    meta_date = _first(meta, _META_DATE_NAMES)
    body = doc.find("body")
    # a space between elements: table cells must not run together (发布机构：X | 成文日期：…)
    text = " ".join(" ".join((body if body is not None else doc).itertext()).split())
    row = next((m for m in (p.search(text) for p in _ROW_DATES) if m), None)
    ct = _WECHAT_CT.search(html)
    wechat = datetime.fromtimestamp(int(ct.group(1)), _CHINA).date() if ct else None
    candidates = (
        ("meta", meta_date and parse_date(meta_date)),
        ("table", row and parse_date(row.group(1))),
        ("meta", wechat),
    )
    for source, value in candidates:
        if value:
            info.published, info.published_by = value, source
            break
    else:
        found = url_date(url)
        if found:
            info.published, info.published_by = found, "url"

    pub_row = _ROW_PUBLISHER.search(text)
    from_row = pub_row.group(1) if pub_row else None
    account = doc.get_element_by_id("js_name", None)
    if account is not None and not info.site:
        info.site = " ".join(account.text_content().split()) or None
    info.publisher = _first(meta, _META_PUBLISHER_NAMES) or from_row or info.site

    seen: set[str] = set()
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        label = " ".join(a.text_content().split())
        if not (_ATTACH_EXT.search(urlsplit(href).path + "?") or _ATTACH_EXT.search(label + "?")):
            continue
        absolute = urljoin(url, href) if url else href
        if absolute in seen:
            continue
        seen.add(absolute)
        info.attachments.append(Attachment(url=absolute, text=label or unquote(href.rsplit("/", 1)[-1])))
    info.login = any((el.get("type") or "").lower() == "password" for el in doc.iter("input"))
    return info
