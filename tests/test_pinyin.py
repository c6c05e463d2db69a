"""Pinyin gloss stripping: the syllable set, the spellings, the seeds' 576 glosses, real parentheticals."""

from __future__ import annotations

import re

import pytest
from pypinyin import Style, pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

from extract.text.pinyin import SYLLABLES, is_gloss_syllable, strip_glosses, toned_forms
from tests.conftest import SEED_FILES

# Syllables pypinyin knows that we leave out on purpose: consonant-only interjections (嗯 n/ng, 呣 m,
# 哼 hng, 噷 hm) and ê. As toneless glosses they would eat units such as "(m)" and "(n)".
DELIBERATELY_EXCLUDED = {"m", "n", "ng", "hm", "hng", "ê"}

SEED_GLOSSES = {"000": 207, "001": 167, "002": 0, "003": 0, "004": 202}
# Independent, deliberately loose detector: a CJK character, "(", Latin letters with optional tone marks
# or digit, ")". In the seeds every such parenthetical is a gloss.
LOOSE_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[1-5]?[)）]")


def pypinyin_syllables() -> set[str]:
    out = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            out.add(to_normal(reading, v_to_u=True))
    return out


def test_syllable_set_is_the_complete_mandarin_inventory() -> None:
    reference = pypinyin_syllables()
    assert 405 <= len(SYLLABLES) <= 425
    assert reference - SYLLABLES == DELIBERATELY_EXCLUDED
    assert reference >= SYLLABLES  # nothing invented


@pytest.mark.parametrize(
    ("toneless", "expected"),
    [("zhang", ["zhāng", "zháng", "zhǎng", "zhàng"]), ("liu", ["liū", "liú", "liǔ", "liù"]),
     ("gou", ["gōu", "góu", "gǒu", "gòu"]), ("lüe", ["lüē", "lüé", "lüě", "lüè"]),
     ("er", ["ēr", "ér", "ěr", "èr"])],
)  # fmt: skip
def test_tone_marks_go_on_the_standard_vowel(toneless: str, expected: list[str]) -> None:
    assert toned_forms(toneless) == expected


def test_every_syllable_in_every_spelling_is_a_gloss() -> None:
    for syl in SYLLABLES:
        spellings = [*toned_forms(syl), *(syl + d for d in "12345")]
        if "ü" in syl:
            spellings += [syl.replace("ü", "v") + "4", toned_forms(syl)[0]]
        for s in spellings:
            assert is_gloss_syllable(s), s
            assert is_gloss_syllable(s[0].upper() + s[1:]), s  # "Zhāng", "Zhang3"
        if syl not in {"a", "e", "o", "ha"}:
            assert is_gloss_syllable(syl), syl
            assert not is_gloss_syllable(syl.capitalize()), syl  # toneless must be lowercase


def test_pypinyin_readings_of_real_text_are_all_recognised() -> None:
    text = "县长强调全面推进乡村振兴重点项目建设经济发展绿色转型女儿旅游略微虐待"
    for (reading,) in pinyin(text, style=Style.TONE, heteronym=False):
        assert is_gloss_syllable(reading), reading
    for (reading,) in pinyin(text, style=Style.TONE3, heteronym=False, neutral_tone_with_five=True):
        assert is_gloss_syllable(reading), reading


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_glosses_all_stripped_and_nothing_else(path) -> None:
    original = path.read_text(encoding="utf-8")
    stripped, n = strip_glosses(original)
    assert n == SEED_GLOSSES[path.name[:3]]
    assert not LOOSE_GLOSS.search(stripped)
    # exactly the glosses went: removing them with the loose detector gives the same text
    assert LOOSE_GLOSS.sub("", original) == stripped
    assert len(LOOSE_GLOSS.findall(original)) == n


def test_seed_gloss_total_is_576() -> None:
    total = sum(strip_glosses(p.read_text(encoding="utf-8"))[1] for p in SEED_FILES)
    assert total == 576


@pytest.mark.parametrize(
    "kept",
    ["(平陆段)", "(山西)", "(一期)", "(党组)", "(GDP)", "(AI)", "(5G)", "(km)", "(江龙 赵李明)", "(Zhang)",
     "（平陆段）", "（GDP）", "（Zhang）", "（一期）", "(m)", "(n)", "(a)", "(ha)", "(kg)", "(2024)",
     "(zhangg)"],
)  # fmt: skip
def test_real_parentheticals_survive(kept: str) -> None:
    text = f"建设{kept}项目"
    assert strip_glosses(text) == (text, 0)


@pytest.mark.parametrize(
    ("text", "expected", "n"),
    [
        ("縣長(zhǎng)", "縣長", 1),
        ("縣長（zhǎng）", "縣長", 1),
        ("縣長(zhang3)", "縣長", 1),
        ("縣長(zhang)", "縣長", 1),
        ("縣長(Zhǎng)", "縣長", 1),
        ("綠(lǜ)色(lv4)化(huà)", "綠色化", 3),
        ("們(men)", "們", 1),
        ("長(zhǎng)(zhang3)期", "長期", 2),  # a run of glosses goes in one pass
        ("A(zhǎng)", "A(zhǎng)", 0),  # a gloss follows a CJK character
        ("長 (zhǎng)", "長 (zhǎng)", 0),
        # the slower paths: a real parenthetical among glosses, runs, mixed brackets, rare ideographs
        ("縣長(zhǎng)生产总值(GDP)", "縣長生产总值(GDP)", 1),
        ("縣(xiàn)长(GDP)(zhang)", "縣长(GDP)(zhang)", 1),
        ("長(zhǎng)(GDP)(zhang3)", "長(GDP)(zhang3)", 1),  # after a real one the run stays
        ("長（zhǎng）(zhang3)（km）", "長（km）", 2),
        ("縣（xiàn）長(zhǎng)", "縣長", 2),
        ("\U00020000(zhang3)", "\U00020000", 1),
    ],
)
def test_gloss_spellings(text: str, expected: str, n: int) -> None:
    assert strip_glosses(text) == (expected, n)


def test_stripping_is_idempotent_on_seeds() -> None:
    for path in SEED_FILES:
        once, _ = strip_glosses(path.read_text(encoding="utf-8"))
        assert strip_glosses(once) == (once, 0)
