"""Loaders: encodings, HTML, .docx, .pdf built by the tests, and every bad input's specific error."""

from __future__ import annotations

import io
import zipfile
from importlib import resources

import docx
import pytest
from fpdf import FPDF

from extract.errors import (
    BinaryContentError,
    CorruptFileError,
    DecodeError,
    EmptyInputError,
    InputError,
    ScannedPdfError,
    TooLargeError,
    UnsupportedTypeError,
)
from extract.text.loaders import SUPPORTED_EXTENSIONS, LoadedText, load_bytes
from extract.text.normalize import normalize, normalize_bytes
from extract.text.script import to_script
from tests.conftest import SEED_FILES

SEED_IDS = [p.name[:3] for p in SEED_FILES]


def seed_text(path) -> str:
    return path.read_text(encoding="utf-8")


# --- plain text and encodings ---------------------------------------------------------------------


def test_utf8_text_and_no_extension_is_text() -> None:
    data = "县长强调\n项目建设".encode()
    names = (None, "", "report", "report.TXT", "dir.v2/report", "notes.md", "讲话2023.12.29", "C:\\x\\r.txt")
    for name in names:
        loaded = load_bytes(data, name)
        assert isinstance(loaded, LoadedText)
        assert loaded.text == "县长强调\n项目建设"
        assert loaded.encoding == "utf-8"
    assert load_bytes(data, "report").file_type == "txt"
    assert load_bytes(data, "notes.md").file_type == "md"


@pytest.mark.parametrize("path", SEED_FILES, ids=SEED_IDS)
@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-8-sig", "utf-8"])
def test_each_seed_reencoded_loads_identically(path, encoding: str) -> None:
    text = seed_text(path)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        pytest.skip(f"{path.name} is not encodable in {encoding}")  # 003 has a no-break space GBK lacks
    loaded = load_bytes(data, path.name)
    assert loaded.text == text
    if encoding.startswith("utf-16"):
        assert loaded.encoding == "utf-16"


@pytest.mark.parametrize("path", SEED_FILES, ids=SEED_IDS)
def test_each_seed_in_big5_loads_identically(path) -> None:
    # The seeds themselves hold simplified characters or pinyin tone letters Big5 lacks, so their
    # traditional rendering (what a Taiwanese or Hong Kong source would send) goes through Big5.
    text = to_script(normalize(seed_text(path)).text, "traditional")
    loaded = load_bytes(text.encode("big5"), "report.txt")
    assert loaded.text == text
    assert loaded.encoding == "big5"


@pytest.mark.parametrize("path", SEED_FILES, ids=SEED_IDS)
@pytest.mark.parametrize("length", [8, 30, 120])
def test_short_prefixes_decode(path, length: int) -> None:
    text = seed_text(path)[:length]
    traditional = to_script(normalize(seed_text(path)).text, "traditional")[:length]
    assert load_bytes(text.encode("gb18030"), "a.txt").text == text
    assert load_bytes(traditional.encode("big5"), "a.txt").text == traditional


def test_markdown_markup_is_removed() -> None:
    md = "# 县长强调项目建设\n\n**全年**完成[投资](http://example.invalid/x) 281亿元\n---\n> 引语\n"
    loaded = load_bytes(md.encode(), "r.md")
    lines = [line for line in loaded.text.split("\n") if line]
    assert lines == ["县长强调项目建设", "全年完成投资 281亿元", "引语"]


# --- HTML -----------------------------------------------------------------------------------------

ARTICLE = [
    "城关镇召开重点项目推进会",
    "3月5日上午，城关镇召开重点项目推进会，镇党委书记主持会议并讲话。",
    "会议要求，全镇上下要紧盯全年目标，确保15个重点项目按期开工，完成投资3.2亿元。",
    "会议强调，要强化要素保障，优化营商环境，推动项目早落地、早见效。",
]
PAGE = f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{ARTICLE[0]}_某县人民政府门户网站</title>
<style>.nav {{ color: red }} body {{ font-size: 14px }}</style>
<script>var share = "分享到微信"; document.write("广告");</script>
</head><body>
<div class="top-logo">某县人民政府门户网站</div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/xw">新闻中心</a></li>
<li><a href="/gk">政务公开</a></li></ul></nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/xw">新闻中心</a> &gt; 乡镇动态</div>
<div class="article">
  <h1>{ARTICLE[0]}</h1>
  <div class="info">发布时间：2024-03-05 10:20 来源：某县融媒体中心 浏览次数：<span id="hits">321</span></div>
  <div class="share-bar">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
  <div id="zoom" class="content">
    <p>{ARTICLE[1]}</p>
    <p>{ARTICLE[2]}<!-- 注释不应出现 --></p>
    <p style="text-indent:2em">{ARTICLE[3]}</p>
  </div>
  <div class="editor">责任编辑：王五</div>
</div>
<div class="related"><h3>相关新闻</h3><ul>
  <li><a href="/1">某镇开展春季植树活动</a></li><li><a href="/2">某县召开安全生产会议</a></li>
</ul></div>
<div class="footer">版权所有：某县人民政府 主办：某县人民政府办公室 ICP备12345678号</div>
<script>console.log("统计代码")</script>
</body></html>
"""


def test_gb2312_page_yields_only_the_article() -> None:
    data = PAGE.encode("gb2312")
    loaded = load_bytes(data, "article.shtml")
    assert loaded.file_type == "html"
    assert loaded.encoding == "gb18030"  # the declared GB2312, read with its superset
    doc = normalize_bytes(data, "article.html")
    assert doc.text.split("\n") == ARTICLE
    assert doc.title == ARTICLE[0]
    assert str(doc.published) == "2024-03-05"
    assert doc.source == "某县融媒体中心"
    junk_words = ("分享", "首页", "新闻中心", "console", "color", "广告", "版权", "相关新闻", "植树", "注释")
    for junk in (*junk_words, "浏览"):
        assert junk not in doc.text, junk


def test_declared_charset_is_honoured_over_guessing() -> None:
    # Big5 bytes declared as Big5 must not be read as GB18030, which would also "decode" them.
    page = '<html><head><meta charset="big5"></head><body><h1>縣長強調</h1><p>成效顯著。</p></body></html>'
    loaded = load_bytes(page.encode("big5"), "a.htm")
    assert loaded.encoding == "big5"
    assert loaded.text.split() == ["縣長強調", "成效顯著。"]


def test_a_web_page_saved_without_its_extension_is_read_as_html() -> None:
    loaded = load_bytes(PAGE.encode("gb2312"), "article")
    assert loaded.file_type == "html"
    assert "<p>" not in loaded.text and ARTICLE[2] in loaded.text


def test_html_without_h1_takes_the_title_element() -> None:
    page = "<html><head><title>县政府召开常务会议 - 某县政府网</title></head><body><p>会议研究了议题。</p>"
    doc = normalize_bytes(page.encode(), "a.html")
    assert doc.text.split("\n") == ["县政府召开常务会议", "会议研究了议题。"]
    assert doc.title == "县政府召开常务会议"


# --- .docx ----------------------------------------------------------------------------------------


def build_docx(lines: list[str], table: list[list[str]] | None = None, table_after: int = 0) -> bytes:
    document = docx.Document()
    for i, line in enumerate(lines):
        document.add_paragraph(line)
        if table and i == table_after:
            t = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, value in enumerate(row):
                    t.cell(r, c).text = value
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("path", SEED_FILES, ids=SEED_IDS)
def test_docx_from_a_seed_normalises_like_the_seed(path) -> None:
    text = seed_text(path)
    data = build_docx(text.split("\n"))
    doc = normalize_bytes(data, path.stem + ".docx")
    assert doc.file_type == "docx"
    assert doc.text == normalize(text).text


def test_docx_tables_come_in_document_order() -> None:
    table = [["项目", "投资"], ["城东污水处理厂", "1.2亿元"], ["乡村道路", "3500万元"]]
    lines = ["县长主持召开会议。", "会议听取了重点项目进展情况。", "会议要求加快推进。"]
    data = build_docx(lines, table, table_after=1)
    loaded = load_bytes(data, "r.docx")
    rows = ["项目 投资", "城东污水处理厂 1.2亿元", "乡村道路 3500万元"]
    assert loaded.text.split("\n") == [lines[0], lines[1], *rows, lines[2]]


def test_docx_merged_cells_are_read_once() -> None:
    document = docx.Document()
    t = document.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "全年目标"
    for c, v in enumerate(["一季度", "二季度", "三季度"]):
        t.cell(1, c).text = v
    buf = io.BytesIO()
    document.save(buf)
    assert load_bytes(buf.getvalue(), "t.docx").text.split("\n") == ["全年目标", "一季度 二季度 三季度"]


# --- .pdf -----------------------------------------------------------------------------------------


def cjk_font() -> str:
    pytest.importorskip("paperang_p2_fonts_cjk", reason="the dev extra ships the CJK font the PDF tests need")
    return str(resources.files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc")


def build_pdf(text: str, *, indent: bool) -> bytes:
    """One multi_cell per source line, wrapped per character like CJK typesetting does.

    indent=True: paragraphs open with two ideographic spaces (the Chinese convention).
    indent=False: no indentation; blank source lines become vertical space.
    """
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("wqy", fname=cjk_font())
    pdf.set_font("wqy", size=11)
    for line in text.split("\n"):
        if not line.strip():
            if not indent:
                pdf.ln(6)
            continue
        body = "\u3000\u3000" + line.strip() if indent else line
        pdf.multi_cell(0, 6, body, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@pytest.mark.parametrize("path", SEED_FILES, ids=SEED_IDS)
def test_pdf_from_a_seed_normalises_like_the_seed(path) -> None:
    text = seed_text(path)
    doc = normalize_bytes(build_pdf(text, indent=True), path.stem + ".pdf")
    assert doc.file_type == "pdf"
    assert doc.text == normalize(text).text
    assert doc.warnings == []


def test_pdf_paragraphs_by_vertical_space() -> None:
    path = SEED_FILES[0]  # traditional, with pinyin glosses that the PDF wraps mid-gloss
    text = seed_text(path)
    data = build_pdf(text, indent=False)
    assert normalize_bytes(data, "r.pdf").text == normalize(text).text


def test_pdf_without_text_layer_is_a_scanned_pdf() -> None:
    # issue M: a scan is read by OCR now (tests/test_ocr.py); a blank scan gets a clear message
    from PIL import Image

    from extract.text.ocr import NoTextInImageError

    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (200, 280), "white"), x=10, y=10, w=180)
    with pytest.raises(NoTextInImageError) as err:
        load_bytes(bytes(pdf.output()), "scan.pdf")
    assert "扫描件" in err.value.user_message and "没有识别出文字" in err.value.user_message


def test_password_protected_pdf_is_refused_clearly() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("wqy", fname=cjk_font())
    pdf.set_font("wqy", size=11)
    pdf.cell(0, 10, "县长强调")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    with pytest.raises(CorruptFileError) as err:
        load_bytes(bytes(pdf.output()), "locked.pdf")
    assert "密码" in err.value.user_message


# --- bad inputs -----------------------------------------------------------------------------------


# photo.jpg left the list with issue M: pictures are read by OCR (tests/test_ocr.py)
@pytest.mark.parametrize("name", ["report.exe", "table.xlsx", "slides.pptx", "x.rtf"])
def test_unsupported_extension(name: str) -> None:
    with pytest.raises(UnsupportedTypeError) as err:
        load_bytes(b"some bytes", name)
    assert ".docx" in err.value.user_message


def test_old_word_files_get_their_own_message() -> None:
    with pytest.raises(UnsupportedTypeError) as err:
        load_bytes(b"\xd0\xcf\x11\xe0 old word", "report.doc")
    assert ".docx" in err.value.user_message and "另存为" in err.value.user_message


@pytest.mark.parametrize("data", [b"", b"   \n\t \r\n", "\u3000\n".encode()])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(EmptyInputError):
        load_bytes(data, "empty.txt")


def test_empty_docx_and_html() -> None:
    with pytest.raises(EmptyInputError):
        load_bytes(build_docx(["", " "]), "blank.docx")
    with pytest.raises(EmptyInputError):
        load_bytes(b"<html><body><script>x()</script></body></html>", "blank.html")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        bytes(range(256)) * 8,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"PK\x03\x04" + b"\x00" * 40,
        "县长".encode() + b"\x00\x01\x02\x03" * 50,
    ],
)
def test_binary_file_named_txt(data: bytes) -> None:
    with pytest.raises(BinaryContentError) as err:
        load_bytes(data, "notes.txt")
    assert "二进制" in err.value.user_message


def test_undecodable_text() -> None:
    with pytest.raises(DecodeError):
        load_bytes(b"\xef\xbb\xbf\xff\xfe invalid after a UTF-8 BOM", "x.txt")


def test_over_the_size_limit() -> None:
    with pytest.raises(TooLargeError) as err:
        load_bytes(b"x" * 2048, "big.txt", max_bytes=1024)
    assert "上限" in err.value.user_message
    assert load_bytes(b"x" * 1024, "ok.txt", max_bytes=1024).text == "x" * 1024


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"PK\x03\x04 this is not really a zip", "r.docx"),
        (b"random bytes that are no zip at all", "r.docx"),
        (b"%PDF-1.4\nthis is no pdf body\n%%EOF", "r.pdf"),
        (b"not a pdf", "r.pdf"),
    ],
)
def test_corrupt_files(data: bytes, name: str) -> None:
    with pytest.raises(CorruptFileError):
        load_bytes(data, name)


def test_zip_that_is_not_a_word_document() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(CorruptFileError, match="not a Word document"):
        load_bytes(buf.getvalue(), "r.docx")


def test_every_error_is_an_input_error_with_a_user_message() -> None:
    for cls in (EmptyInputError, TooLargeError, UnsupportedTypeError, BinaryContentError, DecodeError,
                ScannedPdfError, CorruptFileError):  # fmt: skip
        assert issubclass(cls, InputError)
        assert cls().user_message


def test_supported_extensions() -> None:
    assert {".txt", ".md", ".html", ".htm", ".docx", ".pdf"} <= SUPPORTED_EXTENSIONS
    assert all(e.startswith(".") and e == e.lower() for e in SUPPORTED_EXTENSIONS)
