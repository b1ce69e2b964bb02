"""Where a tile gets its camera's address: from the data source, off the GUI thread.

The address holds the camera's credentials, so the site model the console keeps never has
it; a tile asks for it when it starts a stream and keeps it only in memory.  The question
goes to the core loop (`DataSource.camera_url`) through the bridge, or, for a pane without
a bridge (tests, benches), to a coroutine run on a worker thread: the GUI never waits on it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal, Slot

from widgets.bridge import SourceBridge

UrlFor = Callable[[str], Awaitable[str]]


class UrlLookup(Protocol):
    """Ask for a camera's address; the answer comes later, on the GUI thread."""

    def __call__(self, camera_id: str, on_done: Callable[[str], None],
                 on_error: Callable[[Exception], None]) -> None: ...  # fmt: skip


def via_bridge(bridge: SourceBridge) -> UrlLookup:
    """The console's lookup: `DataSource.camera_url` on the core loop."""

    def lookup(camera_id: str, on_done: Callable[[str], None], on_error: Callable[[Exception], None]) -> None:
        bridge.request(lambda source: source.camera_url(camera_id), on_done, on_error)  # type: ignore[attr-defined]

    return lookup


class _Answers(QObject):
    """Carries a worker thread's answer to the GUI thread (a queued signal)."""

    answered = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.answered.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        fn()


def via_thread(url_for: UrlFor) -> UrlLookup:
    """A lookup that runs ``url_for(camera_id)`` on a short-lived worker thread of its own."""
    answers = _Answers()

    def lookup(camera_id: str, on_done: Callable[[str], None], on_error: Callable[[Exception], None]) -> None:
        def work() -> None:
            try:
                url = asyncio.run(_awaited(url_for(camera_id)))
            except Exception as exc:
                answers.answered.emit(lambda e=exc: on_error(e))
            else:
                answers.answered.emit(lambda: on_done(url))

        threading.Thread(target=work, name=f"camera-url-{camera_id}", daemon=True).start()

    lookup.answers = answers  # type: ignore[attr-defined]  # kept alive with the function
    return lookup


async def _awaited(value: Awaitable[str]) -> str:
    return await value
