"""County targets: name resolution, merging across reports, scopes, rendering (real store, no pipeline)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.queries.targets import TargetsAnswer, merge_targets, resolve_county
from bot.render.text import render_targets_text as render_targets
from bot.service import Service, chat_scope
from bot.settings import Settings
from bot.store.rows import CountyLink, FigureRow
from extract.models import County, Digest, Figure

DANING = County(name="大宁县", city="临汾市", province="山西省")


def row(
    surface: str,
    value: float,
    label: str | None,
    day: date,
    rid: int,
    *,
    unit: str = "元",
    period: str | None = "2024年",
    quote: str = "",
    position: int = 0,
) -> SimpleNamespace:
    return SimpleNamespace(
        county="大宁县",
        label=label,
        value=value,
        unit=unit,
        surface=surface,
        period=period,
        quote=quote or f"{label}{surface}",
        position=position,
        report_id=rid,
        title=f"报告{rid}",
        published=day,
        received=datetime(2024, 6, 1),
        source="临汾新闻网",
    )


def test_same_target_in_several_reports_is_shown_once_with_latest_date() -> None:
    items = merge_targets(
        [
            row("45亿元", 4.5e9, "年度计划投资", date(2023, 12, 1), 1),
            row("45亿元", 4.5e9, "年度计划投资", date(2023, 12, 29), 2),
        ]
    )
    assert [(t.surface, t.report_date, t.report_id) for t in items] == [("45亿元", date(2023, 12, 29), 2)]
    assert items[0].earlier == []
    assert items[0].value == 4500000000 and isinstance(items[0].value, int)


def test_another_value_for_the_same_label_is_kept_as_earlier() -> None:
    items = merge_targets(
        [
            row("40亿元", 4.0e9, "年度计划投资", date(2023, 2, 1), 1),
            row("45亿元", 4.5e9, "年度计划投资", date(2023, 12, 29), 2),
            row("74个", 74, "重点项目", date(2023, 12, 29), 2, unit="个", position=1),
        ]
    )
    assert [t.surface for t in items] == ["45亿元", "74个"]
    assert items[0].earlier == ["40亿元 (2023-02-01)"]
    text = render_targets(TargetsAnswer(status="ok", query="大宁", county=DANING, targets=items, reports=2))
    assert "此前：40亿元 (2023-02-01) → 现为 45亿元" in text


def test_different_periods_and_unlabelled_figures_stay_apart() -> None:
    items = merge_targets(
        [
            row("40亿元", 4.0e9, "年度计划投资", date(2023, 2, 1), 1, period="2023年"),
            row("45亿元", 4.5e9, "年度计划投资", date(2023, 12, 29), 2, period="2024年"),
            row("50个", 50, None, date(2023, 12, 29), 2, unit="个", quote="招商项目达到50个", position=1),
            row("50个", 50, None, date(2023, 12, 29), 2, unit="个", quote="新建学校50个", position=2),
        ]
    )
    assert [t.surface for t in items] == ["45亿元", "50个", "50个", "40亿元"]  # newest report first
    assert all(t.earlier == [] for t in items)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("大寧", "大宁县"),
        ("大宁", "大宁县"),
        ("大宁县", "大宁县"),
        ("大寧縣", "大宁县"),
        ("维西", "维西傈僳族自治县"),
    ],
)
def test_resolve_either_script_and_short_names(query: str, name: str) -> None:
    status, found = resolve_county(query)
    assert status == "ok" and [c.name for c in found] == [name]


def test_resolve_ambiguous_and_unknown() -> None:
    status, found = resolve_county("鼓楼区")
    assert status == "ambiguous" and len(found) >= 2
    text = render_targets(TargetsAnswer(status="ambiguous", query="鼓楼区", candidates=found))
    assert "南京市" in text and "福建省福州市" in text
    assert resolve_county("不存在县") == ("unknown", [])
    assert resolve_county("  ") == ("unknown", [])
    assert "找不到" in render_targets(TargetsAnswer(status="unknown", query="不存在县"))


def _digest(county: County, *figs: Figure, title: str = "t", published: date | None = None) -> Digest:
    return Digest(title=title, published=published, counties=[county], figures=list(figs))


def _fig(surface: str, value: float, label: str, unit: str = "元", kind: str = "target") -> Figure:
    return Figure(
        surface=surface,
        value=value,
        unit=unit,
        label=label,
        kind=kind,
        period="2024年",
        quote=f"{label}{surface}",
    )


async def _stored(service: Service, scope: str, digest: Digest, sha: str) -> int:
    """A finished report written through the store (what Service.submit writes after the pipeline)."""
    rid = await service.store.reports.insert_report(scope=scope, sender=None, filename=None, raw=b"raw")
    c = digest.counties[0]
    res = await service.store.reports.finish_report(
        rid,
        scope=scope,
        sha256=sha,
        normalized="text",
        title=digest.title,
        published=digest.published,
        source="src",
        backend="rules",
        prompt_version=None,
        digest_json=digest.model_dump_json(),
        figures=[FigureRow.of(f, i, c) for i, f in enumerate(digest.figures)],
        counties=[CountyLink(county=c.name, city=c.city, province=c.province, position=0)],
    )
    assert res.status == "done"
    return rid


@pytest.fixture
async def service(tmp_path: Path):
    s = await Service.create(Settings(db=str(tmp_path / "t.sqlite3")))
    yield s
    await s.close()


async def test_service_targets_across_reports_scopes_and_same_named_districts(service: Service) -> None:
    await _stored(
        service,
        "public",
        _digest(DANING, _fig("40亿元", 4e9, "年度计划投资"), published=date(2023, 2, 1)),
        "a" * 64,
    )
    await _stored(
        service,
        "public",
        _digest(
            DANING,
            _fig("45亿元", 4.5e9, "年度计划投资"),
            _fig("19个", 19, "工作专班", "个", kind="result"),
            title="新报告",
            published=date(2023, 12, 29),
        ),
        "b" * 64,
    )
    await _stored(service, chat_scope(1), _digest(DANING, _fig("99亿元", 9.9e10, "私密目标")), "c" * 64)

    answer = await service.targets("大寧", ["public"])
    assert answer.status == "ok" and answer.county == DANING and answer.reports == 2
    assert [(t.surface, t.report_title, t.earlier) for t in answer.targets] == [
        ("45亿元", "新报告", ["40亿元 (2023-02-01)"])
    ]  # results (19个) are not targets
    # another chat's report is never returned for this query, but its own chat sees it
    assert all(t.surface != "99亿元" for t in answer.targets)
    mine = await service.targets("大宁县", [chat_scope(1), "public"])
    assert "99亿元" in [t.surface for t in mine.targets] and mine.reports == 3
    assert (await service.targets("大宁县", [chat_scope(2)])).targets == []

    nanjing = County(name="鼓楼区", city="南京市", province="江苏省")
    xuzhou = County(name="鼓楼区", city="徐州市", province="江苏省")
    await _stored(service, "public", _digest(nanjing, _fig("10个", 10, "南京项目", "个")), "d" * 64)
    await _stored(service, "public", _digest(xuzhou, _fig("20个", 20, "徐州项目", "个")), "e" * 64)
    ambiguous = await service.targets("鼓楼区", ["public"])
    assert (
        ambiguous.status == "ambiguous" and nanjing in ambiguous.candidates and xuzhou in ambiguous.candidates
    )
    rows = await service.store.reports.target_rows("鼓楼区", "南京市", "江苏省", ["public"])
    assert [r.surface for r in rows] == ["10个"]  # same name, same province, another city: kept apart
    assert (await service.targets("不存在县", ["public"])).status == "unknown"


@pytest.mark.parametrize(
    "query",
    ["南京市鼓楼区", "南京鼓楼", "江苏省南京市鼓楼区", "鼓楼区（南京市）", "鼓楼区 南京市", "鼓樓區 南京"],
)
def test_a_shared_name_is_told_apart_by_its_city_or_province(query: str) -> None:
    status, found = resolve_county(query)
    assert status == "ok" and [(c.name, c.city) for c in found] == [("鼓楼区", "南京市")]


def test_qualifying_narrows_but_never_invents() -> None:
    status, found = resolve_county("江苏鼓楼")  # 南京 and 徐州 both lie in 江苏
    assert status == "ambiguous" and {c.city for c in found} == {"南京市", "徐州市"}
    assert resolve_county("平陆县 今年") == ("unknown", [])  # the rest must be a city or province
    assert resolve_county("北京鼓楼") == ("unknown", [])


async def test_targets_follow_the_key_order_newest_report_first_with_periods(service: Service) -> None:
    from extract.digest.rules import rules_digest
    from extract.models import Document

    def report(year: int) -> Digest:
        text = (
            f"一、{year - 1}年工作回顾\n过去一年,全县地区生产总值完成86亿元,增长5.1%。\n"
            f"二、{year}年工作安排\n全年谋划重点项目60个,力争完成投资45亿元,确保新增规上企业15家。\n"
            f"今年全县经济社会发展的主要预期目标是:地区生产总值增长{year - 2018}%左右,"
            "固定资产投资增长8%,城镇新增就业3200人。\n"
        )
        d = rules_digest(Document(text=text, published=date(year, 1, 20)))
        return d.model_copy(update={"counties": [DANING], "title": f"{year}年政府工作报告"})

    await _stored(service, "public", report(2024), "f" * 64)
    await _stored(service, "public", report(2025), "0" * 64)
    answer = await service.targets("大宁县", ["public"])
    got = [(t.surface, t.period, t.report_title) for t in answer.targets]
    # newest report first; in each, its main targets, then its 力争/确保 targets, then the rest
    assert got[:6] == [
        ("7%左右", "2025年", "2025年政府工作报告"),
        ("8%", "2025年", "2025年政府工作报告"),
        ("3200人", "2025年", "2025年政府工作报告"),
        ("45亿元", "2025年", "2025年政府工作报告"),
        ("15家", "2025年", "2025年政府工作报告"),
        ("60个", "2025年", "2025年政府工作报告"),
    ]
    assert ("6%左右", "2024年", "2024年政府工作报告") in got[6:]
    assert "2025年" in render_targets(answer)
