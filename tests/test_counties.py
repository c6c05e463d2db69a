"""County detection: the seeds (gold) and synthetic traps."""

from __future__ import annotations

import pytest

from extract.models import Document
from extract.places.counties import find_counties
from tests.conftest import SEEDS

# What normalisation keeps aside for each seed (bylines); the body is seeds/normalized/*.txt
BYLINES = {
    "000": ["记者 赵俊堂"],
    "001": ["记者 张春茂"],
    "002": ["作者中共平陆县委副书记、政府县长 翟纪亭"],
}


def triples(counties) -> list[tuple[str, str | None, str | None]]:
    return [(c.name, c.city, c.province) for c in counties]


def seed_document(doc_gold: dict, *, with_meta: bool = True) -> Document:
    text = (SEEDS / "normalized" / doc_gold["file"]).read_text(encoding="utf-8")
    if not with_meta:
        return Document(text=text)
    return Document(
        text=text,
        title=doc_gold["title"],
        source=doc_gold["source"],
        authors=BYLINES.get(doc_gold["file"][:3], []),
    )


@pytest.mark.parametrize("i", range(5))
@pytest.mark.parametrize("with_meta", [True, False])
def test_seed_counties_match_gold(gold: dict, i: int, with_meta: bool) -> None:
    doc_gold = gold["documents"][i]
    expected = [(c["name"], c["city"], c["province"]) for c in doc_gold["counties"]]
    assert triples(find_counties(seed_document(doc_gold, with_meta=with_meta))) == expected


@pytest.mark.parametrize("i", range(5))
def test_seed_counties_through_the_real_pipeline(gold: dict, i: int) -> None:
    pytest.importorskip("extract.text.normalize")
    from extract.pipeline import document_from_bytes

    doc_gold = gold["documents"][i]
    doc = document_from_bytes((SEEDS / doc_gold["file"]).read_bytes(), doc_gold["file"])
    expected = [(c["name"], c["city"], c["province"]) for c in doc_gold["counties"]]
    assert triples(find_counties(doc)) == expected


def counties_of(text: str, title: str | None = None, **meta) -> list[str]:
    return [c.name for c in find_counties(Document(text=text, title=title, **meta))]


def test_person_names_are_not_places() -> None:
    text = "县委副书记、县长黄龙新主持会议。黄龙新强调,要抓好项目建设。黄龙新要求各部门落实责任。"
    assert counties_of(text, "维西县召开项目推进会") == ["维西傈僳族自治县"]
    assert counties_of(text) == []  # 黄龙县 is never read out of 黄龙新


def test_a_county_mentioned_once_is_not_the_subject() -> None:
    text = (
        "浮山县召开经济工作会议。会议指出,浮山县要学习借鉴大宁县的经验做法,"
        "推动浮山高质量发展。浮山县委书记出席会议。"
    )
    assert counties_of(text, "浮山县召开经济工作会议") == ["浮山县"]


def test_two_counties_in_the_title_are_both_subjects() -> None:
    text = "12月1日,大宁县与吉县签订旅游合作协议。大宁县县长和吉县县长出席签约仪式。"
    assert counties_of(text, "大宁县与吉县签订旅游合作协议") == ["大宁县", "吉县"]


def test_the_most_mentioned_county_comes_first() -> None:
    text = (
        "12月1日,吉县代表团到大宁县考察。大宁县介绍了乡村振兴经验。"
        "大宁县县长表示,大宁县将深化合作。大宁县委书记陪同。"
    )
    assert counties_of(text)[0] == "大宁县"


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        # 新兴县 is a county, but 新兴产业 is an everyday phrase
        (
            "蕉岭县培育新兴产业",
            "广东省蕉岭县大力发展新兴产业,新兴产业产值增长。新兴产业集群初步形成。",
            ["蕉岭县"],
        ),
        # 和县 / 兴县 are one character plus 县: read inside 县委和县政府 and 振兴县域
        (None, "县委和县政府召开会议,研究振兴县域经济工作。振兴县域经济是重点,县委和县政府高度重视。", []),
        # a town and a river named like a county
        ("城关镇召开会议", "城关镇召开会议。城关镇党委书记出席。永春河流域治理项目开工。", []),
        # 发展和安全 is not 和安县; 党性和政绩观 is not 和政县
        (None, "统筹发展和安全,树立正确的党性和政绩观,统筹发展和安全。党性和政绩观。", []),
    ],
)
def test_ordinary_words_are_not_counties(title: str | None, text: str, expected: list[str]) -> None:
    assert counties_of(text, title) == expected


def test_short_name_needs_context_unless_repeated() -> None:
    # a bare short name once, no province or city: not enough
    assert counties_of("学习平陆经验。") == []
    # repeated, with the province named: the county
    assert counties_of("山西平陆抓落实。平陆将紧盯目标。对平陆而言,要抓项目。") == ["平陆县"]


def test_a_single_mention_deep_in_the_body_is_no_subject() -> None:
    text = "临汾市召开全市经济工作会议。\n会议总结了全年工作。\n会上,大宁县作了交流发言。"
    assert counties_of(text, "临汾市召开全市经济工作会议") == []


def test_place_before_a_county_makes_it_certain() -> None:
    assert counties_of("12月23日,湖南省双牌县重点项目建设调度会议召开。") == ["双牌县"]


def test_shared_name_resolved_by_the_city() -> None:
    found = find_counties(Document(text="北京市朝阳区召开会议,朝阳区区长出席。"))
    assert triples(found) == [("朝阳区", "北京市", "北京市")]
    found = find_counties(Document(text="长春市朝阳区召开会议,朝阳区区长出席。"))
    assert triples(found) == [("朝阳区", "长春市", "吉林省")]


def test_shared_name_without_context_keeps_only_the_name() -> None:
    found = find_counties(Document(text="朝阳区召开会议,朝阳区区长出席。"))
    assert triples(found) == [("朝阳区", None, None)]


def test_source_and_bylines_count() -> None:
    text = "我县召开项目工作推进会。会议强调,要抓好项目建设。"
    assert counties_of(text, "项目工作推进会", source="维西傈僳族自治县人民政府") == ["维西傈僳族自治县"]
    assert counties_of(text, "项目工作推进会", authors=["作者中共平陆县委书记 张三"]) == ["平陆县"]


def test_leftmost_longest_does_not_read_short_names_inside_longer_ones() -> None:
    # 吉县 inside 永吉县 (吉林省) is not 吉县 (山西省)
    assert counties_of("吉林省永吉县召开会议。永吉县县长出席。") == ["永吉县"]


def test_every_county_is_found_when_the_report_names_it_plainly() -> None:
    # the whole gazetteer: `<province><county>召开…` and `<city><county>召开…` give that county
    # (or, for a name shared inside one province, the name alone when only the province is given)
    from extract.places.gazetteer import index

    entries = index().entries
    shared = {e.name for e in entries if sum(x.name == e.name for x in entries) > 1}
    wrong = []
    for e in entries:
        for place in (e.province, e.city or e.province):
            text = f"日前,{place}{e.name}召开经济工作会议。会议要求,要抓好项目建设。"
            got = [(c.name, c.city, c.province) for c in find_counties(Document(text=text))]
            name_only = e.name in shared and got[:1] == [(e.name, None, None)]
            ok = got[:1] == [(e.name, e.city, e.province)] or name_only
            if not ok:
                wrong.append((place, e.name, got))
    assert wrong == []
