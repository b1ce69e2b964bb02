"""The diagram editor's canvas, palette and minimap, used as an engineer would: mouse and keys on the viewport.

The drawing is the shipped low-voltage room (`resources/diagrams/lv-room.json`) where that is
what an engineer edits; a small fresh diagram where a test needs empty space around.  "Back to
the clean state" means the undo stack says clean *and* the file text is the original.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent, QMouseEvent, QUndoStack, QWheelEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QVBoxLayout, QWidget

from app.diagram.fileformat import dumps, load
from app.diagram.model import Diagram, Layer, PlacedSymbol, Text, Wire, WireEnd
from app.diagram.routing import wire_path
from app.diagram.symbols import load_library
from widgets.topology.canvas import DIAGRAM_MIME, EditorCanvas
from widgets.topology.commands import EditItems, SetLayers
from widgets.topology.minimap import Minimap
from widgets.topology.painting import GRID
from widgets.topology.palette import SymbolPalette

LIBRARY = load_library()
DEMO = Path(__file__).resolve().parents[2] / "resources" / "diagrams" / "lv-room.json"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
NO_BUTTON = Qt.MouseButton.NoButton


# -- the engineer's hands -----------------------------------------------------------------------------


def at(canvas: EditorCanvas, x: float, y: float) -> QPoint:
    """The viewport pixel showing grid point (x, y)."""
    return canvas.mapFromScene(QPointF(x * GRID, y * GRID))


def mouse(view, kind: QEvent.Type, pos: QPoint, button=LEFT, buttons=LEFT, mods=NONE) -> None:
    """A mouse event on a view's viewport (QTest's moves carry no buttons; a drag needs them)."""
    event = QMouseEvent(kind, QPointF(pos), QPointF(view.viewport().mapToGlobal(pos)), button, buttons, mods)
    QApplication.sendEvent(view.viewport(), event)


def drag(canvas, points: list[QPoint], button=LEFT, mods=NONE, during=None) -> None:
    """Press at the first point, move through the others with the button held, release at the last."""
    mouse(canvas, QEvent.Type.MouseButtonPress, points[0], button, button, mods)
    for p in points[1:]:
        mouse(canvas, QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, button, mods)
        if during is not None:
            during()
    mouse(canvas, QEvent.Type.MouseButtonRelease, points[-1], button, Qt.MouseButton.NoButton, mods)


def drop(canvas, pos: QPoint, mime) -> QDropEvent:
    """What a drag from the palette ends in: enter, move, drop (Qt delivers a drop only to the widget that
    accepted the enter)."""
    copy = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pos, copy, mime, LEFT, NONE)
    QApplication.sendEvent(canvas.viewport(), enter)
    assert enter.isAccepted()
    QApplication.sendEvent(canvas.viewport(), QDragMoveEvent(pos, copy, mime, LEFT, NONE))
    event = QDropEvent(QPointF(pos), copy, mime, LEFT, NONE)
    QApplication.sendEvent(canvas.viewport(), event)
    return event


def click(canvas, pos: QPoint, mods=NONE) -> None:
    drag(canvas, [pos], LEFT, mods)


def key(widget, k: Qt.Key, mods=NONE, text: str = "") -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, k, mods, text))


def centre(canvas: EditorCanvas, placed: PlacedSymbol) -> QPoint:
    x, y, w, h = canvas.diagram.bounds(placed)
    return at(canvas, x + w / 2, y + h / 2)


def terminal(canvas: EditorCanvas, uuid: str, tid: str) -> QPoint:
    return at(canvas, *canvas.diagram.terminal_position(WireEnd(uuid, tid)))


def named(diagram: Diagram, name: str) -> PlacedSymbol:
    return next(p for p in diagram.placed if p.name == name)


def make(qtbot, diagram: Diagram, size=(1200, 800), zoom: float = 1.0) -> tuple[EditorCanvas, QUndoStack]:
    stack = QUndoStack()
    canvas = EditorCanvas(diagram, stack, LIBRARY)
    qtbot.addWidget(canvas)
    canvas.resize(*size)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.zoom(zoom)
    canvas.centerOn(QPointF(diagram.size[0] * GRID / 2, diagram.size[1] * GRID / 2))
    return canvas, stack


@pytest.fixture
def demo(qtbot):
    diagram = load(DEMO, LIBRARY)
    canvas, stack = make(qtbot, diagram, zoom=1.0)
    canvas.centerOn(QPointF(20 * GRID, 35 * GRID))
    return canvas, stack, dumps(diagram)


@pytest.fixture
def bench(qtbot):
    """An empty room with three fixed breakers in a row (room to draw around them)."""
    diagram = Diagram("t", "test", size=(60.0, 40.0))
    for n, x in enumerate((10, 20, 34)):
        diagram.place(LIBRARY["breaker_fixed"], (x, 10 + n), name=f"QF{n + 1}")
    canvas, stack = make(qtbot, diagram, size=(1000, 700), zoom=1.0)
    canvas.centerOn(QPointF(30 * GRID, 20 * GRID))
    return canvas, stack


# -- palette to canvas ----------------------------------------------------------------------------------


def test_a_symbol_dropped_from_the_palette_lands_snapped_under_the_pointer(qtbot, bench):
    canvas, stack = bench
    palette = SymbolPalette(LIBRARY)
    qtbot.addWidget(palette)
    mime = palette.mime_for("disconnector")
    assert drop(canvas, at(canvas, 50.3, 30.6), mime).isAccepted()
    assert stack.count() == 1 and stack.command(0).text() == "Place 隔离开关"
    (uuid,) = canvas.selected()
    placed = canvas.diagram.items[uuid]
    # its centre under the pointer, its corner on the grid (2 x 4 symbol: centre 50.3, 30.6 -> corner 49, 29)
    assert placed.symbol == "disconnector" and placed.position == (49.0, 29.0)
    assert uuid in canvas.diagram_scene.symbols
    stack.undo()
    assert uuid not in canvas.diagram.items and stack.isClean()
    # a busbar's terminals lie on its middle line: its terminals, not its corner, go on the grid
    bar = canvas.diagram.items[canvas.place("busbar", (30.2, 20.1))]
    assert bar.position == (26.0, 19.5)
    assert canvas.diagram.terminal_position(WireEnd(bar.uuid, "N3")) == (29.0, 20.0)


def test_a_drop_of_something_else_is_refused(qtbot, bench):
    canvas, stack = bench
    palette = SymbolPalette(LIBRARY)
    qtbot.addWidget(palette)
    assert not drop(canvas, at(canvas, 5, 5), palette.mime_for("no_such_symbol")).isAccepted()
    text = QMimeData()
    text.setText("QF1")
    enter = QDragEnterEvent(at(canvas, 5, 5), Qt.DropAction.CopyAction, text, LEFT, NONE)
    QApplication.sendEvent(canvas.viewport(), enter)
    assert not enter.isAccepted()  # text or files are not symbols
    assert stack.count() == 0


# -- wires ---------------------------------------------------------------------------------------------


def test_connecting_two_symbols_with_the_mouse_draws_a_routed_wire(qtbot, bench):
    canvas, stack = bench
    d = canvas.diagram
    qf1, qf2 = named(d, "QF1"), named(d, "QF2")
    seen: list[object] = []
    canvas.message.connect(seen.append)
    # hovering a symbol shows its terminals
    mouse(canvas, QEvent.Type.MouseMove, centre(canvas, qf1), Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    assert canvas._hover == qf1.uuid
    previews: list[object] = []
    a, b = terminal(canvas, qf1.uuid, "b"), terminal(canvas, qf2.uuid, "a")
    drag(canvas, [a, (a + b) / 2, b], during=lambda: previews.append(canvas.preview))
    assert all(p is not None for p in previews) and previews[0][1] != previews[-1][1]  # the preview followed
    assert canvas.preview is None
    (wire,) = d.wires
    assert {(wire.start.symbol, wire.start.terminal), (wire.end.symbol, wire.end.terminal)} == {
        (qf1.uuid, "b"), (qf2.uuid, "a")}
    assert stack.count() == 1 and stack.command(0).text() == "Connect"
    path = wire_path(d, wire)
    assert all(p[0] == q[0] or p[1] == q[1] for p, q in itertools.pairwise(path))  # orthogonal
    assert wire.uuid in canvas.diagram_scene.wires

    # the same wire again, backwards: refused in words; a wire to its own terminal likewise
    drag(canvas, [b, a])
    drag(canvas, [a, a + QPoint(1, 1)])
    assert stack.count() == 1
    assert seen == ["These two terminals are already connected.", "A wire needs two different terminals."]
    # released on empty canvas: nothing
    drag(canvas, [a, at(canvas, 55, 35)])
    assert stack.count() == 1 and canvas.wire_from is None


def test_escape_cancels_a_wire_being_drawn(qtbot, bench):
    canvas, stack = bench
    qf1 = named(canvas.diagram, "QF1")
    a = terminal(canvas, qf1.uuid, "a")
    mouse(canvas, QEvent.Type.MouseButtonPress, a)
    mouse(canvas, QEvent.Type.MouseMove, a + QPoint(40, 40), Qt.MouseButton.NoButton, LEFT)
    assert canvas.wire_from is not None
    key(canvas, Qt.Key.Key_Escape)
    assert canvas.wire_from is None and canvas.preview is None
    mouse(canvas, QEvent.Type.MouseButtonRelease, terminal(canvas, named(canvas.diagram, "QF2").uuid, "a"), LEFT,
          Qt.MouseButton.NoButton)
    assert stack.count() == 0


# -- moving --------------------------------------------------------------------------------------------


def test_dragging_a_symbol_moves_it_live_its_wires_follow_and_the_drag_is_one_undo_step(qtbot, demo):
    canvas, stack, original = demo
    d = canvas.diagram
    qf = named(d, "QF401")
    wire = d.wires_at(qf.uuid)[0]
    shown = canvas.diagram_scene.wires[wire.uuid]
    path_before = shown.path
    start = centre(canvas, qf)
    live: list[tuple[float, float]] = []
    steps = [start + QPoint(round(GRID * k / 2), round(GRID * k / 3)) for k in range(0, 13)]
    drag(canvas, steps, during=lambda: live.append(d.items[qf.uuid].position))
    assert len(set(live)) > 2  # it moved while the hand moved, through the model
    assert all(float(x).is_integer() and float(y).is_integer() for x, y in live)  # snapped to the grid
    assert d.items[qf.uuid].position == (12.0, 31.0)  # 6 and 4 units on
    assert shown.path != path_before
    assert shown.path.elementAt(0).x != path_before.elementAt(0).x or \
        shown.path.elementAt(shown.path.elementCount() - 1).x != path_before.elementAt(path_before.elementCount() - 1).x
    assert stack.count() == 1 and isinstance(stack.command(0), EditItems) and stack.command(0).text() == "Move"
    stack.undo()
    assert d.items[qf.uuid].position == qf.position and stack.isClean()
    assert dumps(d) == original
    assert shown.path == path_before
    stack.redo()
    assert d.items[qf.uuid].position == (12.0, 31.0)


def test_a_busbar_is_moved_by_its_bar_and_all_its_wires_follow(qtbot, demo):
    canvas, stack, original = demo
    d = canvas.diagram
    bus = named(d, "0.4kV Ⅰ段母线")  # terminals every grid unit along the bar
    wires = d.wires_at(bus.uuid)
    before = {w.uuid: wire_path(d, w) for w in wires}
    p = terminal(canvas, bus.uuid, "S20")  # right on a terminal, inside the bar
    drag(canvas, [p, p + QPoint(0, 10), p + QPoint(0, 40)])
    assert d.items[bus.uuid].position == (4.0, 36.5)
    assert all(wire_path(d, d.items[w.uuid]) != before[w.uuid] for w in wires)
    assert stack.count() == 1 and stack.command(0).text() == "Move"
    stack.undo()
    assert dumps(d) == original


def test_a_click_without_movement_selects_and_pushes_nothing(qtbot, demo):
    canvas, stack, _ = demo
    qf = named(canvas.diagram, "QF401")
    click(canvas, centre(canvas, qf))
    assert canvas.selected() == [qf.uuid] and canvas.diagram_scene.symbols[qf.uuid].isSelected()
    assert stack.count() == 0


def test_alt_drag_moves_off_the_grid_and_several_selected_move_together(qtbot, bench):
    canvas, stack = bench
    d = canvas.diagram
    qf1, qf2 = named(d, "QF1"), named(d, "QF2")
    click(canvas, centre(canvas, qf1))
    click(canvas, centre(canvas, qf2), Qt.KeyboardModifier.ControlModifier)
    assert canvas.selected() == [qf1.uuid, qf2.uuid]
    p = centre(canvas, qf1)
    drag(canvas, [p, p + QPoint(10, 0), p + QPoint(30, 0)], mods=Qt.KeyboardModifier.AltModifier)
    assert d.items[qf1.uuid].position == (11.5, 10.0) and d.items[qf2.uuid].position == (21.5, 11.0)
    assert stack.count() == 1
    stack.undo()
    assert d.items[qf1.uuid].position == (10.0, 10.0) and d.items[qf2.uuid].position == (20.0, 11.0)


def test_ctrl_click_toggles_and_a_click_on_empty_canvas_clears(qtbot, bench):
    canvas, _ = bench
    qf1, qf2 = named(canvas.diagram, "QF1"), named(canvas.diagram, "QF2")
    heard: list[list[str]] = []
    canvas.selection_changed.connect(heard.append)
    click(canvas, centre(canvas, qf1))
    click(canvas, centre(canvas, qf2), Qt.KeyboardModifier.ShiftModifier)
    click(canvas, centre(canvas, qf1), Qt.KeyboardModifier.ControlModifier)
    assert canvas.selected() == [qf2.uuid]
    click(canvas, at(canvas, 50, 35))
    assert canvas.selected() == []
    assert heard == [[qf1.uuid], [qf1.uuid, qf2.uuid], [qf2.uuid], []]


def test_a_rubber_band_selects_what_it_touches(qtbot, bench):
    canvas, _ = bench
    d = canvas.diagram
    qf1, qf2, qf3 = (named(d, n) for n in ("QF1", "QF2", "QF3"))
    d.connect(WireEnd(qf1.uuid, "b"), WireEnd(qf2.uuid, "a"))
    wire = d.wires[0]
    drag(canvas, [at(canvas, 8, 6), at(canvas, 15, 10), at(canvas, 24, 18)])
    assert set(canvas.selected()) == {qf1.uuid, qf2.uuid, wire.uuid}
    assert not canvas._band.isVisible()
    # Shift adds to what was chosen
    drag(canvas, [at(canvas, 30, 5), at(canvas, 40, 20)], mods=Qt.KeyboardModifier.ShiftModifier)
    assert set(canvas.selected()) == {qf1.uuid, qf2.uuid, wire.uuid, qf3.uuid}


# -- arranging -----------------------------------------------------------------------------------------


def test_rotate_flip_align_distribute_each_one_step(qtbot, bench):
    canvas, stack = bench
    d = canvas.diagram
    qf1, qf2, qf3 = (named(d, n) for n in ("QF1", "QF2", "QF3"))
    canvas.select([qf1.uuid, qf2.uuid, qf3.uuid])
    key(canvas, Qt.Key.Key_R, text="r")
    assert [d.items[u].rotation for u in canvas.selected()] == [90, 90, 90]
    assert d.bounds(d.items[qf1.uuid]) == (9.0, 11.0, 4.0, 2.0)  # turned about its centre (11, 12)
    key(canvas, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier, "R")
    assert [d.items[u].rotation for u in canvas.selected()] == [0, 0, 0]
    assert d.items[qf1.uuid].position == (10.0, 10.0)
    key(canvas, Qt.Key.Key_F, text="f")
    assert all(d.items[u].flip for u in canvas.selected())
    assert stack.count() == 3

    canvas.align("top")
    assert {d.items[u].position[1] for u in canvas.selected()} == {10.0}
    canvas.align("bottom")
    assert {d.items[u].position[1] for u in canvas.selected()} == {10.0}  # all the same height: nothing moves
    assert stack.count() == 4
    canvas.align("hcentre")
    xs = {d.bounds(d.items[u])[0] + 1 for u in canvas.selected()}
    assert xs == {(10 + 36) / 2}
    stack.undo()
    canvas.distribute("h")  # 10, 20, 34 (each 2 wide): the middle one goes to 22 for gaps of 10
    assert [d.items[u].position[0] for u in (qf1.uuid, qf2.uuid, qf3.uuid)] == [10.0, 22.0, 34.0]
    assert stack.count() == 5 and stack.command(4).text() == "Distribute"

    key(canvas, Qt.Key.Key_Right)
    key(canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert d.items[qf1.uuid].position == (11.0, 15.0)
    assert stack.count() == 7
    while stack.canUndo():
        stack.undo()
    assert [d.items[u].position for u in (qf1.uuid, qf2.uuid, qf3.uuid)] == [(10.0, 10.0), (20.0, 11.0), (34.0, 12.0)]
    assert not any(d.items[u].flip for u in canvas.selected())


# -- clipboard -----------------------------------------------------------------------------------------


def test_copy_paste_and_duplicate_make_fresh_items_one_undo_removes_them(qtbot, bench):
    canvas, stack = bench
    d = canvas.diagram
    qf1, qf2 = named(d, "QF1"), named(d, "QF2")
    wire = d.connect(WireEnd(qf1.uuid, "b"), WireEnd(qf2.uuid, "a"))
    before = dumps(d)
    canvas.select([qf1.uuid, qf2.uuid])  # the wire between them comes along
    key(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().mimeData().hasFormat(DIAGRAM_MIME)
    assert '"switchroom-diagram"' in QApplication.clipboard().text()
    key(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    pasted = canvas.selected()
    assert len(pasted) == 3 and not set(pasted) & {qf1.uuid, qf2.uuid, wire.uuid}
    new_symbols = [d.items[u] for u in pasted if isinstance(d.items[u], PlacedSymbol)]
    assert sorted(p.position for p in new_symbols) == [(12.0, 12.0), (22.0, 13.0)]
    (new_wire,) = [d.items[u] for u in pasted if isinstance(d.items[u], Wire)]
    assert {new_wire.start.symbol, new_wire.end.symbol} == {p.uuid for p in new_symbols}
    assert stack.count() == 1 and stack.command(0).text() == "Paste"
    key(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # again: further along, not on top
    assert sorted(d.items[u].position for u in canvas.selected() if isinstance(d.items[u], PlacedSymbol)) == [
        (14.0, 14.0), (24.0, 15.0)]
    stack.undo()
    stack.undo()
    assert dumps(d) == before and stack.isClean()

    canvas.select([qf1.uuid])
    key(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    (copy,) = canvas.selected()
    assert copy != qf1.uuid and d.items[copy].position == (12.0, 12.0) and d.items[copy].name == "QF1"
    assert stack.command(0).text() == "Duplicate"
    stack.undo()
    assert dumps(d) == before

    canvas.select([qf1.uuid, qf2.uuid])
    key(canvas, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert qf1.uuid not in d.items and wire.uuid not in d.items and stack.command(0).text() == "Cut"
    stack.undo()
    assert qf1.uuid in d.items and wire.uuid in d.items


def test_a_bad_clipboard_is_explained_in_words(qtbot, bench):
    canvas, stack = bench
    seen: list[str] = []
    canvas.message.connect(seen.append)
    QApplication.clipboard().setText("QF1 QF2 (not a drawing)")
    canvas.paste()
    assert stack.count() == 0
    assert len(seen) == 1 and seen[0].startswith("Cannot paste: ") and len(seen[0]) > len("Cannot paste: ") + 5


def test_delete_key_removes_the_selection_with_its_wires(qtbot, bench):
    canvas, stack = bench
    d = canvas.diagram
    qf1, qf2 = named(d, "QF1"), named(d, "QF2")
    wire = d.connect(WireEnd(qf1.uuid, "b"), WireEnd(qf2.uuid, "a"))
    click(canvas, centre(canvas, qf1))
    key(canvas, Qt.Key.Key_Delete)
    assert qf1.uuid not in d.items and wire.uuid not in d.items and canvas.selected() == []
    stack.undo()
    assert d.items[wire.uuid] == wire


# -- layers --------------------------------------------------------------------------------------------


def test_a_locked_layer_cannot_be_selected_or_moved_and_a_hidden_one_is_not_hit(qtbot, bench):
    canvas, stack = bench
    d = canvas.diagram
    qf1, qf2 = named(d, "QF1"), named(d, "QF2")
    d.set_layers((*d.layers, Layer("fixed", locked=True), Layer("notes", visible=False)))
    d.edit(qf1.uuid, layer="fixed")
    d.edit(qf2.uuid, layer="notes")
    p = centre(canvas, qf1)
    drag(canvas, [p, p + QPoint(40, 0), p + QPoint(80, 20)])
    assert d.items[qf1.uuid].position == (10.0, 10.0) and stack.count() == 0
    assert canvas.selected() == []  # the press on it was a rubber band on the background
    assert canvas.item_at(centre(canvas, qf2)) == ""
    canvas.select_all()
    assert canvas.selected() == [named(d, "QF3").uuid]
    canvas.select([qf1.uuid, qf2.uuid])
    assert canvas.selected() == []
    # unlocking (one command) makes it movable again
    stack.push(SetLayers(d, (d.layers[0], Layer("fixed"), d.layers[2])))
    drag(canvas, [p, p + QPoint(40, 0)])
    assert d.items[qf1.uuid].position == (12.0, 10.0)


# -- texts, view ---------------------------------------------------------------------------------------


def test_double_click_on_empty_canvas_writes_a_free_text_there(qtbot, bench):
    canvas, stack = bench
    pos = at(canvas, 40.2, 30.4)
    mouse(canvas, QEvent.Type.MouseButtonPress, pos)
    mouse(canvas, QEvent.Type.MouseButtonRelease, pos, LEFT, Qt.MouseButton.NoButton)
    mouse(canvas, QEvent.Type.MouseButtonDblClick, pos)
    mouse(canvas, QEvent.Type.MouseButtonRelease, pos, LEFT, Qt.MouseButton.NoButton)
    (uuid,) = canvas.selected()
    text = canvas.diagram.items[uuid]
    assert isinstance(text, Text) and text.position == (40.0, 30.0) and text.text == "Text"
    assert stack.count() == 1
    # it can be dragged like a symbol, and stays selected while its item follows the model
    p = at(canvas, 40.5, 30.3)
    drag(canvas, [p, p + QPoint(20, 0), p + QPoint(40, 0)])
    assert canvas.diagram.items[uuid].position == (42.0, 30.0)
    assert canvas.diagram_scene.others[uuid].isSelected() and stack.count() == 2


def test_wheel_zooms_about_the_cursor_and_the_middle_button_pans(qtbot, bench):
    canvas, _ = bench
    pos = at(canvas, 20, 15)
    before = canvas.transform().m11()
    wheel = QWheelEvent(QPointF(pos), QPointF(canvas.viewport().mapToGlobal(pos)), QPoint(), QPoint(0, 120),
                        Qt.MouseButton.NoButton, NONE, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas.viewport(), wheel)
    assert canvas.transform().m11() == pytest.approx(before * 1.2)
    under = canvas.mapToScene(pos)
    assert abs(under.x() - 20 * GRID) <= 2 and abs(under.y() - 15 * GRID) <= 2  # the point stayed under the cursor
    h = canvas.horizontalScrollBar().value()
    mid = Qt.MouseButton.MiddleButton
    drag(canvas, [pos, pos + QPoint(-60, 0), pos + QPoint(-120, 0)], button=mid)
    assert canvas.horizontalScrollBar().value() == h + 120
    assert canvas.selected() == []


def test_space_drag_pans_ctrl_a_selects_all_and_escape_clears(qtbot, bench):
    canvas, stack = bench
    v = canvas.verticalScrollBar().value()
    pos = at(canvas, 30, 20)
    QApplication.sendEvent(canvas, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Space, NONE, " "))
    drag(canvas, [pos, pos + QPoint(0, -30), pos + QPoint(0, -50)])
    QApplication.sendEvent(canvas, QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Space, NONE, " "))
    assert canvas.verticalScrollBar().value() == v + 50
    assert canvas.selected() == [] and stack.count() == 0
    key(canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert set(canvas.selected()) == set(canvas.diagram.items)
    assert all(item.isSelected() for item in canvas.diagram_scene.symbols.values())
    key(canvas, Qt.Key.Key_Escape)
    assert canvas.selected() == []
    assert not any(item.isSelected() for item in canvas.diagram_scene.symbols.values())
    # after the space is let go, a drag on empty canvas is a rubber band again
    drag(canvas, [at(canvas, 8, 6), at(canvas, 14, 16)])
    assert canvas.selected() == [named(canvas.diagram, "QF1").uuid]


# -- palette and minimap -------------------------------------------------------------------------------


def test_the_palette_search_filters_by_either_language_id_and_kind(qtbot):
    palette = SymbolPalette(LIBRARY, "zh")
    qtbot.addWidget(palette)
    palette.show()
    assert set(palette.shown()) == set(LIBRARY)
    assert palette.entries["breaker_fixed"].text(0) == "断路器"
    palette.search.setText("断路器")
    assert set(palette.shown()) == {"breaker_fixed", "breaker_withdrawable"}
    palette.search.clear()
    qtbot.keyClicks(palette.search, "TRANSFORMER")
    assert {"transformer_2w", "transformer_3w", "ct", "vt"} <= set(palette.shown())
    assert "breaker_fixed" not in palette.shown()
    palette.search.setText("earthing_switch")
    assert palette.shown() == ["earthing_switch"]
    assert palette.groups["Sources"].isHidden() and not palette.groups["Switching devices"].isHidden()
    with qtbot.waitSignal(palette.chosen) as chosen:
        qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert chosen.args == ["earthing_switch"]
    palette.search.setText("zzz")
    assert palette.shown() == []
    palette.set_language("en")
    palette.search.clear()
    assert palette.entries["breaker_fixed"].text(0) == "Circuit breaker"
    assert "断路器" in palette.entries["breaker_fixed"].toolTip(0)
    icon = palette.entries["breaker_fixed"].icon(0).pixmap(32, 32).toImage()
    assert any(icon.pixelColor(x, y).alpha() > 0 for x in range(32) for y in range(32))  # drawn, not blank
    mime = palette.tree.mimeData([palette.entries["fuse"]])
    assert bytes(mime.data("application/x-switchroom-symbol").data()) == b"fuse"
    # a double-click on a symbol chooses it too (the editor places it in the middle of the view)
    palette.tree.scrollToItem(palette.entries["fuse"])
    rect = palette.tree.visualItemRect(palette.entries["fuse"])
    assert not rect.isEmpty()
    with qtbot.waitSignal(palette.chosen) as chosen:  # press, release, double-click, release (as a mouse sends)
        for kind, held in ((QEvent.Type.MouseButtonPress, LEFT), (QEvent.Type.MouseButtonRelease, NO_BUTTON),
                           (QEvent.Type.MouseButtonDblClick, LEFT), (QEvent.Type.MouseButtonRelease, NO_BUTTON)):
            mouse(palette.tree, kind, rect.center(), LEFT, held)
    assert chosen.args == ["fuse"]


def test_a_click_in_the_minimap_centres_the_canvas_there(qtbot, demo):
    canvas, _, _ = demo
    canvas.zoom(2.0)
    minimap = Minimap(canvas)
    qtbot.addWidget(minimap)
    minimap.resize(300, 200)
    minimap.show()
    qtbot.waitExposed(minimap)
    target = QPointF(100 * GRID, 20 * GRID)
    qtbot.mouseClick(minimap.viewport(), LEFT, pos=minimap.mapFromScene(target))
    shown = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert abs(shown.center().x() - target.x()) < 2 * GRID and abs(shown.center().y() - target.y()) < 2 * GRID
    assert minimap.visible_area == shown  # the frame followed
    canvas.horizontalScrollBar().setValue(canvas.horizontalScrollBar().minimum())
    assert minimap.visible_area.left() < shown.left()
    wide = minimap.visible_area.width()
    canvas.zoom(0.5)
    canvas.viewport().repaint()  # zoom changes no scroll bar necessarily: the frame follows the canvas's paint
    assert minimap.visible_area.width() == pytest.approx(2 * wide, rel=0.05)


def test_a_canvas_closed_without_detach_leaves_the_model_usable(qtbot):
    import shiboken6

    diagram = load(DEMO, LIBRARY)
    canvas = EditorCanvas(diagram, QUndoStack(), LIBRARY)
    shiboken6.delete(canvas)
    qf = named(diagram, "QF401")
    diagram.move(qf.uuid, (8.0, 27.0))  # no observer left calling into deleted items
    assert diagram.items[qf.uuid].position == (8.0, 27.0)


# -- the whole editing session ---------------------------------------------------------------------------


def test_a_session_of_edits_undoes_to_the_clean_original_and_looks_right(qtbot):
    diagram = load(DEMO, LIBRARY)
    original = dumps(diagram)
    stack = QUndoStack()
    window = QWidget()
    qtbot.addWidget(window)
    side = QVBoxLayout()
    palette = SymbolPalette(LIBRARY, "zh")
    canvas = EditorCanvas(diagram, stack, LIBRARY)
    minimap = Minimap(canvas)
    side.addWidget(palette, 3)
    side.addWidget(minimap, 2)
    row = QHBoxLayout(window)
    row.addLayout(side, 1)
    row.addWidget(canvas, 4)
    window.resize(1500, 900)
    window.show()
    qtbot.waitExposed(window)
    canvas.fit()
    canvas.zoom(1.5)
    canvas.centerOn(QPointF(30 * GRID, 40 * GRID))
    stack.setClean()

    # a new feeder breaker dropped under section I and wired to a spare terminal of the busbar
    drop(canvas, at(canvas, 44, 41), palette.mime_for("breaker_fixed"))
    (breaker,) = canvas.selected()
    assert diagram.items[breaker].position == (43.0, 39.0)
    bus = named(diagram, "0.4kV Ⅰ段母线")
    drag(canvas, [terminal(canvas, breaker, "a"), terminal(canvas, bus.uuid, "S40")])  # up to the bar
    (wire,) = diagram.wires_at(breaker)
    # the busbar's top and bottom terminals share the point: the wire leaves from the side facing the breaker
    assert {wire.start, wire.end} == {WireEnd(bus.uuid, "S40"), WireEnd(breaker, "a")}
    assert sorted(wire_path(diagram, wire)) == [(44.0, 35.0), (44.0, 39.0)]  # straight down
    qf = named(diagram, "QF1-03")
    p = centre(canvas, qf)
    drag(canvas, [p, p + QPoint(15, 20), p + QPoint(30, 45)])
    canvas.select([named(diagram, n).uuid for n in ("QF1-01", "QF1-02", "QF1-03", "QF1-04")])
    canvas.align("top")
    assert stack.count() == 4 and not stack.isClean()
    ARTIFACTS.mkdir(exist_ok=True)
    window.grab().save(str(ARTIFACTS / "diagram_editor_canvas.png"))

    while stack.canUndo():
        stack.undo()
    assert stack.isClean() and dumps(diagram) == original
    while stack.canRedo():
        stack.redo()
    assert breaker in diagram.items and diagram.items[qf.uuid].position != qf.position
