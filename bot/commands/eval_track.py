"""`countybot eval --track PAIRS.json DOCS_DIR`: did tracking pair each target with the right result?

The pairs file (format "countybot-track/1", see tests/pairs/README.md) lists report files (targets texts, the
later texts with that year's results, distractors about neighbouring counties) and, per county, the metrics
expected with their verdict and year. Every file is ingested through the real pipeline into a fresh SQLite
store (rules backend, offline), then the tracking query runs per county as `countybot track` does. A metric is
right when a status for it exists with the expected status and period year; a result taken from a report about
another county is an error (and never right). The score is right / expected metrics.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA = "countybot-track/1"


class PairDoc(BaseModel):
    model_config = ConfigDict(extra="ignore")

    file: str
    county: str  # the county the text is about (full name)
    source: str | None = None  # the page it was taken from


class Expect(BaseModel):
    model_config = ConfigDict(extra="ignore")

    county: str
    metric: str  # a label; folded with the same vocabulary as tracking (extract/figures/metrics.py)
    year: int
    status: Literal["已完成", "接近目标", "未完成", "进行中", "无后续数据"]
    note: str = ""


class PairsFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    schema_: str = Field(alias="schema")
    documents: list[PairDoc]
    expect: list[Expect]


class MetricScore(BaseModel):
    county: str
    metric: str
    year: int
    expected: str
    got: str | None
    got_year: int | None
    right: bool
    foreign: bool = False  # the result came from a report about another county
    note: str = ""


def load_pairs(path: str | Path) -> PairsFile:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    pairs = PairsFile.model_validate(data)
    if pairs.schema_ != SCHEMA:
        raise ValueError(f"schema {pairs.schema_!r} is not {SCHEMA}")
    return pairs


def run(gold: str, docs_dir: str, *, as_json: bool) -> int:
    pairs = load_pairs(gold)
    with tempfile.TemporaryDirectory(prefix="countybot-track-eval-") as tmp:
        os.environ["COUNTYBOT_DB"] = f"sqlite:///{Path(tmp) / 'store.sqlite3'}"
        scores = asyncio.run(_score(pairs, Path(docs_dir)))
    right = sum(s.right for s in scores)
    foreign = sum(s.foreign for s in scores)
    share = right / len(scores) if scores else 0.0
    if as_json:
        print(json.dumps({"metrics": [s.model_dump() for s in scores], "right": right, "total": len(scores),
                          "score": share, "foreign_results": foreign}, ensure_ascii=False))
    else:
        for s in scores:
            mark = "✓" if s.right else "✗"
            got = f"{s.got} {s.got_year or '—'}" if s.got else "（无）"
            extra = "  ← 实际数字来自另一个县的报告" if s.foreign else ""
            print(f"{mark} {s.county} {s.year} {s.metric}: 期望 {s.expected}，得到 {got}{extra}")
        print(f"track: {right}/{len(scores)} metrics right ({share * 100:.1f}%), "
              f"{foreign} result(s) from another county")
    return 0


async def _score(pairs: PairsFile, docs_dir: Path) -> list[MetricScore]:
    from bot.commands import open_service
    from bot.track import match_targets, metric_key
    from bot.tracking import county_figures, find_county

    service = await open_service("eval")
    if service is None:
        raise SystemExit(2)
    about: dict[int, str] = {}
    try:
        for d in pairs.documents:
            data = (docs_dir / d.file).read_bytes()
            outcome = await service.submit(
                scope="public", sender="eval", data=data, filename=Path(d.file).name, use_llm=False
            )
            if outcome.report_id is not None:
                about[outcome.report_id] = d.county
        out: list[MetricScore] = []
        by_county: dict[str, list] = {}
        for e in pairs.expect:
            if e.county not in by_county:
                status, found = await find_county(service, e.county)
                figs = await county_figures(service, found[0], ["public"]) if status == "ok" else []
                by_county[e.county] = match_targets(figs)
            want = metric_key(e.metric, e.county)
            same = [s for s in by_county[e.county] if _same(s.metric, want)]
            # the status of that year's target; else one whose target's year is unknown (时期不详/日期不详):
            # never another year's status, even one a missing date stopped
            hits = [s for s in same if s.period.startswith(str(e.year))]
            hits = hits or [s for s in same if s.stopped and not s.period[:4].isdigit()]
            s = hits[0] if hits else None
            foreign = bool(s and s.result and about.get(s.result.report_id, e.county) != e.county)
            got_year = int(s.period[:4]) if s and s.period[:4].isdigit() else None
            right = s is not None and s.status == e.status and got_year == e.year and not foreign
            if s is None and e.status == "无后续数据":
                right = True  # no later data, and none was claimed
            out.append(
                MetricScore(
                    county=e.county, metric=e.metric, year=e.year, expected=e.status,
                    got=s.status if s else None, got_year=got_year, right=right, foreign=foreign,
                    note=s.note if s else "",
                )
            )
        return out
    finally:
        await service.close()


def _same(a: str, b: str | None) -> bool:
    import re

    fold = re.compile(r"下降$")
    return b is not None and fold.sub("增长", a) == fold.sub("增长", b)


def fail(message: str) -> None:
    print(f"countybot eval --track: {message}", file=sys.stderr, flush=True)
