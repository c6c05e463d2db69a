"""Whole processes timed against each other (issue N): each command runs `runs` times, the commands
interleaved so a shared machine's load hits them alike; the median wall time and the median CPU time
(user + system of the child, which other engineers' load disturbs far less) are reported.

The project's sources are byte-compiled first (`compileall`): an installed wheel ships .pyc files, and a
session that sets PYTHONDONTWRITEBYTECODE would otherwise time compiling every module from source."""

from __future__ import annotations

import compileall
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
COUNTYBOT = str(Path(sys.executable).with_name("countybot"))


@dataclass(frozen=True)
class Timing:
    wall: float  # median seconds
    cpu: float  # median CPU seconds of the child (user + system)


def compile_sources() -> None:
    for folder in ("extract", "bot"):
        compileall.compile_dir(ROOT / folder, quiet=1)


def clean_env() -> dict[str, str]:
    """No project settings (a user's fresh shell), bytecode read as installed."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "OPENAI_", "TELEGRAM_"))}


def time_commands(commands: dict[str, list[str]], runs: int, cwd: Path) -> dict[str, Timing]:
    env = clean_env()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    walls: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    for cmd in commands.values():  # one warm-up each: page cache, not our code, is what it warms
        subprocess.run(cmd, cwd=cwd, env=env, check=True, **quiet)  # type: ignore[call-overload]
    for _ in range(runs):
        for name, cmd in commands.items():
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, env=env, check=True, **quiet)  # type: ignore[call-overload]
            walls[name].append(time.perf_counter() - t0)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[name].append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return {k: Timing(statistics.median(walls[k]), statistics.median(cpus[k])) for k in commands}


def ratio_line(label: str, got: Timing, base: Timing, goal: float) -> str:
    wall, cpu = got.wall / base.wall, got.cpu / base.cpu
    verdict = "" if cpu <= goal else "  ABOVE GOAL"
    return (
        f"   {label}: {got.wall:.3f} s wall / {got.cpu:.3f} s CPU = {wall:.1f}x wall, {cpu:.1f}x CPU"
        f"   (goal <= {goal:g}x){verdict}"
    )
