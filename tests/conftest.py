"""Shared fixtures. Helpers that several test files use live in tests/fakes/ (real servers on 127.0.0.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in SEED_FILES}
