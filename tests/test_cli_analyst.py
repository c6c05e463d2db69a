"""`countybot ingest --json / track / chart / export / targets` through bot.cli.main on a temporary SQLite
store holding an invented target report, its revision, a mid-year report and the next year's results."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.test_track import MIDYEAR_REPORT, RESULT_REPORT, REVISION_REPORT, TARGET_REPORT

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def ingested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict:
    monkeypatch.setenv("COUNTYBOT_DB", str(tmp_path / "cli" / "store.sqlite3"))
    folder = tmp_path / "reports"
    folder.mkdir()
    for n, text in enumerate((TARGET_REPORT, REVISION_REPORT, MIDYEAR_REPORT, RESULT_REPORT)):
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
    (folder / "9.txt").write_bytes(b"")  # an empty file: failed, listed in the JSON
    assert main(["ingest", str(folder), "--offline", "--json"]) == 1
    return json.loads(capsys.readouterr().out)


def test_ingest_json(ingested: dict) -> None:
    assert ingested["scope"] == "public" and ingested["new"] == 4 and ingested["failed"] == 1
    by_path = {Path(r["path"]).name: r for r in ingested["reports"]}
    first = by_path["0.txt"]
    assert first["status"] == "done" and first["counties"] == ["蒲县"] and first["published"] == "2024-01-10"
    assert first["targets"] >= 6 and first["figures"] >= first["targets"]
    assert by_path["9.txt"]["status"] == "failed" and by_path["9.txt"]["error"]


def test_track_text_and_json(ingested: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["track", "蒲县"]) == 0
    out = capsys.readouterr().out
    assert "接近目标" in out and "已完成" in out and "未完成" in out
    assert "此前：4%（2024-01-10）" in out  # the revised target
    assert "2024-01-10" in out and "2025-01-12" in out  # both figures' dates
    assert "粮食产量" not in out  # no later data: not listed by track
    assert main(["track", "蒲縣", "--json"]) == 0  # traditional name
    data = json.loads(capsys.readouterr().out)
    statuses = {i["metric"]: i["status"] for i in data["items"]}
    assert statuses["地区生产总值增长"] == "接近目标" and "无后续数据" not in statuses.values()
    assert data["items"][0]["result"]["report_date"] == "2025-01-12"
    assert main(["track", "不存在县"]) == 1


def test_targets_show_status(ingested: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "蒲县"]) == 0
    out = capsys.readouterr().out
    assert "【接近目标】" in out and "【无后续数据】" in out
    assert "此前：4% (2024-01-10)" in out


def test_chart_writes_a_png(ingested: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.png"
    assert main(["chart", "蒲县", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(PNG) and 20_000 < len(data) < 600_000
    assert main(["chart", "大宁", "-o", str(tmp_path / "none.png")]) == 1  # known county, no figures
    assert "还没有" in capsys.readouterr().err
    assert not (tmp_path / "none.png").exists()


def test_export_csv_json_and_all(ingested: dict, tmp_path: Path) -> None:
    assert main(["export", "蒲县", "-o", str(tmp_path / "a.csv")]) == 0
    raw = (tmp_path / "a.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["县"] == "蒲县" and rows[0]["日期"] == "2024-01-10"  # ordered by report date
    assert any(r["完成情况"] == "已完成" for r in rows)
    assert main(["export", "--all", "--json", "-o", str(tmp_path / "a.json")]) == 0
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert len(data) == len(rows) and data[0]["kind"] in ("target", "result", None)
    assert main(["export", "不存在县", "-o", str(tmp_path / "b.csv")]) == 1
    with pytest.raises(SystemExit):
        main(["export", "-o", str(tmp_path / "c.csv")])  # neither a county nor --all


def test_export_track_view(ingested: dict, tmp_path: Path) -> None:
    from bot.render.export import TRACK_COLUMNS

    assert main(["export", "蒲县", "--track", "-o", str(tmp_path / "t.csv")]) == 0
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    rows = list(reader)
    assert reader.fieldnames == [zh for _, zh in TRACK_COLUMNS]
    by_metric = {r["指标"]: r for r in rows}  # one row per target, every status
    gdp = by_metric["地区生产总值增长"]
    assert (gdp["时期"], gdp["目标"], gdp["实际"]) == ("2024年", "6%左右", "5.9%")
    assert gdp["完成情况"] == "接近目标"
    assert (gdp["差值"], gdp["差值单位"]) == ("-0.1", "个百分点")
    assert (gdp["目标报告日期"], gdp["实际报告日期"]) == ("2024-01-10", "2025-01-12")
    assert "2024年政府工作报告" in gdp["目标报告标题"] and "2025年政府工作报告" in gdp["实际报告标题"]
    assert "6%左右" in gdp["目标原文"] and "5.9%" in gdp["实际原文"]
    invest = by_metric["固定资产投资增长"]
    assert (invest["目标"], invest["实际"], invest["差值"]) == ("8%以上", "9.1%", "1.1")
    assert invest["完成情况"] == "已完成"
    revenue = by_metric["一般公共预算收入增长"]  # revised to 3.5%: 3% misses it, the revision noted
    assert revenue["目标"] == "3.5%" and revenue["完成情况"] == "未完成" and "此前：4%" in revenue["说明"]
    grain = next(r for r in rows if r["指标"].startswith("粮食产量"))
    assert grain["完成情况"] == "无后续数据" and grain["实际"] == grain["差值"] == grain["实际报告日期"] == ""
    assert main(["export", "蒲县", "--track", "--json", "-o", str(tmp_path / "t.json")]) == 0
    data = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert len(data) == len(rows) and {"target", "actual", "difference", "status"} <= set(data[0])


def test_digest_says_what_the_reports_answered(ingested: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest"]) == 0
    out = capsys.readouterr().out
    assert "📈 回答了此前" in out and "■ 目标完成情况更新" in out
    assert "🟡 蒲县 2024年 地区生产总值增长：目标 6%左右 · 实际 5.9%，接近目标" in out
    assert main(["digest", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["updates"] and data["updates"][0]["result"]["report_date"] == "2025-01-12"
