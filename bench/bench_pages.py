"""Main text and metadata of government pages: our reader (extract/text/html_text.py + page.py) against
trafilatura, on real saved pages (tests/pages_real/, 15 www.gov.cn policy pages, see its SOURCES.md) and on
real reports rendered into a county site's layout (tests/pages.py: article, GBK, cover page).

Gold comes from the pages themselves: the article is the text of the site's own content element
(`#UCAP-CONTENT` on www.gov.cn, `.TRS_Editor` on the county layout); title, 发布日期 and 发文机关 are the
page's 政府信息公开 table. Both extractors' output goes through the same normalisation the pipeline runs
(extract.text.normalize), then:
- recall: share of the article's sentences found in the output;
- noise: share of the output's characters in lines the article does not have (menus, tables, widgets);
- furniture: lines of page furniture that reached the text (导航菜单, 公开方式, 扫一扫…, 分享到…);
- title / date / publisher: exact matches.
`python -m bench pages` prints the table; tests/test_page_reader.py holds our numbers to a floor.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "pages_real"
FURNITURE = (
    "导航菜单",
    "公开方式",
    "查看全部",
    "条回复",
    "资料图片仅供参考",
    "分享到",
    "索引号",
    "扫一扫",
    "发文字号",
)
_SPLIT = re.compile(r"[。！？；\n]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ROW = re.compile(r"发布日期：\s*</b>\s*</td>\s*<td[^>]*>\s*(\d{4})年(\d{1,2})月(\d{1,2})日", re.S)


@dataclass
class Case:
    name: str
    html: bytes
    url: str
    article: str  # the gold text
    title: str
    published: date | None
    publisher: str | None


@dataclass
class Score:
    recall: float
    noise: float
    furniture: int
    title: bool
    date: bool
    publisher: bool
    seconds: float


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u3000", ""))


def _text_of(html: str, xpath: str) -> str:
    import lxml.html

    doc = lxml.html.document_fromstring(html)
    found = doc.xpath(xpath)
    return "\n".join("\n".join(el.itertext()) for el in found)


def cases() -> list[Case]:
    out: list[Case] = []
    for entry in json.loads((REAL / "pages.json").read_text(encoding="utf-8")):
        html = (REAL / entry["file"]).read_bytes()
        text = html.decode("utf-8")
        m = _ROW.search(text)
        published = date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        article = _text_of(text, '//*[@id="UCAP-CONTENT"]')
        out.append(
            Case(entry["file"], html, entry["url"], article, entry["title"], published, entry["publisher"])
        )
    from tests.pages import cover_page, gov_article, report_paragraphs

    gold = "\n".join(report_paragraphs())
    url = "http://www.laiyuan.gov.cn/zfgzbg/202501/t20250120_5.html"
    for name, page in (("county-utf8", gov_article()), ("county-gbk", gov_article(charset="gbk"))):
        out.append(
            Case(name, page, url, gold, "涞源县2025年政府工作报告", date(2025, 1, 20), "涞源县人民政府办公室")
        )
    del cover_page  # a cover page has no article to score (its attachment is the report: tests/test_fetch.py)
    return out


def _score(
    case: Case, text: str, title: str | None, published: date | None, publisher: str | None, s: float
) -> Score:
    from extract.text.normalize import normalize

    body = normalize(text).text if text else ""
    flat = _squash(body)
    gold_flat = _squash(case.article)
    sentences = [_squash(x) for x in _SPLIT.split(case.article) if len(_CJK.findall(x)) >= 6]
    found = sum(1 for x in sentences if x in flat)
    lines = [_squash(x) for x in body.split("\n") if _squash(x)]
    noisy = sum(len(x) for x in lines if x not in gold_flat)
    return Score(
        recall=found / max(1, len(sentences)),
        noise=noisy / max(1, sum(len(x) for x in lines)),
        furniture=sum(1 for x in lines if any(w in x for w in FURNITURE)),
        title=(title or "").strip() == case.title,
        date=published == case.published,
        publisher=bool(publisher) and publisher == case.publisher,
        seconds=s,
    )


def ours(case: Case) -> Score:
    from extract.text.loaders import load_bytes

    t0 = time.perf_counter()
    loaded = load_bytes(case.html, "page.html", url=case.url)
    page = loaded.page
    s = time.perf_counter() - t0
    assert page is not None
    return _score(case, loaded.text, page.title, page.published, page.publisher, s)


def trafilatura_score(case: Case) -> Score:
    import trafilatura

    from extract.text.html_text import declared_charset

    decoded = case.html.decode(declared_charset(case.html) or "utf-8", errors="replace")
    t0 = time.perf_counter()
    doc = trafilatura.bare_extraction(decoded, url=case.url, with_metadata=True, include_comments=False)
    s = time.perf_counter() - t0
    if doc is None:
        return _score(case, "", None, None, None, s)
    published = None
    if doc.date:
        try:
            published = date.fromisoformat(doc.date[:10])
        except ValueError:
            published = None
    # its tables come as "| a | b |" rows (www.gov.cn sets the article in a table cell): one line per cell,
    # so the article is not counted as noise for the bars around it
    text = re.sub(r"[ \t]*\|[ \t]*", "\n", doc.text or "")
    return _score(case, text, doc.title, published, doc.author or doc.sitename, s)


def table(rows: list[tuple[str, list[Score]]]) -> list[str]:
    lines = [
        f"   {'extractor':<12} {'recall':>7} {'noise':>6} {'furniture':>9} {'title':>6} {'date':>5} "
        f"{'publ.':>6} {'ms/page':>8}"
    ]
    for name, scores in rows:
        n = len(scores)
        lines.append(
            f"   {name:<12} {sum(x.recall for x in scores) / n:7.3f} {sum(x.noise for x in scores) / n:6.3f} "
            f"{sum(x.furniture for x in scores):9d} {sum(x.title for x in scores):3d}/{n:<2d} "
            f"{sum(x.date for x in scores):2d}/{n:<2d} {sum(x.publisher for x in scores):3d}/{n:<2d} "
            f"{1000 * sum(x.seconds for x in scores) / n:8.1f}"
        )
    return lines


def main() -> None:
    all_cases = cases()
    rows = [("countybot", [ours(c) for c in all_cases])]
    try:
        rows.append(("trafilatura", [trafilatura_score(c) for c in all_cases]))
    except ImportError:
        print("   trafilatura not installed (pip install -e '.[dev]'): only our reader is measured")
    print(f"   {len(all_cases)} pages ({len(all_cases) - 2} saved www.gov.cn pages, 2 county layouts)")
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
