"""Near-duplicate check (bot/dedup.py's work per submitted report): fingerprint a long work report and
compare it with RECENT stored reports of the same length band, as one submit does at worst."""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 0.5  # look-alikes per submit, in a worker thread; the same-numbered case is the rare worst


def main() -> None:
    from bot.dedup import RECENT, _most_similar
    from extract.text.fingerprint import fingerprint
    from extract.text.normalize import normalize_bytes

    reports = sorted((ROOT / "tests" / "reports_long").glob("2*.txt"))
    texts = [normalize_bytes(p.read_bytes(), p.name).text for p in reports]
    longest = max(texts, key=len)
    t0 = time.perf_counter()
    for t in texts:
        fingerprint(t)
    per_kchar = (time.perf_counter() - t0) * 1000 / (sum(map(len, texts)) / 1000)
    # a band full of the same sentences with other numbers (none of them a twin: skipped on the numbers),
    # then one with the same numbers: every candidate fingerprinted and compared, the worst case
    band = [(i, longest.replace("1", "7", i % 5 + 1)) for i in range(RECENT)]
    t0 = time.perf_counter()
    assert _most_similar(longest, band) is None
    print(f"   {len(longest)}-char report vs {RECENT} look-alikes with other numbers: "
          f"{time.perf_counter() - t0:.2f} s (goal < {GOAL_S} s)")
    band = [(i, longest.replace("发展", "进步", i % 50)) for i in range(RECENT)]
    t0 = time.perf_counter()
    _most_similar(longest, band)
    worst = time.perf_counter() - t0
    print(f"   fingerprint: {per_kchar:.3f} ms per 1000 characters")
    print(f"   {len(longest)}-char report vs {RECENT} same-numbered candidates (worst case): {worst:.2f} s")


if __name__ == "__main__":
    main()
