"""What the LLM backend needs to know; built by bot.settings from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, SecretStr

LLMMode = Literal["auto", "json_schema", "json_object", "text"]


class LLMConfig(BaseModel):
    api_key: SecretStr | None = None
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    mode: LLMMode = "auto"
    timeout_s: float = 30.0  # one HTTP request
    deadline_s: float = 60.0  # everything for one report, retries included
    max_output_tokens: int = 1500
    max_chars: int = 12000  # above this a report is split into chunks
    max_repairs: int = 2  # re-asks after invalid output
    repair_token_budget: int = 20000  # prompt+completion tokens the re-asks may spend
    cache_dir: Path | None = None  # digest cache + call log live here when no store is given

    @property
    def enabled(self) -> bool:
        return self.api_key is not None or self.base_url is not None
