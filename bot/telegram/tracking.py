"""A county's targets and results in the chat: /track, /chart (a PNG), /export (a CSV; 对照 for the
tracking view), and the counties a chat follows (/following, /unfollow). A chat's reports are
bot/telegram/report_list.py.

Every query is scoped: a chat sees its own reports and public ones."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction, ParseMode
from telegram.ext import ContextTypes

from bot import tracking
from bot.models import chat_scope
from bot.queries.track import TrackAnswer
from bot.render.html import esc
from bot.render.tracking import not_found_html, track_html
from bot.telegram.access import ADMINS_ONLY, is_admin
from bot.telegram.place_buttons import place_buttons
from bot.telegram.reply import chat_script, convert, get_state, reply

log = logging.getLogger("countybot.telegram")


def _query(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(context.args or []).strip()


def _scopes(chat_id: int) -> list[str]:
    return [chat_scope(chat_id), "public"]


async def _choices(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answer: TrackAnswer, command: str
) -> InlineKeyboardMarkup | None:
    """A button per place the name may mean, or per closest name (issue L; bot/telegram/fix.py)."""
    places = answer.candidates if answer.status == "ambiguous" else answer.suggestions
    if answer.status == "ok" or not places:
        return None
    return place_buttons(places, command, await chat_script(get_state(context), update.effective_chat.id))


async def cmd_track(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = _query(context)
    if not query:
        await reply(update, context, "用法：/track 县名，例如 /track 大宁")
        return
    answer = await tracking.track(get_state(context).svc, query, _scopes(update.effective_chat.id))
    await reply(update, context, track_html(answer), markup=await _choices(update, context, answer, "k"))


async def cmd_chart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = _query(context)
    if not query:
        await reply(update, context, "用法：/chart 县名，例如 /chart 大宁")
        return
    state = get_state(context)
    chat_id = update.effective_chat.id
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    script = await chat_script(state, chat_id)
    answer, png = await tracking.chart(state.svc, query, _scopes(chat_id), script=script)
    if answer.status != "ok" or answer.county is None:
        markup = await _choices(update, context, answer, "c")
        await reply(update, context, not_found_html(answer, "/chart"), markup=markup)
        return
    if png is None:
        await reply(update, context, f"{esc(answer.county.name)} 还没有目标或实际数字可以画图。")
        return
    # the chart's own title says 目标与实际, or 实际数字变化 for a county with results only
    caption = f"<b>{esc(tracking.county_title(answer.county))}</b> 图表（◇ 目标 · ● 实际）\n/track 看文字版"
    await context.bot.send_photo(
        chat_id,
        InputFile(png, filename=convert(f"{answer.county.name}.png", script)),
        caption=convert(caption, script),
        parse_mode=ParseMode.HTML,
    )


TRACK_WORDS = ("对照", "對照", "完成情况", "完成情況")  # /export 大宁 对照: the tracking view


async def cmd_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    words = _query(context).split()
    track = bool(words) and words[-1] in TRACK_WORDS
    query = " ".join(words[:-1] if track else words)
    if not query:
        await reply(
            update,
            context,
            "用法：/export 县名，例如 /export 大宁（每个数字一行的 CSV 文件，可用 Excel 打开）；"
            "/export 大宁 对照：每个目标一行，目标、实际、差值和完成情况对照。",
        )
        return
    state = get_state(context)
    chat_id = update.effective_chat.id
    script = await chat_script(state, chat_id)
    answer, data, n = await tracking.export(
        state.svc, query, _scopes(chat_id), "csv", track=track, script=script
    )
    if answer.status != "ok" or answer.county is None:
        markup = await _choices(update, context, answer, "e")
        await reply(update, context, not_found_html(answer, "/export"), markup=markup)
        return
    if not n:
        what = "目标" if track else "数字"
        await reply(update, context, f"{esc(answer.county.name)} 还没有可以导出的{what}。")
        return
    if track:
        caption = f"{esc(answer.county.name)}：{n} 项目标的完成情况对照（UTF-8 CSV，可直接用 Excel 打开）"
        name = f"{answer.county.name}-完成情况.csv"
    else:
        caption = f"{esc(answer.county.name)}：{n} 个数字（UTF-8 CSV，可直接用 Excel 打开）"
        name = f"{answer.county.name}-数字.csv"
    await context.bot.send_document(
        chat_id,
        InputFile(data, filename=convert(name, script)),
        caption=convert(caption, script),
        parse_mode=ParseMode.HTML,
    )


# ---- follows ----------------------------------------------------------------------------------------


async def cmd_following(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    chat_id = update.effective_chat.id
    counties = await state.svc.followed(chat_id)
    sub = await state.svc.subscription(chat_id)
    lines = [
        "关注的县："
        + ("、".join(esc(c) for c in counties) if counties else "（还没有，发送 /follow 县名 添加）")
    ]
    if sub:
        lines.append(f"每日摘要：每天 {esc(sub.time)}（{esc(sub.timezone)}）推送。")
    else:
        lines.append("每日摘要：未订阅（发送 /subscribe 08:00 开启）。")
    await reply(update, context, "\n".join(lines))


async def cmd_unfollow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    if not await is_admin(update, context):
        await reply(update, context, ADMINS_ONLY)
        return
    query = _query(context)
    if not query:
        await reply(update, context, "用法：/unfollow 县名，例如 /unfollow 大宁")
        return
    chat_id = update.effective_chat.id
    followed = await state.svc.followed(chat_id)
    name = query if query in followed else None
    if name is None:
        _, found = await tracking.find_county(state.svc, query)
        names = [c.name for c in found if c.name in followed]
        name = names[0] if len(names) == 1 else None
    if name is None or not await state.svc.unfollow(chat_id, name):
        now = "、".join(followed) if followed else "（无）"
        await reply(update, context, f"本聊天没有关注「{esc(query[:20])}」。关注的县：{esc(now)}")
        return
    await reply(update, context, f"已取消关注 {esc(name)}：每日摘要不再包含它的公开报告。")
