"""A simulated web of county government sites: one HTTP server on 127.0.0.1 answering for many virtual
hosts (the Host header picks the site; the tests make the names resolve to 127.0.0.1 through
tests/netguard.py's fake DNS, never real DNS). Used by tests/test_sources*.py and bench/bench_sources.py.

    with CountyWeb() as web:
        site = web.add_site("www.linze.gov.cn", "临泽县", docs=12, encoding="gbk", template="govcn")
        web.list_url(site)            # http://www.linze.gov.cn:PORT/zwgk/zfxxgk/  (paginated, 下一页)
        web.advance_day()             # each site with new_per_day publishes; the simulated date moves on
        web.requests                  # [Hit(at, host, path, headers, status)] as the server saw them

Each site has a TRS-style list page (10 a page, index.html → index_1.html …, 下一页), report pages in the
templates of real government sites — `govcn` is the saved www.gov.cn page tests/pages_real/govcn_5351586.html
with its 政府信息公开 table and content element refilled, `trs` is the county layout of tests/pages.py — in
UTF-8 or GBK, cover pages whose report is a PDF attachment, a robots.txt, an ETag/Last-Modified on the
list (a conditional request gets 304), an optional RSS feed, and misbehaviour: `delay` (slow host),
`dead` (every request 503), `drop` (the connection closed unanswered). The server itself is
tests/fakes/http_server.py's.
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.fakes.http_server import LoopbackHTTP

GOVCN = Path(__file__).resolve().parent.parent / "pages_real" / "govcn_5351586.html"
PER_PAGE = 10
LIST_PATH = "/zwgk/zfxxgk/"


@dataclass
class Doc:
    path: str
    title: str
    day: date
    paragraphs: list[str]
    kind: str = "page"  # "page", or "cover" (a short page whose report is the PDF at pdf_path)
    pdf_path: str | None = None


@dataclass
class Site:
    host: str
    county: str
    encoding: str = "utf-8"
    template: str = "trs"  # "trs" or "govcn"
    robots: str = "User-agent: *\nDisallow: /private/\n"
    delay: float = 0.0
    dead: bool = False
    drop: bool = False
    new_per_day: int = 0
    pdf_every: int = 0  # every n-th document is a cover page with a PDF attachment (0: none)
    feed: bool = False
    docs: list[Doc] = field(default_factory=list)  # newest last
    extra_links: list[tuple[str, str]] = field(default_factory=list)  # (href, text) on the list page
    aliases: dict[str, str] = field(default_factory=dict)  # another path serving the same document
    flaky: dict[str, int] = field(default_factory=dict)  # path -> how many more times it answers 503


@dataclass
class Hit:
    at: float  # time.monotonic() when the request arrived
    host: str
    path: str
    headers: dict[str, str]
    status: int = 0


# ---- documents ---------------------------------------------------------------------------------


def paragraphs_for(county: str, n: int, day: date, seed: str) -> tuple[str, list[str]]:
    """A document's title and paragraphs: a work report, a statistical bulletin or a news item, with
    numbers of its own (so no two documents are near-duplicates)."""
    rng = random.Random(seed)
    year = day.year
    g, t, r = rng.randint(30, 89) / 10, rng.randint(40, 75) / 10, rng.randint(20, 99) / 10
    gdp = rng.randint(800, 4800) / 10
    kind = n % 3
    if kind == 0:
        title = f"{county}{year}年政府工作报告（第{n}号）"
        paras = [
            f"{county}人民政府县长在{county}第十八届人民代表大会第{n}次会议上作政府工作报告。",
            f"过去一年，全县地区生产总值完成{gdp}亿元，同比增长{g}%；一般公共预算收入完成{r}亿元。",
            f"今年经济社会发展的主要预期目标是：地区生产总值增长{t}%左右，"
            f"城镇新增就业{rng.randint(1000, 9000)}人，粮食产量稳定在{rng.randint(10, 90)}万吨以上。",
            f"我们将坚持稳中求进工作总基调，推动{county}高质量发展迈出新步伐。",
        ]
    elif kind == 1:
        title = f"{county}{year - 1}年国民经济和社会发展统计公报（{n}）"
        paras = [
            f"{year - 1}年，面对复杂形势，{county}经济运行总体平稳。",
            f"初步核算，全县地区生产总值实现{gdp}亿元，比上年增长{g}%。",
            f"全县规模以上工业增加值增长{rng.randint(20, 120) / 10}%，"
            f"社会消费品零售总额{rng.randint(300, 990) / 10}亿元，增长{r}%。",
            f"城镇居民人均可支配收入{rng.randint(25000, 48000)}元，增长{rng.randint(30, 70) / 10}%。",
        ]
    else:
        title = f"{county}召开第{n}次县政府常务会议研究部署重点工作"
        paras = [
            f"{day:%m月%d日}，{county}召开县政府常务会议，研究部署近期重点工作。",
            f"会议指出，今年以来全县固定资产投资完成{gdp}亿元，增长{g}%，重点项目推进有力。",
            f"会议要求，确保全年完成招商引资{rng.randint(20, 90)}亿元，"
            f"力争新开工项目{rng.randint(10, 60)}个。",
        ]
    return title, paras


def pdf_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A text PDF (fpdf2 and the dev extra's CJK font, as tests/test_loaders.py builds them)."""
    from importlib import resources

    from fpdf import FPDF

    font = str(resources.files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("wqy", fname=font)
    pdf.set_font("wqy", size=11)
    for line in [title, *paragraphs]:
        pdf.multi_cell(0, 6, "\u3000\u3000" + line, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _trs_page(site: Site, doc: Doc) -> str:
    from tests.pages import gov_article

    html = gov_article(
        doc.paragraphs,
        title=doc.title,
        meta_date=f"{doc.day:%Y-%m-%d} 09:30",
        written=f"{doc.day:%Y年%m月%d日}",
        publisher=f"{site.county}人民政府办公室",
        site=f"{site.county}人民政府",
    ).decode("utf-8")
    # tests/pages.py's furniture is 涞源县's: the site's own county in its navigation and footer
    html = html.replace("涞源县", site.county).replace("涞源", site.county[:-1])
    return html.replace("charset=utf-8", f"charset={site.encoding}")


_GOVCN_CELLS = (
    ("发文机关：</b></td> \n        <td>", "国务院办公厅"),
    ("成文日期：</b></td> \n        <td>", "2005年07月14日"),
    (
        '标　　题：</b></td> \n        <td colspan="3">',
        "国务院办公厅对全国政协十届三次会议第2741号提案的答复",
    ),
    ("发布日期：</b></td> \n        <td>", "2018年12月24日"),
)


def _govcn_page(site: Site, doc: Doc) -> str:
    html = GOVCN.read_text(encoding="utf-8")
    values = [f"{site.county}人民政府", f"{doc.day:%Y年%m月%d日}", doc.title, f"{doc.day:%Y年%m月%d日}"]
    for (before, old), new in zip(_GOVCN_CELLS, values, strict=True):
        html = html.replace(before + old, before + escape(new), 1)
    html = re.sub(r"<title>.*?</title>", f"<title>{escape(doc.title)}</title>", html, count=1)
    body = "".join(f"<p>{escape(p)}</p>" for p in doc.paragraphs)
    html = re.sub(
        r'(<td class="b12c" id="UCAP-CONTENT">).*?(</td>)',
        lambda m: m[1] + body + m[2],
        html,
        count=1,
        flags=re.S,
    )
    return html.replace('<meta charset="utf-8">', f'<meta charset="{site.encoding}">')


def _cover_page(site: Site, doc: Doc) -> str:
    name = f"{doc.title}.pdf"
    return f"""<!DOCTYPE html><html><head><meta charset="{site.encoding}">
<title>关于公开{escape(doc.title)}的通知_{site.county}人民政府</title>
<meta name="PubDate" content="{doc.day:%Y-%m-%d} 10:00"></head>
<body><div class="main"><h1>关于公开{escape(doc.title)}的通知</h1>
<div class="TRS_Editor"><p>附件：<a href="{doc.pdf_path}">{escape(name)}</a></p></div></div></body></html>"""


def _list_page(site: Site, page: int, pages: int, docs: list[Doc]) -> str:
    items = "\n".join(
        f'<li><a href="{d.path}" target="_blank" title="{escape(d.title)}">{escape(d.title)}</a>'
        f"<span>{d.day:%Y-%m-%d}</span></li>"
        for d in docs
    )
    extra = "".join(
        f'<li><a href="{h}">{escape(t)}</a><span>2024-01-01</span></li>' for h, t in site.extra_links
    )
    nav = (
        '<div class="head"><ul class="mainmenu"><li><a href="/">首页</a></li>'
        f'<li><a href="{LIST_PATH}">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>'
        '<li><a href="/hdjl/">互动交流</a></li></ul></div>'
    )
    pager = []
    if page > 0:
        prev = "index.html" if page == 1 else f"index_{page - 1}.html"
        pager.append(f'<a href="{prev}">上一页</a>')
    if page + 1 < pages:
        pager.append(f'<a href="index_{page + 1}.html">下一页</a>')
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={site.encoding}">'
    return f"""<!DOCTYPE html><html><head>{meta}
<title>政府信息公开_{site.county}人民政府</title></head><body>{nav}
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="{LIST_PATH}">政府信息公开</a></div>
<div class="list"><ul>{items}{extra}</ul></div>
<div class="page">{" ".join(pager)} 共{pages}页</div>
<div class="footer">主办单位：{site.county}人民政府办公室</div></body></html>"""


def _feed(site: Site, port: int) -> str:
    items = "".join(
        f"<item><title>{escape(d.title)}</title><link>http://{site.host}:{port}{d.path}</link>"
        f"<pubDate>{format_datetime(_midday(d.day))}</pubDate></item>"
        for d in reversed(site.docs)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{site.county}人民政府</title>{items}</channel></rss>"
    )


def _midday(day: date):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)


# ---- the server --------------------------------------------------------------------------------


class CountyWeb(LoopbackHTTP):
    def __init__(self, today: date | None = None) -> None:
        self.today = today or date(2025, 3, 1)
        self.sites: dict[str, Site] = {}
        self.requests: list[Hit] = []
        self._pdfs: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()
        super().__init__()

    def on_get(self, request: BaseHTTPRequestHandler) -> None:
        host = (request.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        hit = Hit(time.monotonic(), host, request.path, self.headers_of(request))
        with self._lock:
            self.requests.append(hit)
        site = self.sites.get(host)
        if site is not None and site.delay:
            time.sleep(site.delay)
        if site is not None and site.drop:
            request.close_connection = True
            hit.status = -1
            return
        status, headers, body = self.answer(site, request.path, hit.headers)
        hit.status = status
        self.send(request, status, headers, body)

    # ---- sites ---------------------------------------------------------------------------------

    def add_site(self, host: str, county: str, *, docs: int = 0, **kw: object) -> Site:
        site = Site(host=host.lower(), county=county, **kw)  # type: ignore[arg-type]
        self.sites[site.host] = site
        start = self.today - timedelta(days=docs)
        for i in range(docs):
            self.publish(site, day=start + timedelta(days=i))
        return site

    def publish(self, site: Site, *, day: date | None = None, same_as: Doc | None = None) -> Doc:
        """A new document on the site (the same text as `same_as` under a new address, when given)."""
        day = day or self.today
        n = len(site.docs) + 1
        path = f"/zwgk/zfxxgk/{day:%Y%m}/t{day:%Y%m%d}_{n:04d}.html"
        if same_as is not None:
            doc = Doc(path, same_as.title, same_as.day, list(same_as.paragraphs))
        else:
            title, paras = paragraphs_for(site.county, n, day, f"{site.host}/{n}")
            doc = Doc(path, title, day, paras)
            if site.pdf_every and n % site.pdf_every == 0:
                doc.kind, doc.pdf_path = "cover", f"/zwgk/zfxxgk/{day:%Y%m}/P0{day:%Y%m%d}{n:04d}.pdf"
        site.docs.append(doc)
        return doc

    def advance_day(self, days: int = 1) -> list[Doc]:
        """The simulated date moves on; sites with new_per_day publish that many documents a day."""
        new: list[Doc] = []
        for _ in range(days):
            self.today += timedelta(days=1)
            for site in self.sites.values():
                new += [self.publish(site) for _ in range(site.new_per_day)]
        return new

    def list_url(self, site: Site) -> str:
        return f"http://{site.host}:{self.port}{LIST_PATH}"

    def feed_url(self, site: Site) -> str:
        return f"http://{site.host}:{self.port}/rss.xml"

    def doc_url(self, site: Site, doc: Doc) -> str:
        return f"http://{site.host}:{self.port}{doc.path}"

    def hits(self, host: str | None = None, path: str | None = None) -> list[Hit]:
        with self._lock:
            return [
                h
                for h in self.requests
                if (host is None or h.host == host) and (path is None or h.path == path)
            ]

    # ---- answers -------------------------------------------------------------------------------

    def answer(
        self, site: Site | None, path: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        html = {"Content-Type": f"text/html; charset={site.encoding if site else 'utf-8'}"}
        if site is None:
            return 404, html, b"<html><body>404</body></html>"
        if site.dead:
            return 503, html, "<html><body>服务暂不可用</body></html>".encode()
        path = path.split("?", 1)[0]
        if path == "/robots.txt":
            return (
                (200, {"Content-Type": "text/plain"}, site.robots.encode())
                if site.robots
                else (404, html, b"")
            )
        if site.feed and path == "/rss.xml":
            return 200, {"Content-Type": "application/rss+xml"}, _feed(site, self.port).encode("utf-8")
        if path.startswith(LIST_PATH) and re.fullmatch(r"(?:index(?:_\d+)?\.html)?", path[len(LIST_PATH) :]):
            return self._list(site, path[len(LIST_PATH) :], headers)
        path = site.aliases.get(path, path)
        if site.flaky.get(path, 0) > 0:
            site.flaky[path] -= 1
            return 503, html, "<html><body>服务器繁忙</body></html>".encode()
        for doc in site.docs:
            if doc.path == path:
                if doc.kind == "cover":
                    body = _cover_page(site, doc)
                else:
                    body = _govcn_page(site, doc) if site.template == "govcn" else _trs_page(site, doc)
                return 200, html, body.encode(site.encoding)
            if doc.pdf_path == path:
                key = (site.host, path)
                if key not in self._pdfs:
                    self._pdfs[key] = pdf_bytes(doc.title, doc.paragraphs)
                return 200, {"Content-Type": "application/pdf"}, self._pdfs[key]
        return 404, html, "<html><body>404 页面不存在</body></html>".encode(site.encoding)

    def _list(self, site: Site, name: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        m = re.fullmatch(r"index_(\d+)\.html", name)
        page = int(m[1]) if m else 0
        newest_first = list(reversed(site.docs))
        pages = max(1, -(-len(newest_first) // PER_PAGE))
        docs = newest_first[page * PER_PAGE : (page + 1) * PER_PAGE]
        body = _list_page(site, page, pages, docs).encode(site.encoding)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        newest = max((d.day for d in site.docs), default=self.today)
        modified = format_datetime(_midday(newest), usegmt=True)
        out = {"Content-Type": f"text/html; charset={site.encoding}", "ETag": etag, "Last-Modified": modified}
        if headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, out, body
