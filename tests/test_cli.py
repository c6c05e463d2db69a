"""`countybot summarize` and `countybot eval`, through bot.cli.main and one real subprocess."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from bot.cli import main
from extract.models import Digest
from tests.conftest import ROOT, SEED_FILES, SEEDS

SEED0 = SEEDS / "000_e5000fd4f8434fdf.txt"
SEED3 = SEEDS / "003_15533f8b4921b7a4.txt"


def test_summarize_offline_prints_a_readable_digest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summarize", "--offline", str(SEED0)]) == 0
    out = capsys.readouterr().out
    assert "大宁县（临汾市，山西省）" in out
    assert "2023-12-29" in out and "临汾新闻网" in out
    assert "王志华（大宁县委副书记、县长）" in out
    assert "🎯 281亿元" in out  # a target, with its mark
    assert "✅" in out
    assert "摘要" in out and "[rules]" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_summarize_json_one_digest_per_line(capsys: pytest.CaptureFixture[str], gold: dict) -> None:
    assert main(["summarize", "--json", "--offline", *map(str, SEED_FILES)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(SEED_FILES)
    digests = [Digest.model_validate_json(line) for line in lines]
    assert "大宁县" in lines[0]  # UTF-8, not \\u escapes
    by_file = {d["file"]: d for d in gold["documents"]}
    for path, digest in zip(SEED_FILES, digests, strict=True):
        g = by_file[path.name]
        assert [c.name for c in digest.counties] == [c["name"] for c in g["counties"]]
        assert (digest.published.isoformat() if digest.published else None) == g["published"]
        assert digest.backend == "rules"


def test_summarize_without_llm_config_uses_rules(capsys: pytest.CaptureFixture[str]) -> None:
    # conftest clears OPENAI_* and COUNTYBOT_*: no LLM is configured, so no --offline is needed
    assert main(["summarize", "--json", str(SEED3)]) == 0
    digest = Digest.model_validate_json(capsys.readouterr().out)
    assert digest.backend == "rules"
    assert digest.figures == []  # a report without key figures


def test_summarize_bad_inputs_fail_clearly_and_the_rest_goes_on(
    capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    missing = tmp_path / "missing.txt"
    code = main(["summarize", "--offline", str(missing), str(empty), str(binary), str(tmp_path), str(SEED3)])
    assert code == 1
    captured = capsys.readouterr()
    err_lines = captured.err.strip().splitlines()
    assert len(err_lines) == 4
    assert all(line.startswith("countybot: ") for line in err_lines)
    assert "missing.txt" in err_lines[0] and "不存在" in err_lines[0]
    assert "empty.txt" in err_lines[1]
    assert "Traceback" not in captured.err
    assert "维西傈僳族自治县" in captured.out  # the good file was still summarised


def test_summarize_reads_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = "12月23日,湖南省双牌县重点项目建设调度会议召开,县委书记张跃斌出席会议并讲话。".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert main(["summarize", "--json", "--offline", "-"]) == 0
    digest = Digest.model_validate_json(capsys.readouterr().out)
    assert [c.name for c in digest.counties] == ["双牌县"]
    assert [(p.name, p.role) for p in digest.people] == [("张跃斌", "县委书记")]


def test_summarize_colour_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summarize", "--offline", "--color", "always", str(SEED0)]) == 0
    assert "\x1b[1m" in capsys.readouterr().out


def test_eval_on_the_seeds_meets_acceptance(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval", str(SEEDS / "gold.json"), str(SEEDS), "--json", "--min-f1", "0.98"])
    result = json.loads(capsys.readouterr().out)
    total = result["overall"]
    assert total["f1"] >= 0.98
    assert total["kind_accuracy"] >= 0.92
    assert total["counties_found"] == total["counties_total"] == 5
    assert total["dates_right"] == total["dates_total"]
    assert code == 0
    assert len(result["documents"]) == 5


def test_eval_reports_counties_found_wrong_and_missing(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue L's bar on the place set (tests/reports_places): every named county found, none wrong, none
    given to a text that names none — through the CLI, table and JSON."""
    places = ROOT / "tests" / "reports_places"
    assert main(["eval", str(places / "gold.json"), str(places)]) == 0
    out = capsys.readouterr().out
    assert "counties: found 33/33, wrong 0, missing 0; texts naming no county: 12/12 given none" in out
    assert "淳安县?" in out  # a likely county is marked in the table
    assert main(["eval", str(places / "gold.json"), str(places), "--json"]) == 0
    total = json.loads(capsys.readouterr().out)["overall"]
    assert total["counties_found"] == total["counties_total"] == 33
    assert total["counties_wrong"] == total["counties_missing"] == 0
    assert total["no_place_right"] == total["no_place_total"] == 12


def test_eval_table_and_min_f1_exit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(SEEDS / "gold.json"), str(SEEDS)]) == 0
    out = capsys.readouterr().out
    assert "000_e5000fd4f8434fdf.txt" in out and "overall (5)" in out and "5/5" in out
    assert main(["eval", str(SEEDS / "gold.json"), str(SEEDS), "--min-f1", "1.01"]) == 1
    assert "--min-f1" in capsys.readouterr().err


def test_eval_reads_gold2_and_scores_main_targets(capsys: pytest.CaptureFixture[str]) -> None:
    long_dir = ROOT / "tests" / "reports_long"
    code = main(["eval", str(long_dir / "gold.json"), str(long_dir), "--json", "--min-f1", "0.95"])
    total = json.loads(capsys.readouterr().out)["overall"]
    assert code == 0  # --min-f1 reads recall where precision is not scored
    assert total["precision"] is None and total["f1"] is None
    assert total["main_total"] >= 50 and total["main_recall"] >= 0.98
    assert total["shape_scored"] >= 90 and total["shape_accuracy"] >= 0.95
    assert 0 <= total["main_top_share"] <= 1 and total["main_kind_accuracy"] is not None
    assert main(["eval", str(long_dir / "gold.json"), str(long_dir), "--details"]) == 0
    out = capsys.readouterr().out
    assert "precision not scored" in out and "ranges and qualifiers:" in out
    assert "main targets: found" in out and "in the first 10 figures" in out


def test_eval_missing_document_is_scored_and_fails(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    gold = json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))
    gold["documents"] = gold["documents"][:1]
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    assert main(["eval", str(path), str(tmp_path), "--json"]) == 1  # the report is not in tmp_path
    captured = capsys.readouterr()
    assert json.loads(captured.out)["overall"]["recall"] == 0.0
    assert "000_e5000fd4f8434fdf.txt" in captured.err


def test_eval_bad_gold_file(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["eval", str(bad), str(SEEDS)]) == 1
    assert main(["eval", str(tmp_path / "nope.json"), str(SEEDS)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("countybot eval:") == 2


def test_eval_llm_flag_without_llm_configured(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(SEEDS / "gold.json"), str(SEEDS), "--llm"]) == 1
    assert "LLM" in capsys.readouterr().err


def test_real_subprocess_summarize_offline(tmp_path) -> None:
    exe = ROOT / ".venv" / "bin" / "countybot"
    if not exe.exists():
        pytest.skip("no .venv/bin/countybot")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    proc = subprocess.run(
        [str(exe), "summarize", "--offline", str(SEED0)],
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode("utf-8")
    assert "大宁县（临汾市，山西省）" in out and "🎯" in out
    assert proc.stderr == b""


def test_offline_summarize_imports_only_what_it_needs(tmp_path) -> None:
    """Cold start: no asyncio, Telegram, openai, database layer, settings or other commands."""
    code = (
        "import sys\n"
        "from bot.cli import main\n"
        f"rc = main(['summarize', '--offline', {str(SEED0)!r}])\n"
        "heavy = ['asyncio', 'telegram', 'openai', 'sqlalchemy', 'httpx', 'bot.settings',"
        " 'bot.commands.serve', 'bot.commands.ingest', 'statistics']\n"
        "print(rc, [m for m in heavy if m in sys.modules])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=tmp_path, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().splitlines()[-1] == "0 []"


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in ("normalize", "summarize", "eval", "ingest", "targets", "serve"))


def test_summarize_uses_the_configured_llm_and_offline_skips_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fakes.openai_server import FakeOpenAI, grounded_reply

    with FakeOpenAI() as server:
        server.default = grounded_reply
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        assert main(["summarize", "--json", str(SEED0)]) == 0
        digest = Digest.model_validate_json(capsys.readouterr().out)
        assert digest.backend.startswith("llm:")
        assert server.requests  # the model was asked
        asked = len(server.requests)
        assert main(["summarize", "--json", "--offline", str(SEED0)]) == 0
        assert Digest.model_validate_json(capsys.readouterr().out).backend == "rules"
        assert len(server.requests) == asked  # --offline never calls the model


def test_eval_with_llm(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from tests.fakes.openai_server import FakeOpenAI, grounded_reply

    gold = json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))
    gold["documents"] = gold["documents"][3:]  # two short reports keep the run lean
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    with FakeOpenAI() as server:
        server.default = grounded_reply
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        assert main(["eval", str(path), str(SEEDS), "--llm", "--json"]) == 0
        assert server.requests
    total = json.loads(capsys.readouterr().out)["overall"]
    assert total["documents"] == 2 and total["counties_found"] == 2
