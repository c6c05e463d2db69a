"""`countybot eval GOLD.json DOCS_DIR [--min-f1 X] [--json] [--llm]`: score the pipeline on annotated reports.

Reads countybot-gold/1 and /2 (see extract/evaluate.py for the matching rule). Runs the offline rules backend
by default, so the score is reproducible and free; --llm scores the configured LLM backend instead. Besides
figures P/R/F1 and kinds it prints, when the gold has them, the range/qualifier score and the main-target
scores (found, kind, among the first ten figures), and counties found / wrong / missing (a likely county is
marked "?"). Exit 1 when overall figures F1 (recall for a gold file
that scores only main targets) is below --min-f1 or a document could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extract.evaluate import DocScore, GoldDocument, OverallScore
    from extract.models import Digest


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("gold", metavar="GOLD.json", help="annotations (countybot-gold/1 or /2)")
    parser.add_argument("docs_dir", metavar="DOCS_DIR", help="folder the gold file names are relative to")
    parser.add_argument("--min-f1", type=float, default=None, metavar="X", help="exit 1 when figures F1 < X")
    parser.add_argument("--json", action="store_true", help="scores as one JSON object")
    parser.add_argument("--llm", action="store_true", help="score the configured LLM backend, not the rules")
    parser.add_argument("--details", action="store_true", help="list false positives, misses and kind errors")
    parser.add_argument(
        "--track",
        action="store_true",
        help="GOLD.json is a countybot-track/1 pairs file: score tracking (status and year per metric)",
    )


TOP = 10  # extract.evaluate.TOP, kept here so the CLI starts without importing the pipeline


def _extra_lines(total: OverallScore) -> list[str]:
    """The scores a gold/2 file adds: ranges and qualifiers, labels, main targets."""
    lines = []
    if total.precision is None:
        lines.append("precision not scored: the gold annotates only main targets and headline figures")
    if total.shape_scored:
        lines.append(
            f"ranges and qualifiers: {_pct(total.shape_accuracy)} ({total.shape_right}/{total.shape_scored})"
        )
    if total.labels_scored:
        share = total.labels_exact / total.labels_scored
        lines.append(f"labels exactly as the gold (normalised): {_pct(share)} "
                     f"({total.labels_exact}/{total.labels_scored})")
    if total.main_total:
        lines.append(
            f"main targets: found {_pct(total.main_recall)} ({total.main_found}/{total.main_total}), "
            f"kind {_pct(total.main_kind_accuracy)} ({total.main_kind_right}/{total.main_found}), "
            f"in the first {TOP} figures {_pct(total.main_top_share)} ({total.main_top}/{total.main_total})"
        )
    return lines


def _place_line(total: OverallScore) -> str:
    """Counties found, wrong and missing, each on its own (issue L): a wrong county is the worst error."""
    line = (
        f"counties: found {total.counties_found}/{total.counties_total}, wrong {total.counties_wrong}, "
        f"missing {total.counties_missing}"
    )
    if total.no_place_total:
        line += f"; texts naming no county: {total.no_place_right}/{total.no_place_total} given none"
    return line


def _fail(message: str) -> None:
    print(f"countybot eval: {message}", file=sys.stderr, flush=True)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _mark(ok: bool | None) -> str:
    return "—" if ok is None else ("✓" if ok else "✗")


def _county_mark(s: DocScore) -> str:
    if s.county_wrong:
        return "✗"  # wrong place (or a place for a text that names none)
    if s.county_missing:
        return "∅"
    return "✓" if s.county_found or s.expects_no_place else _mark(s.county_found)


def run(args: argparse.Namespace) -> int:
    from extract.errors import InputError
    from extract.evaluate import load_gold

    if args.track:
        from bot.commands import eval_track

        try:
            return eval_track.run(args.gold, args.docs_dir, as_json=args.json)
        except (OSError, ValueError) as exc:
            eval_track.fail(f"标注文件或文档读不了：{type(exc).__name__}")
            return 1

    try:
        gold = load_gold(args.gold)
    except InputError as exc:
        _fail(exc.user_message)
        return 1
    docs_dir = Path(args.docs_dir)
    if not docs_dir.is_dir():
        _fail(f"不是文件夹：{docs_dir}")
        return 1
    config = None
    if args.llm:
        from bot.settings import Settings

        config = Settings().llm_config()
        if not config.enabled:
            _fail("没有配置 LLM（请设置 OPENAI_API_KEY 或 OPENAI_BASE_URL），或去掉 --llm 用规则评估")
            return 1
    results, unreadable = _digest_all(gold.documents, docs_dir, config)
    return _report(results, unreadable, args)


def _digest_all(
    golds: list[GoldDocument], docs_dir: Path, config
) -> tuple[list[tuple[GoldDocument, Digest]], int]:
    """A digest per gold document; an unreadable one is scored as an empty digest (all misses)."""
    from extract.errors import InputError
    from extract.models import Digest
    from extract.pipeline import document_from_bytes, make_digest, rules_digest

    docs = []
    unreadable = 0
    for g in golds:
        path = docs_dir / g.file
        try:
            docs.append((g, document_from_bytes(path.read_bytes(), path.name)))
        except (OSError, InputError) as exc:
            from bot.commands import os_reason

            message = exc.user_message if isinstance(exc, InputError) else os_reason(exc)
            _fail(f"{path}: {message}")
            unreadable += 1
            docs.append((g, None))
    if config is None:
        return [(g, rules_digest(d) if d else Digest()) for g, d in docs], unreadable

    import asyncio

    from extract.llm.backend import LLMBackend

    async def go() -> list[tuple[GoldDocument, Digest]]:
        backend = LLMBackend(config)
        try:
            return [(g, await make_digest(d, backend) if d else Digest()) for g, d in docs]
        finally:
            await backend.aclose()

    return asyncio.run(go()), unreadable


def _report(results: list[tuple[GoldDocument, Digest]], unreadable: int, args: argparse.Namespace) -> int:
    from extract.evaluate import overall, score_document

    scores = [score_document(d, g) for g, d in results]
    total = overall(scores)
    if args.json:
        print(
            json.dumps(
                {
                    "documents": [s.model_dump(mode="json") for s in scores],
                    "overall": total.model_dump(mode="json"),
                },
                ensure_ascii=False,
            )
        )
    else:
        _print_table(results, scores, total, details=args.details)
    status = 1 if unreadable else 0
    f1 = total.f1 if total.f1 is not None else total.recall
    if args.min_f1 is not None and f1 < args.min_f1:
        name = "F1" if total.f1 is not None else "召回率"
        _fail(f"数字{name} {f1:.3f} 低于 --min-f1 {args.min_f1}")
        status = 1
    return status


def _print_table(
    results: list[tuple[GoldDocument, Digest]], scores: list[DocScore], total: OverallScore, *, details: bool
) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="countybot eval — figures by value, unit and label", title_justify="left")
    for col, justify in (
        ("file", "left"),
        ("P", "right"),
        ("R", "right"),
        ("F1", "right"),
        ("TP/FP/miss", "right"),
        ("kind", "right"),
        ("main", "right"),
        ("county", "left"),
        ("date", "left"),
    ):
        table.add_column(col, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for (_g, digest), s in zip(results, scores, strict=True):
        marked = [c.name + ("?" if c.confidence == "likely" else "") for c in digest.counties[:2]]
        county = "、".join(marked) or "—"
        date = digest.published.isoformat() if digest.published else "—"
        table.add_row(
            s.file,
            _pct(s.precision),
            _pct(s.recall),
            _pct(s.f1),
            f"{s.true_positives}/{s.false_positives}/{s.misses}",
            _pct(s.kind_accuracy) + (f" ({s.kind_right}/{s.kind_scored})" if s.kind_scored else ""),
            f"{s.main_found}/{s.main_total}" if s.main_total else "—",
            f"{_county_mark(s)} {county}",
            date if s.date_right is None else f"{_mark(s.date_right)} {date}",
        )
    table.add_section()
    table.add_row(
        f"overall ({total.documents})",
        _pct(total.precision),
        _pct(total.recall),
        _pct(total.f1),
        f"{total.true_positives}/{total.false_positives}/{total.misses}",
        _pct(total.kind_accuracy)
        + (f" ({total.kind_right}/{total.kind_scored})" if total.kind_scored else ""),
        f"{total.main_found}/{total.main_total}" if total.main_total else "—",
        f"{total.counties_found}/{total.counties_total}",
        f"{total.dates_right}/{total.dates_total}",
        style="bold",
    )
    console = Console()
    if not console.is_terminal:  # piped or captured: a fixed width that fits the table
        console = Console(width=132)
    console.print(table)
    for line in _extra_lines(total):
        console.print(line, highlight=False, markup=False)
    console.print(_place_line(total), highlight=False, markup=False)
    if details:
        for s in scores:
            for label, items in (
                ("false positives", s.false_positive_surfaces),
                ("missed", s.missed_surfaces),
                ("kind errors", s.kind_errors),
                ("range/qualifier errors", s.shape_errors),
                ("main targets missed", s.main_missed),
                (f"main targets not in the first {TOP}", s.main_not_top),
            ):
                if items:
                    console.print(f"  {s.file} {label}: " + "，".join(items), highlight=False, markup=False)
