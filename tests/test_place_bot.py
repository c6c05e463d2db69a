"""Issue L through the real bot: the real PTB Application against the fake Bot API server, the real Service
on a SQLite file and the real pipeline — a report whose county is only likely says so in its digest."""

from __future__ import annotations

from tests import tgkit
from tests.conftest import ROOT
from tests.tgkit import USER, bot

tg, env = tgkit.tg, tgkit.env  # the fixtures

PLACES = ROOT / "tests" / "reports_places"


async def test_a_likely_county_is_marked_and_a_sure_one_is_not(env, tg):
    likely = (PLACES / "423_hubei_tongshan.txt").read_text(encoding="utf-8")  # 谱写通山新篇章, once
    sure = (PLACES / "409_sichuan_lushan.txt").read_text(encoding="utf-8")  # 芦山县, and 模范县 six times
    async with bot():
        tg.send_text(USER, USER, likely)
        digest = await tg.wait_text(USER, "📍", timeout=30)  # a text with no figures: no 关键数字 block
        assert "通山县（咸宁市，湖北省）（可能）" in digest
        tg.send_text(USER, USER, sure)
        digest = await tg.wait_text(USER, "芦山县", timeout=30)
        place = next(line for line in digest.split("\n") if line.startswith("📍"))
        assert place == "📍 芦山县（雅安市，四川省）"  # sure, and no 范县 read out of 模范县


async def test_the_chats_followed_county_is_a_prior_for_its_reports(env, tg):
    # 兰考 once, in passing: alone only a candidate; for a chat following 兰考县 the likely place
    text = (
        "我县召开项目推进会。会议指出，要对接兰考方向的物流通道，加快项目建设。"
        "全年完成固定资产投资12亿元，增长8%，新开工项目15个。会议要求，各部门要压实责任、"
        "倒排工期，确保项目早日建成投产，为全年经济平稳运行打下坚实基础。"
    )
    follower, other = USER, USER + 1
    async with bot():
        tg.send_text(follower, follower, "/follow 兰考")
        await tg.wait_text(follower, "已关注", timeout=10)
        tg.send_text(follower, follower, text)
        digest = await tg.wait_text(follower, "关键数字", timeout=30)
        place = next(line for line in digest.split("\n") if line.startswith("📍"))
        assert place.startswith("📍 兰考县") and "（可能）" in place
        tg.send_text(other, other, text)  # the same report in a chat that follows nothing
        digest = await tg.wait_text(other, "关键数字", timeout=30)
        assert not any(line.startswith("📍 兰考县") for line in digest.split("\n"))
