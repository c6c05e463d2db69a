"""Sources (issue O): the initial crawl of simulated county sites with 1 and 3 workers on PostgreSQL.

The simulated web (tests/fakes/county_web.py) answers for one virtual host per county — named after the
2,849 counties of the gazetteer — each with a list page (2 pages: 20 documents), robots.txt, report pages
in the www.gov.cn and TRS county templates, every fourth site GBK. Workers are real `countybot sources run`
processes (tests/fakes/resolving.py: the virtual hosts resolve to 127.0.0.1, no DNS) with the default
politeness limit of one request per second per host and the rules backend.

The full 2,849 × 20 = 56,980 documents would take this 2-core machine over an hour per run, so the
bench crawls a fraction (BENCH_SOURCES_SITES, default 60 sites = 1,200 documents) and extrapolates the
documents/minute to all counties, saying so. The places the evaluations hold out get no simulated site.
Printed: documents/minute, the time from a new document appearing to its digest (the check period
dominates it: on a 6 h schedule it waits 3 h on average, plus the measured crawl-and-digest time), the
database size per 1,000 reports.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_workers import _cluster

ROOT = Path(__file__).resolve().parent.parent
SITES = int(os.environ.get("BENCH_SOURCES_SITES", "60"))
DOCS = 20
ALL_COUNTIES = 2849
INTERVAL_S = 1.0  # the default politeness limit (COUNTYBOT_CRAWL_INTERVAL_S)
PERIOD_S = 6 * 3600  # the default check period (--every 6h)


def _sites(web, n: int) -> list:  # type: ignore[no-untyped-def]
    from extract.places.gazetteer import all_counties
    from tests.test_place_attribution import HELD_OUT

    # no text, not even a synthetic one, about the places the evaluations hold out
    counties = [c for c in all_counties() if c.name not in HELD_OUT]
    step = max(1, len(counties) // n)
    picked = counties[::step][:n]
    sites = []
    for i, c in enumerate(picked):
        site = web.add_site(
            f"s{i:04d}.county.test",
            c.name,
            docs=DOCS,
            encoding="gbk" if i % 4 == 0 else "utf-8",
            template="govcn" if i % 2 else "trs",
        )
        site.city = c.city or ""  # type: ignore[attr-defined]
        sites.append(site)
    return sites


def _env(db_url: str, hosts: list[str]) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "OPENAI_", "TELEGRAM_"))}
    return {
        **base,
        "COUNTYBOT_DB": db_url,
        "COUNTYBOT_FETCH_ALLOW": "127.0.0.0/8",
        "COUNTYBOT_CRAWL_INTERVAL_S": str(INTERVAL_S),
        "COUNTYBOT_CRAWL_SOURCES_AT_ONCE": "16",
        "COUNTYBOT_TEST_HOSTS": ",".join(hosts),
    }


def _cli(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.resolving", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


async def _counts(db_url: str) -> tuple[int, int, int]:
    from sqlalchemy import func, select, text

    from bot.store.repo import open_store
    from bot.store.tables import Report

    store = await open_store(db_url)
    try:
        async with store.engine.connect() as conn:
            done = (await conn.execute(select(func.count()).where(Report.status == "done"))).scalar() or 0
            total = (await conn.execute(select(func.count()).select_from(Report))).scalar() or 0
            size = (await conn.execute(text("SELECT pg_database_size(current_database())"))).scalar() or 0
        return int(done), int(total), int(size)
    finally:
        await store.close()


def _run(cluster, web, sites, workers: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    db_url = cluster.create_database()
    env = _env(db_url, [s.host for s in sites])
    csv = Path(os.environ.get("TMPDIR", "/tmp")) / f"countybot-bench-sources-{os.getpid()}.csv"
    # the county as city + name: 鼓楼区 alone is several places
    csv.write_text("".join(f"{s.city}{s.county},{web.list_url(s)}\n" for s in sites), encoding="utf-8")
    out, _ = _cli(env, "sources", "import", str(csv)).communicate()
    assert "导入完成" in out and "有问题" not in out, out
    empty = asyncio.run(_counts(db_url))[2]
    before = len(web.requests)
    start = time.monotonic()
    procs = [_cli(env, "sources", "run") for _ in range(workers)]
    outs = [p.communicate()[0] for p in procs]
    took = time.monotonic() - start
    done, total, size = asyncio.run(_counts(db_url))
    requests = len(web.requests) - before

    # a new document on one site: from its appearance to its digest, once its source is checked
    site = sites[0]
    web.advance_day()
    web.publish(site)
    asyncio.run(_all_due(db_url))
    appeared = time.monotonic()
    _cli(env, "sources", "run").communicate()
    latency = time.monotonic() - appeared
    csv.unlink(missing_ok=True)
    return {
        "workers": workers,
        "done": done,
        "total": total,
        "seconds": took,
        "per_min": done / took * 60,
        "requests": requests,
        "db_bytes_per_1000": (size - empty) / max(done, 1) * 1000,
        "new_doc_s": latency,
        "ok": all("检查了" in o for o in outs),
    }


async def _all_due(db_url: str) -> None:
    from sqlalchemy import update

    from bot.store.base import utcnow
    from bot.store.repo import open_store
    from bot.store.tables import SourceRow

    store = await open_store(db_url)
    try:
        async with store.engine.begin() as conn:
            await conn.execute(update(SourceRow).values(next_check=utcnow()))
    finally:
        await store.close()


def main() -> None:
    from tests.fakes.county_web import CountyWeb

    print(
        f"   {SITES} simulated county sites × {DOCS} documents (of all {ALL_COUNTIES}: a fraction,"
        f" extrapolated), politeness {INTERVAL_S:g} request/s per host, rules backend, PostgreSQL"
    )
    with _cluster() as cluster, CountyWeb() as web:
        sites = _sites(web, SITES)
        runs = [_run(cluster, web, sites, n) for n in (1, 3)]
    for r in runs:
        full_h = ALL_COUNTIES * DOCS / r["per_min"] / 60
        print(
            f"   {r['workers']} worker(s): {r['done']:.0f}/{r['total']:.0f} documents digested in"
            f" {r['seconds']:.0f} s = {r['per_min']:.0f} documents/min ({r['requests']:.0f} requests);"
            f" all {ALL_COUNTIES} counties × {DOCS} at this rate: {full_h:.1f} h"
        )
        print(
            f"      a new document's digest {r['new_doc_s']:.1f} s after its source is checked"
            f" (+ on average half the check period: {PERIOD_S / 2 / 3600:.0f} h at --every 6h);"
            f" database {r['db_bytes_per_1000'] / 2**20:.1f} MB per 1,000 reports"
        )
    per_site_s = (DOCS + 3) * INTERVAL_S
    print(
        f"   bound: one site needs {DOCS + 3} requests (robots.txt, 2 list pages, {DOCS} documents)"
        f" = at least {per_site_s:.0f} s at {INTERVAL_S:g} request/s; sites run in parallel, so the"
        " crawl is bound by CPU (digesting) and the documents in flight, not by the per-host limit"
    )
    if runs[1]["per_min"] and runs[0]["per_min"]:
        print(
            f"   three workers vs one: {runs[1]['per_min'] / runs[0]['per_min']:.2f}x on this 2-core machine"
        )
