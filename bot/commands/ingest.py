"""`countybot ingest PATH...`: store reports (files or folders) and digest them.

Folders are read one level deep unless --recursive: a reports folder often holds reference copies or
other material in sub-folders (seeds/normalized/ has the normalised text of the same seed reports, which
must not count as separate reports). In folders only supported report types are taken
(extract.text.loaders.SUPPORTED_EXTENSIONS); every file a folder holds that is not taken is listed as
skipped, with the reason (gold.json, .xlsx, .png, hidden files, sub-folders without --recursive). A file
named explicitly is always tried and an unsupported one is listed as failed. A file over the upload
limit fails before it is read: nothing is stored for it, as in the bot, which refuses it from the
message before downloading. Exit code 1 when any file failed (skipped ones do not count; the batch
still runs to the end).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands import open_service, os_reason

# a pending report older than this was abandoned by a crashed process (a live one finishes far sooner)
STALE_S = 300.0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="report files or folders, or http(s) links")
    parser.add_argument(
        "--urls", metavar="FILE", help="a file of links, one per line (blank lines and # comments ignored)"
    )
    parser.add_argument("--scope", default="public", help="'public' (default), 'chat:<id>' or a chat id")
    parser.add_argument("-r", "--recursive", action="store_true", help="descend into sub-folders")
    parser.add_argument("--offline", action="store_true", help="rules only, never call the LLM")
    parser.add_argument("--json", action="store_true", help="print one JSON object: totals and each file")


Listing = tuple[list[Path], list[tuple[str, str]], list[tuple[str, str]]]


def collect(paths: list[str], recursive: bool) -> Listing:
    """Files to ingest in a stable order, the paths that fail before reading (missing, unsupported),
    and what folders hold that is not taken (skipped), each with its reason."""
    from extract.errors import UnsupportedTypeError
    from extract.text.loaders import SUPPORTED_EXTENSIONS as SUPPORTED

    files: list[Path] = []
    failures: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            for f in sorted(p.rglob("*") if recursive else p.iterdir()):
                hidden = any(part.startswith(".") for part in f.relative_to(p).parts)
                if hidden and any(part.startswith(".") for part in f.parent.relative_to(p).parts):
                    continue  # inside a hidden folder: the folder itself is listed
                if hidden:
                    skipped.append((str(f), "隐藏文件或文件夹"))
                elif f.is_dir():
                    if not recursive:
                        skipped.append((str(f), "子文件夹（加 --recursive 一并读取）"))
                elif not f.is_file():
                    skipped.append((str(f), "不是普通文件"))
                elif f.suffix.lower() not in SUPPORTED:
                    skipped.append((str(f), f"不支持的文件类型（{f.suffix or '无扩展名'}）"))
                else:
                    files.append(f)
        elif p.is_file():
            if p.suffix and p.suffix.lower() not in SUPPORTED:
                failures.append((raw, UnsupportedTypeError.user_message))
            else:
                files.append(p)
        else:
            failures.append((raw, "找不到该文件或文件夹。"))
    return files, failures, skipped


def run(args: argparse.Namespace) -> int:
    import asyncio  # here, not at the top: the CLI imports every command module to build its parser

    from bot.service import parse_scope

    try:
        scope = parse_scope(args.scope)
    except ValueError as exc:
        print(f"countybot ingest: {exc}", file=sys.stderr)
        return 2
    links, paths = _links(args)
    if links is None:
        return 2
    if not links and not paths:
        print("countybot ingest: 请给出文件、文件夹、链接或 --urls 文件", file=sys.stderr)
        return 2
    files, failures, skipped = collect(paths, args.recursive)
    return asyncio.run(
        _ingest(files, failures, skipped, scope, use_llm=not args.offline, as_json=args.json, links=links)
    )


def _links(args: argparse.Namespace) -> tuple[list[str] | None, list[str]]:
    """(links, paths): arguments with a scheme are links (issue M), then the lines of --urls FILE."""
    links = [p for p in args.paths if "://" in p]
    paths = [p for p in args.paths if "://" not in p]
    if args.urls:
        try:
            lines = Path(args.urls).expanduser().read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            why = os_reason(exc) if isinstance(exc, OSError) else "不是 UTF-8 文本"
            print(f"countybot ingest: --urls {args.urls}：无法读取（{why}）", file=sys.stderr)
            return None, paths
        links += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return list(dict.fromkeys(links)), paths


def _too_large(path: Path, limit: int) -> str | None:
    from extract.errors import TooLargeError

    try:
        size = path.stat().st_size
    except OSError:
        return None  # reading it will say why
    if size <= limit:
        return None
    return f"{TooLargeError.user_message}（{size / 2**20:.1f} MB，上限 {limit / 2**20:g} MB；未保存）"


async def _ingest(
    files: list[Path],
    failures: list[tuple[str, str]],
    skipped: list[tuple[str, str]],
    scope: str,
    *,
    use_llm: bool,
    as_json: bool = False,
    links: list[str] | None = None,
) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bot.settings import get_settings

    settings = get_settings()
    service = await open_service("ingest", settings)
    if service is None:
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
            task = progress.add_task("收录", total=len(files) + len(links or []))
            for url in links or []:  # issue M: each link stored, then fetched by the service
                progress.update(task, description=url[:40])
                outcome = await _submit_link(service, scope, url, use_llm)
                counts[outcome.status] += 1
                items.append(_json_item(Path(url), outcome) | {"path": url})
                if outcome.status == "failed":
                    failures.append((url, outcome.error or "处理失败。"))
                progress.advance(task)
            for path in files:
                progress.update(task, description=path.name[:40])
                if too_large := _too_large(path, settings.max_upload_bytes):
                    failures.append((str(path), too_large))  # nothing stored, as in the bot
                    counts["failed"] += 1
                    progress.advance(task)
                    continue
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    failures.append((str(path), f"无法读取文件：{os_reason(exc)}"))
                    counts["failed"] += 1
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
    total = len(files) + len(links or []) + failed - counts["failed"]
    if as_json:
        _print_json(scope, total, counts, failed, resumed, items, failures, skipped)
        return 1 if failures else 0
    print(
        f"共 {total} 份，范围 {scope}：新增 {counts['done']} 份，重复 {counts['duplicate']} 份，"
        f"失败 {failed} 份"
    )
    if resumed:
        print(f"另外处理完了上次运行留下的 {resumed} 份报告")
    if failures:
        print("失败：")
        for path, reason in failures:
            print(f"  {path}: {reason}")
    if skipped:
        print(f"跳过 {len(skipped)} 个（不是报告）：")
        for path, reason in skipped:
            print(f"  {path}: {reason}")
    return 1 if failures else 0


async def _submit_link(service, scope: str, url: str, use_llm: bool):  # type: ignore[no-untyped-def]
    from bot.fetch.errors import LinkSchemeError
    from bot.models import ReportOutcome
    from bot.service_links import LINK_FILENAME

    if not url.lower().startswith(("http://", "https://")):  # nothing to store: refused as written
        return ReportOutcome(report_id=0, status="failed", digest=None, error=LinkSchemeError.user_message)
    data = url.encode("utf-8")
    return await service.submit(scope=scope, sender="cli", data=data, filename=LINK_FILENAME, use_llm=use_llm)


def _json_item(path: Path, outcome: object) -> dict:
    """One file's --json entry. `report_id` is the stored report holding the file's text and digest —
    its own, or None for a duplicate, whose text is report `duplicate_of`'s. `received_id` is the row that
    records this send: for a duplicate a row of its own that points at `duplicate_of` and keeps no text
    (the bot's /reports lists such rows); None when nothing was stored."""
    from bot.models import ReportOutcome

    assert isinstance(outcome, ReportOutcome)
    d = outcome.digest
    received = outcome.report_id or None  # 0: nothing stored (a link refused as written)
    return {
        "path": str(path),
        "report_id": None if outcome.status == "duplicate" else received,
        "received_id": received,
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
    skipped: list[tuple[str, str]],
) -> None:
    import json

    read = {i["path"] for i in items}
    items += [  # failed before anything was stored: the same keys, nothing to point at
        {
            "path": p, "report_id": None, "received_id": None, "status": "failed", "duplicate_of": None,
            "error": reason, "title": None, "published": None, "counties": [], "figures": 0, "targets": 0,
        }
        for p, reason in failures
        if p not in read
    ]  # fmt: skip
    data = {
        "scope": scope,
        "files": total,
        "new": counts["done"],
        "duplicate": counts["duplicate"],
        "failed": failed,
        "resumed": resumed,
        "reports": items,
        "skipped": [{"path": p, "reason": reason} for p, reason in skipped],
    }
    print(json.dumps(data, ensure_ascii=False, indent=2))
