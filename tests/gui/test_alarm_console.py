"""The alarm console on the demo site, simulated over real sockets: faults raised in the simulated
plant reach the banner, the list and the level-1 popup; the operator acknowledges, shelves and
exports; the journal holds what was done, with user and comment.  Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt

from app.alarms.model import AlarmState, JournalQuery
from app.config import load_site
from app.sources.direct import DirectSource
from drivers.simulator import Fault, FaultKind
from tests.integration.test_alarms_end_to_end import overload_factor
from widgets import runtime, settings
from widgets.alarms.dialogs import AckDialog, ShelveDialog
from widgets.alarms.operator import operator_name
from widgets.bridge import SourceBridge
from widgets.main_window import MainWindow

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"



@pytest.fixture
def console(qtbot, tmp_path):
    settings.use_file(tmp_path / "settings.ini")
    site = load_site()

    def factory() -> DirectSource:
        return DirectSource(site, tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=True, bus_timing=False)

    bridge = SourceBridge(factory)
    window = MainWindow(bridge, ZoneInfo("Asia/Shanghai"))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    with qtbot.waitSignal(bridge.started, timeout=30_000):
        bridge.start()
    qtbot.waitUntil(lambda: len(bridge.latest) >= 900, timeout=30_000)
    yield window, bridge
    window.close()
    bridge.stop()
    settings.use_file(None)


def shot(widget, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    widget.grab().save(str(ARTIFACTS / f"{name}.png"))


def ask(qtbot, bridge: SourceBridge, call):
    """Run ``call(source)`` on the core loop and wait for its answer."""
    box: dict[str, object] = {}
    bridge.request(call, lambda v: box.setdefault("value", v), lambda e: box.setdefault("error", e))
    qtbot.waitUntil(lambda: bool(box), timeout=15_000)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def simulate(qtbot, bridge: SourceBridge, action) -> None:
    async def run(source: DirectSource) -> None:
        assert source.simulator is not None
        action(source.simulator)

    ask(qtbot, bridge, run)


def unacked(window: MainWindow, point: str) -> list:
    return [a for a in window.alarms.active.unacked() if a.point == point]


def answer_ack(qtbot, window: MainWindow, comment: str) -> None:
    qtbot.waitUntil(lambda: isinstance(window.alarms.dialog, AckDialog), timeout=5_000)
    dialog = window.alarms.dialog
    assert isinstance(dialog, AckDialog)
    dialog.comment.setText(comment)
    dialog.accept()


def journal_acks(qtbot, bridge: SourceBridge, alarm_id: int) -> list:
    return ask(qtbot, bridge, lambda s: s.alarm_journal(JournalQuery(alarm_id=alarm_id, changes=("acked",))))


def test_smoke_banner_popup_and_ack_from_the_banner(qtbot, console):
    window, bridge = console
    simulate(qtbot, bridge, lambda sim: sim.inject(Fault(FaultKind.SMOKE, "ENV-1")))
    qtbot.waitUntil(lambda: bool(unacked(window, "ENV-1.smoke")), timeout=20_000)
    alarm = unacked(window, "ENV-1.smoke")[0]
    assert int(alarm.level) == 1

    # The banner shows it first (level 1 sorts first), flashing; the counts say level 1.
    banner = window.banner
    qtbot.waitUntil(lambda: banner.lines[0].alarm is not None and banner.lines[0].alarm.id == alarm.id, timeout=5_000)
    assert banner.lines[0].isVisible()
    assert "ENV-1" in banner.lines[0].text or "环境" in banner.lines[0].text or "environment" in banner.lines[0].text
    assert banner.counts[1] >= 1
    assert banner._flash.isActive()
    flash = banner.flash_on
    qtbot.waitUntil(lambda: banner.flash_on != flash, timeout=2_000)
    assert window.overview is not None and window.overview.alarm_counts[1] >= 1
    # The horn wants level 1 (this machine has no audio device: it says so instead of sounding).
    assert window.alarms.sound.playing == 1
    if not window.alarms.sound.available:
        assert banner.sound_hint.isVisible() and banner.sound_hint.text()

    # The level-1 popup is up, on top, not modal.
    popup = window.alarms.popup
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    assert popup.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert not popup.isModal()
    assert any(a.id == alarm.id for a in popup.alarms)
    shot(popup, "alarm_popup")
    shot(window, "main-window-alarms")

    # Click the banner line: acknowledge with a comment.
    qtbot.mouseClick(banner.lines[0], Qt.MouseButton.LeftButton)
    assert banner.menu is not None
    banner.menu.actions()[0].trigger()
    answer_ack(qtbot, window, "smoke detector checked: dust")
    qtbot.waitUntil(lambda: not unacked(window, "ENV-1.smoke"), timeout=10_000)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=5_000)  # no level-1 alarm left unacknowledged
    acked = window.alarms.active.get(alarm.id)
    assert acked is not None and acked.state is AlarmState.ACTIVE_ACKED
    rows = journal_acks(qtbot, bridge, alarm.id)
    assert [(r.user, r.comment) for r in rows] == [(operator_name(), "smoke detector checked: dust")]

    # The smoke clears: acknowledged and cleared, the alarm leaves the active list.
    simulate(qtbot, bridge, lambda sim: sim.clear("ENV-1", FaultKind.SMOKE))
    qtbot.waitUntil(lambda: window.alarms.active.get(alarm.id) is None, timeout=20_000)


def test_popup_acknowledge_and_mute_that_expires(qtbot, console):
    window, bridge = console
    simulate(qtbot, bridge, lambda sim: sim.inject(Fault(FaultKind.WATER, "ENV-1")))
    qtbot.waitUntil(lambda: bool(unacked(window, "ENV-1.water")), timeout=20_000)
    sound = window.alarms.sound
    assert sound.playing == 1
    sound.mute(0.5)
    assert sound.playing is None and sound.muted
    assert "0:01" in window.banner.mute_button.text() or "0:00" in window.banner.mute_button.text()
    qtbot.waitUntil(lambda: not sound.muted, timeout=5_000)  # the mute ran out by itself
    assert sound.playing == 1
    popup = window.alarms.popup
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    popup.list.topLevelItem(0).setSelected(True)
    popup.ack_button.click()
    answer_ack(qtbot, window, "")
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=10_000)
    assert sound.playing != 1
    alarm_id = popup.alarms[0].id if popup.alarms else window.alarms.active.unacked() and None
    rows = [r for r in ask(qtbot, bridge, lambda s: s.alarm_journal(JournalQuery(points=("ENV-1.water",),
                                                                                   changes=("acked",))))]
    assert len(rows) == 1 and rows[0].user == operator_name() and rows[0].comment is None
    del alarm_id


def select(view, rows: list[int]) -> None:
    model = view.model()
    selection = view.selectionModel()
    selection.clearSelection()
    for r in rows:
        selection.select(model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)


def test_alarm_list_ack_shelve_export_history_and_language(qtbot, console, tmp_path):
    window, bridge = console
    lst = window.alarm_list
    simulate(qtbot, bridge, lambda sim: sim.inject(Fault(FaultKind.DOOR, "ENV-1")))
    simulate(qtbot, bridge, lambda sim: sim.inject(Fault(FaultKind.INTRUSION, "ENV-1")))
    qtbot.waitUntil(lambda: bool(unacked(window, "ENV-1.door")) and bool(unacked(window, "ENV-1.intrusion")),
                    timeout=20_000)

    # Filters: level 3 only, text "ENV-1" -> exactly the two.
    for level, box in lst.level_boxes.items():
        box.setChecked(level == 3)
    lst.text_edit.setText("ENV-1.")
    qtbot.waitUntil(lambda: lst.active_proxy.rowCount() == 2, timeout=5_000)
    shown = {r.point for r in lst.shown_rows()}
    assert shown == {"ENV-1.door", "ENV-1.intrusion"}

    # Sort by point ascending then descending.
    point_col = lst.active_model.columns.index("point")
    lst.active_view.sortByColumn(point_col, Qt.SortOrder.AscendingOrder)
    assert [r.point for r in lst.shown_rows()] == ["ENV-1.door", "ENV-1.intrusion"]
    lst.active_view.sortByColumn(point_col, Qt.SortOrder.DescendingOrder)
    assert [r.point for r in lst.shown_rows()] == ["ENV-1.intrusion", "ENV-1.door"]

    # Excel export of exactly what is shown, off the GUI thread.
    path = tmp_path / "alarms.xlsx"
    with qtbot.waitSignal(window.alarms.exported, timeout=20_000) as blocker:
        lst.export(str(path))
    assert blocker.args == [str(path), ""]
    ws = openpyxl.load_workbook(path).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("ENV-1.door" in c for c in cells) and any("ENV-1.intrusion" in c for c in cells)
    assert not any("ENV-1.smoke" in c for c in cells)

    # Multi-select acknowledge with a comment.
    select(lst.active_view, [0, 1])
    assert lst.ack_button.isEnabled()
    lst.ack_button.click()
    answer_ack(qtbot, window, "door opened for the inspection round")
    qtbot.waitUntil(lambda: not unacked(window, "ENV-1.door") and not unacked(window, "ENV-1.intrusion"),
                    timeout=10_000)
    ids = [r.id for r in lst.shown_rows()]
    for alarm_id in ids:
        rows = journal_acks(qtbot, bridge, alarm_id)
        assert [(r.user, r.comment) for r in rows] == [(operator_name(), "door opened for the inspection round")]

    # Shelve one with a reason; it is shown held (grey italics); unshelve it again.
    lst.active_view.sortByColumn(point_col, Qt.SortOrder.AscendingOrder)
    select(lst.active_view, [0])
    door = lst.selected_rows()[0]
    assert door.point == "ENV-1.door"
    lst.shelve_button.click()
    qtbot.waitUntil(lambda: isinstance(window.alarms.dialog, ShelveDialog), timeout=5_000)
    dialog = window.alarms.dialog
    assert not dialog.ok_button.isEnabled()  # a reason is required
    dialog.duration.setCurrentIndex(0)
    dialog.reason.setText("door held open for cable works")
    dialog.accept()
    qtbot.waitUntil(lambda: window.alarms.active.get(door.id).state is AlarmState.SHELVED, timeout=10_000)
    row = next(i for i, r in enumerate(lst.active_model.rows) if r.id == door.id)
    index = lst.active_model.index(row, lst.active_model.columns.index("message"))
    assert index.data(Qt.ItemDataRole.FontRole).italic()
    assert "cable works" in lst.active_model.text(lst.active_model.rows[row], "comment")
    shelved = ask(qtbot, bridge, lambda s: s.alarm_journal(JournalQuery(alarm_id=door.id, changes=("shelved",))))
    assert shelved[0].user == operator_name() and shelved[0].comment == "door held open for cable works"
    select(lst.active_view, [0])
    assert lst.unshelve_button.isEnabled()
    lst.unshelve_button.click()
    qtbot.waitUntil(lambda: window.alarms.active.get(door.id).state is not AlarmState.SHELVED, timeout=10_000)

    # History tab: the journal's rows for these alarms, newest first, asked off the GUI thread.
    lst.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: lst.history_model.rowCount() >= 6, timeout=10_000)
    changes = {str(r.change) for r in lst.history_model.rows}
    assert {"raised", "acked", "shelved", "unshelved"} <= changes
    assert all(r.point.startswith("ENV-1.") and int(r.level) == 3 for r in lst.history_model.rows)
    # ... and exported as shown: one row per journal change, with its user and comment
    history_path = tmp_path / "history.xlsx"
    with qtbot.waitSignal(window.alarms.exported, timeout=20_000) as blocker:
        lst.export(str(history_path))
    assert blocker.args == [str(history_path), ""]
    cells = [str(c.value) for row in openpyxl.load_workbook(history_path).active.iter_rows() for c in row
             if c.value is not None]  # fmt: skip
    assert any("door opened for the inspection round" in c for c in cells)
    assert any("door held open for cable works" in c for c in cells)
    lst.tabs.setCurrentIndex(0)

    # Language: everything retranslates at runtime.
    app = QCoreApplication.instance()
    for box in lst.level_boxes.values():
        box.setChecked(True)
    lst.text_edit.setText("")
    window.show_alarm_list()
    simulate(qtbot, bridge, lambda sim: sim.open_breaker("F1-01"))  # an unacknowledged line for the banner's shot
    qtbot.waitUntil(lambda: bool(unacked(window, "F1-01.DI1")), timeout=20_000)
    try:
        window._choose(settings.LANGUAGE, "zh_CN")
        qtbot.waitUntil(lambda: lst.tabs.tabText(0) == "活动报警", timeout=3_000)
        assert lst.active_model.headerData(0, Qt.Orientation.Horizontal) == "时间"
        assert window._docks["alarms"].windowTitle() == "报警"
        assert window.banner.list_button.text() == "报警列表"
        qtbot.wait(200)
        shot(lst, "alarm_list_zh")
        shot(window.banner, "alarm_banner_zh")
    finally:
        runtime.load_translations(app, "en")
    qtbot.waitUntil(lambda: lst.tabs.tabText(0) == "Active", timeout=3_000)
    shot(lst, "alarm_list_en")


def test_breaker_trips_build_a_flood_summary(qtbot, console):
    window, bridge = console

    def trip_all(sim) -> None:  # every LV breaker opens: a breaker-change alarm each, within a poll or two
        for device in sorted(sim.physics.breakers):
            if device.startswith(("F", "T1-LV", "T2-LV", "BUS")):
                sim.open_breaker(device)

    simulate(qtbot, bridge, trip_all)
    qtbot.waitUntil(lambda: window.alarms.flood is not None, timeout=30_000)
    flood = window.alarms.flood
    assert flood.count > 10
    banner = window.banner
    assert banner.flood_label.isVisible()
    assert str(flood.count) in banner.flood_label.text()
    shot(window, "main-window-flood")
    # Nothing is hidden: the list holds every alarm of the flood (during a flood the bridge hands
    # alarm changes over in coarser batches, so the last trips may reach the list a moment later).
    def trips() -> list:
        return [r for r in window.alarm_list.active_model.rows if r.key.endswith("DI1:change")]

    qtbot.waitUntil(lambda: len(trips()) >= 11, timeout=10_000)
    listed = {r.id: r for r in window.alarm_list.active_model.rows}
    assert flood.first_out.id in listed
    assert set(window.alarms.active.alarms) == set(listed)


def test_a_critical_alarms_fault_record_opens_as_a_trend_and_dark_theme(qtbot, console):
    window, bridge = console
    qtbot.wait(3000)  # a few polls of history before the fault, for the record's pre-window
    simulate(qtbot, bridge, lambda sim: sim.inject(Fault(FaultKind.SMOKE, "ENV-1")))
    qtbot.waitUntil(lambda: bool(unacked(window, "ENV-1.smoke")), timeout=20_000)
    smoke = unacked(window, "ENV-1.smoke")[0]
    records = []
    qtbot.waitUntil(lambda: bool(records.extend(ask(qtbot, bridge, lambda s: s.fault_records(smoke.id))) or records),
                    timeout=15_000)
    before = len(window.trends)
    window.alarms.open_fault_record(smoke.id)
    qtbot.waitUntil(lambda: len(window.trends) == before + 1, timeout=10_000)
    view = window.trends[-1]
    title = next(d.windowTitle() for d in window._docks.values() if d.widget() is view)
    assert "Fault record" in title
    drawn = list(view._pens)
    assert drawn[0] == "ENV-1.smoke" and all(p.startswith("ENV-1.") for p in drawn)
    fixed = view._fixed["ENV-1.smoke"]
    assert any(s.ts < smoke.raised_at for s in fixed) and any(s.value == 1.0 for s in fixed)
    qtbot.wait(300)
    shot(view, "fault_record_trend")

    # the alarm widgets in the night-shift theme: level colours keep their contrast
    from PySide6.QtWidgets import QApplication

    from widgets.launch import dark_palette

    app = QApplication.instance()
    light = app.palette()
    try:
        app.setPalette(dark_palette())
        window.show_alarm_list()
        qtbot.wait(300)
        shot(window, "main-window-alarms-dark")
    finally:
        app.setPalette(light)


def test_a_feeder_overload_and_a_lost_dtu_reach_the_banner(qtbot, console):
    window, bridge = console
    for device in ("F2-01",):  # a fast poll: the feeder meters poll every 5 s
        ask(qtbot, bridge, lambda s, d=device: _poll_fast(s, d))
    qtbot.waitUntil(lambda: "F2-01.Ia" in bridge.latest, timeout=20_000)
    factor = overload_factor(bridge.latest["F2-01.Ia"].value)  # the demo's load follows the time of day
    simulate(qtbot, bridge, lambda sim: sim.inject(Fault(FaultKind.OVERLOAD, "F2-01", factor=factor)))
    simulate(qtbot, bridge, lambda sim: sim.inject(Fault(FaultKind.DISCONNECT, "DTU-3", reconnect_after=600)))
    # the gateway at once (level 1, so the banner's first line), the overload after its 10 s on-delay
    qtbot.waitUntil(lambda: any(a.point == "DTU-3" for a in window.alarms.active.unacked()), timeout=30_000)
    qtbot.waitUntil(lambda: any(a.device == "F2-01" and a.kind in ("overload", "phase_overload")
                                for a in window.alarms.active.unacked()), timeout=40_000)  # fmt: skip
    first = window.banner.lines[0].alarm
    assert first is not None and int(first.level) == 1  # the most urgent leads the banner
    assert window.banner.count_labels[1].text().endswith(str(window.alarms.active.counts()[1]))
    shot(window.banner, "alarm_banner_overload_dtu_loss")


async def _poll_fast(source: DirectSource, device: str) -> None:
    for bus in source.scan.scans.values():
        for d in bus.devices:
            if d.device == device:
                d.period = 1.0
