"""Figure finder: speed per KB on the seeds and the own test reports, and its scores on both gold files;
characters per second on the real long work reports (tests/reports_long/), finder and whole rules digest,
with their main-target scores."""

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
        print(f"   {name}: figures P {o.precision or 0:.3f} R {o.recall:.3f} F1 {o.f1 or 0:.3f}, "
              f"kind {o.kind_accuracy or 0:.3f} ({o.kind_right}/{o.kind_scored}) "
              "(goal F1 >= 0.98, kind >= 0.92)")
        print(f"   {name}: {sum(map(len, texts)) / best:,.0f} characters/s (finder)")
    _long_reports()


def _best(fn, docs: list, rounds: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for d in docs:
            fn(d)
        best = min(best, time.perf_counter() - t0)
    return best


def _long_reports() -> None:
    from extract.evaluate import load_gold, overall, score_document
    from extract.figures.finder import find_figures
    from extract.pipeline import document_from_bytes, rules_digest

    folder = ROOT / "tests" / "reports_long"
    gold = load_gold(folder / "gold.json")
    docs = [document_from_bytes((folder / g.file).read_bytes(), g.file) for g in gold.documents]
    chars = sum(len(d.text) for d in docs)
    for d in docs:  # warm the caches (gazetteer, regexes)
        rules_digest(d)
    finder = _best(lambda d: find_figures(d.text, published=d.published), docs)
    digest = _best(rules_digest, docs)
    longest = max(docs, key=lambda d: len(d.text))
    one = _best(rules_digest, [longest])
    print(f"   long reports: {len(docs)} reports, {chars:,} characters: "
          f"finder {chars / finder:,.0f} characters/s, "
          f"rules digest {chars / digest:,.0f} characters/s; the longest ({len(longest.text):,} characters) "
          f"digests in {one:.3f} s (goal < 0.5 s)")
    o = overall([score_document(rules_digest(d), g) for d, g in zip(docs, gold.documents, strict=True)])
    print(f"   long reports: main targets found {o.main_recall or 0:.3f} ({o.main_found}/{o.main_total}), "
          f"kind {o.main_kind_accuracy or 0:.3f}, in the first ten {o.main_top_share or 0:.3f}; "
          f"ranges/qualifiers {o.shape_accuracy or 0:.3f} (goal >= 0.98, 0.95, 0.95)")


if __name__ == "__main__":
    main()
