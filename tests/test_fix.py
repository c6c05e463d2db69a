"""Corrections (issue L): a report's county and date set by a person, stored as a correction (who, when,
what was extracted before), followed at once by figures, /targets, /track and exports, kept across a
reopened store (SQLite and PostgreSQL), scoped to the chat that sent the report; `countybot fix`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.fixes import fix_report, parse_date, parse_fix
from bot.render.html import render_digest
from bot.service import Service
from bot.settings import Settings
from bot.tracking import export, track
from tests.conftest import SEEDS

# a report that never names its place (nor its county's officials): what the no-county flow is for
NO_PLACE = """关于今年重点工作目标的通报

2024年1月10日

会议指出，去年全县地区生产总值增长5.2%，完成固定资产投资12亿元。今年的主要预期目标是：地区生产总值增长6%左右，\
城乡居民人均可支配收入增长7%，粮食产量稳定在25万吨以上。会议要求，各乡镇各部门要抓好落实，确保各项目标任务如期完成。
"""
UNDATED = NO_PLACE.replace("2024年1月10日\n\n", "")


async def _service(url: str) -> Service:
    return await Service.create(Settings(db=url))


async def _submit(service: Service, text: str, scope: str = "chat:42") -> int:
    out = await service.submit(scope=scope, sender="tg:42", data=text.encode(), use_llm=False)
    assert out.status == "done" and out.digest is not None
    return out.report_id


async def test_a_correction_is_stored_followed_at_once_and_survives_a_reopen(db_url: str) -> None:
    service = await _service(db_url)
    try:
        rid = await _submit(service, NO_PLACE)
        digest = await service.digest_of(rid)
        assert digest is not None and digest.counties == []
        assert "没找到这份报告说的是哪个县" in render_digest(digest)
        assert (await service.targets("临泽", ["chat:42"])).targets == []

        result = await fix_report(
            service, rid, place="臨澤", published=None, by="tg:42", chat_id=42, scopes=["chat:42"]
        )
        assert result.status == "ok" and result.county is not None and result.county.name == "临泽县"
        # at once: the targets, the tracking and the export read the corrected figures
        answer = await service.targets("临泽", ["chat:42"])
        assert {t.surface for t in answer.targets} == {"6%左右", "7%", "25万吨以上"}
        assert (await track(service, "临泽", ["chat:42"])).status == "ok"
        _, data, n = await export(service, "临泽", ["chat:42"], "json")
        assert n == 5 and all(row["county"] == "临泽县" for row in json.loads(data))
        shown = render_digest(result.digest)  # type: ignore[arg-type]
        assert "临泽县（张掖市，甘肃省）" in shown and "已人工更正：县" in shown
        assert "没找到" not in shown
    finally:
        await service.close()

    service = await _service(db_url)  # a restart: the correction and what it changed are still there
    try:
        answer = await service.targets("临泽县", ["chat:42"])
        assert {t.surface for t in answer.targets} == {"6%左右", "7%", "25万吨以上"}
        digest = await service.digest_of(rid)
        assert digest is not None and [c.name for c in digest.counties] == ["临泽县"]
        assert "已人工更正：县" in render_digest(digest)
        [fix] = await service.store.corrections.history(rid)
        assert (fix.by, fix.chat_id, fix.county) == ("tg:42", 42, "临泽县")
        assert fix.before == {"counties": [], "published": "2024-01-10"}  # what was extracted before
    finally:
        await service.close()


async def test_a_date_correction_moves_the_periods_that_followed_the_date(tmp_path: Path) -> None:
    service = await _service(f"sqlite:///{tmp_path / 's.sqlite3'}")
    try:
        rid = await _submit(service, UNDATED)
        before = await service.digest_of(rid)
        assert before is not None and before.published is None
        assert "2024年" not in {f.period for f in before.figures}  # 今年 means nothing without a date
        await fix_report(service, rid, place="临泽", published=None, by="cli:t", chat_id=None, scopes=None)
        result = await fix_report(
            service, rid, published=date(2024, 1, 10), by="cli:t", chat_id=None, scopes=None
        )
        assert result.status == "ok" and result.digest is not None
        assert result.digest.published == date(2024, 1, 10)
        periods = {f.surface: f.period for f in result.digest.figures}
        assert periods["6%左右"] == "2024年" and periods["5.2%"] == "2023年"
        # the stored figures too: /targets shows the target under its year
        items = (await service.targets("临泽", ["chat:42"])).targets
        assert {t.period for t in items} == {"2024年"}
        assert "已人工更正：县、日期" in render_digest(result.digest)
        history = await service.store.corrections.history(rid)
        assert [h.published for h in history] == [None, date(2024, 1, 10)]
        assert history[1].before["counties"][0]["name"] == "临泽县"  # the first correction's result
    finally:
        await service.close()


async def test_only_the_reports_chat_may_correct_it(tmp_path: Path) -> None:
    service = await _service(f"sqlite:///{tmp_path / 's.sqlite3'}")
    try:
        mine = await _submit(service, NO_PLACE, "chat:42")
        public = await _submit(service, UNDATED, "public")
        for rid in (mine, public):
            other = await fix_report(service, rid, place="临泽", by="tg:43", chat_id=43, scopes=["chat:43"])
            assert other.status == "not_found"
            assert await service.store.corrections.history(rid) == []
        digest = await service.digest_of(mine)
        assert digest is not None and digest.counties == []
        # the admin chat may correct public reports
        ok = await fix_report(
            service, public, place="临泽", by="tg:1", chat_id=1, scopes=["chat:1", "public"]
        )
        assert ok.status == "ok"
    finally:
        await service.close()


async def test_a_place_that_is_unknown_or_ambiguous_is_not_guessed(tmp_path: Path) -> None:
    service = await _service(f"sqlite:///{tmp_path / 's.sqlite3'}")
    try:
        rid = await _submit(service, NO_PLACE)
        unknown = await fix_report(service, rid, place="临责", by="x", chat_id=None, scopes=None)
        assert unknown.status == "unknown_place" and unknown.places[0].name == "临泽县"
        amb = await fix_report(service, rid, place="濮阳", by="x", chat_id=None, scopes=None)
        assert amb.status == "ambiguous_place"
        assert {(c.name, c.level) for c in amb.places} == {("濮阳市", "city"), ("濮阳县", "county")}
        assert await service.store.corrections.history(rid) == []
    finally:
        await service.close()


def test_fix_syntax_is_forgiving_in_both_scripts() -> None:
    today = date(2025, 6, 1)
    r = parse_fix("3 县=临泽 日期=2024-01-15", today=today)
    assert (r.report_id, r.place, r.published, r.problems) == (3, "临泽", date(2024, 1, 15), [])
    r = parse_fix("縣：臨澤 日期：2024年1月5日", today=today)
    assert (r.place, r.published) == ("臨澤", date(2024, 1, 5))
    r = parse_fix("2 临泽 2024/1/5", today=today)
    assert (r.report_id, r.place, r.published) == (2, "临泽", date(2024, 1, 5))
    r = parse_fix("#17 county=临泽 date=2024.01.15", today=today)
    assert (r.report_id, r.place, r.published) == (17, "临泽", date(2024, 1, 15))
    assert parse_fix("日期=2024-02-30", today=today).problems  # no such day
    assert parse_fix("日期=2026-01-01", today=today).problems  # after the report reached us
    assert parse_fix("县=临泽 还有别的", today=today).problems
    assert parse_date("20240115") == date(2024, 1, 15) and parse_date("临泽") is None


# ---- the CLI ------------------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("COUNTYBOT_DB", str(path))
    return path


def _ingest(paths: list[Path], capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    assert main(["ingest", "--json", *map(str, paths)]) == 0
    data = json.loads(capsys.readouterr().out)
    return {Path(i["path"]).name: i["report_id"] for i in data["reports"]}


def test_cli_fix_sets_county_and_date(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "通报.txt"
    report.write_text(UNDATED, encoding="utf-8")
    ids = _ingest([report, SEEDS / "000_e5000fd4f8434fdf.txt"], capsys)
    rid = ids["通报.txt"]

    assert main(["summarize", "--offline", str(report)]) == 0
    assert "没找到这份报告说的是哪个县" in capsys.readouterr().out

    assert main(["fix", str(rid), "--county", "临泽", "--date", "2024-01-10"]) == 0
    out = capsys.readouterr().out
    assert "已更正报告" in out and "临泽县" in out and "2024-01-10" in out and "已人工更正：县、日期" in out
    assert main(["targets", "临泽", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert {(t["surface"], t["period"]) for t in answer["targets"]} == {
        ("6%左右", "2024年"),
        ("7%", "2024年"),
        ("25万吨以上", "2024年"),
    }

    # a seed's county moved: its targets go with it, and 大宁 has none left
    daning = ids["000_e5000fd4f8434fdf.txt"]
    assert main(["fix", str(daning), "--county", "平陆县"]) == 0
    capsys.readouterr()
    assert main(["targets", "大宁"]) == 0
    assert "还没有收录关于该县的报告" in capsys.readouterr().out
    assert main(["targets", "平陆", "--json"]) == 0
    assert "281亿元" in {t["surface"] for t in json.loads(capsys.readouterr().out)["targets"]}


def test_cli_fix_errors_are_clear(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "通报.txt"
    report.write_text(NO_PLACE, encoding="utf-8")
    rid = _ingest([report], capsys)["通报.txt"]
    assert main(["fix", str(rid)]) == 1
    assert "--county" in capsys.readouterr().err
    assert main(["fix", str(rid), "--date", "2024-13-01"]) == 1
    assert "日期" in capsys.readouterr().err
    assert main(["fix", str(rid), "--county", "长沙"]) == 1
    err = capsys.readouterr().err
    assert "长沙市" in err and "长沙县" in err and "既是" in err
    assert main(["fix", str(rid), "--county", "临责"]) == 1
    assert "是不是：临泽县" in capsys.readouterr().err
    assert main(["fix", str(rid + 100), "--county", "临泽"]) == 1
    assert "没有编号为" in capsys.readouterr().err
