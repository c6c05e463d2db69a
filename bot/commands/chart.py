"""`countybot chart COUNTY -o out.png`: the county's targets and results over time as a PNG.

Exit code 0 when the chart was written, 1 when the county is unknown or ambiguous or has no figures to
draw, 2 for a store that cannot open or a file that cannot be written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands import add_scope_option, open_service, os_reason, scopes_or_none


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("county", metavar="COUNTY", help="full or short name, simplified or traditional")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the PNG to write")
    add_scope_option(parser)


def run(args: argparse.Namespace) -> int:
    import asyncio

    scopes = scopes_or_none(args, "chart")
    if scopes is None:
        return 2
    return asyncio.run(_chart(args.county, scopes, Path(args.output)))


async def _chart(query: str, scopes: list[str], out: Path) -> int:
    from bot.render.tracking import track_text
    from bot.tracking import chart

    service = await open_service("chart")
    if service is None:
        return 2
    try:
        answer, png = await chart(service, query, scopes, more_hint="countybot track")
    finally:
        await service.close()
    if answer.status != "ok":
        print(track_text(answer), file=sys.stderr)
        return 1
    if png is None:
        print(f"countybot chart: {query} 还没有目标或实际数字可画。", file=sys.stderr)
        return 1
    try:
        out.write_bytes(png)
    except OSError as exc:
        print(f"countybot chart: 无法写入 {out}：{os_reason(exc)}", file=sys.stderr)
        return 2
    print(f"已写入 {out}（{len(png) // 1024} KB）")
    return 0
