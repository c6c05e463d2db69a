"""Issue N through the real bot (the real PTB Application, Service on SQLite and pipeline, the fake Bot API):
the buttons that lead on under a digest, only when something is behind them; the line a report that answers
earlier targets ends with; and the daily digest's 目标完成情况更新 for a followed county's public report."""

from __future__ import annotations

import asyncio
import time

from bot.models import chat_scope
from bot.queries.places import code_of
from bot.telegram import schedule
from extract.places.gazetteer import lookup
from tests.test_telegram_analyst import _ingest_public
from tests.test_telegram_bot import DIGEST_MARK, USER, bot, env, tg  # noqa: F401  (fixtures)
from tests.test_track import RESULT_REPORT, TARGET_REPORT

OTHER = 43
ANSWERED = "回答了此前 5 项目标：2 项已完成，1 项接近目标，2 项未完成"


def _code() -> str:
    [puxian] = [c for c in lookup("蒲县") if c.name == "蒲县"]
    code = code_of(puxian)
    assert code
    return code


def _markup(tg, chat_id: int, needle: str) -> list[tuple[str, str]]:  # noqa: F811
    call = next(c for c in reversed(tg.calls_of("sendMessage", chat_id)) if needle in c.text)
    markup = call.json("reply_markup") or {"inline_keyboard": []}
    return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


async def _digest(tg, chat_id: int, text: str, mark: str = DIGEST_MARK) -> str:  # noqa: F811
    before = len(tg.texts(chat_id))
    tg.send_text(chat_id, chat_id, text)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [t for t in tg.texts(chat_id)[before:] if mark in t]
        if found:
            return found[0]
        await asyncio.sleep(0.02)
    raise AssertionError(tg.texts(chat_id)[before:])


async def test_next_steps_and_what_a_report_answered(env, tg):  # noqa: F811
    code = _code()
    async with bot():
        # another chat's targets are not this chat's: results alone lead only to the chart
        await _digest(tg, USER, TARGET_REPORT)
        assert _markup(tg, USER, "2024-01-10") == [
            ("🎯 该县目标", f"pl:t:{code}"),
            ("📊 图表", f"pl:c:{code}"),
        ]  # its own targets, drawn; nothing tracked yet: no 📈
        other = await _digest(tg, OTHER, RESULT_REPORT)
        assert "回答了此前" not in other
        assert _markup(tg, OTHER, "2025-01-12") == [("📊 图表", f"pl:c:{code}")]

        # the chat's own later report answers its earlier targets: the line, and 📈 leads to /track
        answered = await _digest(tg, USER, RESULT_REPORT)
        assert answered.rstrip().endswith(ANSWERED)
        buttons = _markup(tg, USER, ANSWERED)
        assert ("📈 完成情况", f"pl:k:{code}") in buttons and ("🎯 该县目标", f"pl:t:{code}") in buttons
        before = len(tg.texts(USER))
        tg.press_button(USER, USER, f"pl:k:{code}")
        track = await tg.wait_text(USER, "目标完成情况（", timeout=15)
        assert tg.texts(USER).index(track) >= before and "接近目标" in track
        tg.press_button(USER, USER, f"pl:c:{code}")
        await tg.wait_for("sendPhoto", 1, chat_id=USER, timeout=30)

        # a forged or truncated next-step button is answered and does nothing
        sent = len(tg.texts(USER))
        for data in (f"pl:k:{code}x", "pl:z:110101", "pl:k:"):
            tg.press_button(USER, USER, data)
        await tg.wait_for("answerCallbackQuery", 5, timeout=10)
        await asyncio.sleep(0.3)
        assert len(tg.texts(USER)) == sent

        # traditional chat: the buttons and the line in its script
        await tg.wait_for("sendMessage", 1, chat_id=OTHER)
        tg.send_text(OTHER, OTHER, "/script 繁")
        await tg.wait_text(OTHER, "繁體", timeout=10)
        await _digest(tg, OTHER, TARGET_REPORT.replace("1月10日", "1月11日"), "關鍵數字")
        labels = [t for t, _ in _markup(tg, OTHER, "2024-01-11")]
        assert labels == ["🎯 該縣目標", "📈 完成情況", "📊 圖表"]


async def test_daily_digest_shows_what_a_followed_countys_report_answered(env, tg):  # noqa: F811
    group = -3001
    async with bot() as app:
        svc = app.bot_data["state"].svc
        await _ingest_public(TARGET_REPORT)
        await svc.subscribe(group, "08:00", "UTC")
        await svc.follow(group, "蒲县")
        await _ingest_public(RESULT_REPORT)  # public: the follower's daily digest has it
        assert await schedule.send_daily_digest(app, group)
        [daily] = [t for t in tg.texts(group) if "今日摘要" in t]
        assert f"📈 {ANSWERED}" in daily
        section = daily[daily.index("目标完成情况更新") :]
        assert "🟡 蒲县 2024年" in section and "目标 6%左右 · 实际 5.9%，接近目标" in section
        assert section.count("\n🟢") == 2 and section.count("\n🔴") == 2

        # a chat's own result answers the public targets it can see
        await svc.subscribe(group - 1, "08:00", "UTC")
        await svc.submit(scope=chat_scope(group - 1), sender="t", data=RESULT_REPORT.encode(), use_llm=False)
        assert await schedule.send_daily_digest(app, group - 1)
        mine = next(t for t in tg.texts(group - 1) if "今日摘要" in t)
        assert "目标完成情况更新" in mine  # the public targets are visible to every chat


async def test_export_track_view_in_the_chats_script(env, tg):  # noqa: F811
    import csv
    import io

    from bot.render.export import TRACK_COLUMNS

    await _ingest_public(TARGET_REPORT, RESULT_REPORT)
    async with bot():
        tg.send_text(USER, USER, "/export 蒲县 对照")
        [doc] = await tg.wait_for("sendDocument", 1, chat_id=USER, timeout=20)
        sent = doc.files["document"]
        assert sent.filename == "蒲县-完成情况.csv" and "6 项目标" in doc.params["caption"]
        reader = csv.DictReader(io.StringIO(sent.data.decode("utf-8-sig")))
        rows = list(reader)
        assert reader.fieldnames == [zh for _, zh in TRACK_COLUMNS] and len(rows) == 6
        gdp = next(r for r in rows if r["指标"] == "地区生产总值增长")
        assert (gdp["目标"], gdp["实际"], gdp["差值"]) == ("6%左右", "5.9%", "-0.1")
        assert gdp["完成情况"] == "接近目标"

        tg.send_text(OTHER, OTHER, "/script 繁")
        await tg.wait_text(OTHER, "繁體", timeout=10)
        tg.send_text(OTHER, OTHER, "/export 蒲縣 對照")
        [doc] = await tg.wait_for("sendDocument", 1, chat_id=OTHER, timeout=20)
        sent = doc.files["document"]
        assert sent.filename == "蒲縣-完成情況.csv"
        text = sent.data.decode("utf-8-sig")
        assert text.startswith("縣,指標,時期,目標,") and "完成情況" in text and "地區生產總值增長" in text
        assert "完成情况" not in text and "实际" not in text
        tg.send_text(OTHER, OTHER, "/chart 蒲縣")  # drawn in the chat's script (tests/test_chart.py)
        [photo] = await tg.wait_for("sendPhoto", 1, chat_id=OTHER, timeout=30)
        assert photo.files["photo"].filename == "蒲縣.png"
        assert "圖表（◇ 目標 · ● 實際）" in photo.params["caption"]

        tg.send_text(USER, USER, "/export 蒲县")  # without 对照: every figure, as before
        [_, doc] = await tg.wait_for("sendDocument", 2, chat_id=USER, timeout=20)
        assert doc.files["document"].filename == "蒲县-数字.csv"
