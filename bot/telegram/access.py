"""Who may use the bot: the chat allowlist (gate, handler group -1) and group-admin checks."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.telegram.reply import get_state

log = logging.getLogger("countybot.telegram")

REFUSAL = (
    "抱歉，这个机器人只在授权的聊天中使用，这里的消息不会被处理或保存。"
    "如需开通，请把本聊天的 ID {chat_id} 告诉管理员。"
)
ADMINS_ONLY = "只有群管理员可以更改本群的订阅。"


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: a chat outside COUNTYBOT_ALLOWED_CHATS gets one polite refusal, nothing else."""
    allowed = get_state(context).settings.allowed_chats
    chat = update.effective_chat
    if not allowed or (chat is not None and chat.id in allowed):
        return
    try:
        state = get_state(context)
        if update.callback_query:
            await update.callback_query.answer()
        elif chat is not None and update.message and chat.id not in state.refused:
            state.refused.add(chat.id)
            log.info("refused chat %s (not in the allowlist)", chat.id)
            await context.bot.send_message(chat.id, REFUSAL.format(chat_id=chat.id))
    except TelegramError as exc:
        log.warning("could not send the refusal: %s", exc)
    finally:
        raise ApplicationHandlerStop


async def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    chat = update.effective_chat
    if chat.type == ChatType.PRIVATE:
        return True
    msg = update.effective_message
    if msg is not None and msg.sender_chat is not None and msg.sender_chat.id == chat.id:
        return True  # an anonymous group admin posts as the group itself
    user = update.effective_user
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
