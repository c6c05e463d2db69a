"""Numbers as Chinese reports write them: 1,500 / 3.5万 / 1.2亿 / 一千五百万 / 两 / 百分之六十, and numbers in
words with their decimals (十二点五亿元, 百分之六点五), tenths (二成 = 20 %) and doublings (翻一番 = 2 倍: the
metric becomes twice its base; 翻两番 = 4 倍).

`parse_quantity` turns one standalone surface ("356亿元", "2,300余亩", "一千五百万元", "2.5个百分点")
into (value, unit) with the conventions of extract/figures/units.py; the finder and LLM grounding share it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from extract.figures.units import MULTIPLIER_PATTERN, MULTIPLIERS, UNIT_PATTERN, unit_info

_CN_DIGITS = {"零": 0, "〇": 0, "两": 2} | {c: i for i, c in enumerate("〇一二三四五六七八九") if i}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}

# Thousands separators only in exact groups of three, so "36亿元,52个" never reads as 36,52.
ARABIC_PATTERN = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# A Chinese numeral starts with a digit or 十: 千方百计, 万众一心, 百亿级 are not numbers.
# A decimal in words: 十二点五, 一点二, 六点零五 — digits only after 点, and none of 十/百 right after them
# (九点三十分 is a time, read as 九 and 三十分).
_CN_DECIMAL = r"点[〇零一二三四五六七八九]+(?![〇零一二两三四五六七八九十百千])"
CHINESE_PATTERN = (
    rf"(?:[一二两三四五六七八九十][〇零一二两三四五六七八九十百千]*{_CN_DECIMAL}"
    r"|[一二两三四五六七八九十][〇零一二两三四五六七八九十百千万亿]*)"
)
APPROX = r"[余多]"
# 二成 / 三成以上 = 20 % / 30 %: tenths (一成不变, 成员, 成为, 成立, 成本 … are words, not tenths)
_TENTHS = r"(?P<tenths>[二两三四五六七八九]|\d)成(?![员为立功本品果效熟都交就长年型片绩])"
# 翻一番 / 翻两番 / 翻了一番: doubled once, twice
_DOUBLING = r"翻了?(?P<fan>[一两二三四]|\d)番"

QUANTITY_RE = re.compile(
    rf"{_TENTHS}|{_DOUBLING}|"
    rf"(?:百分之(?P<pct>{ARABIC_PATTERN}|{CHINESE_PATTERN}))"
    rf"|(?:(?P<ar>{ARABIC_PATTERN})|(?P<cn>{CHINESE_PATTERN}))"
    # one optional space before the multiplier and the unit: PDF text writes "32.6 万吨"
    rf"(?P<a1>{APPROX})?[ \u3000]?(?P<mult>{MULTIPLIER_PATTERN})?(?P<a2>{APPROX})?"
    rf"[ \u3000]?(?P<unit>{UNIT_PATTERN})?"
)

_NUMBER_RE = re.compile(
    rf"(?:(?P<ar>{ARABIC_PATTERN})|(?P<cn>{CHINESE_PATTERN}))(?P<mult>{MULTIPLIER_PATTERN})?"
)

# Forms parse_quantity accepts from other writers (the LLM, a summary) that normalisation would fix.
_FOLD = str.maketrans(
    "０１２３４５６７８９％．，億萬兩個畝噸戶項條輛臺處張場間棟",
    "0123456789%.,亿万两个亩吨户项条辆台处张场间栋",
)
_PREFIX_RE = re.compile(
    r"^(?:大约|约|近|将近|接近|超过|超|逾|突破|达到|达|共|共计|累计|不少于|不低于|不超过|不高于|控制在)"
)
_SUFFIX_RE = re.compile(r"(?:以上|左右|以下|以内|之内|上下|之多|有余)$")


def parse_chinese(text: str) -> int | None:
    """一千五百 -> 1500, 十二 -> 12, 一百零五 -> 105, 一亿二千万 -> 120000000; None if malformed.

    Digit strings without place words (二〇二三, 十四五) are not quantities and give None.
    """
    if not text:
        return None
    total = block = section = 0
    if "点" in text:
        return None  # a decimal: parse_cn_decimal
    digit: int | None = None
    prev = ""
    for ch in text:
        if ch in _CN_DIGITS:
            if digit not in (None, 0) and prev in _CN_DIGITS:
                return None  # two digits in a row: a code or a year, not a count
            if ch == "两" and prev == "十":
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            if prev in _CN_SMALL:
                return None
            section += (digit if digit else 1) * _CN_SMALL[ch]
            digit = None
        elif ch == "万":
            part = section + (digit or 0)
            if part == 0:
                return None
            block += part * 10**4
            section, digit = 0, None
        elif ch == "亿":
            part = block + section + (digit or 0)
            if part == 0:
                return None
            total = (total + part) * 10**8
            block = section = 0
            digit = None
        else:
            return None
        prev = ch
    return total + block + section + (digit or 0)


def parse_cn_decimal(text: str) -> Decimal | None:
    """十二点五 -> 12.5, 一点二 -> 1.2, 六点零五 -> 6.05; an integer in words -> its value; None if
    malformed."""
    whole, dot, frac = text.partition("点")
    if not dot:
        value = parse_chinese(text)
        return None if value is None else Decimal(value)
    if not frac or any(c not in _CN_DIGITS for c in frac):
        return None
    base = Decimal(0) if whole in ("零", "〇") else parse_chinese(whole)
    if base is None:
        return None
    return Decimal(base) + Decimal("0." + "".join(str(_CN_DIGITS[c]) for c in frac))


def parse_number(text: str) -> Decimal | None:
    """An Arabic or Chinese number, with an optional 万/亿/千万/百万 multiplier: "3.5万" -> 35000."""
    m = _NUMBER_RE.fullmatch(text)
    if not m:
        return None
    base = _base(m.group("ar"), m.group("cn"))
    if base is None:
        return None
    return base * MULTIPLIERS.get(m.group("mult") or "", 1)


def _base(arabic: str | None, chinese: str | None) -> Decimal | None:
    if arabic is not None:
        try:
            return Decimal(arabic.replace(",", ""))
        except InvalidOperation:
            return None
    return parse_cn_decimal(chinese or "")


def quantity_from_match(m: re.Match[str]) -> tuple[Decimal, str] | None:
    """(value, unit) for a QUANTITY_RE match; unit "" when none was written."""
    if m.group("tenths") is not None:  # 二成 = 20 %
        return Decimal(_digit(m.group("tenths")) * 10), "%"
    if m.group("fan") is not None:  # 翻一番 = 2 倍, 翻两番 = 4 倍
        return Decimal(2) ** _digit(m.group("fan")), "倍"
    if m.group("pct") is not None:
        base = _base(m.group("pct"), None) if m.group("pct")[0].isdigit() else _base(None, m.group("pct"))
        return None if base is None else (base, "%")
    base = _base(m.group("ar"), m.group("cn"))
    if base is None:
        return None
    value = base * MULTIPLIERS.get(m.group("mult") or "", 1)
    written = m.group("unit")
    if not written:
        return value, ""
    info = unit_info(written)
    if info is None:
        return None
    unit, factor, _ = info
    return value * Decimal(str(factor)), unit


def _digit(ch: str) -> int:
    return int(ch) if ch.isdigit() else _CN_DIGITS[ch]


def tidy(value: Decimal) -> float | int:
    """Decimal -> int when integral (35600000000, not 3.56e10), else float."""
    return int(value) if value == value.to_integral_value() else float(value)


def parse_quantity(surface: str) -> tuple[float, str] | None:
    """One standalone quantity -> (value, unit); None when the surface is not a quantity.

    "356亿元" -> (35600000000, "元"), "2,300余亩" -> (2300, "亩"), "一千五百万元" -> (15000000, "元"),
    "60%" -> (60, "%"), "2.5个百分点" -> (2.5, "个百分点"), "200兆瓦" -> (200, "兆瓦"),
    "2023年", "第5", "15天", "十四五" and bare numbers ("3.5万": use parse_number) -> None.
    Leading 约/近/超过/突破 and trailing 以上/左右/以内 are allowed and dropped; 億/萬 are accepted.
    """
    text = _SUFFIX_RE.sub("", _PREFIX_RE.sub("", surface.strip().translate(_FOLD))).strip()
    if text.endswith("度电"):  # 3亿度电 = 3亿千瓦时
        text = text[:-2] + "千瓦时"
    m = QUANTITY_RE.fullmatch(text)
    if not m:
        return None
    parsed = quantity_from_match(m)
    if parsed is None or not parsed[1]:
        return None
    return tidy(parsed[0]), parsed[1]
