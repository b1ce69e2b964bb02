"""Which cameras an alarm concerns: links to rooms, devices and rules, filtered by the camera's popup levels."""

from __future__ import annotations

import pytest

from app.alarms.model import Alarm, AlarmState, Level
from app.config import load_site
from app.sources.base import CameraInfo
from app.video.linkage import DEVICE, ROOM, RULE, cameras_for, link_of


def alarm(point: str = "ENV-1.smoke", *, device: str | None = "ENV-1", room: str | None = "LV", rule: str = "smoke",
          level: int = 1) -> Alarm:
    return Alarm(1, f"{point}:x", rule, point, Level(level), AlarmState.ACTIVE_UNACKED, "报警", "alarm", 1.0,
                 1_700_000_000_000, device=device, room=room)


HV = CameraInfo("CAM-HV", "高压", "HV", room="HV", rooms=("HV",), devices=("HV-IN",), popup_levels=(1, 2))
LV = CameraInfo("CAM-LV", "低压", "LV", room="LV", devices=("T1-LV-IN",), rules=("smoke", "water"),
                popup_levels=(1, 2))
DOOR = CameraInfo("CAM-DOOR", "门", "door", room="LV", rooms=("LV",), popup_levels=(1, 2, 3, 4))


def test_a_rule_link_matches_that_rules_alarms_anywhere():
    assert cameras_for(alarm(), [HV, LV]) == ["CAM-LV"]
    assert cameras_for(alarm(rule="water", point="ENV-1.water"), [HV, LV]) == ["CAM-LV"]
    assert cameras_for(alarm(rule="intrusion", point="ENV-1.door"), [HV, LV]) == []


def test_a_device_link_matches_every_alarm_of_the_device():
    overload = alarm("T1-LV-IN.S", device="T1-LV-IN", rule="transformer-load", level=2)
    assert cameras_for(overload, [HV, LV]) == ["CAM-LV"]
    assert link_of(overload, LV) == DEVICE
    # a gateway's comm alarm names the gateway as its point and has no device
    comm = alarm("HV-IN", device=None, room=None, rule="device-comm", level=2)
    assert cameras_for(comm, [HV, LV]) == ["CAM-HV"]


def test_a_room_link_matches_the_rooms_alarms_and_the_cameras_own_room_is_no_link():
    trip = alarm("REV-1.DI1", device="REV-1", room="HV", rule="breaker", level=2)
    assert cameras_for(trip, [HV, LV]) == ["CAM-HV"]
    assert link_of(trip, HV) == ROOM
    # LV stands in room LV but is not linked to the room: a comm alarm there does not concern it
    comm = alarm("F1-03", device="F1-03", room="LV", rule="device-comm", level=2)
    assert cameras_for(comm, [HV, LV]) == []


def test_levels_outside_the_popup_levels_concern_no_camera():
    assert cameras_for(alarm(level=3), [HV, LV]) == []
    assert cameras_for(alarm(level=4), [HV, LV, DOOR]) == ["CAM-DOOR"]
    assert cameras_for(alarm(level=2), [LV]) == ["CAM-LV"]


def test_the_most_specific_link_comes_first_then_the_files_order():
    both = CameraInfo("CAM-B", "b", "b", rooms=("LV",), rules=("smoke",), popup_levels=(1,))
    smoke = alarm()
    assert link_of(smoke, DOOR) == ROOM and link_of(smoke, LV) == RULE
    assert cameras_for(smoke, [DOOR, LV, both]) == ["CAM-LV", "CAM-B", "CAM-DOOR"]
    on_device = CameraInfo("CAM-D", "d", "d", devices=("ENV-1",), popup_levels=(1,))
    assert cameras_for(smoke, [DOOR, LV, on_device]) == ["CAM-D", "CAM-LV", "CAM-DOOR"]


@pytest.mark.parametrize(("point", "device", "room", "rule", "level", "expected"), [
    ("ENV-1.smoke", "ENV-1", "LV", "smoke", 1, ["CAM-2"]),
    ("T1-TCU.trip", "T1-TCU", "LV", "tcu-trip", 1, ["CAM-2"]),
    ("HV-IN.Ia", "HV-IN", "HV", "hv-overload", 2, ["CAM-1"]),
    ("BUS-TIE.DI1", "BUS-TIE", "LV", "breaker", 2, ["CAM-2"]),
    ("ENV-1.temp", "ENV-1", "LV", "room-temperature", 3, []),
    ("F1-03", "F1-03", "LV", "device-comm", 2, []),
])
def test_the_demo_sites_links(point, device, room, rule, level, expected):
    """The site file's `Camera` links the same way as the console's `CameraInfo`."""
    cameras = load_site().file.cameras
    assert cameras_for(alarm(point, device=device, room=room, rule=rule, level=level), cameras) == expected
