"""The analyst's commands end to end: the real PTB Application (`countybot serve`'s builder), the real
Service on a SQLite file and the real pipeline, against the fake Bot API (photos and documents included)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
import time

from bot.service import Service
from bot.settings import get_settings
from bot.telegram import menu
from bot.telegram.report_list import EDITED
from tests.test_telegram_bot import DIGEST_MARK, USER, bot, env, tg  # noqa: F401  (fixtures)
from tests.test_track import MIDYEAR_REPORT, RESULT_REPORT, REVISION_REPORT, TARGET_REPORT

OTHER = 43  # another private chat
PNG = b"\x89PNG\r\n\x1a\n"


async def _ingest_public(*texts: str) -> None:
    async with await Service.create(get_settings()) as service:
        for text in texts:
            out = await service.submit(scope="public", sender="cli", data=text.encode(), use_llm=False)
            assert out.status == "done"


async def _answer(tg, chat_id: int, command: str, needle: str, user: int | None = None) -> str:  # noqa: F811
    """Send a command; the first message after it that contains needle."""
    before = len(tg.texts(chat_id))
    tg.send_text(chat_id, user or chat_id, command)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for text in tg.texts(chat_id)[before:]:
            if needle in text:
                return text
        await asyncio.sleep(0.02)
    raise AssertionError(f"no answer to {command} containing {needle!r}: {tg.texts(chat_id)[before:]}")


def _buttons(tg, chat_id: int, needle: str) -> list[str]:  # noqa: F811
    call = next(c for c in reversed(tg.calls_of("sendMessage", chat_id)) if needle in c.text)
    return [b["callback_data"] for row in call.json("reply_markup")["inline_keyboard"] for b in row]


async def test_targets_track_chart_and_export(env, tg):  # noqa: F811
    await _ingest_public(TARGET_REPORT, REVISION_REPORT, MIDYEAR_REPORT, RESULT_REPORT)
    async with bot():
        targets = await _answer(tg, USER, "/targets 蒲县", "重点目标")
        assert "接近目标" in targets and "无后续数据" in targets
        assert "「" in targets and "6%左右" in targets  # each target's source quote
        assert "此前：4% (2024-01-10)" in targets

        track = await _answer(tg, USER, "/track 蒲县", "目标完成情况")
        assert "接近目标" in track and "已完成" in track and "未完成" in track
        assert "2025-01-12" in track and "此前：4%（2024-01-10）" in track
        assert "粮食产量" not in track  # no later data: only counted
        assert track.index("2024年 地区生产总值") < track.index("✅ 实际 5.9%")

        tg.send_text(USER, USER, "/chart 蒲县")
        [photo] = await tg.wait_for("sendPhoto", 1, chat_id=USER, timeout=30)
        upload = photo.files["photo"]
        assert upload.data.startswith(PNG) and 20_000 < len(upload.data) < 600_000
        assert upload.filename.endswith(".png") and "蒲县" in photo.params["caption"]

        tg.send_text(USER, USER, "/export 蒲县")
        [doc] = await tg.wait_for("sendDocument", 1, chat_id=USER, timeout=20)
        sent = doc.files["document"]
        assert sent.filename.endswith(".csv") and sent.data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(sent.data.decode("utf-8-sig"))))
        assert len(rows) >= 12 and {r["县"] for r in rows} == {"蒲县"}
        assert str(len(rows)) in doc.params["caption"]

        unknown = await _answer(tg, USER, "/chart 不存在县", "没有找到")
        assert "/chart" in unknown
        nothing = await _answer(tg, USER, "/export 大宁", "没有可以导出")
        assert "大宁县" in nothing
        assert len(tg.calls_of("sendPhoto")) == 1 and len(tg.calls_of("sendDocument")) == 1


async def test_reports_show_delete_search_and_no_cross_chat_access(env, tg):  # noqa: F811
    async with bot():
        tg.send_text(USER, USER, TARGET_REPORT)
        await tg.wait_text(USER, DIGEST_MARK, timeout=30)
        tg.send_text(OTHER, OTHER, RESULT_REPORT)
        await tg.wait_text(OTHER, DIGEST_MARK, timeout=30)

        listing = await _answer(tg, USER, "/reports", "本聊天的报告")
        assert "2024-01-10" in listing and "蒲县" in listing and "2025" not in listing
        data = _buttons(tg, USER, "本聊天的报告")
        show = next(d for d in data if d.startswith("rep:show:"))
        report_id = int(show.rsplit(":", 1)[1])
        assert f"rep:del:{report_id}" in data

        # search: each chat finds its own report (and public ones), never the other chat's
        found = await _answer(tg, USER, "/search 粮食产量", "找到 1 份")
        assert "蒲县" in found
        assert "没有找到" in await _answer(tg, OTHER, "/search 粮食产量", "粮食产量")

        # another chat cannot show, delete or confirm the deletion of this chat's report
        for action in ("show", "del", "yes"):
            tg.press_button(OTHER, OTHER, f"rep:{action}:{report_id}")
        await tg.wait_for("answerCallbackQuery", 3, timeout=10)
        assert "找不到" in await _answer(tg, OTHER, f"/delete {report_id}", "找不到")
        assert not any("确定删除" in t or "已删除" in t for t in tg.texts(OTHER))
        assert sum(DIGEST_MARK in t for t in tg.texts(OTHER)) == 1

        # the digest again, from the button
        tg.press_button(USER, USER, show)
        await tg.wait_for("sendMessage", len(tg.texts(USER)) + 1, chat_id=USER)
        assert sum(DIGEST_MARK in t for t in tg.texts(USER)) == 2

        # delete: the button asks first; 取消 keeps it; 确认删除 removes it
        tg.press_button(USER, USER, f"rep:del:{report_id}")
        await tg.wait_text(USER, "确定删除", timeout=10)
        assert _buttons(tg, USER, "确定删除") == [f"rep:yes:{report_id}", f"rep:no:{report_id}"]
        tg.press_button(USER, USER, f"rep:no:{report_id}")
        await tg.wait_for("answerCallbackQuery", 6, timeout=10)
        assert _rows(get_settings().db, report_id) == 1
        tg.press_button(USER, USER, f"rep:yes:{report_id}")
        await tg.wait_text(USER, "已删除", timeout=10)
        assert _rows(get_settings().db, report_id) == 0
        assert "还没有发送过报告" in await _answer(tg, USER, "/reports", "还没有发送过报告")
        assert "没有可以删除" in await _answer(tg, USER, "/delete", "没有可以删除")

        # /delete without a number: this chat's latest report, after confirmation
        assert "确定删除" in await _answer(tg, OTHER, "/delete", "确定删除")
        other_id = int(_buttons(tg, OTHER, "确定删除")[0].rsplit(":", 1)[1])
        tg.press_button(OTHER, OTHER, f"rep:yes:{other_id}")
        await tg.wait_text(OTHER, "已删除", timeout=10)
        assert _rows(get_settings().db, other_id) == 0


def _rows(url: str, report_id: int) -> int:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        n = con.execute("SELECT count(*) FROM reports WHERE id = ?", (report_id,)).fetchone()[0]
        n += con.execute("SELECT count(*) FROM figures WHERE report_id = ?", (report_id,)).fetchone()[0]
        return n and 1
    finally:
        con.close()


async def test_follows_subscription_edits_help_and_menus(env, tg):  # noqa: F811
    async with bot():
        calls = await tg.wait_for("setMyCommands", 4)
        menus = {(c.json("scope")["type"], c.params.get("language_code")): c.json("commands") for c in calls}
        assert ("all_private_chats", "zh") in menus and ("all_group_chats", None) in menus
        every = {c for c, _a, _l in menu.COMMANDS}
        for commands in menus.values():
            assert every <= {c["command"] for c in commands}
        assert "report" in {c["command"] for c in menus[("all_group_chats", "zh")]}

        help_text = await _answer(tg, USER, "/help", "/targets")
        lines = help_text.splitlines()
        for command in every:  # one line each
            mine = [line for line in lines if line.startswith(f"/{command} ") or line == f"/{command}"]
            assert len(mine) == 1, command

        assert "还没有订阅" in await _answer(tg, USER, "/subscribe", "订阅")
        await _answer(tg, USER, "/subscribe 09:30", "已订阅")
        shown = await _answer(tg, USER, "/subscribe", "当前订阅")
        assert "09:30" in shown  # shown, not reset to 08:00

        await _answer(tg, USER, "/follow 大宁", "已关注")
        following = await _answer(tg, USER, "/following", "关注的县")
        assert "大宁县" in following and "09:30" in following
        assert "已取消关注 大宁县" in await _answer(tg, USER, "/unfollow 大宁", "取消关注")
        assert "没有关注" in await _answer(tg, USER, "/unfollow 大宁", "没有关注")
        assert "还没有" in await _answer(tg, USER, "/following", "关注的县：（")

        message_id = tg.send_text(USER, USER, "/help")
        await tg.wait_for("sendMessage", len(tg.texts(USER)) + 1, chat_id=USER)
        tg.edit_text(USER, USER, message_id, "改过的报告全文")
        await tg.wait_text(USER, EDITED[:10], timeout=10)

        # traditional for this chat: replies and its own menu
        await _answer(tg, USER, "/script 繁", "繁體")
        chat_menu = await tg.wait_for("setMyCommands", 5)
        own = next(c for c in chat_menu if (c.json("scope") or {}).get("type") == "chat")
        assert own.json("scope")["chat_id"] == USER
        assert any("說明" in c["description"] for c in own.json("commands"))
        assert "說明" in await _answer(tg, USER, "/help", "/track")
        await _answer(tg, USER, "/script 简", "简体")
        await tg.wait_for("deleteMyCommands", 1)


async def test_group_delete_by_sender_or_admin_and_quiet_edits(env, tg):  # noqa: F811
    group, sender, member = -100888, 8, 9
    async with bot():
        line = tg.send_text(group, sender, TARGET_REPORT)
        tg.send_text(group, sender, "/report", reply_to=line)
        await tg.wait_text(group, DIGEST_MARK, timeout=30)
        refused = await _answer(tg, group, "/delete", "只有", user=member)
        assert "发送这份报告的人或群管理员" in refused
        await _answer(tg, group, "/delete", "确定删除", user=sender)
        report_id = int(_buttons(tg, group, "确定删除")[0].rsplit(":", 1)[1])
        tg.press_button(group, member, f"rep:yes:{report_id}")  # not the sender, not an admin
        [answer] = await tg.wait_for("answerCallbackQuery", 1, timeout=10)
        assert "群管理员" in answer.params.get("text", "")
        assert _rows(get_settings().db, report_id) == 1
        tg.press_button(group, sender, f"rep:yes:{report_id}")
        await tg.wait_text(group, "已删除", timeout=10)
        assert _rows(get_settings().db, report_id) == 0

        assert "还没有订阅" in await _answer(tg, group, "/subscribe", "订阅", user=member)  # looking is free
        chatter = tg.send_text(group, member, "明天开会")
        tg.edit_text(group, member, chatter, "后天开会")  # an ordinary edit in a group: no reply
        command = tg.send_text(group, member, "/report")
        await tg.wait_text(group, "回复一条报告")
        tg.edit_text(group, member, command, "/report 改过")
        await tg.wait_text(group, EDITED[:10], timeout=10)
        assert sum(EDITED[:10] in t for t in tg.texts(group)) == 1


async def test_reports_list_buttons_and_delete_use_one_numbering(env, tg):  # noqa: F811
    async with bot():
        tg.send_text(OTHER, OTHER, RESULT_REPORT)  # another chat's report first: ids are not positions
        await tg.wait_text(OTHER, DIGEST_MARK, timeout=30)
        tg.send_text(USER, USER, TARGET_REPORT)
        await tg.wait_text(USER, DIGEST_MARK, timeout=30)
        tg.send_text(USER, USER, RESULT_REPORT)
        await tg.wait_text(USER, "2025-01-12", timeout=30)
        listing = await _answer(tg, USER, "/reports", "本聊天的报告")
        numbers = [int(n) for n in re.findall(r"#(\d+) ", listing)]
        assert len(numbers) == 2 and 1 not in numbers  # the chat's own reports, by their number
        call = next(c for c in reversed(tg.calls_of("sendMessage", USER)) if "本聊天的报告" in c.text)
        labels = [b["text"] for row in call.json("reply_markup")["inline_keyboard"] for b in row]
        assert all(any(label.endswith(f"#{n}") for label in labels) for n in numbers)
        older = numbers[-1]  # newest first: the last one listed is the older report
        asked = await _answer(tg, USER, f"/delete {older}", "确定删除")
        assert "2024-01-10" in asked  # the report listed under that number, not the list's second line
        assert _buttons(tg, USER, "确定删除") == [f"rep:yes:{older}", f"rep:no:{older}"]
