"""The page reader (extract/text/html_text.py + page.py): the article, not the furniture, and the page's
own title, date and publisher — on real saved www.gov.cn pages and county layouts (bench/bench_pages.py)."""

from __future__ import annotations

from datetime import date

import pytest

from bench.bench_pages import cases, ours
from extract.text.normalize import normalize_bytes
from extract.text.page import page_info, url_date
from tests import netguard
from tests.pages import FURNITURE, gov_article, login_page


def test_real_pages_article_without_furniture_and_their_metadata() -> None:
    all_cases = cases()
    scores = [ours(c) for c in all_cases]
    n = len(scores)
    assert sum(s.recall for s in scores) / n >= 0.99
    assert sum(s.noise for s in scores) / n <= 0.01
    assert sum(s.furniture for s in scores) == 0
    assert all(s.title for s in scores)
    assert all(s.date for s in scores)  # 发布日期 of the 政府信息公开 table / PubDate
    assert sum(s.publisher for s in scores) >= n - 1  # 发文机关 / 发布机构


def test_the_info_table_gives_date_and_publisher_and_leaves_the_text() -> None:
    case = next(c for c in cases() if c.name == "govcn_5351718.html")
    doc = normalize_bytes(case.html, "page.html", url=case.url)
    assert doc.source == "国务院办公厅、中央军委办公厅"
    assert "索 引 号" not in doc.text and "主题分类" not in doc.text and "扫一扫" not in doc.text
    assert doc.url == case.url


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta name="PubDate" content="2024-01-15 10:20">', date(2024, 1, 15)),
        ('<meta property="article:published_time" content="2024-02-03T08:00:00+08:00">', date(2024, 2, 3)),
        ("", date(2024, 3, 9)),  # the URL's date path
    ],
)
def test_publication_date_sources(head: str, expected: date) -> None:
    html = f"<html><head>{head}</head><body><h1>标题</h1><p>正文。</p></body></html>"
    info = page_info(html, "http://www.x.gov.cn/xwzx/202403/t20240309_77.html")
    assert info.published == expected


def test_url_date_paths() -> None:
    assert url_date("http://www.gov.cn/zhengce/content/2018-12/29/content_5353307.htm") == date(2018, 12, 29)
    assert url_date("https://x.gov.cn/art/2024/1/5/art_12_345.html") == date(2024, 1, 5)
    assert url_date("https://x.gov.cn/a/20240230/x.html") is None  # not a day
    assert url_date(None) is None


def test_publisher_and_site_name() -> None:
    html = """<html><head><title>某某通知_某某县人民政府</title>
    <meta name="SiteName" content="某某县人民政府"></head>
    <body><h1>某某通知</h1><p>正文。</p></body></html>"""
    info = page_info(html)
    assert (info.title, info.site, info.publisher) == ("某某通知", "某某县人民政府", "某某县人民政府")
    html2 = html.replace("<h1>", '<meta name="ContentSource" content="县发展和改革局"><h1>')
    assert page_info(html2).publisher == "县发展和改革局"


def test_login_form_and_attachments() -> None:
    assert page_info(login_page().decode()).login
    html = (
        '<html><body><p>附件：<a href="/u/P0201.pdf">1.2025年政府工作报告.pdf</a></p>'
        '<a href="/x.html">x</a></body></html>'
    )
    info = page_info(html, "https://www.x.gov.cn/a/b.html")
    assert [(a.url, a.extension, a.looks_like_report) for a in info.attachments] == [
        ("https://www.x.gov.cn/u/P0201.pdf", ".pdf", True)
    ]


def test_uploaded_html_and_pasted_text_lose_the_furniture() -> None:
    # an uploaded page (no URL): the same reader
    doc = normalize_bytes(gov_article(), "report.html")
    for word in FURNITURE:
        assert word not in doc.text
    assert doc.title == "涞源县2025年政府工作报告"
    # a page copied from a browser and pasted as text: the furniture lines go by the line rules
    sentence = "会议指出，要全力推进项目建设，确保全年固定资产投资增长8%以上。"
    pasted = "\n".join(
        ["导航菜单", "首页 | 政务公开 | 政务服务 | 互动交流", "涞源县召开会议", "(资料图片仅供参考)",
         sentence, "查看全部12条回复", "公开方式：主动公开"]
    )  # fmt: skip
    doc = normalize_bytes(pasted.encode(), "paste.txt")
    assert doc.text.split("\n") == [
        "涞源县召开会议",
        "会议指出，要全力推进项目建设，确保全年固定资产投资增长8%以上。",
    ]


def test_trafilatura_fetches_nothing() -> None:
    # the comparison library must work offline: run it on a page under the tests' network guard
    trafilatura = pytest.importorskip("trafilatura")
    case = cases()[0]
    doc = trafilatura.bare_extraction(case.html.decode(), url=case.url, with_metadata=True)
    assert doc is not None and doc.text
    assert netguard.blocked == []


def test_wechat_article_date_and_account() -> None:
    # the layout of a WeChat official-account article (how county media share reports)
    html = """<html><head><meta property="og:title" content="涞源县2025年政府工作报告"></head><body>
    <h1 class="rich_media_title" id="activity-name">涞源县2025年政府工作报告</h1>
    <div id="meta_content"><a id="js_name">涞源发布</a><em id="publish_time"></em></div>
    <div class="rich_media_content" id="js_content"><p>各位代表：现在，我代表县政府向大会报告工作。</p></div>
    <script>var nickname = "涞源发布"; var ct = "1737341400";</script></body></html>"""
    info = page_info(html, "https://mp.weixin.qq.com/s/AbCdEf")
    assert (info.title, info.published) == ("涞源县2025年政府工作报告", date(2025, 1, 20))
    assert info.publisher == "涞源发布"
