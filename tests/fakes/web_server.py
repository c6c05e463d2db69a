"""A scriptable web server on 127.0.0.1 serving pages, files and misbehaviour (stdlib only, threads).

    with FakeWeb() as web:
        web.add("/a.html", body, content_type="text/html; charset=gbk")
        web.redirect("/old", "/a.html")              # 302
        web.add("/slow", b"...", delay=5)            # waits before answering
        web.endless("/huge")                          # streams zeros until the client hangs up
        url = web.url("/a.html")
        web.requests                                  # [(path, headers)] in order

Everything else is a 404. Requests are recorded before they are answered. The server itself is
tests/fakes/http_server.py's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.fakes.http_server import LoopbackHTTP


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the headers
    trickle: float = 0.0  # between 1 KB chunks of the body
    endless: bool = False  # stream forever (no Content-Length) until the client goes away
    content_length: int | None = None  # a declared length other than the body's (a lie, or a huge file)


class FakeWeb(LoopbackHTTP):
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.sent_bytes = 0
        super().__init__()

    def on_get(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path
        self.requests.append((path, self.headers_of(request)))
        route = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
        if route is None:
            route = Route(status=404, body="<html><body>404 页面不存在</body></html>".encode())
        time.sleep(route.delay)
        if route.endless:
            self.send_head(request, route.status, {**route.headers, "Connection": "close"}, None)
            chunk = b"\0" * 65536
            while True:
                request.wfile.write(chunk)
                self.sent_bytes += len(chunk)
        length = route.content_length if route.content_length is not None else len(route.body)
        self.send_head(request, route.status, route.headers, length)
        if route.trickle:
            for i in range(0, len(route.body), 1024):
                request.wfile.write(route.body[i : i + 1024])
                request.wfile.flush()
                time.sleep(route.trickle)
        else:
            request.wfile.write(route.body)
        self.sent_bytes += len(route.body)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(
        self, path: str, body: bytes | str, *, content_type: str = "text/html; charset=utf-8", **kw: object
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kw.pop("headers", {}) or {})  # type: ignore[arg-type]
        self.routes[path] = Route(body=data, headers=headers, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": location})
        return self.url(path)

    def endless(self, path: str, content_type: str = "application/pdf") -> str:
        self.routes[path] = Route(headers={"Content-Type": content_type}, endless=True)
        return self.url(path)
