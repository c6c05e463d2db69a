"""Sources followed automatically (issue O) against the simulated county web (tests/fakes/county_web.py):
many virtual hosts on one loopback server, resolved by the tests' fake DNS. The real Service, crawler,
fetcher and store (SQLite, and PostgreSQL where the `db_url` fixture has it)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import pytest

from bot.service import Service
from bot.settings import get_settings
from bot.sources.crawler import Crawler
from bot.sources.listing import parse_feed, parse_page
from tests.fakes.county_web import CountyWeb, Site


@pytest.fixture
def web(fake_dns):  # type: ignore[no-untyped-def]
    with CountyWeb() as w:
        original = w.add_site

        def add_site(host: str, county: str, **kw: object) -> Site:
            fake_dns(host, "127.0.0.1")
            return original(host, county, **kw)

        w.add_site = add_site  # type: ignore[method-assign]
        yield w


def settings_for(db: str, **kw: object):  # type: ignore[no-untyped-def]
    base = dict(db=db, fetch_allow=["127.0.0.0/8"], crawl_interval_s=0.02, crawl_retry_s=0.01)
    return get_settings(**{**base, **kw})


async def crawl_and_digest(svc: Service, crawler: Crawler) -> list:  # type: ignore[type-arg]
    results = await crawler.run_due()
    ids = [rid for r in results for rid in r.report_ids]
    outcomes = await asyncio.gather(*(svc.process(rid, use_llm=False) for rid in ids))
    return list(zip(ids, outcomes, strict=True))


async def make_due(svc: Service) -> None:
    """The simulated clock moved on: every source is due again (its schedule, not its failures)."""
    from sqlalchemy import update

    from bot.store.base import utcnow
    from bot.store.tables import SourceRow

    async with svc.store.sources.db.write() as conn:
        await conn.execute(update(SourceRow).values(next_check=utcnow() - timedelta(seconds=1)))


# ---- what a source lists ------------------------------------------------------------------------


def test_list_page_gives_document_links_and_the_next_page_not_the_navigation(web):
    site = web.add_site("www.linze.gov.cn", "临泽县", docs=14)
    status, _, body = web.answer(site, "/zwgk/zfxxgk/", {})
    listing = parse_page(body.decode("utf-8"), web.list_url(site))
    assert status == 200 and len(listing.entries) == 10
    newest = site.docs[-1]
    assert listing.entries[0].url == web.doc_url(site, newest) and listing.entries[0].title == newest.title
    assert listing.entries[0].date == f"{newest.day:%Y-%m-%d}"
    assert listing.next_url == web.list_url(site) + "index_1.html"
    assert all("/zwfw/" not in e.url and not e.url.endswith("/") for e in listing.entries)  # 政务服务, 首页
    _, _, page2 = web.answer(site, "/zwgk/zfxxgk/index_1.html", {})
    second = parse_page(page2.decode("utf-8"), listing.next_url)
    assert len(second.entries) == 4 and second.next_url is None  # 上一页 is not a next page


def test_feed_entries(web):
    site = web.add_site("www.daning.gov.cn", "大宁县", docs=3, feed=True)
    _, _, body = web.answer(site, "/rss.xml", {})
    listing = parse_feed(body, web.feed_url(site))
    assert listing.kind == "feed" and [e.url for e in listing.entries] == [
        web.doc_url(site, d) for d in reversed(site.docs)
    ]


# ---- crawling -----------------------------------------------------------------------------------


async def test_new_documents_become_public_dated_reports_and_nothing_is_fetched_twice(web, db_url):
    gbk = web.add_site("www.linze.gov.cn", "临泽县", docs=12, encoding="gbk", template="govcn", pdf_every=5)
    svc = await Service.create(settings_for(db_url))
    try:
        source, _ = await svc.store.sources.add(web.list_url(gbk), every_s=3600)
        crawler = Crawler(svc)
        first = await crawl_and_digest(svc, crawler)
        assert len(first) == 12 and all(o.status == "done" for _, o in first)
        by_title = {o.digest.title: o.digest for _, o in first}
        for doc in gbk.docs:  # GBK pages, the govcn template and PDF attachments read alike
            digest = by_title[doc.title]
            assert digest.published == doc.day  # the page's publication date, not the crawl's
            assert [c.name for c in digest.counties] == ["临泽县"]
        for rid, _ in first:
            row = await svc.store.reports.report(rid)
            assert row.scope == "public"
        assert await svc.store.links.source_url(first[0][0]) in {web.doc_url(gbk, d) for d in gbk.docs}
        got = await svc.store.sources.get(source.id)
        assert got.county == "临泽县" and got.county_from == "page" and got.documents == 12 and got.etag

        # nothing new: one conditional request for the list, answered 304
        await make_due(svc)
        assert await crawl_and_digest(svc, crawler) == []
        last = web.hits(gbk.host, "/zwgk/zfxxgk/")[-1]
        assert last.headers.get("if-none-match") == got.etag and last.status == 304

        # a new document, and an old one's text under a new address
        web.advance_day()
        new = web.publish(gbk)
        web.publish(gbk, same_as=gbk.docs[2])
        await make_due(svc)
        second = await crawl_and_digest(svc, crawler)
        statuses = sorted(o.status for _, o in second)
        assert statuses == ["done", "duplicate"]
        assert any(o.digest and o.digest.title == new.title for _, o in second if o.status == "done")
        # every document page and attachment was requested exactly once
        paths = [
            h.path for h in web.hits(gbk.host) if not h.path.startswith(("/zwgk/zfxxgk/index", "/robots"))
        ]
        paths = [p for p in paths if p != "/zwgk/zfxxgk/"]
        assert len(paths) == len(set(paths)) and len(paths) == 14 + 2  # 14 pages + 2 PDFs
        assert len(web.hits(gbk.host, "/robots.txt")) == 1  # kept in the database
    finally:
        await svc.close()


async def test_a_disallowed_path_is_never_fetched(web, tmp_path):
    site = web.add_site("www.daning.gov.cn", "大宁县", docs=3, robots="User-agent: *\nDisallow: /private/\n")
    secret = web.publish(site)
    secret.path = "/private/t20250301_0004.html"
    svc = await Service.create(settings_for(str(tmp_path / "s.sqlite3")))
    try:
        preview = await Crawler(svc).preview(web.list_url(site))
        assert web.doc_url(site, secret) in preview.disallowed
        await svc.store.sources.add(web.list_url(site), every_s=3600)
        done = await crawl_and_digest(svc, Crawler(svc))
        assert len(done) == 3
        assert web.hits(site.host, secret.path) == []
        # robots.txt is read before anything else on the host
        assert web.hits(site.host)[0].path == "/robots.txt"
    finally:
        await svc.close()


async def test_a_dead_host_is_paused_and_reported_once_while_others_go_on(web, tmp_path):
    dead = web.add_site("www.pinglu.gov.cn", "平陆县", docs=3, dead=True)
    alive = web.add_site("www.daning.gov.cn", "大宁县", docs=3)
    svc = await Service.create(settings_for(str(tmp_path / "s.sqlite3"), crawl_pause_after=3))
    told: list[tuple[int, int, str]] = []

    async def on_paused(source, failures, error):  # type: ignore[no-untyped-def]
        told.append((source.id, failures, error))

    try:
        bad, _ = await svc.store.sources.add(web.list_url(dead), every_s=3600)
        good, _ = await svc.store.sources.add(web.list_url(alive), every_s=3600)
        crawler = Crawler(svc, on_paused=on_paused)
        taken = 0
        for _ in range(6):
            results = await crawler.run_due()
            taken += sum(len(r.report_ids) for r in results)
            await asyncio.sleep(0.1)  # the backoff (0.01 s doubling)
        state = await svc.store.sources.get(bad.id)
        assert state.paused and state.failures == 3 and "503" in state.last_error
        assert told == [(bad.id, 3, state.last_error)]
        assert taken == 3 and (await svc.store.sources.get(good.id)).documents == 3
        assert len(web.hits(dead.host)) == 3  # its robots.txt, once a check; paused: no fourth try
        status = await svc.store.sources.status()
        assert (status.total, status.paused) == (2, 1)
        # adding it again resumes it
        await svc.store.sources.add(web.list_url(dead), every_s=3600)
        assert not (await svc.store.sources.get(bad.id)).paused
    finally:
        await svc.close()


async def test_backoff_doubles_between_failed_checks(web, tmp_path):
    dead = web.add_site("www.pinglu.gov.cn", "平陆县", docs=1, dead=True)
    svc = await Service.create(settings_for(str(tmp_path / "s.sqlite3"), crawl_retry_s=100))
    try:
        source, _ = await svc.store.sources.add(web.list_url(dead), every_s=3600)
        waits = []
        for _ in range(3):
            await make_due(svc)
            [result] = await Crawler(svc).run_due()
            assert not result.ok
            got = await svc.store.sources.get(source.id)
            waits.append(round((got.next_check - got.last_checked).total_seconds()))
        assert waits == [100, 200, 400]
    finally:
        await svc.close()


async def test_politeness_holds_across_three_workers(web, db_url):
    """Three workers (three services, each its own connections) at once on two sites, each site followed
    twice (its list page and its RSS feed: the workers race for the same links, each taken once) — at the
    server, no two requests to one host are closer than the limit."""
    sites = [
        web.add_site(f"www.c{i}.gov.cn", county, docs=8, feed=True)
        for i, county in enumerate(["大宁县", "平陆县"])
    ]
    interval = 0.25
    workers = [
        await Service.create(settings_for(db_url, crawl_interval_s=interval, worker_id=f"w{i}"))
        for i in range(3)
    ]
    try:
        for site in sites:
            await workers[0].store.sources.add(web.list_url(site), every_s=3600)
            await workers[0].store.sources.add(web.feed_url(site), every_s=3600)
        rounds = await asyncio.gather(*(Crawler(w).run_round() for w in workers))
        statuses = [status for _, got in rounds for status in got]
        assert statuses == ["done"] * 16
        assert sum(1 for results, _ in rounds if results) >= 2  # the sources were shared out
        for site in sites:
            assert all(len(web.hits(site.host, d.path)) == 1 for d in site.docs)
            times = sorted(h.at for h in web.hits(site.host))
            gaps = [b - a for a, b in itertools.pairwise(times)]
            # the slot is taken just before each request; the server sees it with the scheduling jitter
            # of a loaded machine (tens of ms) — without the shared limit, requests land milliseconds apart
            assert len(times) >= 10 and min(gaps) >= interval * 0.6, gaps
            assert (times[-1] - times[0]) / len(gaps) >= interval * 0.95, gaps
    finally:
        for w in workers:
            await w.close()


async def test_migration_10_adds_the_source_tables_to_an_older_database(db_url):
    from sqlalchemy import delete, inspect, text

    from bot.store.repo import Store
    from bot.store.tables import SchemaVersion

    store = await Store.open(db_url)
    async with store.engine.begin() as conn:
        for table in ("source_docs", "sources", "crawl_hosts"):
            await conn.execute(text(f"DROP TABLE {table}"))
        await conn.execute(delete(SchemaVersion).where(SchemaVersion.version == 10))
    await store.close()
    store = await Store.open(db_url)
    try:
        async with store.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert {"sources", "source_docs", "crawl_hosts"} <= tables
        source, created = await store.sources.add("https://www.example.gov.cn/zwgk/", every_s=3600)
        assert created and source.county is None and not source.paused
    finally:
        await store.close()


async def test_a_disallowed_attachment_is_never_fetched(web, tmp_path):
    site = web.add_site(
        "www.daning.gov.cn", "大宁县", docs=1, pdf_every=1, robots="User-agent: *\nDisallow: /files/\n"
    )
    [doc] = site.docs
    doc.pdf_path = "/files/P020250228.pdf"  # the cover page links to it; robots.txt forbids it
    svc = await Service.create(settings_for(str(tmp_path / "s.sqlite3")))
    try:
        await svc.store.sources.add(web.list_url(site), every_s=3600)
        [(_, outcome)] = await crawl_and_digest(svc, Crawler(svc))
        assert outcome.status == "failed" and "robots.txt" in outcome.error
        assert web.hits(site.host, doc.pdf_path) == [] and len(web.hits(site.host, doc.path)) == 1
    finally:
        await svc.close()


async def test_a_document_that_failed_for_a_passing_reason_is_tried_again_at_the_next_check(web, tmp_path):
    site = web.add_site("www.daning.gov.cn", "大宁县", docs=3)
    flaky = site.docs[1]
    site.flaky[flaky.path] = 1  # one 503, then fine
    svc = await Service.create(settings_for(str(tmp_path / "s.sqlite3")))
    try:
        await svc.store.sources.add(web.list_url(site), every_s=3600)
        first = await crawl_and_digest(svc, Crawler(svc))
        assert sorted(o.status for _, o in first) == ["done", "done", "failed"]
        await make_due(svc)
        [(_, outcome)] = await crawl_and_digest(svc, Crawler(svc))
        assert outcome.status == "done" and outcome.digest.title == flaky.title
        assert len(web.hits(site.host, flaky.path)) == 2
        assert (await svc.store.sources.all())[0].documents == 3  # still three documents, one retried
    finally:
        await svc.close()


async def test_a_preview_of_a_dead_page_says_so(web, tmp_path):
    site = web.add_site("www.daning.gov.cn", "大宁县", docs=1, dead=True)
    svc = await Service.create(settings_for(str(tmp_path / "s.sqlite3")))
    try:
        preview = await Crawler(svc).preview(web.list_url(site))
        assert not preview.ok and "robots.txt" in preview.error
    finally:
        await svc.close()


async def test_a_slow_host_fails_its_check_without_holding_up_the_others(web, tmp_path):
    slow = web.add_site("www.pinglu.gov.cn", "平陆县", docs=2, delay=1.5)
    quick = web.add_site("www.daning.gov.cn", "大宁县", docs=2)
    svc = await Service.create(settings_for(str(tmp_path / "s.sqlite3"), fetch_read_timeout_s=0.5))
    try:
        await svc.store.sources.add(web.list_url(slow), every_s=3600)
        await svc.store.sources.add(web.list_url(quick), every_s=3600)
        results = {r.url: r for r in await Crawler(svc).run_due()}
        assert not results[web.list_url(slow)].ok and "robots.txt" in results[web.list_url(slow)].error
        assert len(results[web.list_url(quick)].report_ids) == 2
        [bad] = await svc.store.sources.troubled()
        assert bad.url == web.list_url(slow) and bad.failures == 1 and not bad.paused
    finally:
        await svc.close()
