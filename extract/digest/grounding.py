"""Is every number in a sentence said by the report? One normal form for each written number.

`350亿` ≈ `350亿元` ≈ `350億元` ≈ `35000000000`; `2,400` ≈ `2400`; `三个` ≈ `3个`; numbers in words are
their values (issue P): `十二点五亿` ≈ `12.5亿`, `百分之六点五` ≈ `6.5%`, `二成` ≈ `20%`, `翻一番` ≈ `2倍`,
so a number a model invents in words is caught like one in digits. Units are ignored
(the value with its multiplier is what must match), so a model that turns 350亿元 into 350万元 or
rounds 12.5% to 13% is caught. Both sides are parsed by the same code, so whatever a sentence copies
verbatim from the report is grounded by construction.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Script variants that matter for numbers (the model may answer in traditional script).
_FOLD = str.maketrans("億萬兩壹贰貳叁參肆伍陆陸柒捌玖拾佰仟", "亿万两一二二三三四五六六七八九十百千")

# Multipliers after an Arabic number; longest first. 千/百 alone are left out on purpose: after a
# digit they are mostly unit prefixes (千瓦, 千米, 百米), and both sides are parsed alike anyway.
_MULT = {
    "万亿": 10**12,
    "千亿": 10**11,
    "百亿": 10**10,
    "十亿": 10**9,
    "亿": 10**8,
    "千万": 10**7,
    "百万": 10**6,
    "十万": 10**5,
    "万": 10**4,
}

_ARABIC = re.compile(
    r"(?<![\d.])(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<frac>\.\d+)?(?P<mult>万亿|千亿|百亿|十亿|亿|千万|百万|十万|万)?"
)
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}
# A Chinese numeral run must hold a digit or 十 (so 千方百计, 百姓, 万家 are not numbers).
_CHINESE = re.compile(
    r"[零〇一二两三四五六七八九十百千万亿]*[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
)


def _prep(text: str) -> str:
    # full-width digits, ％ and ． become ASCII; traditional numeral characters folded
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def _form(d: Decimal) -> str:
    d = d.normalize()
    s = format(d, "f")
    return s


def _chinese_value(run: str) -> Decimal | None:
    if not any(c in _CN_UNITS or c in _CN_BIG for c in run):
        # 二〇二四, 三: digit by digit
        return Decimal("".join(str(_CN_DIGITS[c]) for c in run if c in _CN_DIGITS) or "0")
    total = 0
    section = 0
    number = 0
    for c in run:
        if c in _CN_DIGITS:
            number = number * 10 + _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (number or 1) * _CN_UNITS[c]
            number = 0
        else:  # 万 / 亿
            section += number
            number = 0
            total = (total + section) * _CN_BIG[c] if c == "亿" else total + section * _CN_BIG[c]
            section = 0
    return Decimal(total + section + number)


# Numbers in words read whole before the digit runs (their characters are then masked): a decimal
# (十二点五亿, not 十二 and 五亿; 九点三十分 is a time), tenths (二成 = 20) and doublings (翻一番 = 2).
_CN_DEC = re.compile(
    r"(?P<int>[零〇一二两三四五六七八九十百千]*[零〇一二两三四五六七八九十])点(?P<frac>[零〇一二三四五六七八九]+)"
    r"(?P<mult>万亿|亿|万)?(?![零〇一二两三四五六七八九十百千滴])"
)
_TENTHS = re.compile(r"(?P<d>[二两三四五六七八九]|\d)成(?![员为立功本品果效熟都交就长年型片绩])")
_DOUBLING = re.compile(r"翻了?(?P<d>[一两二三四]|\d)番")


def _digit(ch: str) -> int:
    return int(ch) if ch.isdigit() else _CN_DIGITS[ch]


def _worded(text: str) -> tuple[str, list[tuple[str, Decimal]]]:
    """The numbers in words of `text` with their values, and `text` with them masked out."""
    out: list[tuple[str, Decimal]] = []
    chars = list(text)
    for pattern in (_CN_DEC, _TENTHS, _DOUBLING):
        for m in pattern.finditer("".join(chars)):
            if pattern is _CN_DEC:
                whole = _chinese_value(m["int"])
                if whole is None:
                    continue
                v = whole + Decimal("0." + "".join(str(_CN_DIGITS[c]) for c in m["frac"]))
                v *= _MULT.get(m["mult"] or "", 1)
            elif pattern is _TENTHS:
                v = Decimal(_digit(m["d"]) * 10)
            else:
                v = Decimal(2 ** _digit(m["d"]))
            out.append((m.group(0), v))
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(chars), out


def _mentions(text: str) -> list[tuple[str, Decimal]]:
    """(surface, value) for every number written in `text`, Arabic and Chinese."""
    text, out = _worded(_prep(text))
    for m in _ARABIC.finditer(text):
        try:
            v = Decimal(m["num"].replace(",", "") + (m["frac"] or ""))
        except InvalidOperation:  # pragma: no cover - the regex only lets digits through
            continue
        if m["mult"]:
            v *= _MULT[m["mult"]]
        out.append((m.group(0), v))
    for m in _CHINESE.finditer(text):
        v = _chinese_value(m.group(0))
        if v is not None:
            out.append((m.group(0), v))
    return out


def number_forms(text: str) -> set[str]:
    """Normal forms of every number in a text (values as plain decimal strings, multipliers applied)."""
    forms = {_form(v) for _, v in _mentions(text)}
    # "19,300" in prose with ASCII commas may be two numbers; the source side accepts both readings
    for m in re.finditer(r"\d+(?:,\d+)+", _prep(text)):
        forms.update(_form(Decimal(p)) for p in m.group(0).split(","))
    return forms


def ungrounded_numbers(sentence: str, source_text: str, *, forms: set[str] | None = None) -> list[str]:
    """Numbers written in `sentence` whose value the source never states, as written in the sentence.

    `forms` lets a caller reuse `number_forms(source_text)` across many sentences.
    """
    known = number_forms(source_text) if forms is None else forms
    bad: list[str] = []
    for surface, value in _mentions(sentence):
        if _form(value) not in known and surface not in bad:
            bad.append(surface)
    return bad
