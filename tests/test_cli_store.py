"""`countybot ingest / targets / digest` through bot.cli.main on a temporary SQLite store and the seeds."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import SEED_FILES, SEEDS


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli" / "store.sqlite3"
    monkeypatch.setenv("COUNTYBOT_DB", str(path))
    return path


def _done(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM reports WHERE status = 'done'").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def ingested(db: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["ingest", str(SEEDS)]) == 0
    out = capsys.readouterr().out
    # seeds/normalized/ (reference copies) and gold.json are not reports: five files, five new
    assert "共 5 份，范围 public：新增 5 份，重复 0 份，失败 0 份" in out
    return db


def test_targets_daning(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "大寧"]) == 0
    out = capsys.readouterr().out
    assert "大宁县（山西省临汾市）" in out
    for surface in ("74个", "281亿元", "45亿元"):
        assert f". {surface}" in out
    assert "2023-12-29" in out
    line74 = next(line for line in out.splitlines() if ". 74个" in line)
    assert "2024年" in line74 and "重点项目" in line74


def test_targets_pinglu_json(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "平陆", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["status"] == "ok" and answer["county"]["name"] == "平陆县"
    surfaces = {t["surface"] for t in answer["targets"]}
    # qualifiers written after the number are part of the surface
    assert {"407.09亿元", "110个", "50个", "200亿元以上", "60%以上", "10%以上"} <= surfaces
    assert answer["reports"] == 1
    big = next(t for t in answer["targets"] if t["surface"] == "407.09亿元")
    assert big["value"] == 40709000000 and big["unit"] == "元" and "407.09亿元" in big["quote"]


def test_unknown_and_ambiguous_county_exit_1(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "不存在县"]) == 1
    err = capsys.readouterr().err
    assert "找不到" in err and "不存在县" in err
    assert main(["targets", "鼓楼"]) == 1
    err = capsys.readouterr().err
    assert "江苏省南京市" in err and "福建省福州市" in err


def test_ingesting_twice_adds_nothing(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _done(ingested) == 5
    assert main(["ingest", str(SEEDS)]) == 0
    assert "新增 0 份，重复 5 份，失败 0 份" in capsys.readouterr().out
    assert _done(ingested) == 5
    assert main(["targets", "大宁县", "--json"]) == 0
    targets = json.loads(capsys.readouterr().out)["targets"]
    assert len([t for t in targets if t["surface"] == "45亿元"]) == 1


def test_ingest_json_gives_a_duplicate_no_report_id_of_its_own(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A re-sent report is kept as a row pointing at the first (its text is not stored again): its JSON
    entry says so — `report_id` null, `duplicate_of` the report that holds the text, `received_id` that
    row — and an entry with nothing stored has no id at all (no 0)."""
    seed = str(SEED_FILES[0])
    assert main(["ingest", "--offline", "--json", seed]) == 0
    [first] = json.loads(capsys.readouterr().out)["reports"]
    assert first["status"] == "done" and first["report_id"] == first["received_id"] == 1
    assert main(["ingest", "--offline", "--json", seed, "ftp://example.gov.cn/a.txt", "missing.txt"]) == 1
    out = json.loads(capsys.readouterr().out)
    by_path = {Path(r["path"]).name: r for r in out["reports"]}
    again = by_path[Path(seed).name]
    assert again["status"] == "duplicate" and again["report_id"] is None and again["duplicate_of"] == 1
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT id, status, duplicate_of, raw IS NULL FROM reports ORDER BY id").fetchall()
    finally:
        con.close()
    assert rows == [(1, "done", None, 0), (again["received_id"], "duplicate", 1, 1)]
    assert again["title"] == first["title"]  # the digest shown is the first report's
    for name in ("a.txt", "missing.txt"):  # refused as written / not found: nothing stored
        entry = by_path[name]
        assert entry["status"] == "failed" and entry["report_id"] is None and entry["received_id"] is None
        assert set(entry) == set(again)  # every entry has the same keys
    assert (out["new"], out["duplicate"], out["failed"]) == (0, 1, 2)


def test_digest_json_and_text(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--json"]) == 0
    pd = json.loads(capsys.readouterr().out)
    assert pd["totals"]["reports"] == 5 and pd["totals"]["counties"] == 5
    assert pd["totals"]["targets"] >= 9
    assert main(["digest", "--since", "1"]) == 0
    out = capsys.readouterr().out
    assert "5 篇报告" in out and "■ 大宁县" in out and "281亿元" in out
    assert main(["digest", "--scope", "chat:42"]) == 0
    assert "0 篇报告" in capsys.readouterr().out


def test_ingest_reports_failures_and_never_aborts(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\xff" * 500)
    other = tmp_path / "gold.json"
    other.write_text("{}")
    rc = main(["ingest", str(bad), str(tmp_path / "missing.txt"), str(other), str(SEED_FILES[2])])
    out = capsys.readouterr().out
    assert rc == 1
    assert "新增 1 份，重复 0 份，失败 3 份" in out
    assert "bad.txt:" in out and "missing.txt: 找不到" in out and "gold.json: 不支持" in out
    assert _done(db) == 1


def test_scope_is_isolated(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "--scope", "chat:7", str(SEED_FILES[0])]) == 0
    capsys.readouterr()
    assert main(["targets", "大宁", "--json"]) == 0  # public by default: chat 7's report is not public
    assert json.loads(capsys.readouterr().out)["targets"] == []
    assert main(["targets", "大宁", "--json", "--scope", "8"]) == 0
    assert json.loads(capsys.readouterr().out)["targets"] == []
    assert main(["targets", "大宁", "--json", "--scope", "chat:7"]) == 0
    assert "45亿元" in {t["surface"] for t in json.loads(capsys.readouterr().out)["targets"]}
    assert main(["targets", "大宁", "--scope", "nonsense"]) == 2


def test_recursive_flag_and_default_db_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_bytes(SEED_FILES[0].read_bytes())
    (folder / "sub" / "b.txt").write_bytes(SEED_FILES[1].read_bytes())
    (folder / "notes.json").write_text("{}")
    assert main(["ingest", str(folder)]) == 0  # no COUNTYBOT_DB: the data dir's store, not one under the cwd
    assert "共 1 份，范围 public：新增 1 份" in capsys.readouterr().out
    assert (tmp_path / "xdg-data" / "countybot" / "countybot.sqlite3").exists()
    assert not (tmp_path / "data").exists()
    assert main(["ingest", "-r", str(folder)]) == 0
    assert "共 2 份，范围 public：新增 1 份，重复 1 份" in capsys.readouterr().out


def test_the_store_is_the_same_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    assert main(["ingest", str(SEED_FILES[0])]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path / "b")  # another folder: the same store answers
    assert main(["targets", "大宁", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["targets"]
    assert not (tmp_path / "b" / "data").exists() and not (tmp_path / "a" / "data").exists()
    assert main(["status"]) == 0
    assert f"数据库：{tmp_path / 'xdg-data' / 'countybot' / 'countybot.sqlite3'}" in capsys.readouterr().out


def test_db_flag_outranks_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env_db, flag_db = tmp_path / "env.sqlite3", tmp_path / "flag.sqlite3"
    monkeypatch.setenv("COUNTYBOT_DB", str(env_db))
    assert main(["ingest", "--db", str(flag_db), str(SEED_FILES[0])]) == 0
    assert _done(flag_db) == 1 and not env_db.exists()
    capsys.readouterr()
    assert main(["targets", "大宁", "--json", "--db", str(flag_db)]) == 0
    assert json.loads(capsys.readouterr().out)["targets"]
    assert main(["status", "--db", str(flag_db)]) == 0
    assert f"数据库：{flag_db}" in capsys.readouterr().out


def test_an_old_store_in_the_folder_is_pointed_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    old = tmp_path / "data" / "countybot.sqlite3"
    assert main(["ingest", "--db", str(old), str(SEED_FILES[0])]) == 0  # a store made where it used to be
    capsys.readouterr()
    assert main(["targets", "大宁"]) == 0
    err = capsys.readouterr().err
    assert f"旧的数据库 {old}" in err and f"--db {old}" in err
    assert main(["targets", "大宁", "--db", str(old)]) == 0  # using it explicitly: no notice
    assert "旧的数据库" not in capsys.readouterr().err
