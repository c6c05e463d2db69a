"""The one Application builder, its start-up/shutdown hooks, and an in-process runner.

`countybot serve` calls build_application() then run_polling()/run_webhook(), which call on_startup /
on_shutdown as PTB's post_init / post_shutdown. Tests and the bench use `running()`, which drives
the same application through the same hooks without taking over the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.telegram import (
    commands,
    durable,
    fix,
    menu,
    pictures,
    report_list,
    reports,
    schedule,
    sources,
    tracking,
    uploads,
)
from bot.telegram.access import gate
from bot.telegram.durable import DurableUpdates, WorkerApplication
from bot.telegram.errors import install_token_redaction, on_error
from bot.telegram.joiner import StoredJoiner
from bot.telegram.state import BotState
from bot.telegram.worker import Worker

if TYPE_CHECKING:
    from bot.service import Service
    from bot.settings import Settings

log = logging.getLogger("countybot.telegram")

CONCURRENT_UPDATES = 256
RATE_LIMIT_RETRIES = 3  # RetryAfter: wait as told, then try again


class RateLimiter(AIORateLimiter):
    """AIORateLimiter for messages. Chat actions ("typing…", one per chat every few seconds) are not
    messages: queueing them behind a burst would only delay the digests waiting behind them."""

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[override]
        if endpoint == "sendChatAction":
            return await callback(*args, **kwargs)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


def build_application(
    settings: Settings, *, service: Service | None = None, webhook: bool = False
) -> Application:
    """Bot API root from TELEGRAM_API_URL (`<root>/bot`, `<root>/file/bot`), flood limits with
    AIORateLimiter, updates handled concurrently (one report at a time per chat: BotState.locks)."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    token = settings.telegram_bot_token.get_secret_value()
    install_token_redaction(token)
    ZoneInfo(settings.timezone)  # a wrong COUNTYBOT_TIMEZONE fails here, not at the first digest
    api = settings.telegram_api_url.rstrip("/")
    updates = DurableUpdates(durable.WAIT_S if webhook else 0.0)  # webhook: 200 once the update is stored
    app = (
        Application.builder()
        .application_class(WorkerApplication)
        .update_queue(updates)
        .token(token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .rate_limiter(RateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(CONCURRENT_UPDATES)
        .read_timeout(30)  # file downloads up to 20 MB
        .write_timeout(30)
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
        .build()
    )
    state = app.bot_data["state"] = BotState(settings=settings, service=service, owns_service=service is None)
    # paste parts go to the database on arrival and are joined by whichever worker gets there first
    state.joiner = StoredJoiner(
        settings.join_window_s, lambda: state.svc, min_part=settings.join_min_chars
    )
    app.bot_data["updates"] = updates
    register(app)
    app.add_error_handler(on_error)
    return app


def register(app: Application) -> None:
    """The handlers: the allowlist gate first (group -1), then commands, the figures button, files, text."""
    messages = filters.UpdateType.MESSAGE  # not edits, not channel posts
    app.add_handler(TypeHandler(Update, gate), group=-1)
    for names, callback in (
        (("start",), commands.cmd_start),
        (("help",), commands.cmd_help),
        (("targets",), commands.cmd_targets),
        (("script",), commands.cmd_script),
        (("digest",), commands.cmd_digest),
        (("figures",), commands.cmd_figures),
        (("report",), reports.cmd_report),
        (("subscribe",), commands.cmd_subscribe),
        (("unsubscribe",), commands.cmd_unsubscribe),
        (("follow",), commands.cmd_follow),
        (("track",), tracking.cmd_track),
        (("chart",), tracking.cmd_chart),
        (("export",), tracking.cmd_export),
        (("reports",), report_list.cmd_reports),
        (("delete",), report_list.cmd_delete),
        (("search",), report_list.cmd_search),
        (("following",), tracking.cmd_following),
        (("unfollow",), tracking.cmd_unfollow),
        (("fix",), fix.cmd_fix),
        (("watch",), sources.cmd_watch),  # issue O
        (("unwatch",), sources.cmd_unwatch),
    ):
        app.add_handler(CommandHandler(names, callback, filters=messages))
    app.add_handler(CallbackQueryHandler(commands.on_figures_button, pattern=r"^figs:"))
    app.add_handler(CallbackQueryHandler(commands.on_start_button, pattern=r"^start:(send|targets|daily)$"))
    app.add_handler(CallbackQueryHandler(report_list.on_report_button, pattern=r"^rep:\w+:\d{1,18}$"))
    app.add_handler(CallbackQueryHandler(fix.on_fix_button, pattern=r"^fix:"))  # a county for a report
    app.add_handler(CallbackQueryHandler(fix.on_place_button, pattern=r"^pl:"))  # 长沙: city or county
    app.add_handler(CallbackQueryHandler(commands.on_stale_button))  # validated there: never an error
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, report_list.on_edited))
    app.add_handler(MessageHandler(messages & filters.Document.ALL, reports.on_document))
    # a reply with a place's name to a digest that found none (anything else goes on to on_text)
    app.add_handler(MessageHandler(messages & filters.REPLY & filters.TEXT & ~filters.COMMAND, fix.on_reply))
    app.add_handler(MessageHandler(messages & filters.PHOTO, pictures.on_picture))  # OCR (issue M)
    app.add_handler(
        MessageHandler(messages & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, reports.on_text)
    )
    not_taken = (
        filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE | filters.ANIMATION
        | filters.Sticker.ALL | filters.LOCATION | filters.VENUE | filters.CONTACT | filters.POLL
    )  # fmt: skip
    app.add_handler(MessageHandler(messages & not_taken, pictures.on_not_taken))
    # a later group: runs for every command, answers only those no CommandHandler of group 0 took
    app.add_handler(MessageHandler(messages & filters.COMMAND, pictures.on_unknown_command), group=1)


async def set_commands(app: Application) -> None:
    await menu.set_default_menus(app.bot)  # every command, one line each (bot/telegram/menu.py)


async def on_startup(app: Application) -> None:
    state: BotState = app.bot_data["state"]
    if state.service is None:
        from bot.service import Service

        state.service = await Service.create(state.settings)
    # reports left by a stopped or dead worker (this one earlier, or another) are the queue runner's:
    # it starts at once, beside the updates, and never takes a report a live worker holds
    state.svc.on_durable = app.bot_data[
        "updates"
    ].stored  # the webhook may answer once a part/report is stored
    worker = app.bot_data["worker"] = Worker(app)
    await worker.start()
    # uploads Telegram would not hand over are retried alongside serving, never before it
    app.bot_data["backlog"] = asyncio.create_task(finish_backlog(app), name="backlog")
    try:
        await set_commands(app)
    except TelegramError as exc:  # the menu is a convenience: never a reason not to start
        log.warning("could not register the command menu: %s", exc)
    await schedule.restore(app)
    log.info("countybot is up as @%s (worker %s)", app.bot.username, state.svc.worker_id)


async def finish_backlog(app: Application) -> None:
    """Uploads stored while Telegram would not hand them over (reports left pending by a crash are the
    queue runner's, bot/telegram/worker.py)."""
    from bot.service import scope_chat

    state: BotState = app.bot_data["state"]
    try:
        for row, ref in await uploads.stored_uploads(state):
            chat_id = scope_chat(row.scope)
            if chat_id is not None and not await uploads.retry_stored(app, row.id, ref, chat_id):
                uploads.retry_later(app, row.id, ref, chat_id)
    except asyncio.CancelledError:
        raise
    except Exception:  # the bot keeps serving; what is left stays pending for the next start
        log.exception("finishing the backlog failed")


async def on_shutdown(app: Application) -> None:
    state: BotState = app.bot_data["state"]
    # unfinished work stays pending (claimed) and is resumed at the next start
    tasks = [app.bot_data.pop("backlog", None), *app.bot_data.pop("upload_retries", set())]
    for task in tasks:
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    worker = app.bot_data.pop("worker", None)
    if worker is not None:
        await worker.stop()
    if state.owns_service and state.service is not None:
        await state.service.close()
        state.service = None


@asynccontextmanager
async def running(app: Application, *, poll_timeout: float = 10) -> AsyncIterator[Application]:
    """Run the application with long polling inside the current event loop (tests, bench)."""
    await app.initialize()
    try:
        await on_startup(app)
        await app.start()
        await app.updater.start_polling(timeout=int(poll_timeout), poll_interval=0)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
    finally:
        await on_shutdown(app)
        await app.shutdown()
