"""Bytes of a text file -> str: byte-order marks, UTF-16 without one, UTF-8 (with a few stray bytes
replaced and counted), then charset-normalizer among GB18030 / Big5. Binary files are refused."""

from __future__ import annotations

import codecs
import re
import unicodedata

from extract.errors import BinaryContentError, DecodeError

# Charsets charset-normalizer may choose between (everything a Chinese report is realistically in).
_DETECT_CHARSETS = ["utf_8", "gb18030", "big5"]

MAGIC = (
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a zip archive (.docx/.xlsx?)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.xls)"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"\x1f\x8b", "a gzip archive"),
)

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Every byte but the control characters a text file should not hold (tab, newlines, form feed and
# ESC are fine): deleting these leaves the suspicious ones.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 and b not in b"\t\n\r\x0c\x1b"))
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes surrogateescape could not decode
# UTF-8 with a few bad bytes is still UTF-8 when valid multi-byte characters outnumber them this much
# (GB18030 or Big5 read as UTF-8 has almost no valid multi-byte sequences)
_VALID_PER_BAD = 50


# a text file with a few control bytes (a NUL from a bad copy, a stray BEL) is text: each becomes SUB
# before decoding (an ASCII byte, so it can never be half of a GB18030/Big5 character), then U+FFFD
_FEW_CONTROLS_PER = 1000  # at most one control byte per this many (and at least 8 allowed)
_CONTROLS = bytes(b for b in range(256) if b not in _NOT_CONTROL)
_TO_SUB = bytes.maketrans(_CONTROLS, b"\x1a" * len(_CONTROLS))


def controls_warning(n: int) -> str:
    return f"原文有 {n} 个控制字符（如 NUL），已用 � 替换"


def replaced_warning(n: int, encoding: str) -> str:
    """The Document warning for bytes decoded with replacement (shown under the digest)."""
    return f"原文有 {n} 个字节不是有效的 {encoding.upper()} 编码，已用 � 替换"


def binary_kind(data: bytes) -> str | None:
    """What a binary file looks like, or None when it may be text."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:8192]
    if b"\x00" in head:
        return "binary data"
    controls = len(head.translate(None, _NOT_CONTROL))  # in C: what is left are the control bytes
    return "binary data" if controls > max(2, len(head) // 100) else None


def _plausible(text: str) -> bool:
    """Text a report could be: nearly all letters, digits, punctuation and spaces (pinyin glosses
    bring accented Latin), and at least half of it CJK or ASCII."""
    sample = text[:4096]
    core = sum(1 for ch in sample if ch <= "~" or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f")
    usual = sum(
        1
        for ch in sample
        if ch in "\t\n\r" or unicodedata.category(ch)[0] in "LNPZ" or unicodedata.category(ch) == "Mn"
    )
    return core >= 0.5 * len(sample) and usual >= 0.95 * len(sample)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 files without a byte-order mark: NULs (the high byte of ASCII characters: digits, line
    breaks) mostly at odd offsets for little-endian, at even ones for big-endian (a few land on the
    other side: 一 is U+4E00). The whole file must then decode to text."""
    if len(data) < 4 or len(data) % 2:
        return None
    head = data[:8192]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= 4 * even + 2:
        codec = "utf-16-le"
    elif even >= 4 * odd + 2:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return (text, codec) if _plausible(text) else None


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """(text with U+FFFD for each bad byte, how many) when the bytes are UTF-8 but for a few."""
    loose = data.decode("utf-8", errors="surrogateescape")
    bad = len(_ESCAPED.findall(loose))
    valid = sum(1 for ch in loose if ch > "\x7f" and not ("\udc80" <= ch <= "\udcff"))
    if bad == 0 or valid < _VALID_PER_BAD * bad:
        return None
    return _ESCAPED.sub("\ufffd", loose), bad


def decode_text(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings): BOM, UTF-16 without BOM, strict UTF-8, UTF-8 with a few bytes
    replaced (a warning says how many), then charset-normalizer among UTF-8 / GB18030 / Big5."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec.removesuffix("-sig"), []
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {codec} after a byte-order mark: {exc.reason}") from None
    if not data.startswith(tuple(m for m, _ in MAGIC)) and (wide := _utf16_without_bom(data)):
        return wide[0], wide[1], []
    controls = 0 if data.startswith(tuple(m for m, _ in MAGIC)) else _few_controls(data)
    if controls:
        text, encoding, warnings = _decode_plain(data.translate(_TO_SUB))
        if not _plausible(text):  # a short binary file with few control bytes: still not a report
            raise BinaryContentError("this looks like binary data, not text")
        return text.replace("\x1a", "\ufffd"), encoding, [*warnings, controls_warning(controls)]
    kind = binary_kind(data)
    if kind:
        raise BinaryContentError(f"this looks like {kind}, not text")
    return _decode_plain(data)


def _few_controls(data: bytes) -> int:
    """How many control bytes a text file holds when they are only a few (0 when none, or when there
    are so many that it is binary data)."""
    n = len(data.translate(None, _NOT_CONTROL))  # in C: what is left are the control bytes
    return n if 0 < n <= max(8, len(data) // _FEW_CONTROLS_PER) else 0


def _decode_plain(data: bytes) -> tuple[str, str, list[str]]:
    """Strict UTF-8, UTF-8 with a few bytes replaced, then charset-normalizer (no binary check)."""
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    if mostly := _mostly_utf8(data):
        return mostly[0], "utf-8", [replaced_warning(mostly[1], "utf-8")]
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_DETECT_CHARSETS).best()
    if best is None:
        raise DecodeError("not valid UTF-8, GB18030 or Big5")
    return str(best), best.encoding, []
