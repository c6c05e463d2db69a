"""A scriptable OpenAI-compatible chat-completions server on 127.0.0.1 (stdlib only, one thread).

    with FakeOpenAI() as server:
        server.push(Reply(content='{"summary": ...}'), error(429, "slow down", headers={"Retry-After": "1"}))
        server.default = Reply(content=...)          # or a callable(request_json) -> Reply
        ... AsyncOpenAI(base_url=server.base_url) ...
        server.requests[0].json["response_format"]

Replies are served in order; when the queue is empty the default answers (a callable default lets a
test or the bench answer from the request itself). Every request is recorded before it is answered.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from extract.llm.tokens import estimate_messages, estimate_tokens


@dataclass
class Reply:
    content: str | None = None
    status: int = 200
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts)
    body: Any = None  # replaces the whole JSON body (error replies); a str is sent as is
    refusal: str | None = None
    usage: dict[str, int] | None = None  # default: estimated from the request and the content


def error(
    status: int, message: str, *, code: str | None = None, param: str | None = None, **kw: Any
) -> Reply:
    """An OpenAI-style error reply: {"error": {"message", "type", "param", "code"}}."""
    body = {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}
    return Reply(status=status, body=body, **kw)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]  # names lower-cased
    json: dict[str, Any]
    time: float

    @property
    def messages(self) -> list[dict[str, str]]:
        return self.json.get("messages", [])

    @property
    def last_user(self) -> str:
        return next((m["content"] for m in reversed(self.messages) if m["role"] == "user"), "")


class FakeOpenAI:
    def __init__(self) -> None:
        self._queue: deque[Reply | Callable[[dict[str, Any]], Reply]] = deque()
        self.default: Reply | Callable[[dict[str, Any]], Reply] | None = None
        self.requests: list[Recorded] = []
        self.in_flight = 0  # requests being answered now, and the most at once (a client's concurrency)
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting -------------------------------------------------------------------------------
    def push(self, *replies: Reply | Callable[[dict[str, Any]], Reply]) -> None:
        with self._lock:
            self._queue.extend(replies)

    def _next(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            item = self._queue.popleft() if self._queue else self.default
        if item is None:
            return error(500, "fake server: no scripted reply left")
        return item(request) if callable(item) else item

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> FakeOpenAI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else delayed ACKs add ~40 ms per reply

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                with fake._lock:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    fake.requests.append(Recorded(self.path, headers, body, time.monotonic()))
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    self._answer(body)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _answer(self, body: Any) -> None:
                reply = fake._next(body)
                if reply.delay and fake._stopping.wait(reply.delay):
                    return
                payload = fake._payload(reply, body)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        server = self._server
        self._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.05), name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- responses -------------------------------------------------------------------------------
    @staticmethod
    def _payload(reply: Reply, request: dict[str, Any]) -> Any:
        if reply.body is not None:
            return reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
        usage = reply.usage or {
            "prompt_tokens": estimate_messages(request.get("messages", [])),
            "completion_tokens": estimate_tokens(reply.content or ""),
        }
        usage = {**usage, "total_tokens": usage["prompt_tokens"] + usage["completion_tokens"]}
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content, "refusal": reply.refusal},
                    "finish_reason": reply.finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": usage,
        }


# -- a stand-in "model" -------------------------------------------------------------------------------
_CANDIDATE = re.compile(r"^\[(F\d+)\] (\S+)", re.M)
_CONTEXT = re.compile(r"^\[(F\d+)\] (\S+) …(.*)…$", re.M)
_NOT_LABEL = re.compile(r"[\d.%]+")


def context_labels(task: str) -> dict[str, str]:
    """What a fair model would call each candidate: the words its context line puts before the number
    (after it when nothing precedes), e.g. `[F2] 100% …项目开复工率100%…` -> 项目开复工率."""
    out = {}
    for fid, surface, ctx in _CONTEXT.findall(task):
        left, _, right = ctx.partition(surface)
        words = _NOT_LABEL.sub("", left).strip() or _NOT_LABEL.sub("", right).strip()
        out[fid] = words or surface
    return out


_SENT = re.compile(r"[^。！？\n]+[。！？]")


def task_of(request: dict[str, Any]) -> str:
    """The per-report user message (after the static system + worked-example prefix)."""
    msgs = request.get("messages", [])
    return msgs[3]["content"] if len(msgs) > 3 else (msgs[-1]["content"] if msgs else "")


def report_text_of(task: str) -> str:
    i = task.find("报告原文")
    return task[task.index("\n", i) + 1 :] if i >= 0 else ""


def grounded_answer(request: dict[str, Any], *, label: str | None = None) -> dict[str, Any]:
    """What a well-behaved model would answer, built only from the prompt: every candidate kept, with
    the label its own context supports (`label` gives all the same one instead; kinds alternate
    target/result so tests can tell them from the rules' guesses), whole report sentences as summary
    and highlights, the candidate counties and people confirmed."""
    task = task_of(request)
    text = report_text_of(task)
    sents = [s for s in _SENT.findall(text) if 8 <= len(s) <= 120]
    head = task.split("候选数字", 1)[0]
    counties = re.findall(r"候选县：([^（\n、]+)", head)
    line = re.search(r"候选人物：(.*)", head)
    names = re.sub(r"（[^）]*）", "", line.group(1)).split("、") if line else []
    people = [{"name": n, "role": None} for n in names if n]
    labels = context_labels(task)
    return {
        "summary": "".join(sents[:1]),
        "highlights": sents[1:4],
        "counties": [c for c in counties if c != "（无）"],
        "people": people,
        "figures": [
            {
                "id": fid,
                "label": label or labels.get(fid, surface),
                "kind": "target" if i % 2 == 0 else "result",
                "period": None,
            }
            for i, (fid, surface) in enumerate(_CANDIDATE.findall(task))
        ],
        "added": [],
    }


def grounded_reply(request: dict[str, Any]) -> Reply:
    return Reply(content=json.dumps(grounded_answer(request), ensure_ascii=False))


# -- real servers' quirks, reproduced ----------------------------------------------------------------
# llama-cpp-python's server validates `response_format.type` with pydantic and answers a json_schema
# request with HTTP 500 and pydantic's literal error as the message.
LLAMA_CPP_FORMAT_ERROR = (
    "[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', "
    "'ctx': {'expected': \"'text' or 'json_object'\"}}]"
)


Answerer = Callable[[dict[str, Any]], Reply]


def llama_cpp(answer: Answerer = grounded_reply) -> Answerer:
    """A default that behaves like llama-cpp-python's OpenAI-compatible server: json_schema -> HTTP 500,
    json_object and plain text -> `answer`."""

    def reply(request: dict[str, Any]) -> Reply:
        if (request.get("response_format") or {}).get("type") == "json_schema":
            return Reply(
                status=500,
                body={
                    "error": {
                        "message": LLAMA_CPP_FORMAT_ERROR,
                        "type": "internal_server_error",
                        "param": None,
                        "code": None,
                    }
                },
            )
        return answer(request)

    return reply


def openai_401(key: str) -> Reply:
    """OpenAI's answer to a wrong key: it echoes (most of) the key back."""
    return error(
        401,
        f"Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys.",
        code="invalid_api_key",
    )
