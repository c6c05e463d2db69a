"""The small command handlers (/help, /script, /targets, /digest, /figures, subscriptions)."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.queries.targets import TargetsAnswer
from bot.render.html import esc, render_figures, render_period, render_targets
from bot.service import chat_scope
from bot.settings import format_clock, parse_clock
from bot.telegram import menu, schedule
from bot.telegram.access import ADMINS_ONLY, is_admin
from bot.telegram.place_buttons import place_buttons
from bot.telegram.reply import chat_script, get_state, reply, send_html
from bot.telegram.state import BotState
from bot.tracking import period_updates, targets_with_status
from extract.models import Script
from extract.text.loaders import SUPPORTED_DESCRIPTION

log = logging.getLogger("countybot.telegram")

HELP = f"""<b>countybot · 县域报告摘要</b>
把县政府的新闻或会议报告发给我：直接粘贴全文，或发送 {" / ".join(SUPPORTED_DESCRIPTION.split("、"))} 文件。
我会整理出哪个县、谁讲话、要点和关键数字（🎯 目标 · ✅ 实际），数字都摘自原文。

{menu.help_lines()}
群里：回复一条报告发送 /report，或发文件并在说明里写 /report；订阅和关注由群管理员设置。"""
# /start: what the bot is for in three lines and a button for each thing to try; /help has the full list
START = """<b>countybot · 县域报告摘要</b>
1. 粘贴或上传一份县政府报告，几秒后收到摘要：哪个县、谁讲话、关键数字（都摘自原文）。
2. 问某县的目标完成得怎样：/targets 县名。
3. 每天定时在本聊天收到摘要：/subscribe 08:00。全部命令见 /help。"""
START_BUTTONS = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("📄 怎么发报告", callback_data="start:send"),
            InlineKeyboardButton("🎯 查某县目标", callback_data="start:targets"),
            InlineKeyboardButton("⏰ 每日摘要", callback_data="start:daily"),
        ]
    ]
)
START_ANSWERS = {
    "send": "直接把报告全文粘贴过来（太长可以分几条连续发），或发送 "
    + " / ".join(SUPPORTED_DESCRIPTION.split("、"))
    + " 文件。在群里：回复一条报告发送 /report。",
    "targets": "发送 /targets 县名，例如 /targets 大宁：列出该县各份报告里的重点目标和完成情况；"
    "/track 县名 只看已有实际数字的目标。",
}
HINT = "这看起来不像一份报告。请粘贴报告全文或发送文件；查询某县的目标可以发送 /targets 县名。"
_SIMPLIFIED = {"简", "簡", "简体", "簡體", "简体中文", "s", "simplified", "zh-cn", "zh-hans"}
_TRADITIONAL = {"繁", "繁体", "繁體", "繁体中文", "繁體中文", "t", "traditional", "zh-tw", "zh-hant"}


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, context, HELP, quote=False)


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, context, START, quote=False, markup=START_BUTTONS)


async def on_start_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    what = (query.data or "").removeprefix("start:")
    await query.answer()
    if what == "daily":
        text = await _subscription_text(get_state(context), update.effective_chat.id)
    else:
        text = START_ANSWERS[what]
    await reply(update, context, text, quote=False)


async def cmd_script(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    arg = (context.args[0] if context.args else "").strip().lower()
    if arg in _SIMPLIFIED:
        script: Script = "simplified"
    elif arg in _TRADITIONAL:
        script = "traditional"
    else:
        await reply(update, context, "用法：/script 简 或 /script 繁")
        return
    await get_state(context).svc.set_script(update.effective_chat.id, script)
    await menu.set_chat_menu(context.bot, update.effective_chat.id, script)
    await reply(update, context, f"好的，以后用{'繁体' if script == 'traditional' else '简体'}中文回复。")


async def cmd_targets(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = " ".join(context.args or []).strip()
    if not query:
        await reply(update, context, "用法：/targets 县名，例如 /targets 大宁")
        return
    await answer_targets(update, context, query)


async def answer_targets(update: Update, context: ContextTypes.DEFAULT_TYPE, query: str) -> None:
    state = get_state(context)
    chat_id = update.effective_chat.id
    answer = await targets_with_status(state.svc, query, [chat_scope(chat_id), "public"])
    text, markup = targets_reply(answer, "t", await chat_script(state, chat_id))
    await reply(update, context, text, markup=markup)


def targets_reply(
    answer: TargetsAnswer, command: str, script: Script, *, name: str = "/targets"
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The answer's HTML and its choice buttons: the places a name may mean (长沙), the closest names to
    an unknown one, a province's namesakes (海南)."""
    places = {"ambiguous": answer.candidates, "unknown": answer.suggestions}.get(answer.status, answer.others)
    markup = place_buttons(places, command, script) if places else None
    return render_targets(answer, command=name, buttons=markup is not None), markup


async def cmd_digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    chat_id = update.effective_chat.id
    sub = await state.svc.subscription(chat_id)
    until = datetime.now(state.tz)
    digest = await state.svc.period_digest(
        [chat_scope(chat_id)],
        until - timedelta(hours=24),
        until,
        follow_counties=sub.counties if sub else None,
    )
    if not digest.totals.get("reports"):
        await reply(update, context, "过去 24 小时本聊天没有收到报告。")
        return
    digest = await period_updates(state.svc, digest, [chat_scope(chat_id), "public"])
    await reply(update, context, render_period(digest, tz=state.tz), quote=False)


async def cmd_figures(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """All figures of this chat's latest report, read from the store (so it survives restarts)."""
    state = get_state(context)
    scope = chat_scope(update.effective_chat.id)
    report_id = await state.svc.latest_report(scope)
    digest = await state.svc.report_digest(report_id, scope) if report_id is not None else None
    if digest is None:
        await reply(update, context, "还没有可以显示的报告。请先发送一份报告。")
        return
    await reply(update, context, render_figures(digest))


STALE_BUTTON = "这个按钮已失效，找不到对应的报告。请重新发送报告或发送 /figures。"
# report ids are positive and fit a signed 64-bit column (SQLite and PostgreSQL): 18 digits at most
_FIGS_DATA = re.compile(r"figs:([1-9][0-9]{0,17})")


def report_id_of(data: str | None) -> int | None:
    """The report id a figures button carries; None for anything else (forged, truncated, old format)."""
    m = _FIGS_DATA.fullmatch(data or "")
    return int(m.group(1)) if m else None


async def on_stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any button press no other handler took: answered (the client stops its spinner), nothing read."""
    if update.callback_query is not None:
        await update.callback_query.answer(STALE_BUTTON)


async def on_figures_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    state = get_state(context)
    chat_id = update.effective_chat.id
    report_id = report_id_of(query.data)
    if report_id is None:
        await query.answer(STALE_BUTTON)
        return
    # scope-checked: a button copied into another chat shows nothing of this one
    digest = await state.svc.report_digest(report_id, chat_scope(chat_id))
    if digest is None:
        await query.answer("找不到这份报告的数字，请重新发送报告。")
        return
    await query.answer()
    await send_html(context.bot, chat_id, render_figures(digest), script=await chat_script(state, chat_id))


async def cmd_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    if not context.args:  # no time: show the setting (anyone may look), never reset it
        await reply(update, context, await _subscription_text(state, update.effective_chat.id))
        return
    if not await is_admin(update, context):
        await reply(update, context, ADMINS_ONLY)
        return
    raw = context.args[0].strip()
    try:
        at = format_clock(parse_clock(raw))
    except ValueError:
        await reply(
            update,
            context,
            f"时间「{esc(raw[:20])}」看不懂。用法：/subscribe HH:MM（24 小时制），例如 /subscribe 08:00；"
            "不写时间则显示当前设置。",
        )
        return
    sub = await state.svc.subscribe(update.effective_chat.id, at, state.settings.timezone)
    schedule.schedule_subscription(context.application, sub)
    follow = "、".join(sub.counties) if sub.counties else "（还没有，发送 /follow 县名 添加）"
    await reply(
        update,
        context,
        f"✅ 已订阅：每天 {esc(at)}（{esc(sub.timezone)}）推送本聊天过去 24 小时收到的报告摘要，"
        f"以及关注县的公开报告。没有新报告的日子不打扰。\n关注的县：{esc(follow)}\n取消请发送 /unsubscribe",
    )


async def cmd_unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    if not await is_admin(update, context):
        await reply(update, context, ADMINS_ONLY)
        return
    removed = await state.svc.unsubscribe(update.effective_chat.id)
    schedule.unschedule(context.application, update.effective_chat.id)
    await reply(update, context, "已取消每日摘要。" if removed else "本聊天没有订阅每日摘要。")


async def cmd_follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    if not await is_admin(update, context):
        await reply(update, context, ADMINS_ONLY)
        return
    query = " ".join(context.args or []).strip()
    if not query:
        await reply(update, context, "用法：/follow 县名，例如 /follow 大宁")
        return
    chat_id = update.effective_chat.id
    answer = await state.svc.targets(query, [chat_scope(chat_id), "public"])
    if answer.status != "ok" or answer.county is None:
        text, markup = targets_reply(answer, "f", await chat_script(state, chat_id), name="/follow")
        await reply(update, context, text, markup=markup)
        return
    await state.svc.follow(chat_id, answer.county.name)
    tail = "" if await state.svc.subscription(chat_id) else "\n发送 /subscribe 开启每日摘要。"
    await reply(update, context, f"✅ 已关注 {esc(answer.county.name)}：每日摘要会包含它的公开报告。{tail}")


async def _subscription_text(state: BotState, chat_id: int) -> str:
    sub = await state.svc.subscription(chat_id)
    if sub is None:
        return (
            "本聊天还没有订阅每日摘要。发送 /subscribe HH:MM 开启，例如 "
            f"/subscribe {esc(state.settings.digest_time)}。"
        )
    follow = "、".join(sub.counties) if sub.counties else "（无）"
    return (
        f"当前订阅：每天 {esc(sub.time)}（{esc(sub.timezone)}）推送每日摘要。关注的县：{esc(follow)}\n"
        "改时间请发送 /subscribe HH:MM，取消请发送 /unsubscribe。"
    )
