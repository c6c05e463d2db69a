"""Build bot/data/pinyin.tsv: the toneless pinyin of the 6,763 GB2312 characters and of every character in
the gazetteer (extract/data/*.tsv), so the query side (bot/queries/places.py) can rank a typo by sound
(龙油 -> 龙游) and match pinyin initials (dnx -> 大宁县) without pypinyin at run time (a dev dependency).

    .venv/bin/python scripts/build_pinyin.py
"""

from __future__ import annotations

from pathlib import Path

from pypinyin import Style, pinyin

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bot" / "data" / "pinyin.tsv"


def characters() -> list[str]:
    chars: set[str] = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    for name in ("counties.tsv", "regions.tsv"):
        text = (ROOT / "extract" / "data" / name).read_text(encoding="utf-8")
        chars.update(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    return sorted(chars)


def main() -> None:
    import pypinyin

    lines = [
        f"# toneless pinyin of GB2312 and gazetteer characters; pypinyin=={pypinyin.__version__}",
        "# regenerate: .venv/bin/python scripts/build_pinyin.py",
    ]
    for ch in characters():
        reading = pinyin(ch, style=Style.NORMAL, heteronym=False)[0][0]
        if reading and reading != ch:
            lines.append(f"{ch}\t{reading}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 2} characters")


if __name__ == "__main__":
    main()
