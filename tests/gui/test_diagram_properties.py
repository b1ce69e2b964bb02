"""The diagram editor's properties panel, site picker and layer panel, used as a person would.

Built on the demo site (its SiteModel from a DirectSource that is not started) and the demo
LV room diagram; every edit goes through the undo stack, so each test also undoes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QColor, QInputMethodEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit

from app.config import load_site
from app.diagram import fileformat
from app.diagram.model import Diagram, Layer, PlacedSymbol, ValueLabel
from app.diagram.symbols import load_library
from app.sources.direct import DirectSource
from widgets import runtime
from widgets.topology.commands import AddItems, EditItems, SetLayers
from widgets.topology.layers import VISIBLE, LayerPanel
from widgets.topology.picker import ROLE_ID, SitePicker
from widgets.topology.properties import PropertiesPanel
from widgets.topology.scene import DiagramScene

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LIBRARY = load_library()
SITE_CONFIG = load_site()
FOLDER = Path(SITE_CONFIG.path).parent  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return DirectSource(SITE_CONFIG, tmp_path_factory.mktemp("h") / "h.sqlite").site()


def lv_room() -> Diagram:
    ref = next(d for d in SITE_CONFIG.file.diagrams if d.id == "lv-room")
    return fileformat.load(FOLDER / ref.file, LIBRARY)


def named(diagram: Diagram, name: str) -> PlacedSymbol:
    return next(p for p in diagram.placed if p.name == name)


@pytest.fixture
def editor(qtbot, site):
    diagram = lv_room()
    stack = QUndoStack()
    panel = PropertiesPanel(diagram, stack, site)
    qtbot.addWidget(panel)
    panel.resize(460, 900)
    panel.show()
    yield diagram, stack, panel
    panel.detach()


def shot(widget, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    widget.grab().save(str(ARTIFACTS / f"{name}.png"))


def type_text(qtbot, widget, text: str) -> None:
    """Type as a person would: keys for ASCII, the input method's commit for Chinese (QTest has no keys for it)."""
    for run in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if run.isascii():
            qtbot.keyClicks(widget, run)
        else:
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)


def answer_picker(qtbot, search: str, choose: str | None = None, then: Callable[[SitePicker], None] | None = None):
    """When the picker opens (modal), type ``search``, select ``choose`` (or the first match), press OK."""
    seen: list[SitePicker] = []

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SitePicker):
            QTimer.singleShot(10, act)
            return
        seen.append(dialog)
        type_text(qtbot, dialog.search, search)
        if choose is not None:
            row = dialog.item(choose)
            assert row is not None and not row.isHidden(), f"{choose} not offered for {search!r}"
            dialog.tree.setCurrentItem(row)
        if then is not None:
            then(dialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled()
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, act)
    return seen


def visible_choices(dialog: SitePicker) -> list[str]:
    out = []
    for i in range(dialog.tree.topLevelItemCount()):
        stack = [dialog.tree.topLevelItem(i)]
        while stack:
            item = stack.pop()
            if item.isHidden():
                continue
            if item.data(0, Qt.ItemDataRole.UserRole) == dialog.mode:
                out.append(item.data(0, ROLE_ID))
            stack += [item.child(c) for c in range(item.childCount())]
    return sorted(out)


# ---------------------------------------------------------------- the picker


def test_picker_finds_a_point_by_words_in_either_language_and_ok_needs_a_point(qtbot, site):
    dialog = SitePicker(site, "point", kinds={"digital"}, device="F1-01")
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    # the starting device comes first, expanded, and only digital points are offered
    first_room = dialog.tree.topLevelItem(0)
    assert first_room.data(0, ROLE_ID) == "LV" and first_room.child(0).data(0, ROLE_ID) == "F1-01"
    assert first_room.child(0).isExpanded()
    assert dialog.item("F1-01.DI1") is not None and dialog.item("F1-01.Ia") is None
    dialog.tree.setCurrentItem(first_room.child(0))  # a device is no point: OK stays off
    assert not ok.isEnabled()

    type_text(qtbot, dialog.search, "f1-01 开关量输入2")  # case-insensitive id + Chinese name, every word must match
    assert visible_choices(dialog) == ["F1-01.DI2"]
    assert dialog.chosen() == "F1-01.DI2" and ok.isEnabled()
    shot(dialog, "diagram_properties_picker")
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "DIGITAL input 3 F2-02")
    assert visible_choices(dialog) == ["F2-02.DI3"]
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # on into the list, the match chosen
    assert dialog.focusWidget() is dialog.tree and dialog.chosen() == "F2-02.DI3"
    dialog.search.setFocus()
    qtbot.keyClicks(dialog.search, " nothing-like-this")
    assert visible_choices(dialog) == [] and not ok.isEnabled() and dialog.empty.isVisibleTo(dialog)
    dialog.search.clear()
    row = dialog.item("F1-02.DI1")
    dialog.tree.scrollToItem(row)
    where = dialog.tree.visualItemRect(row).center()
    qtbot.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)  # a person's double-click:
    qtbot.mouseDClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)  # press, release, double
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.chosen() == "F1-02.DI1"


def test_pick_point_and_pick_device_answer_the_choice_or_none(qtbot, site):
    answer_picker(qtbot, "T1-TCU TA")
    assert SitePicker.pick_point(site, kinds={"analog"}) == "T1-TCU.TA"
    answer_picker(qtbot, "bus tie")
    assert SitePicker.pick_device(site) == "BUS-TIE"

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SitePicker):
            QTimer.singleShot(10, cancel)
            return
        assert dialog.chosen() == "F1-01.DI1"  # the current binding is shown chosen
        dialog.reject()

    QTimer.singleShot(0, cancel)
    assert SitePicker.pick_point(site, kinds={"digital"}, current="F1-01.DI1") is None


# ---------------------------------------------------------------- binding


def test_a_breaker_is_bound_by_picking_and_one_undo_unbinds_it(qtbot, editor):
    diagram, stack, panel = editor
    breaker = PlacedSymbol("new-qf", "breaker_fixed", (4.0, 4.0), name="QF9", device="F1-03")
    stack.push(AddItems(diagram, [breaker]))
    counts: list[int] = []
    panel.problems_changed.connect(counts.append)
    before = panel.problem_count()
    panel.show_items(["new-qf"])
    _name, point, choose, clear = panel.state_rows["position"]
    assert "not bound" in point.text() and not clear.isEnabled()
    assert "'Position (open/closed)' is not bound to a point" in panel.problems_label.text()

    seen = answer_picker(qtbot, "输入2")  # the device's own digital inputs are offered first
    qtbot.mouseClick(choose, Qt.MouseButton.LeftButton)
    assert seen and seen[0].device == "F1-03" and seen[0].kinds == {"digital"}
    assert diagram.items["new-qf"].bindings == {"position": "F1-03.DI2"}
    assert point.text() == "Digital input 2 · F1-03.DI2" and clear.isEnabled()
    assert panel.problems_label.isHidden() and panel.problem_count() == before - 1 and counts[-1] == before - 1

    stack.undo()
    assert diagram.items["new-qf"].bindings == {}
    assert "not bound" in point.text() and panel.problem_count() == before

    stack.redo()
    qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    assert diagram.items["new-qf"].bindings == {}
    stack.undo()
    assert diagram.items["new-qf"].bindings == {"position": "F1-03.DI2"}

    # the device: picked, shown by name, cleared
    answer_picker(qtbot, "F2-04")
    qtbot.mouseClick(panel.device_button, Qt.MouseButton.LeftButton)
    assert diagram.items["new-qf"].device == "F2-04" and "F2-04" in panel.device_label.text()
    qtbot.mouseClick(panel.device_clear, Qt.MouseButton.LeftButton)
    assert diagram.items["new-qf"].device == "" and panel.device_label.text() == "None"


def test_bindings_to_an_analog_or_a_missing_point_are_flagged_in_words(qtbot, editor):
    diagram, stack, panel = editor
    qf = named(diagram, "QF1-01")
    panel.show_items([qf.uuid])
    assert panel.problems_label.isHidden()
    base = panel.problem_count()
    with qtbot.waitSignal(panel.problems_changed) as signal:
        stack.push(EditItems(diagram, {qf.uuid: {"bindings": {"position": "F1-01.Ia"}}}))
    assert signal.args == [base + 1]
    text = panel.problems_label.text()
    assert panel.problems_label.isVisible()
    assert "'Position (open/closed)' is bound to F1-01.Ia, a point of kind analog; a state needs a digital point" \
        in text
    assert "color: #c62828" in panel.state_rows["position"][1].styleSheet()

    stack.push(EditItems(diagram, {qf.uuid: {"bindings": {"position": "F1-01.NOPE"}, "device": "F9-99",
                                            "labels": (*qf.labels, ValueLabel("F1-01.GONE"))}}))  # fmt: skip
    text = panel.problems_label.text()
    assert "is bound to F1-01.NOPE, which is not a point of the site" in text
    assert "A value label shows F1-01.GONE, which is not a point of the site" in text
    assert "Device F9-99 is not in the site" in text
    assert panel.problem_count() == base + 3
    mine = [f.text for f in panel.problems() if f.symbol == qf.uuid]
    assert len(mine) == 3 and all(t.startswith("QF1-01: ") for t in mine)
    assert len(panel.problems()) == panel.problem_count()
    qtbot.wait(20)  # the layout follows the longer problem list on the next turn of the event loop
    shot(panel, "diagram_properties_problems")

    stack.undo()
    stack.undo()
    assert panel.problems_label.isHidden() and panel.problem_count() == base


def test_typing_a_name_is_one_undo_step_per_visit(qtbot, editor):
    diagram, stack, panel = editor
    qf = named(diagram, "QF1-01")
    panel.show_items([qf.uuid])
    panel.name_edit.setFocus()
    panel.name_edit.selectAll()
    qtbot.keyClicks(panel.name_edit, "QF1-1A")
    assert diagram.items[qf.uuid].name == "QF1-1A" and stack.count() == 1
    assert panel.title.text() == "QF1-1A"
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return)  # leaving the field ends the step
    qtbot.keyClicks(panel.name_edit, "B")
    assert diagram.items[qf.uuid].name == "QF1-1AB" and stack.count() == 2
    stack.undo()
    assert diagram.items[qf.uuid].name == "QF1-1A" and panel.name_edit.text() == "QF1-1A"
    stack.undo()
    assert diagram.items[qf.uuid].name == "QF1-01" and panel.name_edit.text() == "QF1-01"


def test_value_labels_are_added_by_picking_and_formatted_with_a_preview(qtbot, editor):
    diagram, stack, panel = editor
    qf = named(diagram, "QF1-01")
    panel.show_items([qf.uuid])
    table = panel.labels_box
    assert table.table.rowCount() == 2 and table.preview(0) == "1234.6 kW"

    seen = answer_picker(qtbot, "AB线电压")
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    assert seen[0].kinds == {"analog", "counter"} and seen[0].device == "F1-01"
    labels = diagram.items[qf.uuid].labels
    assert len(labels) == 3 and labels[2].point == "F1-01.Uab" and labels[2].unit == "V"
    assert labels[2].offset == (labels[1].offset[0], round(labels[1].offset[1] + 1.2, 2))
    assert table.table.rowCount() == 3 and table.preview(2) == "1234.6 V"

    spec = table.format_box(2).lineEdit()
    spec.selectAll()
    qtbot.keyClicks(spec, ".2f")
    assert diagram.items[qf.uuid].labels[2].format == ".2f" and table.preview(2) == "1234.57 V"
    qtbot.keyClick(spec, Qt.Key.Key_Return)
    steps = stack.count()
    spec.selectAll()
    qtbot.keyClicks(spec, "x")  # not a number format: refused in red, the model keeps .2f
    assert diagram.items[qf.uuid].labels[2].format == ".2f" and stack.count() == steps
    assert "not a number format" in table.format_box(2).toolTip()
    table.format_box(2).setCurrentText(".0f")  # a preset from the list
    assert diagram.items[qf.uuid].labels[2].format == ".0f" and table.preview(2) == "1235 V"

    unit = table.unit_edit(2)
    unit.selectAll()
    qtbot.keyClicks(unit, "kV")
    assert diagram.items[qf.uuid].labels[2].unit == "kV" and table.preview(2) == "1235 kV"
    qtbot.keyClick(unit, Qt.Key.Key_Return)

    table.table.selectRow(0)
    qtbot.mouseClick(table.remove_button, Qt.MouseButton.LeftButton)
    assert [lab.point for lab in diagram.items[qf.uuid].labels] == ["F1-01.Ia", "F1-01.Uab"]
    assert table.table.rowCount() == 2 and table.preview(1) == "1235 kV"
    while stack.canUndo():
        stack.undo()
    assert diagram.items[qf.uuid].labels == qf.labels and table.table.rowCount() == 2
    assert table.preview(0) == "1234.6 kW"


def test_windings_length_text_and_link_fields(qtbot, editor):
    diagram, stack, panel = editor
    t1 = named(diagram, "1#主变")
    panel.show_items([t1.uuid])
    assert set(panel.kv_spins) == {"hv", "lv"} and panel.kv_spins["lv"].value() == 0.4
    assert not panel.symbol_form.isRowVisible(panel.length_spin)
    panel.kv_spins["hv"].setValue(20.0)
    assert diagram.items[t1.uuid].kv == {"hv": 20.0}

    bus = named(diagram, "0.4kV Ⅰ段母线")
    panel.show_items([bus.uuid])
    assert panel.symbol_form.isRowVisible(panel.length_spin) and panel.length_spin.value() == 48
    assert panel.length_spin.minimum() > 2  # its wired terminals keep it long enough
    panel.length_spin.setValue(50)
    assert diagram.items[bus.uuid].length == 50.0
    stack.undo()
    assert diagram.items[bus.uuid].length == 48.0 and panel.length_spin.value() == 48

    texts = diagram.of_type(type(next(i for i in diagram.items.values() if type(i).__name__ == "Text")))
    panel.show_items([texts[0].uuid])
    assert panel.pages.currentIndex() == 2 and panel.text_edit.text() == texts[0].text
    panel.text_edit.selectAll()
    type_text(qtbot, panel.text_edit, "注释")
    assert diagram.items[texts[0].uuid].text == "注释"
    links = [i for i in diagram.items.values() if type(i).__name__ == "Link"]
    panel.show_items([links[0].uuid])
    assert panel.pages.currentIndex() == 3
    panel.target_combo.setCurrentIndex(panel.target_combo.findData("hv-room"))
    assert diagram.items[links[0].uuid].target == "hv-room"


def test_several_selected_move_to_a_layer_in_one_step(qtbot, editor):
    diagram, stack, panel = editor
    stack.push(SetLayers(diagram, (*diagram.layers, Layer("Notes"))))
    a, b = named(diagram, "QF1-01"), named(diagram, "QF1-02")
    wire = diagram.wires_at(a.uuid)[0]
    panel.show_items([a.uuid, b.uuid, wire.uuid])
    assert panel.title.text() == "3 items selected" and panel.pages.currentIndex() == 4
    combo = panel.many_layer
    assert combo.currentText() == "Base layer" and combo.count() == 2
    steps = stack.count()
    combo.setCurrentIndex(combo.findData("Notes"))
    assert diagram.items[a.uuid].layer == diagram.items[b.uuid].layer == "Notes"
    assert stack.count() == steps + 1
    stack.undo()
    assert diagram.items[a.uuid].layer == diagram.items[b.uuid].layer == ""
    assert combo.currentText() == "Base layer"

    # an item on a locked layer is shown but cannot be changed until the layer is unlocked
    stack.redo()
    panel.show_items([a.uuid])
    assert panel.name_edit.isEnabled() and panel.locked_note.isHidden()
    stack.push(SetLayers(diagram, (Layer(""), Layer("Notes", locked=True))))
    assert not panel.name_edit.isEnabled() and panel.locked_note.isVisible()
    stack.undo()
    assert panel.name_edit.isEnabled() and panel.locked_note.isHidden()


# ---------------------------------------------------------------- layers


def test_layers_add_rename_hide_lock_move_remove_and_undo_to_clean(qtbot):
    diagram = lv_room()
    stack = QUndoStack()
    scene = DiagramScene(diagram, QColor("black"), QColor("white"))
    panel = LayerPanel(diagram, stack)
    qtbot.addWidget(panel)
    panel.resize(360, 300)
    panel.show()
    stack.setClean()
    base = panel.tree.topLevelItem(0)
    assert base.text(0) == "Base layer" and not panel.remove_button.isEnabled()
    assert not panel.rename_button.isEnabled()

    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert [lay.name for lay in diagram.layers] == ["", "Layer 1"]
    editor = panel.tree.findChild(QLineEdit)  # the new layer's name is open for typing
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "Badges")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on its next turn of the event loop
    qtbot.waitUntil(lambda: [lay.name for lay in diagram.layers] == ["", "Badges"], timeout=3_000)
    assert panel.current() == "Badges" and panel.tree.topLevelItem(1).text(0) == "Badges"

    badges = [p for p in diagram.placed if diagram.symbols[p.symbol].kind == "badge"]
    panel.set_selection([p.uuid for p in badges] + [diagram.wires[0].uuid])
    qtbot.mouseClick(panel.move_button, Qt.MouseButton.LeftButton)
    assert all(diagram.items[p.uuid].layer == "Badges" for p in badges)
    assert not panel.move_button.isEnabled()

    row = panel.tree.topLevelItem(1)
    rect = panel.tree.visualItemRect(row)
    row.setCheckState(VISIBLE, Qt.CheckState.Unchecked)  # the person unticks "visible"
    assert not diagram.layer("Badges").visible
    assert all(not scene.symbols[p.uuid].isVisible() for p in badges)
    assert scene.symbols[named(diagram, "QF1-01").uuid].isVisible()
    shot(panel, "diagram_properties_layers")
    assert rect.isValid()
    row.setCheckState(2, Qt.CheckState.Checked)
    assert diagram.layer("Badges").locked

    stack.undo()  # unlock
    assert not diagram.layer("Badges").locked and row.checkState(2) == Qt.CheckState.Unchecked
    stack.redo()

    # a renamed layer takes its items along (one step)
    assert panel.rename_layer("Badges", "Devices")
    assert all(diagram.items[p.uuid].layer == "Devices" for p in badges)
    assert not panel.rename_layer("Devices", "")  # refused: the row shows the name again
    assert panel.tree.topLevelItem(1).text(0) == "Devices"

    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert [lay.name for lay in diagram.layers] == [""]
    assert all(diagram.items[p.uuid].layer == "" for p in badges)
    assert all(scene.symbols[p.uuid].isVisible() for p in badges)
    stack.undo()  # the layer and its items come back together, hidden as they were
    assert diagram.layer("Devices").name == "Devices" and not diagram.layer("Devices").visible
    assert all(diagram.items[p.uuid].layer == "Devices" for p in badges)
    assert all(not scene.symbols[p.uuid].isVisible() for p in badges)
    assert panel.tree.topLevelItemCount() == 2

    while stack.canUndo():
        stack.undo()
    assert stack.isClean() and diagram.layers == (Layer(""),)
    assert all(diagram.items[p.uuid].layer == "" for p in badges)
    assert panel.tree.topLevelItemCount() == 1 and all(scene.symbols[p.uuid].isVisible() for p in badges)
    panel.detach()
    scene.detach()


# ---------------------------------------------------------------- screenshots


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_screenshot_of_the_breaker_qf1_01(qtbot, site, language):
    app = QCoreApplication.instance()
    diagram = lv_room()
    try:
        runtime.load_translations(app, language)
        panel = PropertiesPanel(diagram, QUndoStack(), site)
        qtbot.addWidget(panel)
        panel.resize(460, 760)
        panel.show()
        panel.show_items([named(diagram, "QF1-01").uuid])
        qtbot.wait(50)
        point = panel.state_rows["position"][1].text()
        assert point == ("开关量输入1 · F1-01.DI1" if language == "zh_CN" else "Digital input 1 · F1-01.DI1")
        device = "1#出线 照明 · F1-01" if language == "zh_CN" else "Feeder 1-01 lighting · F1-01"
        assert panel.device_label.text() == device
        shot(panel, f"diagram_properties_{language}")
        panel.detach()
        picker = SitePicker(site, "point", kinds={"analog"}, device="F1-01")
        qtbot.addWidget(picker)
        picker.show()
        type_text(qtbot, picker.search, "出线 电流" if language == "zh_CN" else "feeder current")
        assert "F1-01.Ia" in visible_choices(picker) and "F1-01.Ua" not in visible_choices(picker)
        shot(picker, f"diagram_properties_picker_{language}")
    finally:
        runtime.load_translations(app, "en")
