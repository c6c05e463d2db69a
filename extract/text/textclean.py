"""Step 1 of normalisation: Unicode clean-up.

Line endings unified, control / zero-width / BOM characters removed, full-width digits, Latin letters,
`％`, `．` and spaces made ASCII (so figures parse), then NFC. Chinese punctuation (，。、“”（）) is kept.
The full-width mapping runs before NFC so that NFC is the last word and a second pass changes nothing.
"""

from __future__ import annotations

import re
import unicodedata


def _chars(*ranges: tuple[int, int]) -> list[str]:
    return [chr(c) for lo, hi in ranges for c in range(lo, hi + 1)]


# One table for every character step 1 touches: most texts hold none of them, and the few that do get one
# regex pass with a lookup per rare character.
_CHAR_MAP: dict[str, str] = {}
# Line separators of every flavour -> "\n" ("\r\n" is folded before the table applies)
_CHAR_MAP.update(dict.fromkeys("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", "\n"))
# C0/C1 controls except \t and \n, zero-width characters, BOM, soft hyphen, bidi marks, lone surrogates
# (a surrogate cannot be encoded, and OpenCC works on UTF-8) -> removed
_CHAR_MAP.update(
    dict.fromkeys(
        _chars(
            (0x00, 0x08), (0x0E, 0x1B), (0x1F, 0x1F), (0x7F, 0x84), (0x86, 0x9F), (0xAD, 0xAD),
            (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F),
            (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0xD800, 0xDFFF),
        ),
        "",
    )
)  # fmt: skip
# Full-width digits and Latin letters, ％ and ． -> ASCII; exotic spaces -> " ". Full-width punctuation
# such as ，（）：is Chinese punctuation and stays.
_CHAR_MAP.update({chr(0xFF10 + i): str(i) for i in range(10)})
_CHAR_MAP.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_CHAR_MAP.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_CHAR_MAP.update({"％": "%", "．": "."})
_CHAR_MAP.update(dict.fromkeys(_chars((0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x202F, 0x202F),
                                      (0x205F, 0x205F), (0x3000, 0x3000)), " "))  # fmt: skip


def _class(chars: list[str]) -> str:
    cps = sorted(ord(c) for c in chars)
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(re.escape(chr(cps[i])) + ("-" + re.escape(chr(cps[j])) if j > i else ""))
        i = j + 1
    return "[" + "".join(parts) + "]"


_RARE = re.compile(_class(list(_CHAR_MAP)))


def _map_char(m: re.Match[str]) -> str:
    return _CHAR_MAP[m.group()]


def clean_unicode(text: str) -> str:
    """Step 1: unify line endings, drop invisible characters, make figure characters ASCII, NFC."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if _RARE.search(text):
        text = _RARE.sub(_map_char, text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text
