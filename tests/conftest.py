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


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in SEED_FILES}


# The store's scenarios run on both databases: `db_url` is an SQLite file, then a fresh PostgreSQL database
# (skipped, with the reason, where no PostgreSQL server or asyncpg driver is available).


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'store.sqlite3'}"
    pytest.importorskip("asyncpg", reason="asyncpg (the PostgreSQL driver, dev extra) is not installed")
    return request.getfixturevalue("pg_cluster").create_database()
