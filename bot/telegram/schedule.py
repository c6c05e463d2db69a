"""Daily digests for subscribed chats, on PTB's JobQueue.

The store is the truth: jobs are rebuilt from Service.subscriptions() at start-up, and
Service.mark_digest_sent(chat, day) is claimed (atomically) before a digest goes out, so a chat gets
at most one digest per day even across restarts or with several workers. A digest missed while the
bot was down is sent at start-up if it is less than CATCH_UP late.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from telegram.ext import Application, ContextTypes, Job

from bot.settings import parse_clock

if TYPE_CHECKING:
    from bot.service import Subscription

log = logging.getLogger("countybot.telegram")

CATCH_UP = timedelta(hours=6)
WINDOW = timedelta(hours=24)


def job_name(chat_id: int) -> str:
    return f"daily-digest:{chat_id}"


def parse_time(text: str, tz: ZoneInfo) -> time:
    """A stored "HH:MM" (or "HH:MM:SS") in tz."""
    return parse_clock(text, seconds=True).replace(tzinfo=tz)


def unschedule(app: Application, chat_id: int) -> None:
    for job in app.job_queue.get_jobs_by_name(job_name(chat_id)):
        job.schedule_removal()


def schedule_subscription(app: Application, sub: Subscription) -> Job:
    unschedule(app, sub.chat_id)
    at = parse_time(sub.time, ZoneInfo(sub.timezone))
    return app.job_queue.run_daily(
        daily_digest_job, at, chat_id=sub.chat_id, name=job_name(sub.chat_id), data=sub.chat_id
    )


def last_due(sub: Subscription, now: datetime) -> datetime:
    """The latest scheduled moment at or before now."""
    tz = ZoneInfo(sub.timezone)
    local = now.astimezone(tz)
    at = parse_time(sub.time, tz).replace(tzinfo=None)
    due = datetime.combine(local.date(), at, tz)
    if due > local:
        due = datetime.combine(local.date() - timedelta(days=1), at, tz)
    return due


async def daily_digest_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_daily_digest(context.application, context.job.chat_id)


async def send_daily_digest(app: Application, chat_id: int, *, day: date | None = None) -> bool:
    """The chat's last 24 hours plus public reports on the counties it follows; nothing on an empty
    day. Returns whether a digest was sent."""
    from bot.render.html import render_period
    from bot.service import chat_scope
    from bot.telegram.reply import send_html

    state = app.bot_data["state"]
    service = state.svc
    sub = await service.subscription(chat_id)
    if sub is None:
        return False
    tz = ZoneInfo(sub.timezone)
    until = datetime.now(tz)
    day = day or until.date()
    if not await service.mark_digest_sent(chat_id, day):
        log.info("daily digest for chat %s on %s already sent", chat_id, day)
        return False
    digest = await service.period_digest(
        [chat_scope(chat_id)], until - WINDOW, until, follow_counties=sub.counties or None
    )
    if not digest.totals.get("reports"):
        log.info("daily digest for chat %s on %s: nothing to send", chat_id, day)
        return False
    script = (await service.chat_settings(chat_id)).script
    await send_html(
        app.bot, chat_id, render_period(digest, title="今日摘要：过去 24 小时的报告", tz=tz), script=script
    )
    log.info("daily digest sent to chat %s for %s", chat_id, day)
    return True


async def restore(app: Application, now: datetime | None = None) -> int:
    """Start-up: schedule every stored subscription and send the digests missed by < CATCH_UP.
    Returns how many catch-up digests were sent."""
    service = app.bot_data["state"].svc
    now = now or datetime.now(UTC)
    subs = await service.subscriptions()
    sent = 0
    for sub in subs:
        try:
            schedule_subscription(app, sub)
            due = last_due(sub, now)
            if now - due < CATCH_UP and not await service.digest_sent(sub.chat_id, due.date()):
                log.info("sending the missed daily digest of chat %s (due %s)", sub.chat_id, due.isoformat())
                sent += await send_daily_digest(app, sub.chat_id, day=due.date())
        except Exception:
            # one broken subscription must not keep the bot from starting
            log.exception("could not restore the subscription of chat %s", sub.chat_id)
    log.info("%d daily digest subscription(s) scheduled, %d missed digest(s) sent", len(subs), sent)
    return sent
