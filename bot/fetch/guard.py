"""No server-side request forgery: which addresses a link may reach.

A host is resolved once; every address it resolves to must be public (not loopback, private, link-local,
multicast, reserved, unspecified, shared 100.64/10, or an IPv6 form of one of these), and the connection
is made to an address that was checked (bot/fetch/client.py's network backend), so a name that resolves
differently a moment later (DNS rebinding) cannot slip through. The check runs for every connection,
so also after every redirect. `COUNTYBOT_FETCH_ALLOW` lists hosts (names, addresses or networks) that
skip the check: the tests' loopback server, an intranet mirror. A name or address matches the link's
host as written; a network (10.8.0.0/16) matches whatever resolves into it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from bot.fetch.errors import LinkRefused, LinkUnreachable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: not the public internet


def is_public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public(mapped)
        if ip.teredo is not None:
            return False
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or ip in _SHARED
        or not ip.is_global
    )


@dataclass(frozen=True, slots=True)
class AllowList:
    names: frozenset[str] = frozenset()
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def of(cls, entries: Iterable[str]) -> AllowList:
        names: set[str] = set()
        networks = []
        for raw in entries:
            entry = raw.strip().lower().strip("[]")
            if not entry:
                continue
            if "/" in entry:  # a network (10.8.0.0/16): any host resolving into it
                try:
                    networks.append(ipaddress.ip_network(entry, strict=False))
                    continue
                except ValueError:
                    pass
            # a name or an address matches the link's host as written: "127.0.0.1" allows
            # http://127.0.0.1/…, not a name that happens to resolve there
            names.add(entry.rstrip("."))
        return cls(frozenset(names), tuple(networks))

    def allows_host(self, host: str) -> bool:
        return host.lower().strip("[]").rstrip(".") in self.names

    def allows_ip(self, ip: IPAddress) -> bool:
        return any(ip in net for net in self.networks if net.version == ip.version)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


async def resolve_checked(host: str, port: int, allow: AllowList) -> list[str]:
    """The addresses to connect to for `host`, every one checked. LinkRefused when any is not public
    (and neither host nor address is allowed); LinkUnreachable when the name does not resolve."""
    literal = _literal(host)
    if literal is not None:
        ips = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, OSError) as exc:
            raise LinkUnreachable(f"cannot resolve {host!r}: {exc}") from None
        ips = []
        for info in infos:
            ip = _literal(str(info[4][0]))
            if ip is not None and ip not in ips:
                ips.append(ip)
        if not ips:
            raise LinkUnreachable(f"{host!r} resolved to no address")
    if not allow.allows_host(host):
        bad = [ip for ip in ips if not is_public(ip) and not allow.allows_ip(ip)]
        if bad:
            raise LinkRefused(f"{host!r} resolves to non-public {', '.join(map(str, bad))}")
    return [str(ip) for ip in ips]
