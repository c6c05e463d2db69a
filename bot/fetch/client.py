"""Fetch one URL safely: httpx with the SSRF guard in its network layer, manual redirects, a size cap.

    fetched = await fetch_url(url, FetchOptions(...))   # raises bot.fetch.errors.LinkError

- only http/https, at every hop; at most `max_redirects` redirects (a loop ends there);
- every TCP connection goes through `_GuardedBackend`: the host is resolved, every address checked
  (bot/fetch/guard.py), and the socket opened to a checked address — TLS still verifies the certificate
  against the host name;
- connect and read timeouts per operation, and a total deadline (a server trickling bytes slowly);
- the body is streamed and dropped past `max_bytes` (a Content-Length over it is refused unread);
- a browser-like User-Agent and Accept-Language: zh-CN (some county sites answer bots with an error page).
Reusable as is by a crawler (issue O): nothing here knows about reports.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from bot.fetch.errors import (
    LinkError,
    LinkForbidden,
    LinkHTTPError,
    LinkNotFound,
    LinkRedirects,
    LinkRefused,
    LinkSchemeError,
    LinkTimeout,
    LinkTooLarge,
    LinkUnreachable,
)
from bot.fetch.guard import AllowList, resolve_checked

log = logging.getLogger(__name__)

USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36 countybot"
)
HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class FetchOptions:
    max_bytes: int = 20 * 2**20
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    total_timeout_s: float = 60.0
    max_redirects: int = 5
    allow: AllowList = field(default_factory=AllowList)
    # issue O: awaited before every request (each redirect hop too) with its URL — the crawler's
    # robots.txt check and per-host politeness; raises a LinkError to refuse the request
    gate: Callable[[str], Awaitable[None]] | None = None
    headers: tuple[tuple[str, str], ...] = ()  # extra request headers (If-None-Match, If-Modified-Since)


@dataclass(slots=True)
class Fetched:
    url: str  # the address asked for
    final_url: str  # after redirects
    status: int
    content_type: str  # "text/html", "application/pdf" … (lower case, no parameters)
    charset: str | None  # from the Content-Type header
    filename: str | None  # from Content-Disposition
    data: bytes
    headers: dict[str, str] = field(default_factory=dict)  # the response's (ETag, Last-Modified …)


def check_scheme(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise LinkSchemeError(f"invalid URL {url!r}: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise LinkSchemeError(f"scheme {parsed.scheme!r} refused")
    return parsed


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's default backend, with every host resolved and checked, then connected by address."""

    def __init__(self, allow: AllowList) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow = allow

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # type: ignore[no-untyped-def]
        ips = await resolve_checked(host, port, self._allow)
        last: Exception | None = None
        for ip in ips:
            try:
                return await self._inner.connect_tcp(
                    ip, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, allow: AllowList) -> None:
        super().__init__(trust_env=False)  # no proxy from the environment: the guard must see the host
        ssl_context = self._pool._ssl_context
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context, max_connections=10, network_backend=_GuardedBackend(allow)
        )


def make_client(options: FetchOptions) -> httpx.AsyncClient:
    timeout = httpx.Timeout(
        connect=options.connect_timeout_s,
        read=options.read_timeout_s,
        write=options.read_timeout_s,
        pool=options.connect_timeout_s,
    )
    return httpx.AsyncClient(
        transport=_GuardedTransport(options.allow),
        timeout=timeout,
        headers=HEADERS,
        follow_redirects=False,
        trust_env=False,
    )


def _content_type(headers: httpx.Headers) -> tuple[str, str | None]:
    msg = Message()
    msg["content-type"] = headers.get("content-type", "")
    ctype = msg.get_content_type() if headers.get("content-type") else ""
    return ctype.lower(), msg.get_param("charset")  # type: ignore[return-value]


def _disposition_name(headers: httpx.Headers) -> str | None:
    value = headers.get("content-disposition")
    if not value:
        return None
    msg = Message()
    msg["content-disposition"] = value
    name = msg.get_filename()
    return name.strip() if name else None


async def fetch_url(url: str, options: FetchOptions, client: httpx.AsyncClient | None = None) -> Fetched:
    """GET `url` under the rules above. LinkError (with a user message) on anything but a readable body."""
    own = client is None
    client = client or make_client(options)
    try:
        async with asyncio.timeout(options.total_timeout_s):
            return await _fetch(url, options, client)
    except TimeoutError:
        raise LinkTimeout(f"{url}: over {options.total_timeout_s:g} s in total") from None
    finally:
        if own:
            await client.aclose()


async def _fetch(url: str, options: FetchOptions, client: httpx.AsyncClient) -> Fetched:
    current = str(check_scheme(url))
    for _hop in range(options.max_redirects + 1):
        if options.gate is not None:
            await options.gate(current)
        try:
            async with client.stream("GET", current, headers=dict(options.headers)) as response:
                if response.status_code in _REDIRECTS and response.headers.get("location"):
                    target = urljoin(current, response.headers["location"])
                    current = str(check_scheme(target))
                    continue
                return await _read(url, current, response, options)
        except LinkError:
            raise
        except httpx.TimeoutException as exc:
            raise LinkTimeout(f"{current}: {type(exc).__name__}") from None
        except (httpx.TransportError, OSError) as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, LinkRefused):  # raised in the backend, wrapped by httpx
                raise cause from None
            raise LinkUnreachable(f"{current}: {type(exc).__name__}") from None
    raise LinkRedirects(f"{url}: more than {options.max_redirects} redirects")


async def _read(url: str, current: str, response: httpx.Response, options: FetchOptions) -> Fetched:
    status = response.status_code
    if status == 404 or status == 410:
        raise LinkNotFound(f"{current}: HTTP {status}")
    if status in (401, 403, 407):
        raise LinkForbidden(f"{current}: HTTP {status}")
    if status >= 400 or status < 200:
        raise LinkHTTPError(f"{current}: HTTP {status}")
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > options.max_bytes:
        raise LinkTooLarge(f"{current}: Content-Length {declared}")
    chunks: list[bytes] = []
    size = 0
    started = time.monotonic()
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > options.max_bytes:
            raise LinkTooLarge(f"{current}: body over {options.max_bytes} bytes")
        chunks.append(chunk)
    ctype, charset = _content_type(response.headers)
    took = time.monotonic() - started
    log.info("fetched %s: %d bytes, %s, %.2f s", urlsplit(current).netloc, size, ctype, took)
    return Fetched(
        url=url,
        final_url=current,
        status=status,
        content_type=ctype,
        charset=charset,
        filename=_disposition_name(response.headers),
        data=b"".join(chunks),
        headers={k.lower(): v for k, v in response.headers.items()},
    )
