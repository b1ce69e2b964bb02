"""A real server over a DirectSource on a loopback port, and a CloudSource signed in to it.

What the cloud tests (and the contract tests' ``cloud`` parameter) stand on: the server's own
`create_app` served by uvicorn on 127.0.0.1 in the test's loop, a test administrator created
in the source's user store before serving (a test's own password, never a product default),
and a `CloudSource` logged in as that administrator.  `ServedApi.stop()`/`start()` take the
server away and bring it back on the same port, as an outage would.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

from app.auth import Sessions, UserStore
from app.config import load_site
from app.sources.base import DataSource
from app.sources.cloud import CloudSource
from app.sources.cloud_stream import Backoff
from app.sources.direct import DirectSource

ADMIN = "cloud-admin"
ADMIN_PW = "Cl0ud-Rig-Operator-7"  # this test's own password


def _users_of(source: DataSource) -> UserStore:
    accounts = getattr(source, "accounts", None)
    if accounts is not None:
        return accounts.store
    raise TypeError("the rig serves a DirectSource (its accounts hold the user store)")


def ensure_admin(store: UserStore, name: str = ADMIN, password: str = ADMIN_PW) -> None:
    """The test administrator, made once per database."""
    if store.needs_first_admin():
        store.create_first_admin(name, password, "测试管理员", "test")


class ServedApi:
    """The server's app on a loopback port: stop and start it again on the same port."""

    def __init__(self, source: DataSource, users: UserStore, sessions: Sessions | None = None) -> None:
        self.source = source
        self.users = users
        self.sessions = sessions or Sessions()
        self.port = 0
        self._server: Any = None
        self._app: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Serve the server's own app with its own runner (`app.server.runner.HttpServer`)."""
        from app.server.app import create_app  # the server is imported only when a test serves
        from app.server.runner import HttpServer

        self._app = create_app(self.source, self.users, self.sessions, mobile_dir=None, cors_origins=())
        self._server = HttpServer(self._app, "127.0.0.1", self.port, graceful_s=2)
        _, self.port = await self._server.start()

    async def stop(self) -> None:
        """Stop serving (open streams are closed by the server's shutdown); the source runs on."""
        server, self._server = self._server, None
        if server is not None:
            await server.stop()


@contextlib.asynccontextmanager
async def served(source: DataSource) -> AsyncIterator[ServedApi]:
    """``source`` behind the real server, with the test administrator."""
    users = _users_of(source)
    await asyncio.get_running_loop().run_in_executor(None, ensure_admin, users)
    api = ServedApi(source, users)
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


@contextlib.asynccontextmanager
async def cloud_client(url: str, *, name: str = ADMIN, password: str = ADMIN_PW,
                       backoff: Backoff | None = None, **options: Any) -> AsyncIterator[CloudSource]:
    """A started CloudSource signed in as ``name`` (or with ``token=`` it already holds)."""
    credentials = None if options.get("token") else (name, password)
    cloud = CloudSource(url, credentials=credentials, backoff=backoff or Backoff(0.2, 2.0), **options)
    await cloud.start()
    try:
        yield cloud
    finally:
        await cloud.stop()


#: The DirectSource behind each CloudSource the rig made (tests reach the simulator through it).
BEHIND: dict[int, DataSource] = {}


def behind(source: DataSource) -> Any:
    """The source whose plant the test drives: itself for a DirectSource, the served one for a CloudSource."""
    return BEHIND.get(id(source), source)


@contextlib.asynccontextmanager
async def as_kind(kind: str, direct: DataSource) -> AsyncIterator[DataSource]:
    """``direct`` itself, or a CloudSource on ``direct`` behind the real server."""
    if kind == "direct":
        yield direct
        return
    async with served(direct) as api, cloud_client(api.url) as cloud:
        BEHIND[id(cloud)] = direct
        try:
            yield cloud
        finally:
            BEHIND.pop(id(cloud), None)


@contextlib.contextmanager
def server_in_thread(db_url: str, *, simulate: bool = True) -> Iterator[str]:
    """The demo plant behind the real server on a thread of its own (its own loop); yields the URL.

    For GUI tests, whose console runs its CloudSource on the bridge's loop: the server must not
    share the Qt thread or the bridge's loop, as a real server would not."""
    ready: queue.Queue[str | BaseException] = queue.Queue()
    stop = threading.Event()

    async def main() -> None:
        direct = DirectSource(load_site(), db_url, listen=("127.0.0.1", 0), simulate=simulate, bus_timing=False)
        try:
            await direct.start()
            assert direct.scan is not None
            for bus in direct.scan.scans.values():
                for d in bus.devices:
                    d.period = 1.0
            async with served(direct) as api:
                ready.put(api.url)
                await asyncio.get_running_loop().run_in_executor(None, stop.wait)
        except BaseException as exc:
            ready.put(exc)
            raise
        finally:
            await direct.stop()

    thread = threading.Thread(target=asyncio.run, args=(main(),), name="test-cloud-server", daemon=True)
    thread.start()
    got = ready.get(timeout=60)
    if isinstance(got, BaseException):
        thread.join(10)
        raise RuntimeError(f"the test server did not start: {got}") from got
    try:
        yield got
    finally:
        stop.set()
        thread.join(30)
