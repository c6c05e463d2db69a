"""`countybot fix ID --county NAME --date YYYY-MM-DD`: correct a stored report's county and/or date (issue
L). The correction is stored as such (who, when, what was extracted before) and /targets, /track, charts
and exports follow it at once. ID is the report id (`countybot ingest --json` prints it).

Exit code 0 when corrected, 1 when the report, the place or the date is not right (what to do is printed),
2 for a store that cannot open."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.commands import open_service


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report_id", metavar="ID", type=int, help="the report's id")
    parser.add_argument("--county", metavar="NAME", help="the place: 临泽, 臨澤縣, 长沙市, 南京鼓楼区 …")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="the report's date (2024-01-15, 2024年1月15日)")
    parser.add_argument("--json", action="store_true", help="print the corrected digest as JSON")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from bot.fixes import parse_date

    if not args.county and not args.date:
        print("countybot fix: 请至少给出 --county 县名 或 --date YYYY-MM-DD", file=sys.stderr)
        return 1
    published = None
    if args.date:
        try:
            published = parse_date(args.date)
        except ValueError:
            published = None
        if published is None:
            print(f"countybot fix: 日期「{args.date}」不对，请写成 2024-01-15（不晚于今天）", file=sys.stderr)
            return 1
    return asyncio.run(_fix(args.report_id, args.county, published, as_json=args.json))


async def _fix(report_id: int, county: str | None, published, *, as_json: bool) -> int:
    from bot.fixes import fix_report
    from bot.render.places import ambiguous_text, unknown_text
    from bot.render.text import render_digest_text

    service = await open_service("fix")
    if service is None:
        return 2
    try:
        result = await fix_report(
            service,
            report_id,
            place=county,
            published=published,
            by=f"cli:{_user()}",
            chat_id=None,
            scopes=None,
        )
    finally:
        await service.close()
    if result.status == "not_found":
        print(f"countybot fix: 没有编号为 {report_id} 的报告", file=sys.stderr)
    elif result.status == "no_digest":
        print(f"countybot fix: 报告 {report_id} 还没有摘要（处理中或处理失败），无法更正", file=sys.stderr)
    elif result.status == "unknown_place":
        print(unknown_text(county or "", result.places, "--county", lead="找不到"), file=sys.stderr)
    elif result.status == "ambiguous_place":
        print(ambiguous_text(county or "", result.places, "--county", buttons=False), file=sys.stderr)
    if result.status != "ok" or result.digest is None:
        return 1
    if as_json:
        print(result.digest.model_dump_json(indent=2))
    else:
        print(
            f"已更正报告 {result.report_id}（更正记录 #{result.correction.id if result.correction else '?'}）"
        )
        print(render_digest_text(result.digest, color=False))
    return 0


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container): still a CLI correction
        return "?"
