"""What the LLM backend needs to know; built by bot.settings from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, SecretStr

LLMMode = Literal["auto", "json_schema", "json_object", "text"]

# The defaults, named once: LLMConfig below and bot.settings (the user-facing settings) both read them.
DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_MODE: LLMMode = "auto"
DEFAULT_TIMEOUT_S = 30.0  # one HTTP request
DEFAULT_DEADLINE_S = 60.0  # everything for one report, retries included
DEFAULT_MAX_OUTPUT_TOKENS = 1500
DEFAULT_MAX_CHARS = 12000  # above this a report is split into chunks
DEFAULT_MAX_REPAIRS = 2  # re-asks after invalid output
DEFAULT_REPAIR_TOKEN_BUDGET = 20000  # prompt+completion tokens the re-asks may spend


class LLMConfig(BaseModel):
    api_key: SecretStr | None = None
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    mode: LLMMode = DEFAULT_MODE
    timeout_s: float = DEFAULT_TIMEOUT_S
    deadline_s: float = DEFAULT_DEADLINE_S
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS
    max_chars: int = DEFAULT_MAX_CHARS
    max_repairs: int = DEFAULT_MAX_REPAIRS
    repair_token_budget: int = DEFAULT_REPAIR_TOKEN_BUDGET
    cache_dir: Path | None = None  # digest cache + call log live here when no store is given

    @property
    def enabled(self) -> bool:
        return self.api_key is not None or self.base_url is not None
