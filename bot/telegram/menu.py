"""Every command with one line: the /help text and the command menu (setMyCommands), in the chat's script.

Telegram's setMyCommands takes a two-letter ISO 639-1 language_code, so "zh" cannot tell zh-CN from
zh-TW/zh-HK. The menu is therefore set in simplified Chinese for everyone (default) and for "zh", and a chat
that chose traditional (/script 繁) gets its own traditional menu (BotCommandScopeChat); /script 简 removes
that override again."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from extract.models import Script

log = logging.getLogger("countybot.telegram")

# (command, argument shown in /help, one line) — the menu shows "argument — line" when there is one
COMMANDS: list[tuple[str, str, str]] = [
    ("targets", "县名", "某县的重点目标和完成情况，如 /targets 大宁"),
    ("track", "县名", "某县目标的完成情况：已完成/未完成/进行中"),
    ("chart", "县名", "某县目标与实际的图表"),
    ("export", "县名 [对照]", "导出某县的全部数字；加「对照」则每个目标一行对照实际（CSV，可用 Excel 打开）"),
    ("search", "关键词", "搜索本聊天和公开的报告（词语、县名或数字）"),
    ("reports", "", "本聊天发过的报告：再看摘要或删除"),
    ("delete", "[编号]", "删除本聊天发的一份报告（默认最新一份）"),
    ("fix", "[编号] 县=… 日期=…", "更正一份报告的县或日期（回复摘要，或写 /reports 的序号）"),
    ("digest", "", "本聊天过去 24 小时的报告摘要"),
    ("figures", "", "上一份报告的全部数字"),
    ("script", "简|繁", "用简体或繁体回复"),
    ("subscribe", "[HH:MM]", "订阅每日摘要；不写时间则显示当前设置"),
    ("unsubscribe", "", "取消每日摘要"),
    ("follow", "县名", "每日摘要加入某县的公开报告"),
    ("following", "", "查看关注的县和订阅时间"),
    ("unfollow", "县名", "不再关注某县"),
    ("watch", "网址", "自动跟踪县政府网站的栏目，新文件进入每日摘要（群管理员）"),
    ("unwatch", "网址", "停止自动跟踪一个网站"),
    ("help", "", "使用说明"),
]
PRIVATE_ONLY = [("start", "", "开始使用")]
GROUP_ONLY = [("report", "", "把回复的消息或文件作为报告")]


def _convert(text: str, script: Script) -> str:
    if script != "traditional":
        return text
    from extract.text.script import to_script

    return to_script(text, "traditional")


def menu(private: bool, script: Script = "simplified") -> list[BotCommand]:
    extra = PRIVATE_ONLY if private else GROUP_ONLY
    return [BotCommand(c, _convert(line, script)[:256]) for c, _arg, line in [*extra, *COMMANDS]]


def help_lines() -> str:
    """One line per command for /help (simplified; reply() converts to the chat's script)."""
    return "\n".join(f"/{c}{' ' + a if a else ''} — {line}" for c, a, line in COMMANDS)


async def set_default_menus(bot: Bot) -> None:
    """Simplified menus for private chats and groups: the default and language "zh"."""
    for scope, private in ((BotCommandScopeAllPrivateChats(), True), (BotCommandScopeAllGroupChats(), False)):
        for lang in (None, "zh"):
            await bot.set_my_commands(menu(private), scope=scope, language_code=lang)


async def set_chat_menu(bot: Bot, chat_id: int, script: Script) -> None:
    """A chat's own menu in traditional, or back to the default for simplified. Never fails the caller."""
    try:
        if script == "traditional":
            await bot.set_my_commands(menu(chat_id > 0, script), scope=BotCommandScopeChat(chat_id))
        else:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not set the command menu of chat %s: %s", chat_id, exc)
