"""Pop up the camera an alarm concerns: within moments of the alarm, without a round trip.

When a breaker trips or smoke is detected the operator wants to see the room at once (GB 50395
asks for the picture within 4 s of the alarm).  `AlarmCameraPopup` is fed the alarm events the
console already receives (`SourceBridge.alarm_events`, delivered within 100 ms of the change),
decides with the same pure rule the core's snapshots use (`app.video.linkage.cameras_for`, on
the site model's `CameraInfo` links and popup levels) and emits `open_camera` at once: nothing
here waits on the network or the database.  The main window connects it to the video pane's
``show_camera(camera_id, reason)``.

A flood must not make the pane flicker between cameras: a camera pops up at most once per
``hold_s`` seconds.  Alarms for it in the meantime are coalesced; if one of them is more urgent
than the one shown, the camera is shown again with that alarm's text when the hold ends.  Held
alarms (shelved, suppressed) pop nothing, nor cameras the signed-in user may not view.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from app.alarms.model import Alarm, AlarmEvent, Change
from app.auth import Permission
from app.sources.base import CameraInfo
from app.video.linkage import cameras_for
from widgets.alarms.words import is_held, level_word, message
from widgets.auth.permissions import allowed

HOLD_S = 30.0


@dataclass
class _Shown:
    """What a camera last popped up for, and the most urgent alarm since (shown when the hold ends)."""

    at: float  # monotonic seconds
    level: int
    waiting: Alarm | None = None


class AlarmCameraPopup(QObject):
    """Turns raised alarms into `open_camera(camera id, reason)`; see the module docstring."""

    open_camera = Signal(str, str)  # camera id, why in words (the alarm's level and message)

    def __init__(self, cameras: Iterable[CameraInfo] = (), parent: QObject | None = None, *,
                 hold_s: float = HOLD_S, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.cameras: list[CameraInfo] = list(cameras)
        self.hold_s = hold_s
        self.clock = clock
        self._shown: dict[str, _Shown] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._release)

    def set_cameras(self, cameras: Iterable[CameraInfo]) -> None:
        """The site's cameras (from `SiteModel.cameras` once the source started)."""
        self.cameras = list(cameras)

    def reason(self, alarm: Alarm) -> str:
        """What the pane says about why the camera came up: the alarm's level and message."""
        return self.tr("%1 alarm: %2").replace("%1", level_word(int(alarm.level))).replace("%2", message(alarm))

    def feed(self, events: list[AlarmEvent]) -> list[str]:
        """Alarm changes as the bridge delivers them; the ids of the cameras popped up now."""
        wanted: dict[str, Alarm] = {}  # camera -> the most urgent raised alarm of this batch
        by_id = {c.id: c for c in self.cameras}
        for event in events:
            alarm = event.alarm
            if event.change is not Change.RAISED or is_held(alarm):
                continue
            for camera_id in cameras_for(alarm, self.cameras):
                if not allowed(Permission.VIEW, by_id[camera_id].room):
                    continue
                best = wanted.get(camera_id)
                if best is None or _more_urgent(alarm, best):
                    wanted[camera_id] = alarm
        shown = []
        now = self.clock()
        for camera_id, alarm in wanted.items():
            last = self._shown.get(camera_id)
            if last is None or now - last.at >= self.hold_s:
                self._show(camera_id, alarm, now)
                shown.append(camera_id)
            elif int(alarm.level) < last.level and (last.waiting is None or _more_urgent(alarm, last.waiting)):
                last.waiting = alarm
                self._arm()
        return shown

    def _show(self, camera_id: str, alarm: Alarm, now: float) -> None:
        self._shown[camera_id] = _Shown(now, int(alarm.level))
        self.open_camera.emit(camera_id, self.reason(alarm))

    def _arm(self) -> None:
        due = [s.at + self.hold_s for s in self._shown.values() if s.waiting is not None]
        if due:
            self._timer.start(max(0, int((min(due) - self.clock()) * 1000)))

    def _release(self) -> None:
        """A hold ended: show the cameras that got a more urgent alarm meanwhile."""
        now = self.clock()
        for camera_id, shown in list(self._shown.items()):
            if shown.waiting is not None and now - shown.at >= self.hold_s:
                self._show(camera_id, shown.waiting, now)
        self._arm()


def _more_urgent(a: Alarm, b: Alarm) -> bool:
    """Lower level number first; the later raised of the same level."""
    return (int(a.level), -a.raised_at) < (int(b.level), -b.raised_at)
