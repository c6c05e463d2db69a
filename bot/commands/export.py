"""`countybot export COUNTY|--all [--csv|--json] -o FILE`: every figure of a county (or of every county)
with its report, period and target status. CSV is UTF-8 with a BOM so Excel opens it; `-o -` writes to
stdout.

Exit code 0 when written, 1 when the county is unknown or ambiguous, 2 for a store that cannot open or a
file that cannot be written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands import add_scope_option, open_service, os_reason, scopes_or_none


def configure(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("county", nargs="?", metavar="COUNTY", help="full or short name")
    which.add_argument("--all", action="store_true", help="every county with stored figures")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--csv", dest="fmt", action="store_const", const="csv", help="CSV (the default)")
    fmt.add_argument("--json", dest="fmt", action="store_const", const="json", help="JSON")
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the file to write, - for stdout"
    )
    parser.add_argument(
        "--track", action="store_true", help="the tracking view: a row per target with its result (对照)"
    )
    add_scope_option(parser)


def run(args: argparse.Namespace) -> int:
    import asyncio

    scopes = scopes_or_none(args, "export")
    if scopes is None:
        return 2
    query = None if args.all else args.county
    return asyncio.run(_export(query, scopes, args.fmt or "csv", args.output, track=args.track))


async def _export(query: str | None, scopes: list[str], fmt: str, output: str, *, track: bool = False) -> int:
    from bot.render.tracking import track_text
    from bot.tracking import export

    service = await open_service("export")
    if service is None:
        return 2
    try:
        answer, data, n = await export(service, query, scopes, fmt, track=track)  # type: ignore[arg-type]
    finally:
        await service.close()
    if answer.status != "ok":
        print(track_text(answer), file=sys.stderr)
        return 1
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        print(f"countybot export: 无法写入 {output}：{os_reason(exc)}", file=sys.stderr)
        return 2
    print(f"已写入 {output}：{n} 行", file=sys.stderr)
    return 0
