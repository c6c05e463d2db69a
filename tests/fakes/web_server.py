"""A scriptable web server on 127.0.0.1 serving pages, files and misbehaviour (stdlib only, threads).

    with FakeWeb() as web:
        web.add("/a.html", body, content_type="text/html; charset=gbk")
        web.redirect("/old", "/a.html")              # 302
        web.add("/slow", b"...", delay=5)            # waits before answering
        web.endless("/huge")                          # streams zeros until the client hangs up
        url = web.url("/a.html")
        web.requests                                  # [(path, headers)] in order

Everything else is a 404. Requests are recorded before they are answered.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the headers
    trickle: float = 0.0  # between 1 KB chunks of the body
    endless: bool = False  # stream forever (no Content-Length) until the client goes away
    content_length: int | None = None  # a declared length other than the body's (a lie, or a huge file)


class FakeWeb:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.sent_bytes = 0
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                web.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = web.routes.get(self.path) or web.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    route = Route(status=404, body="<html><body>404 页面不存在</body></html>".encode())
                time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    for k, v in route.headers.items():
                        self.send_header(k, v)
                    if route.endless:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        chunk = b"\0" * 65536
                        while True:
                            self.wfile.write(chunk)
                            web.sent_bytes += len(chunk)
                    length = route.content_length if route.content_length is not None else len(route.body)
                    self.send_header("Content-Length", str(length))
                    self.end_headers()
                    if route.trickle:
                        for i in range(0, len(route.body), 1024):
                            self.wfile.write(route.body[i : i + 1024])
                            self.wfile.flush()
                            time.sleep(route.trickle)
                    else:
                        self.wfile.write(route.body)
                    web.sent_bytes += len(route.body)
                except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

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

    def __enter__(self) -> FakeWeb:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
