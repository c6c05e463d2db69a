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
DEFAULT_BREAKER_THRESHOLD = 3  # consecutive failed requests before a server is skipped
DEFAULT_BREAKER_COOLDOWN_S = 60.0
# A model on a CPU needs ~40 s a call: bot.settings gives a local server this timeout (and a deadline
# that fits it) unless COUNTYBOT_LLM_TIMEOUT_S is set explicitly.
DEFAULT_LOCAL_TIMEOUT_S = 180.0


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
    breaker_threshold: int = DEFAULT_BREAKER_THRESHOLD
    breaker_cooldown_s: float = DEFAULT_BREAKER_COOLDOWN_S
    # Retry a timed-out request? None: yes for remote servers, never for a local one (it keeps computing
    # the abandoned answer, so a retry only queues a second one behind it).
    retry_timeouts: bool | None = None

    @property
    def enabled(self) -> bool:
        return self.api_key is not None or self.base_url is not None

    @property
    def is_local(self) -> bool:
        return is_local_url(self.base_url)

    @property
    def retries_timeouts(self) -> bool:
        return not self.is_local if self.retry_timeouts is None else self.retry_timeouts


def is_local_url(url: str | None) -> bool:
    """A server on this machine or the LAN (llama.cpp, Ollama, vLLM): loopback, private or .local."""
    import ipaddress
    from urllib.parse import urlsplit

    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    if host in ("localhost", "host.docker.internal") or host.endswith((".local", ".localhost", ".lan")):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local
