"""Store bench: 10,000 synthetic reports in a temporary SQLite store (bulk insert, digests and figures
generated directly, counties from the gazetteer), then the time of a county targets query (goal ≤ 50 ms)
and of a 24-hour period digest (goal ≤ 1 s)."""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store import Store
    from extract.models import County

N_REPORTS = 10_000
N_COUNTIES = 300
DAYS = 10  # reports spread over this many days: about 1,000 fall in the last 24 hours
CHUNK = 1_000

LABELS = [
    ("年度计划投资", "元", 1e8),
    ("总投资", "元", 1e8),
    ("重点项目", "个", 1),
    ("招商项目", "个", 1),
    ("到位资金增长", "%", 1),
    ("开工率", "%", 1),
    ("新建标准地", "亩", 1),
    ("新增就业", "人", 1),
]


def _surface(value: float, unit: str) -> str:
    if unit == "元":
        return f"{value / 1e8:g}亿元"
    return f"{value:g}{unit}"


def _synthetic(rng: random.Random, rid: int, county: County, now: datetime) -> tuple[dict, dict, list, dict]:
    from bot.store.rows import FigureRow
    from extract.models import Digest, Figure

    received = now - timedelta(seconds=rng.uniform(0, DAYS * 86400))
    figures = []
    for i in range(8):
        label, unit, scale = rng.choice(LABELS)
        value = float(rng.randint(1, 500)) * scale
        surface = _surface(value, unit)
        kind = "target" if i < 3 else "result"
        figures.append(
            Figure(
                surface=surface,
                value=value,
                unit=unit,
                label=label,
                kind=kind,
                period=f"{received.year}年",
                quote=f"{county.name}{label}{surface}",
            )
        )
    title = f"{county.name}召开第{rid}次项目工作推进会"
    digest = Digest(
        title=title,
        published=received.date(),
        source="合成数据",
        counties=[county],
        summary=f"{county.name}部署重点项目建设，明确全年目标。",
        figures=figures,
    )
    report = dict(
        id=rid,
        scope="public",
        sender="bench",
        received=received.replace(tzinfo=None),
        filename=f"{rid}.txt",
        raw=title.encode(),
        normalized=title,
        sha256=f"{rid:064x}",
        status="done",
        title=title,
        published=received.date(),
        source="合成数据",
        processed=received.replace(tzinfo=None),
    )
    drow = dict(
        report_id=rid,
        backend="rules",
        prompt_version=None,
        created=report["received"],
        data=digest.model_dump_json(),
    )
    frows = [{"report_id": rid, **vars(FigureRow.of(f, i, county))} for i, f in enumerate(figures)]
    link = dict(report_id=rid, county=county.name, city=county.city, province=county.province, position=0)
    return report, drow, frows, link


async def _fill(store: Store, counties: list[County], now: datetime) -> float:
    from sqlalchemy import insert

    from bot.store.tables import DigestRow, FigureTable, Report, ReportCounty

    rng = random.Random(5)
    t0 = time.perf_counter()
    for start in range(1, N_REPORTS + 1, CHUNK):
        reports, digests, figures, links = [], [], [], []
        for rid in range(start, min(start + CHUNK, N_REPORTS + 1)):
            r, d, f, link = _synthetic(rng, rid, rng.choice(counties), now)
            reports.append(r)
            digests.append(d)
            figures.extend(f)
            links.append(link)
        async with store.engine.begin() as conn:
            await conn.execute(insert(Report), reports)
            await conn.execute(insert(DigestRow), digests)
            await conn.execute(insert(FigureTable), figures)
            await conn.execute(insert(ReportCounty), links)
    return time.perf_counter() - t0


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms"


async def _bench(db: Path) -> None:
    from bot.service import Service
    from bot.settings import Settings
    from extract.places.gazetteer import all_counties

    rng = random.Random(7)
    counties = rng.sample([c for c in all_counties() if c.name.endswith("县")], N_COUNTIES)
    service = await Service.create(Settings(db=f"sqlite:///{db}", openai_api_key=None, openai_base_url=None))
    try:
        now = datetime.now(UTC)
        fill_s = await _fill(service.store, counties, now)
        print(
            f"   filled {N_REPORTS:,} reports ({N_REPORTS * 8:,} figures, {N_COUNTIES} counties) "
            f"in {fill_s:.1f} s; file {db.stat().st_size / 1e6:.0f} MB"
        )

        county = counties[0].name
        t0 = time.perf_counter()
        answer = await service.targets(county, ["public"])
        cold = time.perf_counter() - t0
        samples = []
        for c in counties[:20]:
            t0 = time.perf_counter()
            await service.targets(c.name, ["public", "chat:1"])
            samples.append(time.perf_counter() - t0)
        print(
            f"   targets {county}: {len(answer.targets)} targets from {answer.reports} reports; "
            f"first call {cold * 1000:.0f} ms"
        )
        print(f"   targets query (20 counties): {_ms(samples)}   goal ≤ 50 ms")

        samples = []
        for _ in range(3):
            t0 = time.perf_counter()
            pd = await service.period_digest(["public"], now - timedelta(hours=24), now)
            samples.append(time.perf_counter() - t0)
        print(
            f"   24-hour digest: {pd.totals['reports']} reports, {pd.totals['counties']} counties, "
            f"{pd.totals['targets']} targets; {_ms(samples)}   goal ≤ 1 s"
        )
    finally:
        await service.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="countybot-bench-") as tmp:
        asyncio.run(_bench(Path(tmp) / "bench.sqlite3"))


if __name__ == "__main__":
    main()
