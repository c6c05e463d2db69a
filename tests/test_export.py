"""CSV and JSON export of a county's figures (bot.render.export), read back with the csv and json modules."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from bot.render.export import COLUMNS, export_rows, to_csv, to_json
from bot.track import TrackedFigure, tracked_from_digest
from extract.pipeline import document_from_text, rules_digest

TARGETS = """蒲县2024年政府工作报告
2024年1月10日
今年经济社会发展的主要预期目标是：全县地区生产总值增长6%左右，社会消费品零售总额增长5.5%，全年完成固定资产投资35亿元。
"""
RESULTS = """蒲县2025年政府工作报告
2025年1月12日
2024年，全县生产总值增长5.9%，社会消费品零售总额增长4.2%。
"""


def _rows() -> list[TrackedFigure]:
    out: list[TrackedFigure] = []
    for i, text in enumerate((TARGETS, RESULTS), 1):
        out += tracked_from_digest(rules_digest(document_from_text(text)), i, source="蒲县人民政府网")
    return out


def _read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM"
    text = data[3:].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_round_trips_chinese_and_statuses() -> None:
    figs = _rows()
    data = to_csv(export_rows(figs))
    rows = _read_csv(data)
    assert list(rows[0].keys()) == [zh for _, zh in COLUMNS]
    assert len(rows) == len(figs)
    gdp = next(r for r in rows if r["指标"] == "地区生产总值增长")
    assert gdp == {
        "县": "蒲县",
        "日期": "2024-01-10",
        "报告标题": "蒲县2024年政府工作报告",
        "来源": "蒲县人民政府网",
        "指标": "地区生产总值增长",
        "数值": "6",
        "单位": "%",
        "原文写法": "6%左右",
        "类型": "目标",
        "时期": "2024年",  # 今年 in a 2024 report
        "完成情况": "接近目标",
        "原文": "全县地区生产总值增长6%左右",
    }
    retail = [r for r in rows if r["指标"].startswith("社会消费品零售总额")]
    assert [(r["类型"], r["数值"], r["完成情况"]) for r in retail] == [
        ("目标", "5.5", "未完成"),
        ("实际", "4.2", ""),
    ]
    money = next(r for r in rows if r["单位"] == "元")
    assert money["数值"] == "3500000000" and money["原文写法"] == "35亿元"


def test_revised_target_and_formula_cells() -> None:
    base = {
        "county": "蒲县",
        "unit": "%",
        "kind": "target",
        "period": "2024年",
        "label": "一般公共预算收入增长",
    }
    figs = [
        TrackedFigure(report_id=1, report_date=date(2024, 1, 10), value=4, surface="4%", **base),
        TrackedFigure(
            report_id=2,
            report_date=date(2024, 7, 1),
            value=3.5,
            surface="3.5%",
            title="=HYPERLINK(1)",
            quote="-调整为3.5%",
            **base,
        ),
    ]
    rows = _read_csv(to_csv(export_rows(figs)))
    assert [r["完成情况"] for r in rows] == ["已修订，现为3.5%", "无后续数据"]
    assert rows[1]["报告标题"] == "'=HYPERLINK(1)" and rows[1]["原文"] == "'-调整为3.5%"


def test_json() -> None:
    figs = _rows()
    data = json.loads(to_json(export_rows(figs)).decode("utf-8"))
    assert len(data) == len(figs)
    assert set(data[0]) == {key for key, _ in COLUMNS}
    money = next(r for r in data if r["unit"] == "元")
    assert money["value"] == 3500000000 and isinstance(money["value"], int)
    assert money["kind"] == "target" and money["county"] == "蒲县"
    assert any(r["status"] == "接近目标" and r["as_written"] == "6%左右" for r in data)
