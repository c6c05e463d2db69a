"""`countybot targets COUNTY`: a county's key targets across the stored reports (newest first).

Exit code 0 when the county was found (even with no targets yet), 1 when the name is unknown or
ambiguous (the candidates are listed with their province and city), 2 for a store that cannot open."""

from __future__ import annotations

import argparse
import sys

from bot.commands import add_scope_option, open_service, scopes_or_none


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "county",
        metavar="COUNTY",
        nargs="+",
        help="full or short name, either script, any level (临汾, 山西); '临汾 各县': its counties",
    )
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    add_scope_option(parser)


def run(args: argparse.Namespace) -> int:
    import asyncio  # here, not at the top: the CLI imports every command module to build its parser

    scopes = scopes_or_none(args, "targets")
    if scopes is None:
        return 2
    return asyncio.run(_targets(" ".join(args.county), scopes, as_json=args.json))


async def _targets(query: str, scopes: list[str], *, as_json: bool) -> int:
    from bot.render.text import render_targets_text
    from bot.tracking import targets_with_status

    service = await open_service("targets")
    if service is None:
        return 2
    try:
        answer = await targets_with_status(service, query, scopes)  # each target with its status
    finally:
        await service.close()
    if as_json:
        print(answer.model_dump_json(indent=2))
    else:
        print(render_targets_text(answer), file=sys.stdout if answer.status == "ok" else sys.stderr)
    return 0 if answer.status == "ok" else 1
