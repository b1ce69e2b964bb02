"""The console's video pane: the camera list beside the grid, and the door the console uses.

`show_camera(camera id, reason)` is how the rest of the console brings a camera up — an
alarm's popup, a diagram faceplate's "Show camera": the pane asks to be brought forward
(`raise_requested`, the main window raises its dock), the camera goes in a cell and the
reason (the alarm's text) stays on it for a while.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDockWidget, QSplitter, QToolBar, QVBoxLayout, QWidget

from app.sources.base import CameraInfo
from widgets.video.camera_list import CameraList
from widgets.video.grid import SIZES, VideoGrid
from widgets.video.tile import VideoTile
from widgets.video.urls import UrlLookup

log = logging.getLogger(__name__)


class VideoPane(QWidget):
    """Toolbar (1, 4, 9 cells), the camera list and the grid.

    Signals: `raise_requested()` when a camera was asked for (bring the pane forward),
    `changed()` when the layout changed, `message(str)` for the status bar.
    """

    raise_requested = Signal()
    changed = Signal()
    message = Signal(str)

    def __init__(self, cameras: Sequence[CameraInfo], lookup: UrlLookup, parent: QWidget | None = None, *,
                 stream_options: dict | None = None) -> None:
        """``lookup`` gives a camera's address off the GUI thread (`widgets.video.urls`);
        ``stream_options`` are passed to every `CameraStream` (timeouts, backoff)."""
        super().__init__(parent)
        self.cameras = list(cameras)
        self.grid = VideoGrid(cameras, lookup, self, stream_options=stream_options)
        self.camera_list = CameraList(cameras, self)
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._size_actions: dict[int, QAction] = {}
        group = QActionGroup(self)
        for size in SIZES:
            action = QAction(self, checkable=True)
            action.triggered.connect(lambda _=False, n=size: self.set_grid_size(n))
            group.addAction(action)
            self.toolbar.addAction(action)
            self._size_actions[size] = action
        self.list_action = QAction(self, checkable=True)
        self.list_action.setChecked(True)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.list_action)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.camera_list)
        self.splitter.addWidget(self.grid)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        # The list as wide as its longest name (within reason), the grid the rest.
        wanted = min(260, max(120, self.camera_list.sizeHintForColumn(0) + 2 * self.camera_list.frameWidth() + 8))
        self.splitter.setSizes([wanted, 640])
        self.list_action.toggled.connect(self.camera_list.setVisible)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.toolbar)
        column.addWidget(self.splitter, 1)
        self.camera_list.chosen.connect(self.show_camera)
        self.grid.changed.connect(self._grid_changed)
        self.grid.message.connect(self.message)
        self._grid_changed()
        self.retranslate()

    def retranslate(self) -> None:
        """Every string of the pane (again, after a language change)."""
        words = {1: self.tr("1 camera"), 4: self.tr("4 cameras"), 9: self.tr("9 cameras")}
        for size, action in self._size_actions.items():
            action.setText(words[size])
        self.list_action.setText(self.tr("Camera list"))
        self.list_action.setToolTip(self.tr("Show or hide the list of cameras"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Retranslate when the language is switched."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @Slot()
    def _grid_changed(self) -> None:
        self._size_actions[self.grid.size].setChecked(True)
        self.changed.emit()

    # -- what the console calls ---------------------------------------------------------------

    @Slot(str)
    @Slot(str, str)
    def show_camera(self, camera_id: str, reason: str = "") -> VideoTile | None:
        """Bring the pane forward and show ``camera_id`` (in its cell, a free one, or cell 1) with ``reason``."""
        tile = self.grid.bring_up(camera_id, reason)
        if tile is None:
            self.message.emit(self.tr("This site has no camera %1.").replace("%1", camera_id))
            log.warning("asked to show camera %s, which this site does not have", camera_id)
            return None
        self.raise_requested.emit()
        return tile

    def follow(self, dock: QDockWidget) -> None:
        """Decode only while ``dock`` is in front: a dock tabbed away stays "visible" to Qt, but
        its `visibilityChanged` says it is not seen (closed or floating docks as well)."""
        dock.visibilityChanged.connect(self.set_on_screen)

    @Slot(bool)
    def set_on_screen(self, on: bool) -> None:
        """Whether the pane can be seen: when not, every tile stops decoding; when again, the shown ones start."""
        for tile in self.grid.tiles:
            tile.set_on_screen(on)

    def set_grid_size(self, size: int) -> None:
        """1, 4 or 9 cells."""
        self.grid.set_size(size)

    def layout_state(self) -> str:
        """The pane's layout as JSON (saved with the window's): grid size, cameras per cell, the list shown."""
        data = dict(self.grid.to_dict())
        data["list"] = self.list_action.isChecked()
        return json.dumps(data, ensure_ascii=False)

    def restore_layout_state(self, text: str) -> None:
        """A layout from `layout_state`; anything unreadable leaves the default (the site's first cameras)."""
        try:
            data = json.loads(text) if text else None
        except ValueError:
            log.warning("the saved video layout is not JSON; using the default")
            data = None
        if not isinstance(data, dict) or "cells" not in data:
            self.default_layout()
            return
        self.grid.from_dict(data)
        if isinstance(data.get("list"), bool):
            self.list_action.setChecked(data["list"])

    def default_layout(self) -> None:
        """The site's first cameras in a grid that holds them (at most 9), the list folded away
        (the grid gets the dock's width; the toolbar's button shows the list)."""
        self.list_action.setChecked(False)
        count = len(self.cameras)
        self.grid.set_size(1 if count <= 1 else 4 if count <= 4 else 9)
        for cell, camera in enumerate(self.cameras[: self.grid.size]):
            self.grid.put(cell, camera.id)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop every stream (the console is closing)."""
        self.grid.shutdown(timeout)
