"""A circuit breaker per server + model, shared by every report in the process.

After `threshold` consecutive failed requests (cannot connect, timed out, 5xx, auth) the server is
skipped for `cooldown_s`: reports get the rules digest at once instead of each waiting out its own
retries against a server known to be down. After the cooling period one request is let through (half
open); its success closes the breaker, its failure opens it again.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extract.llm.config import LLMConfig

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 3
DEFAULT_COOLDOWN_S = 60.0


@dataclass
class Breaker:
    key: str
    threshold: int = DEFAULT_THRESHOLD
    cooldown_s: float = DEFAULT_COOLDOWN_S
    failures: int = 0
    open_until: float = 0.0
    probe_until: float = 0.0  # a probe in flight blocks others until it ends or this passes (cancelled)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def allow(self) -> bool:
        """May a request start now? While open, no; after the cooling period, one probe at a time."""
        with self._lock:
            if self.failures < self.threshold:
                return True
            now = time.monotonic()
            if now < self.open_until or now < self.probe_until:
                return False
            self.probe_until = now + self.cooldown_s
            return True

    @property
    def is_open(self) -> bool:
        with self._lock:
            now = time.monotonic()
            return self.failures >= self.threshold and (now < self.open_until or now < self.probe_until)

    def success(self) -> None:
        with self._lock:
            if self.failures >= self.threshold:
                log.warning("LLM server %s answers again; calls resume", self.key)
            self.failures = 0
            self.probe_until = 0.0

    def failure(self) -> None:
        with self._lock:
            self.failures += 1
            self.probe_until = 0.0
            if self.failures >= self.threshold:
                if time.monotonic() >= self.open_until:  # said once per opening, not per report
                    log.warning(
                        "LLM server %s failed %d times in a row; skipped for %.0f s",
                        self.key, self.failures, self.cooldown_s,
                    )
                self.open_until = time.monotonic() + self.cooldown_s


_breakers: dict[str, Breaker] = {}
_lock = threading.Lock()


def breaker_for(base_url: str, config: LLMConfig) -> Breaker:
    """The process-wide breaker of (base URL, model), with the config's threshold and cooling period."""
    key = f"{base_url.rstrip('/')}|{config.model}"
    threshold, cooldown_s = config.breaker_threshold, config.breaker_cooldown_s
    with _lock:
        b = _breakers.get(key)
        if b is None:
            b = _breakers[key] = Breaker(key, threshold, cooldown_s)
        b.threshold, b.cooldown_s = threshold, cooldown_s
        return b


def reset_all() -> None:
    """For tests and the bench: every server starts closed."""
    with _lock:
        _breakers.clear()
