"""`countybot serve [--webhook URL]`: run the Telegram bot (long polling by default)."""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--webhook",
        metavar="URL",
        help="public HTTPS URL Telegram posts updates to (PTB's webhook server, secret token); "
        "default: long polling",
    )
    parser.add_argument("--listen", default="0.0.0.0", help="webhook server address (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=8443, help="webhook server port (default 8443)")


def webhook_secret(token: str) -> str:
    import hashlib  # here, not at the top: the CLI imports every command module to build its parser

    # derived, not random: every worker behind the same URL must agree on it; never the token itself
    return hashlib.sha256(f"countybot-webhook:{token}".encode()).hexdigest()[:48]


def preflight(token: str, api_url: str) -> str | None:
    """Ask the Bot API who we are before serving: None when it answers, else the one line to print.
    PTB's own start-up would log a traceback per retry (with the token in the URL) instead."""
    import asyncio
    import logging

    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.telegram.errors import redact

    api = api_url.rstrip("/")

    async def ask() -> None:
        async with Bot(token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot") as bot:
            await bot.get_me()

    try:
        asyncio.run(ask())
    except InvalidToken:
        return "countybot serve: Telegram 不接受这个机器人令牌（请在 @BotFather 核对 TELEGRAM_BOT_TOKEN）"
    except NetworkError as exc:
        logging.getLogger("countybot.serve").warning("Bot API unreachable: %s", redact(str(exc)))
        return f"countybot serve: 连不上 Bot API（{api}），请检查网络或 TELEGRAM_API_URL"
    except TelegramError as exc:
        logging.getLogger("countybot.serve").warning("Bot API refused: %s", redact(str(exc)))
        return "countybot serve: Bot API 拒绝启动，请稍后再试（详情见日志）"
    return None


def store_problem(db: str) -> str | None:
    """Open the store (migrations included) and take a write before serving: None when it works, else
    the one line to print (as `ingest` and `targets` do). PTB's start-up would print a traceback."""
    import asyncio

    from bot.store.repo import StoreOpenError, check_store

    try:
        asyncio.run(check_store(db))
    except StoreOpenError as exc:
        return f"countybot serve: {exc}"
    return None


def run(args: argparse.Namespace) -> int:
    import logging
    from urllib.parse import urlsplit

    from pydantic import ValidationError

    from bot.settings import get_settings

    try:
        settings = get_settings()
    except ValidationError as exc:
        where = ".".join(str(x) for x in exc.errors()[0].get("loc", ()))
        hint = "请对照 .env.example"
        print(f"countybot serve: 设置有误：{where or '（未知项）'} 的值不对，{hint}", file=sys.stderr)
        return 2
    if settings.telegram_bot_token is None:
        print(
            "countybot serve: 没有设置 TELEGRAM_BOT_TOKEN"
            "（在 @BotFather 创建机器人，把令牌写入环境变量或 .env）",
            file=sys.stderr,
        )
        return 2
    if args.webhook and urlsplit(args.webhook).scheme not in ("http", "https"):
        print(f"countybot serve: --webhook 需要 http(s) 地址，而不是「{args.webhook}」", file=sys.stderr)
        return 2
    token = settings.telegram_bot_token.get_secret_value()
    from bot.service_queue import new_worker_id

    settings.worker_id = settings.worker_id or new_worker_id()  # known before the service opens

    from bot.telegram.app import build_application
    from bot.telegram.errors import configure_logging, redact

    configure_logging(token)
    log = logging.getLogger("countybot.serve")
    if problem := store_problem(settings.db):
        print(problem, file=sys.stderr)
        return 2
    if problem := preflight(token, settings.telegram_api_url):
        print(problem, file=sys.stderr)
        return 2
    if settings.allowed_chats:
        log.info("allowed chats: %s", ", ".join(str(c) for c in settings.allowed_chats))
    else:
        log.warning("COUNTYBOT_ALLOWED_CHATS is empty: the bot is open to every chat")
    try:
        app = build_application(settings, webhook=bool(args.webhook))
    except Exception as exc:  # e.g. an unknown COUNTYBOT_TIMEZONE
        log.error("cannot build the application: %s", redact(str(exc)))
        print(f"countybot serve: 无法启动：{redact(str(exc))}", file=sys.stderr)
        return 2
    from telegram.error import InvalidToken, NetworkError

    from bot.store.repo import StoreOpenError

    try:
        if args.webhook:
            path = urlsplit(args.webhook).path.strip("/")
            log.info("webhook mode: listening on %s:%d/%s", args.listen, args.port, path)
            # several workers behind one URL: say which one this is and where it listens
            wid = settings.worker_id
            print(f"countybot serve: 进程 {wid} 在 {args.listen}:{args.port}/{path} 上监听", flush=True)
            app.run_webhook(
                listen=args.listen,
                port=args.port,
                url_path=path,
                webhook_url=args.webhook,
                secret_token=webhook_secret(token),
            )
        else:
            log.info("long polling %s", settings.telegram_api_url)
            app.run_polling()
    except StoreOpenError as exc:  # the store went away between the check and start-up
        print(f"countybot serve: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:  # revoked between the pre-flight check and start-up
        print("countybot serve: Telegram 不接受这个机器人令牌（请核对 TELEGRAM_BOT_TOKEN）", file=sys.stderr)
        return 2
    except NetworkError as exc:  # start-up gave up on the Bot API
        log.error("gave up on the Bot API: %s", redact(str(exc)))
        print("countybot serve: 连不上 Bot API，已放弃（详情见日志）", file=sys.stderr)
        return 2
    return 0
