"""Post-fault replay against the real demo plant: trip a feeder, then look back at it.

The demo simulator runs behind a real `SourceBridge` and historian; the replay asks the
historian's as-of query through the bridge, as the console does.  Everything the operator does
(click an event, step, drag the slider, play, pick another time) is done with the mouse.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

from app.alarms.model import Alarm
from app.config import load_site
from app.diagram.energise import Energy
from app.diagram.fileformat import loads
from app.diagram.replay import SwitchChange, diagram_for, slider_time
from app.diagram.symbols import load_library
from app.sources.direct import DirectSource
from tests.bench.diagram import by_name
from widgets.alarms.table import AlarmList
from widgets.bridge import SourceBridge
from widgets.topology.replay import ReplayWindow, replay_alarm

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TZ = ZoneInfo("Asia/Shanghai")


def ask(qtbot, bridge: SourceBridge, call, timeout: int = 15_000):
    """Run ``call(source)`` on the core loop and wait for its answer (the test's own questions)."""
    box: dict[str, object] = {}
    bridge.request(call, lambda v: box.setdefault("value", v), lambda e: box.setdefault("error", e))
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


@pytest.fixture
def tripped(qtbot, tmp_path):
    """The demo plant ran a few seconds, then feeder F1-01 tripped.

    Yields the bridge, the trip time, the trip's alarm and a time by which the breaker's closed
    state was surely stored (before it the historian knows nothing of the plant).
    """
    bridge = SourceBridge(lambda: DirectSource(load_site(), tmp_path / "h.sqlite", listen=("127.0.0.1", 0),
                                               simulate=True, bus_timing=False))  # fmt: skip
    with qtbot.waitSignal(bridge.started, timeout=30_000):
        bridge.start()
    try:
        qtbot.waitUntil(lambda: bridge.latest.get("F1-01.DI1") is not None, timeout=30_000)
        began = bridge.latest["F1-01.DI1"].ts
        qtbot.wait(8000)  # the plant runs: a closed breaker and its values are stored

        async def trip(source: DirectSource) -> None:
            source.simulator.open_breaker("F1-01")

        ask(qtbot, bridge, trip)
        box: dict[str, int] = {}

        def opened_in_history() -> bool:
            async def look(source: DirectSource):
                return await source.history("F1-01.DI1", began, began + 3_600_000)

            history = ask(qtbot, bridge, look)
            assert history.raw
            opened = [ts for ts, value, _q in history.samples if value == 0]
            if opened:
                box["trip"] = opened[0]
            return bool(opened)

        qtbot.waitUntil(opened_in_history, timeout=30_000)
        trip_ts = box["trip"]
        alarms: list[Alarm] = []

        def alarm_raised() -> bool:
            found = ask(qtbot, bridge, lambda source: source.alarms("all"))
            alarms[:] = [a for a in found if a.rule == "breaker" and a.point == "F1-01.DI1"]
            return bool(alarms)

        qtbot.waitUntil(alarm_raised, timeout=30_000)
        qtbot.wait(4000)  # seconds of the tripped plant: "after the trip" is in the past, and settled
        yield bridge, trip_ts, alarms[-1], began
    finally:
        bridge.stop()


def site_diagrams(qtbot, bridge: SourceBridge):
    async def fetch(source: DirectSource):
        library = load_library()
        return [loads(await source.diagram(d.id), library, source=d.id) for d in source.site().diagrams]

    return ask(qtbot, bridge, fetch)


def state_at(qtbot, window: ReplayWindow, uuid: str, ts: int) -> tuple[str, Energy]:
    """The breaker's drawn state and its outgoing side's energy once the picture of ``ts`` is shown."""
    qtbot.waitUntil(lambda: window.shown_ms == ts and window.outstanding == 0, timeout=15_000)
    item = window.view.diagram_scene.symbols[uuid]
    return item.look.state, window.view.energisation.terminal(uuid, "b").energy


def drag(slider, xs: list[int]) -> None:
    """Press the slider's handle and move the mouse through ``xs`` with the button held, then release."""
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                           QStyle.SubControl.SC_SliderHandle, slider)  # fmt: skip
    y = handle.center().y()

    def send(kind: QEvent.Type, x: int, buttons: Qt.MouseButton) -> None:
        pos = QPointF(x, y)
        button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
        event = QMouseEvent(kind, pos, QPointF(slider.mapToGlobal(QPoint(x, y))), button, buttons,
                            Qt.KeyboardModifier.NoModifier)  # fmt: skip
        QApplication.sendEvent(slider, event)

    send(QEvent.Type.MouseButtonPress, handle.center().x(), Qt.MouseButton.LeftButton)
    for i, x in enumerate(xs):
        send(QEvent.Type.MouseMove, x, Qt.MouseButton.LeftButton)
        if i % 10 == 0:
            QApplication.processEvents()  # the hand is fast, but the GUI loop still turns now and then
    send(QEvent.Type.MouseButtonRelease, xs[-1], Qt.MouseButton.NoButton)


def drag_across(slider, back_to: float) -> list[int]:
    """Drag the handle right to the end and back to ``back_to`` of the way; the slider values passed."""
    left, right = 10, slider.width() - 10
    xs = list(range(left, right, 2)) + list(range(right, left + int((right - left) * back_to), -3))
    moved: list[int] = []
    slider.valueChanged.connect(moved.append)
    drag(slider, xs)
    slider.valueChanged.disconnect(moved.append)
    return moved


def test_replay_shows_the_plant_before_and_after_a_feeder_trip(qtbot, tripped):
    bridge, trip_ts, alarm, began = tripped
    diagrams = site_diagrams(qtbot, bridge)
    diagram = diagram_for(diagrams, alarm.device, alarm.point, alarm.room)
    assert diagram is not None and diagram.id == "lv-room"
    qf = by_name(diagram)["QF1-01"]

    # the operator picks the trip's alarm in the alarm list and asks for the replay
    alarm_list = AlarmList(bridge.site(), TZ)
    qtbot.addWidget(alarm_list)
    alarm_list.show()
    alarm_list.apply({alarm.id}, {alarm.id: alarm})
    assert not alarm_list.replay_button.isEnabled()
    rect = alarm_list.active_view.visualRect(alarm_list.active_proxy.index(0, 1))
    qtbot.mouseClick(alarm_list.active_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert alarm_list.replay_button.isEnabled()
    with qtbot.waitSignal(alarm_list.replay_requested, timeout=1000) as asked_for:
        qtbot.mouseClick(alarm_list.replay_button, Qt.MouseButton.LeftButton)
    assert asked_for.args[0] == alarm
    window = replay_alarm(bridge, diagram, bridge.site(), asked_for.args[0], TZ)
    qtbot.addWidget(window)
    assert window.view.live is False and set(window.watched) >= {"F1-01.DI1", "F1-01.Ia", "HV-IN.DI1"}
    # opened at the alarm: the picture of its raise time, the breaker already open
    assert alarm.raised_at >= trip_ts
    assert state_at(qtbot, window, qf.uuid, alarm.raised_at) == ("open", Energy.DEAD)
    assert window.time_label.text().startswith(window.picker.dateTime().toString("yyyy-MM-dd HH:mm:ss"))
    # meanwhile the window's samples are fetched once; from memory a step answers as the as-of query does
    qtbot.waitUntil(lambda: window.held is not None, timeout=30_000)
    held = window.held
    assert held.covers(window.start_ms) and held.covers(trip_ts + 1000)
    for ts in (trip_ts - 1000, trip_ts, trip_ts + 1000, window.start_ms):
        assert held.at(ts) == ask(qtbot, bridge, lambda source, ts=ts: source.as_of(window.watched, ts))

    # the events: the trip as a switch change, and its alarm; clicking the trip shows that moment
    qtbot.waitUntil(lambda: any(isinstance(e, SwitchChange) and e.name == "QF1-01" for e in window.events),
                    timeout=15_000)  # fmt: skip
    change = next(e for e in window.events if isinstance(e, SwitchChange) and e.name == "QF1-01")
    assert (change.ts, change.before, change.after) == (trip_ts, "closed", "open")
    assert any(getattr(e, "alarm_id", None) == alarm.id and e.change == "raised" for e in window.events)
    item = window.event_list.item_of(lambda e: e is change)
    assert item is not None and "QF1-01" in item.text(1)
    window.set_time(trip_ts - 120_000)
    qtbot.waitUntil(lambda: window.shown_ms == trip_ts - 120_000, timeout=15_000)
    rect = window.event_list.tree.visualItemRect(item)
    qtbot.mouseClick(window.event_list.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert state_at(qtbot, window, qf.uuid, trip_ts) == ("open", Energy.DEAD)

    # a second before the trip: closed, its outgoing side live, its current shown
    qtbot.mouseClick(window.step_buttons[-1], Qt.MouseButton.LeftButton)
    assert state_at(qtbot, window, qf.uuid, trip_ts - 1000) == ("closed", Energy.LIVE)
    current = window.view.diagram_scene.values["F1-01.Ia"][0]
    assert current.text() != "—"
    ARTIFACTS.mkdir(exist_ok=True)
    window.grab().save(str(ARTIFACTS / "diagram_replay.png"))
    # the step buttons move by what they say; a minute before the trip the plant had not started
    # (it ran seconds): the historian knows nothing then, every value shows "—", the breaker is unknown
    seen = set()
    asked = len(window.asked)
    for seconds, expected in ((-10, -11_000), (-60, -71_000), (60, -11_000), (10, -1000), (1, 0)):
        qtbot.mouseClick(window.step_buttons[seconds], Qt.MouseButton.LeftButton)
        ts = trip_ts + expected
        state = state_at(qtbot, window, qf.uuid, ts)
        if ts < began - 2000:
            assert state[0] == "unknown" and current.text() == "—" and window.status.text()
        elif began <= ts < trip_ts:
            assert state == ("closed", Energy.LIVE) and current.text() != "—"
        elif ts >= trip_ts:
            assert state == ("open", Energy.DEAD)
        seen.add(state[0])
    assert seen == {"unknown", "closed", "open"}
    assert len(window.asked) == asked  # all answered from memory

    # dragging the slider fast over the held window: at most one picture per turn of the event loop,
    # the last one of where the hand stopped
    rendered = window.rendered
    moved = drag_across(window.slider, back_to=0.25)
    qtbot.waitUntil(lambda: window.shown_ms == window.wanted_ms and window.outstanding == 0, timeout=15_000)
    assert len(moved) > 100 and 0 < window.rendered - rendered < len(moved)
    assert window.wanted_ms == slider_time(window.start_ms, moved[-1])

    # play at 20x from a minute before the trip: the picture moves forward by itself
    window.set_time(trip_ts - 60_000)
    qtbot.waitUntil(lambda: window.shown_ms == trip_ts - 60_000, timeout=15_000)
    window.speed.setCurrentIndex(window.speed.findData(20))
    qtbot.mouseClick(window.play_button, Qt.MouseButton.LeftButton)
    assert window.play_button.isChecked()
    qtbot.waitUntil(lambda: (window.shown_ms or 0) >= trip_ts - 55_000, timeout=15_000)
    qtbot.mouseClick(window.play_button, Qt.MouseButton.LeftButton)
    assert not window.play_button.isChecked() and not window.player.isActive()

    # another time from the date-time field: the window moves round it
    picked = window.picker.dateTime().addSecs(-120)
    window.picker.setDateTime(picked)
    qtbot.mouseClick(window.go_button, Qt.MouseButton.LeftButton)
    assert window.at_ms == picked.toMSecsSinceEpoch() and window.start_ms == window.at_ms - 300_000
    assert state_at(qtbot, window, qf.uuid, window.at_ms)[0] in ("closed", "unknown")
    window.close()

    # without the held window every step asks as-of: a fast drag keeps one query out at a time and
    # asks the newest position when it answers, never a queue of them
    asking = ReplayWindow(bridge, diagram, bridge.site(), trip_ts, TZ, prefetch=False)
    qtbot.addWidget(asking)
    asking.show()
    assert state_at(qtbot, asking, qf.uuid, trip_ts) == ("open", Energy.DEAD)
    moved = drag_across(asking.slider, back_to=0.3)
    qtbot.waitUntil(lambda: asking.outstanding == 0 and asking.pending.in_flight is None, timeout=15_000)
    assert len(moved) > 100
    assert asking.most_outstanding == 1 and asking.held is None and asking.rendered == 0
    assert len(asking.asked) - 1 < len(moved) / 3
    assert asking.shown_ms == asking.wanted_ms == asking.asked[-1] == slider_time(asking.start_ms, moved[-1])
    asking.close()

    # a window closed before its first answer came back drops the answer (no deleted-widget errors)
    other = ReplayWindow(bridge, diagram, bridge.site(), trip_ts, TZ, prefetch=False)
    qtbot.addWidget(other)
    other.show()
    other.close()
    asked = window.asked[:]
    qtbot.wait(1500)
    assert other.shown_ms is None and other.asked == [trip_ts] and window.asked == asked
