"""`countybot sources …` through bot.cli.main on a temporary store and the simulated county web, and a
`countybot sources run` process killed mid-crawl (kill -9) losing nothing."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from tests import netguard
from tests.fakes.county_web import CountyWeb

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "sources.example.csv"
HOSTS = ("www.linze.gov.cn", "www.daning.gov.cn", "www.pinglu.gov.cn")


@pytest.fixture
def web(fake_dns):  # type: ignore[no-untyped-def]
    with CountyWeb() as w:
        for host in HOSTS:
            fake_dns(host, "127.0.0.1")
        yield w


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.sqlite3"
    monkeypatch.setenv("COUNTYBOT_DB", str(path))
    monkeypatch.setenv("COUNTYBOT_FETCH_ALLOW", "127.0.0.0/8")
    monkeypatch.setenv("COUNTYBOT_CRAWL_INTERVAL_S", "0.02")
    return path


def count(db: Path, sql: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_add_check_run_list_remove(web, db, capsys):
    linze = web.add_site("www.linze.gov.cn", "临泽县", docs=13, encoding="gbk", template="govcn")
    daning = web.add_site("www.daning.gov.cn", "大宁县", docs=2, feed=True)

    assert main(["sources", "check", web.list_url(linze)]) == 0
    out = capsys.readouterr().out
    assert "会收录 13 个新链接" in out and "临泽县" in out and "读了 2 页" in out
    assert count(db, "SELECT count(*) FROM reports") == 0  # a dry run stores no report

    assert main(["sources", "add", web.list_url(linze)]) == 0
    out = capsys.readouterr().out
    assert "已添加来源 #1" in out and "临泽县（张掖市，甘肃省） · 来自网页" in out and "每 6 小时" in out
    assert main(["sources", "add", web.feed_url(daning), "--county", "大寧", "--every", "30m"]) == 0
    assert "大宁县（临汾市，山西省） · 手动指定 · 每 30 分钟" in capsys.readouterr().out
    assert main(["sources", "add", web.list_url(daning), "--county", "鼓楼"]) == 1
    assert "有几个地方同名" in capsys.readouterr().err
    assert main(["sources", "add", "http://10.0.0.1/zwgk/"]) == 1  # SSRF guard: never followed
    assert "内部网络" in capsys.readouterr().err
    assert main(["sources", "add", web.list_url(daning), "--every", "soon"]) == 2
    assert "6h" in capsys.readouterr().err

    assert main(["sources", "run"]) == 0
    out = capsys.readouterr().out
    assert "检查了 2 个来源，新文件 15 篇：摘要 15 篇" in out
    assert count(db, "SELECT count(*) FROM reports WHERE scope = 'public' AND status = 'done'") == 15
    assert main(["sources", "run"]) == 0  # nothing is due yet
    assert "检查了 0 个来源" in capsys.readouterr().out

    assert main(["sources", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["county"], r["kind"], r["documents"]) for r in rows] == [
        ("临泽县", "page", 13),
        ("大宁县", "feed", 2),
    ]
    assert main(["targets", "临泽"]) == 0
    assert "临泽县" in capsys.readouterr().out
    assert main(["status"]) == 0
    assert "自动跟踪的来源：2 个" in capsys.readouterr().out
    assert main(["sources", "remove", "2"]) == 0
    assert main(["sources", "list"]) == 0
    out = capsys.readouterr().out
    assert "临泽县" in out and "大宁县" not in out.split("已不再跟踪")[-1]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed): a connection there is refused."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_check_of_an_unreachable_host_says_it_cannot_connect_not_robots(web, db, fake_dns, capsys):
    """A host that does not resolve, or refuses the connection, never gets its robots.txt read: the
    message names the connection (the fetcher's 「无法连接」), not the site's robots.txt."""
    fake_dns("www.closed.gov.cn", "127.0.0.1")
    for url in ("http://www.nowhere.gov.cn/zwgk/", f"http://www.closed.gov.cn:{closed_port()}/zwgk/"):
        assert main(["sources", "check", url]) == 1
        err = capsys.readouterr().err
        assert "无法连接" in err and "robots.txt" not in err, err
    assert count(db, "SELECT count(*) FROM sources") == 0
    # followed anyway (--county: no preview), its failed check says the same, in the run and the list
    assert main(["sources", "add", "http://www.nowhere.gov.cn/zwgk/", "--county", "临泽"]) == 0
    assert main(["sources", "run"]) == 0
    out = capsys.readouterr().out
    assert "⚠️ http://www.nowhere.gov.cn/zwgk/：无法连接" in out and "robots.txt" not in out
    assert main(["sources", "list"]) == 0
    out = capsys.readouterr().out
    assert "连续失败 1 次（无法连接" in out and "robots.txt" not in out


def test_links_on_an_unreachable_host_of_the_site_are_skipped_with_the_reason(web, db, fake_dns, capsys):
    """RFC 9309: a robots.txt that cannot be fetched means "not now" for that host — its links are not
    taken, the list says why (无法连接, not "robots.txt 不允许"), and the rest of the source goes on."""
    fake_dns("files.linze.gov.cn", "127.0.0.1")
    port = closed_port()
    gone = [f"http://files.linze.gov.cn:{port}/zwgk/t20250101_{n}.html" for n in (1, 2)]
    nowhere = "http://att.linze.gov.cn/zwgk/t20250102_3.html"  # does not resolve
    site = web.add_site(
        "www.linze.gov.cn", "临泽县", docs=2,
        extra_links=[(u, f"临泽县关于第{n}批项目的公示") for n, u in enumerate([*gone, nowhere], 1)],
    )  # fmt: skip
    assert main(["sources", "check", web.list_url(site)]) == 0
    out = capsys.readouterr().out
    assert "会收录 2 个新链接（共 5 个" in out
    for url in gone:
        assert f"✗ {url}（无法连接到 files.linze.gov.cn:{port}，暂不收录" in out
    assert f"✗ {nowhere}（无法连接到 att.linze.gov.cn，暂不收录" in out
    assert "robots.txt" not in out

    assert main(["sources", "add", web.list_url(site)]) == 0
    capsys.readouterr()
    assert main(["sources", "run"]) == 0  # the reachable documents are taken; the source did not fail
    out = capsys.readouterr().out
    assert "检查了 1 个来源，新文件 2 篇：摘要 2 篇" in out and "⚠️" not in out
    assert count(db, "SELECT failures FROM sources") == 0


def test_import_csv_and_the_example_file_fetch_nothing(db, tmp_path, capsys):
    csv = tmp_path / "s.csv"
    csv.write_text(
        "county,url\n临泽,https://www.example.gov.cn/zwgk/\n不存在县,https://x.gov.cn/\n大宁,ftp://x.gov.cn/\n",
        encoding="utf-8",
    )
    assert main(["sources", "import", str(csv)]) == 1
    captured = capsys.readouterr()
    assert "导入完成：1 个来源，2 行有问题" in captured.out and "不认识的县名" in captured.err
    assert main(["sources", "import", str(EXAMPLE), "--every", "1d"]) == 0
    rows_out = capsys.readouterr().out
    assert "导入完成" in rows_out and "有问题" not in rows_out
    assert netguard.blocked == []  # importing fetches nothing: the real sites are never touched
    n = sum(
        1
        for line in EXAMPLE.read_text(encoding="utf-8").splitlines()[1:]
        if line and not line.startswith("#")
    )
    assert count(db, "SELECT count(*) FROM sources WHERE county IS NOT NULL") == 1 + n


def test_a_crawl_killed_mid_way_loses_nothing(web, db_url, tmp_path):
    """`countybot sources run` is killed (SIGKILL) after the list's first page was taken; a second worker
    takes the source over when its claim runs out and every document ends up one report, digested."""
    site = web.add_site("www.pinglu.gov.cn", "平陆县", docs=25, delay=0.4)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "OPENAI_", "TELEGRAM_"))},
        "COUNTYBOT_DB": db_url,
        "COUNTYBOT_FETCH_ALLOW": "127.0.0.0/8",
        "COUNTYBOT_CRAWL_INTERVAL_S": "0.02",
        "COUNTYBOT_CRAWL_LEASE_S": "2",
        "COUNTYBOT_LEASE_S": "2",
        "COUNTYBOT_TEST_HOSTS": ",".join(HOSTS),
    }
    countybot = [sys.executable, "-m", "tests.fakes.resolving"]
    add = [*countybot, "sources", "add", web.list_url(site), "--county", "平陆"]
    subprocess.run(add, env=env, cwd=ROOT, check=True, capture_output=True)
    log = (tmp_path / "a.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.resolving", "sources", "run"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not web.hits(site.host, "/zwgk/zfxxgk/index_1.html"):  # page 1 taken, page 2 being fetched
        assert time.monotonic() < deadline and proc.poll() is None, (tmp_path / "a.log").read_text()
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(2.5)  # its claim on the source (and on the report it was digesting) runs out
    done = subprocess.run(
        [sys.executable, "-m", "tests.fakes.resolving", "sources", "run"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "检查了 1 个来源" in done.stdout
    asked = [h.path for h in web.hits(site.host) if h.path.endswith(".html") and "/index" not in h.path]
    docs = {d.path for d in site.docs}
    assert set(asked) <= docs
    import asyncio

    async def state() -> tuple[int, int, list[str]]:
        from bot.store.repo import open_store

        store = await open_store(db_url)
        try:
            from sqlalchemy import func, select

            from bot.store.tables import Report, SourceDoc

            async with store.engine.connect() as conn:
                taken = (await conn.execute(select(func.count()).select_from(SourceDoc))).scalar()
                done_n = (await conn.execute(select(func.count()).where(Report.status == "done"))).scalar()
                urls = list((await conn.execute(select(SourceDoc.url))).scalars())
            return taken, done_n, urls
        finally:
            await store.close()

    taken, done_n, urls = asyncio.run(state())
    assert taken == 25 and len(set(urls)) == 25
    assert {u.split(str(web.port), 1)[1] for u in urls} == docs
    assert done_n == 25


def test_politeness_holds_across_three_worker_processes(web, db_url, tmp_path):
    """Three `countybot sources run` processes at once on one store, two sites each followed twice (list
    page and feed: the processes race for the same links) — measured at the server."""
    import itertools

    sites = [
        web.add_site(h, c, docs=6, feed=True) for h, c in zip(HOSTS[:2], ("临泽县", "大宁县"), strict=True)
    ]
    interval = 0.5
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "OPENAI_", "TELEGRAM_"))},
        "COUNTYBOT_DB": db_url,
        "COUNTYBOT_FETCH_ALLOW": "127.0.0.0/8",
        "COUNTYBOT_CRAWL_INTERVAL_S": str(interval),
        "COUNTYBOT_CRAWL_SOURCES_AT_ONCE": "1",
        "COUNTYBOT_TEST_HOSTS": ",".join(HOSTS),
    }
    csv = tmp_path / "s.csv"
    csv.write_text(
        "".join(f"{s.county},{web.list_url(s)}\n{s.county},{web.feed_url(s)}\n" for s in sites),
        encoding="utf-8",
    )
    countybot = [sys.executable, "-m", "tests.fakes.resolving"]
    subprocess.run(
        [*countybot, "sources", "import", str(csv)], env=env, cwd=ROOT, check=True, capture_output=True
    )
    procs = [
        subprocess.Popen([*countybot, "sources", "run"], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert sum(int(re.search(r"摘要 (\d+) 篇", o)[1]) for o in outs) == 12, outs
    for site in sites:
        assert all(len(web.hits(site.host, d.path)) == 1 for d in site.docs)  # each document once
        times = sorted(h.at for h in web.hits(site.host))
        gaps = [b - a for a, b in itertools.pairwise(times)]
        # a slot is taken just before its request; a process starting cold sends its first one ~0.1 s later
        assert len(times) >= 9 and min(gaps) >= interval - 0.2, gaps
        assert (times[-1] - times[0]) / len(gaps) >= interval * 0.95, gaps
