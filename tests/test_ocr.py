"""Pictures and scans (issue M): the real RapidOCR engine on pages rendered from real reports in the
project's CJK font, the layout rules on their own boxes, the marks on unsure numbers, and bad inputs.
OCR costs ~2 s a page on this machine: the rendered pages are few and shared by the module."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys

import pytest
from fpdf import FPDF
from PIL import Image

from extract.errors import InputError
from extract.models import Figure
from extract.ocr_pages import STYLES, Style, render_pages
from extract.pipeline import document_from_bytes, document_from_text, make_digest
from extract.text import ocr
from extract.text.ocr_layout import Box, PageLayout, layout_pages
from extract.text.ocr_marks import OCR_NOTE, is_unsure, locate
from tests.conftest import ROOT

REPORT = ROOT / "tests" / "reports" / "102_zhejiang_songyang.txt"


@pytest.fixture(scope="module")
def text_version():
    return document_from_text(REPORT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def photo_doc(text_version):
    """The report's first page as a phone would take it: 24 px type, 2.5° turned, noise, JPEG q60, a
    running header and a page number."""
    page = render_pages(text_version.text, STYLES[1])[0]
    return document_from_bytes(page, "IMG_2041.jpg")


def _keys(figures: list[Figure]) -> set[tuple[float, str]]:
    return {(f.value, f.unit) for f in figures}


def test_photo_of_a_page_reads_the_report(photo_doc, text_version) -> None:
    assert photo_doc.file_type == "image"
    assert photo_doc.ocr is not None and photo_doc.ocr.pages == 1
    assert OCR_NOTE in photo_doc.warnings
    # the running header and the page number are gone; the title leads
    assert photo_doc.title == text_version.title
    assert "县人民政府办公室" not in photo_doc.text and "— 1 —" not in photo_doc.text
    # paragraphs joined back: every paragraph of the text version is one line of the OCR text
    ocr_lines = photo_doc.text.split("\n")
    assert len(ocr_lines) == len(text_version.text.split("\n"))


def test_photo_figures_match_the_text_version(photo_doc, text_version) -> None:
    want = asyncio.run(make_digest(text_version))
    got = asyncio.run(make_digest(photo_doc))
    found = _keys(got.figures)
    recall = sum(k in found for k in _keys(want.figures)) / len(_keys(want.figures))
    assert recall >= 0.95
    # a number the text version never had is shown only with the warning
    for f in got.figures:
        assert (f.value, f.unit) in _keys(want.figures) or f.ocr_unsure, f
    assert got.warnings[0] == OCR_NOTE


def test_two_column_page_is_read_in_column_order(text_version) -> None:
    page = render_pages(text_version.text, Style(font_px=26, columns=2, header="政府工作报告"))[0]
    doc = document_from_bytes(page, "scan.png")
    paras = text_version.text.split("\n")
    # each paragraph comes back whole and in order (a paragraph continued across the gutter included)
    at = [doc.text.find(p[:12]) for p in paras]
    assert all(i >= 0 for i in at), (doc.text, paras)
    assert at == sorted(at)


# --- layout on boxes (no OCR engine) --------------------------------------------------------------


def _box(x: float, y: float, text: str, h: float = 30, conf: float = 0.99) -> Box:
    return Box(x, y, x + 30 * len(text), y + h, text, [conf] * len(text))


def test_wrapped_lines_join_and_sentence_ends_and_markers_break() -> None:
    boxes = [
        _box(160, 100, "一、全年地区生产总值增长6%左右，一般公共"),  # a marker line, wraps
        _box(100, 150, "预算收入增长5%以上，城乡居民收入增长7%。"),
        _box(160, 200, "二、粮食产量稳定在1.2亿斤以上，规上工业"),
        _box(100, 250, "增加值增长8%。"),
        _box(100, 300, "（一）坚持项目为王，全年实施重点项目120个"),
        _box(100, 350, "以上，完成投资56亿元。"),
    ]
    text = layout_pages([PageLayout(width=1400, height=2000, boxes=boxes)]).text
    assert text.split("\n") == [
        "一、全年地区生产总值增长6%左右，一般公共预算收入增长5%以上，城乡居民收入增长7%。",
        "二、粮食产量稳定在1.2亿斤以上，规上工业增加值增长8%。",
        "（一）坚持项目为王，全年实施重点项目120个以上，完成投资56亿元。",
    ]


def test_headers_footers_and_page_numbers_are_dropped_across_pages() -> None:
    pages = []
    for n in (1, 2):
        pages.append(
            PageLayout(
                width=1400,
                height=2000,
                boxes=[
                    _box(500, 40, "某某县人民政府文件"),  # the running head, on both pages
                    _box(160, 300, f"第{n}页的正文，全年完成投资{n}0亿元，同比增长"),
                    _box(100, 350, "百分之八。"),
                    _box(650, 1900, f"- {n} -"),  # the page number
                ],
            )
        )
    text = layout_pages(pages).text
    assert "人民政府文件" not in text and "- 1 -" not in text and "- 2 -" not in text
    assert text.split("\n") == [
        "第1页的正文，全年完成投资10亿元，同比增长百分之八。",
        "第2页的正文，全年完成投资20亿元，同比增长百分之八。",
    ]


def test_a_paragraph_continues_onto_the_next_page() -> None:
    first = PageLayout(
        1400, 2000, [_box(160, 300, "全年完成投资九十亿元，"), _box(100, 350, "较上年增长百分之十二，")]
    )
    second = PageLayout(1400, 2000, [_box(100, 300, "居全市第一位。")])
    assert layout_pages([first, second]).text == "全年完成投资九十亿元，较上年增长百分之十二，居全市第一位。"


def test_two_columns_from_boxes() -> None:
    left = [_box(100, 200 + 50 * i, f"左栏第{i}行文字内容，") for i in range(6)]
    right = [_box(760, 200 + 50 * i, f"右栏第{i}行文字内容，") for i in range(6)]
    title = [_box(300, 100, "某县二〇二四年政府工作报告摘要全文")]
    text = layout_pages([PageLayout(1400, 2000, right + title + left)]).text
    assert text.index("某县") < text.index("左栏第0") < text.index("左栏第5") < text.index("右栏第0")


# --- unsure digits --------------------------------------------------------------------------------


def test_unsure_digits_mark_their_figure() -> None:
    boxes = [
        _box(160, 300, "全年完成投资", conf=0.99),
        _box(340, 300, "98.6", conf=0.62),
        _box(460, 300, "亿元。"),
    ]
    laid = layout_pages([PageLayout(1400, 2000, boxes)])
    unsure = [ocr.Uncertain(*u) for u in laid.unsure_numbers(ocr.UNSURE)]
    assert [u.number for u in unsure] == ["98.6"]
    text = "标题\n全年完成投资98.6亿元。另有98.6亩。"
    spans = locate(text, unsure)
    assert spans == [(9, 13)]  # with its context: the other 98.6 is not marked
    fig = Figure(surface="98.6亿元", value=9860000000, unit="元", start=9, end=15)
    other = Figure(surface="98.6亩", value=98.6, unit="亩", start=19, end=24)
    assert is_unsure(fig, spans) and not is_unsure(other, spans)


def test_unsure_figure_is_shown_with_the_warning() -> None:
    from bot.render.html import figure_line

    f = Figure(
        surface="98.6亿元", value=9860000000, unit="元", label="完成投资", kind="result", ocr_unsure=True
    )
    assert ocr.UNSURE_MARK in figure_line(f)
    assert ocr.UNSURE_MARK not in figure_line(f.model_copy(update={"ocr_unsure": False}))
    from bot.render.text import render_digest_text
    from extract.models import Digest

    text = render_digest_text(Digest(figures=[f], key_figures=1, warnings=[OCR_NOTE]), color=False)
    assert ocr.UNSURE_MARK in text and OCR_NOTE in text


# --- scans, albums and bad inputs -----------------------------------------------------------------


def _small_page(text: str) -> bytes:
    return render_pages(text, Style(font_px=28, page_numbers=False), size=(900, 500))[0]


def test_scanned_pdf_is_read_by_ocr() -> None:
    picture = _small_page("全年完成地区生产总值86.3亿元，同比增长6.1%。")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(picture), x=0, y=0, w=210)
    doc = document_from_bytes(bytes(pdf.output()), "扫描件.pdf")
    assert doc.file_type == "pdf" and doc.ocr is not None
    assert "86.3亿元" in doc.text and "6.1%" in doc.text


def test_album_pages_in_order_and_the_page_cap() -> None:
    pages = [_small_page(f"第{n}页：全年完成投资{n}2亿元。") for n in (1, 2, 3)]
    doc = document_from_bytes(ocr.pack(pages), "相册.jpg", ocr_pages=2)
    assert doc.text.index("12亿元") < doc.text.index("22亿元") and "32亿元" not in doc.text
    assert doc.ocr is not None and (doc.ocr.pages, doc.ocr.total_pages) == (2, 3)
    assert "共 3 页，只识别了前 2 页" in doc.warnings


def test_progress_is_reported_page_by_page() -> None:
    seen: list[tuple[int, int]] = []
    token = ocr.PROGRESS.set(lambda n, total: seen.append((n, total)))
    try:
        ocr.ocr_pictures([_small_page("一、全年实施项目12个。"), _small_page("二、完成投资3亿元。")])
    finally:
        ocr.PROGRESS.reset(token)
    assert seen == [(1, 2), (2, 2)]


def test_two_thousand_blank_pages_get_a_clear_message() -> None:
    pdf = FPDF()
    for _ in range(2000):
        pdf.add_page()
    with pytest.raises(InputError) as err:
        document_from_bytes(bytes(pdf.output()), "blank.pdf")
    assert "没有文字层" in err.value.user_message and "空白" in err.value.user_message


def test_a_ten_thousand_pixel_square_is_refused_before_decoding() -> None:
    buf = io.BytesIO()
    Image.new("1", (10_000, 10_000), 1).save(buf, "PNG")
    with pytest.raises(ocr.ImageTooLargeError) as err:
        document_from_bytes(buf.getvalue(), "huge.png")
    assert "10000×10000" in err.value.user_message and "上限" in err.value.user_message


def test_a_broken_picture_is_a_clear_error() -> None:
    with pytest.raises(InputError) as err:
        document_from_bytes(b"\x89PNG\r\n\x1a\n not really", "photo.png")
    assert err.value.user_message == "文件已损坏或格式不正确，无法打开。"


def test_a_picture_without_text() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 220, 255)).save(buf, "JPEG")
    with pytest.raises(ocr.NoTextInImageError):
        document_from_bytes(buf.getvalue(), "sky.jpg")


# --- the engine -----------------------------------------------------------------------------------


def test_engine_is_loaded_lazily() -> None:
    code = (
        "import sys, extract.pipeline, extract.text.loaders, bot.cli\n"
        "print(sorted(m for m in ('onnxruntime', 'rapidocr_onnxruntime', 'cv2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_models_ship_in_the_wheel_and_nothing_is_fetched(monkeypatch) -> None:
    """The engine is built and reads a page with every socket refused: nothing is downloaded."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("OCR tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(ocr, "_engine", None)
    result = ocr.ocr_pictures([_small_page("全年完成投资56亿元。")])
    assert "56亿元" in result.text


# --- the command line -----------------------------------------------------------------------------


def test_cli_summarizes_a_photo_and_evaluates_ocr(tmp_path, text_version, capsys) -> None:
    import json

    from bot.cli import main

    photo = tmp_path / "会议照片.jpg"
    photo.write_bytes(render_pages(text_version.text, STYLES[4])[0])
    assert main(["summarize", "--offline", "--json", str(photo)]) == 0
    digest = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert digest["warnings"][0] == OCR_NOTE and any(f["surface"] == "426亿元" for f in digest["figures"])

    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"schema": "countybot-gold/2", "documents": [{"file": REPORT.name}]}))
    rc = main(
        ["eval", "--ocr", str(gold), str(REPORT.parent), "--ocr-pages", "1", "--json", "--min-recall", "0.95"]
    )
    total = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert rc == 0, total
    assert total["pages"] == len(STYLES) and total["figure_recall"] >= 0.95 and total["unflagged"] == []
    assert total["char_accuracy"] > 0.95 and set(total["by_style"]) == {s.name for s in STYLES}


def test_a_number_made_across_a_line_join_is_marked() -> None:
    """The line between two lines (or a page's first line) can go unseen by the detector: a number
    pieced together across the join ("新十二" + "人次") must not be shown as read."""
    first = PageLayout(1400, 2000, [_box(160, 300, "文旅精品，打造“新十二")])
    second = PageLayout(1400, 2000, [_box(100, 300, "人次，其中入境游客340万人次。")])
    laid = layout_pages([first, second])
    assert laid.text == "文旅精品，打造“新十二人次，其中入境游客340万人次。"
    unsure = [ocr.Uncertain(*u) for u in laid.unsure_numbers(ocr.UNSURE)]
    spans = locate(laid.text, unsure)
    pieced = Figure(surface="十二人次", value=12, unit="人次", start=9, end=13)
    whole = Figure(surface="340万人次", value=3400000, unit="人次", start=20, end=26)
    assert is_unsure(pieced, spans) and not is_unsure(whole, spans)


async def test_an_llm_digest_of_a_photo_keeps_the_note_and_the_marks(server, photo_doc) -> None:
    """The real openai client against the fake server: the model labels the OCR text's figures; the
    digest still opens with the OCR note and a figure OCR was unsure of stays marked."""
    from extract.llm.backend import LLMBackend
    from extract.llm.config import LLMConfig
    from tests.fakes.openai_server import grounded_reply

    server.default = grounded_reply
    # make one figure's digits unsure whatever the OCR of this run was sure of
    first = (await make_digest(photo_doc)).figures[0]
    doc = photo_doc.model_copy(deep=True)
    doc.ocr.unsure = [*doc.ocr.unsure, (first.start, first.end)]
    llm = LLMBackend(LLMConfig(base_url=server.base_url, model="test-model"))
    try:
        digest = await make_digest(doc, llm)
    finally:
        await llm.aclose()
    assert digest.backend.startswith("llm:") and len(server.requests) == 1
    assert digest.warnings[0] == OCR_NOTE
    marked = [f for f in digest.figures if f.start == first.start]
    assert marked and all(f.ocr_unsure for f in marked)


def test_a_number_broken_across_an_ordinary_wrap_is_marked() -> None:
    """ "增长6" / ".6%": the detector often cuts a line's first character, a decimal point, so a number
    wrapped across two lines is marked; a wrap that does not split a number is not."""
    boxes = [
        _box(160, 300, "社会消费品零售总额同比增长6"),
        _box(100, 350, "6%，城乡居民人均可支配收入增长"),
        _box(100, 400, "7%，一般公共预算收入完成8亿元。"),
    ]
    laid = layout_pages([PageLayout(1400, 2000, boxes)])
    assert (
        laid.text
        == "社会消费品零售总额同比增长66%，城乡居民人均可支配收入增长7%，一般公共预算收入完成8亿元。"
    )
    spans = locate(laid.text, [ocr.Uncertain(*u) for u in laid.unsure_numbers(ocr.UNSURE)])
    assert spans == [(14, 14)]
    assert is_unsure(Figure(surface="66%", value=66, unit="%", start=13, end=16), spans)
    assert not is_unsure(Figure(surface="7%", value=7, unit="%", start=30, end=32), spans)


def test_a_percent_sign_read_unsure_marks_its_number() -> None:
    boxes = [_box(160, 300, "同比增长", conf=0.99), Box(280, 300, 340, 330, "6%", [0.99, 0.51])]
    laid = layout_pages([PageLayout(1400, 2000, boxes)])
    assert [n for _, n, _ in laid.unsure_numbers(ocr.UNSURE)] == ["6%"]
