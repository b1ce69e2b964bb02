"""The server's tests stand on this: the demo site's DirectSource behind the real API on a loopback port.

No tests here (pytest collects none): `served(...)` starts the source (the simulated plant when
asked), the test's users in the source's database, `create_app` under uvicorn in the test's own
loop, and yields what a test needs.  Used as a context manager in the test body (an async
fixture that stops the simulator hangs in teardown).  Every password is the test's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from argon2 import profiles

from app.auth import Argon2Hasher, Role, Sessions, UserStore
from app.config import load_site
from app.server import StreamLimits, create_app
from app.server.runner import HttpServer
from app.sources.direct import DirectSource

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "sites" / "demo.yaml"

#: name -> (role, rooms, password): one user per role, and an operator of the HV room only.
USERS: dict[str, tuple[Role, tuple[str, ...], str]] = {
    "admin": (Role.ADMINISTRATOR, (), "Adm1n-Of-The-Grid"),
    "eng": (Role.ENGINEER, (), "Eng1neer-On-Duty"),
    "op": (Role.OPERATOR, (), "0perator-Shift-A"),
    "mgr": (Role.MANAGER, (), "Manag3r-Reports-Q"),
    "hv-op": (Role.OPERATOR, ("HV",), "HV-0nly-Operator"),
}


def site_copy(tmp_path: Path) -> Path:
    """The demo site and its diagrams in ``tmp_path`` (a diagram save writes next to the site file)."""
    (tmp_path / "sites").mkdir(exist_ok=True)
    shutil.copy(DEMO, tmp_path / "sites" / "demo.yaml")
    shutil.copytree(ROOT / "resources" / "diagrams", tmp_path / "diagrams", dirs_exist_ok=True)
    return tmp_path / "sites" / "demo.yaml"


def make_users(store: UserStore) -> None:
    """The first administrator, then the others as created by them (once per database)."""
    if not store.needs_first_admin():
        return
    store.create_first_admin("admin", USERS["admin"][2], "管理员", "test")
    for name, (role, rooms, password) in USERS.items():
        if name != "admin":
            store.create_user(name, role, password, rooms, name, by="admin", address="test")


@dataclass
class Served:
    """What a server test holds."""

    source: DirectSource
    users: UserStore
    sessions: Sessions
    http: HttpServer

    @property
    def base(self) -> str:
        return self.http.url + "/api/v1"

    @property
    def ws_base(self) -> str:
        return self.base.replace("http", "ws", 1)

    def client(self, **options: object) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base, timeout=30, **options)  # type: ignore[arg-type]

    async def token(self, name: str, client: httpx.AsyncClient | None = None) -> str:
        async with contextlib.AsyncExitStack() as stack:
            if client is None:
                client = await stack.enter_async_context(self.client())
            r = await client.post("/auth/login", json={"username": name, "password": USERS[name][2]})
            assert r.status_code == 200, r.text
            return r.json()["token"]


def fast_polls(source: DirectSource, period: float = 1.0) -> None:
    """Every device polled each ``period`` seconds (the demo polls some slowly)."""
    assert source.scan is not None
    for bus in source.scan.scans.values():
        for d in bus.devices:
            d.period = period


async def until(check, timeout: float = 60.0, what: str = "condition"):
    """Poll ``check()`` until it returns something true."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > end:
            raise AssertionError(f"{what} not reached within {timeout:.0f} s")
        await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def served(db_url: str, tmp_path: Path, *, simulate: bool = True, sessions: Sessions | None = None,
                 cors: Sequence[str] = (), tls: tuple[Path, Path] | None = None,
                 limits: StreamLimits | None = None, sock: socket.socket | None = None,
                 mobile_dir: Path | None = None) -> AsyncIterator[Served]:
    """The demo site served over HTTP(S) on 127.0.0.1 in this loop; stopped (HTTP first) on exit."""
    source = DirectSource(load_site(site_copy(tmp_path)), db_url, listen=("127.0.0.1", 0), simulate=simulate,
                          bus_timing=False)
    users = UserStore(db_url, hasher=Argon2Hasher(profiles.CHEAPEST))
    sessions = sessions or Sessions()
    loop = asyncio.get_running_loop()
    await source.start()
    http = None
    try:
        await loop.run_in_executor(None, make_users, users)
        app = create_app(source, users, sessions, mobile_dir=mobile_dir, cors_origins=cors, stream_limits=limits)
        http = HttpServer(app, "127.0.0.1", 0, certfile=tls[0] if tls else None, keyfile=tls[1] if tls else None,
                          sock=sock, graceful_s=2)
        await http.start()
        yield Served(source, users, sessions, http)
    finally:
        try:
            if http is not None:
                await http.stop()
        finally:
            await source.stop()
            await loop.run_in_executor(None, users.close)
