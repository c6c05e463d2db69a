"""Shared fixtures. Helpers that several test files use live in tests/fakes/ (real servers on 127.0.0.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pg import pg_cluster, pg_url  # noqa: F401  (fixtures for every test module)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture(autouse=True)
def _no_user_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Tests never read a developer's .env or real keys, and never write into the repo's data/.
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL"):
        monkeypatch.delenv(var, raising=False)
    import os

    for var in list(os.environ):
        if var.startswith("COUNTYBOT_"):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))  # the default data dir, per test
    # the LLM circuit breakers are process-wide (a server's health is shared by all reports): each test
    # starts as a fresh process would, or a dead port one test opened would stay open for the next
    # (likewise the remembered response-format quirks of each server)
    from extract.llm import breaker, modes

    breaker.reset_all()
    modes.forget_all()


@pytest.fixture(autouse=True)
def _network_guard():  # type: ignore[no-untyped-def]
    # issue M: no test reaches beyond loopback, whatever the code under test checked (tests/netguard.py)
    from tests import netguard

    with netguard.installed():
        yield


@pytest.fixture
def fake_dns():  # type: ignore[no-untyped-def]
    """`fake_dns("intranet.test", "10.0.0.1")`: a name resolves to these addresses for this test."""
    from tests import netguard

    return netguard.add_host


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in SEED_FILES}


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    """The loopback OpenAI-compatible fake (tests/fakes/openai_server.py), for the LLM tests."""
    from tests.fakes.openai_server import FakeOpenAI

    with FakeOpenAI() as s:
        yield s


# The store's scenarios run on both databases: `db_url` is an SQLite file, then a fresh PostgreSQL database
# (skipped, with the reason, where no PostgreSQL server or asyncpg driver is available).


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'store.sqlite3'}"
    pytest.importorskip("asyncpg", reason="asyncpg (the PostgreSQL driver, dev extra) is not installed")
    return request.getfixturevalue("pg_cluster").create_database()


# -- COUNTYBOT_REQUIRE_PG=1 (set by .ci/run): a PostgreSQL test that skips is a failure --------------------
# Read once at start-up: the autouse fixture above clears COUNTYBOT_* around every test.
_PG_WORDS = ("postgres", "asyncpg")
_REQUIRE_PG = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    import os

    config.stash[_REQUIRE_PG] = os.environ.get("COUNTYBOT_REQUIRE_PG", "") not in ("", "0")


def _pg_skip(config: pytest.Config, report: pytest.TestReport | pytest.CollectReport) -> bool:
    if not (config.stash.get(_REQUIRE_PG, False) and report.skipped) or hasattr(report, "wasxfail"):
        return False
    # the reason names PostgreSQL or its driver, or the test is one of the PostgreSQL tests
    return any(w in f"{_reason(report)} {report.nodeid}".lower() for w in _PG_WORDS)


def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    # a skip's longrepr is (path, line, "Skipped: reason"); the path alone must not count
    return report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)


def _fail(report: pytest.TestReport | pytest.CollectReport) -> None:
    reason = _reason(report)
    report.outcome = "failed"
    report.longrepr = f"COUNTYBOT_REQUIRE_PG=1: PostgreSQL tests must run, but this one was skipped: {reason}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if _pg_skip(item.config, report):
        _fail(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):  # type: ignore[no-untyped-def]
    report = yield  # a module-level skip (importorskip("asyncpg")) happens while collecting
    if _pg_skip(collector.config, report):
        _fail(report)
    return report
