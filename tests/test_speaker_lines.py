"""Speaker lines printed with spaced characters, and list words that are never people. Names are invented;
the real long work reports (tests/reports_long) are checked against their gold speakers too."""

from __future__ import annotations

import json

import pytest

from extract.models import Person
from extract.places.bylines import speaker_line
from extract.places.names import plausible_name
from extract.places.people import find_people
from extract.text.normalize import normalize, normalize_bytes
from tests.conftest import ROOT


def pairs(people: list[Person]) -> list[tuple[str, str | None]]:
    return [(p.name, p.role) for p in people]


@pytest.mark.parametrize(
    ("line", "name", "role"),
    [
        ("县 长 张明远", "张明远", "县长"),
        ("代县长 苏 岩", "苏岩", "代县长"),
        ("县长 许 哲", "许哲", "县长"),
        ("某某县人民政府代县长 林 晓", "林晓", "某某县人民政府代县长"),
        ("某某县县长??冯志远", "冯志远", "某某县县长"),  # a lost non-breaking space shown as "??"
        ("某某县人民政府县长\u3000\u3000欧阳明", "欧阳明", "某某县人民政府县长"),
        ("区 长 代立新", "代立新", "区长"),
    ],
)
def test_spaced_speaker_line(line: str, name: str, role: str) -> None:
    assert speaker_line(line) == Person(name=name, role=role)


@pytest.mark.parametrize(
    "line",
    [
        "县长信箱",
        "各位代表：",
        "县长强调，要抓好项目建设。",
        "副县长",
        "县政协委员和其他列席会议的同志",
        "2025年县长工作安排",
    ],
)
def test_lines_that_are_not_speaker_lines(line: str) -> None:
    assert speaker_line(line) is None


def test_spaced_speaker_of_a_work_report_through_normalisation() -> None:
    text = (
        "政 府 工 作 报 告\n——2025年1月14日在某某县第十八届人民代表大会第五次会议上\n"
        "某某县人民政府代县长 苏 岩\n各位代表：\n"
        "现在，我代表县人民政府，向大会报告工作，请予审议，并请县政协委员和其他列席会议的同志提出意见。\n"
        "过去一年，全县地区生产总值增长5%。"
    )
    assert pairs(find_people(normalize(text))) == [("苏岩", "某某县人民政府代县长")]


@pytest.mark.parametrize("word", ["和其他", "其他", "和其它", "张明等", "等等"])
def test_list_words_are_never_names(word: str) -> None:
    assert not plausible_name(word)


def test_list_words_after_a_title_are_not_people() -> None:
    text = "会议由县政协主席冯志远主持，县政协委员和其他列席人员参加，县长信箱同步开通。"
    found = pairs(find_people(normalize("某某县召开会议\n" + text)))
    assert found == [("冯志远", "县政协主席")]


def _long_cases() -> list[dict]:
    return json.loads((ROOT / "tests/reports_long/gold.json").read_text(encoding="utf-8"))["documents"]


@pytest.mark.parametrize("entry", _long_cases(), ids=lambda e: e["file"][:3])
def test_long_reports_name_their_speaker_first(entry: dict) -> None:
    path = ROOT / "tests/reports_long" / entry["file"]
    people = find_people(normalize_bytes(path.read_bytes(), path.name))
    speakers = [p["name"] for p in entry["people"]]
    assert [p.name for p in people[: len(speakers)]] == speakers
    assert all(p.name != "和其他" for p in people)
