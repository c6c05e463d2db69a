"""`countybot digest`: the stored reports of a period (by received time), grouped by county."""

from __future__ import annotations

import argparse

from bot.commands import add_scope_option, open_service, scopes_or_none


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {text!r}") from None
    if not 0 < value <= 24 * 3660:
        raise argparse.ArgumentTypeError("hours must be above 0 (and below ten years)")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_hours, default=24.0, metavar="HOURS", help="the last HOURS (24)")
    add_scope_option(parser)
    parser.add_argument("--json", action="store_true", help="print the digest as JSON")


def run(args: argparse.Namespace) -> int:
    import asyncio  # here, not at the top: the CLI imports every command module to build its parser

    scopes = scopes_or_none(args, "digest")
    if scopes is None:
        return 2
    return asyncio.run(_digest(args.since, scopes, as_json=args.json))


async def _digest(hours: float, scopes: list[str], *, as_json: bool) -> int:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from bot.render.text import render_period_text
    from bot.settings import get_settings
    from bot.tracking import period_updates

    settings = get_settings()
    service = await open_service("digest", settings)
    if service is None:
        return 2
    try:  # times shown in the bot's time zone
        until = datetime.now(ZoneInfo(settings.timezone))
    except (ZoneInfoNotFoundError, ValueError):
        until = datetime.now(UTC)
    try:
        pd = await service.period_digest(scopes, until - timedelta(hours=hours), until)
        pd = await period_updates(service, pd, scopes)  # earlier targets the reports answer
    finally:
        await service.close()
    print(pd.model_dump_json(indent=2) if as_json else render_period_text(pd))
    return 0
