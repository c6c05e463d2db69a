"""Issue L through the real bot (the PTB Application of `countybot serve`, the real Service on SQLite, the
real pipeline) against the fake Bot API: a digest that found no county says so and asks (buttons for the
likeliest places, a reply with a name), /fix by reply, by /reports number and by id, corrections that
survive a restart and stay in their chat, and the place queries by level (长沙, 海南, 山西, 濮阳, 大理,
临汾 各县, a typo) with their choice buttons."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from bot.models import ReportOutcome
from bot.render.html import html_to_plain
from bot.service import Service
from bot.settings import get_settings
from bot.telegram.delivery import send_outcome
from extract.models import County
from tests.conftest import SEEDS
from tests.test_fix import NO_PLACE, UNDATED
from tests.tgkit import DIGEST_MARK, SEED0, USER, assert_user_safe, bot, env, tg  # noqa: F401

OTHER = 43
ASKED = "没找到这份报告说的是哪个县"
LINZE = "620723"  # 临泽县's code in the gazetteer


async def _answer(tg, chat_id: int, command: str, needle: str, user: int | None = None, **kw) -> str:  # noqa: F811
    """Send a message; the first message after it that contains needle."""
    before = len(tg.texts(chat_id))
    tg.send_text(chat_id, user or chat_id, command, **kw)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for text in tg.texts(chat_id)[before:]:
            if needle in text:
                return text
        await asyncio.sleep(0.02)
    raise AssertionError(f"no answer to {command} containing {needle!r}: {tg.texts(chat_id)[before:]}")


def _buttons(tg, chat_id: int, needle: str) -> list[str]:  # noqa: F811
    call = next(c for c in reversed(tg.calls_of("sendMessage", chat_id)) if needle in c.text)
    markup = call.json("reply_markup") or {"inline_keyboard": []}
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


def _message_id(tg, chat_id: int, needle: str) -> int:  # noqa: F811
    """The id of the bot's latest message in the chat containing needle (what a user replies to)."""
    with tg._cond:
        return max(
            mid
            for (chat, mid), m in tg.messages.items()
            if chat == chat_id and m["from"]["id"] == tg.bot_user["id"] and needle in m.get("text", "")
        )


def _corrections(report_id: int) -> int:
    con = sqlite3.connect(get_settings().db.removeprefix("sqlite:///"))
    try:
        return con.execute("SELECT count(*) FROM corrections WHERE report_id = ?", (report_id,)).fetchone()[0]
    finally:
        con.close()


async def _recorded(chat_id: int, message_id: int) -> None:
    """Wait until the bot has recorded which report a digest message shows (it can only once Telegram
    answered the send, a moment after the fake server shows the message; a person replies later)."""
    for _ in range(250):
        con = sqlite3.connect(get_settings().db.removeprefix("sqlite:///"))
        try:
            row = con.execute(
                "SELECT 1 FROM report_messages WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
            ).fetchone()
        finally:
            con.close()
        if row:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"digest message {message_id} never recorded")


async def _report_ids(tg, chat_id: int) -> list[int]:  # noqa: F811
    """The chat's reports as /reports lists them (newest first)."""
    await _answer(tg, chat_id, "/reports", "本聊天的报告")
    return [
        int(d.rsplit(":", 1)[1]) for d in _buttons(tg, chat_id, "本聊天的报告") if d.startswith("rep:del:")
    ]


async def test_no_county_asks_and_a_reply_sets_it_also_after_a_restart(env, tg):  # noqa: F811
    async with bot():
        tg.send_text(USER, USER, NO_PLACE)
        asked = await tg.wait_text(USER, ASKED, timeout=30)
        assert DIGEST_MARK in asked and "回复本消息写县名" in asked
        # a reply with a place's name (traditional here) sets the report's county
        await _recorded(USER, asked_id := _message_id(tg, USER, ASKED))  # as a person's reply comes later
        fixed = await _answer(tg, USER, "臨澤", "已更正", reply_to=asked_id)
        assert "临泽县（张掖市，甘肃省）" in fixed and "已人工更正：县" in fixed and ASKED not in fixed
        targets = await _answer(tg, USER, "/targets 临泽", "重点目标")
        assert "6%左右" in targets and "25万吨以上" in targets
        assert "临泽县" in await _answer(tg, USER, "/reports", "本聊天的报告")
        tg.send_text(USER, USER, "/chart 临泽")  # the chart and the export follow the correction too
        [photo] = await tg.wait_for("sendPhoto", 1, chat_id=USER, timeout=30)
        assert "临泽县" in photo.params["caption"]
        tg.send_text(USER, USER, "/export 临泽")
        [doc] = await tg.wait_for("sendDocument", 1, chat_id=USER, timeout=20)
        assert "5 个数字" in doc.params["caption"]
        # a reply to a digest that has its county is an ordinary message, never a correction
        before = len(tg.texts(USER))
        tg.send_text(USER, USER, "平陆", reply_to=_message_id(tg, USER, "已更正"))
        await asyncio.sleep(1.0)
        assert not any("已更正" in t for t in tg.texts(USER)[before:])

    async with bot():  # a restart: the correction holds, and a digest message still finds its report
        assert "6%左右" in await _answer(tg, USER, "/targets 临泽县", "重点目标")
        again = await _answer(
            tg, USER, "/fix 日期=2024-01-12", "日期：2024-01-12", reply_to=_message_id(tg, USER, "已更正")
        )
        assert "已人工更正：县、日期" in again and "2024-01-12" in again
        [rid] = await _report_ids(tg, USER)
        assert _corrections(rid) == 2
    assert_user_safe(tg, USER)


async def test_fix_by_number_usage_and_choices(env, tg):  # noqa: F811
    async with bot():
        tg.send_text(USER, USER, SEED0)  # 大宁县
        await tg.wait_text(USER, "大宁县（临汾市", timeout=30)
        tg.send_text(USER, USER, UNDATED)
        await tg.wait_text(USER, ASKED, timeout=30)
        newest, older = await _report_ids(tg, USER)

        assert "用法" in await _answer(tg, USER, "/fix", "用法")
        bad = await _answer(tg, USER, f"/fix {newest} 日期=2024-02-30", "不对")
        assert "用法" in bad
        assert "找不到这份报告" in await _answer(tg, USER, "/fix 999 县=临泽", "找不到")
        # a name two places share: asked, with a button each, nothing changed yet (no number: the newest)
        amb = await _answer(tg, USER, "/fix 县=长沙", "既是")
        assert "长沙市（湖南省）" in amb and "长沙县（长沙市，湖南省）" in amb
        assert _buttons(tg, USER, "既是") == [f"fix:{newest}:430100", f"fix:{newest}:430121"]
        assert _corrections(newest) == 0
        typo = await _answer(tg, USER, f"/fix #{newest} 县=临责", "是不是")
        assert f"fix:{newest}:{LINZE}" == _buttons(tg, USER, "是不是")[0]
        tg.press_button(USER, USER, f"fix:{newest}:{LINZE}")
        fixed = await tg.wait_text(USER, "已更正（县：临泽县）")
        assert "已人工更正：县" in fixed and typo

        # /fix N takes the number /reports shows: the older one (大宁), moved with its date (traditional)
        moved = await _answer(tg, USER, f"/fix {older} 縣=平陸 日期=2023-12-30", "已更正")
        assert "平陆县（运城市，山西省）" in moved and "2023-12-30" in moved
        assert "281亿元" in await _answer(tg, USER, "/targets 平陆", "重点目标")
        assert "暂无记录的目标" in await _answer(tg, USER, "/targets 大宁", "暂无")
        assert _corrections(older) == 1

        # a digest shown again from /reports answers a reply too
        await _report_ids(tg, USER)
        before = sum("平陆县（运城市" in t for t in tg.texts(USER))
        tg.press_button(USER, USER, f"rep:show:{older}")
        for _ in range(500):
            if sum("平陆县（运城市" in t for t in tg.texts(USER)) > before:
                break
            await asyncio.sleep(0.02)
        shown = _message_id(tg, USER, "平陆县（运城市")
        await _recorded(USER, shown)  # the bot learns a message's id from Telegram's answer to its send
        again = await _answer(tg, USER, "/fix 日期=2023-12-29", "已更正（日期：2023-12-29）", reply_to=shown)
        assert "平陆县" in again
        assert _corrections(older) == 2
    assert_user_safe(tg, USER)


async def test_another_chat_cannot_correct_a_report(env, tg):  # noqa: F811
    async with bot():
        tg.send_text(USER, USER, NO_PLACE)
        await tg.wait_text(USER, ASKED, timeout=30)
        [rid] = await _report_ids(tg, USER)
        assert "还没有可以更正的报告" in await _answer(tg, OTHER, "/fix 县=临泽", "还没有")
        assert "找不到这份报告" in await _answer(tg, OTHER, f"/fix {rid} 县=临泽", "找不到这份报告")
        assert "找不到这份报告" in await _answer(tg, OTHER, f"/fix #{rid} 县=临泽", "找不到这份报告")
        tg.press_button(OTHER, OTHER, f"fix:{rid}:{LINZE}")
        await tg.wait_text(OTHER, "不是本聊天发送的")
        assert _corrections(rid) == 0
        assert "暂无记录的目标" in await _answer(tg, USER, "/targets 临泽", "暂无")
    assert not any("已更正" in t for t in tg.texts(OTHER))


async def test_in_a_group_only_the_sender_or_an_admin_corrects(env, tg):  # noqa: F811
    group, sender, member, admin = -100500, 7, 8, 9
    tg.set_member(group, member, "member")
    tg.set_member(group, admin, "administrator")
    async with bot():
        mid = tg.send_text(group, sender, NO_PLACE)
        tg.send_text(group, sender, "/report", reply_to=mid)
        await tg.wait_text(group, ASKED, timeout=30)
        assert "发送这份报告的人或群管理员" in await _answer(
            tg, group, "/fix 县=临泽", "群管理员", user=member
        )
        assert "已更正" in await _answer(tg, group, "/fix 县=临泽", "已更正", user=admin)


async def test_the_admin_chat_corrects_public_reports(env, tg):  # noqa: F811
    env.setenv("COUNTYBOT_ADMIN_CHAT", str(USER))
    async with await Service.create(get_settings()) as service:
        out = await service.submit(scope="public", sender="cli", data=NO_PLACE.encode(), use_llm=False)
    async with bot():
        assert "找不到这份报告" in await _answer(tg, OTHER, f"/fix #{out.report_id} 县=临泽", "找不到")
        assert "已更正" in await _answer(tg, USER, f"/fix #{out.report_id} 县=临泽", "已更正")
        assert "6%左右" in await _answer(tg, OTHER, "/targets 临泽", "重点目标")  # public: every chat sees it


async def test_the_likeliest_places_are_buttons_under_the_digest(env, tg):  # noqa: F811
    async with await Service.create(get_settings()) as service:
        out = await service.submit(
            scope=f"chat:{USER}", sender="tg:42", data=NO_PLACE.encode(), use_llm=False
        )
    assert out.digest is not None
    digest = out.digest.model_copy(
        update={
            "county_candidates": [
                County(name="临泽县", city="张掖市", province="甘肃省", confidence="likely"),
                County(name="大宁县", city="临汾市", province="山西省", confidence="likely"),
            ]
        }
    )
    async with bot() as app:
        await send_outcome(
            app.bot,
            USER,
            ReportOutcome(report_id=out.report_id, status="done", digest=digest),
            script="simplified",
        )
        text = await tg.wait_text(USER, "点下方按钮选择")  # (the queue delivered the plain digest first)
        assert ASKED in text
        assert _buttons(tg, USER, "点下方按钮选择") == [
            f"fix:{out.report_id}:{LINZE}",
            f"fix:{out.report_id}:141030",
        ]
        # a place the text only suggests: shown as such, the other candidates as buttons
        likely = digest.model_copy(update={"counties": digest.county_candidates[:1]})
        outcome = ReportOutcome(report_id=out.report_id, status="done", digest=likely)
        await send_outcome(app.bot, USER, outcome, script="traditional")
        text = await tg.wait_text(USER, "（可能） · 不對請回")  # the chat's script
        assert "臨澤縣" in text
        assert _buttons(tg, USER, "（可能） · 不對") == [f"fix:{out.report_id}:141030"]
        tg.press_button(USER, USER, f"fix:{out.report_id}:141030")
        assert "大宁县（临汾市，山西省）" in await tg.wait_text(USER, "已更正")


# ---- queries by level -------------------------------------------------------------------------------------


async def test_place_queries_by_level_through_the_bot(env, tg):  # noqa: F811
    async with await Service.create(get_settings()) as service:
        for name in ("000_e5000fd4f8434fdf.txt", "001_85f4f9d88a5ef757.txt", "002_583cfe85666f49d1.txt"):
            data = (SEEDS / name).read_bytes()
            assert (
                await service.submit(scope="public", sender="cli", data=data, use_llm=False)
            ).status == "done"
    async with bot():
        changsha = await _answer(tg, USER, "/targets 长沙", "既是")
        assert (
            "「长沙」既是长沙市（湖南省），也是长沙县（长沙市，湖南省）。要查哪一个？点下方按钮" in changsha
        )
        assert _buttons(tg, USER, "既是") == ["pl:t:430100", "pl:t:430121"]
        tg.press_button(USER, USER, "pl:t:430100")
        city = await tg.wait_text(USER, "还没有收录关于该市的报告")
        assert "长沙市（湖南省）" in city and "/targets 长沙市 各县" in city
        tg.press_button(USER, USER, "pl:t:430121")
        assert "长沙县（长沙市，湖南省）" in await tg.wait_text(USER, "还没有收录关于该县的报告")
        assert "長沙" in await _answer(tg, USER, "/targets 長沙", "既是")  # either script

        for query, city_name, county_name in (
            ("濮阳", "濮阳市", "濮阳县"),
            ("大理", "大理白族自治州", "大理市"),
        ):
            text = await _answer(tg, USER, f"/targets {query}", "既是")
            assert city_name in text and county_name in text
            assert len(_buttons(tg, USER, f"「{query}」既是")) == 2

        hainan = await _answer(tg, USER, "/targets 海南", "海南省")
        assert (
            "还没有收录关于该省的报告" in hainan and "同名的还有：海南藏族自治州（青海省）、海南区" in hainan
        )
        assert len(_buttons(tg, USER, "同名的还有")) == 2
        assert "还没有收录关于该省的报告" in await _answer(tg, USER, "/targets 山西", "山西省")

        linfen = await _answer(tg, USER, "/targets 临汾", "临汾市")
        assert "/targets 临汾市 各县" in linfen and "还没有收录关于该市的报告" in linfen
        rollup = await _answer(tg, USER, "/targets 临汾 各县", "各县的重点目标")
        lines = html_to_plain(rollup).splitlines()
        [daning] = [line for line in lines if line.startswith("• 大宁县：")]
        [fushan] = [line for line in lines if line.startswith("• 浮山县：")]
        assert "🎯 281亿元" in daning and "🎯" in fushan and "平陆" not in rollup

        typo = await _answer(tg, USER, "/targets 临责", "是不是")
        assert "没有找到「临责」这个地方。是不是：临泽县（张掖市，甘肃省）" in typo
        assert _buttons(tg, USER, "是不是")[0] == f"pl:t:{LINZE}"
        assert "是不是：临泽县" in await _answer(tg, USER, "/track 临责", "是不是")
        assert _buttons(tg, USER, "是不是：临泽县")[0] == f"pl:k:{LINZE}"
        await _answer(tg, USER, "/track 长沙", "既是")
        assert _buttons(tg, USER, "既是") == ["pl:k:430100", "pl:k:430121"]
        tg.press_button(USER, USER, "pl:k:430121")
        assert "长沙县（长沙市，湖南省）" in await tg.wait_text(USER, "还没有可以对照实际数字的目标")
    assert_user_safe(tg, USER)
