"""Reports shared as links (issue M): a message that is, or contains, a link is read from the web.

The link itself is stored as the report before anything is fetched (nothing a user sent is lost); the
service fetches it when it processes the report (bot/service_links.py), under the SSRF guard and limits
of bot/fetch. A pasted report that merely mentions a link stays a paste. In groups a link is read only
when the message is addressed to the bot (a mention, a reply to it, or /report in reply to the link).
"""

from __future__ import annotations

from telegram import Message, MessageEntity, Update
from telegram.ext import ContextTypes

from bot.fetch.errors import LinkSchemeError
from bot.fetch.report import find_links
from bot.render.html import esc
from bot.service_links import LINK_FILENAME
from bot.telegram.intake import process_report
from bot.telegram.intents import cjk_count, looks_like_report
from bot.telegram.reply import get_state, reply

ACK_LINK = "🔗 已收到链接，正在读取网页并生成摘要……"
TOO_MANY = "一条消息最多读取 {n} 个链接，其余的请分开发送。"
# a message with this much text besides its links is a paste that mentions a link, not a shared link
PASTE_CJK = 200


def hidden_links(msg: Message) -> list[str]:
    """Links behind words (Telegram `text_link` entities, as in forwarded channel posts)."""
    entities = msg.entities or msg.caption_entities or ()
    return [e.url for e in entities if e.type == MessageEntity.TEXT_LINK and e.url]


def shared_links(text: str, hidden: list[str] | None = None) -> list[str]:
    """The links a message shares: [] when it has none or is a pasted report that mentions one."""
    links = list(dict.fromkeys([*find_links(text), *(hidden or [])]))
    if not links:
        return []
    rest = text
    for link in links:
        rest = rest.replace(link, " ")
    if cjk_count(rest) >= PASTE_CJK and looks_like_report(rest):
        return []
    return links


async def on_links(
    update: Update, context: ContextTypes.DEFAULT_TYPE, links: list[str], *, reply_to: int | None = None
) -> None:
    """Each link (up to the setting) becomes a report; a non-web link gets its message at once."""
    state = get_state(context)
    limit = state.settings.links_per_message
    for url in links[:limit]:
        if not url.lower().startswith(("http://", "https://")):
            await reply(update, context, esc(LinkSchemeError.user_message))
            continue
        await process_report(
            update, context, data=url.encode("utf-8"), filename=LINK_FILENAME, ack=ACK_LINK, reply_to=reply_to
        )
    if len(links) > limit:
        await reply(update, context, esc(TOO_MANY.format(n=limit)))
