"""What a mention of a place name says, from the words around it (issue L).

Two questions about a gazetteer form found in the text:

- Is it inside a longer word? `示范县` holds 范县, `代县长` holds 代县, `全县城区` holds 城区, `天台上` holds
  天台. Such a mention is no evidence of the place at all. Asked of the names short enough to be swallowed
  so (a two-character full name, a bare short name): the character before and the name's first character,
  or the name's last character and the one after, form an everyday word
  (extract/data/place_words.txt, from jieba's dictionary) — unless the county's own province or city is
  written right before it (河北魏县: 北魏 is a word too), or the words before make it a place (现代化石柱).
- Is a bare short name used as a place? `把X打造成…`, `全X`, `美丽X`/`新X`/`数字X`, `X力量`/`X贡献`/`X经验`/
  `X新篇章`, `推动X复兴`. A short name that is also an everyday word (天台, 石柱) needs both sides, or an
  epithet (现代化石柱).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

WORDS_FILE = Path(__file__).resolve().parents[1] / "data" / "place_words.txt"

# Words right before a bare short name that make it a place: the verbs and epithets of county reports.
_PLACE_BEFORE = (
    "美丽", "幸福", "大美", "魅力", "活力", "生态", "文化", "数字", "平安", "法治", "健康", "智慧", "绿色",
    "现代化", "新时代", "奋进", "品质", "宜居", "和美", "三美", "五美", "千年", "开放", "创新", "实力",
    "亲临", "走进", "落户", "扎根", "来到", "深耕", "服务", "推动", "助力", "建设", "打造", "谱写", "奋力",
    "建好", "全", "把", "新",
)
# Words right after it: what a place has or gives (X力量, X经验, X新篇章, X人民…).
_PLACE_AFTER = (
    "新篇章", "篇章", "贡献", "力量", "经验", "方案", "模式", "样板", "样本", "速度", "实践", "故事", "答卷",
    "名片", "人民", "儿女", "百姓", "群众", "大地", "全域", "境内", "籍", "上下", "城区", "县城", "复兴",
    "发展", "建设", "高质量", "新征程", "智慧", "精神", "品牌", "特色", "知名度", "美誉度", "段",
    "打造成", "建设成", "建成",
)
# Two-sided, for a short name that is also an everyday word: what may stand before it then.
_STRICT_BEFORE = (
    "是", "的", "把", "全", "推动", "助力", "谱写", "建设", "打造", "开创", "现代化", "美丽", "新",
)
# Epithets that make even an everyday word a place on their own (现代化石柱, 美丽天台).
_EPITHETS = ("现代化", "美丽", "幸福", "大美", "魅力", "新时代")
_EPITHET_RE = re.compile("(?:" + "|".join(_EPITHETS) + ")$")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))  # longest first


_BEFORE_RE = re.compile(f"(?:{_alternation(_PLACE_BEFORE)})$")
_STRICT_RE = re.compile(f"(?:{_alternation(_STRICT_BEFORE)})$")
_AFTER_RE = re.compile(_alternation(_PLACE_AFTER))
_BA_RE = re.compile(r"把$")  # 把X…打造成/建成: the object of 把 with a 成 within the clause
# 学习X经验, 借鉴X模式: another place held up as a model — the report is about whoever learns from it.
_MODEL_RE = re.compile("学习|借鉴|参观|考察|推广|对标|复制")
# 建设“六个X县”: a numbered slogan about the place
_SLOGAN_RE = re.compile("[一二两三四五六七八九十]个[“\"‘]?$")
# A clause that opens on the name and goes on with what it does: X作为…, X要…, X正处在…, X坚持…
_CLAUSE_OPENERS = set("，。；：！？、,;:\n“\"")
_SUBJECT_VERB_RE = re.compile(
    "作为|要|将|正|已|是|坚持|始终|紧扣|围绕|立足|抢抓|依托|坚定|加快|深入|全力|大力|聚焦|着力|持续|积极|"
    "牢牢|奋力|被|位于|地处|拥有|现有|共有"
)
_HEADS = set("长")  # 代县长, 城区长: an office after a two-character full name (X县 + 县长)


@cache
def _words() -> frozenset[str]:
    lines = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(ln for ln in lines if ln and not ln.startswith("#"))


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def place_before(text: str, start: int) -> bool:
    """Whether the words just before `start` make what follows a place (美丽X, 把X, 现代化X…)."""
    return _BEFORE_RE.search(text, max(0, start - 4), start) is not None


# 工业兴县, 强工富县, 工业兴城: a verb and 县/城 make a slogan ("develop the county"). Some places are named
# so (兴县, 富县, 兴城): read after another word, such a name is the slogan, unless a word that may stand
# before a place (在, 到, 的, 政协…) does.
_SLOGAN_VERBS = set("兴富强立活美稳旺")
_LEFT_CHARS = set("在到赴进往来去驻回访临从与和及对向为是于把将全的了至经由同跟即")
_LEFT_WORDS = re.compile("(?:政协|中共|人大|共青团|关于|位于|地处|落户)$")


def slogan(text: str, start: int, form: str) -> bool:
    """Whether the two-character full name text[start:] (兴县, 富县) is a slogan's verb and 县."""
    if len(form) != 2 or form[0] not in _SLOGAN_VERBS or form[1] not in "县城市区旗":
        return False
    if start == 0 or not _is_han(text[start - 1]):
        return False
    return text[start - 1] not in _LEFT_CHARS and _LEFT_WORDS.search(text, max(0, start - 3), start) is None


def held_up(text: str, start: int) -> bool:
    """Whether the name at `start` is another place held up as a model (学习X经验, 借鉴X模式)."""
    return _MODEL_RE.search(text, max(0, start - 6), start) is not None


def place_use(text: str, start: int, end: int, *, strict: bool) -> bool:
    """Whether the name text[start:end] is used as a place (a bare short name, or a full name the report
    mentions once: 建设“六个X县”). `strict` (an everyday word): both a place word before and one after,
    or an epithet, or 把X…成."""
    if _MODEL_RE.search(text, max(0, start - 6), start):
        return False
    before = _BEFORE_RE.search(text, max(0, start - 4), start) is not None
    after = _AFTER_RE.match(text, end) is not None
    if _BA_RE.search(text, max(0, start - 1), start) and "成" in text[end : end + 12].split("，")[0]:
        return True  # 把X打造成…
    if _SLOGAN_RE.search(text, max(0, start - 3), start):
        return True  # 六个X县
    if not strict:
        opens = start == 0 or text[start - 1] in _CLAUSE_OPENERS
        return before or after or (opens and _SUBJECT_VERB_RE.match(text, end) is not None)
    if _EPITHET_RE.search(text, max(0, start - 3), start):
        return True
    return after and _STRICT_RE.search(text, max(0, start - 4), start) is not None


def inside_word(text: str, start: int, end: int, *, short: bool) -> bool:
    """Whether the name text[start:end] is swallowed by an everyday word at its edges (示范县, 代县长,
    县城区, 天台上). Asked only of two-character full names and bare short names."""
    words = _words()
    if start > 0 and _is_han(text[start - 1]) and text[start - 1] + text[start] in words:
        return not place_before(text, start)
    if end < len(text) and _is_han(text[end]):
        if short and text[end - 1] + text[end] in words and _AFTER_RE.match(text, end) is None:
            return True  # 天台上, and a short name ending in 陆 before 续
        if not short and text[end] in _HEADS and text[end - 1] + text[end] in words:
            return True  # 代县长: the acting head of a county, not 代县
    return False
