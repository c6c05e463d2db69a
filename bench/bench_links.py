"""Link to digest (issue M): a report page served by the loopback web server (tests/fakes/web_server.py)
→ fetched through the guarded client → read → digested by rules → stored, as `countybot ingest URL` and
the bot do. The ten long work reports of tests/reports_long, each rendered into a county site's page."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 2.0  # per link on loopback: the digest, not the network, should dominate


async def _run() -> None:
    from bot.fetch import fetch_report
    from bot.service import Service
    from bot.service_links import LINK_FILENAME
    from bot.settings import Settings
    from tests.fakes.web_server import FakeWeb
    from tests.pages import gov_article, report_paragraphs

    reports = sorted((ROOT / "tests" / "reports_long").glob("2*.txt"))
    with FakeWeb() as web, tempfile.TemporaryDirectory() as tmp:
        urls = [
            web.add(f"/zfgzbg/202501/t2025012{i % 10}_{i}.html", gov_article(report_paragraphs(p)[:400]))
            for i, p in enumerate(reports)
        ]
        settings = Settings(db=f"sqlite:///{tmp}/bench.sqlite3", fetch_allow=["127.0.0.1"])  # type: ignore[call-arg]
        fetch_s = []
        for url in urls:
            t0 = time.perf_counter()
            await fetch_report(url, settings.fetch_options())
            fetch_s.append(time.perf_counter() - t0)
        total_s = []
        statuses: list[str] = []
        async with await Service.create(settings) as svc:
            for url in urls:
                t0 = time.perf_counter()
                outcome = await svc.submit(
                    scope="public", sender="bench", data=url.encode(), filename=LINK_FILENAME
                )
                total_s.append(time.perf_counter() - t0)
                assert outcome.status in ("done", "duplicate"), outcome.error
                statuses.append(outcome.status)
    size = sum(len(r.body) for r in web.routes.values()) / len(web.routes) / 1024
    done = statuses.count("done")
    print(f"   {len(urls)} report pages of {size:.0f} KB on average, loopback server ({done} new reports)")
    print(
        f"   fetch + page check: median {statistics.median(fetch_s) * 1000:.0f} ms, "
        f"max {max(fetch_s) * 1000:.0f} ms"
    )
    print(
        f"   link → stored digest (rules): median {statistics.median(total_s):.2f} s, "
        f"max {max(total_s):.2f} s (goal < {GOAL_S} s)"
    )


def main() -> None:
    asyncio.run(_run())


if __name__ == "__main__":
    main()
