"""Settings come from the environment and .env; .env.example must load as is; secrets never print."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_env_example_loads_as_is(tmp_path: Path) -> None:
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    s = Settings()
    assert s.openai_api_key is None and s.openai_base_url is None
    assert s.llm_config().enabled is False
    assert s.admin_chat is None and s.allowed_chats == []
    assert s.timezone == "Asia/Shanghai" and s.max_upload_bytes == 20 * 1024 * 1024


def test_every_setting_is_documented_in_env_example() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    standard = {"openai_api_key", "openai_base_url", "telegram_bot_token", "telegram_api_url"}
    for name in Settings.model_fields:
        env = name.upper() if name in standard else f"COUNTYBOT_{name.upper()}"
        assert f"\n{env}=" in text, f"{env} missing from .env.example"


def test_environment_overrides_and_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("COUNTYBOT_ALLOWED_CHATS", "123, -456")
    monkeypatch.setenv("COUNTYBOT_MODEL", "qwen-plus")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:SECRET")
    s = Settings()
    assert s.allowed_chats == [123, -456]
    cfg = s.llm_config()
    assert cfg.enabled and cfg.model == "qwen-plus" and cfg.base_url == "http://127.0.0.1:9/v1"
    assert "SECRET" not in repr(s) and "SECRET" not in str(s.model_dump())


def test_cli_llm_cache_and_call_log_live_under_data(monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 10: the data directory, never ./data under whatever directory the CLI runs in
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    s = Settings()
    assert s.llm_config().cache_dir == s.data_dir / "llm"
    assert s.data_dir.is_absolute() and s.data_dir != Path("data").resolve()
