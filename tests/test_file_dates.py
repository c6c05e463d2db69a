"""A report's date from its file when the text gives none (issue K): an HTML page's publication meta tag,
a .docx's last-saved date, a PDF's creation date — the last two only when the text names that year or
the year before (a template's or a re-saved file's date never dates a report about other years)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx
from fpdf import FPDF

from extract.pipeline import document_from_bytes
from extract.text.page import page_info
from tests.test_loaders import cjk_font

# No dateline, no publication line, no date near the top: the text alone leaves it undated.
BODY = (
    "某县经济运行稳中有进",
    "记者从县统计局获悉，2024年全县地区生产总值完成86.3亿元，同比增长6.1%；一般公共预算收入4.75亿元。",
    "下一步，全县将加快重点项目建设，力争固定资产投资增长10%。",
)


def _docx(lines: tuple[str, ...], *, modified: datetime | None, created: datetime | None = None) -> bytes:
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    if created is not None:
        d.core_properties.created = created
    if modified is not None:
        d.core_properties.modified = modified
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _pdf(lines: tuple[str, ...], created: datetime) -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(created)
    pdf.add_page()
    pdf.add_font("wqy", fname=cjk_font())
    pdf.set_font("wqy", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_the_text_alone_is_undated() -> None:
    doc = document_from_bytes("\n".join(BODY).encode("utf-8"), "a.txt")
    assert (doc.published, doc.published_from) == (None, None)


def test_a_docx_is_dated_by_the_day_it_was_last_saved() -> None:
    data = _docx(
        BODY, modified=datetime(2025, 1, 20, 8, 30, tzinfo=UTC), created=datetime(2019, 3, 1, tzinfo=UTC)
    )
    doc = document_from_bytes(data, "报告.docx")
    assert (doc.published, doc.published_from) == (date(2025, 1, 20), "file")


def test_a_docx_template_date_never_dates_a_report() -> None:
    # python-docx's own template was saved in 2013: the text names 2024 only
    doc = document_from_bytes(_docx(BODY, modified=None), "报告.docx")
    assert (doc.published, doc.published_from) == (None, None)
    # a file re-saved years after the report it holds is no date of that report either
    doc = document_from_bytes(_docx(BODY, modified=datetime(2027, 6, 1, tzinfo=UTC)), "报告.docx")
    assert doc.published is None or doc.published.year != 2027


def test_the_text_beats_the_file() -> None:
    lines = ("政府工作报告", "——2025年1月14日在某县第十八届人民代表大会第五次会议上", *BODY[1:])
    doc = document_from_bytes(_docx(lines, modified=datetime(2025, 2, 3, tzinfo=UTC)), "报告.docx")
    assert (doc.published, doc.published_from) == (date(2025, 1, 14), "meeting")


def test_a_pdf_is_dated_by_its_creation_date() -> None:
    doc = document_from_bytes(_pdf(BODY, datetime(2025, 1, 8, 9, 0, tzinfo=UTC)), "报告.pdf")
    assert (doc.published, doc.published_from) == (date(2025, 1, 8), "file")
    # a PDF made long after (a scan of an old report, a print to PDF today) does not date it
    doc = document_from_bytes(_pdf(BODY, datetime(2021, 5, 8, tzinfo=UTC)), "报告.pdf")
    assert (doc.published, doc.published_from) == (None, None)


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="某县经济运行稳中有进">
<meta name="PubDate" content="2025-01-06 10:21">
<meta name="ContentSource" content="某县人民政府">
<title>某县经济运行稳中有进</title></head><body><div class="article">
<h1>某县经济运行稳中有进</h1>
<p>记者从县统计局获悉，2024年全县地区生产总值完成86.3亿元，同比增长6.1%；一般公共预算收入4.75亿元。</p>
<p>下一步，全县将加快重点项目建设，力争固定资产投资增长10%。</p>
</div></body></html>"""


def test_a_web_page_is_dated_by_its_publication_meta_tag() -> None:
    doc = document_from_bytes(PAGE.encode("utf-8"), "page.html")
    assert (doc.published, doc.published_from) == (date(2025, 1, 6), "metadata")
    # a visible publication line is read first
    shown = PAGE.replace("<h1>", "<div>发布时间：2025-01-05</div><h1>")
    assert document_from_bytes(shown.encode("utf-8"), "page.html").published == date(2025, 1, 5)


def html_meta_date(head: str) -> date | None:
    return page_info(f"<html><head>{head}</head><body><p>正文</p></body></html>").published


def test_meta_tags_read() -> None:
    assert html_meta_date('<meta name="firstpublishedtime" content="2024-03-05-10:21:47">') == date(
        2024, 3, 5
    )
    assert html_meta_date(
        '<meta property="article:published_time" content="2024-03-05T10:21:47+08:00"/>'
    ) == date(2024, 3, 5)
    assert html_meta_date('<META NAME="pubdate" CONTENT="2024/3/5">') == date(2024, 3, 5)
    # a page's modified date or keywords are no publication date
    assert html_meta_date('<meta name="lastmodified" content="2024-03-05">') is None
    assert html_meta_date('<meta name="keywords" content="2024-03-05">') is None
