"""HTML page -> the article's text, with lxml and a few rules (no extractor that fetches anything).

1. Decode with the page's declared charset (`<meta charset>`, `http-equiv`, XML declaration); GB2312/GBK
   pages are decoded as GB18030, their superset, because real "GB2312" pages use GBK characters.
2. Drop what is never the article: scripts, styles, forms, navigation, asides, footers, and elements whose
   class/id names a widget (nav, menu, breadcrumb, share, footer, sidebar, related, print, ... including the
   pinyin names Chinese sites use: daohang, fenxiang, dayin, banquan). The block holding the <h1> or most of
   the page's text is never dropped.
3. Drop link lists: blocks whose text is mostly link text (menus, related articles, "上一篇").
4. Render the rest with a newline per block element; the title (<h1>, else <title>) comes first.

What is left (metadata lines, an "责任编辑" line, a copyright footer without a class) is handled by the
line rules of normalisation.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from html.parser import HTMLParser

from extract.text.limits import MAX_HTML_TAGS

_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
# Declared names -> the codec that decodes what such pages really contain.
CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5",
    "x-big5": "big5",
    "utf8": "utf-8",
}

_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "form",
    "button", "select", "input", "textarea", "nav", "aside", "map", "audio", "video", "head", "link", "meta",
)  # fmt: skip
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "tbody", "thead", "tfoot", "section", "article", "header", "footer", "main", "blockquote", "pre",
    "figure", "figcaption", "address", "hr", "center", "caption",
})  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
_JUNK_TOKENS = frozenset({
    "nav", "navbar", "navigation", "menu", "menus", "mainmenu", "submenu", "breadcrumb", "breadcrumbs",
    "crumb", "crumbs", "position", "location", "share", "sharing", "bshare", "jiathis", "social",
    "footer", "foot", "bottom", "sidebar", "side", "aside", "comment", "comments", "copyright",
    "toolbar", "tools", "ad", "ads", "advert", "banner", "related", "recommend", "pagination", "pager",
    "print", "fontsize", "font", "login", "search", "topbar", "top", "logo", "skip", "qrcode", "ewm",
    "fenxiang", "dayin", "guanbi", "banquan", "daohang", "weizhi", "dqwz", "xgxw", "xiangguan", "links",
    "friendlink",
})  # fmt: skip
_TOKEN_SPLIT = re.compile(r"[\s_-]+")
# the 政府信息公开 table above an official document (its date and publisher are read by extract.text.page)
_INFO_LABELS = re.compile(
    r"索\s*引\s*号|发布机构|发文机关|成文日期|发布日期|公开方式|公开范围|公开时限|主题分类|发文字号|有\s*效\s*性|组配分类"
)
_INFO_MAX_LEN = 600


def _info_table(el) -> bool:
    if el.tag not in ("table", "div", "ul", "dl", "tbody"):
        return False
    text = "".join(el.itertext())
    return len(text.strip()) < _INFO_MAX_LEN and len(set(_INFO_LABELS.findall(text))) >= 3
_TITLE_SEP = re.compile(r"\s*(?:_|\||｜| - | — |--|－)\s*")


def declared_charset(data: bytes) -> str | None:
    """The codec for the charset a page declares in its first 4 KB, or None."""
    m = _DECLARED.search(data[:4096])
    if not m:
        return None
    name = (m.group(1) or m.group(2)).decode("ascii", "ignore").strip().lower()
    name = CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _junk_attr(el) -> bool:
    attrs = f"{el.get('class', '')} {el.get('id', '')}".lower()
    if not attrs.strip():
        return False
    return any(tok in _JUNK_TOKENS for tok in _TOKEN_SPLIT.split(attrs) if tok)


def _text_len(el) -> int:
    return len("".join(el.itertext()).strip())


def _render(root) -> str:
    from lxml import etree

    out: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                out.append("\n")
            elif tag in _CELL_TAGS:
                out.append(" ")
            if el.text and tag:
                out.append(el.text)
        else:
            if tag in _BLOCK_TAGS:
                out.append("\n")
            if el.tail and el is not root:
                out.append(el.tail)
    return "".join(out)


class _FlatText(HTMLParser):
    """Text of a page read as a stream of tags (no tree, so no depth limit), a line per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _DROP_TAGS and tag not in _VOID:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_TAGS and tag not in _VOID:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


_VOID = frozenset({"input", "link", "meta", "embed"})


def flat_text(html: str) -> str:
    parser = _FlatText()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


def html_to_text(html: str) -> str:
    """The article text of an HTML page (already decoded)."""
    import lxml.html
    from lxml import etree

    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)  # lxml refuses str input with an encoding declaration
    if html.count("<") > MAX_HTML_TAGS:  # a tree of millions of elements: gigabytes; read it flat
        return flat_text(html)
    try:
        # huge_tree: without it libxml2 drops everything nested deeper than 256 elements
        doc = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return flat_text(html)
    body = doc.find("body")
    if not (body if body is not None else doc).text_content().strip() and re.search(r">[^<\s]", html):
        return flat_text(html)  # nested deeper than even huge_tree allows: a flat walk, no tree
    page_title = " ".join((doc.findtext(".//title") or "").split())
    for el in list(doc.iter(etree.Comment, etree.ProcessingInstruction, *_DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    body = doc.find("body")
    if body is None:
        body = doc
    total = _text_len(body) or 1
    h1 = body.find(".//h1")
    # The block with the most paragraph text: never dropped even if its class says "side" or "foot".
    best, best_len = None, 0
    for el in body.iter("div", "article", "section", "td", "main"):
        n = sum(_text_len(p) for p in el.findall("p"))
        if n > best_len:
            best, best_len = el, n
    # The title, the main block and their ancestors are never dropped (a wrapper with an unlucky class).
    protected = [a for k in (h1, best) if k is not None for a in (k, *k.iterancestors())]

    def _protected(el) -> bool:
        return any(el is a for a in protected)

    def prune(el) -> None:
        for child in list(el):
            if not isinstance(child.tag, str):
                continue
            if child.tag in ("header", "footer") and not _protected(child):
                child.drop_tree()
                continue
            if ((_junk_attr(child) and _text_len(child) < 0.5 * total) or _info_table(child)) and not (
                _protected(child)
            ):
                child.drop_tree()
                continue
            if child.tag in ("ul", "ol", "dl", "div", "table", "p", "li", "section", "span", "td") and not (
                _protected(child)
            ):
                n = _text_len(child)
                links = sum(_text_len(a) for a in child.iter("a"))
                if n and links / n > 0.6:
                    child.drop_tree()
                    continue
            prune(child)

    with contextlib.suppress(RecursionError):  # absurdly deep markup: keep what is there
        prune(body)
    text = _render(body)
    if h1 is None and page_title:
        parts = [p for p in _TITLE_SEP.split(page_title) if p]
        title = parts[0] if parts and len(parts[0]) >= 4 else page_title
        text = title + "\n" + text
    return text
