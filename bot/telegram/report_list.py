"""A chat's reports in the chat: /reports with its buttons (📄 the digest again, 🗑 delete), /delete, /search,
and the reply to an edited message.

Every query is scoped: a chat sees its own reports and public ones, and lists or deletes only its own
(buttons are checked against the chat they are pressed in, so a button copied elsewhere does nothing)."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import report_list
from bot.models import chat_scope
from bot.render.html import esc, render_digest
from bot.render.report_list import entry_line, reports_html, search_html
from bot.telegram.access import is_admin
from bot.telegram.reply import chat_script, convert, get_state, reply, send_html

REPORTS_SHOWN = 10
EDITED = "编辑过的消息不会被重新读取。如需更正，请把修改后的完整报告重新发送一次。"
DELETE_OTHERS = "只有发送这份报告的人或群管理员可以删除它。"
_NO_REPORT = "找不到这份报告：它可能已被删除，或不是本聊天发送的。"


def _query(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(context.args or []).strip()


def _scopes(chat_id: int) -> list[str]:
    return [chat_scope(chat_id), "public"]


async def cmd_search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = _query(context)
    if not query:
        await reply(update, context, "用法：/search 关键词，例如 /search 光伏 或 /search 大宁 5.8%")
        return
    found = await report_list.search(get_state(context).svc, _scopes(update.effective_chat.id), query)
    await reply(update, context, search_html(query, found))


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
    entries = await report_list.chat_reports(get_state(context).svc, scope, limit=REPORTS_SHOWN)
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
    entry = await report_list.owned_report(state.svc, report_id, chat_scope(chat_id))
    if entry is None:
        return _NO_REPORT
    if not await _may_delete(update, context, entry.sender):
        return DELETE_OTHERS
    gone = "原文、摘要、数字、县的关联和 AI 缓存都会删除，无法恢复。"
    text = f"确定删除这份报告吗？\n{esc(entry_line(entry))}\n{gone}"
    await send_html(
        context.bot, chat_id, text, script=await chat_script(state, chat_id), markup=_confirm(report_id)
    )
    return None


async def cmd_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/delete [编号]: without a number, this chat's latest report."""
    state = get_state(context)
    scope = chat_scope(update.effective_chat.id)
    arg = _query(context).lstrip("#")
    if arg and not arg.isdecimal():
        await reply(update, context, "用法：/delete 或 /delete 编号（编号是 /reports 列表里 # 后面的数字）")
        return
    if len(arg) > 18:  # as the buttons' pattern: no report has such a number (and 64 bits would overflow)
        await reply(update, context, _NO_REPORT)
        return
    if arg:
        report_id: int | None = int(arg)
    else:
        latest = await report_list.chat_reports(state.svc, scope, limit=1)
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
        entry = await report_list.owned_report(state.svc, report_id, scope)
        if entry is None or not await _may_delete(update, context, entry.sender):
            await query.answer(convert(_NO_REPORT if entry is None else DELETE_OTHERS, script)[:200])
            return
        gone = await report_list.delete_report(state.svc, report_id, scope)
        await query.answer()
        text = f"🗑 已删除：{esc(entry_line(entry))}" if gone else _NO_REPORT
        await send_html(context.bot, chat_id, text, script=script)


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
