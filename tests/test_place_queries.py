"""Queries by level (issue L): a province's name means the province (海南, 山西), a name shared by a city and
a county asks which (长沙, 濮阳, 大理), `临汾 各县` rolls up a city's counties one line each, the wording
follows the level (该市/该省/该县/该区), and an unknown name gets the closest names. The pure lookup, then
`countybot targets` on the seeds (the bot's side: tests/test_telegram_fix.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.queries.places import (
    code_of,
    level_word,
    place_by_code,
    place_query,
    resolve_place,
    split_rollup,
    suggest,
)
from extract.models import County
from extract.places.gazetteer import index
from tests.conftest import SEEDS


def _places(query: str) -> list[tuple[str, str]]:
    return [(c.name, c.level) for c in resolve_place(query).places]


def test_a_provinces_name_means_the_province() -> None:
    hainan = resolve_place("海南")
    assert hainan.status == "ok" and _places("海南") == [("海南省", "province")]
    assert {c.name for c in hainan.others} == {"海南藏族自治州", "海南区"}  # named, never answered for it
    assert _places("山西") == [("山西省", "province")]
    assert _places("海南区") == [("海南区", "county")]  # the district asked for in full


@pytest.mark.parametrize(
    ("query", "city", "county"),
    [
        ("长沙", "长沙市", "长沙县"),
        ("濮阳", "濮阳市", "濮阳县"),
        ("大理", "大理白族自治州", "大理市"),
        ("長沙", "长沙市", "长沙县"),
    ],
)
def test_a_name_shared_by_a_city_and_a_county_asks_which(query: str, city: str, county: str) -> None:
    match = resolve_place(query)
    assert match.status == "ambiguous"
    assert _places(query) == [(city, "city"), (county, "county")]  # the city first
    for full in (city, county):  # the full names are exact
        assert resolve_place(full).status == "ok" and _places(full)[0][0] == full


def test_rollup_and_level_words() -> None:
    assert split_rollup("临汾 各县") == ("临汾", True)
    assert split_rollup("臨汾各縣") == ("臨汾", True)
    assert split_rollup("临汾市下辖县区") == ("临汾市", True)
    assert split_rollup("临汾") == ("临汾", False)
    assert split_rollup("各县") == ("各县", False)
    words = {
        "临汾": "该市",
        "山西": "该省",
        "大宁": "该县",
        "内蒙古": "该自治区",
        "北京": "该市",
        "海南区": "该区",
        "巴林左旗": "该旗",
        "怒江": "该州",
    }
    for query, word in words.items():
        assert level_word(resolve_place(query).places[0]) == word, query


def test_unknown_names_get_the_closest_by_spelling_and_sound() -> None:
    assert resolve_place("临责").status == "unknown"
    assert suggest("临责")[0].name == "临泽县"  # the same sound (ze) ranks first
    assert suggest("臨責")[0].name == "临泽县"  # either script
    assert suggest("大柠")[0].name == "大宁县"
    assert suggest("dnx")[0].name == "大宁县"  # pinyin initials
    assert resolve_place("临责").suggestions[0].name == "临泽县"
    assert suggest("完全不是地名的一长串文字") == []


def test_every_place_has_a_code_and_a_query_that_finds_it_again() -> None:
    entries = index().entries[::7]  # a spread of all levels' namesakes, quickly
    for e in entries:
        c = e.county()
        code = code_of(c)
        assert code and place_by_code(code) == c
        match = resolve_place(place_query(c))
        assert match.status == "ok" and match.places[0].name == c.name, (c, place_query(c))
    city = County(name="临汾市", province="山西省", level="city")
    assert place_by_code(code_of(city) or "") == city


# ---- the CLI on the seeds ------------------------------------------------------------------------------


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COUNTYBOT_DB", str(tmp_path / "q.sqlite3"))
    assert main(["ingest", str(SEEDS)]) == 0
    capsys.readouterr()


def test_cli_queries_by_level(seeded: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "长沙"]) == 1
    err = capsys.readouterr().err
    assert "「长沙」既是长沙市（湖南省），也是长沙县（长沙市，湖南省）" in err
    assert "countybot targets 长沙市" in err and "countybot targets 长沙县" in err
    for query, city, county in (("濮阳", "濮阳市", "濮阳县"), ("大理", "大理白族自治州", "大理市")):
        assert main(["targets", query]) == 1
        err = capsys.readouterr().err
        assert "既是" in err and city in err and county in err

    assert main(["targets", "海南"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("海南省：还没有收录关于该省的报告") and "海南区" in out.split("同名的还有")[1]
    assert main(["targets", "山西"]) == 0
    assert "山西省：还没有收录关于该省的报告" in capsys.readouterr().out
    assert main(["targets", "长沙市"]) == 0
    assert "还没有收录关于该市的报告" in capsys.readouterr().out

    assert main(["targets", "临汾", "各县"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "临汾市（山西省） 各县的重点目标：2 个县（区）有记录（该市共 17 个）" in out[0]
    [daning] = [line for line in out if line.strip().startswith("大宁县：")]
    [fushan] = [line for line in out if line.strip().startswith("浮山县：")]
    assert "🎯 281亿元" in daning and "🎯" in fushan  # one line each, side by side
    assert not any("平陆" in line for line in out)  # 运城市's county

    assert main(["targets", "临责"]) == 1
    assert "找不到「临责」这个地方。是不是：临泽县（张掖市，甘肃省）" in capsys.readouterr().err
    assert main(["track", "临责"]) == 1
    assert "是不是：临泽县" in capsys.readouterr().err


def test_a_digest_says_how_sure_its_place_is_and_when_a_person_set_it() -> None:
    from bot.render.html import render_digest
    from bot.render.text import render_digest_text
    from extract.models import Digest

    likely = County(name="大宁县", city="临汾市", province="山西省", confidence="likely")
    digest = Digest(title="t", counties=[likely])
    assert "📍 大宁县（临汾市，山西省）（可能） · 不对请回复本消息写县名" in render_digest(digest)
    sure = Digest(title="t", counties=[likely.model_copy(update={"confidence": "sure"})])
    assert "可能" not in render_digest(sure) and "不对" not in render_digest(sure)
    assert "已人工更正" not in render_digest(digest)
    fixed = digest.model_copy(update={"sources": {"county": "manual"}})
    assert "✏️ 已人工更正：县" in render_digest(fixed) and "已人工更正：县" in render_digest_text(
        fixed, color=False
    )
    none = Digest(title="t")
    assert "没找到这份报告说的是哪个县。请回复本消息写县名" in render_digest(none)
    assert "countybot fix" in render_digest_text(none, color=False)
