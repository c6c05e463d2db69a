"""A small fake Telegram Bot API server on 127.0.0.1 for the real PTB Application.

Serves updates the test injects (getUpdates long polls briefly), records every call, stores files for
getFile + download at /file/bot<token>/<path>, answers getChatMember from statuses the test sets, and
checks what a real server checks where it matters to us: the token, HTML parse mode (balanced, known
tags and entities; otherwise "can't parse entities") and the 4096-character limit. Failures
(e.g. 429 with retry_after, 500) can be queued per method, `times` in a row; "download" is the file
download (GET /file/bot<token>/<path>).

    with FakeTelegram() as tg:
        monkeypatch.setenv("TELEGRAM_API_URL", tg.url); monkeypatch.setenv("TELEGRAM_BOT_TOKEN", tg.token)
        tg.send_text(chat_id=42, user_id=42, text="/help")
        [call] = await tg.wait_for("sendMessage", 1)
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmno"
BOT_ID = 123456789
BOT_USERNAME = "countybot_test_bot"
POLL_CAP_S = 0.3  # getUpdates never holds a request longer than this, so shutdown is quick
MESSAGE_LIMIT = 4096
_TG_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


@dataclass
class Upload:
    """A file part of a multipart request (sendPhoto, sendDocument)."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Call:
    method: str
    params: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    files: dict[str, Upload] = field(default_factory=dict)  # multipart file parts by field name

    @property
    def chat_id(self) -> int | None:
        v = self.params.get("chat_id")
        return int(v) if v not in (None, "") else None

    @property
    def text(self) -> str:
        return self.params.get("text", "")

    def json(self, key: str) -> Any:
        v = self.params.get(key)
        return json.loads(v) if v else None


@dataclass
class _File:
    file_id: str
    name: str
    data: bytes | None  # None: a stub that only claims its size (e.g. 30 MB), never served
    size: int
    path: str


class _HTMLCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in _TG_TAGS:
            self.error = self.error or f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'Unexpected end tag "{tag}"'
        else:
            self.stack.pop()


def check_html(text: str) -> str | None:
    """None when Telegram would accept `text` with parse_mode=HTML, else its error description."""
    for m in re.finditer(r"&", text):
        if not _ENTITY.match(text, m.start()):
            return f"Bad Request: can't parse entities: unsupported entity at byte offset {m.start()}"
    for m in re.finditer(r"<", text):
        if not re.match(r"</?[a-zA-Z][\w-]*(\s[^<>]*)?>", text[m.start() :]):
            return f"Bad Request: can't parse entities: unexpected < at offset {m.start()}"
    parser = _HTMLCheck()
    parser.feed(text)
    parser.close()
    if parser.error:
        return f"Bad Request: can't parse entities: {parser.error}"
    if parser.stack:
        tag = parser.stack[-1]
        return f"Bad Request: can't parse entities: can't find end tag corresponding to start tag \"{tag}\""
    return None


def visible_text(text: str, parse_mode: str | None) -> str:
    return html.unescape(re.sub(r"<[^<>]*>", "", text)) if parse_mode == "HTML" else text


class FakeTelegram:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict] = []
        self.files: dict[str, _File] = {}
        self.members: dict[tuple[int, int], str] = {}
        self.failures: dict[str, list[dict]] = {}
        self.messages: dict[tuple[int, int], dict] = {}
        self.bot_user = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "countybot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self._cond = threading.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._file_ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.on_call: Callable[[Call], None] | None = None

    # --- lifecycle -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeTelegram:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-telegram", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what a test injects -----------------------------------------------------------------

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    @staticmethod
    def chat(chat_id: int) -> dict:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        return {"id": chat_id, "type": "supergroup", "title": f"Group{-chat_id}"}

    @staticmethod
    def user(user_id: int) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "zh-hans"}

    @staticmethod
    def _command_entities(text: str) -> list[dict]:
        m = re.match(r"/[A-Za-z_]+(?:@\w+)?", text)
        return [{"type": "bot_command", "offset": 0, "length": m.end()}] if m else []

    def _message(
        self, chat_id: int, user_id: int, *, reply_to: int | None = None, forward_from_chat: int | None = None
    ) -> dict:
        msg: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.user(user_id),
        }
        if reply_to is not None:
            msg["reply_to_message"] = self.messages[(chat_id, reply_to)]
        if forward_from_chat is not None:
            msg["forward_origin"] = {
                "type": "channel",
                "date": int(time.time()) - 60,
                "message_id": 7,
                "chat": {"id": forward_from_chat, "type": "channel", "title": "县融媒"},
            }
        return msg

    def _push(self, key: str, payload: dict) -> int:
        with self._cond:
            if "message_id" in payload:
                self.messages[(payload["chat"]["id"], payload["message_id"])] = payload
            self.updates.append({"update_id": next(self._update_ids), key: payload})
            self._cond.notify_all()
        return payload.get("message_id", 0)

    def send_text(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        reply_to: int | None = None,
        forward_from_chat: int | None = None,
        entities: list[dict] | None = None,
    ) -> int:
        """A user's text message; returns its message_id. `entities`: extra ones (a text_link)."""
        msg = self._message(chat_id, user_id, reply_to=reply_to, forward_from_chat=forward_from_chat)
        msg["text"] = text
        if all_entities := [*self._command_entities(text), *(entities or [])]:
            msg["entities"] = all_entities
        return self._push("message", msg)

    def add_file(self, name: str, data: bytes | None, *, size: int | None = None) -> _File:
        n = next(self._file_ids)
        ext = name.rsplit(".", 1)[-1] if "." in name else "bin"
        f = _File(
            file_id=f"FILE{n}",
            name=name,
            data=data,
            size=size if size is not None else len(data or b""),
            path=f"documents/file_{n}.{ext}",
        )
        self.files[f.file_id] = f
        return f

    def send_document(
        self,
        chat_id: int,
        user_id: int,
        name: str,
        data: bytes | None,
        *,
        size: int | None = None,
        caption: str | None = None,
        mime_type: str | None = None,
        reply_to: int | None = None,
        media_group_id: str | None = None,
    ) -> int:
        f = self.add_file(name, data, size=size)
        msg = self._message(chat_id, user_id, reply_to=reply_to)
        msg["document"] = {
            "file_id": f.file_id,
            "file_unique_id": f"U{f.file_id}",
            "file_name": name,
            "mime_type": mime_type or "application/octet-stream",
            "file_size": f.size,
        }
        return self._push_with_caption(msg, caption, media_group_id)

    def send_photo(
        self,
        chat_id: int,
        user_id: int,
        data: bytes | None,
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
        size: int | None = None,
        reply_to: int | None = None,
    ) -> int:
        """A user's photo (issue M): Telegram sends sizes smallest first, the original last; an album's
        photos are separate messages sharing media_group_id."""
        f = self.add_file("photo.jpg", data, size=size)
        f.path = f.path.replace("documents/", "photos/")
        thumb = self.add_file("thumb.jpg", b"\xff\xd8 a thumbnail, not the photo")
        msg = self._message(chat_id, user_id, reply_to=reply_to)
        msg["photo"] = [
            {"file_id": thumb.file_id, "file_unique_id": f"U{thumb.file_id}", "width": 90, "height": 120},
            {"file_id": f.file_id, "file_unique_id": f"U{f.file_id}", "width": 1240, "height": 1754,
             "file_size": f.size},
        ]  # fmt: skip
        return self._push_with_caption(msg, caption, media_group_id)

    def _push_with_caption(self, msg: dict, caption: str | None, media_group_id: str | None) -> int:
        """A file's message (a document or a photo) with its caption (commands marked, as Telegram does) and
        its album's media_group_id, pushed as an update."""
        if media_group_id is not None:
            msg["media_group_id"] = media_group_id
        if caption is not None:
            msg["caption"] = caption
            if entities := self._command_entities(caption):
                msg["caption_entities"] = entities
        return self._push("message", msg)

    def send_media(self, chat_id: int, user_id: int, kind: str, payload: dict | None = None) -> int:
        """A voice message, video, sticker, location... (`kind` is the Message field)."""
        n = next(self._file_ids)
        defaults: dict[str, dict] = {
            "voice": {"file_id": f"V{n}", "file_unique_id": f"UV{n}", "duration": 3},
            "video": {"file_id": f"VI{n}", "file_unique_id": f"UVI{n}", "width": 640, "height": 480,
                      "duration": 5},
            "sticker": {"file_id": f"S{n}", "file_unique_id": f"US{n}", "type": "regular", "width": 512,
                        "height": 512, "is_animated": False, "is_video": False},
            "location": {"latitude": 36.47, "longitude": 110.75},
        }  # fmt: skip
        msg = self._message(chat_id, user_id)
        msg[kind] = payload if payload is not None else defaults[kind]
        return self._push("message", msg)

    def edit_text(self, chat_id: int, user_id: int, message_id: int, text: str) -> None:
        """The user edits an earlier message (an edited_message update)."""
        msg = dict(self.messages[(chat_id, message_id)])
        msg.update(text=text, edit_date=int(time.time()))
        self._push("edited_message", msg)

    def press_button(self, chat_id: int, user_id: int, data: str, message_id: int = 1) -> None:
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.bot_user,
            "text": "…",
        }
        query = {
            "id": f"Q{next(self._file_ids)}",
            "from": self.user(user_id),
            "chat_instance": str(chat_id),
            "message": message,
            "data": data,
        }
        self._push("callback_query", query)

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        self.members[(chat_id, user_id)] = status

    def fail_next(
        self, method: str, code: int, description: str, *, retry_after: int | None = None, times: int = 1
    ) -> None:
        """The next `times` calls of `method` ("download" for file downloads) answer this error."""
        entry: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if retry_after is not None:
            entry["parameters"] = {"retry_after": retry_after}
        with self._cond:
            self.failures.setdefault(method, []).extend(dict(entry) for _ in range(times))

    def clear_failures(self) -> None:
        with self._cond:
            self.failures.clear()

    # --- what a test inspects ----------------------------------------------------------------

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method and (chat_id is None or c.chat_id == chat_id)]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts of the messages the bot sent (and that the server accepted), in order."""
        with self._cond:
            return [
                c.text
                for c in self.calls
                if c.method == "sendMessage"
                and c.params.get("_accepted") == "1"
                and (chat_id is None or c.chat_id == chat_id)
            ]

    async def wait_for(
        self,
        method: str,
        n: int,
        *,
        chat_id: int | None = None,
        timeout: float = 15.0,
        accepted_only: bool = True,
    ) -> list[Call]:
        """Wait until at least n calls of `method` (to chat_id) arrived; returns them all."""
        deadline = time.monotonic() + timeout
        while True:
            calls = [
                c
                for c in self.calls_of(method, chat_id)
                if not accepted_only or c.params.get("_accepted") == "1"
            ]
            if len(calls) >= n:
                return calls
            if time.monotonic() > deadline:
                seen = [(c.method, c.chat_id, c.text[:60]) for c in self.calls if c.method != "getUpdates"]
                raise AssertionError(f"waited {timeout}s for {n} {method} call(s), got {len(calls)}: {seen}")
            await asyncio.sleep(0.02)

    async def wait_text(self, chat_id: int, needle: str, *, timeout: float = 15.0) -> str:
        """Wait for a sent message in chat_id containing needle; returns its text."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for text in self.texts(chat_id):
                if needle in text:
                    return text
            await asyncio.sleep(0.02)
        raise AssertionError(f"no message containing {needle!r} in chat {chat_id}: {self.texts(chat_id)}")

    # --- the HTTP side ---------------------------------------------------------------------------

    def _handle(self, req: BaseHTTPRequestHandler, verb: str) -> None:
        path = unquote(urlsplit(req.path).path)  # PTB percent-encodes the file path, ":" of the token too
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        file_prefix = f"/file/bot{self.token}/"
        if verb == "GET" and path.startswith(file_prefix):
            return self._serve_file(req, path[len(file_prefix) :])
        m = re.fullmatch(r"/bot([^/]+)/(\w+)", path)
        if not m:
            return self._reply(req, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
        if m.group(1) != self.token:
            return self._reply(req, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = m.group(2)
        params = self._params(req, body)
        call = Call(method, params, files=self._uploads(req, body))
        with self._cond:
            self.calls.append(call)
            queued = self.failures.get(method)
            failure = queued.pop(0) if queued else None
        if self.on_call:
            self.on_call(call)
        if failure is not None:
            return self._reply(req, failure["error_code"], failure)
        try:
            result = getattr(self, f"_api_{method}", self._api_default)(params)
        except _ApiError as err:
            return self._reply(
                req, err.code, {"ok": False, "error_code": err.code, "description": err.description}
            )
        params["_accepted"] = "1"
        self._reply(req, 200, {"ok": True, "result": result})

    @staticmethod
    def _params(req: BaseHTTPRequestHandler, body: bytes) -> dict[str, str]:
        ctype = req.headers.get("Content-Type", "")
        query = urlsplit(req.path).query
        if ctype.startswith("multipart/form-data"):
            return {
                name: data.decode("utf-8")
                for name, filename, _ctype, data in FakeTelegram._parts(ctype, body)
                if filename is None
            }
        raw = body.decode("utf-8") if body else ""
        if ctype.startswith("application/json") and raw:
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(raw).items()}
        merged = parse_qs(query, keep_blank_values=True)
        merged.update(parse_qs(raw, keep_blank_values=True))
        return {k: v[-1] for k, v in merged.items()}

    @staticmethod
    def _parts(ctype: str, body: bytes) -> list[tuple[str, str | None, str, bytes]]:
        """(field, filename or None, content type, bytes) of each part of a multipart body (binary-safe:
        a PNG is not UTF-8)."""
        m = re.search(r'boundary="?([^";]+)"?', ctype)
        if not m:
            return []
        out = []
        for part in body.split(b"--" + m.group(1).encode("latin-1")):
            head, sep, data = part.partition(b"\r\n\r\n")
            if not sep:
                continue
            text = head.decode("utf-8", "replace")
            name = re.search(r'name="([^"]*)"', text)
            if not name:
                continue
            filename = re.search(r'filename="([^"]*)"', text)
            ctype_m = re.search(r"Content-Type: *([^\r\n]+)", text, re.I)
            out.append(
                (
                    name.group(1),
                    filename.group(1) if filename else None,
                    ctype_m.group(1).strip() if ctype_m else "",
                    data[:-2] if data.endswith(b"\r\n") else data,
                )
            )
        return out

    @staticmethod
    def _uploads(req: BaseHTTPRequestHandler, body: bytes) -> dict[str, Upload]:
        ctype = req.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data"):
            return {}
        return {
            name: Upload(name, filename, part_type, data)
            for name, filename, part_type, data in FakeTelegram._parts(ctype, body)
            if filename is not None
        }

    @staticmethod
    def _reply(req: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        req.send_response(status)
        req.send_header("Content-Type", "application/json")
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the bot stopped polling
            req.wfile.write(data)

    def _serve_file(self, req: BaseHTTPRequestHandler, path: str) -> None:
        with self._cond:
            queued = self.failures.get("download")
            failure = queued.pop(0) if queued else None
            if failure is not None:
                self.calls.append(Call("download", {"path": path, "_failed": str(failure["error_code"])}))
        if failure is not None:
            return self._reply(req, failure["error_code"], failure)
        f = next((f for f in self.files.values() if f.path == path), None)
        if f is None or f.data is None:
            req.send_response(404)
            req.send_header("Content-Length", "0")
            req.end_headers()
            return
        with self._cond:
            self.calls.append(Call("download", {"path": path, "_accepted": "1"}))
        req.send_response(200)
        req.send_header("Content-Type", "application/octet-stream")
        req.send_header("Content-Length", str(len(f.data)))
        req.end_headers()
        req.wfile.write(f.data)

    # --- Bot API methods -------------------------------------------------------------------------

    def _api_default(self, params: dict[str, str]) -> Any:
        return True  # deleteWebhook, setMyCommands, sendChatAction, answerCallbackQuery, setWebhook ...

    def _api_getMe(self, params: dict[str, str]) -> dict:
        return self.bot_user

    def _api_getUpdates(self, params: dict[str, str]) -> list[dict]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), POLL_CAP_S)
        deadline = time.monotonic() + timeout
        with self._cond:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]  # offset confirms
            while not self.updates and (left := deadline - time.monotonic()) > 0:
                self._cond.wait(left)
            return list(self.updates[:100])

    def _sent_message(self, params: dict[str, str], message_id: int | None = None) -> dict:
        chat_id = int(params["chat_id"])
        text = params.get("text", "")
        parse_mode = params.get("parse_mode")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if parse_mode == "HTML" and (error := check_html(text)):
            raise _ApiError(400, error)
        visible = visible_text(text, parse_mode)
        if len(visible.encode("utf-16-le")) // 2 > MESSAGE_LIMIT:
            raise _ApiError(400, "Bad Request: message is too long")
        msg = {
            "message_id": message_id or self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.bot_user,
            "text": visible,
        }
        with self._cond:
            self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    def _api_sendMessage(self, params: dict[str, str]) -> dict:
        return self._sent_message(params)

    def _sent_file(self, params: dict[str, str], key: str, extra: dict) -> dict:
        chat_id = int(params["chat_id"])
        caption = params.get("caption", "")
        if params.get("parse_mode") == "HTML" and caption and (error := check_html(caption)):
            raise _ApiError(400, error)
        if len(visible_text(caption, params.get("parse_mode")).encode("utf-16-le")) // 2 > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        msg = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.bot_user,
            key: extra,
        }
        if caption:
            msg["caption"] = visible_text(caption, params.get("parse_mode"))
        with self._cond:
            self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    def _api_sendPhoto(self, params: dict[str, str]) -> dict:
        n = next(self._file_ids)
        size = {"file_id": f"PHOTO{n}", "file_unique_id": f"UP{n}", "width": 1080, "height": 1080}
        return self._sent_file(params, "photo", [size])  # type: ignore[arg-type]

    def _api_sendDocument(self, params: dict[str, str]) -> dict:
        n = next(self._file_ids)
        return self._sent_file(params, "document", {"file_id": f"DOC{n}", "file_unique_id": f"UD{n}"})

    def _api_editMessageText(self, params: dict[str, str]) -> dict:
        return self._sent_message(params, int(params["message_id"]))

    def _api_getFile(self, params: dict[str, str]) -> dict:
        f = self.files.get(params.get("file_id", ""))
        if f is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        if f.data is None:
            raise _ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": f.file_id,
            "file_unique_id": f"U{f.file_id}",
            "file_size": f.size,
            "file_path": f.path,
        }

    def _api_getChatMember(self, params: dict[str, str]) -> dict:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = self.members.get((chat_id, user_id), "member")
        member: dict[str, Any] = {"status": status, "user": self.user(user_id)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                {
                    k: False
                    for k in (
                        "can_be_edited",
                        "is_anonymous",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_promote_members",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                    )
                }
            )
            member.update(
                {
                    k: True
                    for k in ("can_manage_chat", "can_delete_messages", "can_change_info", "can_invite_users")
                }
            )
        return member


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description
