"""The tests' network guard: no test can reach anything but this machine's loopback.

Installed for every test by tests/conftest.py. A TCP/UDP connection or datagram to an address other than
127.0.0.1 / ::1 / localhost raises `NetworkBlocked` inside the test (whatever the code under test thought
it checked), and name resolution answers only `localhost`, IP literals and the names a test registers
with `fake_dns` (so an SSRF test can make `intranet.test` resolve to 10.0.0.1 and prove the fetcher
refuses it: without the fetcher's check the connection attempt would raise here instead of leaving).
Unix sockets (PostgreSQL's local socket) are not network traffic and pass.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager

LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "127.0.0.1", "::1"})


class NetworkBlocked(RuntimeError):
    """A test tried to reach beyond loopback."""


_fake_hosts: dict[str, list[str]] = {}
blocked: list[str] = []  # every attempt refused, for tests that assert nothing was tried


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    h = host.strip("[]").lower()
    if h in LOOPBACK_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(h.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip in (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))


def _check(sock: socket.socket, address: object, what: str) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # AF_UNIX and friends: not the network
    host = address[0] if isinstance(address, tuple) and address else address
    if not _is_loopback(host):
        blocked.append(f"{what} {address!r}")
        raise NetworkBlocked(f"test network guard: {what} to {address!r} refused (only loopback)")


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_sendto = socket.socket.sendto
_real_getaddrinfo = socket.getaddrinfo


def _connect(self: socket.socket, address: object) -> None:
    _check(self, address, "connect")
    return _real_connect(self, address)


def _connect_ex(self: socket.socket, address: object) -> int:
    _check(self, address, "connect_ex")
    return _real_connect_ex(self, address)


def _sendto(self: socket.socket, data: bytes, *args: object) -> int:
    _check(self, args[-1], "sendto")
    return _real_sendto(self, data, *args)  # type: ignore[arg-type]


def _getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or _is_loopback(name):
        return _real_getaddrinfo(host, port, *args, **kwargs)
    key = name.lower().rstrip(".")
    if key in _fake_hosts:
        out = []
        for ip in _fake_hosts[key]:
            family = socket.AF_INET6 if ":" in ip else socket.AF_INET
            addr = (ip, port or 0, 0, 0) if family == socket.AF_INET6 else (ip, port or 0)
            out.append((family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", addr))
        return out
    try:
        ipaddress.ip_address(name.strip("[]").split("%", 1)[0])
    except ValueError:
        blocked.append(f"resolve {name!r}")
        raise socket.gaierror(socket.EAI_NONAME, f"test network guard: no DNS for {name!r}") from None
    return _real_getaddrinfo(host, port, *args, **kwargs)  # an IP literal: no lookup leaves the machine


@contextmanager
def installed() -> Iterator[None]:
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _sendto  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo
    blocked.clear()
    try:
        yield
    finally:
        socket.socket.connect = _real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
        socket.socket.sendto = _real_sendto  # type: ignore[method-assign]
        socket.getaddrinfo = _real_getaddrinfo
        _fake_hosts.clear()


def add_host(name: str, *ips: str) -> None:
    """Make `name` resolve to `ips` for the rest of the test (a fake DNS answer; nothing is looked up)."""
    _fake_hosts[name.lower().rstrip(".")] = list(ips)
