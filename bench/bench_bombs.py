"""Hostile files (issue P): a .docx zip bomb (0.8 MB → 200 MB), a PDF whose content stream inflates to
200 MB, and a 17 MB page of 2.5 million elements, each read by extract's loader in a fresh process:
time to the refusal (or the text) and the process's peak RSS next to an idle one's."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MB = 300  # the whole process, Python and libraries included (tests/hostile/test_bombs.py)

# peak RSS from VmHWM (reset by exec), not ru_maxrss (Linux carries the forking parent's peak over)
_READ = """
import sys
from extract.errors import InputError
from extract.text.loaders import load_bytes
path = sys.argv[1]
if path != "-":
    try:
        load_bytes(open(path, "rb").read(), path)
    except InputError as exc:
        print(type(exc).__name__, end=" ")
hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")][0]
print(int(hwm.split()[1]) // 1024)
"""


def _run(path: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _READ, path], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return time.perf_counter() - t0, " ".join(out)


def main() -> None:
    from tests.hostile.bombs import docx_bomb, markup_bomb, pdf_bomb

    seed = (ROOT / "seeds" / "002_583cfe85666f49d1.txt").read_text(encoding="utf-8")
    _, idle = _run("-")
    print(f"   idle process (loaders imported): {idle} MB peak RSS")
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in (
            ("bomb.docx", docx_bomb()),
            ("bomb.pdf", pdf_bomb()),
            ("page.html", markup_bomb(seed)),
        ):
            path = Path(tmp) / name
            path.write_bytes(data)
            took, result = _run(str(path))
            print(
                f"   {name} ({len(data) / 2**20:.1f} MB): {took:.1f} s, "
                f"{result.replace(' ', ', peak RSS ')} MB (goal ≤ {GOAL_MB} MB)"
            )


if __name__ == "__main__":
    main()
