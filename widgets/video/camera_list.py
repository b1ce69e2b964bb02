"""The site's cameras as a list to drag onto the grid (or double-click to show one)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QEvent, QMimeData, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from app.sources.base import CameraInfo
from widgets.runtime import names_language
from widgets.video import CAMERA_MIME


def camera_mime(camera_id: str) -> QMimeData:
    """What dragging ``camera_id`` carries (also what tests drop)."""
    mime = QMimeData()
    mime.setData(CAMERA_MIME, QByteArray(camera_id.encode("utf-8")))
    return mime


class CameraList(QListWidget):
    """One row per camera: its name and room.  Signal `chosen(camera id)` on double-click or Enter."""

    chosen = Signal(str)

    def __init__(self, cameras: Sequence[CameraInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cameras = list(cameras)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.itemActivated.connect(lambda item: self.chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        self._fill()

    def _fill(self) -> None:
        self.clear()
        zh = names_language() == "zh"
        for camera in self.cameras:
            name = (camera.name if zh else camera.name_en) or camera.name or camera.id
            item = QListWidgetItem(f"{name} ({camera.id})", self)
            item.setData(Qt.ItemDataRole.UserRole, camera.id)
            item.setToolTip(self.tr("Drag onto a cell of the grid, or double-click to show it"))

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt's name
        return [CAMERA_MIME]

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:  # noqa: N802 - Qt's name
        """The dragged camera's id."""
        ids = [str(item.data(Qt.ItemDataRole.UserRole)) for item in items]
        return camera_mime("\n".join(ids))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Names follow the console's language."""
        if event.type() == QEvent.Type.LanguageChange:
            self._fill()
        super().changeEvent(event)
