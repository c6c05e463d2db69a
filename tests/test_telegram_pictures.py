"""Photos, albums, picture files and scans through the real bot (issue M): the real PTB Application, the
real Service on an SQLite file, the real OCR engine, against the fake Bot API server. Pages are small
pictures rendered from a real report, so each takes about a second to read."""

from __future__ import annotations

import asyncio
import io

import pytest
from fpdf import FPDF
from PIL import Image

from bot.service import Service
from bot.settings import get_settings
from bot.telegram.pictures import NOT_TAKEN
from extract.ocr_pages import Style, render_pages
from extract.pipeline import document_from_text
from extract.text.ocr import OCR_NOTE
from tests import tgkit
from tests.conftest import ROOT
from tests.tgkit import DIGEST_MARK, USER, assert_user_safe, bot

tg, env = tgkit.tg, tgkit.env  # the fixtures

TEXT = document_from_text((ROOT / "tests/reports/102_zhejiang_songyang.txt").read_text(encoding="utf-8")).text
PARAS = TEXT.split("\n")


def page(text: str) -> bytes:
    return render_pages(text, Style(font_px=26, page_numbers=False, jpeg=80), size=(1000, 900))[0]


@pytest.fixture(scope="module")
def three_pages() -> list[bytes]:
    """The report's title and paragraphs over three pictures."""
    return [page("\n".join(PARAS[:3])), page(PARAS[3]), page("\n".join(PARAS[4:]))]


async def _stored(report_no: int = 1):
    async with await Service.create(get_settings()) as svc:
        return await svc.store.images.of(report_no), await svc.store.images.ocr_text(report_no)


async def test_a_photo_is_read_and_its_reference_kept(env, tg, three_pages) -> None:
    async with bot():
        tg.send_photo(USER, USER, three_pages[1])
        digest = await tg.wait_text(USER, DIGEST_MARK, timeout=60)
    assert OCR_NOTE in digest and "426亿元" in digest and "105亿元" in digest
    assert any("已收到照片" in t for t in tg.texts(USER))
    # the original size was fetched, not the thumbnail
    [get] = tg.calls_of("getFile")
    refs, ocr_text = await _stored()
    assert [r.file_id for r in refs] == [get.params["file_id"]] and refs[0].file_name.endswith(".jpg")
    assert ocr_text and "426亿元" in ocr_text


async def test_an_album_is_one_report_with_pages_in_order_and_progress(env, tg, three_pages) -> None:
    async with bot():
        for data in three_pages:
            tg.send_photo(USER, USER, data, media_group_id="album-1", caption=None)
        digest = await tg.wait_text(USER, DIGEST_MARK, timeout=90)
        await asyncio.sleep(0.3)
    assert len([t for t in tg.texts(USER) if DIGEST_MARK in t]) == 1
    assert "松阳县" in digest and "3 张图片" in "".join(tg.texts(USER))
    refs, ocr_text = await _stored()
    assert len(refs) == 3
    assert ocr_text.index("重大项目102个") < ocr_text.index("总投资426亿元") < ocr_text.index("项目25个以上")
    # one progress message, edited page by page
    progress = [t for t in tg.texts(USER) if "正在识别第" in t]
    assert progress == ["🔍 正在识别第 1/3 页……"]
    edits = [c.text for c in tg.calls_of("editMessageText", USER)]
    assert edits[-1] == "🔍 已识别 3 页。" and all("/3 页" in e or "已识别" in e for e in edits)


async def test_page_cap_reads_the_first_pages_and_says_so(env, tg, three_pages) -> None:
    env.setenv("COUNTYBOT_OCR_MAX_PAGES", "2")
    async with bot():
        for data in three_pages:
            tg.send_photo(USER, USER, data, media_group_id="album-2")
        digest = await tg.wait_text(USER, DIGEST_MARK, timeout=90)
    assert "共 3 页，只识别了前 2 页" in digest and "项目25个以上" not in digest


async def test_picture_files_and_a_scanned_pdf(env, tg, three_pages) -> None:
    pdf = FPDF()
    for data in three_pages[1:]:
        pdf.add_page()
        pdf.image(io.BytesIO(data), x=0, y=0, w=210)
    async with bot():
        tg.send_document(USER, USER, "会议.png", three_pages[1], mime_type="image/png")
        first = await tg.wait_text(USER, DIGEST_MARK, timeout=60)
        assert OCR_NOTE in first and "426亿元" in first
        assert any("已收到文件《会议.png》" in t for t in tg.texts(USER))
        tg.send_document(USER, USER, "扫描件.pdf", bytes(pdf.output()), mime_type="application/pdf")
        await tg.wait_for("editMessageText", 1, chat_id=USER, timeout=60)
        for _ in range(300):
            if len([t for t in tg.texts(USER) if DIGEST_MARK in t]) == 2:
                break
            await asyncio.sleep(0.1)
    second = [t for t in tg.texts(USER) if DIGEST_MARK in t][1]
    assert OCR_NOTE in second and "25个" in second
    assert "🔍 正在识别第 1/2 页……" in tg.texts(USER)


async def test_other_media_and_unknown_commands_get_one_short_answer(env, tg) -> None:
    async with bot():
        for kind in ("voice", "video", "sticker", "location"):
            tg.send_media(USER, USER, kind)
        tg.send_text(USER, USER, "/frobnicate")
        tg.send_text(USER, USER, "/help")
        await tg.wait_for("sendMessage", 6, chat_id=USER, timeout=20)
        await asyncio.sleep(0.5)
    texts = tg.texts(USER)
    assert texts.count(NOT_TAKEN) == 4
    assert [t for t in texts if "/frobnicate" in t] == [
        "没有 /frobnicate 这个命令。发送 /help 查看可用的命令；报告请直接粘贴全文或发送文件、照片。"
    ]
    assert len(texts) == 6  # /help answered once, by /help only
    assert_user_safe(tg, USER)


async def test_traditional_chat_gets_the_answer_in_traditional(env, tg) -> None:
    async with bot():
        tg.send_text(USER, USER, "/script 繁")
        await tg.wait_for("sendMessage", 1, chat_id=USER)
        tg.send_media(USER, USER, "voice")
        answer = await tg.wait_text(USER, "語音")
    assert "照片" in answer and "语音" not in answer


async def test_groups_take_pictures_only_with_report_caption(env, tg, three_pages) -> None:
    group = -100
    async with bot():
        chatter = tg.send_photo(group, USER, three_pages[1])  # a photo in the group's chatter: not a report
        tg.send_media(group, USER, "sticker")
        tg.send_text(group, USER, "/frobnicate")  # could be another bot's: not answered
        await asyncio.sleep(1.0)
        assert tg.texts(group) == [] and tg.calls_of("getFile") == []
        tg.send_photo(group, USER, three_pages[1], caption="/report")
        digest = await tg.wait_text(group, DIGEST_MARK, timeout=60)
        assert "426亿元" in digest
        tg.send_text(group, USER, "/report", reply_to=chatter)  # the earlier photo, asked for
        for _ in range(600):
            if len([t for t in tg.texts(group) if DIGEST_MARK in t]) == 2:
                break
            await asyncio.sleep(0.1)
        tg.send_text(group, USER, f"/frobnicate@{tg.bot_user['username']}")  # addressed to us: answered
        await tg.wait_text(group, "没有 /frobnicate 这个命令")
    assert len([t for t in tg.texts(group) if DIGEST_MARK in t]) == 2


async def test_bad_pictures_get_a_clear_message_and_the_bot_goes_on(env, tg, three_pages) -> None:
    huge = io.BytesIO()
    Image.new("1", (10_000, 10_000), 1).save(huge, "PNG")
    async with bot():
        tg.send_document(USER, USER, "巨图.png", huge.getvalue(), mime_type="image/png")
        refused = await tg.wait_text(USER, "⚠️", timeout=30)
        assert "10000×10000" in refused and "上限" in refused
        tg.send_photo(USER, USER, b"\xff\xd8\xff\xe0 not a jpeg at all")
        broken = await tg.wait_text(USER, "损坏", timeout=30)
        assert DIGEST_MARK not in broken
        tg.send_photo(USER, USER, three_pages[1])
        assert "426亿元" in await tg.wait_text(USER, DIGEST_MARK, timeout=60)
    assert_user_safe(tg, USER)
