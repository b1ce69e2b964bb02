"""The diagram editor's canvas: place, select, move, wire, arrange, copy and paste with the mouse and keys.

The canvas never changes scene items: every edit is an undo command on the model (see
`widgets.topology.commands`) and the `DiagramScene` follows the model.  A drag moves the model
live (so wires re-route under the hand) and pushes one applied `EditItems` on release, which
makes the whole drag one undo step.  The canvas keeps the selection as model uuids, because
the scene may rebuild an item when the model changes; Qt's item selection only draws it.

Layers: items on a hidden layer are not hit, items on a locked layer cannot be selected,
moved or deleted - what an engineer locked stays put.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
        QDropEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPalette,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsView, QRubberBand, QWidget

from app.diagram import clipboard
from app.diagram.fileformat import DiagramFileError
from app.diagram.geometry import Point2, placed_size
from app.diagram.model import Change, Diagram, PlacedSymbol, Text, Wire, WireEnd, new_uuid
from app.diagram.symbols import Symbol
from widgets.topology import arrange, marks
from widgets.topology.commands import AddItems, EditItems, RemoveItems
from widgets.topology.painting import GRID
from widgets.topology.scene import DiagramScene, SymbolItem, WireItem, facing

#: The clipboard's own format: diagram file text (app.diagram.clipboard); plain text carries it too.
DIAGRAM_MIME = "application/x-switchroom-diagram"
#: What the palette drags: a symbol id.
SYMBOL_MIME = "application/x-switchroom-symbol"
#: How close (grid units) the pointer must come to a terminal to take it.
TERMINAL_REACH = 0.6


class EditorCanvas(QGraphicsView):
    """One diagram in edit mode.  Signals: `selection_changed(uuids)`, `message(words)` for the status bar."""

    selection_changed = Signal(list)
    message = Signal(str)

    def __init__(self, diagram: Diagram, stack: QUndoStack, library: Mapping[str, Symbol],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diagram = diagram
        self.stack = stack
        self.library = library
        self.snap = True
        fg = self.palette().color(QPalette.ColorRole.WindowText)
        bg = self.palette().color(QPalette.ColorRole.Base)
        self.diagram_scene = DiagramScene(diagram, fg, bg, self)
        self.setScene(self.diagram_scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self._selection: list[str] = []
        self._band = QRubberBand(QRubberBand.Shape.Rectangle, self.viewport())
        self._gesture = ""  # "", "move", "band", "pan", "wire"
        self._press = QPoint()  # viewport pixels where the gesture began
        self._start: dict[str, Point2] = {}  # a move: where each dragged item was
        self._grip: Point2 = (0.0, 0.0)  # a move: the point that snaps to the grid (the pressed item's terminal)
        self._moved = False
        self._space = False
        self._hover = ""  # the symbol whose terminals are shown
        self.wire_from: WireEnd | None = None
        self.preview: tuple[QPointF, QPointF] | None = None  # a wire being drawn: from, to (scene pixels)
        self._paste_count = 0
        self._last_clip = ""
        self.language = "zh"  # which name of a symbol the undo history shows ("Place 断路器")
        self._mark_selectable()
        diagram.subscribe(self._model_changed)
        observers = (self._model_changed, self.diagram_scene._changed)
        # a canvas closed without `detach` must not leave the model calling into deleted items
        self.destroyed.connect(lambda *_: _forget(diagram, observers))

    def detach(self) -> None:
        """Stop following the model (the editor is closing)."""
        _forget(self.diagram, (self._model_changed, self.diagram_scene._changed))

    # -- selection -------------------------------------------------------------------------------

    def selected(self) -> list[str]:
        """The selected model items' uuids, in the order they were chosen."""
        return list(self._selection)

    def select(self, uuids: Iterable[str]) -> None:
        """Select exactly these items (those on locked or hidden layers, or gone, are left out)."""
        chosen = list(dict.fromkeys(u for u in uuids if self._pickable(u)))
        if chosen == self._selection:
            return
        self._selection = chosen
        self._show_selection()
        self.selection_changed.emit(list(chosen))

    def select_all(self) -> None:
        """Everything that can be picked."""
        self.select(self.diagram.items)

    def _pickable(self, uuid: str) -> bool:
        item = self.diagram.items.get(uuid)
        if item is None:
            return False
        layer = self.diagram.layer_of(item)
        return layer.visible and not layer.locked

    def _show_selection(self) -> None:
        chosen = set(self._selection)
        scene = self.diagram_scene
        for table in (scene.symbols, scene.wires, scene.others):
            for uuid, shown in table.items():
                if shown.isSelected() != (uuid in chosen):
                    shown.setSelected(uuid in chosen)

    def _mark_selectable(self) -> None:
        for table in (self.diagram_scene.wires, self.diagram_scene.others):
            for shown in table.values():
                shown.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)

    def _model_changed(self, change: Change) -> None:
        """The scene has followed the model (it subscribed first): keep the selection true to it.
        Only the changed item is touched, so a drag of many items costs no pass over the drawing."""
        item = change.item
        shown = self.diagram_scene.graphics(item.uuid) if item is not None else None
        if shown is not None:
            shown.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
            shown.setSelected(item.uuid in self._selection)
        if change.kind == "removed" and self._hover == item.uuid:
            self._hover = ""
        kept = [u for u in self._selection if self._pickable(u)]
        if kept != self._selection:
            self._selection = kept
            self._show_selection()
            self.selection_changed.emit(list(kept))

    def _movable(self) -> list[str]:
        """Selected items that have a position of their own (wires follow their symbols)."""
        return [u for u in self._selection if self._pickable(u) and not isinstance(self.diagram.items[u], Wire)]

    # -- hit-testing -----------------------------------------------------------------------------

    def _uuid_of(self, shown: QGraphicsItem | None) -> str:
        while shown is not None and shown.parentItem() is not None:
            shown = shown.parentItem()  # a value label belongs to its symbol
        if isinstance(shown, SymbolItem):
            return shown.placed.uuid
        if isinstance(shown, WireItem):
            return shown.wire.uuid
        return next((u for u, g in self.diagram_scene.others.items() if g is shown), "")

    def item_at(self, pos: QPoint) -> str:
        """The uuid of the topmost visible model item under a viewport point ("" for empty canvas)."""
        for shown in self.items(pos):
            uuid = self._uuid_of(shown)
            if uuid and self.diagram.layer_of(self.diagram.items[uuid]).visible:
                return uuid
        return ""

    def terminal_at(self, at: QPointF, reach: float = TERMINAL_REACH) -> WireEnd | None:
        """The terminal nearest a scene point within ``reach`` grid units, on a visible unlocked symbol."""
        return self.diagram_scene.terminal_at(at, reach)

    def _grip_of(self, uuid: str) -> Point2:
        """What of an item should sit on the grid: a symbol's first terminal (a busbar's lie on its middle
        line, half a unit into the bar), else the item's corner."""
        item = self.diagram.items[uuid]
        if isinstance(item, PlacedSymbol):
            terminals = self.diagram.symbols[item.symbol].terminals_for(item.length)
            if terminals:
                return self.diagram.terminal_position(WireEnd(uuid, terminals[0].id))
        return getattr(item, "position", (0.0, 0.0))

    def _on_bar(self, end: WireEnd, at: QPointF) -> bool:
        placed = self.diagram.items[end.symbol]
        assert isinstance(placed, PlacedSymbol)
        x, y, w, h = self.diagram.bounds(placed)
        inside = x <= at.x() / GRID <= x + w and y <= at.y() / GRID <= y + h
        return inside and self.diagram.symbols[placed.symbol].stretch is not None

    def _grid_point(self, pos: QPoint) -> Point2:
        p = self.mapToScene(pos)
        return (p.x() / GRID, p.y() / GRID)

    # -- placing ---------------------------------------------------------------------------------

    def _centre(self) -> Point2:
        return self._grid_point(self.viewport().rect().center())

    def place(self, symbol_id: str, at: Point2 | None = None) -> str:
        """Put a library symbol with its centre at ``at`` (grid units; None = the visible centre),
        its terminals on the grid when snapping; one undo step.  Returns the new uuid."""
        symbol = self.diagram.symbols.get(symbol_id) or self.library[symbol_id]
        if symbol_id not in self.diagram.symbols:
            self.diagram.define(symbol)
        cx, cy = at if at is not None else self._centre()
        w, h = symbol.size
        x, y = cx - w / 2, cy - h / 2
        if self.snap:  # the first terminal on the grid (a busbar's is half a unit into the bar), else the corner
            terminals = symbol.terminals_for(None)
            tx, ty = terminals[0].at if terminals else (0.0, 0.0)
            x, y = arrange.snapped(x + tx) - tx, arrange.snapped(y + ty) - ty
        placed = PlacedSymbol(new_uuid(), symbol_id, (float(x), float(y)))
        self.stack.push(AddItems(self.diagram, [placed], self.tr("Place %1").replace("%1", symbol.name(self.language))))
        self.select([placed.uuid])
        return placed.uuid

    def add_text(self, at: Point2 | None = None, text: str = "") -> str:
        """Free text at ``at`` (grid units; None = the visible centre); one undo step.  Returns its uuid."""
        x, y = at if at is not None else self._centre()
        if self.snap:
            x, y = arrange.snapped(x), arrange.snapped(y)
        item = Text(new_uuid(), (float(x), float(y)), text or self.tr("Text"))
        self.stack.push(AddItems(self.diagram, [item], self.tr("Add text")))
        self.select([item.uuid])
        return item.uuid

    # -- arranging -------------------------------------------------------------------------------

    def box(self, uuid: str) -> arrange.Box:
        """An item's box in grid units (a symbol's from the model, a text's or link's as drawn)."""
        item = self.diagram.items[uuid]
        if isinstance(item, PlacedSymbol):
            return self.diagram.bounds(item)
        r = self.diagram_scene.others[uuid].sceneBoundingRect()
        return (item.position[0], item.position[1], r.width() / GRID, r.height() / GRID)  # type: ignore[union-attr]

    def _push_positions(self, positions: Mapping[str, Point2], text: str) -> None:
        changes = {u: {"position": (float(p[0]), float(p[1]))} for u, p in positions.items()
                   if tuple(self.diagram.items[u].position) != tuple(p)}  # type: ignore[union-attr]
        if changes:
            self.stack.push(EditItems(self.diagram, changes, text))

    def rotate_selected(self, quarter_turns: int = 1) -> None:
        """Turn the selected symbols clockwise (negative: back) about their centres; one undo step."""
        changes: dict[str, dict[str, object]] = {}
        for uuid in self._movable():
            placed = self.diagram.items[uuid]
            if not isinstance(placed, PlacedSymbol):
                continue
            rotation = (placed.rotation + 90 * quarter_turns) % 360
            size = placed_size(self.diagram.symbols[placed.symbol].size_for(placed.length), rotation)
            at = arrange.turned_about_centre(self.diagram.bounds(placed), size, self.snap)
            changes[uuid] = {"rotation": rotation, "position": at}
        if changes:
            self.stack.push(EditItems(self.diagram, changes, self.tr("Rotate")))

    def flip_selected(self) -> None:
        """Mirror the selected symbols left-right; one undo step."""
        changes = {u: {"flip": not self.diagram.items[u].flip} for u in self._movable()  # type: ignore[union-attr]
                   if isinstance(self.diagram.items[u], PlacedSymbol)}
        if changes:
            self.stack.push(EditItems(self.diagram, changes, self.tr("Flip")))

    def align(self, edge: str) -> None:
        """Line the selection up on an edge or centre line ("left" "right" "top" "bottom" "hcentre" "vcentre")."""
        movable = self._movable()
        if len(movable) >= 2:
            self._push_positions(arrange.align({u: self.box(u) for u in movable}, edge), self.tr("Align"))

    def distribute(self, axis: str) -> None:
        """Equal gaps between the selected items along "h" or "v" (the outermost stay)."""
        movable = self._movable()
        if len(movable) >= 3:
            self._push_positions(arrange.distribute({u: self.box(u) for u in movable}, axis), self.tr("Distribute"))

    def nudge(self, dx: float, dy: float) -> None:
        """Move the selection by ``dx, dy`` grid units; one undo step."""
        positions = {}
        for u in self._movable():
            x, y = self.diagram.items[u].position  # type: ignore[union-attr]
            positions[u] = (x + dx, y + dy)
        self._push_positions(positions, self.tr("Move"))

    def delete_selected(self) -> None:
        """Take the selection off the diagram (a symbol's wires go with it); one undo step."""
        chosen = [u for u in self._selection if self._pickable(u)]
        if chosen:
            self.stack.push(RemoveItems(self.diagram, chosen, self.tr("Delete")))

    # -- clipboard -------------------------------------------------------------------------------

    def _copied(self) -> str:
        chosen = set(u for u in self._selection if self._pickable(u))
        # the wires between copied symbols come along: a copied feeder keeps its connections
        chosen |= {w.uuid for w in self.diagram.wires if {w.start.symbol, w.end.symbol} <= chosen}
        return clipboard.copy(self.diagram, [u for u in self.diagram.items if u in chosen])

    def copy_selected(self) -> None:
        """The selection (with the wires between its symbols) onto the clipboard as diagram file text."""
        if not self._selection:
            return
        text = self._copied()
        mime = QMimeData()
        mime.setData(DIAGRAM_MIME, text.encode("utf-8"))
        mime.setText(text)
        QApplication.clipboard().setMimeData(mime)
        self._paste_count = 0

    def cut_selected(self) -> None:
        """Copy, then delete as one undo step named "Cut"."""
        chosen = [u for u in self._selection if self._pickable(u)]
        if chosen:
            self.copy_selected()
            self.stack.push(RemoveItems(self.diagram, chosen, self.tr("Cut")))

    def paste(self) -> None:
        """Add what the clipboard holds, moved clear of its original; a bad clipboard is said in words."""
        mime = QApplication.clipboard().mimeData()
        if mime is None:
            return
        if mime.hasFormat(DIAGRAM_MIME):
            text = bytes(mime.data(DIAGRAM_MIME).data()).decode("utf-8", "replace")
        else:
            text = mime.text()
        if not text.strip():
            self.message.emit(self.tr("The clipboard holds nothing to paste."))
            return
        self._paste_count = self._paste_count + 1 if text == self._last_clip else 1
        self._last_clip = text
        self._paste_text(text, 2.0 * self._paste_count, self.tr("Paste"))

    def duplicate(self) -> None:
        """A copy of the selection beside it, without touching the clipboard; one undo step."""
        if self._selection:
            self._paste_text(self._copied(), 2.0, self.tr("Duplicate"))

    def _paste_text(self, text: str, offset: float, name: str) -> None:
        try:
            added = clipboard.paste(self.diagram, text, self.library, (offset, offset))
        except DiagramFileError as exc:
            self.message.emit(self.tr("Cannot paste: %1").replace("%1", "; ".join(exc.problems)))
            return
        if added:
            self.stack.push(AddItems(self.diagram, added, name, applied=True))
            self.select(i.uuid for i in added)

    # -- view ------------------------------------------------------------------------------------

    def zoom(self, factor: float) -> None:
        """Scale the view by ``factor`` (kept between 5 % and 2,000 %)."""
        now = self.transform().m11()
        factor = min(max(factor, 0.05 / now), 20.0 / now)
        self.scale(factor, factor)

    def fit(self) -> None:
        """The whole drawing in view."""
        box = self.diagram_scene.itemsBoundingRect()
        self.fitInView(box if not box.isEmpty() else self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        """Zoom about the cursor: the point under it stays under it."""
        pos = event.position().toPoint()
        under = self.mapToScene(pos)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.zoom(1.2 if event.angleDelta().y() > 0 else 1 / 1.2)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        shift = self.mapFromScene(under) - pos
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + shift.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + shift.y())

    def drawBackground(self, p: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt's name
        super().drawBackground(p, rect)
        marks.paint_grid(p, rect.intersected(self.sceneRect()), self.transform().m11(), self.diagram_scene.fg)

    def drawForeground(self, p: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt's name
        """Terminal markers of the symbol under the pointer (all visible ones while drawing a wire), and the wire."""
        shown = [self._hover] if self._hover in self.diagram.items else []
        if self.wire_from is not None:
            shown = [u for u, s in self.diagram_scene.symbols.items() if s.isVisible()
                     and rect.intersects(s.sceneBoundingRect())]  # fmt: skip
        marks.paint_terminals(p, self.diagram, shown)
        if self.preview is not None and self.wire_from is not None:
            marks.paint_wire_preview(p, self.diagram, self.wire_from, self.preview[1])

    # -- mouse -----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position().toPoint()
        self._press = pos
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self._space):
            self._gesture = "pan"
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if button != Qt.MouseButton.LeftButton:
            return
        toggle = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
        end = self.terminal_at(self.mapToScene(pos)) if not toggle else None
        if end is not None and self._on_bar(end, self.mapToScene(pos)):
            end = None  # a busbar has terminals all along it: pressing on the bar moves it (wires are drawn to it)
        if end is not None:
            self._gesture = "wire"
            self.wire_from = end
            at = self.diagram.terminal_position(end)
            self.preview = (QPointF(at[0] * GRID, at[1] * GRID), self.mapToScene(pos))
            self.viewport().update()
            return
        uuid = self.item_at(pos)
        if uuid and not self._pickable(uuid):
            uuid = ""  # a locked item is part of the background
        if toggle:
            if uuid:
                self.select([u for u in self._selection if u != uuid] if uuid in self._selection
                            else [*self._selection, uuid])
                return
            self._gesture = "band"
        elif uuid:
            if uuid not in self._selection:
                self.select([uuid])
            self._gesture = "move"
            self._moved = False
            self._grip = self._grip_of(uuid)
            self._start = {u: self.diagram.items[u].position for u in self._movable()}  # type: ignore[union-attr]
            return
        else:
            self.select([])
            self._gesture = "band"
        self._band.setGeometry(QRect(pos, QSize()))
        self._band.show()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        pos = event.position().toPoint()
        if self._gesture == "pan":
            delta = pos - self._press
            self._press = pos
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
        elif self._gesture == "band":
            self._band.setGeometry(QRect(self._press, pos).normalized())
        elif self._gesture == "wire":
            assert self.preview is not None
            self.preview = (self.preview[0], self.mapToScene(pos))
            self.viewport().update()
        elif self._gesture == "move":
            if not self._moved and (pos - self._press).manhattanLength() < QApplication.startDragDistance():
                return
            self._moved = True
            self._drag_to(pos, not (event.modifiers() & Qt.KeyboardModifier.AltModifier) and self.snap)
        else:
            hover = self.item_at(pos)
            hover = hover if isinstance(self.diagram.items.get(hover), PlacedSymbol) else ""
            if hover != self._hover:
                self._hover = hover
                self.viewport().update()

    def _drag_to(self, pos: QPoint, snap: bool) -> None:
        """Move the dragged items through the model (their wires re-route as the hand moves)."""
        a, b = self._grid_point(self._press), self._grid_point(pos)
        dx, dy = b[0] - a[0], b[1] - a[1]
        if snap:  # the pressed item's first terminal (or corner) lands on the grid; the others keep their distance
            rx, ry = self._grip
            dx, dy = arrange.snapped(rx + dx) - rx, arrange.snapped(ry + dy) - ry
        for uuid, (x, y) in self._start.items():
            if uuid in self.diagram.items and self.diagram.items[uuid].position != (x + dx, y + dy):  # type: ignore[union-attr]
                self.diagram.move(uuid, (x + dx, y + dy))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        pos = event.position().toPoint()
        gesture, self._gesture = self._gesture, ""
        if gesture == "pan":
            self.viewport().unsetCursor()
        elif gesture == "band":
            self._band.hide()
            area = self.mapToScene(QRect(self._press, pos).normalized()).boundingRect()
            hit = [self._uuid_of(s) for s in self.diagram_scene.items(area, Qt.ItemSelectionMode.IntersectsItemShape)
                   if s.isVisible()]  # fmt: skip
            keep = self._selection if event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                                           | Qt.KeyboardModifier.ShiftModifier) else []  # fmt: skip
            self.select([*keep, *(u for u in self.diagram.items if u in set(hit))])
        elif gesture == "move":
            self._finish_move()
        elif gesture == "wire":
            self._finish_wire(self.terminal_at(self.mapToScene(pos)))

    def _finish_move(self) -> None:
        old = {u: {"position": p} for u, p in self._start.items()
               if u in self.diagram.items and self.diagram.items[u].position != p}  # type: ignore[union-attr]
        self._start = {}
        if old:
            new = {u: {"position": self.diagram.items[u].position} for u in old}  # type: ignore[union-attr]
            self.stack.push(EditItems(self.diagram, new, self.tr("Move"), applied=True, old=old))

    def _finish_wire(self, end: WireEnd | None) -> None:
        start, self.wire_from, self.preview = self.wire_from, None, None
        self.viewport().update()
        if start is None or end is None:
            return
        start, end = facing(self.diagram, start, end), facing(self.diagram, end, start)
        if end == start:
            self.message.emit(self.tr("A wire needs two different terminals."))
            return
        if any({(w.start, w.end), (w.end, w.start)} & {(start, end)} for w in self.diagram.wires):
            self.message.emit(self.tr("These two terminals are already connected."))
            return
        wire = Wire(new_uuid(), start, end)
        self.stack.push(AddItems(self.diagram, [wire], self.tr("Connect")))

    def cancel(self) -> None:
        """Escape: drop a wire being drawn, else the selection."""
        if self.wire_from is not None:
            self._gesture = ""
            self.wire_from, self.preview = None, None
            self.viewport().update()
        else:
            self.select([])

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """A double-click on empty canvas writes a free text there."""
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton and not self.item_at(pos) \
                and self.terminal_at(self.mapToScene(pos)) is None:
            self._gesture = ""
            self._band.hide()
            self.add_text(self._grid_point(pos))

    # -- keys ------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key, mods = event.key(), event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        plain = not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                            | Qt.KeyboardModifier.MetaModifier)  # fmt: skip
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        actions = ((QKeySequence.StandardKey.Copy, self.copy_selected), (QKeySequence.StandardKey.Cut,
                   self.cut_selected), (QKeySequence.StandardKey.Paste, self.paste),
                   (QKeySequence.StandardKey.SelectAll, self.select_all))  # fmt: skip
        chosen = next((action for sequence, action in actions if event.matches(sequence)), None)
        if chosen is not None:
            chosen()
        elif key == Qt.Key.Key_D and mods & Qt.KeyboardModifier.ControlModifier:
            self.duplicate()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and plain:
            self.delete_selected()
        elif key == Qt.Key.Key_R and plain:
            self.rotate_selected(-1 if shift else 1)
        elif key == Qt.Key.Key_F and plain:
            self.flip_selected()
        elif key in steps and plain:
            self.nudge(steps[key][0] * (5 if shift else 1), steps[key][1] * (5 if shift else 1))
        elif key == Qt.Key.Key_Escape:
            self.cancel()
        elif key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
        else:
            super().keyReleaseEvent(event)

    # -- drops from the palette ------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        """Only the palette's symbols are taken (not text, not files)."""
        if event.mimeData().hasFormat(SYMBOL_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    dragMoveEvent = dragEnterEvent  # noqa: N815 - Qt's name

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        """A symbol from the palette: placed where it was dropped (its centre there, its corner on the grid)."""
        mime = event.mimeData()
        symbol_id = bytes(mime.data(SYMBOL_MIME).data()).decode("utf-8") if mime.hasFormat(SYMBOL_MIME) else ""
        if symbol_id not in self.library and symbol_id not in self.diagram.symbols:
            event.ignore()
            return
        event.acceptProposedAction()
        self.place(symbol_id, self._grid_point(event.position().toPoint()))
        self.setFocus(Qt.FocusReason.OtherFocusReason)



def _forget(diagram: Diagram, observers: Iterable[Callable[[Change], None]]) -> None:
    for observer in observers:
        with contextlib.suppress(ValueError):  # already detached
            diagram.unsubscribe(observer)
