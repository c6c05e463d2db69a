"""The tests' network guard (tests/netguard.py): only loopback is reachable from a test."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from tests import netguard
from tests.netguard import NetworkBlocked


def test_connect_beyond_loopback_raises() -> None:
    for address in (("10.0.0.1", 80), ("169.254.169.254", 80), ("8.8.8.8", 53)):
        with socket.socket() as s, pytest.raises(NetworkBlocked):
            s.connect(address)
    with socket.socket(socket.AF_INET6) as s, pytest.raises(NetworkBlocked):
        s.connect_ex(("2001:4860:4860::8888", 53, 0, 0))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s, pytest.raises(NetworkBlocked):
        s.sendto(b"x", ("8.8.8.8", 53))


def test_names_do_not_resolve_except_localhost_and_fakes(fake_dns) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("example.com", 80)
    assert socket.getaddrinfo("localhost", 80)
    fake_dns("intranet.test", "10.0.0.1")
    assert socket.getaddrinfo("intranet.test", 80)[0][4] == ("10.0.0.1", 80)


def test_loopback_still_works() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass


async def test_asyncio_and_httpx_are_guarded() -> None:
    with pytest.raises(NetworkBlocked):
        await asyncio.open_connection("10.0.0.1", 80)
    async with httpx.AsyncClient(trust_env=False) as client:
        with pytest.raises((NetworkBlocked, httpx.ConnectError, BaseExceptionGroup)):
            await client.get("http://169.254.169.254/latest/meta-data/")
    assert netguard.blocked[-1] == "connect ('169.254.169.254', 80)"
