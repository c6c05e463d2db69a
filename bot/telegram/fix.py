"""Setting a report's county and date in the chat (issue L): the buttons under a digest that found no
place, a reply to such a digest with a place's name, and /fix. Also the choice buttons of a place name
several places share (长沙: the city or the county) and of the closest names to an unknown one.

/fix numbering: the report's own number, as /reports lists it (#123) and /delete and the buttons take it
(also how the admin chat names a public report). A reply to a digest needs none; without either, the
chat's newest report."""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.fixes import FixResult, allowed_scopes, fix_report, parse_fix
from bot.models import chat_scope
from bot.queries.places import code_of, place_by_code, place_query
from bot.render.html import esc, render_digest
from bot.render.places import ambiguous_text, choice_label, unknown_text, unsure
from bot.telegram import commands, tracking
from bot.telegram.reply import chat_script, convert, get_state, reply, send_html
from bot.telegram.reports import on_text
from extract.models import County, Script

log = logging.getLogger("countybot.telegram")

USAGE = (
    "用法：回复一条摘要发送 /fix 县=县名 日期=2024-01-15，或 /fix 编号 县=县名 日期=2024-01-15"
    "（编号是 /reports 列表里 # 后面的数字，不写则是最新的一份；县和日期可只写一个，"
    "也可直接写 /fix 12 临泽 2024-01-15）。"
)
NOT_YOURS = "找不到这份报告：它可能已被删除，或不是本聊天发送的（只能更正本聊天发送的报告）。"
OTHERS = "在群里只有发送这份报告的人或群管理员可以更正它。"
NO_DIGEST = "这份报告还没有摘要（还在处理或处理失败），暂时无法更正。"


# ---- who may correct, and what ----------------------------------------------------------------------------


async def _may_correct(update: Update, context: ContextTypes.DEFAULT_TYPE, report_id: int) -> str | None:
    """None when the user may correct the report here, else why not (as delete: in a group, its sender or
    an admin)."""
    from bot.telegram.access import is_admin

    state = get_state(context)
    chat = update.effective_chat
    scopes = allowed_scopes(chat.id, state.settings.admin_chat)
    target = await state.svc.store.corrections.target(report_id)
    if target is None or target.scope not in scopes:
        return NOT_YOURS
    if chat.type == ChatType.PRIVATE or target.scope != chat_scope(chat.id):
        return None
    entry = await state.svc.store.report_list.owned_report(report_id, chat_scope(chat.id))
    user = update.effective_user
    if entry is not None and user is not None and entry.sender == f"tg:{user.id}":
        return None
    return None if await is_admin(update, context) else OTHERS


async def _apply(
    update: Update, context: ContextTypes.DEFAULT_TYPE, report_id: int, place: str | County | None, published
) -> str:
    """Correct and answer: the corrected digest, or what to do. Returns the text sent (HTML)."""
    state = get_state(context)
    chat_id = update.effective_chat.id
    script = await chat_script(state, chat_id)
    problem = await _may_correct(update, context, report_id)
    if problem:
        await send_html(context.bot, chat_id, problem, script=script)
        return problem
    user = update.effective_user
    result = await fix_report(
        state.svc,
        report_id,
        place=place,
        published=published,
        by=f"tg:{user.id}" if user else None,
        chat_id=chat_id,
        scopes=allowed_scopes(chat_id, state.settings.admin_chat),
    )
    text, markup = _answer(result, place if isinstance(place, str) else "", script)
    sent: list[int] = []
    await send_html(context.bot, chat_id, text, script=script, markup=markup, sent_ids=sent)
    if result.status == "ok":
        await state.svc.store.corrections.remember_messages(chat_id, sent, result.report_id or report_id)
        log.info("report %s corrected in chat %s", result.report_id, chat_id)
    return text


def _answer(result: FixResult, place: str, script: Script) -> tuple[str, InlineKeyboardMarkup | None]:
    if result.status == "ok" and result.digest is not None:
        what = []
        if result.county is not None:
            what.append(f"县：{result.county.name}")
        if result.published is not None:
            what.append(f"日期：{result.published.isoformat()}")
        head = f"✅ 已更正（{esc('，'.join(what))}）。目标、跟踪、图表和导出都已按更正后的信息统计。\n\n"
        return head + render_digest(result.digest, more_hint=False), None
    if result.status == "unknown_place":
        text = esc(unknown_text(place, result.places, "/fix 县="))
        return text, _fix_buttons(result, script)
    if result.status == "ambiguous_place":
        text = esc(ambiguous_text(place, result.places, "/fix 县=", buttons=True))
        return text, _fix_buttons(result, script)
    if result.status == "no_digest":
        return NO_DIGEST, None
    if result.status == "nothing":
        return USAGE, None
    return NOT_YOURS, None


def _fix_buttons(result: FixResult, script: Script) -> InlineKeyboardMarkup | None:
    rows = []
    for c in result.places[:8]:
        code = code_of(c)
        if code and result.report_id is not None:
            label = convert(choice_label(c), script)
            rows.append([InlineKeyboardButton(label, callback_data=f"fix:{result.report_id}:{code}")])
    return InlineKeyboardMarkup(rows) if rows else None


# ---- /fix -------------------------------------------------------------------------------------------------


async def _newest_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    entries = await get_state(context).svc.store.report_list.chat_reports(
        chat_scope(update.effective_chat.id), limit=1
    )
    return entries[0].id if entries else None


async def cmd_fix(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    msg = update.effective_message
    args = (msg.text or "").split(maxsplit=1)[1] if len((msg.text or "").split(maxsplit=1)) == 2 else ""
    req = parse_fix(args)
    if req.problems or (req.place is None and req.published is None):
        lead = "；".join(req.problems) + "。\n" if req.problems else ""
        await reply(update, context, esc(lead) + USAGE)
        return
    report_id = None
    replied = msg.reply_to_message
    if replied is not None and req.report_id is None:
        report_id = await state.svc.store.corrections.report_for_message(
            update.effective_chat.id, replied.message_id
        )
        if report_id is None:
            await reply(
                update, context, "这条消息不是报告摘要。请回复一条摘要，或写 /reports 里的编号。\n" + USAGE
            )
            return
    if report_id is None and req.report_id is not None:
        report_id = req.report_id  # checked against the chat's scopes in _apply
    if report_id is None:
        report_id = await _newest_report(update, context)
    if report_id is None:
        await reply(update, context, "本聊天还没有可以更正的报告。")
        return
    await _apply(update, context, report_id, req.place, req.published)


# ---- the buttons and a reply with a place's name ----------------------------------------------------------

_FIX_BUTTON = re.compile(r"^fix:(\d{1,18}):(\d{6,12})$")


async def on_fix_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    m = _FIX_BUTTON.match(query.data or "")
    place = place_by_code(m.group(2)) if m else None
    if m is None or place is None:
        await query.answer()
        return
    await query.answer()
    await _apply(update, context, int(m.group(1)), place, None)


async def on_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply to one of the bot's messages. To a digest that found no place (or only a likely one), a
    short text is that place (set as a correction); everything else is an ordinary message
    (bot/telegram/reports.py)."""
    state = get_state(context)
    msg = update.effective_message
    text = (msg.text or "").strip()
    replied = msg.reply_to_message
    if replied is not None and text and len(text) <= 30 and "\n" not in text:
        report_id = await state.svc.store.corrections.report_for_message(
            update.effective_chat.id, replied.message_id
        )
        digest = await state.svc.digest_of(report_id) if report_id is not None else None
        if digest is not None and unsure(digest):
            await _apply(update, context, report_id, text, None)
            return
    await on_text(update, context)


# ---- choosing among places (长沙: the city or the county) ----------------------------------------------

_PLACE_BUTTON = re.compile(r"^pl:([tkcef]):(\d{6,12})$")


async def on_place_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A choice among the places a name may mean: run the command for the chosen one."""
    query = update.callback_query
    m = _PLACE_BUTTON.match(query.data or "")
    place = place_by_code(m.group(2)) if m else None
    if m is None or place is None:
        await query.answer()
        return
    await query.answer()
    context.args = place_query(place).split()
    handler = {
        "t": commands.cmd_targets,
        "k": tracking.cmd_track,
        "c": tracking.cmd_chart,
        "e": tracking.cmd_export,
        "f": commands.cmd_follow,
    }[m.group(1)]
    await handler(update, context)
