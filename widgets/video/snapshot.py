"""A camera's picture kept: to a PNG/JPEG file or to the clipboard, at the camera's own resolution.

A snapshot is evidence ("the door was open at 14:02"), so it is the full-resolution frame,
not the tile's scaled copy, and its default name says which camera and when (local time).
Encoding a 1080p PNG takes longer than a GUI frame: it runs on a worker thread and the
result is reported back in words.  The file dialog is the module-level `ask_path`, which
tests replace.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QWidget

from app.video.model import Frame

log = logging.getLogger(__name__)


def default_name(camera_id: str, when: datetime | None = None) -> str:
    """``<camera id>_<local time>.png``, safe as a file name on Windows too."""
    stamp = (when or datetime.now().astimezone()).strftime("%Y%m%d-%H%M%S")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in camera_id)
    return f"{safe}_{stamp}.png"


def ask_path(parent: QWidget | None, suggested: str) -> str:
    """Where to save (a file dialog); "" when the person cancelled.  Tests monkeypatch this."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    path, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("Snapshot", "Save snapshot"),
        str(Path(folder) / suggested) if folder else suggested,
        QCoreApplication.translate("Snapshot", "Images (*.png *.jpg *.jpeg)"),
    )
    return path


def to_qimage(frame: Frame) -> QImage:
    """An independent QImage copy of ``frame`` (the clipboard keeps it after the frame is gone)."""
    image = np.ascontiguousarray(frame.image)
    height, width = image.shape[:2]
    return QImage(image.data, width, height, image.strides[0], QImage.Format.Format_RGB888).copy()


def copy_to_clipboard(frame: Frame) -> None:
    """Put the frame on the clipboard as an image."""
    clipboard = QGuiApplication.clipboard()
    clipboard.setImage(to_qimage(frame))


def encode(frame: Frame, path: Path) -> None:
    """Write ``frame`` to ``path``: JPEG for .jpg/.jpeg, PNG otherwise (any path, also non-ASCII)."""
    suffix = path.suffix.lower()
    ext, params = (".jpg", [cv2.IMWRITE_JPEG_QUALITY, 92]) if suffix in (".jpg", ".jpeg") else (".png", [])
    bgr = cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR)
    ok, data = cv2.imencode(ext, bgr, params)
    if not ok:
        raise OSError(f"the picture could not be encoded as {ext}")
    # cv2.imwrite cannot open non-ASCII paths on Windows (a Chinese user folder): write the bytes ourselves.
    path.write_bytes(data.tobytes())


class SnapshotWriter(QObject):
    """Saves snapshots on worker threads; `saved(path)` or `failed(words)` on the GUI thread."""

    saved = Signal(str)
    failed = Signal(str)
    _done = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.workers: list[threading.Thread] = []

    def save(self, frame: Frame, camera_id: str, parent: QWidget | None = None) -> str:
        """Ask where (the dialog), then write in the background; returns the path chosen ("" cancelled)."""
        chosen = ask_path(parent, default_name(camera_id))
        if not chosen:
            return ""
        path = Path(chosen)
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            path = path.with_suffix(".png")

        def work() -> None:
            try:
                encode(frame, path)
            except Exception as exc:
                log.warning("snapshot of %s to %s failed: %s", camera_id, path, exc)
                words = QCoreApplication.translate("Snapshot", "The snapshot could not be saved: %1")
                text = words.replace("%1", str(exc))
                self._done.emit(lambda: self.failed.emit(text))
            else:
                log.info("snapshot of %s saved to %s", camera_id, path)
                self._done.emit(lambda: self.saved.emit(str(path)))

        self.workers = [w for w in self.workers if w.is_alive()]
        worker = threading.Thread(target=work, name=f"snapshot-{camera_id}", daemon=True)
        worker.start()
        self.workers.append(worker)
        return str(path)

    @Slot(object)
    def _deliver(self, fn: Callable[[], None]) -> None:
        fn()
