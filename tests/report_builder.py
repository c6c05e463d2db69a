"""One builder for the raw test reports of tests/reports*/: each set's build_raw.py keeps only its table
of styles and its site furniture (headers, footers), and this module does the rest.

A raw report is the clean text of normalized/<file> (title line, then one paragraph a line) wrapped in a
site's furniture, sometimes in traditional script with pinyin glosses, as the seeds are. The raw files go
through extract.text.normalize like any upload; normalized/<file> is what normalisation should give.
Run a set's builder as a module from the repo root: .venv/bin/python -m tests.reports.build_raw
(needs the dev extras: opencc, pypinyin).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path


def traditional(text: str) -> str:
    """s2t plus a pinyin gloss after some of the characters whose form changed, as the seeds have."""
    import opencc
    from pypinyin import Style, pinyin

    trad = opencc.OpenCC("s2t").convert(text)
    sounds = pinyin(text, style=Style.TONE, heteronym=False, errors=lambda s: [[""] for _ in s])
    out = []
    for simp, tc, sound in zip(text, trad, sounds, strict=True):
        out.append(tc)
        if tc != simp and sound[0] and ord(tc) % 3:
            out.append(f"({sound[0]})")
    return "".join(out)


def clean_text(folder: Path, name: str) -> tuple[str, list[str]]:
    """(title, paragraphs) of normalized/<name>."""
    lines = (folder / "normalized" / name).read_text(encoding="utf-8").strip().split("\n")
    return lines[0], lines[1:]


def gov_page(head: list[str], body: list[str], tail: list[str]) -> str:
    """A government site's page copied as text: widgets above, a blank line after each paragraph."""
    return "\n".join(head + [p + "\n" for p in body] + tail) + "\n"


def article(
    title: str, dateline: str, body: list[str], *, byline: str | None = None, footer: str = ""
) -> str:
    """A news article: title, dateline, indented paragraphs (and the byline) a blank line apart."""
    paras = [f"  {p}" for p in body]
    if byline:
        paras.append(f"  {byline}")
    return "\n\n".join([title, dateline, *paras]) + footer


def rebuild(folder: Path, build: Callable[[str, dict], str]) -> None:
    """Writes every report of folder/gold.json as build(file, gold document) gives it."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    for doc in gold["documents"]:
        (folder / doc["file"]).write_text(build(doc["file"], doc), encoding="utf-8")
        print("wrote", doc["file"])
