"""Whether two labels name the same metric: the finder's merge of a metric stated twice and the label-aware
matching of `countybot eval` share this one rule.

A label is normalised before comparing:
- brackets, quotes, punctuation and spaces go (新（改）建 = 新(改)建 = 新改建);
- a place that opens it goes: 全县/全市/全省/全区/全旗/全州/全盟, 我县/我市/本县…, and a county-level name
  the gazetteer knows (某某县地区生产总值 -> 地区生产总值);
- comparison words go: 同比, 同口径, 比上年, 较上年;
- synonyms fold: GDP/生产总值/国内生产总值 -> 地区生产总值, 规上 -> 规模以上, 固投 -> 固定资产投资;
- a change word at the end becomes a direction: 增长/增速/增幅/增长率/涨幅 -> "+", 下降/降低/减少 -> "-".
Two labels name the same metric when their directions agree and their remaining cores are equal, or one
contains the other (the shorter at least 3 characters), or
their character bigrams overlap highly (Dice >= 0.6) — unless a contrasting pair tells them apart
(城镇 vs 农村, 进口 vs 出口, 收入 vs 支出, 第一/第二/第三产业, 国家级/省级/市级/县级).
"""

from __future__ import annotations

import re
from functools import lru_cache

_PUNCT = re.compile(r"[\s“”\"‘’'《》〈〉()（）\[\]【】,，。、；;：:·．.\-—]")
_PLACE = re.compile(r"^(?:全|我|本)(?:县|市|省|区|旗|州|盟|镇|乡)")
_COMPARE = re.compile(r"同比|同口径|(?:比|较)(?:上年|去年)(?:同期)?")
_SYNONYMS = (
    (re.compile(r"(?:地区|国内)?生产总值|GDP", re.IGNORECASE), "地区生产总值"),
    (re.compile(r"规上"), "规模以上"),
    (re.compile(r"固投"), "固定资产投资"),
)
_UP = re.compile(r"(?:年均)?(?:增长率|增长幅度|增幅|增速|增长|涨幅|上涨|提高|提升)$")
_DOWN = re.compile(r"(?:年均)?(?:下降|降低|减少|降幅)$")
_CONTRASTS = (
    ("城镇", "农村", "城乡", "城市", "乡村"),
    ("进口", "出口"),
    ("收入", "支出"),
    ("第一产业", "第二产业", "第三产业"),
    ("国家级", "省级", "市级", "县级"),
    ("一般公共预算", "政府性基金", "税收"),
)
_DICE = 0.6


@lru_cache(maxsize=4096)
def metric_key(label: str | None) -> tuple[str, str]:
    """(direction, core) of a label: direction "+" (增长…), "-" (下降…) or ""; core the normalised metric."""
    if not label:
        return "", ""
    text = _PUNCT.sub("", label)
    text = _COMPARE.sub("", text)
    direction = ""
    for sign, pattern in (("+", _UP), ("-", _DOWN)):
        m = pattern.search(text)
        if m and m.start() > 0:
            direction, text = sign, text[: m.start()]
            break
        if m and m.start() == 0:  # a bare 增长: direction only
            return sign, ""
    while True:
        before = text
        text = _PLACE.sub("", text)
        text = _strip_county(text)
        if text == before:
            break
    for pattern, repl in _SYNONYMS:
        text = pattern.sub(repl, text)
    return direction, text


def _strip_county(text: str) -> str:
    if len(text) <= 3:
        return text
    from extract.figures.labels import strip_place  # lazily: the gazetteer loads once per process

    return strip_place(text)


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] or [text]


def _dice(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    pool = list(y)
    common = 0
    for g in x:
        if g in pool:
            pool.remove(g)
            common += 1
    return 2 * common / (len(x) + len(y))


def _contrast(a: str, b: str) -> bool:
    for group in _CONTRASTS:
        in_a = {w for w in group if w in a}
        in_b = {w for w in group if w in b}
        if in_a and in_b and in_a != in_b and not (in_a & in_b):
            return True
    return False


def same_metric(a: str | None, b: str | None) -> bool:
    """Whether labels `a` and `b` name the same metric (see the module docstring for the rule)."""
    (da, ca), (db, cb) = metric_key(a), metric_key(b)
    if da != db or not ca or not cb:
        return False
    if ca == cb:
        return True
    if _contrast(ca, cb):
        return False
    short, long_ = sorted((ca, cb), key=len)
    if short in long_ and len(short) >= 3:
        return True
    return _dice(ca, cb) >= _DICE
