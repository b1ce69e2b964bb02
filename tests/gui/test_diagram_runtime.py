"""Operate-mode extras of the single-line diagram: change-of-state flashing until acknowledged,
alarms on the symbols, and the faceplate — on the synthetic plant and on the running demo site."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QApplication

from app.alarms.model import Alarm, AlarmEvent, AlarmState, Change, Level
from app.diagram.fileformat import load
from app.diagram.model import ValueLabel
from app.diagram.symbols import load_library
from app.model import Quality, Sample
from tests.bench.diagram import build_plant, by_name, normal_values
from widgets.alarms.words import LEVEL_FILL
from widgets.bridge import SourceBridge
from widgets.runtime import load_translations
from widgets.topology.faceplate import Faceplate, open_faceplate
from widgets.topology.runtime import DiagramView

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
TS = 1_764_000_000_000


def samples(values: dict[str, float], quality: Quality = Quality.GOOD, ts: int = TS) -> dict[str, Sample]:
    return {p: Sample(p, ts, float(v), quality) for p, v in values.items()}


def alarm(id_: int, point: str, level: Level, state: AlarmState, text: str, device: str | None = None) -> Alarm:
    return Alarm(id_, f"{point}:{id_}", "rule", point, level, state, f"{text}（中文）", text, 0.0, TS + id_,
                 device=device, kind="change")  # fmt: skip


def event(a: Alarm, change: Change) -> AlarmEvent:
    return AlarmEvent(a, change, TS + 1000)


@pytest.fixture
def view(qtbot):
    diagram = build_plant(load_library(), sections=2, feeders=3)
    names = by_name(diagram)
    diagram.edit(names["QF-F1-1"].uuid, labels=(ValueLabel("F1-1.I", ".1f", "A", (2.5, 2.0)),))
    v = DiagramView(diagram)
    qtbot.addWidget(v)
    v.resize(1400, 700)
    v.show()
    v.fit()
    v.on_samples(samples(normal_values(diagram)))  # the first values after opening: no change to flash
    return v, by_name(diagram)


def centre_of(view: DiagramView, uuid: str) -> QPoint:
    item = view.diagram_scene.symbols[uuid]
    return view.mapFromScene(item.mapToScene(item.boundingRect().center()))


def test_a_breaker_that_changes_state_flashes_until_acknowledged(qtbot, view):
    v, names = view
    qf = names["QF-F1-1"]
    item = v.diagram_scene.symbols[qf.uuid]
    assert not v.changed and not item.look.flash  # the first value after opening is not a change

    with qtbot.waitSignal(v.changes_pending, check_params_cb=lambda n: n == 1):
        v.on_samples(samples({qf.bindings["position"]: 0}, ts=TS + 1000))
    assert item.look.state == "open" and v.changed == {qf.uuid}
    # it alternates its look at the view's one blink timer; nothing else flashes
    qtbot.waitUntil(lambda: not item.look.flash, timeout=3000)
    qtbot.waitUntil(lambda: item.look.flash, timeout=3000)
    others = [s for u, s in v.diagram_scene.symbols.items() if u != qf.uuid]
    assert not any(s.look.flash for s in others)
    ARTIFACTS.mkdir(exist_ok=True)
    v.grab().save(str(ARTIFACTS / "diagram_runtime_flash.png"))

    # a position that stops answering and comes back the same is not a change
    tie = names["QF-F1-2"]
    v.on_samples(samples({tie.bindings["position"]: 1}, Quality.COMM_FAIL, ts=TS + 2000))
    v.on_samples(samples({tie.bindings["position"]: 1}, ts=TS + 3000))
    assert v.changed == {qf.uuid}

    # the operator's right click offers the acknowledgement of this change
    menu = v.context_menu(centre_of(v, qf.uuid))
    texts = [a.text() for a in menu.actions()]
    assert any("QF-F1-1" in t and "Acknowledge" in t for t in texts), texts
    one = next(a for a in menu.actions() if "Acknowledge the change" in a.text())
    with qtbot.waitSignal(v.changes_pending, check_params_cb=lambda n: n == 0):
        one.trigger()
    assert not v.changed and not item.look.flash and not v._blink.isActive()
    qtbot.wait(1200)
    assert not item.look.flash

    # in replay (not live) a state change does not flash
    v.live = False
    v.on_samples(samples({qf.bindings["position"]: 1}, ts=TS + 4000))
    assert item.look.state == "closed" and not v.changed
    v.live = True
    # two changes pending, acknowledged all at once from the menu
    v.on_samples(samples({qf.bindings["position"]: 0, names["QF-F2-1"].bindings["position"]: 0}, ts=TS + 5000))
    assert len(v.changed) == 2
    every = next(a for a in v.context_menu(QPoint(2, 2)).actions() if "all changes" in a.text())
    assert every.isEnabled() and "(2)" in every.text()
    every.trigger()
    assert not v.changed


def test_a_click_opens_a_faceplate_a_drag_or_right_click_does_not(qtbot, view):
    v, names = view
    qf = names["QF-F1-1"]
    at = centre_of(v, qf.uuid)
    with qtbot.waitSignal(v.symbol_clicked, check_params_cb=lambda u, _d: u == qf.uuid):
        qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=at)
    clicked: list[str] = []
    v.symbol_clicked.connect(lambda u, _d: clicked.append(u))
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.RightButton, pos=at)
    qtbot.mousePress(v.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.mouseRelease(v.viewport(), Qt.MouseButton.LeftButton, pos=at + QPoint(40, 30))
    assert clicked == []


def test_alarm_marks_follow_raise_ack_and_clear(qtbot, view):
    v, names = view
    qf = names["QF-F1-1"]
    pos = qf.bindings["position"]
    tripped = alarm(1, pos, Level.MAJOR, AlarmState.ACTIVE_UNACKED, "Breaker QF-F1-1 opened")
    v.on_alarm_events([event(tripped, Change.RAISED)])
    mark = v.marks[qf.uuid]
    assert mark.level == 2 and mark.blinking and mark.isVisible()
    assert "Breaker QF-F1-1 opened" in mark.toolTip() or "中文" in mark.toolTip()
    qtbot.waitUntil(lambda: not mark.lit, timeout=3000)  # blinking: the dark half comes
    qtbot.waitUntil(lambda: mark.lit, timeout=3000)

    # a more urgent alarm on a labelled point of the same symbol: the badge takes level 1's colour
    current = alarm(2, "F1-1.I", Level.CRITICAL, AlarmState.ACTIVE_UNACKED, "Feeder current very high")
    v.on_alarm_events([event(current, Change.RAISED)])
    assert mark.level == 1 and len(mark.toolTip().splitlines()) == 2
    assert [a.id for a in v.symbol_alarms(qf.uuid)] == [2, 1]
    v.grab().save(str(ARTIFACTS / "diagram_runtime_marks.png"))

    # both acknowledged: steady (lit, not blinking), still shown
    v.on_alarm_events([event(tripped.evolve(state=AlarmState.ACTIVE_ACKED), Change.ACKED),
                       event(current.evolve(state=AlarmState.ACTIVE_ACKED), Change.ACKED)])  # fmt: skip
    assert not mark.blinking and mark.lit
    qtbot.wait(1200)
    assert mark.lit and not v._blink.isActive()
    # the critical one returns to normal: the badge falls back to level 2; then that one too: gone
    v.on_alarm_events([event(current.evolve(state=AlarmState.NORMAL), Change.NORMAL)])
    assert mark.level == 2
    v.on_alarm_events([event(tripped.evolve(state=AlarmState.NORMAL), Change.NORMAL)])
    assert qf.uuid not in v.marks and mark.scene() is None

    # cleared but not acknowledged still blinks; shelved is held out of the way
    v.on_alarm_events([event(tripped.evolve(state=AlarmState.CLEARED_UNACKED), Change.CLEARED)])
    assert v.marks[qf.uuid].blinking
    v.on_alarm_events([event(tripped.evolve(state=AlarmState.SHELVED), Change.SHELVED)])
    assert qf.uuid not in v.marks

    # the initial list: a device alarm marks the symbol of that device (the temperature controller)
    tc = names["TC1"]
    hot = alarm(3, "TC1.Ta", Level.MINOR, AlarmState.ACTIVE_ACKED, "Winding hot", device="TC1")
    v.set_alarms([hot, tripped.evolve(raised_at=TS + 10_000)])  # raised again, after the shelving event
    assert set(v.marks) == {tc.uuid, qf.uuid}
    assert v.marks[tc.uuid].level == 3 and not v.marks[tc.uuid].blinking
    v.set_alarms([])
    assert not v.marks

    # the initial list answers a request: an acknowledgement that arrived meanwhile is newer and wins
    raised = alarm(4, pos, Level.MAJOR, AlarmState.ACTIVE_UNACKED, "Breaker QF-F1-1 opened")
    acked = raised.evolve(state=AlarmState.ACTIVE_ACKED, acked_at=TS + 5000)
    v.on_alarm_events([AlarmEvent(acked, Change.ACKED, TS + 5000)])
    v.set_alarms([raised])
    assert not v.marks[qf.uuid].blinking


def test_the_mark_is_drawn_in_the_level_colour(qtbot, view):
    v, names = view
    qf = names["QF-F1-1"]
    v.set_alarms([alarm(1, qf.bindings["position"], Level.CRITICAL, AlarmState.ACTIVE_ACKED, "Tripped")])
    mark = v.marks[qf.uuid]
    v.resetTransform()
    v.scale(3, 3)
    v.centerOn(mark)
    qtbot.wait(50)
    image = v.grab().toImage()
    box = mark.deviceTransform(v.viewportTransform()).mapRect(mark.boundingRect())
    assert box.width() == mark.SIZE  # the same size on screen at any zoom
    inside = (box.topLeft() + (box.bottomRight() - box.topLeft()) * 0.3).toPoint()  # in the disc, off the "!"
    colours = {image.pixelColor(inside.x() + dx, inside.y() + dy).name() for dx in range(4) for dy in range(4)}
    assert LEVEL_FILL[1].name() in colours, colours


def test_faceplate_without_a_device_shows_the_bound_points(qtbot, view):
    v, names = view
    from app.sources.base import PointInfo, SiteModel

    qf = names["QF-F1-1"]
    site = SiteModel("plant", "plant", "Asia/Shanghai", [], [], [], [
        PointInfo("F1-1.I", None, "1号出线电流", "Feeder 1 current", "A", "analog")])  # fmt: skip
    bridge = SourceBridge(lambda: None)  # never started: every request is answered with an error
    plate = Faceplate(bridge, v.diagram, qf.uuid, site)
    qtbot.addWidget(plate)
    ids = [p.id for p in plate.points]
    assert ids == [qf.bindings["position"], "F1-1.I"]
    assert plate.main_points == ["F1-1.I"]
    assert not plate.camera_button.isEnabled()
    bridge.latest["F1-1.I"] = Sample("F1-1.I", TS, 42.25)
    bridge.samples.emit({"F1-1.I": Sample("F1-1.I", TS, 42.25), "other": Sample("other", TS, 1.0)})
    assert plate.table.item(1, 1).text() == "42.25" and plate.table.item(1, 2).text() == "A"
    bridge.samples.emit({qf.bindings["position"]: Sample(qf.bindings["position"], TS, 0.0)})
    assert "open" in plate.state_label.text()
    with qtbot.waitSignal(plate.open_trend, check_params_cb=lambda p: p == "F1-1.I"):
        qtbot.mouseClick(plate.trend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "did not answer" in plate.alarm_note.text() or "not" in plate.trend_note.text())
    plate.close()


def test_demo_trip_flashes_marks_and_the_faceplate_acknowledges(qtbot, tmp_path):
    from app.config import load_site
    from app.sources.direct import DirectSource
    from widgets.launch import dark_palette

    made: list[DirectSource] = []

    def factory() -> DirectSource:
        made.append(DirectSource(load_site(), tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=True,
                                 bus_timing=False))  # fmt: skip
        return made[0]

    bridge = SourceBridge(factory)
    diagram = load(ROOT / "resources" / "diagrams" / "lv-room.json", load_library())
    v = DiagramView(diagram)
    qtbot.addWidget(v)
    v.resize(1500, 900)
    v.show()
    bridge.samples.connect(v.on_samples)
    bridge.alarm_events.connect(v.on_alarm_events)
    plates: list[Faceplate] = []
    try:
        with qtbot.waitSignal(bridge.started, timeout=30_000):
            bridge.start()
        site = bridge.site()
        bridge.request(lambda s: s.alarms("active"), v.set_alarms)
        names = by_name(diagram)
        qf = names["QF1-01"]
        item = v.diagram_scene.symbols[qf.uuid]
        qtbot.waitUntil(lambda: item.look.state == "closed", timeout=30_000)
        v.fit()
        assert not v.changed

        async def trip(source: DirectSource) -> None:
            source.simulator.open_breaker("F1-01")

        bridge.request(trip, lambda _: None)
        qtbot.waitUntil(lambda: item.look.state == "open", timeout=30_000)
        assert qf.uuid in v.changed
        # the real alarm engine's breaker-change alarm (level 2, waiting for acknowledgement) marks it
        qtbot.waitUntil(lambda: qf.uuid in v.marks, timeout=30_000)
        mark = v.marks[qf.uuid]
        assert mark.level == 2 and mark.blinking
        assert any(a.point == "F1-01.DI1" for a in v.symbol_alarms(qf.uuid))
        qtbot.waitUntil(lambda: item.look.flash and mark.lit, timeout=3000)  # the lit half, for the picture
        ARTIFACTS.mkdir(exist_ok=True)
        v.grab().save(str(ARTIFACTS / "diagram_runtime_alarm.png"))

        # the faceplate: the device's points with values, its alarm, the change to acknowledge
        plate = open_faceplate(v, bridge, qf.uuid, site)
        plates.append(plate)
        qtbot.waitExposed(plate)
        device_points = [p.id for p in site.points if p.device == "F1-01"]
        assert [p.id for p in plate.points][: len(device_points)] == device_points and len(device_points) > 5
        row = {p.id: i for i, p in enumerate(plate.points)}["F1-01.DI1"]
        qtbot.waitUntil(lambda: plate.table.item(row, 1).text() == "0", timeout=10_000)
        assert plate.table.item(row, 3).text() == "good"
        assert "open" in plate.state_text()
        qtbot.waitUntil(lambda: any(a.point == "F1-01.DI1" for a in plate.shown_alarms()), timeout=10_000)
        assert plate.ack_button.isEnabled() and plate.change_button.isVisible()
        assert plate.main_points and all(p.startswith("F1-01.") for p in plate.main_points)
        qtbot.waitUntil(lambda: any(len(xs) > 0 for xs, _ys, _l in plate._trend.values()), timeout=15_000)
        qtbot.wait(300)
        plate.grab().save(str(ARTIFACTS / "diagram_faceplate.png"))

        # "Acknowledge change" stops the symbol flashing through the view
        qtbot.mouseClick(plate.change_button, Qt.MouseButton.LeftButton)
        assert qf.uuid not in v.changed and not plate.change_button.isVisible()
        # "Acknowledge" reaches the source: the alarm is acknowledged there (the change alarm is
        # already cleared, so it returns to normal) and the badge leaves the symbol
        trip_ids = {a.id for a in plate.shown_alarms() if a.point == "F1-01.DI1"}
        plate.comment.setText("seen on the diagram")
        qtbot.mouseClick(plate.ack_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not trip_ids & {a.id for a in plate.shown_alarms() if a.state.needs_ack},
                        timeout=10_000)  # fmt: skip
        answer: dict[str, list] = {}
        bridge.request(lambda s: s.alarms("active"), lambda a: answer.setdefault("alarms", a))
        qtbot.waitUntil(lambda: "alarms" in answer, timeout=10_000)
        assert not [a for a in answer["alarms"] if a.id in trip_ids and a.state.needs_ack]
        qtbot.waitUntil(lambda: not (v.marks.get(qf.uuid) and v.marks[qf.uuid].blinking), timeout=10_000)
        plate.close()

        # a device the demo's CAM-2 names lists it, and "Show camera" asks for it
        incomer = names["QF401"]
        lv_plate = open_faceplate(v, bridge, incomer.uuid, site)
        plates.append(lv_plate)
        assert lv_plate.cameras[0].id == "CAM-2"
        with qtbot.waitSignal(lv_plate.show_camera, check_params_cb=lambda c: c == "CAM-2"):
            qtbot.mouseClick(lv_plate.camera_button, Qt.MouseButton.LeftButton)
        lv_plate.setPalette(dark_palette())
        qtbot.waitUntil(lambda: any(len(xs) > 0 for xs, _ys, _l in lv_plate._trend.values()), timeout=15_000)
        qtbot.wait(300)
        lv_plate.grab().save(str(ARTIFACTS / "diagram_faceplate_dark.png"))
        # the plant's names follow the console's language when it is switched
        app = QCoreApplication.instance()
        try:
            load_translations(app, "zh_CN")
            first = lv_plate.points[0]
            qtbot.waitUntil(lambda: lv_plate.table.item(0, 0).text() == first.name, timeout=3000)
            assert "变压器" in lv_plate.subtitle.text() or "主变" in lv_plate.subtitle.text()
            lv_plate.setPalette(QApplication.palette())
            qtbot.wait(100)
            lv_plate.grab().save(str(ARTIFACTS / "diagram_faceplate_zh.png"))
        finally:
            load_translations(app, "en")
        lv_plate.close()
    finally:
        v.detach()
        bridge.stop()
