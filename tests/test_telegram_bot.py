"""End to end: the real PTB Application built by `countybot serve`'s builder, the real Service on a SQLite
file in tmp_path and the real pipeline, against the fake Bot API server (tests/fakes/telegram_server.py)."""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.service import Service, Subscription
from bot.settings import get_settings
from bot.telegram import schedule
from bot.telegram.access import REFUSAL
from bot.telegram.errors import USER_ERROR_TEXT
from bot.telegram.intake import QUOTA_NOTE
from tests import tgkit
from tests.conftest import SEEDS
from tests.fakes.openai_server import FakeOpenAI, error
from tests.fakes.telegram_server import FakeTelegram
from tests.tgkit import DIGEST_MARK, SEED0, SEED2, USER, WINDOW, bot, digests

tg, env = tgkit.tg, tgkit.env  # the fixtures

SEED1 = (SEEDS / "001_85f4f9d88a5ef757.txt").read_text(encoding="utf-8")  # 浮山县


def halves(text: str) -> tuple[str, str]:
    """Split like a client splitting a long paste: at a line break near the middle."""
    cut = text.index("\n", len(text) // 2)
    return text[:cut], text[cut + 1 :]



async def send_report(tg: FakeTelegram, chat_id: int, text: str, user: int = USER) -> str:
    tg.send_text(chat_id, user, text)
    return await tg.wait_text(chat_id, DIGEST_MARK, timeout=30) if chat_id > 0 else ""


async def test_start_registers_chinese_commands_and_helps(env, tg):
    async with bot():
        calls = await tg.wait_for("setMyCommands", 2)
        scopes = {c.json("scope")["type"]: c.json("commands") for c in calls}
        assert set(scopes) == {"all_private_chats", "all_group_chats"}
        assert any(c["command"] == "report" for c in scopes["all_group_chats"])
        assert all(
            any("\u4e00" <= ch <= "\u9fff" for ch in c["description"]) for c in scopes["all_private_chats"]
        )
        tg.send_text(USER, USER, "/start")
        start = await tg.wait_text(USER, "/targets")
        assert "县" in start and len(start.strip().splitlines()) == 4  # a title and three lines, not /help
        assert "/unfollow" not in start
        buttons = [b["callback_data"] for row in tg.calls_of("sendMessage", USER)[-1].json("reply_markup")[
            "inline_keyboard"] for b in row]
        assert buttons == ["start:send", "start:targets", "start:daily"]
        tg.press_button(USER, USER, "start:send")
        assert "粘贴" in await tg.wait_text(USER, ".docx")
        tg.press_button(USER, USER, "start:targets")
        await tg.wait_text(USER, "/targets 县名，例如")
        tg.press_button(USER, USER, "start:daily")
        await tg.wait_text(USER, "订阅")
        tg.send_text(USER, USER, "/help")
        help_text = await tg.wait_text(USER, "/unfollow")  # the full list
        assert "县" in help_text and len(help_text) < 1500


async def test_paste_in_two_parts_is_one_report(env, tg):
    env.setenv("COUNTYBOT_JOIN_MIN_CHARS", "1")  # the seed's halves stand for parts cut at Telegram's limit
    first, second = halves(SEED0)
    async with bot():
        tg.send_text(USER, USER, first)
        tg.send_text(USER, USER, second)
        digest = await tg.wait_text(USER, DIGEST_MARK, timeout=30)
        await asyncio.sleep(WINDOW + 0.5)
        assert "大宁县" in digest and "281亿元" in digest
        assert len(digests(tg, USER)) == 1  # one report, not two halves
        acks = [t for t in tg.texts(USER) if "已收到" in t]
        assert len(acks) == 1
        assert tg.calls_of("sendChatAction", USER)[0].params["action"] == "typing"
        # the ack came before the digest
        texts = tg.texts(USER)
        assert texts.index(acks[0]) < texts.index(digest)
        # the full list of figures: the button on the digest, and /figures
        markup = next(
            c.json("reply_markup") for c in tg.calls_of("sendMessage", USER) if DIGEST_MARK in c.text
        )
        data = markup["inline_keyboard"][0][0]["callback_data"]
        tg.press_button(USER, USER, data)
        full = await tg.wait_text(USER, "全部数字")
        assert "281亿元" in full and "「" in full  # each figure with its clause
        await tg.wait_for("answerCallbackQuery", 1)
        tg.send_text(USER, USER, "/figures")
        await tg.wait_for("sendMessage", len(tg.texts(USER)) + 1, chat_id=USER)
        assert sum("全部数字" in t for t in tg.texts(USER)) == 2


async def test_forwarded_post_counts_as_a_report(env, tg):
    async with bot():
        tg.send_text(USER, USER, SEED2, forward_from_chat=-1001234)
        digest = await tg.wait_text(USER, DIGEST_MARK, timeout=30)
        assert "平陆县" in digest


async def test_gb18030_txt_and_docx_uploads(env, tg):
    import docx

    document = docx.Document()
    for para in SEED2.split("\n"):
        document.add_paragraph(para)
    buf = io.BytesIO()
    document.save(buf)
    async with bot():
        tg.send_document(USER, USER, "浮山.txt", SEED1.encode("gb18030"), mime_type="text/plain")
        first = await tg.wait_text(USER, "浮山县", timeout=30)
        assert DIGEST_MARK in first
        tg.send_document(USER, USER, "平陆.docx", buf.getvalue())
        second = await tg.wait_text(USER, "平陆县", timeout=30)
        assert DIGEST_MARK in second and "407.09亿元" in second
        assert len(tg.calls_of("getFile")) == 2 and len(tg.calls_of("download")) == 2
        assert any("已收到文件《浮山.txt》" in t for t in tg.texts(USER))


async def test_bad_files_get_specific_replies_without_needless_downloads(env, tg):
    async with bot():
        tg.send_document(USER, USER, "big.pdf", None, size=30 * 1024 * 1024)
        too_big = await tg.wait_text(USER, "文件太大")
        assert "30.0 MB" in too_big and "20 MB" in too_big
        tg.send_document(USER, USER, "表格.xlsx", b"PK\x03\x04 not really")
        await tg.wait_text(USER, "不支持这种文件类型")
        assert tg.calls_of("getFile") == []  # both refused from the message alone
        tg.send_document(USER, USER, "坏的.docx", b"this is not a zip file at all" * 10)
        bad = await tg.wait_text(USER, "⚠️", timeout=30)
        assert "Traceback" not in bad and len(tg.calls_of("getFile")) == 1
        assert DIGEST_MARK not in "".join(tg.texts(USER))


async def test_targets_command_question_and_script(env, tg):
    other = 43
    async with bot():
        await send_report(tg, USER, SEED0)
        tg.send_text(USER, USER, SEED2)
        await tg.wait_text(USER, "平陆县", timeout=30)
        tg.send_text(USER, USER, "/targets 大寧")
        answer = await tg.wait_text(USER, "重点目标")
        assert "大宁县" in answer and "281亿元" in answer and "45亿元" in answer and "2023-12-29" in answer
        assert "407.09亿元" not in answer  # 平陆's figures stay with 平陆
        n = len(tg.texts(USER))
        tg.send_text(USER, USER, "大寧縣的目標?")
        await tg.wait_for("sendMessage", n + 1, chat_id=USER)
        assert "281亿元" in tg.texts(USER)[-1]
        tg.send_text(USER, USER, "平陆重点目标")
        await tg.wait_for("sendMessage", n + 2, chat_id=USER)
        assert "407.09亿元" in tg.texts(USER)[-1]
        # another chat does not see this chat's reports
        tg.send_text(other, other, "/targets 大宁")
        answer = await tg.wait_text(other, "大宁县")
        assert "281亿元" not in answer and "暂无" in answer
        # /script 繁: replies in traditional script from now on, persisted in the store
        tg.send_text(USER, USER, "/script 繁")
        await tg.wait_text(USER, "繁體中文")
        tg.send_text(USER, USER, "/targets 大宁")
        answer = await tg.wait_text(USER, "重點目標")
        assert "大寧縣" in answer and "281億元" in answer
    async with bot():  # after a restart too
        tg.send_text(USER, USER, "/help")
        assert "縣" in await tg.wait_text(USER, "/targets 縣名")


async def test_group_report_by_reply_and_by_captioned_file(env, tg):
    group, admin = -100777, 7
    short_report = "大宁县今年完成投资45亿元，新开工项目74个，同比增长10%，群众满意度持续提升。" * 3
    async with bot():
        chat_line = tg.send_text(group, admin, short_report)  # privacy off: chat-like, not picked up
        tg.send_document(group, admin, "会议.txt", SEED2.encode("utf-8"))  # no /report caption: ignored
        await asyncio.sleep(WINDOW + 0.6)
        assert tg.texts(group) == [] and tg.calls_of("getFile") == []
        tg.send_text(group, admin, "/report", reply_to=chat_line)
        digest = await tg.wait_text(group, DIGEST_MARK, timeout=30)
        assert "45亿元" in digest
        tg.send_document(group, admin, "平陆.txt", SEED2.encode("utf-8"), caption="/report")
        assert "平陆县" in await tg.wait_text(group, "平陆县", timeout=30)
        tg.send_text(group, admin, SEED0)  # privacy off: a long report is picked up as in private chats
        assert "281亿元" in await tg.wait_text(group, "281亿元", timeout=30)
        tg.send_text(group, admin, "/report")
        await tg.wait_text(group, "回复一条报告")


async def test_group_subscribe_needs_an_admin(env, tg):
    group, admin, member = -100555, 7, 8
    tg.set_member(group, admin, "administrator")
    async with bot() as app:
        tg.send_text(group, member, "/subscribe 09:30")
        await tg.wait_text(group, "只有群管理员")
        tg.send_text(group, admin, "/subscribe 25:00")
        await tg.wait_text(group, "用法：/subscribe")
        assert app.job_queue.get_jobs_by_name(schedule.job_name(group)) == ()
        tg.send_text(group, admin, "/subscribe 09:30")
        await tg.wait_text(group, "已订阅")
        assert {int(c.params["user_id"]) for c in tg.calls_of("getChatMember", group)} == {admin, member}
        [job] = app.job_queue.get_jobs_by_name(schedule.job_name(group))
        local = job.next_t.astimezone(ZoneInfo("Asia/Shanghai"))
        assert (local.hour, local.minute) == (9, 30)
        tg.send_text(group, admin, "/follow 大宁")
        await tg.wait_text(group, "已关注 大宁县")
        tg.send_text(group, member, "/unsubscribe")
        await tg.wait_for("sendMessage", 5, chat_id=group)
        assert "只有群管理员" in tg.texts(group)[-1]
        assert app.job_queue.get_jobs_by_name(schedule.job_name(group))  # a member cannot unsubscribe
        tg.send_text(group, admin, "/unsubscribe")
        await tg.wait_text(group, "已取消")
        await asyncio.sleep(0.1)
        assert app.job_queue.get_jobs_by_name(schedule.job_name(group)) == ()


def _zone_near_noon() -> str:
    """A fixed-offset zone where it is about noon now, so "an hour ago" is still today there."""
    offset = 12 - datetime.now(UTC).hour  # -11 .. 12
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"  # Etc/GMT-8 is UTC+8


async def test_daily_digest_once_per_day_across_restarts_and_missed_one_caught_up(env, tg):
    zone = _zone_near_noon()
    env.setenv("COUNTYBOT_TIMEZONE", zone)
    tz = ZoneInfo(zone)
    fired, missed, empty, too_late, admin = -1001, -1002, -1003, -1004, 7
    an_hour_ago = (datetime.now(tz) - timedelta(hours=1)).strftime("%H:%M")
    seven_hours_ago = (datetime.now(tz) - timedelta(hours=7)).strftime("%H:%M")
    for g in (fired, missed, empty, too_late):
        tg.set_member(g, admin, "creator")
    async with bot() as app:
        for g in (fired, missed, empty, too_late):
            tg.send_text(g, admin, f"/subscribe {seven_hours_ago if g == too_late else an_hour_ago}")
            await tg.wait_text(g, "已订阅")
        for g in (fired, missed, too_late):
            tg.send_text(g, admin, SEED0)
            await tg.wait_text(g, DIGEST_MARK, timeout=30)
        # the scheduler fires the daily job (run_daily, two seconds ahead)
        soon = (datetime.now(tz) + timedelta(seconds=2)).strftime("%H:%M:%S")
        schedule.schedule_subscription(app, Subscription(chat_id=fired, time=soon, timezone=zone))
        daily = await tg.wait_text(fired, "今日摘要", timeout=10)
        assert "大宁县" in daily and "281亿元" in daily and "1 份报告" in daily
    assert sum("今日摘要" in t for t in tg.texts(missed)) == 0

    # restart: `fired` got today's digest already; `missed` was due an hour ago and is caught up
    async with bot():
        await tg.wait_text(missed, "今日摘要", timeout=10)
        await asyncio.sleep(0.3)
    async with bot():  # and once more: nothing new for anyone
        await asyncio.sleep(0.3)
    for g in (fired, missed):
        assert sum("今日摘要" in t for t in tg.texts(g)) == 1, g
    assert not any("今日摘要" in t for t in tg.texts(empty))  # empty days send nothing
    assert not any("今日摘要" in t for t in tg.texts(too_late))  # missed by more than 6 hours


async def test_digest_command_covers_this_chat_only(env, tg):
    async with bot():
        tg.send_text(USER, USER, "/digest")
        await tg.wait_text(USER, "没有收到报告")
        await send_report(tg, USER, SEED0)
        await send_report(tg, 43, SEED2)
        tg.send_text(USER, USER, "/digest")
        text = await tg.wait_text(USER, "过去 24 小时的报告")
        assert "大宁县" in text and "1 份报告" in text and "平陆" not in text


async def test_chat_outside_the_allowlist_is_refused_once_and_nothing_stored(env, tg, tmp_path):
    env.setenv("COUNTYBOT_ALLOWED_CHATS", f"{USER}, -100999")
    stranger = 77
    async with bot():
        tg.send_text(stranger, stranger, SEED0)
        tg.send_text(stranger, stranger, "/start")
        tg.send_document(stranger, stranger, "a.txt", SEED1.encode("utf-8"))
        await tg.wait_for("sendMessage", 1, chat_id=stranger)
        await send_report(tg, USER, SEED0)  # the allowed chat works meanwhile
        await asyncio.sleep(WINDOW + 0.3)
        assert tg.texts(stranger) == [REFUSAL.format(chat_id=stranger)]
        assert tg.calls_of("getFile") == [] and tg.calls_of("sendChatAction", stranger) == []
    service = await Service.create(get_settings())
    try:
        since = datetime.now(UTC) - timedelta(hours=1)
        assert (await service.period_digest([f"chat:{stranger}"], since)).totals["reports"] == 0
        assert (await service.period_digest([f"chat:{USER}"], since)).totals["reports"] == 1
    finally:
        await service.close()


async def test_failing_llm_gives_the_rules_digest(env, tg):
    with FakeOpenAI() as llm:
        llm.default = error(500, "upstream exploded")
        env.setenv("OPENAI_BASE_URL", llm.base_url)
        env.setenv("OPENAI_API_KEY", "sk-test")
        env.setenv("COUNTYBOT_LLM_DEADLINE_S", "1.5")
        env.setenv("COUNTYBOT_LLM_TIMEOUT_S", "1")
        async with bot():
            digest = await send_report(tg, USER, SEED0)
        assert llm.requests, "the LLM was tried"
    assert "规则摘要" in digest and "281亿元" in digest and "大宁县" in digest
    assert "Traceback" not in "".join(tg.texts(USER))


async def test_over_the_llm_quota_gives_the_rules_digest_with_a_note(env, tg):
    with FakeOpenAI() as llm:
        llm.default = error(500, "must not be called")
        env.setenv("OPENAI_BASE_URL", llm.base_url)
        env.setenv("COUNTYBOT_DAILY_LLM_LIMIT", "0")
        async with bot():
            digest = await send_report(tg, USER, SEED0)
        assert llm.requests == []
    assert QUOTA_NOTE in digest and "规则摘要" in digest


async def test_rejected_html_is_resent_as_plain_text(env, tg):
    async with bot():
        tg.fail_next(
            "sendMessage", 400, "Bad Request: can't parse entities: unclosed start tag at byte offset 3"
        )
        tg.send_text(USER, USER, "/help")
        [plain] = await tg.wait_for("sendMessage", 1, chat_id=USER)
        assert "<b>" not in plain.text and "/targets" in plain.text
        assert plain.params.get("parse_mode") is None
        assert len(tg.calls_of("sendMessage", USER)) == 2  # the rejected one and the plain one


async def test_retry_after_is_honoured(env, tg):
    async with bot():
        tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        tg.send_text(USER, USER, "/help")
        await tg.wait_for("sendMessage", 1, chat_id=USER)
        first, second = tg.calls_of("sendMessage", USER)
        assert second.at - first.at >= 1.0


async def test_errors_reach_the_admin_never_a_traceback_to_the_user(env, tg, caplog):
    env.setenv("COUNTYBOT_ADMIN_CHAT", "-100424242")
    group, admin = -100888, 7
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # httpx logs every URL, token included
    async with bot():
        tg.fail_next("getChatMember", 400, "Bad Request: chat not found")
        tg.send_text(group, admin, "/subscribe 09:30")  # changing it asks getChatMember
        await tg.wait_text(group, USER_ERROR_TEXT)
        report = await tg.wait_text(-100424242, "countybot 出错")
        assert "BadRequest" in report and f"chat {group}" in report
    assert not any("Traceback" in t or 'File "' in t for t in tg.texts(group))
    assert "getUpdates" in caplog.text  # URLs were logged ...
    assert tg.token not in caplog.text  # ... without the token
    assert tg.token.split(":")[1] not in caplog.text


async def test_reports_in_one_chat_each_get_their_digest_in_order(env, tg):
    async with bot():
        tg.send_text(USER, USER, SEED0)
        tg.send_text(44, 44, SEED2)
        await tg.wait_text(USER, DIGEST_MARK, timeout=30)
        await tg.wait_text(44, DIGEST_MARK, timeout=30)
        # a second report in the same chat right away is queued behind the first, not lost or mixed
        tg.send_text(USER, USER, SEED1)
        await asyncio.sleep(WINDOW + 0.2)
        tg.send_text(USER, USER, SEED2)
        await tg.wait_for("sendMessage", 6, chat_id=USER, timeout=30)
        ds = digests(tg, USER)
        assert "浮山县" in ds[1] and "平陆县" in ds[2]


async def test_all_figures_work_after_a_restart_and_only_in_their_chat(env, tg):
    async with bot():
        await send_report(tg, USER, SEED0)
    markup = next(c.json("reply_markup") for c in tg.calls_of("sendMessage", USER) if DIGEST_MARK in c.text)
    data = markup["inline_keyboard"][0][0]["callback_data"]
    async with bot():  # a new Application and a new Service on the same SQLite file
        tg.press_button(USER, USER, data)
        full = await tg.wait_text(USER, "全部数字")
        assert "281亿元" in full and "「" in full
        tg.send_text(USER, USER, "/figures")
        await tg.wait_for("sendMessage", len(tg.texts(USER)) + 1, chat_id=USER)
        assert sum("全部数字" in t for t in tg.texts(USER)) == 2
        # the same button data pressed in another chat shows nothing of this one
        tg.press_button(43, 43, data)
        answers = await tg.wait_for("answerCallbackQuery", 2)
        assert "找不到" in answers[-1].params.get("text", "")
        tg.send_text(43, 43, "/figures")
        await tg.wait_text(43, "还没有可以显示的报告")
        assert not any("281亿元" in t for t in tg.texts(43))


async def test_report_left_pending_by_a_crash_is_sent_at_start_up(env, tg):
    # the "crash": raw reports stored, never processed
    service = await Service.create(get_settings())
    try:
        await service.accept(scope=f"chat:{USER}", sender=f"tg:{USER}", data=SEED0.encode("utf-8"))
        await service.accept(scope="public", sender="cli", data=SEED2.encode("utf-8"))
    finally:
        await service.close()
    async with bot():
        digest = await tg.wait_text(USER, "重启后补发", timeout=30)
        assert DIGEST_MARK in digest and "大宁县" in digest and "281亿元" in digest
    assert len(digests(tg, USER)) == 1
    assert not any("平陆县" in t for t in tg.texts())  # public reports have nobody to tell


async def test_bad_arguments_get_short_friendly_replies(env, tg):
    async with bot():
        for command, needle in (
            ("/targets", "用法：/targets 县名"),
            ("/follow", "用法：/follow 县名"),
            ("/follow 不存在县", "没有找到「不存在县」"),
            ("/follow 鼓楼", "有好几个地方"),
            ("/subscribe 25:99", "时间「25:99」看不懂"),
            ("/subscribe 明天", "例如 /subscribe 08:00"),
            ("/script 英文", "用法：/script 简"),
        ):
            tg.send_text(USER, USER, command)
            text = await tg.wait_text(USER, needle)
            assert len(text) < 400 and "Traceback" not in text, command
        assert "/follow 南京市鼓楼区" in await tg.wait_text(USER, "有好几个地方")
        assert "/follow 大宁县" in await tg.wait_text(USER, "没有找到")
        tg.send_text(USER, USER, "/follow 南京鼓楼")
        await tg.wait_text(USER, "已关注 鼓楼区")


async def test_a_digest_sent_in_the_chat_is_recorded_as_delivered(env, tg):
    async with bot() as app:
        await send_report(tg, USER, SEED2)
        service = app.bot_data["state"].svc
        rid = await service.latest_report(f"chat:{USER}")
        # the reply went out before the delivery was recorded: wait for that last write
        for _ in range(100):
            if (await service.store.reports.report(rid)).delivered_at is not None:
                break
            await asyncio.sleep(0.05)
        assert (await service.store.reports.report(rid)).delivered_at is not None
        assert not await service.mark_delivered(rid)  # already recorded, once


async def test_a_whole_message_is_digested_without_waiting_for_the_join_window(env, tg):
    # a 30 s window: a short paste that waited for it would not be digested within the 15 s below
    env.setenv("COUNTYBOT_JOIN_WINDOW_S", "30")
    async with bot():
        tg.send_text(USER, USER, SEED0)  # 2,300 characters: no client splits that
        assert "大宁县" in await tg.wait_text(USER, DIGEST_MARK, timeout=15)


async def test_a_message_long_enough_to_be_cut_waits_for_the_rest_of_its_paste(env, tg):
    # the default COUNTYBOT_JOIN_MIN_CHARS: a first part near Telegram's limit, then its tail
    env.setenv("COUNTYBOT_JOIN_WINDOW_S", "1.5")
    long_first = SEED2 * 2
    assert len(long_first) >= 3000
    async with bot():
        tg.send_text(USER, USER, long_first)
        tg.send_text(USER, USER, SEED0)
        digest = await tg.wait_text(USER, DIGEST_MARK, timeout=30)
        await asyncio.sleep(2.0)
        assert "平陆县" in digest and "大宁县" in digest  # one report: the tail joined its first part
        assert len(digests(tg, USER)) == 1
