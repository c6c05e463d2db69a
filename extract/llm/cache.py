"""Validated LLM digests by cache key: a repeated report costs no call.

`DigestCache` is a protocol so the store can back it with a table; the file and memory versions here
are the defaults when no store is given.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections import OrderedDict
from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import ValidationError

from extract.llm.config import LLMConfig
from extract.llm.prompt import prompt_version
from extract.models import Digest, Document


@runtime_checkable
class DigestCache(Protocol):
    async def get(self, key: str) -> Digest | None: ...

    # doc_sha256: the text's hash, so a store can forget a deleted report's entries (optional)
    async def put(self, key: str, digest: Digest, doc_sha256: str | None = None) -> None: ...


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(doc: Document, config: LLMConfig) -> str:
    """Server base URL + model + prompt version + sha256(normalised text), hashed again into one
    filename-safe hex key (model names carry '/' and ':'). Another server with the same model name is
    another model: it never gets this server's answers."""
    return cache_key_for(text_sha256(doc.text), config)


def cache_key_for(doc_sha256: str, config: LLMConfig) -> str:
    """cache_key from the text's hash (deleting a report whose text is gone)."""
    from extract.llm.transport import log_url

    raw = f"{log_url(config.base_url).rstrip('/')}|{config.model}|{prompt_version()}|{doc_sha256}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class MemoryCache:
    """In-process LRU; the default when neither a store nor a cache_dir is configured."""

    def __init__(self, max_items: int = 256) -> None:
        self._items: OrderedDict[str, Digest] = OrderedDict()
        self._max = max_items

    async def get(self, key: str) -> Digest | None:
        d = self._items.get(key)
        if d is not None:
            self._items.move_to_end(key)
            return d.model_copy(deep=True)
        return None

    async def put(self, key: str, digest: Digest, doc_sha256: str | None = None) -> None:
        self._items[key] = digest.model_copy(deep=True)
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)


class JsonDirCache:
    """One `<key>.json` per digest; writes are atomic (temp file + rename), unreadable files are misses."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _file(self, key: str) -> Path:
        if not key or any(c not in "0123456789abcdef" for c in key):
            key = hashlib.sha256(key.encode()).hexdigest()
        return self.path / f"{key}.json"

    async def get(self, key: str) -> Digest | None:
        try:
            return Digest.model_validate_json(self._file(key).read_bytes())
        except (OSError, ValidationError, ValueError):
            return None

    async def put(self, key: str, digest: Digest, doc_sha256: str | None = None) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        target = self._file(key)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        try:
            tmp.write_text(digest.model_dump_json(), encoding="utf-8")
            tmp.replace(target)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
