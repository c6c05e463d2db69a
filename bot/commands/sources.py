"""`countybot sources`: the list pages and feeds countybot follows by itself (issue O).

    countybot sources add URL [--county NAME] [--every 6h]   # the county: the option, else the page's
    countybot sources list [--json]
    countybot sources remove URL|ID
    countybot sources check URL                              # dry run: the links a check would take
    countybot sources import FILE.csv [--every 6h]           # county,url per line (docs/sources.example.csv)
    countybot sources run                                    # one round: due sources, new documents

`countybot serve` workers check due sources by themselves (COUNTYBOT_CRAWL); `sources run` is the same
round for a cron job or a machine without the bot.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.commands import open_service
from bot.sources.labels import county_label, every_label, parse_every, resolve_county

if TYPE_CHECKING:
    from bot.service import Service


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    add = sub.add_parser("add", help="follow a list page or feed")
    add.add_argument("url")
    add.add_argument("--county", help="the county (else read from the page)")
    add.add_argument("--every", default=None, help="how often to check: 6h (default), 30m, 1d")
    lst = sub.add_parser("list", help="the sources, their county, last check and failures")
    lst.add_argument("--json", action="store_true")
    rm = sub.add_parser("remove", help="stop following a source (its reports stay)")
    rm.add_argument("source", metavar="URL|ID")
    chk = sub.add_parser("check", help="dry run: the links a check would take now")
    chk.add_argument("url")
    imp = sub.add_parser("import", help="add sources from a CSV file: county,url per line")
    imp.add_argument("file")
    imp.add_argument("--every", default=None)
    sub.add_parser("run", help="check due sources now and digest their new documents")
    for p in sub.choices.values():  # --db after the action too (`sources add URL --db x.sqlite3`)
        p.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    import asyncio

    if not getattr(args, "action", None):
        print("用法：countybot sources add|list|remove|check|import|run …", file=sys.stderr)
        return 2
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    from bot.settings import get_settings

    settings = get_settings()
    every = settings.crawl_every_s
    if getattr(args, "every", None):
        try:
            every = parse_every(args.every)
        except ValueError as exc:
            print(f"countybot sources: {exc}", file=sys.stderr)
            return 2
    service = await open_service("sources", settings)
    if service is None:
        return 2
    try:
        action = args.action
        if action == "add":
            return await _add(service, args.url, args.county, int(every))
        if action == "list":
            return await _list(service, as_json=args.json)
        if action == "remove":
            key: str | int = int(args.source) if args.source.isdigit() else args.source
            if await service.store.sources.remove(key):
                print(f"已不再跟踪：{args.source}（已收录的报告保留）")
                return 0
            print(f"countybot sources: 没有这个来源：{args.source}", file=sys.stderr)
            return 1
        if action == "check":
            return await _check(service, args.url)
        if action == "import":
            return await _import(service, args.file, int(every))
        if action == "run":
            return await _round(service)
    finally:
        await service.close()
    return 2


def _check_url(url: str) -> str | None:
    from bot.fetch.client import check_scheme
    from bot.fetch.errors import LinkError

    try:
        check_scheme(url)
    except LinkError as exc:
        return exc.user_message
    return None


async def _add(
    service: Service, url: str, county_name: str | None, every: int, *, quiet: bool = False
) -> int:
    from bot.sources.crawler import Crawler, county_of

    bad = _check_url(url)
    if bad:
        print(f"countybot sources: {url}: {bad}", file=sys.stderr)
        return 1
    county, how, note = None, None, ""
    if county_name:
        found = resolve_county(county_name)
        if isinstance(found, str):
            print(f"countybot sources: {found}", file=sys.stderr)
            return 1
        county, how = found, "option"
    elif not quiet:
        preview = await Crawler(service).preview(url)
        if preview.error and "LinkRefused" in preview.error:  # never followed: an internal address
            print(f"countybot sources: {url}: {preview.error}", file=sys.stderr)
            return 1
        if not preview.ok or preview.listing is None:
            note = f"\n  网页暂时读不到（{preview.error}），县名将在检查时识别"
        else:
            county = county_of(preview.listing)
            how = "page" if county else None
            note = f"\n  网页上有 {len(preview.links)} 个文件链接，其中 {len(preview.new)} 个尚未收录"
            if county is None:
                note += "\n  网页没有说明是哪个县：可用 --county 指定"
    source, created = await service.store.sources.add(
        url, every_s=every, county=county, county_from=how, added_by="cli"
    )
    verb = "已添加来源" if created else "来源已存在，已更新"
    every_text = every_label(source.every_s)
    print(f"{verb} #{source.id}：{source.url}\n  {county_label(source)} · {every_text}检查{note}")
    return 0


async def _list(service: Service, *, as_json: bool) -> int:
    import json

    sources = await service.store.sources.all()
    if as_json:
        rows = [
            {
                "id": s.id, "url": s.url, "county": s.county, "city": s.city, "province": s.province,
                "county_from": s.county_from, "kind": s.kind, "every_s": s.every_s,
                "last_checked": s.last_checked.isoformat() + "Z" if s.last_checked else None,
                "last_ok": s.last_ok.isoformat() + "Z" if s.last_ok else None,
                "next_check": s.next_check.isoformat() + "Z", "documents": s.documents,
                "failures": s.failures, "paused": s.paused, "last_error": s.last_error,
            }
            for s in sources
        ]  # fmt: skip
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not sources:
        print(
            "还没有来源。用 countybot sources add URL 添加，或 countybot sources import FILE.csv 批量导入。"
        )
        return 0
    for s in sources:
        state = "⏸ 已暂停" if s.paused else (f"⚠️ 连续失败 {s.failures} 次" if s.failures else "正常")
        checked = f"{s.last_checked:%Y-%m-%d %H:%M} UTC" if s.last_checked else "尚未检查"
        print(f"#{s.id} {s.url}\n  {county_label(s)} · {every_label(s.every_s)} · 上次检查 {checked}", end="")
        print(f" · 已收录 {s.documents} 篇 · {state}" + (f"（{s.last_error}）" if s.last_error else ""))
    return 0


async def _check(service: Service, url: str) -> int:
    from bot.sources.crawler import Crawler, county_of

    bad = _check_url(url)
    if bad:
        print(f"countybot sources: {url}: {bad}", file=sys.stderr)
        return 1
    preview = await Crawler(service).preview(url)
    if not preview.ok or preview.listing is None:
        print(f"countybot sources: {url}: {preview.error or '读取失败'}", file=sys.stderr)
        return 1
    county = county_of(preview.listing)
    kind = "订阅源（RSS/Atom）" if preview.kind == "feed" else "列表页"
    print(f"{kind}：{preview.listing.title or url}（读了 {preview.pages} 页）")
    print(f"县：{county[0] if county else '网页没有说明（可用 --county 指定）'}")
    print(f"会收录 {len(preview.new)} 个新链接（共 {len(preview.links)} 个，已收录的不再抓取）：")
    for link in preview.new:
        print(f"  + {link}")
    for link in preview.disallowed:
        print(f"  ✗ {link}（robots.txt 不允许）")
    for link, why in preview.skipped.items():
        print(f"  ✗ {link}（{why}）")
    return 0


async def _import(service: Service, path: str, every: int) -> int:
    import csv
    from pathlib import Path

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"countybot sources: 读不了 {path}：{type(exc).__name__}", file=sys.stderr)
        return 2
    added = failed = 0
    for n, row in enumerate(csv.reader(text.splitlines()), 1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if n == 1 and cells[0].lower() in ("county", "县", "县名"):
            continue  # the header line
        if len(cells) < 2 or not cells[1]:
            print(f"第 {n} 行：应为「县名,网址」", file=sys.stderr)
            failed += 1
            continue
        code = await _add(service, cells[1], cells[0] or None, every, quiet=True)
        if code:
            print(f"  （第 {n} 行）", file=sys.stderr)
            failed += 1
        else:
            added += 1
    print(f"导入完成：{added} 个来源" + (f"，{failed} 行有问题（见上）" if failed else ""))
    return 1 if failed else 0


async def _round(service: Service) -> int:
    from bot.sources.crawler import Crawler

    results, statuses = await Crawler(service).run_round(left_over=True)
    failed = [r for r in results if not r.ok]
    print(
        f"检查了 {len(results)} 个来源，新文件 {len(statuses)} 篇：摘要 {statuses.count('done')} 篇，"
        f"重复 {statuses.count('duplicate')} 篇，失败 {statuses.count('failed')} 篇"
    )
    for r in failed:
        print(f"  ⚠️ {r.url}：{r.error}" + ("（已暂停）" if r.paused else ""))
    return 0
