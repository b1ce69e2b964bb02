"""One camera on screen: the newest frame, and over it what an operator must read.

A tile owns at most one `CameraStream` and only while it is shown: a hidden tile (a grid
cell switched away, the pane's dock tabbed away or closed) stops its stream, so nobody's
CPU decodes video no one looks at, and starts a fresh one when shown again.  Stopping joins
the worker, which can wait for a read or a connect to time out: it runs on a thread of its
own, never on the GUI thread.

Frames are never queued here.  The stream's worker calls ``on_frame`` after each new frame;
the tile posts one queued signal and no more until the GUI has taken it, then paints
whatever is newest — a GUI slower than the camera skips frames instead of falling behind.
The frame is drawn straight from its numpy buffer (a QImage over it, no copy, no per-pixel
Python), already scaled in the worker to the tile's size in device pixels.

The overlay says the camera's name, its state in words (live with resolution and fps, or why
not and when the next attempt comes), and for a while the reason it was brought up (an
alarm's text).  The camera's address is never shown: it carries the credentials.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QContextMenuEvent,
    QHideEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.video.address import redact
from app.video.model import Frame, StreamState, StreamStatus
from app.video.stream import CameraStream
from widgets.runtime import names_language
from widgets.video.overlay import in_language, paint_tile, state_words
from widgets.video.pump import FramePump
from widgets.video.urls import UrlLookup

log = logging.getLogger(__name__)

#: How long the reason a camera was brought up (an alarm's text) stays on its tile.
BANNER_S = 60.0
#: After a failed address lookup, when to ask again (while the tile is shown).
URL_RETRY_S = 15.0

@dataclass(frozen=True, slots=True)
class Camera:
    """A camera as a tile names it (never its address)."""

    id: str
    name: str
    name_en: str

    def shown_name(self) -> str:
        """The name in the console's language, the id when it has none."""
        name = self.name if names_language() == "zh" else self.name_en
        return name or self.name or self.id


class _StreamLink(QObject):
    """One stream's callbacks, carried from its worker to the GUI thread.

    One per stream: when a tile lets a stream go, it cuts this link, so a stream still
    stopping on its thread can no longer touch the tile.  Frames go through the grid's
    `FramePump` (all tiles' new frames in one go); states, rare, as a queued signal each.
    """

    status_changed = Signal(object)

    def __init__(self, pump: FramePump, on_frame: Callable[[], None]) -> None:
        super().__init__()
        self._pump = pump
        self._target: Callable[[], None] | None = on_frame

    def on_frame(self) -> None:
        """Worker thread: ask the pump for a go (one per go, however many frames come meanwhile)."""
        self._pump.post(id(self), self._deliver)

    def _deliver(self) -> None:
        target = self._target
        if target is not None:
            target()

    def cut(self) -> None:
        """GUI thread: nothing of this stream reaches the tile any more."""
        self._target = None
        self._pump.forget(id(self))

    def on_status(self, status: StreamStatus) -> None:
        """Worker thread: a state change, each one delivered."""
        self.status_changed.emit(status)


class VideoTile(QWidget):
    """A cell of the video grid: one camera's picture and its overlay, or a hint when empty.

    Signals: `frame_shown()` after a new frame was taken (a full-screen view follows it),
    `status_changed(StreamStatus)`, `activated()` on double-click, `menu_requested(QPoint)`
    (global position) for the grid's context menu.  Drops are the grid's (it knows the cameras).
    """

    frame_shown = Signal()
    status_changed = Signal(object)
    activated = Signal()
    menu_requested = Signal(QPoint)

    def __init__(self, lookup: UrlLookup, parent: QWidget | None = None, *, stream_options: dict | None = None,
                 banner_s: float = BANNER_S, pump: FramePump | None = None) -> None:
        """``pump``: shared by the tiles of a grid (one repaint pass for all new frames); a tile's own when None."""
        super().__init__(parent)
        self._lookup = lookup
        self._pump = pump if pump is not None else FramePump(self)
        self._options = dict(stream_options or {})
        self.banner_s = banner_s
        self.camera: Camera | None = None
        self.stream: CameraStream | None = None
        self._link: _StreamLink | None = None
        self._url: str | None = None
        self._url_error = ""
        self._asking = False
        self._status: StreamStatus | None = None
        self._status_at = 0.0  # monotonic time the status arrived (the retry countdown counts from it)
        self._frame: Frame | None = None
        self.frames_painted = 0  # distinct frames painted so far, over every stream (tests, benches)
        self._painted: Frame | None = None
        self.overlays: dict[tuple[int, int], tuple[object, QPixmap]] = {}  # the overlay drawn, per size (overlay.py)
        self._banner = ""
        self._banner_until = 0.0
        self._target = QSize(0, 0)  # a larger picture asked for while a full-screen view shows this camera
        self._stopping: list[threading.Thread] = []
        self._on_screen = True  # False while the pane's dock is tabbed away (a tab behind is still "visible")
        self._full_screen = False  # a full-screen view shows this tile's stream
        self._tick = QTimer(self)  # the overlay's clock: retry countdown, banner expiry
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)
        self.setAcceptDrops(True)

    # -- what the tile shows ------------------------------------------------------------------

    def set_camera(self, camera: Camera | None) -> None:
        """Show ``camera`` (None: the cell becomes empty); a stream starts when the tile is shown."""
        if camera == self.camera:
            return
        self._release()
        self.camera = camera
        self._url = None
        self._url_error = ""
        self._frame = None
        self._status = None
        self.set_banner("")
        self.setToolTip(f"{camera.shown_name()} ({camera.id})" if camera else "")
        if camera is not None:
            self._follow_sight()
        self._retick()
        self.update()

    def set_banner(self, text: str) -> None:
        """Show ``text`` (why this camera was brought up) on the tile for `banner_s` seconds."""
        self._banner = text
        self._banner_until = time.monotonic() + self.banner_s if text else 0.0
        self._retick()
        self.update()

    @property
    def banner(self) -> str:
        """The reason shown now ("" when none or expired)."""
        return self._banner if time.monotonic() < self._banner_until else ""

    @property
    def status(self) -> StreamStatus | None:
        """The stream's last status as the tile shows it (None: no stream yet)."""
        return self._status

    @property
    def frame(self) -> Frame | None:
        """The frame painted (or about to be)."""
        return self._frame

    def full_frame(self) -> Frame | None:
        """The newest frame at the camera's own resolution (snapshots), if any."""
        return self.stream.full_frame() if self.stream is not None else None

    def status_lines(self) -> list[str]:
        """The state as the overlay writes it: the state in words, then why (if said), then the retry.

        Tests read it; it never holds the address (details pass through `redact`)."""
        if self.camera is None:
            return []
        if self._url_error:
            return [self.tr("Camera address unknown"), in_language(self._url_error)]
        status = self._status
        if status is None:
            return [state_words(StreamState.CONNECTING)]
        words = state_words(status.state)
        if status.state is StreamState.LIVE:
            if status.width and status.height:
                words += f" · {status.width}×{status.height}"
            if status.fps > 0:  # measured after the first second
                words += f" · {status.fps:.0f} fps"
            return [words]
        lines = [words]
        if status.detail:
            lines.append(in_language(redact(status.detail)))
        left = self._retry_left()
        if left is not None:
            lines.append(self.tr("Retrying in %1 s").replace("%1", str(left)) if left > 0 else self.tr("Reconnecting…"))
        return lines

    def status_text(self) -> str:
        """`status_lines` on one line."""
        return " · ".join(self.status_lines())

    def _retry_left(self) -> int | None:
        status = self._status
        if status is None or status.retry_in_s is None:
            return None
        return max(0, round(status.retry_in_s - (time.monotonic() - self._status_at)))

    def set_target(self, size: QSize) -> None:
        """Ask the stream for pictures of at least ``size`` device pixels (a full-screen view); empty: the tile's."""
        self._target = QSize(size)
        self._send_target()

    # -- the stream's life --------------------------------------------------------------------

    def set_on_screen(self, on: bool) -> None:
        """Whether the tile can be seen at all (its dock in front): a tile nobody sees does not decode."""
        self._on_screen = on
        self._follow_sight()

    def set_full_screen(self, on: bool) -> None:
        """A full-screen view shows this tile's stream (or no longer): it decodes while that view is open,
        even with the tile itself out of sight (its dock tabbed away on the other monitor)."""
        self._full_screen = on
        self._follow_sight()

    def _follow_sight(self) -> None:
        seen = self._full_screen or (self._on_screen and self.isVisible())
        if not seen:
            self._release()
        elif self.camera is not None and self.stream is None:
            self._begin()

    @property
    def decoding(self) -> bool:
        """Whether this tile has a stream now (shown, on screen, with a camera and its address)."""
        return self.stream is not None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Shown (again): start decoding."""
        super().showEvent(event)
        self._follow_sight()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        """Hidden (a cell switched away, the dock tabbed away or closed): stop decoding."""
        super().hideEvent(event)
        self._follow_sight()

    def _begin(self) -> None:
        camera = self.camera
        if camera is None:
            return
        if self._url is None:
            if not self._asking:
                self._asking = True
                self._lookup(camera.id, lambda url, c=camera: self._got_url(c, url),
                             lambda exc, c=camera: self._no_url(c, exc))  # fmt: skip
            return
        link = _StreamLink(self._pump, self._on_frame_ready)
        link.status_changed.connect(self._on_status)
        stream = CameraStream(self._url, label=camera.id, on_frame=link.on_frame, on_status=link.on_status,
                              **self._options)  # fmt: skip
        self._link, self.stream = link, stream
        self._send_target()
        stream.start()
        log.info("camera %s: stream started", camera.id)

    def _got_url(self, camera: Camera, url: str) -> None:
        self._asking = False
        if camera != self.camera:
            return  # the cell shows another camera by now
        self._url, self._url_error = url, ""
        if self.stream is None and (self._full_screen or (self.isVisible() and self._on_screen)):
            self._begin()
        self.update()

    def _no_url(self, camera: Camera, exc: Exception) -> None:
        self._asking = False
        if camera != self.camera:
            return
        self._url_error = redact(str(exc).strip() or type(exc).__name__)
        log.warning("camera %s: no address: %s", camera.id, self._url_error)
        # Asked again later: the source may be reconnecting, an environment variable may be set by then.
        QTimer.singleShot(round(URL_RETRY_S * 1000), self, lambda c=camera: self._ask_again(c))
        self.update()

    def _ask_again(self, camera: Camera) -> None:
        if camera == self.camera and self._url is None and not self._asking:
            self._follow_sight()

    def _release(self) -> None:
        """Let the stream go: its link is cut now, its worker stops on a thread of its own."""
        stream, link = self.stream, self._link
        self.stream, self._link = None, None
        if link is not None:
            link.cut()
            link.status_changed.disconnect(self._on_status)
        if stream is None:
            return
        self._stopping = [t for t in self._stopping if t.is_alive()]
        worker = threading.Thread(target=_stop, args=(stream,), name=f"camera-stop-{stream.label}", daemon=True)
        worker.start()
        self._stopping.append(worker)
        if self._status is not None:
            self._status = StreamStatus(StreamState.STOPPED, int(time.time() * 1000))

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the stream and wait for every stopping worker (the console is closing)."""
        self._release()
        deadline = time.monotonic() + timeout
        for worker in self._stopping:
            worker.join(max(0.0, deadline - time.monotonic()))
        self._stopping = [t for t in self._stopping if t.is_alive()]

    @Slot()
    def _on_frame_ready(self) -> None:
        stream = self.stream
        if stream is None:
            return
        frame = stream.latest()
        if frame is None or frame is self._frame:
            return
        self._frame = frame
        self.update()
        self.frame_shown.emit()

    @Slot(object)
    def _on_status(self, status: StreamStatus) -> None:
        self._status = status
        self._status_at = time.monotonic()
        self._retick()
        self.update()
        self.status_changed.emit(status)

    def _retick(self) -> None:
        """The overlay's clock runs only while something on it counts down."""
        counting = self.banner != "" or (self._status is not None and self._status.retry_in_s is not None
                                         and self._status.state is not StreamState.LIVE)  # fmt: skip
        if counting and not self._tick.isActive():
            self._tick.start()
        elif not counting:
            self._tick.stop()

    @Slot()
    def _on_tick(self) -> None:
        self._retick()
        self.update()

    def _send_target(self) -> None:
        if self.stream is None:
            return
        ratio = self.devicePixelRatioF()
        width, height = round(self.width() * ratio), round(self.height() * ratio)
        if not self._target.isEmpty():
            width, height = max(width, self._target.width()), max(height, self._target.height())
        self.stream.set_target_size(width, height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Frames are scaled once, in the worker, to what the tile shows in device pixels."""
        super().resizeEvent(event)
        self._send_target()

    # -- input --------------------------------------------------------------------------------

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Double-click: the grid shows this camera full screen."""
        if event.button() == Qt.MouseButton.LeftButton and self.camera is not None:
            self.activated.emit()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt's name
        """The grid builds the cell's menu (it knows the cameras)."""
        self.menu_requested.emit(event.globalPos())
        event.accept()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """A language switch changes the names and words on the overlay."""
        if event.type() == QEvent.Type.LanguageChange:
            self.overlays.clear()  # the words are drawn again in the new language
            if self.camera is not None:
                self.setToolTip(f"{self.camera.shown_name()} ({self.camera.id})")
            self.update()
        super().changeEvent(event)

    # -- painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """The frame (fitted, black bars), then the overlay."""
        painter = QPainter(self)
        paint_tile(painter, QRectF(self.rect()), self, self.devicePixelRatioF())
        painter.end()
        if self._frame is not None and self._frame is not self._painted:
            self._painted = self._frame
            self.frames_painted += 1


def _stop(stream: CameraStream) -> None:
    try:
        stream.stop()
    except Exception:  # a stream that fails to stop must not end the console
        log.exception("camera %s: stopping the stream failed", stream.label)
