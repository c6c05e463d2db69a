"""Normalisation throughput over the seeds (repeated to ~5 MB) next to raw OpenCC tw2s on the same input.

The pipeline runs tw2s itself (on the traditional reports), so the ratio says how much the pipeline's own
passes (clean-up, glosses, line rules, metadata) cost on top of OpenCC. Goal: ratio >= 0.5.
Then the same 5 MB as whole processes (issue N): `countybot normalize FILE` against a bare Python process
running OpenCC tw2s on the file, median of 5 interleaved runs; goal <= 2x (read on CPU time).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.processes import COUNTYBOT, PYTHON, compile_sources, ratio_line, time_commands
from extract.text.normalize import normalize
from extract.text.script import converter

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TARGET_BYTES = 5 * 1024 * 1024
GOAL = 0.5
PROCESS_GOAL = 2.0
RAW_TW2S = (
    "import sys, opencc; "
    "sys.stdout.write(opencc.OpenCC('tw2s').convert(open(sys.argv[1], encoding='utf-8').read()))"
)


def _best_of(runs: int, *fns) -> list[float]:
    """Best time of each function over `runs` interleaved rounds (a shared machine's noise hits both)."""
    best = [float("inf")] * len(fns)
    for _ in range(runs):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def main() -> None:
    docs = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    size = sum(len(d.encode("utf-8")) for d in docs)
    reps = max(1, TARGET_BYTES // size)
    batch = docs * reps
    mb = size * reps / 1e6
    tw2s = converter("tw2s")
    normalize(docs[0])  # build the converters and compile the regexes outside the timing

    print(f"   input: {len(docs)} seeds x {reps} = {mb:.1f} MB")
    for label, pipeline, raw in (
        ("per report", lambda: [normalize(d) for d in batch], lambda: [tw2s.convert(d) for d in batch]),
        ("one text  ", lambda: normalize("\n".join(batch)), lambda: tw2s.convert("\n".join(batch))),
    ):
        t_norm, t_raw = _best_of(5, pipeline, raw)
        ratio = t_raw / t_norm
        print(
            f"   {label}: normalize {mb / t_norm:6.1f} MB/s   OpenCC tw2s {mb / t_raw:6.1f} MB/s   "
            f"ratio {ratio:.2f} (goal >= {GOAL}){'' if ratio >= GOAL else '  BELOW GOAL'}"
        )

    processes(batch)


def processes(batch: list[str]) -> None:
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="countybot-norm-") as tmp:
        path = Path(tmp) / "five-mb.txt"
        path.write_text("\n".join(batch), encoding="utf-8")
        mb = path.stat().st_size / 1e6
        got = time_commands(
            {
                "raw": [PYTHON, "-c", RAW_TW2S, str(path)],
                "normalize": [COUNTYBOT, "normalize", str(path)],
            },
            5,
            Path(tmp),
        )
    raw = got["raw"]
    print(f"   whole processes, {mb:.1f} MB: raw OpenCC tw2s {raw.wall:.3f} s wall / "
          f"{raw.cpu:.3f} s CPU")
    print(ratio_line("`countybot normalize FILE`", got["normalize"], raw, PROCESS_GOAL))


if __name__ == "__main__":
    main()
