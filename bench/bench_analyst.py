"""Analyst bench: the store of bench_store (10,000 synthetic reports, 300 counties, 8 figures each) and
the time of /track (goal ≤ 100 ms), /targets with statuses, /search on a word (goal ≤ 500 ms), a county
CSV export (figures and tracking view), the next steps under a digest (goal ≤ 100 ms: every delivery
pays it), and a chart (matplotlib import and PNG, goal ≤ 2 s first, ≤ 1 s after)."""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.bench_store import N_COUNTIES, N_REPORTS, _fill, _ms


async def _timed(n: int, make) -> tuple[list[float], object]:  # type: ignore[no-untyped-def]
    samples, last = [], None
    for i in range(n):
        t0 = time.perf_counter()
        last = await make(i)
        samples.append(time.perf_counter() - t0)
    return samples, last


async def _bench(db: Path) -> None:
    from bot import report_list, tracking
    from bot.service import Service
    from bot.settings import Settings
    from extract.models import Digest
    from extract.places.gazetteer import all_counties

    rng = random.Random(7)
    counties = rng.sample([c for c in all_counties() if c.name.endswith("县")], N_COUNTIES)
    service = await Service.create(Settings(db=f"sqlite:///{db}", openai_api_key=None, openai_base_url=None))
    try:
        await _fill(service.store, counties, datetime.now(UTC))
        scopes = ["public", "chat:1"]
        names = [c.name for c in counties[:10]]

        samples, _ = await _timed(10, lambda i: tracking.track(service, names[i], scopes))
        print(f"   track ({N_REPORTS:,} reports): {_ms(samples)}   goal ≤ 100 ms")
        samples, _ = await _timed(10, lambda i: tracking.targets_with_status(service, names[i], scopes))
        print(f"   targets with statuses: {_ms(samples)}")
        samples, found = await _timed(
            5, lambda i: report_list.search(service, scopes, names[i][:2] + " 推进会")
        )
        print(f"   search (two words, {len(found)} hits, limit 20): {_ms(samples)}   goal ≤ 500 ms")  # type: ignore[arg-type]
        samples, result = await _timed(5, lambda i: tracking.export(service, names[i], scopes, "csv"))
        print(f"   export CSV ({result[2]} rows): {_ms(samples)}")  # type: ignore[index]
        samples, result = await _timed(
            5, lambda i: tracking.export(service, names[i], scopes, "csv", track=True)
        )
        print(f"   export tracking CSV ({result[2]} rows): {_ms(samples)}")  # type: ignore[index]
        # what every digest's delivery now adds (issue N): the next-step buttons and the answered targets
        samples, _ = await _timed(
            10, lambda i: tracking.next_steps(service, Digest(counties=[counties[i]]), 1, scopes)
        )
        print(f"   next steps under a digest: {_ms(samples)}   goal ≤ 100 ms")
        samples, result = await _timed(3, lambda i: tracking.chart(service, names[i], scopes))
        png = result[1]  # type: ignore[index]
        print(
            f"   chart: first {samples[0] * 1000:.0f} ms (matplotlib import)   goal ≤ 2 s; "
            f"then {_ms(samples[1:])}   goal ≤ 1 s; PNG {len(png or b'') // 1024} KB"
        )
    finally:
        await service.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="countybot-bench-") as tmp:
        asyncio.run(_bench(Path(tmp) / "bench.sqlite3"))


if __name__ == "__main__":
    main()
