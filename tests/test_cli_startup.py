"""Issue N, the CLI's start: `countybot normalize` starts without pydantic-settings (Settings is built only
when the upload cap is set), yet the cap set in the environment or in ./.env still holds; `extract.pipeline`
imports the rules only when a digest is made. `countybot summarize --offline` on a plain-text report imports
only what a text report needs, collects no garbage until its first report is out and leaves its heap to the
OS at exit, so it starts within 4x a bare `import opencc, pydantic` (the figure itself is in `make bench`,
bench/bench_cold.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import ROOT, SEED_FILES


def _modules_after(code: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "OPENAI_"))}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=cwd, env=env, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode().splitlines()[-1]


def test_normalize_builds_no_settings_and_pipeline_no_rules(tmp_path: Path) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from bot.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main(['normalize', {str(SEED_FILES[0])!r}])\n"
        "heavy = ['pydantic_settings', 'bot.settings', 'extract.digest.rules', 'extract.figures.finder',"
        " 'pydantic', 'extract.models', 'zipfile', 'extract.text.ocr', 'extract.text.html_text',"
        " 'dataclasses']\n"
        "print(rc, [m for m in heavy if m in sys.modules])\n"
    )
    assert _modules_after(code, tmp_path) == "0 []"
    code = "import sys; from extract.pipeline import rules_digest; print(rules_digest.__module__)"
    assert _modules_after(code, tmp_path) == "extract.digest.rules"  # still importable by name


def test_normalize_reads_the_cap_from_a_dotenv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("COUNTYBOT_MAX_UPLOAD_MB=0.001\n", encoding="utf-8")
    assert main(["normalize", str(SEED_FILES[0])]) == 1
    assert "上限" in capsys.readouterr().err
    (tmp_path / ".env").write_text("# nothing set here\n", encoding="utf-8")
    assert main(["normalize", str(SEED_FILES[0])]) == 0


def test_normalize_prints_the_documents_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The text path skips building a Document (no pydantic to import): it must print that Document's text,
    for a traditional report with glosses and page furniture as for the others."""
    from extract.pipeline import document_from_bytes

    for path in SEED_FILES:
        assert main(["normalize", str(path)]) == 0
        printed = capsys.readouterr().out
        assert printed == document_from_bytes(path.read_bytes(), path.name).text + "\n"


def test_summarize_offline_on_text_skips_what_a_text_report_never_needs(tmp_path: Path) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from bot.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main(['summarize', '--offline', {str(SEED_FILES[0])!r}])\n"
        "heavy = ['logging', 'html.parser', 'extract.text.html_text', 'bot.track', 'bot.models',"
        " 'extract.text.ocr']\n"
        "print(rc, [m for m in heavy if m in sys.modules])\n"
    )
    assert _modules_after(code, tmp_path) == "0 []"


def test_normalize_on_text_skips_logging_and_html(tmp_path: Path) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from bot.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main(['normalize', {str(SEED_FILES[0])!r}])\n"
        "heavy = ['logging', 'html.parser', 'extract.text.html_text']\n"
        "print(rc, [m for m in heavy if m in sys.modules])\n"
    )
    assert _modules_after(code, tmp_path) == "0 []"


def test_start_up_runs_no_garbage_collection_until_the_first_report_is_out(tmp_path: Path) -> None:
    """A cold start allocates long-lived objects only: collecting them then is wasted (bot.cli); after the
    first report collection runs as usual, and is on again when main() returns."""
    code = (
        "import gc, sys, io, contextlib\n"
        "from bot.cli import main\n"
        "seen = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and seen.append(1))\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main(['summarize', '--offline', {str(SEED_FILES[0])!r}])\n"
        "one = len(seen)\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc += main(['summarize', '--offline', *{[str(p) for p in SEED_FILES]!r}])\n"
        "print(rc, one, len(seen) > one, gc.isenabled())\n"
    )
    assert _modules_after(code, tmp_path) == "0 0 True True"


def test_the_script_leaves_a_quick_commands_heap_to_the_os(tmp_path: Path) -> None:
    """`countybot normalize|summarize` end with the heap frozen: the interpreter's teardown would collect
    cycles among everything the run built (~25 ms of a cold summarize) that the OS reclaims anyway; a
    command that holds a store (targets) ends as Python normally does."""

    def frozen_at_exit(*argv: str) -> str:
        code = (
            "import atexit, gc, sys\n"
            "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
            f"sys.argv = ['countybot', *{list(argv)!r}]\n"
            "from bot.cli import console\n"
            "console()\n"
        )
        return _modules_after(code, tmp_path)

    assert frozen_at_exit("summarize", "--offline", str(SEED_FILES[0])) == "frozen True"
    assert frozen_at_exit("normalize", str(SEED_FILES[0])) == "frozen True"
    db = tmp_path / "store.sqlite3"
    assert frozen_at_exit("targets", "大宁", "--db", str(db)) == "frozen False"


def test_python_m_resumes_collection_after_the_first_report_too(tmp_path: Path) -> None:
    """`python -m bot.cli` runs a __main__ copy of the module: the commands must resume the pause the
    imported `bot.cli` holds, or collection stays off for the whole run."""
    seed = str(SEED_FILES[0])
    code = (
        "import gc, io, contextlib, runpy, sys\n"
        "import extract.digest.rules as rules\n"
        "digest, seen = rules.rules_digest, []\n"
        "rules.rules_digest = lambda doc: (seen.append(gc.isenabled()), digest(doc))[1]\n"
        f"sys.argv = ['bot.cli', 'summarize', '--offline', {seed!r}, {seed!r}, {seed!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        runpy.run_module('bot.cli', run_name='__main__')\n"
        "    except SystemExit as exc:\n"
        "        rc = exc.code\n"
        "print(rc, seen)\n"
    )
    assert _modules_after(code, tmp_path) == "0 [False, True, True]"
