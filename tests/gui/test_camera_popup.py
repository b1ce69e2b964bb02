"""The camera popup: a raised alarm linked to a camera at one of its popup levels brings that camera up.

Fed alarm events as the bridge delivers them: linked alarms at a popup level pop their camera
with the alarm's words, lower levels and unlinked alarms do not, held alarms do not, a flood
pops a camera once and the more urgent alarm's words follow when the hold ends.  End to end:
smoke injected into the demo's simulated plant pops the LV room camera through a real bridge.
"""

from __future__ import annotations

import pytest

from app.alarms.model import Alarm, AlarmEvent, AlarmState, Change, Level
from app.sources.base import CameraInfo
from app.sources.direct import DirectSource
from drivers.simulator import Fault, FaultKind
from tests.integration.test_alarm_snapshots import free_port, url
from tests.integration.test_camera_source import PASSWORD_ENV, demo_site
from widgets.bridge import SourceBridge
from widgets.video.popup import AlarmCameraPopup

T0 = 1_700_000_000_000
LV = CameraInfo("CAM-2", "低压配电室摄像机", "LV room camera", room="LV", devices=("T1-LV-IN",),
                rules=("smoke", "water"), popup_levels=(1, 2))
HV = CameraInfo("CAM-1", "高压室摄像机", "HV room camera", room="HV", rooms=("HV",), popup_levels=(1, 2))


def raised(alarm_id: int, point: str, rule: str, level: int, *, device: str | None = None, room: str = "LV",
           state: AlarmState = AlarmState.ACTIVE_UNACKED, message: str = "报警", message_en: str = "alarm",
           change: Change = Change.RAISED) -> AlarmEvent:
    alarm = Alarm(alarm_id, f"{point}:x", rule, point, Level(level), state, message, message_en, 1.0,
                  T0 + alarm_id, device=device or point.partition(".")[0], room=room)
    return AlarmEvent(alarm, change, T0 + alarm_id)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_linked_alarm_at_a_popup_level_pops_its_camera(qtbot):
    popup = AlarmCameraPopup([HV, LV])
    with qtbot.waitSignal(popup.open_camera) as got:
        assert popup.feed([raised(1, "ENV-1.smoke", "smoke", 1, message_en="Switch room smoke detected")]) == [
            "CAM-2"]
    camera, reason = got.args
    assert camera == "CAM-2" and ("smoke" in reason.lower() or "烟" in reason)


def test_lower_levels_unlinked_and_held_alarms_pop_nothing(qtbot):
    popup = AlarmCameraPopup([HV, LV])
    with qtbot.assertNotEmitted(popup.open_camera):
        assert popup.feed([
            raised(1, "T1-LV-IN.S", "transformer-load", 3, device="T1-LV-IN"),  # linked device, level 3
            raised(2, "ENV-1.temp", "room-temperature", 2),  # level 2, not linked
            raised(3, "ENV-1.water", "water", 1, state=AlarmState.SHELVED),  # linked, but held
            raised(4, "ENV-1.smoke", "smoke", 1, change=Change.ACKED),  # not a raise
        ]) == []


def test_a_flood_pops_each_camera_once_and_the_more_urgent_words_follow(qtbot):
    clock = Clock()
    popup = AlarmCameraPopup([HV, LV], hold_s=0.2, clock=clock)
    shown: list[tuple[str, str]] = []
    popup.open_camera.connect(lambda camera, reason: shown.append((camera, reason)))
    flood = [raised(i, "T1-LV-IN.Ia", "feeder-load", 2, device="T1-LV-IN", message_en=f"overload {i}")
             for i in range(1, 40)]
    flood.append(raised(50, "HV-IN.DI1", "breaker", 2, room="HV", message_en="HV breaker opened"))
    assert sorted(popup.feed(flood)) == ["CAM-1", "CAM-2"]
    assert [c for c, _ in shown] == ["CAM-2", "CAM-1"] and "overload 39" in shown[0][1]
    clock.now += 0.1  # within the hold: coalesced; the critical one is kept for the end of the hold
    assert popup.feed([raised(60, "T1-LV-IN.Ia", "feeder-load", 2, device="T1-LV-IN"),
                       raised(61, "ENV-1.smoke", "smoke", 1, message_en="smoke in the LV room")]) == []
    assert len(shown) == 2
    clock.now += 0.2
    qtbot.waitUntil(lambda: len(shown) == 3, timeout=5_000)
    assert shown[2][0] == "CAM-2" and "smoke in the LV room" in shown[2][1]
    clock.now += 1.0  # the hold is over: the next raise pops at once
    assert popup.feed([raised(70, "T1-LV-IN.Ia", "feeder-load", 2, device="T1-LV-IN")]) == ["CAM-2"]


@pytest.mark.timeout(120)
def test_smoke_in_the_simulated_plant_pops_the_lv_camera(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "pw")
    site = demo_site(url(free_port(), "cam1"), url(free_port(), "cam2"))
    bridge = SourceBridge(lambda: DirectSource(site, tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=True,
                                               bus_timing=False))
    popup = AlarmCameraPopup()
    bridge.started.connect(lambda: popup.set_cameras(bridge.site().cameras))
    bridge.alarm_events.connect(popup.feed)
    shown: list[tuple[str, str]] = []
    popup.open_camera.connect(lambda camera, reason: shown.append((camera, reason)))
    with qtbot.waitSignal(bridge.started, timeout=30_000):
        bridge.start()
    try:
        assert [c.id for c in popup.cameras] == ["CAM-1", "CAM-2"]

        async def smoke(source: DirectSource) -> None:
            assert source.simulator is not None
            for bus in source.scan.scans.values():  # type: ignore[union-attr]
                for d in bus.devices:
                    d.period = 1.0
            source.simulator.inject(Fault(FaultKind.SMOKE, "ENV-1"))

        bridge.request(smoke, lambda _: None)
        qtbot.waitUntil(lambda: any(c == "CAM-2" for c, _ in shown), timeout=60_000)
        reason = next(r for c, r in shown if c == "CAM-2")
        assert "烟" in reason or "smoke" in reason.lower()
    finally:
        bridge.stop()
