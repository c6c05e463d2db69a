"""COUNTYBOT_REQUIRE_PG=1 (set by .ci/run) turns a skipped PostgreSQL test into a failure; other skips and
runs without the variable are untouched. Runs a small suite in a pytest subprocess with tests/conftest.py's
hooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SUITE = {
    "pytest.ini": "[pytest]\n",
    "conftest.py": "from tests.conftest import (  # noqa: F401\n"
    "    pytest_configure, pytest_make_collect_report, pytest_runtest_makereport)\n",
    "test_mixed.py": """
import pytest

def test_runs(): pass

def test_pg_missing():
    pytest.skip("PostgreSQL server binaries (initdb, pg_ctl, createdb) not found")

def test_other_skip():
    pytest.skip("not on this platform")

@pytest.fixture
def cluster():
    pytest.skip("could not start a throwaway PostgreSQL cluster: boom")

def test_in_fixture(cluster): pass

@pytest.mark.xfail(reason="asyncpg quirk")
def test_xfail(): raise RuntimeError
""",
    "test_driver.py": "import pytest\n"
    'pytest.importorskip("no_such_asyncpg_x", reason="asyncpg is not installed")\n'
    "def test_x(): pass\n",
}


def run(tmp_path: Path, require: str | None) -> str:
    for name, text in SUITE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "COLUMNS": "300"}
    if require is not None:
        env["COUNTYBOT_REQUIRE_PG"] = require
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "--continue-on-collection-errors",
         str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    return proc.stdout


@pytest.mark.parametrize("require", [None, "0"])
def test_without_the_variable_skips_stay_skips(tmp_path: Path, require: str | None) -> None:
    out = run(tmp_path, require)
    assert out.splitlines()[-1].strip("= ").split(" in ")[0] == "1 passed, 4 skipped, 1 xfailed", out


def test_required_postgresql_skips_fail(tmp_path: Path) -> None:
    out = run(tmp_path, "1")
    # the three PostgreSQL skips (test body, fixture, module-level importorskip) fail; the rest as before
    assert (
        out.splitlines()[-1].strip("= ").split(" in ")[0]
        == "1 failed, 1 passed, 1 skipped, 1 xfailed, 2 errors"
    )
    for test in (
        "ERROR test_driver.py",
        "ERROR test_mixed.py::test_in_fixture",
        "FAILED test_mixed.py::test_pg_missing",
    ):
        assert f"{test} - COUNTYBOT_REQUIRE_PG=1: PostgreSQL tests must run" in out, out
    assert "SKIPPED [1] test_mixed.py:10: not on this platform" in out, out
