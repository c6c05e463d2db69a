"""`python -m tests.fakes.resolving ARGS…`: `countybot ARGS…` in a subprocess with the tests' network guard
installed and the simulated web's virtual hosts (COUNTYBOT_TEST_HOSTS, comma-separated) resolving to
127.0.0.1 — the resolver override the in-process tests get from the `fake_dns` fixture, never real DNS."""

from __future__ import annotations

import os
import sys

from tests import netguard


def main() -> int:
    from bot.cli import main as countybot

    with netguard.installed():
        for host in filter(None, os.environ.get("COUNTYBOT_TEST_HOSTS", "").split(",")):
            netguard.add_host(host.strip(), "127.0.0.1")
        return countybot(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
