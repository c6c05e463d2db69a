"""`countybot llm log [--json] [-n N]`: the LLM call log, newest first (time, model, mode, tokens,
latency, outcome), like simonw/llm's `llm logs`; from the bot's database and the CLI's JSONL file.
`countybot llm log --show N`: call N of that list whole — its prompt, the model's answer (both redacted)
and what of the answer was not taken, and why. Calls are numbered from the first one logged, like a shell's
history, so a number stays the same call as new calls arrive (the list shows the newest, highest, first).
Times in COUNTYBOT_TIMEZONE, zone written.
`countybot llm status`: does the configured server answer? One 1-token completion, one line.

Exit codes: log 0 (1 for a --show number with no call, 2 when the database cannot open); status 0
answers, 1 does not, 2 no LLM configured.
Errors are summarised by category (extract/llm/notices) and never echo the server's text.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import tzinfo

    from bot.settings import Settings
    from extract.llm.calllog import CallRecord


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="llm_command", metavar="SUBCOMMAND", required=True)
    log = sub.add_parser("log", help="the LLM call log, newest first")
    log.add_argument("-n", type=int, default=20, metavar="N", help="how many calls (default 20; 0 = all)")
    log.add_argument("--json", action="store_true", help="one JSON object per line")
    log.add_argument(
        "--show",
        type=int,
        metavar="N",
        help="print call N of the list whole (a number stays its call as calls arrive): prompt, answer, "
        "what was not taken and why",
    )
    sub.add_parser("status", help="does the configured LLM server answer?")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from bot.settings import get_settings

    settings = get_settings()
    if args.llm_command == "status":
        return asyncio.run(_status(settings))
    if args.show is not None:
        return asyncio.run(_show(settings, args.show, as_json=args.json))
    return asyncio.run(_log(settings, max(0, args.n), as_json=args.json))


# -- log ----------------------------------------------------------------------------------------------
class _Logs:
    """The CLI's JSONL log (read whole: it holds this machine's CLI calls) and the bot's llm_calls table if
    its database exists (read by the rows needed). Calls are numbered 1.. from the first one logged."""

    def __init__(self, settings: Settings) -> None:
        from extract.llm.calllog import JsonlCallLog

        self.settings = settings
        self.jsonl = JsonlCallLog(settings.data_dir / "llm" / "llm_calls.jsonl").read()
        self.store = None

    async def __aenter__(self) -> _Logs:
        from bot.service import open_store
        from bot.store.db import database_url, is_memory

        url = database_url(self.settings.db)
        missing = url.get_backend_name() == "sqlite" and (is_memory(url) or not _exists(url.database or ""))
        if not missing:  # never create a database just to read it
            self.store = await open_store(self.settings.db)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.store is not None:
            await self.store.close()

    async def _table(self, limit: int, *, oldest_first: bool = False) -> tuple[list[CallRecord], int]:
        if self.store is None:
            return [], 0
        from bot.store.llm import StoreCallLog

        return await StoreCallLog(self.store).read_counted(limit, oldest_first=oldest_first)

    async def newest(self, limit: int) -> tuple[list[CallRecord], int]:
        """The newest `limit` calls (0: all), newest first, and the newest's number."""
        table, counted = await self._table(limit or 1_000_000_000)
        records = sorted([*self.jsonl, *table], key=lambda r: r.time, reverse=True)
        return (records[:limit] if limit else records), len(self.jsonl) + counted

    async def number(self, n: int) -> tuple[CallRecord | None, int]:
        """Call `n` and how many there are; reads only the rows between it and the nearer end of the table."""
        total = len(self.jsonl) + (await self.store.llm.count_calls() if self.store is not None else 0)
        if not 1 <= n <= total:
            return None, total
        if n <= total // 2:  # nearer the first: the first n of each log hold it
            table, _ = await self._table(n, oldest_first=True)
            return sorted([*self.jsonl, *table], key=lambda r: r.time)[n - 1], total
        for _ in range(3):  # nearer the newest; again if the bot logged calls meanwhile
            records, now = await self.newest(total - n + 1)
            if now == total:
                return records[total - n], total
            total = now
        records, total = await self.newest(0)
        return records[total - n], total


def _exists(path: str) -> bool:
    from pathlib import Path

    return Path(path).exists()


def _zone(settings: Settings) -> tzinfo:
    from datetime import UTC
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(settings.timezone)
    except (ValueError, KeyError):  # an unknown zone is refused by `serve`; the log still reads in UTC
        return UTC


async def _log(settings: Settings, limit: int, *, as_json: bool) -> int:
    from bot.service import StoreOpenError

    try:
        async with _Logs(settings) as logs:
            records, total = await logs.newest(limit)
    except StoreOpenError as exc:
        print(f"countybot llm log: {exc}", file=sys.stderr)
        return 2
    if as_json:
        for r in records:
            print(r.model_dump_json())
        return 0
    if not records:
        print("还没有 LLM 调用记录。")
        return 0
    from bot.render.calllog import HEADER, call_row

    zone = _zone(settings)
    print(HEADER)
    for i, r in enumerate(records):
        print(call_row(total - i, r, zone))
    print("看某次调用的提示、回答和未采用的内容：countybot llm log --show 编号")
    return 0


async def _show(settings: Settings, n: int, *, as_json: bool) -> int:
    from bot.render.calllog import call_text
    from bot.service import StoreOpenError

    try:
        async with _Logs(settings) as logs:
            rec, total = await logs.number(n)
    except StoreOpenError as exc:
        print(f"countybot llm log: {exc}", file=sys.stderr)
        return 2
    if rec is None:
        have = "还没有调用记录" if not total else f"现有 {total} 次，编号 1–{total}，{total} 是最新的一次"
        print(f"countybot llm log: 没有编号为 {n} 的调用（{have}）", file=sys.stderr)
        return 1
    print(rec.model_dump_json() if as_json else call_text(n, rec, _zone(settings)))
    return 0


# -- status -------------------------------------------------------------------------------------------
async def _status(settings: Settings) -> int:
    import time

    import openai

    from extract.llm.backend import PLACEHOLDER_KEY
    from extract.llm.redact import register_secret
    from extract.llm.transport import failure_kind, log_url

    config = settings.llm_config()
    if not config.enabled:
        print("未配置 LLM（OPENAI_API_KEY / OPENAI_BASE_URL 均未设置），使用规则摘要。")
        return 2
    key = config.api_key.get_secret_value() if config.api_key else PLACEHOLDER_KEY
    register_secret(key if config.api_key else None)
    where = f"{log_url(config.base_url)} · {config.model}"
    client = openai.AsyncOpenAI(
        api_key=key or PLACEHOLDER_KEY, base_url=config.base_url, timeout=config.timeout_s, max_retries=0
    )
    t0 = time.perf_counter()
    try:
        await client.chat.completions.create(
            model=config.model, messages=[{"role": "user", "content": "ok"}], max_tokens=1
        )
    except openai.APIError as exc:
        reason = _REASONS.get(failure_kind(exc), "返回错误")
        status = getattr(exc, "status_code", None)
        print(f"LLM 服务不可用：{where}：{reason}{f'（HTTP {status}）' if status else ''}")
        return 1
    finally:
        await client.close()
    print(f"LLM 服务正常：{where}，{(time.perf_counter() - t0) * 1000:.0f} ms")
    return 0


_REASONS = {
    "unreachable": "连不上",
    "timeout": "响应超时",
    "auth": "密钥被拒绝",
    "quota": "额度不足或限流",
    "error": "返回错误",
}
