"""The bot's small pure parts: intents, the paste joiner, token redaction, digest timing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from bot.service import Subscription
from bot.telegram.errors import REDACTED, install_token_redaction
from bot.telegram.intents import looks_like_report, targets_query
from bot.telegram.joiner import join_parts
from bot.telegram.schedule import last_due
from tests.conftest import SEEDS


@pytest.mark.parametrize(
    ("text", "county"),
    [
        ("大寧縣的目標?", "大寧縣"),
        ("平陆重点目标", "平陆"),
        ("请问大宁县2024年的重点目标是什么？", "大宁县"),
        ("大宁今年有哪些目标", "大宁"),
        ("维西傈僳族自治县主要指标", "维西傈僳族自治县"),
        ("@countybot 平陸縣的重點目標", "平陸縣"),
    ],
)
def test_targets_questions_name_the_county(text, county):
    assert targets_query(text) == county


@pytest.mark.parametrize("text", ["你好", "我的目标", "目标", "今天开会了吗", "大宁县" * 20 + "的目标"])
def test_not_targets_questions(text):
    assert targets_query(text) is None


def test_reports_look_like_reports_and_chat_does_not():
    seed = (SEEDS / "000_e5000fd4f8434fdf.txt").read_text(encoding="utf-8")
    assert looks_like_report(seed)
    assert looks_like_report(seed, strict=True)
    assert looks_like_report(seed[:1200])  # the first part of a split paste
    short_with_figures = "全县今年完成投资45亿元，新开工项目74个，同比增长10%，群众满意度持续提升。" * 3
    assert looks_like_report(short_with_figures)
    assert not looks_like_report(short_with_figures, strict=True)  # groups ask for more
    assert not looks_like_report("大宁县的目标是什么？")
    assert not looks_like_report("明天上午9点开会，大家带上3份材料，别迟到，会议室在2楼。")


def test_join_parts_closes_a_mid_sentence_cut_and_keeps_paragraph_breaks():
    body = "全县上下坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，统筹推进各项工作，全年完成固定资产投"
    assert join_parts([body, "资281亿元。"]) == body + "资281亿元。"
    assert join_parts(["第一段结束。", "第二段开始"]) == "第一段结束。\n第二段开始"
    assert join_parts(["标题", "正文"]) == "标题\n正文"  # a short line is a title, not a cut


def test_token_is_redacted_from_messages_args_and_tracebacks(caplog):
    token = "987654:Secret_Token_Value_xyz"
    install_token_redaction(token)
    log = logging.getLogger("httpx")
    caplog.set_level(logging.DEBUG, logger="httpx")
    with caplog.at_level(logging.DEBUG):
        log.info("HTTP Request: POST %s", f"https://api.telegram.org/bot{token}/getUpdates")
        try:
            raise RuntimeError(f"failed calling /bot{token}/sendMessage")
        except RuntimeError:
            logging.getLogger("countybot").exception("boom")
    assert token not in caplog.text
    assert f"/bot{REDACTED}/getUpdates" in caplog.text
    assert "RuntimeError: failed calling" in caplog.text  # the traceback is kept, redacted


def test_last_due_is_today_or_yesterday_in_the_subscription_zone():
    sub = Subscription(chat_id=-1, time="08:00", timezone="Asia/Shanghai")
    # 2024-05-01 03:00 UTC = 11:00 in Shanghai: today's 08:00 is due
    due = last_due(sub, datetime(2024, 5, 1, 3, 0, tzinfo=UTC))
    assert (due.date().isoformat(), due.hour, due.utcoffset().total_seconds()) == ("2024-05-01", 8, 8 * 3600)
    # 2024-04-30 23:00 UTC = 07:00 on 05-01 in Shanghai: the last one was 04-30 08:00
    assert last_due(sub, datetime(2024, 4, 30, 23, 0, tzinfo=UTC)).date().isoformat() == "2024-04-30"
