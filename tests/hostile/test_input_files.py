"""Bad input, as a user sends it: the CLI (`countybot ingest`) and the bot (a file upload to the real PTB
Application), each answering in Chinese, never a traceback, and consistent about what is stored."""

from __future__ import annotations

import io
import sqlite3
import zipfile

import pytest

from bot.cli import main
from extract.pipeline import document_from_bytes
from tests import tgkit
from tests.tgkit import DIGEST_MARK, SEED2, USER, assert_user_safe, bot

tg, env = tgkit.tg, tgkit.env  # the fixtures

HUGE_NUMBER = "9" * 320


def _huge_number_report() -> bytes:
    return (SEED2 + f"\n全年完成固定资产投资{HUGE_NUMBER}亿元。\n").encode("utf-8")


def _numerals_fixed() -> bool:
    """The pipeline's part (helper fcore's numeral fix): this bot/ingest test runs once it is in."""
    import asyncio

    from extract.pipeline import make_digest

    try:
        asyncio.run(make_digest(document_from_bytes(_huge_number_report(), "r.txt"), None))
    except OverflowError:
        return False
    return True


needs_numerals = pytest.mark.xfail(
    not _numerals_fixed(),
    reason="extract/ overflows on a 309+ digit number (fixed on fcore's branch)",
    strict=True,
)


def _utf16le_no_bom() -> bytes:
    return SEED2.encode("utf-16-le")


def _stray_byte() -> bytes:
    data = SEED2.encode("utf-8")
    cut = len(data) // 2
    while data[cut] & 0xC0 == 0x80:  # at a character boundary
        cut += 1
    return data[:cut] + b"\xff" + data[cut:]


def _deep_html(depth: int) -> bytes:
    body = "".join(f"<p>{line}</p>" for line in SEED2.splitlines() if line.strip())
    return f"<html><body>{'<div>' * depth}{body}{'</div>' * depth}</body></html>".encode()


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (450 * 1024 * 1024))
    return buf.getvalue()


def _scanned_pdf() -> bytes:
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (200, 280), "white"), x=10, y=10, w=180)
    return bytes(pdf.output())


# (file name, bytes, what the user must read)
READABLE = {
    "utf16le.txt": (_utf16le_no_bom, "平陆县"),
    "stray.txt": (_stray_byte, "1 个字节"),
    "deep300.html": (lambda: _deep_html(300), "平陆县"),
    "deep5000.html": (lambda: _deep_html(5000), "平陆县"),
}
REFUSED = {
    "empty.txt": (lambda: b"", "文件是空的"),
    "blank.txt": (lambda: b" \n\t\r\n", "文件是空的"),
    "binary.txt": (lambda: bytes(range(256)) * 16, "二进制"),
    "bomb.docx": (_zip_bomb, "损坏"),
    "corrupt.docx": (lambda: b"PK\x03\x04 this is not really a zip", "损坏"),
    "corrupt.pdf": (lambda: b"%PDF-1.4\nthis is no pdf body\n%%EOF", "损坏"),
    "scan.pdf": (_scanned_pdf, "扫描版"),
    "photo.txt": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "二进制"),
    "report.docx": (lambda: SEED2.encode("utf-8"), "损坏"),  # wrong extension: text named .docx
}


def _ingest(tmp_path, monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("COUNTYBOT_DB", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    rc = main(["ingest", "--offline", *args])
    out = capsys.readouterr()
    return rc, out.out + out.err


def _rows(tmp_path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        return db.execute("select filename, status, length(raw), error from reports order by id").fetchall()


@pytest.mark.parametrize("name", sorted(READABLE))
def test_cli_reads_hard_but_valid_files(tmp_path, monkeypatch, capsys, name):
    make, needle = READABLE[name]
    path = tmp_path / name
    path.write_bytes(make())
    rc, out = _ingest(tmp_path, monkeypatch, capsys, str(path))
    assert rc == 0 and "新增 1 份" in out, out
    [(filename, status, _, _)] = _rows(tmp_path)
    assert (filename, status) == (name, "done")
    rc = main(["summarize", "--offline", str(path)])
    text = capsys.readouterr().out
    assert (rc == 0 and needle in text and DIGEST_MARK[:2] in text) or "关键" in text, text


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_cli_refuses_bad_files_in_chinese(tmp_path, monkeypatch, capsys, name):
    make, needle = REFUSED[name]
    path = tmp_path / name
    path.write_bytes(make())
    rc, out = _ingest(tmp_path, monkeypatch, capsys, str(path))
    assert rc == 1 and needle in out and "Traceback" not in out, out


@needs_numerals
def test_cli_number_with_320_digits_gives_a_digest(tmp_path, monkeypatch, capsys):
    path = tmp_path / "huge.txt"
    path.write_bytes(_huge_number_report())
    rc, out = _ingest(tmp_path, monkeypatch, capsys, str(path))
    assert rc == 0 and "新增 1 份" in out and "Traceback" not in out, out


def test_cli_folder_lists_every_skipped_file_with_its_reason(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(SEED2, encoding="utf-8")
    (folder / "表格.xlsx").write_bytes(b"PK\x03\x04 table")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "notes").write_bytes(b"no extension")
    (folder / ".hidden.txt").write_text("x", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text(SEED2, encoding="utf-8")
    rc, out = _ingest(tmp_path, monkeypatch, capsys, str(folder))
    assert rc == 0 and "新增 1 份" in out, out
    skipped = out[out.index("跳过") :]
    for name, reason in (
        ("表格.xlsx", ".xlsx"),
        ("photo.png", ".png"),
        (".hidden.txt", "隐藏"),
        ("sub", "--recursive"),
    ):
        line = next(ln for ln in skipped.splitlines() if name in ln)
        assert reason in line, line
    assert "a.txt" not in skipped


def test_cli_file_over_the_limit_stores_nothing(tmp_path, monkeypatch, capsys):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (25 * 2**20))
    rc, out = _ingest(tmp_path, monkeypatch, capsys, str(path))
    assert rc == 1 and "文件太大" in out and "25.0 MB" in out and "未保存" in out, out
    assert _rows(tmp_path) == []  # the decision: nothing is stored (the bot refuses before downloading)


# --- the same files sent to the bot -----------------------------------------------------------------


async def _send(tg, name: str, data: bytes) -> str:
    tg.send_document(USER, USER, name, data)
    return await tg.wait_text(USER, "⚠️" if name in REFUSED else DIGEST_MARK, timeout=60)


@pytest.mark.parametrize("name", sorted(READABLE))
async def test_bot_reads_hard_but_valid_files(env, tg, name):
    make, needle = READABLE[name]
    async with bot():
        digest = await _send(tg, name, make())
    assert needle in digest
    assert_user_safe(tg, USER)


@pytest.mark.parametrize("name", sorted(REFUSED))
async def test_bot_refuses_bad_files_in_chinese(env, tg, name):
    make, needle = REFUSED[name]
    async with bot():
        answer = await _send(tg, name, make())
    assert needle in answer
    assert_user_safe(tg, USER)


@needs_numerals
async def test_bot_number_with_320_digits_gives_a_digest(env, tg):
    async with bot():
        tg.send_text(USER, USER, _huge_number_report().decode("utf-8"))
        await tg.wait_text(USER, DIGEST_MARK, timeout=60)
    assert_user_safe(tg, USER)


async def test_bot_file_over_the_limit_stores_nothing(env, tg):
    async with bot() as app:
        tg.send_document(USER, USER, "big.pdf", None, size=25 * 2**20)
        answer = await tg.wait_text(USER, "文件太大")
        assert await app.bot_data["state"].svc.store.reports.count_reports() == 0
    assert "25.0 MB" in answer and tg.calls_of("getFile") == []
    assert_user_safe(tg, USER)
