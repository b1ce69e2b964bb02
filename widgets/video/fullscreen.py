"""A camera full screen: a frameless window over the screen its tile is on.

It shows the tile's own stream (no second connection to the camera: many cameras allow only
a few sessions) and asks that stream for pictures of the screen's size while it is open.
Esc or a double-click returns to the grid.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from widgets.video.overlay import paint_tile
from widgets.video.tile import VideoTile


class FullScreenView(QWidget):
    """Shows ``tile``'s camera over a whole screen until Esc or a double-click; `closed` then."""

    closed = Signal()

    def __init__(self, tile: VideoTile) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.tile = tile
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        if tile.camera is not None:
            self.setWindowTitle(tile.camera.shown_name())  # the name only: never the address
        tile.frame_shown.connect(self.update)
        tile.status_changed.connect(self._on_status)

    def open(self) -> None:
        """Cover the screen the tile is on."""
        screen = self.tile.screen()
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.activateWindow()
        self.tile.set_full_screen(True)
        ratio = self.devicePixelRatioF()
        self.tile.set_target(QSize(round(self.width() * ratio), round(self.height() * ratio)))

    @Slot(object)
    def _on_status(self, _status: object) -> None:
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Esc returns to the grid."""
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """A double-click returns to the grid, as one brought it here."""
        self.close()
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """The tile's newest frame and overlay, at this window's size."""
        painter = QPainter(self)
        paint_tile(painter, QRectF(self.rect()), self.tile, self.devicePixelRatioF())
        painter.end()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Give the tile back its own picture size."""
        try:
            self.tile.frame_shown.disconnect(self.update)
            self.tile.status_changed.disconnect(self._on_status)
            self.tile.set_target(QSize())
            self.tile.set_full_screen(False)
        except RuntimeError:  # the tile is already gone (the console is closing)
            pass
        self.closed.emit()
        super().closeEvent(event)
