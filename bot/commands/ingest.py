"""`countybot ingest PATH...`: store reports (files or folders) and digest them.

Folders are read one level deep unless --recursive: a reports folder often holds reference copies or
other material in sub-folders (seeds/normalized/ has the normalised text of the same seed reports, which
must not count as separate reports). In folders only supported report types are taken
(extract.text.loaders.SUPPORTED_EXTENSIONS; gold.json and the like are skipped); a file named
explicitly is always tried and an unsupported one is listed as failed. Exit code 1 when any file
failed (the batch still runs to the end).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# a pending report older than this was abandoned by a crashed process (a live one finishes far sooner)
STALE_S = 300.0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="report files or folders")
    parser.add_argument("--scope", default="public", help="'public' (default), 'chat:<id>' or a chat id")
    parser.add_argument("-r", "--recursive", action="store_true", help="descend into sub-folders")
    parser.add_argument("--offline", action="store_true", help="rules only, never call the LLM")
    parser.add_argument("--json", action="store_true", help="print one JSON object: totals and each file")


def collect(paths: list[str], recursive: bool) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to ingest, in a stable order, and the paths that fail before reading (missing, unsupported)."""
    from extract.errors import UnsupportedTypeError
    from extract.text.loaders import SUPPORTED_EXTENSIONS as SUPPORTED

    files: list[Path] = []
    failures: list[tuple[str, str]] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            found = p.rglob("*") if recursive else p.iterdir()
            files.extend(
                sorted(
                    f
                    for f in found
                    if f.is_file()
                    and f.suffix.lower() in SUPPORTED
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                )
            )
        elif p.is_file():
            if p.suffix and p.suffix.lower() not in SUPPORTED:
                failures.append((raw, UnsupportedTypeError.user_message))
            else:
                files.append(p)
        else:
            failures.append((raw, "找不到该文件或文件夹。"))
    return files, failures


def run(args: argparse.Namespace) -> int:
    import asyncio  # here, not at the top: the CLI imports every command module to build its parser

    from bot.service import parse_scope

    try:
        scope = parse_scope(args.scope)
    except ValueError as exc:
        print(f"countybot ingest: {exc}", file=sys.stderr)
        return 2
    files, failures = collect(args.paths, args.recursive)
    return asyncio.run(_ingest(files, failures, scope, use_llm=not args.offline, as_json=args.json))


async def _ingest(
    files: list[Path], failures: list[tuple[str, str]], scope: str, *, use_llm: bool, as_json: bool = False
) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bot.service import Service, StoreOpenError
    from bot.settings import get_settings

    try:
        service = await Service.create(get_settings())
    except StoreOpenError as exc:
        print(f"countybot ingest: {exc}", file=sys.stderr)
        return 2
    counts = {"done": 0, "duplicate": 0, "failed": 0}
    items: list[dict] = []  # --json: one entry per file read
    try:
        resumed = await service.resume_pending(older_than_s=STALE_S, use_llm=use_llm)
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        with progress:
            task = progress.add_task("ingest", total=len(files))
            for path in files:
                progress.update(task, description=path.name[:40])
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    failures.append((str(path), f"无法读取文件：{exc.strerror or exc}"))
                else:
                    outcome = await service.submit(
                        scope=scope, sender="cli", data=data, filename=path.name, use_llm=use_llm
                    )
                    counts[outcome.status] += 1
                    items.append(_json_item(path, outcome))
                    if outcome.status == "failed":
                        failures.append((str(path), outcome.error or "处理失败。"))
                progress.advance(task)
    finally:
        await service.close()

    failed = len(failures)
    total = len(files) + failed - counts["failed"]
    if as_json:
        _print_json(scope, total, counts, failed, resumed, items, failures)
        return 1 if failures else 0
    print(
        f"{total} file(s), scope {scope}: "
        f"{counts['done']} new, {counts['duplicate']} duplicate, {failed} failed"
    )
    if resumed:
        print(f"also finished {resumed} report(s) left pending by an earlier run")
    if failures:
        print("failed:")
        for path, reason in failures:
            print(f"  {path}: {reason}")
    return 1 if failures else 0


def _json_item(path: Path, outcome: object) -> dict:
    from bot.models import ReportOutcome

    assert isinstance(outcome, ReportOutcome)
    d = outcome.digest
    return {
        "path": str(path),
        "report_id": outcome.report_id,
        "status": outcome.status,
        "duplicate_of": outcome.duplicate_of,
        "error": outcome.error,
        "title": d.title if d else None,
        "published": d.published.isoformat() if d and d.published else None,
        "counties": [c.name for c in d.counties] if d else [],
        "figures": len(d.figures) if d else 0,
        "targets": sum(f.kind == "target" for f in d.figures) if d else 0,
    }


def _print_json(
    scope: str,
    total: int,
    counts: dict[str, int],
    failed: int,
    resumed: int,
    items: list[dict],
    failures: list[tuple[str, str]],
) -> None:
    import json

    read = {i["path"] for i in items}
    items += [
        {"path": p, "report_id": None, "status": "failed", "error": reason}
        for p, reason in failures
        if p not in read
    ]
    data = {
        "scope": scope,
        "files": total,
        "new": counts["done"],
        "duplicate": counts["duplicate"],
        "failed": failed,
        "resumed": resumed,
        "reports": items,
    }
    print(json.dumps(data, ensure_ascii=False, indent=2))
