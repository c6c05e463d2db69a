"""One module per CLI subcommand: configure(parser) and run(args) -> int."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.service import Service
    from bot.settings import Settings


def add_scope_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scope",
        action="append",
        metavar="SCOPE",
        help="'public' (default), 'chat:<id>' or a chat id; repeat for several",
    )


def scopes_or_none(args: argparse.Namespace, command: str) -> list[str] | None:
    """The --scope values as store scopes; None (after one line on stderr) when one is malformed."""
    from bot.service import parse_scope

    try:
        return [parse_scope(s) for s in (args.scope or ["public"])]
    except ValueError as exc:
        print(f"countybot {command}: {exc}", file=sys.stderr)
        return None


async def open_service(command: str, settings: Settings | None = None) -> Service | None:
    """The store-backed service every store command works through; None (after one line on stderr)
    when the store cannot be opened."""
    from bot.service import Service, StoreOpenError
    from bot.settings import get_settings

    try:
        return await Service.create(settings or get_settings())
    except StoreOpenError as exc:
        print(f"countybot {command}: {exc}", file=sys.stderr)
        return None
