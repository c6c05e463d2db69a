"""The text decoder under hostile bytes: what it must now read, and what it must still refuse."""

from __future__ import annotations

import pytest

from extract.errors import BinaryContentError, DecodeError
from extract.text.decode import decode_text
from extract.text.normalize import normalize_bytes
from tests.tgkit import SEED0, SEED2


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(codec):
    for seed in (SEED0, SEED2):
        text, encoding, warnings = decode_text(seed.encode(codec))
        assert (text, encoding, warnings) == (seed, codec, [])


def test_stray_bytes_are_replaced_and_counted():
    data = SEED2.encode("utf-8")
    cut = data.index("。".encode()) + 3
    text, encoding, warnings = decode_text(data[:cut] + b"\xff\xfe" + data[cut:])
    assert encoding == "utf-8" and text.count("\ufffd") == 2
    assert text.replace("\ufffd", "") == SEED2
    assert warnings == ["原文有 2 个字节不是有效的 UTF-8 编码，已用 � 替换"]
    doc = normalize_bytes(data[:cut] + b"\xff" + data[cut:], "r.txt")
    assert any("1 个字节" in w for w in doc.warnings)


@pytest.mark.parametrize("codec", ["gb18030", "big5"])
@pytest.mark.parametrize("length", [3, 10, 200, 5000])
def test_legacy_chinese_encodings_are_not_taken_for_damaged_utf8(codec, length):
    seed = SEED0 if codec == "big5" else SEED2
    sample = seed[:length]
    try:
        data = sample.encode(codec)
    except UnicodeEncodeError:
        pytest.skip("not encodable")
    text, _, warnings = decode_text(data)
    assert warnings == [] and "\ufffd" not in text
    if length >= 200:
        assert text == sample


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\xff" * 500,  # NULs at even offsets, but no text in UTF-16 either
        bytes(range(256)) * 8,
        "县长".encode() + b"\x00\x01\x02\x03" * 50,
        b"\x01\x00\x02\x00" * 300,  # UTF-16LE control characters
    ],
)
def test_binary_noise_stays_binary(data):
    with pytest.raises((BinaryContentError, DecodeError)):
        decode_text(data)


def test_mostly_invalid_utf8_is_not_taken_as_utf8_with_replacements():
    # 120 bad bytes against 4 good characters: not "UTF-8 with a stray byte"
    data = "县长讲话".encode() + b"\xff\xfe\xfd" * 40
    try:
        _, encoding, warnings = decode_text(data)
    except (BinaryContentError, DecodeError):
        return
    assert encoding != "utf-8" and warnings == []
