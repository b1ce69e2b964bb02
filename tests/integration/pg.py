"""A throwaway PostgreSQL server for tests and benchmarks, started from the installed binaries.

Nothing is configured on the machine: `initdb` makes a cluster in a temporary folder, the server
listens on 127.0.0.1 at a free port (and a socket in that folder), runs without fsync (the data
is thrown away), and is stopped and deleted at the end.  PostgreSQL refuses to run as root, so
when the tests run as root the cluster belongs to the ``postgres`` user and the binaries are run
through ``runuser``.  `find_binaries` looks in ``PG_BINDIR``, then on PATH, then in Debian's
versioned folders (newest first), so no version is written down here.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

DEBIAN_GLOB = "/usr/lib/postgresql/*/bin"


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)

    def version(path: str) -> tuple[int, ...]:
        digits = Path(path).parent.name
        return tuple(int(x) for x in digits.split(".") if x.isdigit())

    candidates.extend(Path(p) for p in sorted(glob.glob(DEBIAN_GLOB), key=version, reverse=True))
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    """A running throwaway server; `database()` makes a fresh empty database on it."""

    bindir: Path
    root: Path
    port: int
    as_user: str | None
    options: str = ""

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        """Create an empty database; returns its SQLAlchemy URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def pause(self) -> None:
        """Stop the server but keep its data (a server going down under its clients)."""
        done = self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl stop failed: {done.stderr.strip()}")

    def resume(self) -> None:
        """Start the paused server again on the same port."""
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                         "-o", self.options, "-w", "-t", "30", "start")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()}")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)


def start_server(attempts: int = 3, durable: bool = False) -> PgServer:
    """Start a server; RuntimeError (with PostgreSQL's own words) when it cannot.

    ``durable`` keeps fsync and synchronous commits on (benchmarks); tests leave them off.
    """
    bindir = find_binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    as_user = None
    root = Path(tempfile.mkdtemp(prefix="switchroom-pg-"))
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        as_user = "postgres"
        shutil.chown(root, user=as_user)
    server = PgServer(bindir, root, 0, as_user)
    done = server._run("initdb", "-D", str(server.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                       "--no-instructions", *(() if durable else ("--no-sync",)))
    if done.returncode != 0:
        server.stop()
        raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
    last_error = ""
    for _ in range(attempts):
        server.port = _free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {server.port} -k {root} -c max_connections=50"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        server.options = options
        done = server._run("pg_ctl", "-D", str(server.data), "-l", str(root / "server.log"),
                           "-o", options, "-w", "-t", "30", "start")
        if done.returncode == 0:
            return server
        last_error = (root / "server.log").read_text(errors="replace")[-2000:] if (root / "server.log").exists() \
            else done.stderr
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"PostgreSQL did not start: {last_error.strip()}")
