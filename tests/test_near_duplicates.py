"""The same report in another form is one report: a paste, its PDF (real, built by fpdf2) and its Big5
traditional copy. The measure itself (extract/text/fingerprint.py), then through Service.submit on both
databases, then through the real PTB Application against the fake Bot API server."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.service import Service
from bot.settings import Settings
from extract.text.fingerprint import fingerprint, jaccard, near_duplicate
from extract.text.normalize import normalize_bytes
from extract.text.script import to_script
from tests.conftest import ROOT
from tests.test_loaders import build_pdf, cjk_font
from tests.test_telegram_bot import USER, bot, env, tg  # noqa: F401 (fixtures)

FUPING = ROOT / "tests/reports/101_hebei_fuping.txt"  # dated, with figures
LINXIAN = ROOT / "tests/reports/123_shanxi_linxian.txt"  # states no date
LONG = ROOT / "tests/reports_long/205_hebei_yixian_2025.txt"


def paste_of(path: Path) -> str:
    """What a user pastes: the report's text as the page shows it."""
    return path.read_text(encoding="utf-8")


def pdf_of(path: Path) -> bytes:
    """Its PDF as an office would print it: the body without the page's headline, a page number below."""
    cjk_font()  # skips when the dev extra's CJK font is missing
    body = normalize_bytes(path.read_bytes(), path.name).text.split("\n")
    return build_pdf("\n".join(body[1:]) + "\n- 1 -", indent=True)


def big5_of(path: Path) -> bytes:
    """Its traditional-script copy in Big5 (which has no tone-marked pinyin: glosses are not in it)."""
    text = normalize_bytes(path.read_bytes(), path.name).text
    return to_script(text, "traditional").encode("big5hkscs")  # HKSCS: 〇 is in it


def next_month_of(path: Path) -> str:
    """The same template with a few figures changed (the first three amounts one higher)."""
    return re.sub(r"\d+(?=[%亿万个])", lambda m: str(int(m.group()) + 1), paste_of(path), count=3)


# --- the measure --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [FUPING, LINXIAN, LONG], ids=["short", "undated", "long"])
def test_paste_pdf_and_big5_are_near_duplicates(path: Path) -> None:
    paste = normalize_bytes(paste_of(path).encode(), "paste.txt")
    pdf = normalize_bytes(pdf_of(path), "report.pdf")
    big5 = normalize_bytes(big5_of(path), "report.txt")
    assert big5.encoding == "big5" and big5.script == "traditional" and pdf.file_type == "pdf"
    assert pdf.text != paste.text  # not the exact-hash case: the measure is what joins them
    first = fingerprint(paste.text)
    for other in (pdf.text, big5.text):
        assert near_duplicate(first, fingerprint(other)), jaccard(first, fingerprint(other))


def test_a_template_with_other_numbers_is_a_new_report() -> None:
    paste = normalize_bytes(paste_of(FUPING).encode(), "a.txt").text
    later = normalize_bytes(next_month_of(FUPING).encode(), "b.txt").text
    a, b = fingerprint(paste), fingerprint(later)
    assert jaccard(a, b) >= 0.9  # the same sentences: only the numbers tell them apart
    assert not near_duplicate(a, b)


def test_other_reports_are_far_apart() -> None:
    reports = sorted((ROOT / "tests/reports_long").glob("2*.txt"))
    prints = [fingerprint(normalize_bytes(p.read_bytes(), p.name).text) for p in reports]
    worst = max(jaccard(a, b) for i, a in enumerate(prints) for b in prints[i + 1 :])
    assert worst < 0.5  # two years of one county's reports included (203 and 210)


# --- through Service.submit ----------------------------------------------------------------------


@pytest.fixture
async def service(db_url: str):
    s = await Service.create(Settings(db=db_url))  # type: ignore[call-arg]
    yield s
    await s.close()


async def test_pdf_and_big5_resends_get_the_first_digest(service: Service) -> None:
    first = await service.submit(scope="chat:7", sender="a", data=paste_of(FUPING).encode(), filename=None)
    assert first.status == "done" and first.digest is not None and first.digest.figures
    pdf = await service.submit(scope="chat:7", sender="b", data=pdf_of(FUPING), filename="阜平.pdf")
    big5 = await service.submit(scope="chat:7", sender="c", data=big5_of(FUPING), filename="阜平.txt")
    for again in (pdf, big5):
        assert (again.status, again.duplicate_of) == ("duplicate", first.report_id)
        assert again.digest == first.digest
        row = await service.store.reports.report(again.report_id)
        assert row is not None and row.status == "duplicate" and row.sha256 is None
        assert await service.store.reports.raw(again.report_id) is None  # the text is kept once
    # the same PDF in another chat is that chat's own report
    elsewhere = await service.submit(scope="chat:8", sender="b", data=pdf_of(FUPING), filename="阜平.pdf")
    assert elsewhere.status == "done"
    # last month's template with this month's numbers is a new report, with its own digest
    later = await service.submit(scope="chat:7", sender="a", data=next_month_of(FUPING).encode())
    assert later.status == "done" and later.digest != first.digest


# --- through the Telegram bot --------------------------------------------------------------------

DATE_MARK = "🗓"  # every digest has its date line, in either script


async def wait_count(tg, needle: str, n: int, timeout: float = 30) -> list[str]:  # noqa: F811
    for _ in range(int(timeout / 0.05)):
        found = [t for t in tg.texts(USER) if needle in t]
        if len(found) >= n:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {n} messages with {needle!r}: {tg.texts(USER)}")


async def test_telegram_pdf_and_big5_of_a_paste_say_already_received(env, tg) -> None:  # noqa: F811
    async with bot():
        tg.send_text(USER, USER, paste_of(LINXIAN))
        [first] = await wait_count(tg, DATE_MARK, 1)
        assert "日期不详 · 收到于 " in first  # the report states no date: never shown as its date
        assert "此前已收到" not in first
        tg.send_document(USER, USER, "临县.pdf", pdf_of(LINXIAN), mime_type="application/pdf")
        await wait_count(tg, DATE_MARK, 2)
        tg.send_document(USER, USER, "臨縣.txt", big5_of(LINXIAN), mime_type="text/plain")
        digests = await wait_count(tg, DATE_MARK, 3)
        await asyncio.sleep(0.5)
        assert len([t for t in tg.texts(USER) if DATE_MARK in t]) == 3  # one digest per upload
        pdf_reply, big5_reply = digests[1], digests[2]
        assert "此前已收到" in pdf_reply and "以高质量党建引领乡村振兴" in pdf_reply
        assert "日期不详 · 收到于 " in pdf_reply
        # the Big5 copy gets the same digest (in the chat's script)
        title = "以高质量党建引领乡村振兴"
        assert "此前已收到" in big5_reply
        assert title in big5_reply or to_script(title, "traditional") in big5_reply
