"""Figure finder: speed per KB on the seeds and the own test reports, and its scores on both gold files."""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = [("seeds", ROOT / "seeds"), ("own reports", ROOT / "tests" / "reports")]


def _texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((folder / "normalized").glob("*.txt"))]


def main() -> None:
    from extract.evaluate import load_gold, overall, score_document
    from extract.figures.finder import find_figures
    from extract.models import Digest

    for name, folder in SETS:
        texts = _texts(folder)
        kb = sum(len(t.encode("utf-8")) for t in texts) / 1024
        for t in texts:  # warm the regex caches
            find_figures(t)
        best = float("inf")
        for _ in range(10):
            t0 = time.perf_counter()
            for t in texts:
                find_figures(t)
            best = min(best, time.perf_counter() - t0)
        print(f"   {name}: {len(texts)} reports, {kb:.1f} KB: {best * 1000 / kb:.3f} ms/KB, "
              f"{best * 1000 / len(texts):.2f} ms/report (goal: well under 1 ms/KB)")
        gold = load_gold(folder / "gold.json")
        scores = []
        for doc in gold.documents:
            text = (folder / "normalized" / doc.file).read_text(encoding="utf-8")
            digest = Digest(figures=find_figures(text, published=doc.published), published=doc.published)
            scores.append(score_document(digest, doc))
        o = overall(scores)
        print(f"   {name}: figures P {o.precision:.3f} R {o.recall:.3f} F1 {o.f1:.3f}, "
              f"kind {o.kind_accuracy or 0:.3f} ({o.kind_right}/{o.kind_scored}) "
              "(goal F1 >= 0.98, kind >= 0.92)")


if __name__ == "__main__":
    main()
