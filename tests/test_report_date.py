"""The report's own date read from the report (extract/text/report_date.py), on invented lines and on
every annotated real report: the gold `published` of tests/reports_long, tests/reports*, seeds."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from extract.text.normalize import normalize, normalize_bytes
from extract.text.report_date import report_date
from tests.conftest import ROOT

GOLD_SETS = ["tests/reports_long", "tests/reports", "tests/reports_blind", "tests/reports_blind2", "seeds"]


def _gold_cases() -> list[tuple[Path, str | None]]:
    cases = []
    for folder in GOLD_SETS:
        gold = json.loads((ROOT / folder / "gold.json").read_text(encoding="utf-8"))
        docs = gold["documents"] if isinstance(gold, dict) else gold
        cases += [(ROOT / folder / d["file"], d.get("published")) for d in docs]
    return cases


GOLD_CASES = _gold_cases()


@pytest.mark.parametrize(
    ("path", "published"), GOLD_CASES, ids=[f"{p.parent.name}/{p.name[:3]}" for p, _ in GOLD_CASES]
)
def test_gold_published_date_is_found(path: Path, published: str | None) -> None:
    doc = normalize_bytes(path.read_bytes(), path.name)
    assert doc.published == (date.fromisoformat(published) if published else None)
    assert (doc.published_from is None) == (doc.published is None)


def test_long_work_reports_take_the_meeting_date_over_the_repost_date() -> None:
    long_set = [(p, d) for p, d in GOLD_CASES if p.parent.name == "reports_long"]
    assert len(long_set) >= 8
    for path, _ in long_set:
        assert normalize_bytes(path.read_bytes(), path.name).published_from == "meeting", path.name
    # 四川: published 2026-02-10 on the site, delivered at the congress on 2026-02-03
    sichuan = ROOT / "tests/reports_long/201_sichuan_province.txt"
    assert "2026年02月10日" in sichuan.read_text(encoding="utf-8")
    assert normalize_bytes(sichuan.read_bytes(), sichuan.name).published == date(2026, 2, 3)


BODY = "过去一年，全县地区生产总值增长5%，一般公共预算收入完成3.2亿元，各项工作取得新进展。"


@pytest.mark.parametrize(
    "subtitle",
    [
        "——2026年1月14日在某某县第十九届人民代表大会第三次会议上",
        "—— 2025年1月14日在县十七届人民代表大会第五次会议上",
        "—2025年1月15日在某某县十八届人民代表大会第五次会议上",
        "――2022年1月23日在某某市第十六届人民代表大会第二次会议上",
        "（2023年2月12日在某某县第十九届人民代表大会第三次会议上）",
        "2025年1月13日在某某区第三届人民代表大会第五次会议上",
        "政府工作报告——2024年12月30日在某某县委全会上",
    ],
)
def test_meeting_subtitle_gives_the_date(subtitle: str) -> None:
    text = f"政府工作报告\n{subtitle}\n代县长 林 晓\n各位代表：\n{BODY}"
    doc = normalize(text)
    y, m, d = (int(x) for x in re.findall(r"\d+", subtitle)[:3])
    assert (doc.published, doc.published_from) == (date(y, m, d), "meeting")


@pytest.mark.parametrize(
    ("subtitle", "day"),
    [
        ("——二〇二五年一月十四日在某某县第十八届人民代表大会第五次会议上", date(2025, 1, 14)),
        ("（二○二四年十二月三十日在某某县委全会上）", date(2024, 12, 30)),
        ("——二〇二三年二月十日在某某县人民代表大会上", date(2023, 2, 10)),
    ],
)
def test_meeting_subtitle_in_chinese_numerals(subtitle: str, day: date) -> None:
    doc = normalize(f"政府工作报告\n{subtitle}\n县 长 张明远\n各位代表：\n{BODY}")
    assert (doc.published, doc.published_from) == (day, "meeting")


@pytest.mark.parametrize("line", ["（2024年3月5日）", "——2024年3月5日", "一一2024年3月5日"])
def test_a_date_alone_under_the_title(line: str) -> None:
    doc = normalize(f"在全县经济工作会议上的讲话\n{line}\n发布时间：2024-03-08\n同志们：{BODY}")
    assert doc.published == date(2024, 3, 5)  # the speech's day, not the day it was posted
    # the bracketed form is a metadata line to normalisation already (read first, so it wins too)
    assert doc.published_from == ("metadata" if line.startswith("（") else "subtitle")


def test_dashes_typed_as_yiyi_open_a_meeting_subtitle() -> None:
    doc = normalize(f"政府工作报告\n一一2025年1月14日在某某县第十八届人民代表大会第五次会议上\n{BODY}")
    assert (doc.published, doc.published_from) == (date(2025, 1, 14), "meeting")


def test_meeting_date_beats_the_publication_line() -> None:
    head = "某某县政府工作报告\n发布时间：2025-02-22\n——2025年1月14日在某某县人民代表大会上"
    doc = normalize(f"{head}\n{BODY}")
    assert (doc.published, doc.published_from) == (date(2025, 1, 14), "meeting")


def test_publication_line_beats_a_date_in_the_first_paragraph() -> None:
    doc = normalize(f"某某县召开会议\n发布时间：2025-01-08\n2025年1月6日，某某县召开经济工作会议。{BODY}")
    assert (doc.published, doc.published_from) == (date(2025, 1, 8), "metadata")


def test_dateline_with_its_year() -> None:
    doc = normalize(f"某某县经济稳中向好\n新华社某地2024年1月5日电 记者从某某县获悉，{BODY}")
    assert (doc.published, doc.published_from) == (date(2024, 1, 5), "dateline")


def test_dateline_without_a_year_is_not_dated() -> None:
    text = f"某某县经济稳中向好\n本报讯（记者 林晓）12月30日，某某县召开会议。{BODY}"
    assert report_date(text, "某某县经济稳中向好", None) == (None, None)  # no year anywhere: not guessed
    dated = normalize(f"某某县经济稳中向好\n发布时间：2025-01-02\n{text.split(chr(10))[1]}")
    assert (dated.published, dated.published_from) == (date(2025, 1, 2), "metadata")


def test_date_in_the_first_paragraph() -> None:
    doc = normalize(f"某某县召开会议\n2024年3月5日，某某县召开项目建设推进会。{BODY}")
    assert (doc.published, doc.published_from) == (date(2024, 3, 5), "text")


def test_a_date_deep_in_the_body_is_not_the_reports_date() -> None:
    doc = normalize(f"某某县项目建设情况\n{BODY}{BODY}{BODY}截至2024年3月5日，项目完成投资2亿元。\n{BODY}")
    assert (doc.published, doc.published_from) == (None, None)


def test_a_story_opening_on_a_meeting_is_dated_by_its_publication_line() -> None:
    lead = "2024年3月5日在县会议中心召开的全县经济工作会议上，县长张明远作了讲话。"
    doc = normalize(f"某某县召开经济工作会议\n发布时间：2024-03-06\n{lead}{BODY}")
    assert (doc.published, doc.published_from) == (date(2024, 3, 6), "metadata")


def test_a_meeting_mentioned_in_the_body_is_not_the_subtitle() -> None:
    body = "\n".join([BODY] * 3) + "\n会上，县长指出，2024年3月5日在县人民代表大会上提出的目标已经完成。"
    assert normalize(f"某某县工作总结\n{body}").published is None
