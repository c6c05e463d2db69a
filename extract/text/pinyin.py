"""Step 2 of normalisation: strip pinyin glosses such as `縣長(zhǎng)`.

Machine-converted reports put the reading of a character in parentheses right after it. A gloss is a CJK
character followed by `(`/`（`, ONE Mandarin syllable and `)`/`）`. The syllable is checked against the
complete set of Mandarin syllables, so real parentheticals survive: `(某某段)`, `(GDP)`, `(AI)`, `(5G)`,
`(km)`, `(Zhang)` (a toneless syllable must be lowercase), `(张三 李四)`.

Accepted spellings: tone marks (`zhǎng`, `lǜ`), a tone digit 1-5 (`zhang3`, `lv4`, `lü4`) or none
(`zhang`, lowercase only). The set has no runtime dependency: it is written out below and cross-checked
against pypinyin in the tests. A small regex finds `CJK(letters)`; a set lookup decides whether the
letters are a syllable (an alternation of all ~5,000 spellings took 0.25 s to compile).
"""

from __future__ import annotations

import re
from functools import lru_cache

# The Mandarin syllables (toneless, ü written as ü). Standard table plus the rare readings that
# dictionaries list (biang, cei, den, din, fiao, len, nia, nun, wong, ...).
_SYLLABLE_TABLE = """
a ai an ang ao
ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu
ca cai can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo
da dai dan dang dao de dei den deng di dia dian diao die din ding diu dong dou du duan dui dun duo
e ei en eng er
fa fan fang fei fen feng fiao fo fou fu
ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo
ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo
ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun
ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo
la lai lan lang lao le lei len leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lü lüe
ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu
na nai nan nang nao ne nei nen neng ni nia nian niang niao nie nin ning niu nong nou nu nuan nun nuo nü nüe
o ou
pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu
qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun
ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo
sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan
shuang shui shun shuo si song sou su suan sui sun suo
ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo
wa wai wan wang wei wen weng wo wong wu
xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun
ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun
za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua
zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""

SYLLABLES: frozenset[str] = frozenset(_SYLLABLE_TABLE.split())

# Toneless forms that are too often something else in a report to strip without a tone:
# list markers "(a)" "(e)" "(o)" and the unit "(ha)" (hectare).
_TONELESS_EXCLUDED = frozenset({"a", "e", "o", "ha"})

_TONE_MARKS = {
    "a": "āáǎà",
    "e": "ēéěè",
    "i": "īíǐì",
    "o": "ōóǒò",
    "u": "ūúǔù",
    "ü": "ǖǘǚǜ",
}


def _tone_vowel_index(syllable: str) -> int:
    """Where the tone mark goes: a or e; the o of ou; otherwise the last vowel."""
    for v in ("a", "e"):
        if v in syllable:
            return syllable.index(v)
    if "ou" in syllable:
        return syllable.index("o")
    return max(i for i, ch in enumerate(syllable) if ch in _TONE_MARKS)


def toned_forms(syllable: str) -> list[str]:
    """The four tone-marked spellings of a toneless syllable (`zhang` -> zhāng zháng zhǎng zhàng)."""
    i = _tone_vowel_index(syllable)
    return [syllable[:i] + mark + syllable[i + 1 :] for mark in _TONE_MARKS[syllable[i]]]


def _spellings() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(toneless, tone-digit bases, tone-marked) spellings of every syllable, as accepted in a gloss.

    Tone-marked and tone-digit spellings may be capitalised ("Zhāng", "Zhang3"); toneless ones must be
    lowercase, so "(Zhang)" stays.
    """
    toneless: set[str] = set()
    digit_bases: set[str] = set()
    marked: set[str] = set()
    for syl in SYLLABLES:
        variants = [syl, syl.replace("ü", "v")] if "ü" in syl else [syl]
        digit_bases.update(variants)
        if syl not in _TONELESS_EXCLUDED:
            toneless.update(variants)
        marked.update(toned_forms(syl))

    def with_capital(words: set[str]) -> frozenset[str]:
        return frozenset(words | {w[0].upper() + w[1:] for w in words})

    return frozenset(toneless), with_capital(digit_bases), with_capital(marked)


# CJK ideographs (basic, ext A, compatibility, ext B+): the character a gloss follows.
_BMP_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SUPP_CJK = "\U00020000-\U0003134f"

# Letters a syllable may be spelled with (tone-marked vowels precomposed: text is NFC by now). The
# regex only finds the shape "(letters[digit])"; whether that is a syllable is a set lookup, which is
# far cheaper to build than an alternation of every spelling.
_LETTERS = "a-zA-ZüÜāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜĀÁǍÀĒÉĚÈŌÓǑÒ"
_TOKEN = f"[{_LETTERS}]{{1,6}}[1-5]?"
# Starts with the parenthesis so the regex engine can skip ahead to "(" quickly; a look-behind then
# checks the CJK character. BMP and supplementary ideographs in separate look-behinds: a class mixing
# them is much slower. Group 1 is the letters.
_LOOKBEHIND = "(?:(?<=[{cjk}]{p})|(?<=[{supp}]{p}))"
_GLOSS = "[(（]" + _LOOKBEHIND.format(cjk=_BMP_CJK, supp=_SUPP_CJK, p="[(（]") + f"({_TOKEN})[)）]"
# The same for ASCII "(" only: a literal first character makes the scan several times faster, and
# full-width "（" is rare in these reports. Two passes, BMP then supplementary ideographs: one look-behind
# each is a quarter faster than their alternation, and the second pass visits only the "(" left over.
_ASCII_GLOSS_RES = tuple(re.compile(rf"\((?<=[{cjk}]\()({_TOKEN})[)）]") for cjk in (_BMP_CJK, _SUPP_CJK))


@lru_cache(maxsize=1)
def _gloss_re() -> re.Pattern[str]:  # compiled on first use: most reports never need it
    return re.compile(_GLOSS)


@lru_cache(maxsize=1)
def _gloss_run_re() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A gloss with a run of further parentheticals ("字(zì)(zi4)"), and one piece of a run: glosses
    that open a run go too, so a second pass finds nothing."""
    return re.compile(_GLOSS + f"((?:[(（]{_TOKEN}[)）])*)"), re.compile(f"[(（]({_TOKEN})[)）]")


_RUN_MARKS = (")(", ")（", "）(", "）（")
_ASCII_RUN = re.compile(r"\)\(")  # the regex engine finds a frequent pair several times faster than `in`


@lru_cache(maxsize=1)
def _gloss_spellings() -> frozenset[str]:
    """Every accepted gloss spelling, tone digits included (~9,000 strings, built in a few ms)."""
    toneless, digit_bases, marked = _spellings()
    return toneless | marked | frozenset(b + d for b in digit_bases for d in "12345")


def is_gloss_syllable(spelling: str) -> bool:
    """True when `spelling` is one gloss syllable under the rules above."""
    return spelling in _gloss_spellings()


def strip_glosses(text: str) -> tuple[str, int]:
    """Remove every pinyin gloss; return the text and how many glosses were removed."""
    if "(" not in text and "（" not in text:
        return text, 0
    spellings = _gloss_spellings()
    fullwidth = "（" in text or "）" in text
    if not _ASCII_RUN.search(text) and not (fullwidth and any(mark in text for mark in _RUN_MARKS)):
        # The usual case: no runs, and every parenthesised spelling after a CJK character is a syllable.
        # split() keeps the scan in C: [text, letters, text, letters, ..., text]
        out, count = text, 0
        for gloss_re in (_gloss_re(),) if "（" in text else _ASCII_GLOSS_RES:
            parts = gloss_re.split(out)
            letters = parts[1::2]
            if not spellings.issuperset(letters):
                break  # a real parenthetical among them: the careful pass below, on the whole text
            if letters:
                out, count = "".join(parts[::2]), count + len(letters)
        else:
            return out, count
    removed = 0
    gloss_run_re, run_piece_re = _gloss_run_re()

    def drop(m: re.Match[str]) -> str:
        nonlocal removed
        syllable, run = m.group(1, 2)
        if syllable not in spellings:
            return m.group(0)  # a real parenthetical, and any run after it, stays
        removed += 1
        # the glosses that open the run go; from the first real parenthetical on, the run stays
        for piece in run_piece_re.finditer(run):
            if piece.group(1) not in spellings:
                return run[piece.start() :]
            removed += 1
        return ""

    return gloss_run_re.sub(drop, text), removed
