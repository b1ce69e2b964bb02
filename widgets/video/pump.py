"""New frames of many cameras handed to the GUI together, at most `rate_hz` times a second.

Nine cameras at 25 fps are 225 frames a second.  Delivered one by one, every frame would be
its own turn of the GUI loop and its own repaint of the window; the pump gathers the tiles
that have a new frame and hands them over in one go, so the tiles repaint in one pass.  It
wakes at once when idle (one camera: no added latency) and never more often than `rate_hz`
(many cameras: bounded work).  Nothing queues: a tile with two new frames since the last go
paints only the newest.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

#: Deliveries a second at most: a little above the cameras' usual 25 fps so none is held back long.
RATE_HZ = 60.0


class FramePump(QObject):
    """Collects "a new frame is there" from worker threads; calls each waiting tile back on the GUI thread."""

    _wake = Signal()

    def __init__(self, parent: QObject | None = None, rate_hz: float = RATE_HZ) -> None:
        super().__init__(parent)
        self.gap_s = 1.0 / rate_hz
        self._lock = threading.Lock()
        self._waiting: dict[int, Callable[[], None]] = {}  # key -> the GUI-side callback
        self._armed = False  # a wake-up is on its way or a delivery is scheduled
        self._last = -math.inf
        self.deliveries = 0  # how many goes so far (tests, benches)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._deliver)
        self._wake.connect(self._on_wake, Qt.ConnectionType.QueuedConnection)

    def post(self, key: int, callback: Callable[[], None]) -> None:
        """Any thread: ``callback`` is to run on the GUI thread at the next go (once, however often posted)."""
        with self._lock:
            self._waiting[key] = callback
            if self._armed:
                return
            self._armed = True
        self._wake.emit()

    def forget(self, key: int) -> None:
        """GUI thread: drop what ``key`` posted (its stream was let go)."""
        with self._lock:
            self._waiting.pop(key, None)

    @Slot()
    def _on_wake(self) -> None:
        wait = self._last + self.gap_s - time.monotonic()
        if wait > 0:
            self._timer.start(max(1, math.ceil(wait * 1000)))
        else:
            self._deliver()

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            waiting, self._waiting = self._waiting, {}
            self._armed = False
        self._last = time.monotonic()
        self.deliveries += 1
        for callback in waiting.values():
            callback()
