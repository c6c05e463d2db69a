"""Rules backend speed: reports per second (normalise + rules_digest, one process), characters per
second on short reports (the seeds) and on long ones (tests/reports_long: whole 政府工作报告 of 11-26k
characters; the slowest one's time against the 0.5 s goal), and the cold start of
`countybot summarize --offline <seed>` as a subprocess (median of 5)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOAL_PER_S = 300
GOAL_COLD_S = 0.6
LONG = sorted((ROOT / "tests" / "reports_long").glob("*.txt"))
GOAL_LONG_S = 0.5  # one whole 25k-character work report, offline


def chars_per_s(paths: list[Path], seconds: float = 3.0) -> tuple[float, float, int]:
    """(characters per second, slowest single report in s, reports run) for normalise + rules_digest."""
    from extract.pipeline import document_from_bytes, rules_digest

    blobs = [(p.read_bytes(), p.name) for p in paths]
    for data, name in blobs:
        rules_digest(document_from_bytes(data, name))
    n = chars = 0
    worst = 0.0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for data, name in blobs:
            t1 = time.perf_counter()
            doc = document_from_bytes(data, name)
            rules_digest(doc)
            worst = max(worst, time.perf_counter() - t1)
            chars += len(doc.text)
            n += 1
    return chars / (time.perf_counter() - t0), worst, n


def throughput(seconds: float = 3.0) -> tuple[float, int]:
    from extract.pipeline import document_from_bytes, rules_digest

    blobs = [(p.read_bytes(), p.name) for p in SEEDS]
    for data, name in blobs:  # warm up: gazetteer, OpenCC, regexes
        rules_digest(document_from_bytes(data, name))
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for data, name in blobs:
            rules_digest(document_from_bytes(data, name))
            n += 1
    return n / (time.perf_counter() - t0), n


def cold_start(runs: int = 5) -> float:
    exe = Path(sys.executable).with_name("countybot")
    cmd = [str(exe), "summarize", "--offline", str(SEEDS[0])]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    rate, n = throughput()
    print(
        f"   normalise + rules_digest: {rate:7.0f} reports/s over {n} seed reports   (goal >= {GOAL_PER_S}/s)"
    )
    short_rate, _, _ = chars_per_s(SEEDS)
    print(f"   short reports (seeds):        {short_rate:9.0f} chars/s")
    if LONG:
        long_rate, worst, n = chars_per_s(LONG)
        print(
            f"   long reports (reports_long):  {long_rate:9.0f} chars/s over {n} runs, slowest report"
            f" {worst:.2f} s   (goal <= {GOAL_LONG_S} s for 25k characters)"
        )
    cold = cold_start()
    print(
        f"   cold start `countybot summarize --offline {SEEDS[0].name}`: {cold:.2f} s median of 5"
        f"   (goal <= {GOAL_COLD_S} s)"
    )


if __name__ == "__main__":
    main()
