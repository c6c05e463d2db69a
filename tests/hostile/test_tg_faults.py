"""A failing Telegram: the real PTB Application against the loopback fake Bot API answering errors."""

from __future__ import annotations

import asyncio
import time

from bot.service import Service
from bot.settings import get_settings
from bot.telegram import uploads
from bot.telegram.errors import USER_ERROR_TEXT
from tests import tgkit
from tests.fakes.openai_server import FakeOpenAI, grounded_reply
from tests.tgkit import (
    DIGEST_MARK,
    SEED0,
    SEED2,
    USER,
    WINDOW,
    assert_user_safe,
    bot,
    digests,
)

tg, env = tgkit.tg, tgkit.env  # the fixtures

TOO_LONG = "Bad Request: message is too long"


async def _digest_with_first_send_failing(tg, code: int, description: str, times: int) -> list[str]:
    async with bot():
        tg.send_text(USER, USER, SEED0)
        await tg.wait_text(USER, "已收到")  # the ack went out; the digest is the next message
        tg.fail_next("sendMessage", code, description, times=times)
        await tg.wait_text(USER, "大宁县", timeout=30)
        await asyncio.sleep(WINDOW)
    return tg.texts(USER)


async def test_message_too_long_is_resplit_and_the_digest_delivered(env, tg):
    texts = await _digest_with_first_send_failing(tg, 400, TOO_LONG, times=2)
    body = "\n".join(t for t in texts if "已收到" not in t)
    assert DIGEST_MARK in body and "281亿元" in body and "大宁县" in body
    assert not any("抱歉" in t or USER_ERROR_TEXT in t for t in texts)
    sent = [c for c in tg.calls_of("sendMessage", USER) if c.params.get("_accepted") == "1"]
    # the button for all figures rides on the last part
    assert sent[-1].json("reply_markup") is not None
    assert_user_safe(tg, USER)


async def _upload(tg) -> None:
    tg.send_document(
        USER, USER, "平陆.txt", SEED2.encode("utf-8"), mime_type="text/plain", caption="请看这份报告"
    )


async def test_get_file_500_is_retried_and_the_digest_delivered(env, tg):
    tg.fail_next("getFile", 500, "Internal Server Error", times=2)
    async with bot():
        await _upload(tg)
        digest = await tg.wait_text(USER, DIGEST_MARK, timeout=30)
    assert "平陆县" in digest and len(tg.calls_of("getFile")) == 3
    assert_user_safe(tg, USER)


async def test_download_500_is_retried_and_the_digest_delivered(env, tg):
    tg.fail_next("download", 500, "Internal Server Error", times=2)
    async with bot():
        await _upload(tg)
        digest = await tg.wait_text(USER, DIGEST_MARK, timeout=30)
    assert "平陆县" in digest and len(tg.calls_of("download")) == 3
    assert_user_safe(tg, USER)


async def test_get_file_down_keeps_the_upload_and_finishes_it_at_restart(env, tg):
    tg.fail_next("getFile", 500, "Internal Server Error", times=100)
    async with bot() as app:
        await _upload(tg)
        told = await tg.wait_text(USER, "已保存", timeout=30)
        started = len(tg.calls_of("getFile"))
        assert started >= 3  # retried, with backoff
        calls = tg.calls_of("getFile")
        assert calls[-1].at - calls[0].at >= 1.0
        svc = app.bot_data["state"].svc
        assert await svc.store.reports.count_reports(scope=f"chat:{USER}") == 1  # what was received is stored
        [row] = await svc.store.reports.failed_with(uploads.AWAITING_ERROR)
        raw = await svc.store.reports.raw(row.id)
        assert row.filename == "平陆.txt" and b"FILE1" in raw and "请看这份报告".encode() in raw
    assert "平陆.txt" in told and "稍后" in told and DIGEST_MARK not in told
    assert_user_safe(tg, USER)
    tg.clear_failures()
    async with bot():  # Telegram is back: the stored upload is fetched and digested
        digest = await tg.wait_text(USER, DIGEST_MARK, timeout=30)
    assert "平陆县" in digest and "已重新下载" in digest
    assert len(digests(tg, USER)) == 1


async def test_download_down_keeps_the_upload_and_retries_later_in_the_same_run(env, tg, monkeypatch):
    monkeypatch.setattr(uploads, "RETRY_LATER_S", (0.5, 0.5))
    tg.fail_next("download", 500, "Internal Server Error", times=100)
    async with bot():
        await _upload(tg)
        await tg.wait_text(USER, "已保存", timeout=30)
        tg.clear_failures()
        digest = await tg.wait_text(USER, DIGEST_MARK, timeout=30)
    assert "平陆县" in digest and len(digests(tg, USER)) == 1
    assert_user_safe(tg, USER)


async def test_malformed_callback_data_is_answered_politely(env, tg):
    bad = ["figs:" + "9" * 23, "figs:-1", "figs:abc", "figs:", "figs:0", "figs:١٢", "x" * 64, "other:1"]
    async with bot():
        for data in bad:
            tg.press_button(USER, USER, data)
        answers = await tg.wait_for("answerCallbackQuery", len(bad))
        await asyncio.sleep(0.3)
    assert all("报告" in a.params.get("text", "") for a in answers), [a.params for a in answers]
    assert not any(USER_ERROR_TEXT in t for t in tg.texts(USER))


async def test_pending_reports_are_finished_while_the_bot_already_answers(env, tg):
    service = await Service.create(get_settings())
    try:
        for seed in (SEED0, SEED2):
            await service.accept(scope=f"chat:{USER}", sender=f"tg:{USER}", data=seed.encode("utf-8"))
    finally:
        await service.close()
    with FakeOpenAI() as llm:
        slow = 1.5

        def answer(request):
            reply = grounded_reply(request)
            reply.delay = slow
            return reply

        llm.default = answer
        env.setenv("OPENAI_BASE_URL", llm.base_url)
        env.setenv("OPENAI_API_KEY", "sk-test")
        env.setenv("COUNTYBOT_LLM_TIMEOUT_S", "10")
        env.setenv("COUNTYBOT_LLM_DEADLINE_S", "20")
        start = time.monotonic()
        async with bot():
            tg.send_text(USER, USER, "/help")
            await tg.wait_text(USER, "/targets", timeout=slow)  # served at once, not after the backlog
            answered = time.monotonic() - start
            await tg.wait_for("sendMessage", 3, chat_id=USER, timeout=60)
            ds = [t for t in tg.texts(USER) if "重启后补发" in t]
            assert len(ds) == 2
    texts = tg.texts(USER)
    assert "/targets" in texts[0], texts  # the help came before both resumed digests
    assert answered < slow


async def test_stored_upload_whose_file_expired_is_failed_with_a_clear_message(env, tg):
    tg.fail_next("getFile", 500, "Internal Server Error", times=100)
    async with bot():
        await _upload(tg)
        await tg.wait_text(USER, "已保存", timeout=30)
    tg.clear_failures()
    tg.fail_next("getFile", 400, "Bad Request: invalid file_id")
    async with bot() as app:
        gone = await tg.wait_text(USER, "已无法", timeout=30)
        svc = app.bot_data["state"].svc
        assert await svc.store.reports.failed_with(uploads.AWAITING_ERROR) == []
        assert await svc.store.reports.count_reports(status="failed") == 1
    assert uploads.GONE in gone and "已重新下载" not in gone
    assert not digests(tg, USER)
    assert_user_safe(tg, USER)
