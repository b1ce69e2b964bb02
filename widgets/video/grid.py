"""The video grid: 1, 4 or 9 cells, each a camera or a hint to drag one there.

Cameras come by drag (the camera list, or a device from the device browser: its first linked
camera), by a cell's context menu, or from the console (`bring_up` — an alarm, a faceplate's
"Show camera").  The grid's size and the camera of every cell are the operator's layout, saved
with the window's (`to_dict` / `from_dict`).  Cells beyond the grid's size keep their camera
but are hidden, so their streams stop until the grid grows again.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QGridLayout, QMenu, QWidget

from app.sources.base import CameraInfo
from widgets.devices import DEVICES_MIME
from widgets.video import CAMERA_MIME
from widgets.video.fullscreen import FullScreenView
from widgets.video.pump import FramePump
from widgets.video.snapshot import SnapshotWriter, copy_to_clipboard
from widgets.video.tile import Camera, VideoTile
from widgets.video.urls import UrlLookup

log = logging.getLogger(__name__)

SIZES = (1, 4, 9)
MOST = max(SIZES)


def camera_ids(mime: QMimeData) -> list[str]:
    """The camera ids a drag carries, one a line."""
    if not mime.hasFormat(CAMERA_MIME):
        return []
    text = bytes(mime.data(CAMERA_MIME).data()).decode("utf-8", "replace")
    return [line.strip() for line in text.splitlines() if line.strip()]


def device_ids(mime: QMimeData) -> list[str]:
    """The device ids a drag from the device browser carries, one a line."""
    if not mime.hasFormat(DEVICES_MIME):
        return []
    text = bytes(mime.data(DEVICES_MIME).data()).decode("utf-8", "replace")
    return [line.strip() for line in text.splitlines() if line.strip()]


class VideoGrid(QWidget):
    """Cells of cameras.  Signals: `changed()` when the layout changed, `message(str)` for the status bar."""

    changed = Signal()
    message = Signal(str)

    def __init__(self, cameras: Sequence[CameraInfo], lookup: UrlLookup, parent: QWidget | None = None, *,
                 stream_options: dict | None = None) -> None:
        super().__init__(parent)
        self.cameras = {c.id: Camera(c.id, c.name, c.name_en) for c in cameras}
        self._by_device: dict[str, str] = {}
        for c in cameras:
            for device in c.devices:
                self._by_device.setdefault(device, c.id)  # a device's first linked camera
        self.pump = FramePump(self)  # the new frames of every cell in one repaint pass
        self.tiles = [VideoTile(lookup, self, stream_options=stream_options, pump=self.pump) for _ in range(MOST)]
        self.snapshots = SnapshotWriter(self)
        self.snapshots.saved.connect(lambda path: self.message.emit(self.tr("Snapshot saved: %1").replace("%1", path)))
        self.snapshots.failed.connect(self.message.emit)
        self.full_screen_view: FullScreenView | None = None
        for index, tile in enumerate(self.tiles):
            tile.installEventFilter(self)
            tile.activated.connect(lambda i=index: self.full_screen(i))
            tile.menu_requested.connect(lambda pos, i=index: self._menu(i, pos))
            tile.hide()
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.size = 0
        self.set_size(4)

    # -- layout -------------------------------------------------------------------------------

    def set_size(self, size: int) -> None:
        """Show ``size`` cells (1, 4 or 9); the others keep their camera, hidden and not decoding."""
        if size not in SIZES:
            raise ValueError(f"a video grid has 1, 4 or 9 cells, not {size!r}")
        if size == self.size:
            return
        for tile in self.tiles:
            self._layout.removeWidget(tile)
        side = math.isqrt(size)
        for index, tile in enumerate(self.tiles):
            if index < size:
                self._layout.addWidget(tile, index // side, index % side)
        for r in range(MOST):  # equal rows and columns whatever the grid was before
            self._layout.setRowStretch(r, 1 if r < side else 0)
            self._layout.setColumnStretch(r, 1 if r < side else 0)
        self.size = size
        for index, tile in enumerate(self.tiles):
            tile.setVisible(index < size)
        self.changed.emit()

    def visible_tiles(self) -> list[VideoTile]:
        """The cells shown now, in order."""
        return self.tiles[: self.size]

    def to_dict(self) -> dict[str, object]:
        """The layout to remember: the grid's size and each cell's camera id (None: empty)."""
        return {"size": self.size, "cells": [t.camera.id if t.camera else None for t in self.tiles]}

    def from_dict(self, data: object) -> None:
        """A remembered layout; cameras this site no longer has are left out (logged)."""
        if not isinstance(data, dict):
            return
        size = data.get("size")
        cells = data.get("cells")
        if isinstance(cells, list):
            for tile, cid in zip(self.tiles, cells + [None] * (MOST - len(cells)), strict=False):
                camera = self.cameras.get(cid) if isinstance(cid, str) else None
                if isinstance(cid, str) and camera is None:
                    log.warning("the saved video layout names camera %s, which this site does not have", cid)
                tile.set_camera(camera)
        if size in SIZES:
            self.set_size(size)
        self.changed.emit()

    # -- putting cameras in cells -------------------------------------------------------------

    def put(self, cell: int, camera_id: str | None) -> bool:
        """Show ``camera_id`` in ``cell`` (None: empty it); False for an unknown camera."""
        camera = self.cameras.get(camera_id) if camera_id is not None else None
        if camera_id is not None and camera is None:
            return False
        self.tiles[cell].set_camera(camera)
        self.changed.emit()
        return True

    def bring_up(self, camera_id: str, reason: str = "") -> VideoTile | None:
        """Bring ``camera_id`` up: where it is shown already, else in a free cell, else in cell 1."""
        if camera_id not in self.cameras:
            return None
        shown = self.visible_tiles()
        tile = next((t for t in shown if t.camera is not None and t.camera.id == camera_id), None)
        if tile is None:
            tile = next((t for t in shown if t.camera is None), shown[0])
            self.put(self.tiles.index(tile), camera_id)
        if reason:
            tile.set_banner(reason)
        return tile

    def cameras_in(self, mime: QMimeData) -> list[str]:
        """The known cameras a drag brings: cameras by id, or each device's first linked camera."""
        found = [c for c in camera_ids(mime) if c in self.cameras]
        for device in device_ids(mime):
            camera = self._by_device.get(device)
            if camera is not None and camera not in found:
                found.append(camera)
        return found

    def drop(self, cell: int, mime: QMimeData) -> bool:
        """A drop on ``cell`` (the public half of drag and drop): its first camera goes there."""
        found = self.cameras_in(mime)
        if not found:
            return False
        return self.put(cell, found[0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Drags over and drops on the cells."""
        if watched in self.tiles:
            kind = event.type()
            if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
                assert isinstance(event, QDragEnterEvent | QDropEvent)
                if self.cameras_in(event.mimeData()):
                    event.acceptProposedAction()
                else:
                    event.ignore()
                return True
            if kind == QEvent.Type.Drop:
                assert isinstance(event, QDropEvent)
                if self.drop(self.tiles.index(watched), event.mimeData()):  # type: ignore[arg-type]
                    event.acceptProposedAction()
                return True
        return super().eventFilter(watched, event)

    # -- a cell's actions ---------------------------------------------------------------------

    def full_screen(self, cell: int) -> FullScreenView | None:
        """Show the camera of ``cell`` full screen on the cell's screen (Esc or double-click returns)."""
        tile = self.tiles[cell]
        if tile.camera is None:
            return None
        if self.full_screen_view is not None:
            self.full_screen_view.close()
        view = FullScreenView(tile)
        view.closed.connect(lambda: setattr(self, "full_screen_view", None))
        self.full_screen_view = view
        view.open()
        return view

    def snapshot_to_file(self, cell: int) -> str:
        """Save the cell's full-resolution frame (asks where); the path, or "" when there is none or cancelled."""
        tile = self.tiles[cell]
        frame = tile.full_frame()
        if tile.camera is None or frame is None:
            self.message.emit(self.tr("No picture to save yet."))
            return ""
        return self.snapshots.save(frame, tile.camera.id, self)

    def snapshot_to_clipboard(self, cell: int) -> bool:
        """Copy the cell's full-resolution frame to the clipboard."""
        frame = self.tiles[cell].full_frame()
        if frame is None:
            self.message.emit(self.tr("No picture to copy yet."))
            return False
        copy_to_clipboard(frame)
        self.message.emit(self.tr("Snapshot copied to the clipboard."))
        return True

    def menu_for(self, cell: int) -> QMenu:
        """The cell's context menu: choose camera, clear, snapshot to file, copy snapshot, full screen."""
        tile = self.tiles[cell]
        menu = QMenu(self)
        choose = menu.addMenu(self.tr("Choose camera"))
        for camera in self.cameras.values():
            action = choose.addAction(f"{camera.shown_name()} ({camera.id})")
            action.setCheckable(True)
            action.setChecked(tile.camera is not None and tile.camera.id == camera.id)
            action.triggered.connect(lambda _=False, c=camera.id: self.put(cell, c))
        choose.setEnabled(bool(self.cameras))
        has_camera = tile.camera is not None
        has_picture = has_camera and tile.frame is not None
        clear = menu.addAction(self.tr("Clear"))
        clear.setEnabled(has_camera)
        clear.triggered.connect(lambda: self.put(cell, None))
        menu.addSeparator()
        save = menu.addAction(self.tr("Snapshot to file…"))
        save.setEnabled(has_picture)
        save.triggered.connect(lambda: self.snapshot_to_file(cell))
        copy = menu.addAction(self.tr("Copy snapshot"))
        copy.setEnabled(has_picture)
        copy.triggered.connect(lambda: self.snapshot_to_clipboard(cell))
        menu.addSeparator()
        full = menu.addAction(self.tr("Full screen"))
        full.setEnabled(has_camera)
        full.triggered.connect(lambda: self.full_screen(cell))
        return menu

    def _menu(self, cell: int, pos: QPoint) -> None:
        menu = self.menu_for(cell)
        menu.exec(pos)
        menu.deleteLater()

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop every stream and wait for them (the console is closing)."""
        if self.full_screen_view is not None:
            self.full_screen_view.close()
        for tile in self.tiles:  # every stream told to stop first: they stop side by side
            tile.shutdown(0.0)
        deadline = time.monotonic() + timeout
        for tile in self.tiles:
            tile.shutdown(max(0.0, deadline - time.monotonic()))
