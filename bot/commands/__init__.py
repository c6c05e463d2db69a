"""One module per CLI subcommand: configure(parser) and run(args) -> int."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.service import Service
    from bot.settings import Settings


# Cyclic garbage collection waits while a quick command starts (issue N): a cold start allocates
# long-lived objects only (modules, compiled patterns, pydantic schemas), so its collections free nothing
# yet cost ~7 ms of a ~0.18 s `summarize --offline`. bot.cli pauses it; `normalize` and `summarize` resume
# it after their first report, every other command once its module is loaded, main() always on return.
# (The flag lives here, imported once, not in bot.cli, which `python -m bot.cli` would load twice.)
_gc_paused = False  # pause_gc() turned collection off (never set when a caller had it off already)


def pause_gc() -> None:
    global _gc_paused
    if gc.isenabled():
        gc.disable()
        _gc_paused = True


def resume_gc() -> None:
    """Turn cyclic garbage collection back on if pause_gc() turned it off."""
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        gc.enable()


_OS_REASONS = {  # errno -> what a user reads; the OS's own strerror is English
    "ENOENT": "文件或文件夹不存在",
    "EACCES": "没有权限",
    "EPERM": "没有权限",
    "EISDIR": "这是一个文件夹，不是文件",
    "ENOTDIR": "路径中有一段不是文件夹",
    "ENOSPC": "磁盘已满",
    "EROFS": "只读文件系统",
    "EEXIST": "已经存在",
    "ENAMETOOLONG": "路径太长",
}


def os_reason(exc: OSError) -> str:
    """An OSError as a short Chinese reason (the errno's name kept for anything unmapped)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _OS_REASONS.get(name, f"系统错误 {name}" if name else "系统错误")


def max_upload_bytes() -> int:
    """COUNTYBOT_MAX_UPLOAD_MB for commands that need no other setting (`normalize`): Settings (and
    pydantic-settings, a quarter of a cold start) is built only when the environment or ./.env names it."""
    import os

    from extract.text.loaders import DEFAULT_MAX_BYTES

    name = "COUNTYBOT_MAX_UPLOAD_MB"  # pydantic-settings reads names case-insensitively
    named = any(k.upper() == name for k in os.environ)
    if not named:
        try:
            named = name in Path(".env").read_text(encoding="utf-8", errors="replace").upper()
        except OSError:
            named = False
    if not named:
        return DEFAULT_MAX_BYTES
    from bot.settings import get_settings

    return get_settings().max_upload_bytes


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

    settings = settings or get_settings()
    note_old_store(settings)
    try:
        return await Service.create(settings)
    except StoreOpenError as exc:
        print(f"countybot {command}: {exc}", file=sys.stderr)
        return None


def store_label(settings: Settings) -> str:
    """The store in use, for people: a SQLite file's path, else the URL without its password."""
    from bot.store.db import database_url, is_memory

    url = database_url(settings.db)
    if url.get_backend_name() == "sqlite":
        return "内存数据库" if is_memory(url) else str(Path(url.database or "").resolve())
    return url.render_as_string(hide_password=True)


def note_old_store(settings: Settings) -> None:
    """The store used to default to ./data/countybot.sqlite3: a folder that still has one is told where the
    store is now and how to keep using the old one (on stderr, so --json output stays clean)."""
    from bot.settings import OLD_DEFAULT_DB

    if not settings.db_is_default or not OLD_DEFAULT_DB.is_file():
        return
    old = OLD_DEFAULT_DB.resolve()
    if str(old) == store_label(settings):
        return
    print(
        f"注意：当前目录下有旧的数据库 {old}；现在默认使用 {store_label(settings)}。"
        f"要继续用旧库，请加 --db {old}（或设置 COUNTYBOT_DB）。",
        file=sys.stderr,
    )
