"""The CLI's cold start as whole processes (issue N): `countybot --help` and `countybot summarize --offline`
on a tiny report against bare `python -c "import opencc, pydantic"` (median of 9 interleaved runs each,
wall and CPU; the goal is read on CPU time, which a shared machine's load disturbs far less).
Goal: <= 4x the bare import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.processes import COUNTYBOT, PYTHON, compile_sources, ratio_line, time_commands

GOAL = 4.0
RUNS = 9
TINY = "大宁县召开项目推进会\n会议指出，今年全县计划实施重点项目48个，完成投资18.6亿元，同比增长6.5%。\n"


def main() -> None:
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="countybot-cold-") as tmp:
        tiny = Path(tmp) / "tiny.txt"
        tiny.write_text(TINY, encoding="utf-8")
        got = time_commands(
            {
                "bare": [PYTHON, "-c", "import opencc, pydantic"],
                "help": [COUNTYBOT, "--help"],
                "summarize": [COUNTYBOT, "summarize", "--offline", str(tiny)],
            },
            RUNS,
            Path(tmp),
        )
    base = got["bare"]
    print(f"   bare `python -c \"import opencc, pydantic\"`: {base.wall:.3f} s wall / {base.cpu:.3f} s CPU")
    print(ratio_line("`countybot --help`             ", got["help"], base, GOAL))
    print(ratio_line("`countybot summarize --offline`", got["summarize"], base, GOAL))


if __name__ == "__main__":
    main()
