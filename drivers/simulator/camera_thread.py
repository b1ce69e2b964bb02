"""A simulated camera server on an event loop of its own, for synchronous tests and benches.

OpenCV's capture, the video panes' workers and the benches are synchronous code; they need a
camera server that runs beside them.  `serve_in_thread` runs a `CameraServer` on a fresh
event loop in a daemon thread and hands back a `ThreadedCameraServer` whose methods may be
called from any thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from drivers.simulator.camera import CameraServer
from drivers.simulator.spec import SimCamera


@contextlib.contextmanager
def serve_in_thread(
    cameras: Sequence[SimCamera], host: str = "127.0.0.1", port: int = 0, **options: Any
) -> Iterator[ThreadedCameraServer]:
    """A `CameraServer` on an event loop of its own in a thread, for synchronous tests and benches.

    Yields a `ThreadedCameraServer`: the server's port, URLs and test controls, callable from any
    thread.  Leaving the block stops the server (every session closed) and the thread.
    """
    threaded = ThreadedCameraServer(CameraServer(host, port, cameras, **options))
    threaded.start()
    try:
        yield threaded
    finally:
        threaded.stop()


class ThreadedCameraServer:
    """A `CameraServer` running in a thread: its methods run on its loop and wait for the answer."""

    def __init__(self, server: CameraServer) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="camera-server", daemon=True)

    def start(self) -> int:
        """Start the loop and the server; returns the bound port (OSError if it is taken)."""
        self._thread.start()
        try:
            return asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(15)
        except BaseException:
            self._close_loop()
            raise

    def stop(self) -> None:
        """Stop the server and end the thread."""
        try:
            asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(15)
        finally:
            self._close_loop()

    def _close_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self.loop.close()

    def _call(self, fn: Any, *args: Any) -> Any:
        async def call() -> Any:
            return fn(*args)

        return asyncio.run_coroutine_threadsafe(call(), self.loop).result(10)

    @property
    def port(self) -> int:
        return self.server.port

    def url(self, camera_id: str, username: str | None = None, password: str | None = None) -> str:
        """See `CameraServer.url`."""
        return self.server.url(camera_id, username, password)

    def viewers(self, camera_id: str) -> int:
        return int(self._call(self.server.viewers, camera_id))

    def encoding(self, camera_id: str) -> bool:
        return bool(self._call(self.server.encoding, camera_id))

    def frames(self, camera_id: str) -> int:
        return int(self._call(self.server.frames, camera_id))

    def sessions(self) -> int:
        return int(self._call(self.server.sessions))

    def freeze(self, camera_id: str, frozen: bool = True) -> None:
        self._call(self.server.freeze, camera_id, frozen)

    def disconnect(self, camera_id: str | None = None) -> int:
        return int(self._call(self.server.disconnect, camera_id))
