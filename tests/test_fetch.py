"""The link fetcher (bot/fetch): safe fetching against a loopback web server, the SSRF guard proven by
links that would have connected, and every bad input answered with a clear Chinese message."""

from __future__ import annotations

import time

import pytest

from bot.fetch import AllowList, FetchOptions, fetch_report, fetch_url, find_links
from bot.fetch import errors as e
from tests import netguard
from tests.fakes.web_server import FakeWeb
from tests.pages import FURNITURE, cover_page, gov_article, login_page, nav_only_page, report_paragraphs
from tests.test_loaders import build_docx, build_pdf

ALLOW = AllowList.of(["127.0.0.1"])


def options(**kw) -> FetchOptions:  # type: ignore[no-untyped-def]
    return FetchOptions(allow=kw.pop("allow", ALLOW), **kw)


@pytest.fixture
def web():  # type: ignore[no-untyped-def]
    with FakeWeb() as w:
        yield w


# ---- the links in a message ---------------------------------------------------------------------------


def test_find_links_in_a_message() -> None:
    text = "请看 https://www.example.gov.cn/zwgk/202501/t20250120_1.html，还有http://x.gov.cn/a.pdf。"
    assert find_links(text) == [
        "https://www.example.gov.cn/zwgk/202501/t20250120_1.html",
        "http://x.gov.cn/a.pdf",
    ]
    assert find_links("file:///etc/passwd") == ["file:///etc/passwd"]
    assert find_links("没有链接") == []


# ---- what is sent, how it is read ----------------------------------------------------------------------


async def test_headers_and_charset_from_the_header(web: FakeWeb) -> None:
    page = gov_article(charset="gbk").replace(b' charset=gbk"', b'"')  # no <meta> charset: the header's
    url = web.add("/a.html", page, content_type="text/html; charset=GBK")
    got = await fetch_url(url, options())
    assert got.charset == "GBK" and got.content_type == "text/html"
    headers = web.requests[0][1]
    assert headers["accept-language"].startswith("zh-CN")
    assert headers["user-agent"].startswith("Mozilla/5.0")
    report = await fetch_report(url, options())
    from extract.pipeline import document_from_bytes

    doc = document_from_bytes(report.data, report.filename, charset=report.charset, url=report.final_url)
    assert "各位代表" in doc.text and "\ufffd" not in doc.text


async def test_charset_detected_without_header_or_meta(web: FakeWeb) -> None:
    page = gov_article(charset="gbk").replace(b' charset=gbk"', b'"')
    url = web.add("/b.html", page, content_type="text/html")
    report = await fetch_report(url, options())
    from extract.pipeline import document_from_bytes

    doc = document_from_bytes(report.data, report.filename, charset=report.charset, url=report.final_url)
    assert "各位代表" in doc.text


async def test_redirects_are_followed_up_to_five(web: FakeWeb) -> None:
    web.add("/final.html", gov_article())
    for i in range(5):
        web.redirect(f"/r{i}", f"/r{i + 1}" if i < 4 else "/final.html")
    got = await fetch_url(web.url("/r0"), options())
    assert got.final_url.endswith("/final.html")
    web.redirect("/r-1", "/r0")  # six redirects
    with pytest.raises(e.LinkRedirects):
        await fetch_url(web.url("/r-1"), options())


# ---- no SSRF: each of these would have connected without the guard --------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/report.html",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.1/",
        "http://[::1]:8080/",
        "http://0.0.0.0/",
        "http://[::ffff:10.0.0.1]/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
    ],
)
async def test_private_addresses_are_refused_before_connecting(url: str) -> None:
    with pytest.raises(e.LinkRefused) as exc:
        await fetch_url(url, options())
    assert "内部网络" in exc.value.user_message
    assert netguard.blocked == []  # the guard of the tests never saw an attempt: the fetcher refused first


async def test_a_name_resolving_to_loopback_is_refused(web: FakeWeb, fake_dns) -> None:  # type: ignore[no-untyped-def]
    web.add("/a.html", gov_article())
    fake_dns("rebind.test", "127.0.0.1")  # the loopback server is there: only the check stops it
    with pytest.raises(e.LinkRefused):
        await fetch_url(f"http://rebind.test:{web.port}/a.html", options())
    with pytest.raises(e.LinkRefused):  # localhost is not in the allowlist either (127.0.0.1 is)
        await fetch_url(f"http://localhost:{web.port}/a.html", options())
    assert web.requests == []


async def test_a_name_with_one_private_address_is_refused(fake_dns) -> None:  # type: ignore[no-untyped-def]
    fake_dns("mixed.test", "93.184.216.34", "10.0.0.1")
    with pytest.raises(e.LinkRefused):
        await fetch_url("http://mixed.test/", options())
    assert netguard.blocked == []


async def test_the_connection_goes_to_the_checked_address(fake_dns) -> None:  # type: ignore[no-untyped-def]
    # a public name: checked, then connected by address (the tests' guard stops it there, so we see where)
    fake_dns("public.test", "93.184.216.34")
    with pytest.raises((netguard.NetworkBlocked, BaseExceptionGroup)):  # raised inside anyio's task group
        await fetch_url("http://public.test/", options())
    assert netguard.blocked == ["connect ('93.184.216.34', 80)"]


async def test_a_redirect_to_a_private_address_is_refused(web: FakeWeb, fake_dns) -> None:  # type: ignore[no-untyped-def]
    web.add("/inner.html", gov_article())
    fake_dns("intranet.test", "127.0.0.1")
    url = web.redirect("/out", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(e.LinkRefused):
        await fetch_url(url, options())
    # back to the same loopback server under a name that is not allowed: would have connected
    url = web.redirect("/back", f"http://intranet.test:{web.port}/inner.html")
    with pytest.raises(e.LinkRefused):
        await fetch_url(url, options())
    assert [p for p, _ in web.requests] == ["/out", "/back"]
    assert netguard.blocked == []


async def test_the_allowlist_admits_a_name_and_a_network(web: FakeWeb, fake_dns) -> None:  # type: ignore[no-untyped-def]
    web.add("/a.html", gov_article())
    fake_dns("mirror.intranet", "127.0.0.1")
    got = await fetch_url(
        f"http://mirror.intranet:{web.port}/a.html", options(allow=AllowList.of(["mirror.intranet"]))
    )
    assert got.status == 200
    got = await fetch_url(
        f"http://mirror.intranet:{web.port}/a.html", options(allow=AllowList.of(["127.0.0.0/8"]))
    )
    assert got.status == 200
    with pytest.raises(e.LinkRefused):  # without an allowlist the loopback server itself is refused
        await fetch_url(web.url("/a.html"), options(allow=AllowList()))


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://ftp.example.gov.cn/report.pdf", "gopher://x/", "http://"]
)
async def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(e.LinkSchemeError) as exc:
        await fetch_url(url, options())
    assert "http://" in exc.value.user_message


async def test_a_redirect_to_file_is_refused(web: FakeWeb) -> None:
    with pytest.raises(e.LinkSchemeError):
        await fetch_url(web.redirect("/f", "file:///etc/passwd"), options())


# ---- bad inputs: a clear message each --------------------------------------------------------------------


async def test_404(web: FakeWeb) -> None:
    with pytest.raises(e.LinkNotFound) as exc:
        await fetch_report(web.url("/missing.html"), options())
    assert "404" in exc.value.user_message


async def test_login_page(web: FakeWeb) -> None:
    with pytest.raises(e.LinkLogin) as exc:
        await fetch_report(web.add("/login", login_page()), options())
    assert "登录" in exc.value.user_message
    web.routes["/private"] = web.routes["/login"].__class__(status=403, body=b"forbidden")
    with pytest.raises(e.LinkForbidden):
        await fetch_report(web.url("/private"), options())


async def test_links_to_images(web: FakeWeb) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    with pytest.raises(e.LinkImage) as exc:
        await fetch_report(web.add("/p.png", png, content_type="image/png"), options())
    assert "图片" in exc.value.user_message
    with pytest.raises(e.LinkImage):  # a vague type: the name tells
        await fetch_report(web.add("/scan.jpg", b"\xff\xd8\xff" + b"\0" * 10, content_type=""), options())


async def test_a_2gb_content_length_is_refused_unread(web: FakeWeb) -> None:
    url = web.add("/big.pdf", b"%PDF-1.4 ...", content_type="application/pdf", content_length=2 * 2**30)
    with pytest.raises(e.LinkTooLarge):
        await fetch_report(url, options())


async def test_an_endless_body_is_cut_at_the_cap(web: FakeWeb) -> None:
    url = web.endless("/stream.pdf")  # no Content-Length: it would send 2 GB and more
    start = time.monotonic()
    with pytest.raises(e.LinkTooLarge) as exc:
        await fetch_report(url, options())  # the default cap, 20 MB
    assert time.monotonic() - start < 20
    assert "太大" in exc.value.user_message


async def test_a_redirect_loop(web: FakeWeb) -> None:
    web.redirect("/a", "/b")
    web.redirect("/b", "/a")
    with pytest.raises(e.LinkRedirects) as exc:
        await fetch_report(web.url("/a"), options())
    assert "跳转" in exc.value.user_message
    assert len(web.requests) == 6  # the first request and 5 redirects, then it stops


async def test_a_slow_server_times_out(web: FakeWeb) -> None:
    url = web.add("/slow.html", gov_article(), delay=3)
    with pytest.raises(e.LinkTimeout):
        await fetch_report(url, options(read_timeout_s=0.5))
    # every chunk in time, the whole far too slow: the total deadline
    url = web.add("/trickle.html", gov_article(), trickle=0.2)
    start = time.monotonic()
    with pytest.raises(e.LinkTimeout) as exc:
        await fetch_report(url, options(read_timeout_s=2, total_timeout_s=1))
    assert time.monotonic() - start < 3
    assert "太慢" in exc.value.user_message


async def test_a_page_that_is_only_navigation(web: FakeWeb) -> None:
    with pytest.raises(e.LinkNoArticle) as exc:
        await fetch_report(web.add("/list.html", nav_only_page()), options())
    assert "正文" in exc.value.user_message


async def test_unreachable_host(fake_dns) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(e.LinkUnreachable):
        await fetch_url("http://no-such-host.test/", options())


# ---- pages, attachments and files -----------------------------------------------------------------------


async def test_cover_page_gives_its_attachment(web: FakeWeb) -> None:
    pdf = build_pdf("\n".join(report_paragraphs()[:40]), indent=True)
    web.add("/files/P020250121.pdf", pdf, content_type="application/pdf")
    url = web.add("/zfgzbg/202501/t20250121_9.html", cover_page("../../files/P020250121.pdf"))
    report = await fetch_report(url, options())
    assert report.filename == "涞源县2025年政府工作报告.pdf"
    assert report.final_url == web.url("/files/P020250121.pdf")
    assert report.page_url == url and report.data == pdf


async def test_a_full_page_with_an_attachment_stays_the_page(web: FakeWeb) -> None:
    web.add("/files/x.pdf", b"%PDF-1.4", content_type="application/pdf")
    extra = '<p>附件：<a href="/files/x.pdf">涞源县2025年政府工作报告.pdf</a></p>'
    report = await fetch_report(web.add("/full.html", gov_article(extra_body=extra)), options())
    assert report.filename == "page.html"
    assert [p for p, _ in web.requests] == ["/full.html"]


async def test_a_direct_link_to_a_docx(web: FakeWeb) -> None:
    docx = build_docx(report_paragraphs()[:30])
    url = web.add(
        "/download?id=7",
        docx,
        content_type="application/octet-stream",
        headers={"Content-Disposition": 'attachment; filename="report.docx"'},
    )
    report = await fetch_report(url, options())
    assert report.filename == "report.docx"


def test_furniture_never_reaches_the_text() -> None:
    from extract.pipeline import document_from_bytes, rules_digest

    doc = document_from_bytes(gov_article(), "page.html", url="http://www.example.gov.cn/t20250120_1.html")
    digest = rules_digest(doc)
    for word in FURNITURE:
        assert word not in doc.text, word
        assert word not in (digest.title or "") and word not in digest.summary


async def test_a_text_file_in_the_declared_charset(web: FakeWeb) -> None:
    from extract.pipeline import document_from_bytes

    text = "\n".join(report_paragraphs()[:20])
    url = web.add("/r.txt", text.encode("gb18030"), content_type="text/plain; charset=gb2312")
    report = await fetch_report(url, options())
    doc = document_from_bytes(report.data, report.filename, charset=report.charset, url=report.final_url)
    assert report.filename == "r.txt" and doc.encoding == "gb18030"
    assert "各位代表" in doc.text


async def test_an_old_doc_attachment_leaves_the_page_when_it_has_text(web: FakeWeb) -> None:
    web.add("/files/r.doc", b"\xd0\xcf\x11\xe0old word", content_type="application/msword")
    body = '<p>附件：<a href="/files/r.doc">涞源县2025年政府工作报告.doc</a></p>'
    page = gov_article(report_paragraphs()[:12], extra_body=body)
    report = await fetch_report(web.add("/short.html", page), options())
    assert report.filename == "page.html"
    # a page that is only the .doc: the file, so the user hears why it cannot be read
    report = await fetch_report(web.add("/cover.html", cover_page("/files/r.doc", "报告.doc")), options())
    assert report.filename.endswith(".doc")
