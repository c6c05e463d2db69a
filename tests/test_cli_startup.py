"""Issue N: `countybot normalize` starts without pydantic-settings (Settings is built only when the upload cap
is set), yet the cap set in the environment or in ./.env still holds; `extract.pipeline` imports the rules
only when a digest is made."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import ROOT, SEED_FILES


def _modules_after(code: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUNTYBOT_")}
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
