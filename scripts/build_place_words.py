#!/usr/bin/env python3
"""Build extract/data/place_words.txt: the everyday two-character words that can swallow the edge of a
place name (示范 in 示范县, 县城 in 县城区, 台上 in 天台上, 陆续 in 平陆续).

A county whose name is two characters (范县, 代县, 城区) or a bare short name (平陆, 天台) read inside a
longer word is no evidence of that place (issue L). extract/places/evidence.py asks whether the character
before a name and the name's first character, or the name's last character and the one after it, form one
of these words (富民 in 秀水富民 too, though 富民 is a county: the scan read 水富 there). Only words that
can occur at such an edge are kept: a word whose second character starts a
two-character gazetteer form, or whose first character ends one.

Source: ``jieba`` 0.42.1's ``dict.txt`` (MIT), words of frequency >= MIN_FREQ, the same file
scripts/build_gazetteer.py reads for its frequencies.

    python scripts/build_place_words.py --words PATH   # jieba's wheel/sdist/dir, or dict.txt itself
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.places.gazetteer import index  # noqa: E402
from scripts.build_gazetteer import _read_member, load_word_freq  # noqa: E402

OUT = ROOT / "extract" / "data" / "place_words.txt"
MIN_FREQ = 50
# A word starting so is a function word plus a character (在大, 是大): never a reason to drop a name.
FUNCTION_FIRST = set("在到赴从与和及对向为是于把将让使被由给同跟往至自全个各该我本其此之的了")


def build(freq: dict[str, int]) -> list[str]:
    idx = index()
    two = [f for f in idx.forms if len(f) == 2]
    starts = {f[0] for f in two}
    ends = {f[-1] for f in two}
    out = []
    for word, n in freq.items():
        han = all("\u4e00" <= c <= "\u9fff" for c in word)
        if len(word) != 2 or n < MIN_FREQ or not han:
            continue
        if (word[1] in starts and word[0] not in FUNCTION_FIRST) or word[0] in ends:
            out.append(word)
    return sorted(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=Path, required=True, help="jieba wheel/sdist/dir or its dict.txt")
    args = ap.parse_args()
    words = build(load_word_freq(_read_member(args.words, "jieba/dict.txt")))
    header = (
        "# Two-character everyday words that can swallow the edge of a place name (see"
        " scripts/build_place_words.py).\n"
        f"# Source: jieba==0.42.1 dict.txt (MIT), frequency >= {MIN_FREQ}. {len(words)} words.\n"
    )
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(words)} words")


if __name__ == "__main__":
    main()
