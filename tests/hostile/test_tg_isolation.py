"""Isolation between chats: chat A never sees chat B's report, by /figures, a copied button, /targets or
/digest — through the real PTB Application and the fake Bot API."""

from __future__ import annotations

from tests import tgkit
from tests.tgkit import DIGEST_MARK, SEED0, assert_user_safe, bot

tg, env = tgkit.tg, tgkit.env  # the fixtures

A, B = 42, 43
SECRET = "281亿元"  # in SEED0 (大宁县), which only chat B sends


async def test_chat_a_cannot_see_chat_b_report(env, tg):
    async with bot() as app:
        tg.send_text(B, B, SEED0)
        await tg.wait_text(B, DIGEST_MARK, timeout=30)
        markup = next(c.json("reply_markup") for c in tg.calls_of("sendMessage", B) if DIGEST_MARK in c.text)
        data = markup["inline_keyboard"][0][0]["callback_data"]
        rid = int(data.split(":")[1])
        # a copied button, neighbouring ids, /figures, /targets, /digest — all from chat A
        for forged in (data, f"figs:{rid + 1}", f"figs:{rid - 1 or 1}"):
            tg.press_button(A, A, forged)
        answers = await tg.wait_for("answerCallbackQuery", 3)
        assert all("找不到" in a.params.get("text", "") for a in answers)
        for command, needle in (("/figures", "还没有"), ("/targets 大宁", "大宁"), ("/digest", "没有收到")):
            tg.send_text(A, A, command)
            await tg.wait_text(A, needle)
        # the group chat of B's user is another chat too
        tg.send_text(-100777, B, "/figures")
        await tg.wait_text(-100777, "还没有")
        svc = app.bot_data["state"].svc
        assert await svc.report_digest(rid, f"chat:{A}") is None
    assert not any(SECRET in t for t in tg.texts(A) + tg.texts(-100777))
    assert any(SECRET in t for t in tg.texts(B))
    assert_user_safe(tg, A)
