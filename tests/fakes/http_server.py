"""The loopback HTTP server the tests' fake webs are built on (tests/fakes/web_server.py: scripted routes
and misbehaviour; tests/fakes/county_web.py: many virtual county sites). Stdlib only, one thread a
connection; a subclass says how to answer a GET and keeps only that.

    class MyWeb(LoopbackHTTP):
        def on_get(self, request):                  # in the connection's thread
            self.send(request, 200, {"Content-Type": "text/plain"}, b"hi")

    with MyWeb() as web:
        web.port                                    # 127.0.0.1, a free port

A client that hangs up while it is answered ends that connection, never the server.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class LoopbackHTTP:
    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                try:
                    owner.on_get(self)
                except CLIENT_GONE:
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 128  # many clients at once (the crawl and worker tests)
        self.port: int = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def on_get(self, request: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    @staticmethod
    def headers_of(request: BaseHTTPRequestHandler) -> dict[str, str]:
        """The request's headers, names in lower case."""
        return {k.lower(): v for k, v in request.headers.items()}

    @staticmethod
    def send_head(
        request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], length: int | None
    ) -> None:
        """The status line, `headers` and Content-Length (None: none, for an answer streamed until the
        connection closes); the body is the caller's to write."""
        request.send_response(status)
        for k, v in headers.items():
            request.send_header(k, v)
        if length is not None:
            request.send_header("Content-Length", str(length))
        request.end_headers()

    @staticmethod
    def send(
        request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes = b""
    ) -> None:
        """A whole answer at once."""
        LoopbackHTTP.send_head(request, status, headers, len(body))
        request.wfile.write(body)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
