"""Sources in the bot (issue O): /watch URL and /unwatch for chat admins, and the crawl round every worker
runs (bot/telegram/worker.py) — due sources claimed like reports, a paused source reported to the admin
chat (and to the chat that watches it) by the one worker that paused it.

Reports from sources are public, so a source is a claim about the public corpus: a chat may /watch only
an official site (a host under .gov.cn); the admin chat (COUNTYBOT_ADMIN_CHAT) and the CLI may add any.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import ContextTypes

from bot.render.html import esc
from bot.telegram.access import is_admin
from bot.telegram.reply import get_state, reply

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.store.sources import SourceInfo

log = logging.getLogger("countybot.telegram")

WATCH_ADMINS_ONLY = "只有群管理员可以设置自动跟踪的网站。"
WATCH_USAGE = (
    "用法：/watch 网址 —— 自动跟踪一个县政府网站的栏目（政府工作报告、政务公开、统计公报的列表页，或 RSS），"
    "新文件会自动收录并进入每日摘要。例如 /watch https://www.example.gov.cn/zwgk/zfgzbg/"
)
OFFICIAL_ONLY = "只能跟踪政府网站（网址以 .gov.cn 结尾）。其他网站的文章可以直接把链接发给我。"


def official(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.endswith(".gov.cn")


async def cmd_watch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from bot.fetch.client import check_scheme
    from bot.fetch.errors import LinkError
    from bot.sources.crawler import Crawler, county_of
    from bot.sources.labels import county_label, every_label

    state = get_state(context)
    chat_id = update.effective_chat.id
    if not context.args:
        await reply(update, context, await _watched_text(state, chat_id))
        return
    if not await is_admin(update, context):
        await reply(update, context, WATCH_ADMINS_ONLY)
        return
    url = context.args[0].strip()
    try:
        check_scheme(url)
    except LinkError as exc:
        await reply(update, context, f"{esc(exc.user_message)}\n{WATCH_USAGE}")
        return
    if chat_id != state.settings.admin_chat and not official(url):
        await reply(update, context, OFFICIAL_ONLY)
        return
    svc = state.svc
    preview = await Crawler(svc).preview(url)
    if not preview.ok or preview.listing is None:
        from bot.fetch.errors import LinkRefused

        if preview.error and LinkRefused.__name__ in preview.error:
            await reply(update, context, esc(LinkRefused.user_message))
            return
        await reply(update, context, "这个网址暂时打不开，没有添加。请检查网址，或稍后再试。")
        return
    county = county_of(preview.listing)
    user = update.effective_user
    source, created = await svc.store.sources.add(
        url,
        every_s=int(state.settings.crawl_every_s),
        county=county,
        county_from="page" if county else None,
        added_by=f"tg:{user.id}" if user else "tg",
        chat_id=chat_id,
    )
    lines = [
        f"✅ {'已开始' if created else '已在'}自动跟踪：{esc(source.url)}",
        f"{esc(county_label(source))} · {every_label(source.every_s)}检查"
        f" · 网页上现有 {len(preview.links)} 个文件链接",
    ]
    if source.county:
        await svc.follow(chat_id, source.county)
        lines.append(
            f"本聊天已关注 {esc(source.county)}：新文件收录后会出现在每日摘要里（/subscribe 开启）。"
        )
    else:
        lines.append("网页上看不出是哪个县：收录的文件按各自内容归县。")
    lines.append("停止跟踪请发送 /unwatch 网址。")
    await reply(update, context, "\n".join(lines))


async def cmd_unwatch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = get_state(context)
    chat_id = update.effective_chat.id
    if not context.args:
        await reply(
            update, context, await _watched_text(state, chat_id) + "\n用法：/unwatch 网址 或 /unwatch 编号"
        )
        return
    if not await is_admin(update, context):
        await reply(update, context, WATCH_ADMINS_ONLY)
        return
    key = context.args[0].strip().lstrip("#")
    source = await state.svc.store.sources.get(int(key) if key.isdigit() else key)
    if source is None or (source.chat_id != chat_id and chat_id != state.settings.admin_chat):
        await reply(update, context, "本聊天没有跟踪这个网址。发送 /watch 查看正在跟踪的网站。")
        return
    await state.svc.store.sources.remove(source.id)
    await reply(update, context, f"已停止跟踪：{esc(source.url)}（已收录的报告保留）")


async def _watched_text(state, chat_id: int) -> str:  # type: ignore[no-untyped-def]
    from bot.sources.labels import county_label

    mine = await state.svc.store.sources.all(
        chat_id=None if chat_id == state.settings.admin_chat else chat_id
    )
    if not mine:
        return WATCH_USAGE
    lines = ["正在自动跟踪："]
    for s in mine[:30]:
        flag = " ⏸ 已暂停" if s.paused else (f" ⚠️ 连续失败 {s.failures} 次" if s.failures else "")
        lines.append(f"#{s.id} {esc(s.url)} · {esc(county_label(s))} · 已收录 {s.documents} 篇{flag}")
    return "\n".join(lines)


async def crawl_round(app: Application) -> int:
    """Every due source, checked by this worker (others take the rest). Returns new documents taken."""
    from bot.sources.crawler import PAUSED_NOTE, Crawler

    state = app.bot_data["state"]

    async def paused(source: SourceInfo, failures: int, error: str) -> None:
        text = PAUSED_NOTE.format(url=source.url, failures=failures, error=error)
        for chat in {state.settings.admin_chat, source.chat_id} - {None}:
            try:
                await app.bot.send_message(chat, text)
            except Exception as exc:
                log.warning(
                    "could not report paused source %d to %s: %s", source.id, chat, type(exc).__name__
                )

    # the documents are digested in this round, beside (not in) the slots people's reports use
    results, _statuses = await Crawler(state.svc, on_paused=paused).run_round()
    return sum(len(r.report_ids) for r in results)
