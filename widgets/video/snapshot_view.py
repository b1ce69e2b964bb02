"""The picture a camera gave when an alarm was raised, opened from the alarm list.

The snapshot is evidence of the moment ("the room was full of smoke at 14:02"), so the dialog
shows it with the camera's name and the time it was taken (the site's local time), and saves
the JPEG exactly as stored.  The bytes come from the `DataSource` through the bridge and are
decoded there on a worker thread (`asyncio.to_thread`), never on the GUI thread; the dialog is
not modal and never waits.  An alarm whose camera gave no picture says so with the camera's
reason ("no snapshot: authentication failed").  An alarm with several linked cameras has a
chooser.  The save dialog is the module-level `ask_path`, which tests replace.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.sources.base import DataSource
from app.video.snapshot_store import SnapshotInfo
from widgets.bridge import SourceBridge, describe

log = logging.getLogger(__name__)


def local_time(ts_ms: int, tz: ZoneInfo) -> str:
    """A UTC millisecond stamp as the site's local time (as the alarm list writes it)."""
    return datetime.fromtimestamp(ts_ms / 1000, tz).strftime("%Y-%m-%d %H:%M:%S")


def ask_path(parent: QWidget | None, suggested: str) -> str:
    """Where to save the JPEG (a file dialog); "" when the person cancelled.  Tests monkeypatch this."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    path, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("SnapshotView", "Save the alarm snapshot"),
        str(Path(folder) / suggested) if folder else suggested,
        QCoreApplication.translate("SnapshotView", "JPEG images (*.jpg *.jpeg)"),
    )
    return path


def file_name(info: SnapshotInfo, tz: ZoneInfo) -> str:
    """``<camera>_alarm<id>_<local time>.jpg``, safe as a file name on Windows too."""
    stamp = local_time(info.taken_at, tz).replace("-", "").replace(":", "").replace(" ", "-")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in info.camera_id)
    return f"{safe}_alarm{info.alarm_id}_{stamp}.jpg"


async def load(source: DataSource, snapshot_id: int) -> tuple[bytes, QImage]:
    """The JPEG from the source and its decoded image (decoded on a worker thread, off the core loop)."""
    jpeg = await source.alarm_snapshot(snapshot_id)
    image = await asyncio.to_thread(QImage.fromData, jpeg, "JPEG")
    return jpeg, image


class SnapshotView(QDialog):
    """One alarm's snapshots: picture, camera, time taken; save as file (see the module docstring)."""

    saved = Signal(str, str)  # path, "" or what went wrong (from the saving thread, queued)

    def __init__(self, bridge: SourceBridge, snapshots: Sequence[SnapshotInfo], camera_name: Callable[[str], str],
                 tz: ZoneInfo, parent: QWidget | None = None, *, title: str = "") -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.bridge = bridge
        self.snapshots = list(snapshots)
        self.camera_name = camera_name
        self.tz = tz
        self.jpeg: bytes | None = None
        self.image: QImage | None = None
        self._asked = -1  # the snapshot id whose picture is on its way
        self.setWindowTitle(title or self.tr("Alarm snapshot"))
        self.chooser = QComboBox(self)
        for info in self.snapshots:
            self.chooser.addItem(camera_name(info.camera_id), info.id)
        self.chooser.setVisible(len(self.snapshots) > 1)
        self.chooser.currentIndexChanged.connect(lambda _i: self._show(self.current()))
        self.picture = QLabel(self)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(320, 180)
        self.picture.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.picture.setStyleSheet("background: #202020; color: #f0f0f0;")
        self.picture.setWordWrap(True)
        self.caption = QLabel(self)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton(self.tr("Save as file…"), self)
        self.save_button.clicked.connect(self.ask_save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(self.chooser)
        top.addWidget(self.caption, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.picture, 1)
        layout.addLayout(bottom)
        self.saved.connect(self._saved)
        self.resize(800, 560)
        self._show(self.current())

    def current(self) -> SnapshotInfo | None:
        """The snapshot chosen now."""
        i = self.chooser.currentIndex()
        return self.snapshots[i] if 0 <= i < len(self.snapshots) else None

    # -- showing ------------------------------------------------------------------------------

    def _show(self, info: SnapshotInfo | None) -> None:
        self.jpeg = self.image = None
        self.save_button.setEnabled(False)
        self.picture.setPixmap(QPixmap())
        if info is None:
            self.caption.setText("")
            self.picture.setText(self.tr("No snapshot was taken for this alarm."))
            return
        self.caption.setText(self.tr("%1 — taken %2").replace("%1", self.camera_name(info.camera_id))
                             .replace("%2", local_time(info.taken_at, self.tz)))
        if not info.has_picture:
            self.picture.setText(self.tr("No snapshot: %1").replace("%1", info.error or "?"))
            return
        self.picture.setText(self.tr("Loading the snapshot…"))
        self._asked = info.id
        self.bridge.request(lambda source: load(source, info.id), lambda got: self._loaded(info, *got),
                            lambda exc: self._failed(info, exc))  # fmt: skip

    def _loaded(self, info: SnapshotInfo, jpeg: bytes, image: QImage) -> None:
        if not isValid(self) or info.id != self._asked:
            return  # another camera was chosen meanwhile
        if image.isNull():
            self.picture.setText(self.tr("The snapshot could not be read as a picture."))
            return
        self.jpeg, self.image = jpeg, image
        self.caption.setText(self.tr("%1 — taken %2 — %3 × %4").replace("%1", self.camera_name(info.camera_id))
                             .replace("%2", local_time(info.taken_at, self.tz)).replace("%3", str(image.width()))
                             .replace("%4", str(image.height())))
        self.save_button.setEnabled(True)
        self._fit()

    def _failed(self, info: SnapshotInfo, exc: Exception) -> None:
        if isValid(self) and info.id == self._asked:
            self.picture.setText(self.tr("The snapshot could not be loaded: %1").replace("%1", describe(exc)))

    def _fit(self) -> None:
        if self.image is not None:
            scaled = self.image.scaled(self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
            self.picture.setPixmap(QPixmap.fromImage(scaled))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Keep the picture fitted to the dialog."""
        super().resizeEvent(event)
        self._fit()

    # -- saving -------------------------------------------------------------------------------

    def ask_save(self) -> None:
        """Ask where, then write the JPEG as stored (on a thread of its own)."""
        info = self.current()
        if self.jpeg is None or info is None:
            return
        path = ask_path(self, file_name(info, self.tz))
        if path:
            self.save(path)

    def save(self, path: str) -> threading.Thread | None:
        """Write the JPEG to ``path`` off the GUI thread; `saved` says how it went."""
        jpeg = self.jpeg
        if jpeg is None:
            return None

        def work() -> None:
            try:
                Path(path).write_bytes(jpeg)
            except OSError as exc:
                log.warning("alarm snapshot not saved to %s: %s", path, exc)
                error = describe(exc)
            else:
                error = ""
            if isValid(self):  # the dialog may have been closed meanwhile
                self.saved.emit(path, error)

        thread = threading.Thread(target=work, name="snapshot-save", daemon=True)
        thread.start()
        return thread

    def _saved(self, path: str, error: str) -> None:
        if error:
            self.caption.setText(self.tr("The snapshot could not be saved: %1").replace("%1", error))
        else:
            self.caption.setText(self.tr("Saved to %1").replace("%1", path))
