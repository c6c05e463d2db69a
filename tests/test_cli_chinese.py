"""Issue N: the CLI's own messages are Chinese like the bot's (flags, paths, setting names and product names
stay as written; --help and argparse's usage errors may stay English). Each case runs through bot.cli.main;
a line passes when, with those names taken out, no English word is left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import SEED_FILES

# what may stay Latin inside a Chinese line: the command prefix, flags, paths, setting names, URLs and a
# few names of things (Telegram, Bot API, LLM, the scopes as typed)
_ALLOWED = re.compile(
    "|".join(
        (
            r"countybot(?: [a-z]+){0,2}(?: --track)?:",  # the command prefix
            r"--[a-z-]+",  # flags
            r"\S*/\S*",  # paths and URLs
            r"\S+\.(?:txt|csv|png)",
            r"\b[A-Z][A-Z0-9_]{2,}\b",  # setting names
            r"@BotFather",
            r"\.env(?:\.example)?",
            r"「[^」]*」",  # the user's input, quoted
            r"http\(s\)",
            r"\b(?:Telegram|Bot API|LLM|public|chat|KB|MB|ms|sqlite|utf-8|UTF-8)\b",
        )
    )
)


def english_left(text: str) -> list[str]:
    """Each line's English words once the allowed names are removed."""
    out = []
    for line in text.splitlines():
        rest = _ALLOWED.sub(" ", line)
        words = re.findall(r"[A-Za-z]{3,}", rest)
        if words:
            out.append(f"{line!r} -> {words}")
    return out


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    db = tmp_path / "store.sqlite3"
    monkeypatch.setenv("COUNTYBOT_DB", f"sqlite:///{db}")
    monkeypatch.setenv("COUNTYBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return db


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    rc = main(list(argv))
    got = capsys.readouterr()
    return rc, got.out + got.err


def test_error_and_summary_lines_are_chinese(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = str(tmp_path / "missing.txt")
    cases: list[tuple[tuple[str, ...], int, str]] = [
        (("normalize", missing), 1, "无法读取"),
        (("summarize", "--offline", missing, str(tmp_path)), 1, "不存在"),
        (("ingest",), 2, "请给出文件"),
        (("ingest", "--scope", "group-7", str(SEED_FILES[0])), 2, "范围"),
        (("ingest", "--urls", missing), 2, "无法读取（文件或文件夹不存在）"),
        (("ingest", "--offline", str(SEED_FILES[0]), missing), 1, "新增 1 份"),
        (("export", "--all", "-o", str(tmp_path / "no" / "such" / "x.csv")), 2, "无法写入"),
        (("export", "--all", "-o", str(tmp_path / "all.csv")), 0, "已写入"),
        (("eval", str(tmp_path / "gold.json"), str(tmp_path)), 1, "countybot eval"),
        (("llm", "log", "--show", "3"), 1, "没有编号为 3 的调用"),
        (("serve",), 2, "没有设置 TELEGRAM_BOT_TOKEN"),
    ]
    for argv, code, said in cases:
        rc, text = _run(capsys, *argv)
        assert rc == code, (argv, text)
        assert said in text, (argv, text)
        assert "Traceback" not in text
        assert english_left(text) == [], (argv, english_left(text))

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:" + "A" * 35)
    rc, text = _run(capsys, "serve", "--webhook", "ftp://bot.example.org/tg")
    assert rc == 2 and "需要 http(s) 地址" in text and english_left(text) == []


def test_a_written_chart_says_so_in_chinese(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--offline", *map(str, SEED_FILES)]) == 0
    capsys.readouterr()
    out = tmp_path / "daning.png"
    rc, text = _run(capsys, "chart", "大宁", "-o", str(out))
    assert rc == 0 and out.stat().st_size > 0
    assert text.startswith(f"已写入 {out}（") and english_left(text) == []
    rc, text = _run(capsys, "chart", "大宁", "-o", str(tmp_path / "no" / "dir" / "x.png"))
    assert rc == 2 and "无法写入" in text and "文件或文件夹不存在" in text and english_left(text) == []


def test_the_checker_catches_english() -> None:
    assert english_left("countybot export: cannot write /tmp/x.csv: No such file")
    assert not english_left("countybot export: 无法写入 /tmp/x.csv：文件或文件夹不存在")


def test_digest_times_carry_their_zone(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COUNTYBOT_TIMEZONE", "Europe/Berlin")
    rc, text = _run(capsys, "digest")
    first = text.splitlines()[0]
    assert rc == 0 and re.search(r"\d{2}:\d{2} 至 \d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T：", first), first
