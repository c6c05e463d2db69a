"""People: officials after their roles, and bylines."""

from __future__ import annotations

import pytest

from extract.models import Document
from extract.places.names import name_at, plausible_name
from extract.places.people import find_people
from tests.test_counties import seed_document


def pairs(people) -> list[tuple[str, str | None]]:
    return [(p.name, p.role) for p in people]


@pytest.mark.parametrize("i", range(5))
def test_seed_people_match_gold(gold: dict, i: int) -> None:
    doc_gold = gold["documents"][i]
    expected = {(p["name"], p["role"]) for p in doc_gold["people"]}
    found = pairs(find_people(seed_document(doc_gold)))
    assert set(found) == expected
    assert len(found) == len(expected)  # no extra (false) names


@pytest.mark.parametrize("i", range(5))
def test_seed_people_through_the_real_pipeline(gold: dict, i: int) -> None:
    """normalize(raw seed) -> find_people: officials and labelled bylines (记者 赵俊堂, an author
    with an office) exactly as gold, unlabelled credits (江龙 赵李明) left out."""
    from extract.text.normalize import normalize
    from tests.conftest import SEEDS

    doc_gold = gold["documents"][i]
    doc = normalize((SEEDS / doc_gold["file"]).read_text(encoding="utf-8"))
    expected = {(p["name"], p["role"]) for p in doc_gold["people"]}
    found = pairs(find_people(doc))
    assert set(found) == expected
    assert len(found) == len(expected)


def test_seed_credits_are_kept_as_written() -> None:
    from extract.text.normalize import normalize
    from tests.conftest import SEEDS

    def credits(stem: str) -> list[str]:
        (path,) = SEEDS.glob(f"{stem}_*.txt")
        return normalize(path.read_text(encoding="utf-8")).credits

    assert credits("000") == ["记者 赵俊堂"]
    assert credits("002") == ["作者中共平陆县委副书记、政府县长 翟纪亭"]
    assert credits("003") == []
    assert credits("004") == ["江龙 赵李明"]


def people_of(text: str, **meta) -> list[tuple[str, str | None]]:
    return pairs(find_people(Document(text=text, **meta)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("县委书记马盛春作重要讲话。", [("马盛春", "县委书记")]),
        ("县委副书记、县长王志华接受了本报记者专访。", [("王志华", "县委副书记、县长")]),
        ("县人民政府副县长李建新传达会议精神。", [("李建新", "副县长")]),
        ("县委常委、常务副县长斯那扎史通报经济运行情况。", [("斯那扎史", "县委常委、常务副县长")]),
        ("日前,浮山县委副书记、县长王兴接受采访。", [("王兴", "浮山县委副书记、县长")]),
        ("会上,县长王兴说,要抓项目。", [("王兴", "县长")]),  # not 王兴说
        ("市委书记欧阳明华出席会议。", [("欧阳明华", "市委书记")]),
        ("区委副书记、区长孙立新主持会议。", [("孙立新", "区委副书记、区长")]),
    ],
)
def test_officials(text: str, expected: list[tuple[str, str]]) -> None:
    assert people_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "县委书记作重要讲话。",  # no name after the role
        "纳入县长办公会重要议程,实施政府县长每周调度。",
        "书记、县长统筹指挥、调度推进。",
        "各常委和副县长分任19个专班组长,下沉一线。",
        "各事项牵头单位每月底前向分管副县长汇报进展情况。",
        "王志华表示,要抓好落实。",  # a name with no role is not reported
        "上海市长宁区召开会议。",  # 市长 + 宁区? no: 长宁区 is a place
        "湖南省长沙县召开会议,河北省长安区召开会议。",
    ],
)
def test_no_false_names(text: str) -> None:
    assert people_of(text) == []


def test_most_qualified_role_wins() -> None:
    text = "大宁县委副书记、县长王志华接受专访。县委副书记、县长王志华表示,要抓落实。"
    assert people_of(text) == [("王志华", "大宁县委副书记、县长")]


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        (["记者 赵俊堂"], [("赵俊堂", "记者")]),
        (["作者中共平陆县委副书记、政府县长 翟纪亭"], [("翟纪亭", "中共平陆县委副书记、政府县长")]),
        (["本报记者 张三"], [("张三", "本报记者")]),
        (["江龙 赵李明"], []),  # names without a role are not reported
        (["责任编辑"], []),
    ],
)
def test_bylines(authors: list[str], expected: list[tuple[str, str]]) -> None:
    assert people_of("会议召开。", credits=authors) == expected
    assert people_of("会议召开。", authors=authors) == expected  # a labelled author entry reads the same


@pytest.mark.parametrize(
    ("credits", "expected"),
    [
        (["本报记者 张三 通讯员 李四"], [("张三", "本报记者"), ("李四", "通讯员")]),
        (["记者:王五"], [("王五", "记者")]),
        (["本报记者张三"], [("张三", "本报记者")]),
        (["记者 张三、李四"], [("张三", "记者"), ("李四", "记者")]),
        (["张三 记者"], []),  # a name before any label: not a byline
    ],
)
def test_credit_forms(credits: list[str], expected: list[tuple[str, str]]) -> None:
    assert people_of("会议召开。", credits=credits) == expected


def test_unlabelled_credit_keeps_body_bylines_out_of_it() -> None:
    # credits name nobody with a role, so a byline left in the body is still read
    assert people_of("会议召开。\n(记者 李娜)", credits=["江龙 赵李明"]) == [("李娜", "记者")]


def test_byline_in_the_body_needs_a_space_or_bracket_before_it() -> None:
    # 了本报记者专访。 would read 专访 as a name but for the character before the label
    assert people_of("县长接受了本报记者专访。\n(记者 王强)") == [("王强", "记者")]
    assert people_of("会议召开。据记者 王强 报道") == []


def test_byline_left_in_the_body() -> None:
    assert people_of("会议召开。\n(记者 李娜 通讯员 王强)") == [("李娜", "记者"), ("王强", "通讯员")]


def test_officials_come_before_bylines() -> None:
    found = people_of("县委书记张跃斌出席会议。", authors=["记者 赵俊堂"])
    assert found == [("张跃斌", "县委书记"), ("赵俊堂", "记者")]


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("王兴", True),
        ("马盛春", True),
        ("欧阳明华", True),
        ("斯那扎史", True),
        ("作重要", False),
        ("统筹指", False),
        ("王", False),
        ("王志华华华", False),
        ("A王", False),
    ],
)
def test_plausible_name(name: str, ok: bool) -> None:
    assert plausible_name(name) is ok


def test_name_at_prefers_the_name_the_sentence_continues_after() -> None:
    assert name_at("王兴接受了采访", 0) == "王兴"
    assert name_at("黄龙新要求与会人员", 0) == "黄龙新"
    assert name_at("办公会重要议程", 0) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("书记向大家介绍情况。", []),
        ("副县长全程参与。", []),
        ("县委书记高度重视。", []),
        ("县长王兴在会上指出,要抓项目。", [("王兴", "县长")]),  # a common surname before 在
        ("县长翁建说,要抓项目。", [("翁建", "县长")]),  # a rare surname before a verb
        ("县长翁建与会。", []),  # a rare surname before a joining character, said once
    ],
)
def test_everyday_words_after_an_office_are_not_names(text: str, expected: list) -> None:
    assert people_of(text) == expected
