"""`countybot track COUNTY`: the county's targets that later reports answered (已完成 / 接近目标 / 未完成 /
进行中), newest period first, each with both figures, their dates and sources.

Exit code 0 when the county was found, 1 when the name is unknown or ambiguous, 2 for a store that cannot
open."""

from __future__ import annotations

import argparse
import sys

from bot.commands import add_scope_option, open_service, scopes_or_none


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("county", metavar="COUNTY", help="full or short name, simplified or traditional")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    add_scope_option(parser)


def run(args: argparse.Namespace) -> int:
    import asyncio

    scopes = scopes_or_none(args, "track")
    if scopes is None:
        return 2
    return asyncio.run(_track(args.county, scopes, as_json=args.json))


async def _track(query: str, scopes: list[str], *, as_json: bool) -> int:
    from bot.render.tracking import track_text
    from bot.tracking import track

    service = await open_service("track")
    if service is None:
        return 2
    try:
        answer = await track(service, query, scopes)
    finally:
        await service.close()
    if as_json:
        print(answer.model_dump_json(indent=2))
    else:
        print(track_text(answer), file=sys.stdout if answer.status == "ok" else sys.stderr)
    return 0 if answer.status == "ok" else 1
