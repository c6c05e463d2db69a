"""Daily digests for subscribed chats, from the subscriptions table.

Every worker runs the same tick (bot/telegram/worker.py, every COUNTYBOT_SCHEDULE_TICK_S): each
subscription whose time has come today (and came after it was made) is due, on whichever worker looks
first, so a /subscribe works at once everywhere and no schedule depends on one process. The worker that
made a subscription also keeps a PTB JobQueue job for it, which fires on the minute. Either way the day
is claimed in the database first (one sender per chat and day), then sent, then marked delivered; a
failed send keeps the claim and is tried again after COUNTYBOT_DIGEST_RETRY_S by any worker, and after
COUNTYBOT_DIGEST_ATTEMPTS tries (or once it is CATCH_UP late) it is given up and reported to
COUNTYBOT_ADMIN_CHAT. A digest missed while every worker was down is sent at start-up if it is less than
CATCH_UP late.
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
    from bot.tracking import period_updates

    state = app.bot_data["state"]
    service = state.svc
    sub = await service.subscription(chat_id)
    if sub is None:
        return False
    tz = ZoneInfo(sub.timezone)
    until = datetime.now(tz)
    day = day or until.date()
    if not await service.claim_digest(chat_id, day):
        log.info("daily digest for chat %s on %s already sent or being sent", chat_id, day)
        await report_lost(app, chat_id, day, exhausted_only=True)
        return False
    try:
        digest = await service.period_digest(
            [chat_scope(chat_id)], until - WINDOW, until, follow_counties=sub.counties or None
        )
        if not digest.totals.get("reports"):
            log.info("daily digest for chat %s on %s: nothing to send", chat_id, day)
            await service.digest_done(chat_id, day, empty=True)
            return False
        # earlier targets the day's reports answer, as far as the chat can see (目标完成情况更新): a
        # convenience, so a failure here sends the digest without it rather than not at all
        try:
            digest = await period_updates(service, digest, [chat_scope(chat_id), "public"])
        except Exception:
            log.exception("target updates for chat %s failed; the digest goes without them", chat_id)
        script = (await service.chat_settings(chat_id)).script
        text = render_period(digest, title="今日摘要：过去 24 小时的报告", tz=tz)
        await send_html(app.bot, chat_id, text, script=script)
    except Exception as exc:
        # the claim stays: any worker tries again after the retry delay
        reason = type(exc).__name__
        log.warning("daily digest for chat %s on %s failed (%s); will retry", chat_id, day, reason)
        await service.digest_failed(chat_id, day)
        return False
    await service.digest_done(chat_id, day)
    log.info("daily digest sent to chat %s for %s", chat_id, day)
    return True


LOST_NOTE = "⚠️ 聊天 {chat_id} 在 {day} 的每日摘要发送失败（尝试 {attempts} 次），已放弃。"


async def report_lost(app: Application, chat_id: int, day: date, *, exhausted_only: bool) -> bool:
    """A day's digest whose tries ran out (or that is CATCH_UP late and still unsent) is recorded as lost
    by exactly one worker, which tells the admin chat."""
    state = app.bot_data["state"]
    attempts = await state.svc.lose_digest(chat_id, day, exhausted_only=exhausted_only)
    if attempts is None:
        return False
    log.error("daily digest for chat %s on %s lost after %d attempt(s)", chat_id, day, attempts)
    admin = state.settings.admin_chat
    if admin is not None:
        try:
            await app.bot.send_message(admin, LOST_NOTE.format(chat_id=chat_id, day=day, attempts=attempts))
        except Exception as exc:
            log.warning("could not tell the admin chat about a lost digest: %s", type(exc).__name__)
    return True


async def tick(app: Application, now: datetime | None = None) -> int:
    """One round of the shared schedule: every subscription due today (at or after the moment it was
    made, and less than CATCH_UP ago) is sent unless some worker claimed it; one whose claim is CATCH_UP
    late is lost. Returns how many digests this worker sent."""
    service = app.bot_data["state"].svc
    now = now or datetime.now(UTC)
    created = await service.subscriptions_created()
    sent = 0
    for sub in await service.subscriptions():
        try:
            due = last_due(sub, now)
            late = now - due
            made = created.get(sub.chat_id)
            if late >= CATCH_UP:
                await report_lost(app, sub.chat_id, due.date(), exhausted_only=False)
            else:
                state = await service.digest_state(sub.chat_id, due.date())
                if state is not None and state != "claimed":
                    continue  # delivered, empty or lost
                # a day not yet claimed is due only if the subscription existed at its time; a claimed
                # one (a failed send, or a sender that died) is retried whenever its claim ran out
                if state is None and made is not None and due.astimezone(UTC).replace(tzinfo=None) < made:
                    continue
                sent += await send_daily_digest(app, sub.chat_id, day=due.date())
        except Exception:
            log.exception("the daily digest of chat %s failed in the schedule tick", sub.chat_id)
    return sent


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
                # claimed by day, so a worker starting beside live ones never sends it a second time
                log.info("sending the missed daily digest of chat %s (due %s)", sub.chat_id, due.isoformat())
                sent += await send_daily_digest(app, sub.chat_id, day=due.date())
        except Exception:
            # one broken subscription must not keep the bot from starting
            log.exception("could not restore the subscription of chat %s", sub.chat_id)
    log.info("%d daily digest subscription(s) scheduled, %d missed digest(s) sent", len(subs), sent)
    return sent
