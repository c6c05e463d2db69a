"""Reports shared as links (issue M) through the service, the Telegram bot and the CLI, against the
loopback web server (tests/fakes/web_server.py) with real pages (tests/pages.py)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.service import Service
from bot.service_links import LINK_FILENAME
from bot.settings import Settings
from tests.conftest import ROOT
from tests.fakes.web_server import FakeWeb
from tests.pages import FURNITURE, cover_page, gov_article, nav_only_page, report_paragraphs
from tests.test_loaders import build_pdf
from tests.tgkit import USER, assert_user_safe, bot, env, tg  # noqa: F401


@pytest.fixture
def web():  # type: ignore[no-untyped-def]
    with FakeWeb() as w:
        yield w


@pytest.fixture
async def service(db_url: str):  # type: ignore[no-untyped-def]
    s = await Service.create(Settings(db=db_url, fetch_allow=["127.0.0.1"]))  # type: ignore[call-arg]
    yield s
    await s.close()


def link(url: str) -> dict:
    return {"data": url.encode(), "filename": LINK_FILENAME}


async def test_a_link_becomes_a_report_with_the_page_metadata(service: Service, web: FakeWeb) -> None:
    url = web.add("/zfgzbg/202501/t20250120_5.html", gov_article(charset="gbk"), content_type="text/html")
    outcome = await service.submit(scope="chat:1", sender="a", **link(url))
    assert outcome.status == "done", outcome.error
    digest = outcome.digest
    assert digest is not None and digest.url == url
    assert digest.title == "涞源县2025年政府工作报告"
    assert digest.published is not None and digest.published.year == 2025
    assert any(c.name == "涞源县" for c in digest.counties)
    for word in FURNITURE:
        assert word not in digest.summary and word not in (digest.title or "")
    assert await service.store.links.source_url(outcome.report_id) == url


async def test_the_page_date_and_publisher_fill_a_report_without_its_own(
    service: Service, web: FakeWeb
) -> None:
    # a news item whose text names no date: the page's 成文日期 / PubDate is the report's date
    paragraphs = [p for p in report_paragraphs()[8:20] if "2025年1月" not in p]
    page = gov_article(paragraphs, title="涞源县召开经济工作会议", meta_date=None, written="2025年02月03日")
    outcome = await service.submit(scope="chat:1", sender="a", **link(web.add("/n.html", page)))
    assert outcome.digest is not None
    assert str(outcome.digest.published) == "2025-02-03"
    assert outcome.digest.source


async def test_the_same_link_twice_is_one_report(service: Service, web: FakeWeb) -> None:
    url = web.add("/a.html", gov_article())
    first = await service.submit(scope="chat:1", sender="a", **link(url))
    again = await service.submit(scope="chat:1", sender="a", **link(url))
    assert (again.status, again.duplicate_of) == ("duplicate", first.report_id)
    assert [p for p, _ in web.requests] == ["/a.html"]  # not fetched again


async def test_the_same_text_behind_two_links_is_one_report(service: Service, web: FakeWeb) -> None:
    first = await service.submit(scope="chat:1", sender="a", **link(web.add("/a.html", gov_article())))
    mirror = web.add("/mirror/a.html", gov_article(charset="gbk", site="保定市人民政府"))
    again = await service.submit(scope="chat:1", sender="a", **link(mirror))
    assert (again.status, again.duplicate_of) == ("duplicate", first.report_id)


async def test_the_attachment_of_a_cover_page_is_the_report(service: Service, web: FakeWeb) -> None:
    pytest.importorskip("paperang_p2_fonts_cjk")
    pdf = build_pdf("\n".join(report_paragraphs()[:60]), indent=True)
    web.add("/files/P020250121.pdf", pdf, content_type="application/pdf")
    url = web.add("/zfgzbg/202501/t20250121_9.html", cover_page("/files/P020250121.pdf"))
    outcome = await service.submit(scope="chat:1", sender="a", **link(url))
    assert outcome.status == "done", outcome.error
    assert outcome.digest is not None and outcome.digest.url == url
    assert outcome.digest.figures
    assert outcome.digest.source == "涞源县人民政府"  # the page that published the file names its publisher


def test_with_page_fills_only_what_the_file_does_not_say() -> None:
    from datetime import date

    from bot.service_links import with_page
    from extract.models import Document
    from extract.text.page import PageInfo

    page = PageInfo(title="关于公开报告的通知", published=date(2025, 1, 21), publisher="某县人民政府")
    bare = with_page(Document(text="正文。"), page)
    assert (bare.published, bare.published_from) == (date(2025, 1, 21), "metadata")
    assert (bare.source, bare.title) == ("某县人民政府", "关于公开报告的通知")
    own = Document(
        text="正文。", title="报告", published=date(2025, 1, 14), published_from="meeting", source="县政府办"
    )
    assert with_page(own, page) == own


@pytest.mark.parametrize(
    ("path", "needle"),
    [("/missing", "404"), ("/nav.html", "正文"), ("/loop", "跳转")],
)
async def test_bad_links_fail_with_their_message(
    service: Service, web: FakeWeb, path: str, needle: str
) -> None:
    web.add("/nav.html", nav_only_page())
    web.redirect("/loop", "/loop")
    outcome = await service.submit(scope="chat:1", sender="a", **link(web.url(path)))
    assert outcome.status == "failed" and needle in (outcome.error or "")


async def test_a_private_link_is_refused_by_the_service(db_url: str, web: FakeWeb) -> None:
    # no allowlist: the loopback server is a private address like any other
    async with await Service.create(Settings(db=db_url)) as svc:  # type: ignore[call-arg]
        outcome = await svc.submit(scope="chat:1", sender="a", **link(web.add("/a.html", gov_article())))
    assert outcome.status == "failed" and "内部网络" in (outcome.error or "")
    assert web.requests == []


# ---- Telegram -------------------------------------------------------------------------------------------


async def test_telegram_link_message_gets_a_digest_with_the_link(env, tg, web: FakeWeb) -> None:  # noqa: F811
    env.setenv("COUNTYBOT_FETCH_ALLOW", "127.0.0.1")
    url = web.add("/zfgzbg/202501/t20250120_5.html", gov_article())
    async with bot():
        tg.send_text(USER, USER, f"看看这个报告 {url}")
        digest = await tg.wait_text(USER, "关键数字", timeout=30)
    assert "涞源县" in digest and "原文链接" in digest
    sent = [c for c in tg.calls_of("sendMessage", USER) if "原文链接" in (c.params.get("text") or "")]
    assert f'href="{url}"' in sent[0].params["text"]
    assert any("已收到链接" in t for t in tg.texts(USER))


async def test_telegram_bad_links_get_clear_messages(env, tg, web: FakeWeb) -> None:  # noqa: F811
    env.setenv("COUNTYBOT_FETCH_ALLOW", "127.0.0.1")
    web.add("/p.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    async with bot():
        tg.send_text(USER, USER, web.url("/gone.html"))
        await tg.wait_text(USER, "404", timeout=20)
        tg.send_text(USER, USER, "file:///etc/passwd")
        await tg.wait_text(USER, "只能读取 http", timeout=20)
        tg.send_text(USER, USER, "http://169.254.169.254/latest/meta-data/")
        await tg.wait_text(USER, "内部网络", timeout=20)
        tg.send_text(USER, USER, web.url("/p.png"))
        await tg.wait_text(USER, "图片", timeout=20)
        tg.send_text(USER, USER, "大宁的目标?")  # the bot still answers everything else
        await asyncio.sleep(0.5)
    assert_user_safe(tg, USER)


async def test_telegram_hidden_link_and_groups(env, tg, web: FakeWeb) -> None:  # noqa: F811
    env.setenv("COUNTYBOT_FETCH_ALLOW", "127.0.0.1")
    url = web.add("/zfgzbg/202501/t20250120_5.html", gov_article())
    group, member = -100555, 9
    async with bot():
        # a link behind words (a forwarded channel post): read like a visible one
        text = "涞源县政府工作报告全文"
        tg.send_text(USER, USER, text, entities=[{"type": "text_link", "offset": 0, "length": 4, "url": url}])
        await tg.wait_text(USER, "原文链接", timeout=30)
        # in a group a link in chat is not read; /report in reply to it is
        line = tg.send_text(group, member, f"大家看看 {url}")
        await asyncio.sleep(0.8)
        assert tg.texts(group) == [] and len(web.requests) == 1
        tg.send_text(group, member, "/report", reply_to=line)
        digest = await tg.wait_text(group, "关键数字", timeout=30)
    assert "原文链接" in digest


# ---- CLI ------------------------------------------------------------------------------------------------


def _cli(*args: str, cwd: Path, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    environ = {**os.environ, "COUNTYBOT_FETCH_ALLOW": "127.0.0.1", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env={**environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_summarize_a_url(web: FakeWeb, tmp_path: Path) -> None:
    url = web.add("/zfgzbg/202501/t20250120_5.html", gov_article())
    done = _cli("summarize", "--offline", "--json", url, web.url("/missing"), cwd=tmp_path)
    assert done.returncode == 1  # one bad link: reported, the other still digested
    digest = json.loads(done.stdout.splitlines()[0])
    assert digest["url"] == url and digest["title"] == "涞源县2025年政府工作报告"
    assert "404" in done.stderr and "Traceback" not in done.stderr


def test_cli_ingest_urls_from_a_file(web: FakeWeb, tmp_path: Path) -> None:
    first = web.add("/a.html", gov_article())
    second = web.add("/nav.html", nav_only_page())
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# 链接\n{first}\n\n{second}\nftp://x/y.pdf\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    done = _cli("ingest", "--urls", str(listing), cwd=tmp_path, env_extra={"COUNTYBOT_DB": db})
    assert "正文" in done.stdout + done.stderr and "http://" in done.stdout + done.stderr
    again = _cli("ingest", first, cwd=tmp_path, env_extra={"COUNTYBOT_DB": db})
    assert again.returncode == 0, again.stderr


def test_a_failed_link_is_listed_as_a_link() -> None:
    from bot.render.report_list import entry_line
    from bot.store.report_list import ReportEntry

    entry = ReportEntry(1, "chat:1", "failed", None, LINK_FILENAME, None, None)
    assert "《链接》" in entry_line(entry) and LINK_FILENAME not in entry_line(entry)


def test_a_paste_that_mentions_a_link_stays_a_paste() -> None:
    from bot.telegram.links import shared_links

    paste = "\n".join(report_paragraphs()[:30]) + "\n原文链接：https://www.example.gov.cn/a.html"
    assert shared_links(paste) == []
    assert shared_links("这份报告 https://www.example.gov.cn/a.html 请看") == ["https://www.example.gov.cn/a.html"]
    assert shared_links("ftp://x.gov.cn/a.pdf") == ["ftp://x.gov.cn/a.pdf"]  # gets the scheme message
