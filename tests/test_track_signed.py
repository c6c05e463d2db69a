"""Issue K (tracking half): one metric vocabulary, signed comparison, thresholds and estimates, conflicts
shown,
and an answer that says why (bot.track, bot.track_decide, extract.figures.metrics)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.queries.track import TrackAnswer
from bot.render.tracking import track_html, track_text
from bot.track import TargetStatus, TrackedFigure, match_targets, metric_key, tracked_from_digest
from extract.figures.metrics import METRICS, canonical_name, same_metric
from extract.figures.metrics import metric_key as core_key
from extract.models import County
from extract.pipeline import document_from_text, rules_digest

# ---- 1. one metric vocabulary ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("生产总值", "地区生产总值"),
        ("GDP", "地区生产总值"),
        ("全县地区生产总值(GDP)", "地区生产总值"),
        ("规模以上工业产值", "规模以上工业总产值"),
        ("规上工业产值增长", "规模以上工业总产值增长"),
        ("规上工业增加值增速", "规模以上工业增加值增长"),
        ("规模工业增加值增长", "规模以上工业增加值增长"),
        ("一般公共预算收入", "地方一般公共预算收入"),
        ("全社会固定资产投资增长", "固定资产投资增长"),
        ("城镇居民收入", "城镇居民人均可支配收入"),
        ("城镇常住居民人均可支配收入增长", "城镇居民人均可支配收入增长"),
        ("大口径财政收入", "财政总收入"),
        ("单位GDP能耗下降", "单位地区生产总值能耗下降"),
        ("城镇调查失业率控制在", "城镇调查失业率"),
        ("全市实现地区生产总值增长", "地区生产总值增长"),
    ],
)
def test_vocabulary_folds(a: str, b: str) -> None:
    assert core_key(a) == core_key(b)
    assert same_metric(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("地区生产总值", "地区生产总值增长"),  # a total (286亿元) is not its growth rate (增长6%)
        ("财政总收入", "一般公共预算收入"),
        ("财政总收入增长", "地方一般公共预算收入增长"),
        ("城镇居民人均可支配收入增长", "农村居民人均可支配收入增长"),
        ("城镇居民收入", "农村居民收入"),
        ("规上工业产值增长", "规上工业增加值增长"),  # output is not value added
        ("规模以上工业总产值", "规模以上工业增加值"),
    ],
)
def test_vocabulary_keeps_apart(a: str, b: str) -> None:
    assert core_key(a) != core_key(b)
    assert not same_metric(a, b)


def test_one_table_is_what_tracking_uses() -> None:
    assert canonical_name("规上工业产值") == "规模以上工业总产值"
    assert "规上工业产值" in METRICS["规模以上工业总产值"]
    assert metric_key("全县GDP同比增长", "蒲县") == "地区生产总值增长"
    assert metric_key("地方一般公共预算收入", "蒲县") == metric_key("一般公共预算收入") == "一般公共预算收入"
    assert metric_key("蒲县城镇居民收入增长", "蒲县") == "城镇居民人均可支配收入增长"
    assert metric_key("重庆全市实现地区生产总值增长", "重庆市") == "地区生产总值增长"


# ---- helpers ----------------------------------------------------------------------------------------------


def _row(**kw: object) -> TrackedFigure:
    base: dict[str, object] = {
        "county": "蒲县",
        "report_id": 1,
        "report_date": date(2024, 1, 10),
        "label": "地区生产总值增长",
        "value": 6,
        "unit": "%",
        "kind": "target",
        "period": "2024年",
    }
    base.update(kw)
    base.setdefault("surface", f"{base['value']}{base['unit']}")
    return TrackedFigure(**base)  # type: ignore[arg-type]


def _result(**kw: object) -> TrackedFigure:
    base: dict[str, object] = {"kind": "result", "report_id": 2, "report_date": date(2025, 1, 12)}
    base.update(kw)
    return _row(**base)


def _one(rows: list[TrackedFigure]) -> TargetStatus:
    got = match_targets(rows)
    assert len(got) == 1, got
    return got[0]


# ---- 2. signed comparison ------------------------------------------------------------------------------


def test_a_fall_never_meets_a_growth_target() -> None:
    # kfig's signed value: 下降6.3% = -6.3
    fall = _result(label="地区生产总值下降", value=-6.3, surface="6.3%", quote="地区生产总值下降6.3%")
    s = _one([_row(), fall])
    assert s.status == "未完成" and s.result is not None
    assert "目标 ≥6%" in s.note and "差 12.3个百分点" in s.note
    # the same fall stored before signed values (value 6.3, the sign only in the wording) reads the same
    wordings = (("地区生产总值下降", "地区生产总值下降6.3%"), ("地区生产总值增长", "地区生产总值增长-6.3%"))
    for label, quote in wordings:
        s = _one([_row(), _result(label=label, value=6.3, surface="6.3%", quote=quote)])
        assert s.status == "未完成", (label, s.note)


def test_reduction_targets_flip() -> None:
    target = _row(label="单位地区生产总值能耗下降", value=-3, surface="3%", quote="单位GDP能耗下降3%")
    met = _result(label="单位GDP能耗下降", value=-3.5, surface="3.5%", quote="单位GDP能耗下降3.5%")
    assert _one([target, met]).status == "已完成"
    short = _result(label="单位GDP能耗下降", value=-2.4, surface="2.4%", quote="单位GDP能耗下降2.4%")
    assert _one([target, short]).status == "未完成"
    rose = _result(label="单位GDP能耗增长", value=1.2, surface="1.2%", quote="单位GDP能耗增长1.2%")
    assert _one([target, rose]).status == "未完成"
    # 下降3%以上: 以上 is about the size of the fall
    at_least = _row(label="单位地区生产总值能耗下降", value=-3, surface="3%", qualifier="以上")
    assert _one([at_least, met]).status == "已完成" and _one([at_least, short]).status == "未完成"
    # lower-is-better levels as before
    jobless = _row(label="城镇调查失业率", value=5.5, qualifier="以内")
    assert _one([jobless, _result(label="城镇调查失业率", value=5.1)]).status == "已完成"
    assert _one([jobless, _result(label="城镇调查失业率", value=5.8)]).status == "未完成"


TARGETS_2024 = """蒲县2024年政府工作报告
2024年1月10日
2024年经济社会发展的主要预期目标是：全县地区生产总值增长6%左右，固定资产投资增长8%以上，一般公共预算收入5亿元以上，社会消费品零售总额31亿元，单位地区生产总值能耗下降3%。
"""

RESULTS_2024 = """蒲县2025年政府工作报告
2025年1月12日
2024年，全县地区生产总值下降6.3%，固定资产投资增长-2.1%，一般公共预算收入突破5亿元，社会消费品零售总额30亿元左右，单位地区生产总值能耗下降3.4%。
"""


def _rows(text: str, report_id: int) -> list[TrackedFigure]:
    return tracked_from_digest(rules_digest(document_from_text(text)), report_id)


def test_end_to_end_declines_thresholds_and_approximations() -> None:
    """END-TO-END (real extraction of small texts): the lead can re-run this after kfig's sign parsing merges;
    it must give the same verdicts with Figure.value signed."""
    got = {s.metric: s for s in match_targets(_rows(TARGETS_2024, 1) + _rows(RESULTS_2024, 2))}
    assert got["地区生产总值增长"].status == "未完成"  # a fall against a growth target, never 无后续数据
    assert got["固定资产投资增长"].status == "未完成"  # 增长-2.1% is a fall too
    assert got["一般公共预算收入"].status == "已完成"  # 突破5亿元 meets 5亿元以上: its bound does
    assert got["社会消费品零售总额"].status == "接近目标"  # 30亿元左右 against 31亿元: approximate result
    assert "约数" in got["社会消费品零售总额"].note
    assert got["单位地区生产总值能耗下降"].status == "已完成"


# ---- 3. thresholds and estimates ------------------------------------------------------------------------


def test_threshold_results() -> None:
    target = _row(label="地区生产总值", value=500e8, unit="元", surface="500亿元", qualifier="以上")
    over = _result(label="地区生产总值", value=500e8, unit="元", surface="500亿元", qualifier="突破")
    assert _one([target, over]).status == "已完成"
    plain = _row(label="地区生产总值", value=150e8, unit="元", surface="150亿元")
    bound = _result(label="地区生产总值", value=120e8, unit="元", surface="120亿元", qualifier="超过")
    s = _one([plain, bound])
    assert s.status == "未完成" and "只说“超过”" in s.note
    near = _result(label="地区生产总值", value=500e8, unit="元", surface="500亿元", qualifier="近")
    assert _one([target, near]).status == "接近目标"  # 近500亿元 is just under it
    about = _result(label="地区生产总值", value=480e8, unit="元", surface="480亿元左右", qualifier="左右")
    assert _one([target, about]).status == "接近目标"  # within 5 %
    far = _result(label="地区生产总值", value=400e8, unit="元", surface="400亿元左右", qualifier="左右")
    assert _one([target, far]).status == "未完成"


def test_estimate_then_actual() -> None:
    target = _row()
    estimate = _result(value=6.5, report_id=2, report_date=date(2024, 12, 21), estimated=True)
    actual = _result(value=5.1, report_id=3, report_date=date(2025, 4, 20), title="统计公报")
    only = _one([target, estimate])
    assert only.status == "已完成" and only.note.startswith("预计") and only.result is estimate
    s = _one([target, estimate, actual])
    assert s.result is not None and s.result.report_id == 3 and s.status == "未完成"
    assert s.conflicts == [] and s.conflict_text == ""  # an estimate followed by its actual is no conflict
    assert s.estimate_text == "此前预计：6.5%（2024-12-21）"
    out = track_text(_answer([only]))
    assert "实际 预计 6.5%" in out
    # the actual result wins even when the estimate's report is the later one
    late_estimate = _result(value=6.5, report_id=4, report_date=date(2025, 6, 1), estimated=True)
    assert _one([target, actual, late_estimate]).result.report_id == 3  # type: ignore[union-attr]


# ---- 4. conflicts shown --------------------------------------------------------------------------------


def _answer(items: list[TargetStatus]) -> TrackAnswer:
    county = County(name="蒲县", city="临汾市", province="山西省")
    return TrackAnswer(status="ok", query="蒲县", county=county, items=items)


def test_two_dated_results_that_disagree_are_both_shown() -> None:
    target = _row()
    review = _result(value=5.9, report_id=2, report_date=date(2025, 1, 12), title="2025年政府工作报告")
    bulletin = _result(value=5.6, report_id=3, report_date=date(2025, 4, 20), title="2024年统计公报")
    s = _one([target, review, bulletin])
    assert s.result is not None and s.result.report_id == 3  # the newest report decides
    assert [f.report_id for f in s.conflicts] == [2]
    text = s.conflict_text
    assert text.startswith("两份报告数字不同：5.6%（2025-04-20")
    assert text.index("5.6%") < text.index("5.9%（2025-01-12")  # newest report date first
    for out in (track_text(_answer([s])), track_html(_answer([s]))):
        assert "两份报告数字不同" in out and "5.9%" in out and "5.6%" in out
    same = _result(value=5.6, report_id=4, report_date=date(2025, 5, 1))
    assert _one([target, bulletin, same]).conflicts == []  # the same number twice is no conflict


# ---- 5. the answer says why ---------------------------------------------------------------------------


def test_the_note_names_the_rule_and_render_both_quotes_and_dates() -> None:
    target = _row(quote="全县地区生产总值增长6%左右", surface="6%左右", qualifier="左右")
    result = _result(value=5.6, quote="全县地区生产总值增长5.6%", title="统计公报")
    s = _one([target, result])
    assert s.status == "接近目标" and "目标 ≥6%" in s.note and "容差 0.5个百分点" in s.note
    out = track_text(_answer([s]))
    assert "2024-01-10" in out and "2025-01-12" in out
    assert "“全县地区生产总值增长6%左右”" in out and "“全县地区生产总值增长5.6%”" in out


def test_undated_and_period_unknown_stop_the_verdict() -> None:
    # a target from an undated text without a year: 日期不详, no verdict (never taken for the received year)
    undated = _row(period=None, undated=True, report_date=date(2026, 12, 7))
    s = _one([undated, _result(value=7, period="2026年")])
    assert s.status == "无后续数据" and s.stopped == "日期不详" and s.period == "日期不详"
    # a dated target whose only result has no period: 时期不详 says what stopped it
    s = _one([_row(), _result(value=5.8, period=None)])
    assert s.status == "无后续数据" and s.stopped == "时期不详" and "时期不详" in s.note
    # an undated result's 今年 is not resolved against the day it arrived
    late = _result(value=5.8, period="今年", undated=True, report_date=date(2026, 12, 7))
    s = _one([_row(period="2026年"), late])
    assert s.status == "无后续数据" and s.stopped == "日期不详"
    shown = track_text(_answer([s]))
    assert "日期不详" in shown


def test_undated_text_end_to_end() -> None:
    undated = "蒲县经济运行简报\n过去一年，全县地区生产总值增长5.8%。\n"
    s = {x.metric: x for x in match_targets(_rows(TARGETS_2024, 1) + _rows(undated, 2))}["地区生产总值增长"]
    assert s.status == "无后续数据" and s.stopped in ("时期不详", "日期不详")


# ---- 6. countybot eval --track --------------------------------------------------------------------------


def test_eval_track_mode(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """The mode itself on small texts (the format of tests/pairs/README.md): texts ingested into a real SQLite
    store, tracking queried per county; a neighbour's result never answers for the county."""
    import json

    from bot.cli import main

    monkeypatch.setenv("COUNTYBOT_DB", str(tmp_path / "unused.sqlite3"))
    neighbour = (
        "隰县2025年政府工作报告\n2025年1月15日\n2024年，全县地区生产总值增长7.2%，固定资产投资增长9%。\n"
    )
    for name, text in (("t.txt", TARGETS_2024), ("r.txt", RESULTS_2024), ("n.txt", neighbour)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    pairs = {
        "schema": "countybot-track/1",
        "documents": [
            {"file": "t.txt", "county": "蒲县"},
            {"file": "r.txt", "county": "蒲县"},
            {"file": "n.txt", "county": "隰县"},
        ],
        "expect": [
            {"county": "蒲县", "metric": "地区生产总值增长", "year": 2024, "status": "未完成"},
            {"county": "蒲县", "metric": "固定资产投资增长", "year": 2024, "status": "未完成"},
            {"county": "蒲县", "metric": "一般公共预算收入", "year": 2024, "status": "已完成"},
            {"county": "蒲县", "metric": "单位GDP能耗下降", "year": 2024, "status": "已完成"},
        ],
    }
    gold = tmp_path / "pairs.json"
    gold.write_text(json.dumps(pairs, ensure_ascii=False), encoding="utf-8")
    assert main(["eval", "--track", str(gold), str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 4 and out["right"] == 4 and out["foreign_results"] == 0, out
    assert main(["eval", "--track", str(gold), str(tmp_path)]) == 0
    assert "track: 4/4 metrics right (100.0%), 0 result(s) from another county" in capsys.readouterr().out


def test_real_pairs_never_take_another_year_or_place(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """tests/pairs (real texts): no result from another place, and a figure of another year in the same texts
    (2022's results printed next to 2023's targets) never answers a target. The full score is the lead's
    measurement (`countybot eval --track tests/pairs/expected.json tests/pairs`)."""
    import json
    from pathlib import Path

    from bot.cli import main

    pairs = Path(__file__).parent / "pairs"
    monkeypatch.setenv("COUNTYBOT_DB", str(tmp_path / "unused.sqlite3"))
    assert main(["eval", "--track", str(pairs / "expected.json"), str(pairs), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["foreign_results"] == 0
    for m in out["metrics"]:
        if m["expected"] == "无后续数据":
            assert m["right"], m  # 2022's 3.2% / 11%以上 / 5.1%左右 never answer a 2023 target


# ---- migration 9: the store keeps a result as written ----------------------------------------------------


async def test_store_keeps_qualifier_estimate_and_undated(db_url: str) -> None:
    """figures.qualifier / figures.estimated (migration 9) reach tracking; an undated report's rows say so
    (SQLite and PostgreSQL)."""
    from bot.store import Store
    from bot.store.rows import CountyLink, FigureRow
    from extract.models import Digest, Figure

    store = await Store.open(db_url)
    try:
        rid = await store.reports.insert_report(scope="public", sender=None, filename="r.txt", raw=b"r")
        fig = Figure(
            surface="500亿元", value=500e8, unit="元", label="地区生产总值", kind="result", period="2024年",
            qualifier="突破", estimated=True, quote="预计全年地区生产总值突破500亿元",
        )
        owner = County(name="大宁县", city="临汾市", province="山西省")
        done = await store.reports.finish_report(
            rid,
            scope="public", sha256="a" * 64, normalized="t", title="t", published=None, source=None,
            backend="rules", prompt_version=None,
            digest_json=Digest(counties=[owner], figures=[fig]).model_dump_json(),
            figures=[FigureRow.of(fig, 0, owner)],
            counties=[CountyLink(county="大宁县", city="临汾市", province="山西省", position=0)],
        )
        assert done.status == "done"
        rows = await store.tracking.tracked_rows("大宁县", "临汾市", "山西省", ["public"])
        assert [(r.qualifier, r.estimated, r.undated) for r in rows] == [("突破", True, True)]
        assert rows[0].when is None  # never the day it was received
    finally:
        await store.close()


def test_a_negative_growth_label_is_a_fall_of_the_same_metric() -> None:
    from extract.figures.metrics import metric_key

    assert metric_key("一般公共预算收入负增长") == ("-", metric_key("一般公共预算收入增长")[1])
    assert metric_key("规上工业产值下跌")[0] == "-"
    assert metric_key("地区生产总值增长") == ("+", metric_key("地区生产总值下降")[1])


def test_a_verdict_shows_a_fall_as_written() -> None:
    fall = _result(label="地区生产总值下降", value=-6.3, surface="6.3%", quote="地区生产总值下降6.3%")
    s = _one([_row(), fall])
    assert s.status == "未完成" and "实际 下降6.3%" in s.note and "实际 6.3%" not in s.note
