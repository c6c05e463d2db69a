"""Step 3 of normalisation: traditional -> simplified with the official OpenCC binding, only when needed.

`tw2s` runs only when the text is actually traditional: the share of CJK characters that OpenCC `t2s`
would change is at least 2 %. tw2s on simplified text damages it (显著 -> 显着) and tw2sp rewrites
vocabulary (文件 -> 文档), so simplified input is left alone. In a traditional text, a line that has no
traditional character but one that tw2s would still change (著, 么 ...) is a simplified quote and is kept
as it is; every other line is converted, so mixed input comes out fully simplified.

Replies go the other way with `to_script(text, "traditional")` (OpenCC `s2tw`). Converters are built once
and cached: the bot converts every reply.
"""

from __future__ import annotations

import math
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only annotations: normalising text imports no pydantic
    import opencc

    from extract.models import Script

__all__ = ["converter", "is_traditional", "simplify", "simplify_lines", "to_script", "to_simplified"]

TRADITIONAL_SHARE = 0.02  # share of CJK characters t2s would change that makes a text traditional
_SAMPLE_CHARS = 200_000  # longer texts are judged on evenly spread slices of this many characters
_SAMPLE_SLICES = 20

_BMP_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@lru_cache(maxsize=1)
def _cjk_re() -> re.Pattern[str]:  # compiled on first use: a traditional text never needs it
    return re.compile(f"[{_BMP_CJK}]")


_lock = threading.Lock()
_converters: dict[str, opencc.OpenCC] = {}


def converter(config: str) -> opencc.OpenCC:
    """The OpenCC converter for `config` ("tw2s", "t2s", "s2tw" ...), built once per process."""
    conv = _converters.get(config)
    if conv is None:
        import opencc  # the dictionaries load here, not at import time

        with _lock:
            conv = _converters.get(config)
            if conv is None:
                conv = _converters[config] = opencc.OpenCC(config)
    return conv


def _char_class(chars: set[str]) -> str:
    """A regex class of ranges. The characters are CJK ideographs: none needs escaping."""
    if not chars:
        return "[\uffff]"  # matches nothing in a report
    cps = sorted(map(ord, chars))
    parts: list[str] = []
    start = prev = cps[0]
    for cp in cps[1:]:
        if cp != prev + 1:
            parts.append(chr(start) if start == prev else f"{chr(start)}-{chr(prev)}")
            start = cp
        prev = cp
    parts.append(chr(start) if start == prev else f"{chr(start)}-{chr(prev)}")
    return "[" + "".join(parts) + "]"


# The two character sets below, derived once from OpenCC and shipped: deriving them converts every
# BMP ideograph with two converters (~45 ms), most of a cold start's normalisation. The file names the
# OpenCC version it came from; with another version installed they are derived at run time instead.
CHAR_DATA = Path(__file__).resolve().parents[1] / "data" / "opencc_chars.tsv"


def derive_char_sets() -> tuple[set[str], set[str]]:
    """(traditional characters, characters only tw2s changes), derived from the installed OpenCC.

    Only the BMP blocks: a regex class over them is a fast bitmap; traditional characters outside the BMP
    are too rare to move a 2 % share.
    """
    blocks = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
    chars = [chr(c) for lo, hi in blocks for c in range(lo, hi + 1)]
    joined = "\n".join(chars)  # one character per segment: no phrase spans a newline
    by_t2s = converter("t2s").convert(joined).split("\n")
    by_tw2s = converter("tw2s").convert(joined).split("\n")
    if len(by_t2s) != len(chars) or len(by_tw2s) != len(chars):  # pragma: no cover - defensive
        by_t2s = [converter("t2s").convert(c) for c in chars]
        by_tw2s = [converter("tw2s").convert(c) for c in chars]
    traditional = {c for c, s in zip(chars, by_t2s, strict=True) if s != c}
    tw2s_only = {c for c, s in zip(chars, by_tw2s, strict=True) if s != c} - traditional
    return traditional, tw2s_only


def _opencc_version() -> str:
    import opencc

    return str(getattr(opencc, "__version__", "unknown"))


def write_char_data(path: Path = CHAR_DATA) -> None:
    """Regenerate the shipped sets after an OpenCC upgrade (a test says when):
    `python -c "import extract.text.script as s; s.write_char_data()"`."""
    traditional, tw2s_only = derive_char_sets()
    path.write_text(
        "# Characters OpenCC changes (BMP ideographs), written by extract.text.script.write_char_data().\n"
        f"opencc\t{_opencc_version()}\n"
        f"traditional\t{''.join(sorted(traditional))}\n"
        f"tw2s_only\t{''.join(sorted(tw2s_only))}\n",
        encoding="utf-8",
    )


def read_char_data(path: Path = CHAR_DATA) -> tuple[set[str], set[str]] | None:
    """The shipped sets when they were derived from the installed OpenCC version, else None."""
    try:
        fields = dict(
            line.split("\t", 1)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")
        )
    except (OSError, ValueError):
        return None
    if fields.get("opencc") != _opencc_version() or "traditional" not in fields:
        return None
    return set(fields["traditional"]), set(fields.get("tw2s_only", ""))


@lru_cache(maxsize=1)
def _char_sets() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(traditional characters, characters only tw2s changes) as regex classes."""
    traditional, tw2s_only = read_char_data() or derive_char_sets()
    return re.compile(_char_class(traditional)), re.compile(_char_class(tw2s_only))


def _sample(text: str) -> str:
    if len(text) <= _SAMPLE_CHARS:
        return text
    step = len(text) // _SAMPLE_SLICES
    size = _SAMPLE_CHARS // _SAMPLE_SLICES
    return "".join(text[i : i + size] for i in range(0, len(text), step))


def traditional_share(text: str) -> float:
    """Share of CJK characters that OpenCC t2s would change (0.0 when there is no CJK)."""
    sample = _sample(text)
    trad_re, _ = _char_sets()
    trad = len(trad_re.findall(sample))
    if not trad:
        return 0.0
    return trad / max(1, len(_cjk_re().findall(sample)))


def is_traditional(text: str) -> bool:
    """True when at least ~2 % of the CJK characters are traditional forms."""
    sample = _sample(text)
    trad_re, _ = _char_sets()
    # Enough traditional characters to be 2 % of ALL characters is enough for 2 % of the CJK ones:
    # stop counting there (the common case for a traditional report) without counting CJK at all.
    needed = max(1, math.ceil(TRADITIONAL_SHARE * len(sample)))
    found = 0
    for _ in trad_re.finditer(sample):
        found += 1
        if found >= needed:
            return True
    if not found:
        return False
    return found / max(1, len(_cjk_re().findall(sample))) >= TRADITIONAL_SHARE


def _tw2s_split(text: str) -> list[str]:
    """The lines of `text` after tw2s, except simplified lines that tw2s would damage (no traditional
    char, but 著 ...), which stay as written.

    The whole text is converted in one call (OpenCC is much slower on many pieces) and those lines put
    back: tw2s maps phrases, never a line break, so line i of the result is line i of the input."""
    trad_re, tw2s_only_re = _char_sets()
    keep: dict[int, str] = {}  # line number -> the line as written
    done = line_no = 0  # text[:done] is handled; line_no counts its line breaks
    for m in tw2s_only_re.finditer(text):
        if m.start() < done:
            continue  # a line already looked at
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        line_no += text.count("\n", done, start)
        if not trad_re.search(text, start, end):  # a simplified line: keep it as it is
            keep[line_no] = text[start:end]
        done = end
    lines = converter("tw2s").convert(text).split("\n")
    if keep and len(lines) != text.count("\n") + 1:  # never seen; line by line if an OpenCC release did it
        lines = [converter("tw2s").convert(line) for line in text.split("\n")]
    for n, line in keep.items():
        lines[n] = line
    return lines


def simplify_lines(text: str) -> tuple[list[str], Script]:
    """`simplify` as lines (`text.split("\n")`): normalisation works on lines, so no join to split again."""
    if not is_traditional(text):
        return text.split("\n"), "simplified"
    return _tw2s_split(text), "traditional"


def simplify(text: str) -> tuple[str, Script]:
    """(simplified text, script the input was written in)."""
    if not is_traditional(text):
        return text, "simplified"
    return "\n".join(_tw2s_split(text)), "traditional"


def to_simplified(text: str) -> str:
    """Traditional text -> simplified (tw2s); simplified text is returned unchanged."""
    return simplify(text)[0]


def to_script(text: str, script: Script) -> str:
    """Simplified text in the reader's script: s2tw for "traditional", identity for "simplified"."""
    if script == "traditional" and text:
        return converter("s2tw").convert(text)
    return text
