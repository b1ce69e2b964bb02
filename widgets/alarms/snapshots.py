"""Which alarms of the alarm list have a camera snapshot, asked of the source a few at a time.

The list shows a camera mark on an alarm whose linked camera gave a picture (greyed, with the
reason as its tooltip, when the camera gave none), so the operator sees at a glance where a
picture of the moment exists and opens it ("View snapshot").  The marks come from
`DataSource.snapshots_of`, asked through the bridge (never on the GUI thread) for:

* alarms that can have one: those raised at one of a linked camera's popup levels
  (`app.video.linkage.cameras_for`, cameras with ``snapshot``) — others are never asked about;
* a just-raised alarm again every `RETRY_MS` until its pictures are in or `PATIENCE_MS` have
  passed since it was raised (the core takes the picture in the seconds after the alarm);
* the history page's alarms once each, as it is shown.

One request is in flight at a time; what is wanted meanwhile waits for the next.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QCoreApplication, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from shiboken6 import isValid

from app.alarms.journal import JournalEntry
from app.alarms.model import Alarm
from app.sources.base import CameraInfo
from app.video.linkage import cameras_for
from app.video.snapshot_store import SnapshotInfo
from widgets.bridge import SourceBridge, describe

RETRY_MS = 2_000
PATIENCE_MS = 45_000  # a grab takes at most ~11 s; a slow store gets the rest


class SnapshotMarks(QObject):
    """The snapshots of the alarms on the list, by alarm id; `changed` names the alarms whose marks changed."""

    changed = Signal(object)  # set[int] of alarm ids
    failed = Signal(str)  # the source could not be asked, in words

    def __init__(self, bridge: SourceBridge, parent: QObject | None = None, *,
                 wall_ms: Callable[[], int] = lambda: int(time.time() * 1000)) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.wall_ms = wall_ms
        self.cameras: list[CameraInfo] = []
        self.found: dict[int, list[SnapshotInfo]] = {}
        self._expected: dict[int, tuple[int, int]] = {}  # alarm id -> (raised at ms, cameras): asked until all in
        self._wanted: set[int] = set()
        self._asked_once: set[int] = set()
        self._busy = False
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setInterval(RETRY_MS)
        self._timer.timeout.connect(self._retry)

    def set_cameras(self, cameras: Iterable[CameraInfo]) -> None:
        """The site's cameras: which alarms can have a snapshot at all."""
        self.cameras = [c for c in cameras if c.snapshot]

    def stop(self) -> None:
        """The console is closing: ask nothing more."""
        self._timer.stop()
        self._expected.clear()
        self._wanted.clear()
        self._stopped = True  # an answer still on its way changes nothing and asks nothing again

    def of(self, alarm_id: int) -> list[SnapshotInfo]:
        """The snapshots known for an alarm (empty when none, or not known yet)."""
        return self.found.get(alarm_id, [])

    def linked(self, alarm: Alarm | JournalEntry) -> int:
        """How many cameras take a snapshot of this alarm (linked at its level); 0: it can have none."""
        return len(cameras_for(alarm, self.cameras)) if self.cameras else 0

    def watch(self, alarms: Iterable[Alarm | JournalEntry]) -> None:
        """Alarms now on the list: ask about those that can have a snapshot and are not known yet."""
        now = self.wall_ms()
        for alarm in alarms:
            alarm_id = alarm.alarm_id if isinstance(alarm, JournalEntry) else alarm.id
            if alarm_id in self._expected or alarm_id in self._asked_once:
                continue  # asked already (a just-raised one is asked again by the timer)
            cameras = self.linked(alarm)
            if not cameras:
                continue
            if now - alarm.raised_at < PATIENCE_MS:
                self._expected.setdefault(alarm_id, (alarm.raised_at, cameras))
            self._wanted.add(alarm_id)
        if self._expected and not self._timer.isActive():
            self._timer.start()
        self._ask()

    def _retry(self) -> None:
        now = self.wall_ms()
        for alarm_id, (raised, cameras) in list(self._expected.items()):
            if len(self.of(alarm_id)) >= cameras or now - raised >= PATIENCE_MS:
                del self._expected[alarm_id]
            else:
                self._wanted.add(alarm_id)
        if not self._expected:
            self._timer.stop()
        self._ask()

    def _ask(self) -> None:
        if self._busy or self._stopped or not self._wanted:
            return
        ids, self._wanted = sorted(self._wanted), set()
        self._asked_once.update(ids)
        self._busy = True
        self.bridge.request(lambda source: source.snapshots_of(ids), self._answer, self._failed)

    def _answer(self, infos: list[SnapshotInfo]) -> None:
        if not isValid(self) or self._stopped:
            return  # the console closed while the source was being asked
        self._busy = False
        got: dict[int, list[SnapshotInfo]] = {}
        for info in infos:
            got.setdefault(info.alarm_id, []).append(info)
        changed = {a for a, shots in got.items() if self.found.get(a) != shots}
        self.found.update(got)
        for alarm_id, shots in got.items():
            if len(shots) >= self._expected.get(alarm_id, (0, 0))[1]:
                self._expected.pop(alarm_id, None)
        if changed:
            self.changed.emit(changed)
        self._ask()

    def _failed(self, exc: Exception) -> None:
        if not isValid(self) or self._stopped:
            return  # the console closed (its source stopped) while the source was being asked
        self._busy = False
        self.failed.emit(describe(exc))


# -- the mark in the list --------------------------------------------------------------------------

_ICONS: dict[bool, QIcon] = {}


def mark_icon(has_picture: bool) -> QIcon:
    """A small camera: dark when a picture exists, grey when the camera gave none."""
    icon = _ICONS.get(has_picture)
    if icon is None:
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor("#1f3b57") if has_picture else QColor("#a0a0a0")
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(1, 4, 14, 10), 2, 2)  # body
        painter.drawRect(QRectF(5, 2, 6, 3))  # top
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(QRectF(5, 6, 6, 6))  # lens
        painter.setBrush(colour)
        painter.drawEllipse(QRectF(6.5, 7.5, 3, 3))
        painter.end()
        icon = _ICONS[has_picture] = QIcon(pixmap)
    return icon


def mark_tooltip(shots: list[SnapshotInfo], camera_name: Callable[[str], str]) -> str:
    """Which cameras gave a picture, and why the others did not, one camera a line."""
    lines = []
    for s in shots:
        if s.has_picture:
            lines.append(QCoreApplication.translate("AlarmSnapshots", "Snapshot from %1 (double-click to view)")
                         .replace("%1", camera_name(s.camera_id)))
        else:
            lines.append(QCoreApplication.translate("AlarmSnapshots", "No snapshot from %1: %2")
                         .replace("%1", camera_name(s.camera_id)).replace("%2", s.error or "?"))
    return "\n".join(lines)
