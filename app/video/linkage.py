"""Which cameras an alarm concerns: the site file's links between cameras and rooms, devices, rules.

One pure function, used by both ends so that they cannot disagree: the core decides with it
which cameras take a snapshot of a raised alarm (`app.video.snapshots`), each console decides
with it which camera to pop up (widgets/video/popup.py) from the `CameraInfo` the site model
carries.  Qt-free and I/O-free: it sees only the alarm and the cameras' links.

An alarm concerns a camera when the camera is linked to the alarm's device (or, for an alarm
with no device, its point: a gateway's communication alarm names the gateway), to its rule,
or to its room — and the alarm's level is one of the camera's ``popup_levels``.  The camera's
own ``room`` (where it stands) is not a link by itself: a camera in the LV room does not pop
up for every communication hiccup there unless the site file says ``rooms: [LV]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

# How specific a link is: a camera pointed at the device first, then one linked to the alarm's
# rule (e.g. smoke), then one that watches the whole room.
DEVICE, RULE, ROOM = 0, 1, 2


class Alarmish(Protocol):
    """What linking reads of an alarm (`app.alarms.model.Alarm` has it)."""

    @property
    def point(self) -> str: ...
    @property
    def device(self) -> str | None: ...
    @property
    def room(self) -> str | None: ...
    @property
    def rule(self) -> str: ...
    @property
    def level(self) -> int: ...


class Linked(Protocol):
    """What linking reads of a camera (the site file's `Camera` and the console's `CameraInfo` have it)."""

    @property
    def id(self) -> str: ...
    @property
    def rooms(self) -> Sequence[str]: ...
    @property
    def devices(self) -> Sequence[str]: ...
    @property
    def rules(self) -> Sequence[str]: ...
    @property
    def popup_levels(self) -> Sequence[int]: ...


def link_of(alarm: Alarmish, camera: Linked) -> int | None:
    """How ``camera`` is linked to ``alarm`` (`DEVICE`, `RULE` or `ROOM`), ignoring levels; None: not at all."""
    subject = alarm.device or alarm.point
    if subject and subject in camera.devices:
        return DEVICE
    if alarm.rule and alarm.rule in camera.rules:
        return RULE
    if alarm.room and alarm.room in camera.rooms:
        return ROOM
    return None


def cameras_for(alarm: Alarmish, cameras: Iterable[Linked]) -> list[str]:
    """The ids of the cameras linked to ``alarm`` at its level, the most specific link first.

    Cameras linked the same way keep the site file's order.  Empty when no camera is linked or
    the alarm's level is none of their ``popup_levels``.
    """
    level = int(alarm.level)
    found: list[tuple[int, int, str]] = []
    for order, camera in enumerate(cameras):
        if level not in camera.popup_levels:
            continue
        how = link_of(alarm, camera)
        if how is not None:
            found.append((how, order, camera.id))
    return [camera_id for _, _, camera_id in sorted(found)]
