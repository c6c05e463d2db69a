"""All settings, from the environment and an optional .env (pydantic-settings).

Names are prefixed COUNTYBOT_ except the standard OPENAI_API_KEY, OPENAI_BASE_URL,
TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL. Secrets are SecretStr so they never print.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import time
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from extract.llm.config import (
    DEFAULT_BREAKER_COOLDOWN_S,
    DEFAULT_DEADLINE_S,
    DEFAULT_LOCAL_TIMEOUT_S,
    DEFAULT_MAX_CHARS,
    DEFAULT_MAX_OUTPUT_TOKENS,
    DEFAULT_MODE,
    DEFAULT_MODEL,
    DEFAULT_TIMEOUT_S,
    LLMConfig,
    LLMMode,
    is_local_url,
)
from extract.text.loaders import DEFAULT_MAX_BYTES

_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)(?:[:：]([0-5]\d))?$")


def parse_clock(text: str, *, seconds: bool = False) -> time:
    """The one HH:MM parser (24-hour; "8:05" and a full-width colon accepted; HH:MM:SS only with
    seconds=True, for times already stored). ValueError otherwise."""
    m = _CLOCK.match(text.strip())
    if not m or (m.group(3) is not None and not seconds):
        raise ValueError(f"time must be HH:MM (00:00-23:59), got {text!r}")
    return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def format_clock(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def default_data_dir() -> Path:
    """$XDG_DATA_HOME/countybot (~/.local/share/countybot): one place whatever directory the CLI runs in."""
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "countybot"


DEFAULT_DB_NAME = "countybot.sqlite3"
# the store's location before it moved to the data dir: `countybot` run in a folder that still has one says so
OLD_DEFAULT_DB = Path("data") / DEFAULT_DB_NAME


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="COUNTYBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # `COUNTYBOT_ADMIN_CHAT=` in a copied .env.example means "unset"
        extra="ignore",
    )

    # LLM (any OpenAI-compatible server)
    openai_api_key: SecretStr | None = Field(None, validation_alias=AliasChoices("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=AliasChoices("OPENAI_BASE_URL"))
    # defaults are the pipeline's own, named in extract/llm/config.py
    model: str = DEFAULT_MODEL
    llm_mode: LLMMode = DEFAULT_MODE
    # unset: 30 s / 60 s, or for a local server (loopback/LAN: a model on a CPU) llm_local_timeout_s and a
    # deadline that fits a call and a re-ask; a timed-out call to a local server is never retried
    llm_timeout_s: float | None = None
    llm_deadline_s: float | None = None
    llm_local_timeout_s: float = DEFAULT_LOCAL_TIMEOUT_S
    llm_breaker_cooldown_s: float = DEFAULT_BREAKER_COOLDOWN_S
    llm_max_chars: int = DEFAULT_MAX_CHARS
    llm_max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS

    # Input
    max_upload_mb: float = DEFAULT_MAX_BYTES / 2**20
    # reading a file into text (decompression, parsing); past it the report fails with a message (issue P)
    parse_timeout_s: float = Field(120.0, gt=0)

    # LLM digest cache and JSONL call log of the CLI (the bot keeps both in its database)
    data_dir: Path = Field(default_factory=default_data_dir)

    # Store. Unset: <data_dir>/countybot.sqlite3, the same store whatever folder the CLI runs in
    db: str = ""

    _db_is_default: bool = PrivateAttr(False)

    # Telegram
    telegram_bot_token: SecretStr | None = Field(None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN"))
    telegram_api_url: str = Field(
        "https://api.telegram.org", validation_alias=AliasChoices("TELEGRAM_API_URL")
    )
    allowed_chats: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Shanghai"
    digest_time: str = "08:00"
    daily_llm_limit: int = 50
    admin_chat: int | None = None
    join_window_s: float = 2.0  # pasted messages this close together are one report
    # Clients split a paste longer than Telegram's 4,096 characters, every part but the last close to the
    # limit (cut at a line break near it): a first message shorter than this is whole and is digested at
    # once; only a longer one waits join_window_s for the rest of its paste
    join_min_chars: int = Field(3000, ge=0)

    # Several workers on one database (README "Running several workers")
    worker_id: str | None = None  # default: <host>-<pid>-<random>
    lease_s: float = 30.0  # a vanished worker's report is taken over this long after its last renewal
    # reports one worker processes at once (each mostly waits on the LLM; one worker is one CPU core):
    # more arrive → they wait in the database for whichever worker has room. 64: a burst of 50 pastes
    # is digested in one LLM round trip by a single process (make bench: bot)
    worker_reports: int = Field(64, ge=1)
    queue_poll_s: float = 2.0  # idle workers look for work this often (PostgreSQL NOTIFY wakes them sooner)
    schedule_tick_s: float = 30.0  # every worker looks for due daily digests this often
    digest_retry_s: float = 60.0  # a failed daily digest is tried again after this long
    digest_attempts: int = 5  # then it is given up and reported to COUNTYBOT_ADMIN_CHAT

    # Links (issue M): hosts (names, addresses or networks) a link may reach although they are not public
    # (an intranet mirror; the tests' loopback server); timeouts; redirects. The size cap is max_upload_mb.
    fetch_allow: Annotated[list[str], NoDecode] = Field(default_factory=list)
    fetch_connect_timeout_s: float = 10.0
    fetch_read_timeout_s: float = 20.0
    fetch_total_timeout_s: float = 60.0  # a whole link (page + attachment), however slowly it trickles
    fetch_max_redirects: int = Field(5, ge=0, le=10)
    links_per_message: int = Field(3, ge=1)  # links read from one chat message

    # Sources followed automatically (issue O; README "Sources")
    crawl: bool = True  # `countybot serve` workers check due sources (off: only `countybot sources run`)
    crawl_every_s: float = Field(6 * 3600, ge=60)  # a source's default period (`--every`)
    crawl_interval_s: float = Field(1.0, ge=0)  # politeness: one request per host this often, all workers
    crawl_tick_s: float = Field(60.0, gt=0)  # how often a worker looks for due sources
    crawl_sources_at_once: int = Field(4, ge=1)  # sources one worker checks at once
    # documents from sources one worker digests at once — apart from COUNTYBOT_WORKER_REPORTS, so a crawl
    # (each document waiting its host's politeness slot) never holds the slots people's reports need
    crawl_reports_at_once: int = Field(16, ge=1)
    crawl_max_pages: int = Field(5, ge=1)  # list pages followed in one check (next page, 下一页)
    crawl_lease_s: float = Field(120.0, gt=0)  # a check's claim, renewed with every link taken
    crawl_retry_s: float = Field(300.0, gt=0)  # first retry after a failed check, doubling each time
    crawl_pause_after: int = Field(5, ge=1)  # failed checks in a row before a source is paused
    crawl_robots_ttl_s: float = Field(86400.0, gt=0)  # robots.txt is read again after this long

    @field_validator("fetch_allow", mode="before")
    @classmethod
    def _split_hosts(cls, v: object) -> object:
        if isinstance(v, str):
            return [x.strip() for x in v.replace(";", ",").split(",") if x.strip()]
        return v
    # Pictures and scans (issue M): OCR reads at most this many pages of a scanned PDF or an album
    ocr_max_pages: int = Field(30, ge=1)
    album_wait_s: float = 1.5  # an album's pictures arrive as separate messages: wait this long for the next

    @field_validator("allowed_chats", mode="before")
    @classmethod
    def _split_ids(cls, v: object) -> object:
        # "123, -456" in the environment -> [123, -456]
        if isinstance(v, str):
            return [int(x) for x in v.replace(";", ",").split(",") if x.strip()]
        if isinstance(v, int):
            return [v]
        return v

    @field_validator("openai_api_key", "telegram_bot_token", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("openai_base_url", mode="before")
    @classmethod
    def _blank_url_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 2**20)

    @field_validator("data_dir", mode="after")
    @classmethod
    def _absolute(cls, v: Path) -> Path:
        return v.expanduser().resolve()

    def fetch_options(self):  # type: ignore[no-untyped-def]  # -> bot.fetch.FetchOptions (httpx on demand)
        from bot.fetch import AllowList, FetchOptions

        return FetchOptions(
            max_bytes=self.max_upload_bytes,
            connect_timeout_s=self.fetch_connect_timeout_s,
            read_timeout_s=self.fetch_read_timeout_s,
            total_timeout_s=self.fetch_total_timeout_s,
            max_redirects=self.fetch_max_redirects,
            allow=AllowList.of(self.fetch_allow),
        )
    @model_validator(mode="after")
    def _default_db(self) -> Settings:
        if not self.db.strip():
            self.db = f"sqlite:///{self.data_dir / DEFAULT_DB_NAME}"
            self._db_is_default = True
        return self

    @property
    def db_is_default(self) -> bool:
        """No COUNTYBOT_DB and no --db: the store in the data dir."""
        return self._db_is_default

    def llm_config(self) -> LLMConfig:
        local = is_local_url(self.openai_base_url)
        timeout = self.llm_timeout_s or (self.llm_local_timeout_s if local else DEFAULT_TIMEOUT_S)
        deadline = self.llm_deadline_s or DEFAULT_DEADLINE_S
        if local and not self.llm_deadline_s:  # one slow call and a re-ask
            deadline = max(DEFAULT_DEADLINE_S, 2 * timeout + 30)
        return LLMConfig(
            api_key=self.openai_api_key,
            base_url=self.openai_base_url,
            model=self.model,
            mode=self.llm_mode,
            timeout_s=timeout,
            deadline_s=deadline,
            breaker_cooldown_s=self.llm_breaker_cooldown_s,
            max_chars=self.llm_max_chars,
            max_output_tokens=self.llm_max_output_tokens,
            # the CLI's digest cache and JSONL call log; the bot's Service uses the store's tables instead
            cache_dir=self.data_dir / "llm",
        )


# command-line flags (`--db`) that outrank the environment for the command being run
_CLI_OVERRIDES: ContextVar[dict[str, object] | None] = ContextVar("countybot_cli_overrides", default=None)


@contextmanager
def cli_overrides(**values: object) -> Iterator[None]:
    """Flags given on the command line (None: not given) apply to every get_settings() in this context."""
    token = _CLI_OVERRIDES.set({k: v for k, v in values.items() if v is not None})
    try:
        yield
    finally:
        _CLI_OVERRIDES.reset(token)


def get_settings(**overrides: object) -> Settings:
    return Settings(**{**(_CLI_OVERRIDES.get() or {}), **overrides})  # type: ignore[arg-type]
