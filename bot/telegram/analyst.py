"""The analyst's commands: /track, /chart (a PNG), /export (a CSV), /reports with its buttons, /delete,
/search, /following, /unfollow, and the reply to an edited message.

Every query is scoped: a chat sees its own reports and public ones, and lists or deletes only its own
(buttons are checked against the chat they are pressed in, so a button copied elsewhere does nothing)."""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.ext import ContextTypes

from bot import analyst
from bot.models import chat_scope
from bot.queries.track import TrackAnswer
from bot.render.analyst import entry_line, not_found_html, reports_html, search_html, track_html
from bot.render.html import esc, render_digest
from bot.telegram.access import ADMINS_ONLY, is_admin
from bot.telegram.reply import chat_script, convert, get_state, reply, send_html

log = logging.getLogger("countybot.telegram")

REPORTS_SHOWN = 10
EDITED = "编辑过的消息不会被重新读取。如需更正，请把修改后的完整报告重新发送一次。"
DELETE_OTHERS = "只有发送这份报告的人或群管理员可以删除它。"
_NO_REPORT = "找不到这份报告：它可能已被删除，或不是本聊天发送的。"


def _query(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(context.args or []).strip()


def _scopes(chat_id: int) -> list[str]:
    return [chat_scope(chat_id), "public"]


async def _choices(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answer: TrackAnswer, command: str
) -> InlineKeyboardMarkup | None:
    """A button per place the name may mean, or per closest name (issue L; bot/telegram/fix.py)."""
    from bot.telegram.fix import place_buttons

    places = answer.candidates if answer.status == "ambiguous" else answer.suggestions
    if answer.status == "ok" or not places:
        return None
    return place_buttons(places, command, await chat_script(get_state(context), update.effective_chat.id))


async def cmd_track(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = _query(context)
    if not query:
        await reply(update, context, "用法：/track 县名，例如 /track 大宁")
        return
    answer = await analyst.track(get_state(context).svc, query, _scopes(update.effective_chat.id))
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
    answer, png = await analyst.chart(state.svc, query, _scopes(chat_id), script=script)
    if answer.status != "ok" or answer.county is None:
        markup = await _choices(update, context, answer, "c")
        await reply(update, context, not_found_html(answer, "/chart"), markup=markup)
        return
    if png is None:
        await reply(update, context, f"{esc(answer.county.name)} 还没有目标或实际数字可以画图。")
        return
    # the chart's own title says 目标与实际, or 实际数字变化 for a county with results only
    caption = f"<b>{esc(analyst.county_title(answer.county))}</b> 图表（◇ 目标 · ● 实际）\n/track 看文字版"
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
    answer, data, n = await analyst.export(
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


async def cmd_search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = _query(context)
    if not query:
        await reply(update, context, "用法：/search 关键词，例如 /search 光伏 或 /search 大宁 5.8%")
        return
    found = await analyst.search(get_state(context).svc, _scopes(update.effective_chat.id), query)
    await reply(update, context, search_html(query, found))


# ---- /reports, /delete and their buttons ---------------------------------------------------------------


def _buttons(entries: list) -> InlineKeyboardMarkup:
    rows = []
    for r in entries:  # labelled with the number the list shows and /delete takes
        row = [InlineKeyboardButton(f"🗑 #{r.id}", callback_data=f"rep:del:{r.id}")]
        if r.status in ("done", "duplicate"):
            row.insert(0, InlineKeyboardButton(f"📄 #{r.id}", callback_data=f"rep:show:{r.id}"))
        rows.append(row)
    return InlineKeyboardMarkup(rows)


async def cmd_reports(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    scope = chat_scope(update.effective_chat.id)
    entries = await analyst.chat_reports(get_state(context).svc, scope, limit=REPORTS_SHOWN)
    await reply(update, context, reports_html(entries), markup=_buttons(entries) if entries else None)


def _confirm(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("确认删除", callback_data=f"rep:yes:{report_id}"),
                InlineKeyboardButton("取消", callback_data=f"rep:no:{report_id}"),
            ]
        ]
    )


async def _may_delete(update: Update, context: ContextTypes.DEFAULT_TYPE, sender: str | None) -> bool:
    if update.effective_chat.type == ChatType.PRIVATE:
        return True
    user = update.effective_user
    return (user is not None and sender == f"tg:{user.id}") or await is_admin(update, context)


async def _ask_delete(update: Update, context: ContextTypes.DEFAULT_TYPE, report_id: int) -> str | None:
    """The confirmation question with its buttons, or why not (returned as a short message)."""
    state = get_state(context)
    chat_id = update.effective_chat.id
    entry = await analyst.owned_report(state.svc, report_id, chat_scope(chat_id))
    if entry is None:
        return _NO_REPORT
    if not await _may_delete(update, context, entry.sender):
        return DELETE_OTHERS
    text = f"确定删除这份报告吗？\n{esc(entry_line(entry))}\n原文、摘要、数字和县的关联都会删除，无法恢复。"
    await send_html(
        context.bot, chat_id, text, script=await chat_script(state, chat_id), markup=_confirm(report_id)
    )
    return None


async def cmd_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/delete [编号]: without a number, this chat's latest report."""
    state = get_state(context)
    scope = chat_scope(update.effective_chat.id)
    arg = _query(context).lstrip("#")
    if arg and not arg.isdigit():
        await reply(update, context, "用法：/delete 或 /delete 编号（编号是 /reports 列表里 # 后面的数字）")
        return
    if arg:
        report_id: int | None = int(arg)
    else:
        latest = await analyst.chat_reports(state.svc, scope, limit=1)
        report_id = latest[0].id if latest else None
    if report_id is None:
        await reply(update, context, "本聊天没有可以删除的报告。")
        return
    problem = await _ask_delete(update, context, report_id)
    if problem:
        await reply(update, context, problem)


_BUTTON = re.compile(r"^rep:(show|del|yes|no):(\d+)$")


async def on_report_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    m = _BUTTON.match(query.data or "")
    if m is None:
        await query.answer()
        return
    action, report_id = m.group(1), int(m.group(2))
    state = get_state(context)
    chat_id = update.effective_chat.id
    scope = chat_scope(chat_id)
    script = await chat_script(state, chat_id)
    if action == "show":
        digest = await state.svc.report_digest(report_id, scope)  # scope-checked
        if digest is None:
            await query.answer(convert(_NO_REPORT, script)[:200], show_alert=True)
            return
        await query.answer()
        sent: list[int] = []  # a reply to the digest shown again (a place's name, /fix) finds the report
        text = render_digest(digest, more_hint=False)
        await send_html(context.bot, chat_id, text, script=script, sent_ids=sent)
        await state.svc.store.corrections.remember_messages(chat_id, sent, report_id)
    elif action == "del":
        problem = await _ask_delete(update, context, report_id)
        await query.answer(convert(problem, script)[:200] if problem else None, show_alert=bool(problem))
    elif action == "no":
        await query.answer(convert("已取消，报告保留。", script))
    else:
        entry = await analyst.owned_report(state.svc, report_id, scope)
        if entry is None or not await _may_delete(update, context, entry.sender):
            await query.answer(convert(_NO_REPORT if entry is None else DELETE_OTHERS, script)[:200])
            return
        gone = await analyst.delete_report(state.svc, report_id, scope)
        await query.answer()
        text = f"🗑 已删除：{esc(entry_line(entry))}" if gone else _NO_REPORT
        await send_html(context.bot, chat_id, text, script=script)


# ---- follows, edits ----------------------------------------------------------------------------------------


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
        _, found = await analyst.find_county(state.svc, query)
        names = [c.name for c in found if c.name in followed]
        name = names[0] if len(names) == 1 else None
    if name is None or not await state.svc.unfollow(chat_id, name):
        now = "、".join(followed) if followed else "（无）"
        await reply(update, context, f"本聊天没有关注「{esc(query[:20])}」。关注的县：{esc(now)}")
        return
    await reply(update, context, f"已取消关注 {esc(name)}：每日摘要不再包含它的公开报告。")


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edit is never re-read (the first version may already be digested): say so. In groups only
    for edits of a /report message, so ordinary edits in a busy group stay quiet."""
    msg = update.edited_message
    if msg is None:
        return
    text = msg.text or msg.caption or ""
    if update.effective_chat.type != ChatType.PRIVATE and "/report" not in text:
        return
    await reply(update, context, EDITED)
