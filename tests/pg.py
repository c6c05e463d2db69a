"""A throwaway PostgreSQL cluster for the store tests (the `postgresql://` half of every store scenario).

The session fixture runs initdb/pg_ctl from the local PostgreSQL binaries (COUNTYBOT_PG_BIN, else pg_ctl on
PATH, else /usr/lib/postgresql/<newest>/bin), as the `postgres` system user when the tests run as root
(postgres refuses root), listening only on 127.0.0.1 and a socket in its own temporary folder. Each test
gets a fresh database. PostgreSQL cases are skipped, with the reason, where the binaries, a user to run them
or the asyncpg driver are missing.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

_RUN_AS = "postgres"


def _pg_bin() -> Path | None:
    configured = os.environ.get("COUNTYBOT_PG_BIN")
    if configured:
        return Path(configured)
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent  # /usr/local/bin/pg_ctl may be a link into the real folder
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self, bindir: Path, prefix: list[str], folder: Path, port: int) -> None:
        self.bindir, self.prefix, self.folder, self.port = bindir, prefix, folder, port
        self.data = folder / "data"

    def run(self, tool: str, *args: str, as_owner: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [*(self.prefix if as_owner else []), str(self.bindir / tool), *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)

    def start(self) -> None:
        init = self.run(
            "initdb", "-D", str(self.data), "-E", "UTF8", "--locale=C", "-A", "trust", "-U", "postgres",
            "--no-sync",
        )  # fmt: skip
        if init.returncode:
            raise RuntimeError(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        started = self.run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o", opts, "start"
        )
        if started.returncode:
            log = (
                (self.folder / "log").read_text(errors="replace")[-2000:]
                if (self.folder / "log").exists()
                else ""
            )
            raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {log}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        made = self.run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name, as_owner=False
        )
        if made.returncode:
            raise RuntimeError(f"createdb failed: {made.stderr.strip()}")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bindir = _pg_bin()
    tools = ("initdb", "pg_ctl", "createdb")
    if bindir is None or not all((bindir / t).exists() for t in tools):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl, createdb) not found; set COUNTYBOT_PG_BIN")
    prefix: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:  # postgres refuses to run as root: run it as an unprivileged system user
        runuser = shutil.which("runuser") or shutil.which("setpriv")
        try:
            owner = pwd.getpwnam(_RUN_AS)
        except KeyError:
            pytest.skip(f"running as root and there is no '{_RUN_AS}' user to run the PostgreSQL server")
        if runuser is None:
            pytest.skip("running as root and neither runuser nor setpriv is available to drop privileges")
        if Path(runuser).name == "runuser":
            prefix = [runuser, "-u", _RUN_AS, "--"]
        else:
            prefix = [runuser, f"--reuid={owner.pw_uid}", f"--regid={owner.pw_gid}", "--init-groups"]
    # not pytest's tmp_path: its folders are private to the test user, and the server's user must own this one
    folder = Path(tempfile.mkdtemp(prefix="countybot-pg-"))
    if owner is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(bindir, prefix, folder, free_port())
    try:
        try:
            cluster.start()
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"could not start a throwaway PostgreSQL cluster: {exc}")
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """A fresh, empty database for each test."""
    return pg_cluster.create_database()
