"""Traditional -> simplified only when the text is traditional; replies back to traditional."""

from __future__ import annotations

import pytest

from extract.text.script import (
    converter,
    is_traditional,
    simplify,
    simplify_lines,
    to_script,
    to_simplified,
    traditional_share,
)
from tests.conftest import SEEDS

TRADITIONAL_SEEDS = ["000_e5000fd4f8434fdf.txt", "001_85f4f9d88a5ef757.txt", "004_467eb7228c822c6c.txt"]
SIMPLIFIED_SEEDS = ["002_583cfe85666f49d1.txt", "003_15533f8b4921b7a4.txt"]


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def t2s_changes_nothing(text: str) -> bool:
    return converter("t2s").convert(text) == text


@pytest.mark.parametrize("name", TRADITIONAL_SEEDS)
def test_traditional_seeds_are_detected_and_converted(name: str) -> None:
    text = seed(name)
    assert is_traditional(text)
    assert traditional_share(text) > 0.2
    out, script = simplify(text)
    assert script == "traditional"
    assert t2s_changes_nothing(out)
    assert "县" in out and "縣" not in out


@pytest.mark.parametrize("name", SIMPLIFIED_SEEDS)
def test_simplified_seeds_are_left_alone(name: str) -> None:
    text = seed(name)
    assert not is_traditional(text)
    assert simplify(text) == (text, "simplified")


def test_tw2s_would_damage_simplified_text_so_it_is_not_applied() -> None:
    text = "项目建设成效显著，著名企业落户。"
    assert converter("tw2s").convert(text) != text  # the damage we avoid: 显著 -> 显着
    assert to_simplified(text) == text


def test_threshold_is_about_two_percent() -> None:
    simplified = "县委书记主持召开会议研究部署重点项目建设工作" * 10  # 220 CJK characters
    assert not is_traditional(simplified + "縣")  # 0.5 %: a stray character is not a traditional text
    assert not is_traditional(simplified + "縣長會議")  # 1.8 %
    assert is_traditional(simplified + "縣長會議開")  # 2.2 %
    assert not is_traditional("")
    assert not is_traditional("GDP 5% 2024")


def test_mixed_input_comes_out_fully_simplified() -> None:
    traditional = seed(TRADITIONAL_SEEDS[0])
    simplified_quote = "他引用道：“要更好统筹当前和长远，项目建设成效显著。”"
    mixed = traditional + "\n" + simplified_quote + "\n縣長說：“這是簡體引語中的话。”\n"
    out, script = simplify(mixed)
    assert script == "traditional"
    assert t2s_changes_nothing(out)
    assert simplified_quote in out  # the simplified line keeps 显著 (not 显着)
    assert "县长说：“这是简体引语中的话。”" in out
    # the lines normalisation takes: the same, line for line (the kept line put back at its own place)
    lines, _ = simplify_lines(mixed)
    assert lines == out.split("\n") and lines[-3] == simplified_quote
    twice = mixed + simplified_quote + "\n" + mixed  # kept lines further on, after converted ones
    assert simplify_lines(twice)[0] == simplify(twice)[0].split("\n")
    assert simplify_lines(twice)[0].count(simplified_quote) == 3


def test_to_script_for_replies() -> None:
    assert to_script("县长强调项目建设", "traditional") == "縣長強調項目建設"
    assert to_script("县长强调项目建设", "simplified") == "县长强调项目建设"
    assert to_script("", "traditional") == ""


def test_converters_are_built_once() -> None:
    assert converter("s2tw") is converter("s2tw")
    assert converter("tw2s") is not converter("s2tw")


def test_shipped_char_data_matches_the_installed_opencc() -> None:
    from extract.text.script import derive_char_sets, read_char_data

    shipped = read_char_data()
    assert shipped is not None, (
        "extract/data/opencc_chars.tsv is stale: run extract.text.script.write_char_data()"
    )
    assert shipped == derive_char_sets()
    traditional, tw2s_only = shipped
    assert {"縣", "長", "會"} <= traditional and "县" not in traditional
    assert "著" in tw2s_only  # tw2s alone changes it: the reason simplified quotes are kept


def test_char_data_from_another_opencc_version_is_not_used(tmp_path) -> None:
    from extract.text.script import CHAR_DATA, read_char_data

    stale = tmp_path / "chars.tsv"
    stale.write_text(
        CHAR_DATA.read_text(encoding="utf-8").replace("opencc\t", "opencc\t0.0.0-"), encoding="utf-8"
    )
    assert read_char_data(stale) is None
    assert read_char_data(tmp_path / "missing.tsv") is None
