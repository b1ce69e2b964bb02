"""The single-line diagram in operate mode: switch positions, energisation colours, values, quality.

Built on the same synthetic distribution room the diagram bench and the energisation tests use
(utility -> 10 kV bus -> transformers -> LV sections with a bus tie -> feeders).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.diagram.energise import Energy
from app.diagram.model import ValueLabel
from app.diagram.symbols import load_library
from app.model import Quality, Sample
from tests.bench.diagram import build_plant, by_name, normal_values
from widgets.topology.editor import DiagramEditor
from widgets.topology.faceplate import Faceplate
from widgets.topology.painting import CLOSED, DEAD, OPEN, live_colour
from widgets.topology.runtime import DiagramView

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TS = 1_764_000_000_000


def samples(values: dict[str, float], quality: Quality = Quality.GOOD) -> dict[str, Sample]:
    return {p: Sample(p, TS, float(v), quality) for p, v in values.items()}


@pytest.fixture
def view(qtbot):
    diagram = build_plant(load_library(), sections=2, feeders=3)
    names = by_name(diagram)
    feeder = names["QF-F1-1"]
    diagram.edit(feeder.uuid, labels=(ValueLabel("F1-1.I", ".1f", "A", (2.5, 2.0)),))
    v = DiagramView(diagram)
    qtbot.addWidget(v)
    v.resize(1400, 700)
    v.show()
    v.fit()
    return v, by_name(diagram)


def wire_colour_at(view, names, name):
    wire = view.diagram.wires_at(names[name].uuid)[0]
    return view.diagram_scene.wires[wire.uuid].colour


def test_live_sections_are_coloured_by_voltage_and_a_trip_darkens_downstream(qtbot, view):
    v, names = view
    values = normal_values(v.diagram)
    v.on_samples(samples(values))
    item = v.diagram_scene.symbols[names["QF-F1-1"].uuid]
    assert item.look.state == "closed"
    assert wire_colour_at(v, names, "QF-F1-1") == live_colour(0.4)
    assert wire_colour_at(v, names, "QF-HV1") == live_colour(10.0)
    ARTIFACTS.mkdir(exist_ok=True)
    v.grab().save(str(ARTIFACTS / "topology_operate.png"))

    # the feeder breaker trips: it shows open (green), its outgoing side goes dead, the bus stays live
    point = names["QF-F1-1"].bindings["position"]
    v.on_samples(samples({point: 0}))
    assert item.look.state == "open"
    below = v.energisation.terminal(names["QF-F1-1"].uuid, "b")
    above = v.energisation.terminal(names["QF-F1-1"].uuid, "a")
    assert below.energy is Energy.DEAD and above.energy is Energy.LIVE
    outgoing = [w for w in v.diagram.wires_at(names["QF-F1-1"].uuid) if "b" in (w.start.terminal, w.end.terminal)
                and names["QF-F1-1"].uuid in (w.start.symbol, w.end.symbol)]  # fmt: skip
    assert v.diagram_scene.wires[outgoing[0].uuid].colour == DEAD
    v.grab().save(str(ARTIFACTS / "topology_feeder_tripped.png"))
    assert CLOSED != OPEN


def test_values_show_and_bad_quality_is_visible(qtbot, view):
    v, names = view
    v.on_samples(samples(normal_values(v.diagram)))
    v.on_samples({"F1-1.I": Sample("F1-1.I", TS, 123.456)})
    text = v.diagram_scene.values["F1-1.I"][0]
    assert text.text() == "123.5 A" and not text.font().italic()
    v.on_samples({"F1-1.I": Sample("F1-1.I", TS + 1000, 123.456, Quality.STALE)})
    assert text.font().italic()
    # a breaker whose position does not answer: unknown (not conducting), hatched
    point = names["QF-F1-2"].bindings["position"]
    v.on_samples(samples({point: 1}, Quality.COMM_FAIL))
    look = v.diagram_scene.symbols[names["QF-F1-2"].uuid].look
    assert look.state == "unknown" and look.bad_quality
    assert any("unknown" in f.text for f in v.energisation.unknown)


def test_the_scene_follows_the_model(qtbot, view):
    v, names = view
    placed = names["QF-F1-1"]
    item = v.diagram_scene.symbols[placed.uuid]
    before = item.pos()
    v.diagram.move(placed.uuid, (placed.position[0] + 2, placed.position[1]))
    assert item.pos().x() == before.x() + 40  # 2 grid units
    wire = v.diagram.wires_at(placed.uuid)[0]
    start = v.diagram_scene.wires[wire.uuid].path.elementAt(0)
    assert (start.x, start.y) != (0, 0)
    v.diagram.remove(placed.uuid)
    assert placed.uuid not in v.diagram_scene.symbols


def test_the_console_shows_the_demo_diagrams_live_and_a_trip_recolours(qtbot, tmp_path):
    from zoneinfo import ZoneInfo

    from app.config import load_site
    from app.sources.direct import DirectSource
    from widgets import settings
    from widgets.bridge import SourceBridge
    from widgets.main_window import MainWindow

    settings.use_file(tmp_path / "settings.ini")
    made: list[DirectSource] = []

    def factory() -> DirectSource:
        made.append(DirectSource(load_site(), tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=True,
                                 bus_timing=False))  # fmt: skip
        return made[0]

    bridge = SourceBridge(factory)
    window = MainWindow(bridge, ZoneInfo("Asia/Shanghai"))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    try:
        with qtbot.waitSignal(bridge.started, timeout=30_000):
            bridge.start()
        pane = window.diagrams
        assert pane is not None and pane.chooser.count() == 3
        window.views.setCurrentWidget(pane)
        pane.show_diagram("lv-room")
        qtbot.waitUntil(lambda: pane.view is not None and pane.view.diagram.id == "lv-room", timeout=15_000)
        view = pane.view
        names = by_name(view.diagram)
        qf = names["QF1-01"]
        qtbot.waitUntil(lambda: view.diagram_scene.symbols[qf.uuid].look.state == "closed", timeout=30_000)
        qtbot.wait(500)
        window.grab().save(str(ARTIFACTS / "main-window-diagram.png"))

        async def trip(source: DirectSource) -> None:
            source.simulator.open_breaker("F1-01")

        bridge.request(trip, lambda _: None)
        qtbot.waitUntil(lambda: view.diagram_scene.symbols[qf.uuid].look.state == "open", timeout=30_000)
        assert view.energisation.terminal(qf.uuid, "a").energy is Energy.LIVE
        # the trip flashes until acknowledged; the pane says so and offers the acknowledgement
        qtbot.waitUntil(pane.ack_button.isVisible, timeout=5_000)
        assert "1" in pane.changes_label.text()
        qtbot.waitUntil(lambda: qf.uuid in view.marks, timeout=30_000)  # the real breaker alarm on the symbol
        view.grab().save(str(ARTIFACTS / "topology_demo_lv_tripped.png"))
        window.grab().save(str(ARTIFACTS / "main-window-diagram-tripped.png"))
        pane.ack_button.click()
        assert not view.changed and not pane.ack_button.isVisible()
        # a click on the breaker opens its faceplate and shows its device in the browser
        centre = view.mapFromScene(view.diagram_scene.symbols[qf.uuid].sceneBoundingRect().center())
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.waitUntil(lambda: any(isinstance(w, Faceplate) and w.isVisible() for w in pane.children()),
                        timeout=5_000)
        plate = next(w for w in pane.children() if isinstance(w, Faceplate))
        plate.close()
        # replay from the pane and from the alarm list
        replay = pane.replay()
        assert replay is not None and replay.isVisible()
        replay.close()
        alarm = next(a for a in view.symbol_alarms(qf.uuid))
        window.alarm_list.replay_requested.emit(alarm)
        qtbot.waitUntil(lambda: bool(window._replays), timeout=15_000)
        assert window._replays[0].view.diagram.id == "lv-room"
        window._replays[0].close()
        # the editor opens on the diagram shown
        pane.edit_button.click()
        qtbot.waitUntil(lambda: any(isinstance(w, DiagramEditor) for w in pane.windows), timeout=15_000)
        editor = next(w for w in pane.windows if isinstance(w, DiagramEditor))
        assert editor.diagram.id == "lv-room" and editor is not None
        editor.close()
    finally:
        window.close()
        bridge.stop()
        settings.use_file(None)
