"""The LLM backend: one report in, one grounded digest out — or the rules digest with a warning.

Failure policy, split by cause (each HTTP call goes through `AsyncOpenAI(max_retries=0)`, so the only
retry layer is ours and every attempt is counted and logged):
- connection errors, timeouts, 408/409/429/5xx: exponential backoff with jitter, Retry-After honoured,
  all under one deadline per report (config.deadline_s);
- timeouts of a local server (config.is_local): never retried, it keeps computing the abandoned call
  (bot.settings gives it a long timeout); a circuit breaker per server + model (breaker.py) skips a
  server after repeated failures for a cooling period: reports get the rules digest at once;
- 400/422 rejecting response_format, or any status whose text says the format is not supported
  (llama-cpp-python's 500): next mode at once, remembered per base URL + model; 400 naming
  max_tokens or temperature: the parameter is adapted, remembered;
- invalid output (not JSON, wrong shape, claims the report does not support): re-ask with the exact
  errors, at most config.max_repairs times, within config.repair_token_budget; after that the last
  answer is used with every unsupported part dropped (users see counts, the call log the text);
- finish_reason "length" or a context-length 400: the input is split, never resent as is;
- refusals: final for the report; empty answers: re-asked like invalid output.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from pydantic import ValidationError

from extract.llm import modes, notices, prompt
from extract.llm.assemble import Grounder, Part, merge, review
from extract.llm.breaker import breaker_for
from extract.llm.cache import DigestCache, JsonDirCache, MemoryCache, cache_key, text_sha256
from extract.llm.calllog import CallLog, CallRecord, JsonlCallLog, Outcome
from extract.llm.chunking import Chunk, split_in_two, split_text
from extract.llm.config import LLMConfig
from extract.llm.prompt import NumberedFigure, prompt_version
from extract.llm.redact import install_log_filter, register_secret
from extract.llm.schema import Answer, validation_errors
from extract.llm.tokens import estimate_messages
from extract.llm.transport import (
    BadResponse,
    Completion,
    LLMFailure,
    RetryPolicy,
    classify,
    completion_from,
    failure_kind,
    failure_reason,
    is_transient,
    log_url,
    server_down,
    short_error,
    with_retries,
)
from extract.models import Digest, Document

__all__ = ["CallLog", "DigestCache", "LLMBackend", "RetryPolicy", "cache_key", "prompt_version"]

log = logging.getLogger(__name__)

MIN_SPLIT_CHARS = 600  # below this a "length" answer is not worth another split
MAX_SPLIT_DEPTH = 3
PLACEHOLDER_KEY = "not-needed"  # local servers (Ollama, llama.cpp, vLLM) take no key; the SDK wants one


class _NeedSplit(Exception):
    pass


class LLMBackend:
    def __init__(
        self,
        config: LLMConfig,
        *,
        cache: DigestCache | None = None,
        call_log: CallLog | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        import openai

        self.config = config
        self.policy = policy or RetryPolicy()
        if cache is None:
            cache = JsonDirCache(config.cache_dir / "digests") if config.cache_dir else MemoryCache()
        if call_log is None and config.cache_dir:
            call_log = JsonlCallLog(config.cache_dir / "llm_calls.jsonl")
        self.cache = cache
        self.call_log = call_log
        self.model = config.model
        self.backend_name = f"llm:{config.model}"
        self._log_url = log_url(config.base_url)
        self._official = config.base_url is None or "api.openai.com" in (config.base_url or "")
        key = config.api_key.get_secret_value() if config.api_key else PLACEHOLDER_KEY
        register_secret(key if config.api_key else None)
        install_log_filter()
        self.breaker = breaker_for(self._log_url, config)
        self._client = openai.AsyncOpenAI(
            api_key=key or PLACEHOLDER_KEY,
            base_url=config.base_url,
            timeout=config.timeout_s,
            max_retries=0,  # tenacity below is the only retry layer
        )

    async def aclose(self) -> None:
        await self._client.close()

    async def digest(self, doc: Document, rules: Digest) -> Digest:
        """The LLM digest, or `rules` with a warning when the LLM cannot give one. Never raises for LLM
        trouble (network, server, quota, bad answers)."""
        if not doc.text.strip():
            return self._fallback(rules, LLMFailure("empty report", "empty"))
        key = cache_key(doc, self.config)
        with contextlib.suppress(Exception):
            cached = await self.cache.get(key)
            if cached is not None:
                return cached
        if self.breaker.is_open:  # a server known to be down: no report waits on it
            return self._fallback(rules, LLMFailure("circuit open", "breaker"))
        run = _Run(self, doc, rules)
        try:
            # safety net only: every wait and request below is already bounded by the deadline
            async with asyncio.timeout(self.config.deadline_s + 2.0):
                digest = await run.execute()
        except Exception as exc:  # TaskGroups wrap failures in ExceptionGroups: unwrap for the reason
            return self._fallback(rules, failure_reason(exc))
        if run.validated:  # only answers that passed validation whole are served again
            try:
                await self.cache.put(key, digest)
            except Exception:
                log.warning("digest cache put failed", exc_info=True)
        return digest

    def _fallback(self, rules: Digest, failure: LLMFailure) -> Digest:
        """The rules digest with one short notice; the reason (redacted) only in the log."""
        log.info("LLM digest not used (%s): %s", failure.kind, failure.reason)
        return rules.model_copy(
            update={"warnings": [*rules.warnings, notices.fallback(failure.kind)]}, deep=True
        )

    async def _record(self, rec: CallRecord) -> None:
        if self.call_log is None:
            return
        try:
            await self.call_log.record(rec)
        except Exception:
            log.warning("call log record failed", exc_info=True)


class _Run:
    """State for one report: deadline, repair budget, grounding context."""

    def __init__(self, backend: LLMBackend, doc: Document, rules: Digest) -> None:
        self.b = backend
        self.cfg = backend.config
        self.doc = doc
        self.rules = rules
        self.deadline = time.monotonic() + self.cfg.deadline_s
        self.repair_tokens = 0
        self.doc_sha = text_sha256(doc.text)
        self.pv = prompt_version()
        self.grounder = Grounder(doc, rules)
        self.candidates = prompt.number_candidates(rules.figures)
        self.quirks = modes.quirks_for(self.cfg.base_url, self.cfg.model)
        self.validated = True  # every chunk's answer passed review without problems

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    async def execute(self) -> Digest:
        chunks = split_text(self.doc.text, self.cfg.max_chars)
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(self._chunk(c, whole=len(chunks) == 1)) for c in chunks]
        parts = [p for t in tasks for p in t.result()]
        return merge(parts, self.grounder, backend=self.b.backend_name, prompt_version=self.pv)

    def _candidates_in(self, chunk: Chunk) -> list[NumberedFigure]:
        first = chunk.start == 0
        return [
            c
            for c in self.candidates
            if chunk.start <= c.figure.start < chunk.end or (first and c.figure.start < 0)
        ]

    async def _chunk(self, chunk: Chunk, *, whole: bool, depth: int = 0) -> list[Part]:
        try:
            return [await self._extract(chunk, whole=whole)]
        except _NeedSplit:
            if depth >= MAX_SPLIT_DEPTH or len(chunk.text) < MIN_SPLIT_CHARS:
                raise LLMFailure("answer too long even for a short part of the report", "invalid") from None
            halves = split_in_two(chunk)
            if len(halves) < 2:
                raise LLMFailure("answer too long and the report cannot be split", "invalid") from None
            async with asyncio.TaskGroup() as tg:
                tasks = [tg.create_task(self._chunk(h, whole=False, depth=depth + 1)) for h in halves]
            return [p for t in tasks for p in t.result()]

    async def _extract(self, chunk: Chunk, *, whole: bool) -> Part:
        candidates = self._candidates_in(chunk)
        task = prompt.task_message(self.doc, self.rules, chunk.text, candidates, "" if whole else "（节选）")
        turns: list[prompt.Message] = []
        repairs = 0
        best: Part | None = None
        while True:
            comp = await self._complete(task, turns)
            if repairs:
                self.repair_tokens += comp.prompt_tokens + comp.completion_tokens
            outcome, part, problems = self._judge(comp, candidates, chunk)
            await self._log(comp, outcome, "; ".join(problems)[:500] or None, part)
            if outcome == "refusal":
                raise LLMFailure("the model refused", "refused")
            if outcome == "length":
                raise _NeedSplit
            if part is not None and (best is None or len(part.problems) <= len(best.problems)):
                best = part
            if not problems:
                return part  # type: ignore[return-value]
            if repairs >= self.cfg.max_repairs or not self._can_repair(task, turns, comp, problems):
                self.validated = False
                if best is not None:
                    return best  # unsupported parts already dropped; users see counts only
                raise LLMFailure(f"invalid answer after {repairs} re-asks: {problems[0][:120]}", "invalid")
            repairs += 1
            turns = [
                *turns,
                {"role": "assistant", "content": comp.content or ""},
                {"role": "user", "content": prompt.repair_message(problems)},
            ]

    def _judge(
        self, comp: Completion, candidates: list[NumberedFigure], chunk: Chunk
    ) -> tuple[Outcome, Part | None, list[str]]:
        if comp.refusal or comp.finish_reason == "content_filter":
            return "refusal", None, [f"refusal: {(comp.refusal or 'content_filter')[:200]}"]
        if comp.finish_reason == "length":
            return "length", None, ["answer cut off at the output token limit"]
        content = (comp.content or "").strip()
        if not content:
            return "empty", None, ["the answer was empty; answer with the JSON object"]
        raw = modes.simplified(modes.extract_json(content))
        try:
            answer = Answer.model_validate_json(raw)
        except ValidationError as exc:
            errors = validation_errors(exc)
            return "invalid", None, errors
        part = review(answer, candidates, self.grounder, chunk.start, chunk.end)
        return ("invalid" if part.problems else "ok"), part, part.problems

    def _can_repair(
        self, task: str, turns: list[prompt.Message], comp: Completion, problems: list[str]
    ) -> bool:
        if self.remaining() < self.b.policy.min_call_s:
            return False
        nxt = prompt.build_messages(
            comp.mode,
            task,
            [
                *turns,
                {"role": "assistant", "content": comp.content or ""},
                {"role": "user", "content": prompt.repair_message(problems)},
            ],
        )
        expected = estimate_messages(nxt) + comp.completion_tokens
        return self.repair_tokens + expected <= self.cfg.repair_token_budget

    async def _complete(self, task: str, turns: list[prompt.Message]) -> Completion:
        """One answer, whatever mode and parameters this server accepts."""
        import openai

        mode = modes.first_mode(self.cfg.mode, self.quirks)
        while True:
            messages = prompt.build_messages(mode, task, turns)
            try:
                comp = await self._with_retries(messages, mode)
            except openai.APIStatusError as exc:
                status = exc.status_code
                text = modes.error_text(exc)
                if status in (400, 413, 422) and modes.context_exceeded(text):
                    raise _NeedSplit from None
                if (
                    modes.format_unsupported(text)
                    and self.cfg.mode == "auto"
                    and (nxt := modes.next_mode(mode)) is not None
                ):
                    self.quirks.failed_modes.add(mode)  # whatever the status (llama-cpp-python: 500)
                    mode = nxt
                    continue
                if status in (400, 422):
                    if modes.rejects_max_tokens(text) and self.quirks.max_tokens_param is None:
                        self.quirks.max_tokens_param = (
                            "max_completion_tokens" if not self.b._official else "max_tokens"
                        )
                        continue
                    if modes.rejects_temperature(text) and not self.quirks.no_temperature:
                        self.quirks.no_temperature = True
                        continue
                    nxt = modes.next_mode(mode)
                    if self.cfg.mode == "auto" and nxt is not None:
                        self.quirks.failed_modes.add(mode)
                        mode = nxt
                        continue
                raise LLMFailure(f"HTTP {status}: {short_error(exc)}", failure_kind(exc)) from None
            except openai.APITimeoutError:
                raise LLMFailure("timed out", "timeout") from None
            except openai.APIConnectionError:
                raise LLMFailure("cannot connect", "unreachable") from None
            except BadResponse:
                raise LLMFailure("unreadable responses from the server", "error") from None
            if self.cfg.mode == "auto":
                self.quirks.mode = mode
            return comp

    async def _with_retries(self, messages: list[prompt.Message], mode: str) -> Completion:
        import openai

        def retry(exc: BaseException) -> bool:
            if isinstance(exc, openai.APITimeoutError) and not self.cfg.retries_timeouts:
                return False  # a local server keeps computing the abandoned call: never pile on
            return is_transient(exc) and not self.b.breaker.is_open

        return await with_retries(lambda: self._request(messages, mode), self.b.policy, self.remaining, retry)

    async def _request(self, messages: list[prompt.Message], mode: str) -> Completion:
        import openai

        remaining = self.remaining()
        if remaining < 0.05:
            raise LLMFailure("deadline exceeded", "timeout")
        if not self.b.breaker.allow():
            raise LLMFailure("circuit open: the server failed repeatedly", "breaker")
        params: dict = {
            "model": self.cfg.model,
            "messages": messages,
            "timeout": min(self.cfg.timeout_s, remaining),
        }
        rf = modes.response_format(mode)
        if rf is not None:
            params["response_format"] = rf
        token_param = self.quirks.max_tokens_param or (
            "max_completion_tokens" if self.b._official else "max_tokens"
        )
        params[token_param] = self.cfg.max_output_tokens
        if not self.quirks.no_temperature:
            params["temperature"] = 0
        t0 = time.perf_counter()
        try:
            resp = await self.b._client.chat.completions.create(**params)
        except openai.APIError as exc:
            latency = (time.perf_counter() - t0) * 1000
            if server_down(exc):
                self.b.breaker.failure()
            else:
                self.b.breaker.success()  # it answered: up, whatever it thought of the request
            await self._log_error(exc, mode, messages, latency)
            raise
        except ValueError as exc:  # the SDK could not decode the body
            self.b.breaker.failure()
            bad = BadResponse(f"unreadable response body: {exc}")
            await self._log_error(bad, mode, messages, (time.perf_counter() - t0) * 1000)
            raise bad from exc
        self.b.breaker.success()
        return completion_from(resp, messages, mode, (time.perf_counter() - t0) * 1000)

    async def _log(self, comp: Completion, outcome: Outcome, error: str | None, part: Part | None) -> None:
        await self._record_call(
            comp.mode, outcome, error, comp.latency_ms, comp.messages, comp.prompt_tokens,
            comp.completion_tokens, response=comp.content, part=part,
        )

    async def _log_error(self, exc: Exception, mode: str, messages: list[prompt.Message], ms: float) -> None:
        await self._record_call(mode, classify(exc, mode, self.cfg.mode), short_error(exc), ms, messages)

    async def _record_call(
        self,
        mode: str,
        outcome: Outcome,
        error: str | None,
        latency_ms: float,
        messages: list[prompt.Message],
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        *,
        response: str | None = None,
        part: Part | None = None,  # what of the answer was not taken, and why
    ) -> None:
        await self.b._record(
            CallRecord(
                base_url=self.b._log_url, model=self.cfg.model, mode=mode,
                prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                latency_ms=round(latency_ms, 1), outcome=outcome, error=error,
                prompt_version=self.pv, doc_sha256=self.doc_sha,
                overrides=part.overrides if part else [],
                messages=[dict(m) for m in messages],
                response=response,
                rejected=part.rejected if part else [],
            )
        )
