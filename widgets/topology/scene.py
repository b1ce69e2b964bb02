"""The Qt scene of a single-line diagram: items that follow the Qt-free `app.diagram.Diagram`.

orange-canvas-core's rule: the scene never owns the drawing.  It subscribes to the model's change
notifications and adds, moves or removes its items when the model says so; the editor (a later
step) changes the model through undo commands, never the items.  Items only know how to draw
what the model holds plus a `Look` (colour and state) that the runtime gives them.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSimpleTextItem, QStyleOptionGraphicsItem, QWidget

from app.diagram.model import Change, Diagram, Link, PlacedSymbol, Text, ValueLabel, Wire, WireEnd
from app.diagram.routing import STEP, wire_path
from widgets.topology.painting import GRID, Look, paint_symbol, symbol_transform

Item = PlacedSymbol | Wire | Text | Link

#: What a selected item is outlined with (the editor's selection).
SELECTION = QColor("#1e88e5")


class SymbolItem(QGraphicsItem):
    """A placed symbol, drawn from its definition; clicking it asks for its faceplate."""

    def __init__(self, diagram: Diagram, placed: PlacedSymbol, fg: QColor, bg: QColor) -> None:
        super().__init__()
        self.diagram = diagram
        self.placed = placed
        self.look = Look(fg, bg)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.follow(placed)

    def follow(self, placed: PlacedSymbol) -> None:
        """The model changed this symbol: take its new position, rotation or bindings."""
        self.prepareGeometryChange()
        self.placed = placed
        symbol = self.diagram.symbols[placed.symbol]
        self._transform = symbol_transform(symbol, placed.length, placed.rotation, placed.flip)
        x, y, w, h = self.diagram.bounds(placed)
        self.setPos(x * GRID, y * GRID)
        self._box = QRectF(0, 0, w * GRID, h * GRID)
        self.setToolTip(placed.name or symbol.name("zh"))

    def set_look(self, look: Look) -> None:
        """Redraw only when what it looks like changed (1,000 symbols at 1 Hz)."""
        if look != self.look:
            self.look = look
            self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._box.adjusted(-2, -2, 2, 2)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.save()
        p.scale(GRID, GRID)
        p.setTransform(self._transform, True)
        paint_symbol(p, self.diagram.symbols[self.placed.symbol], self.look, self.placed.length)
        p.restore()
        if self.isSelected():
            p.setPen(QPen(SELECTION, 1, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(self._box)


class WireItem(QGraphicsItem):
    """A wire between two terminals, routed orthogonally and re-routed when a symbol moves."""

    def __init__(self, diagram: Diagram, wire: Wire, fg: QColor) -> None:
        super().__init__()
        self.diagram = diagram
        self.colour = fg
        self.setZValue(-1)  # under the symbols: terminals sit on the symbols' edges
        self.follow(wire)

    def follow(self, wire: Wire) -> None:
        """Take the wire's (or its symbols') new geometry."""
        self.prepareGeometryChange()
        self.wire = wire
        self.path = QPainterPath()
        points = route(self.diagram, wire)
        self.path.moveTo(points[0])
        for pt in points[1:]:
            self.path.lineTo(pt)
        self._box = self.path.boundingRect().adjusted(-4, -4, 4, 4)
        stroker = QPainterPathStroker()
        stroker.setWidth(0.35 * GRID)  # a wire is hit near its line, not anywhere in its box
        self._shape = stroker.createStroke(self.path)

    def shape(self) -> QPainterPath:
        return self._shape

    def set_colour(self, colour: QColor) -> None:
        if colour != self.colour:
            self.colour = colour
            self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._box

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.colour, 0.1 * GRID)
        pen.setCapStyle(Qt.PenCapStyle.SquareCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        if self.isSelected():  # the editor's selection: a halo under the conductor
            halo = QPen(SELECTION, 0.3 * GRID)
            halo.setCapStyle(Qt.PenCapStyle.SquareCap)
            p.setPen(halo)
            p.drawPath(self.path)
            p.setPen(pen)
        p.drawPath(self.path)


def facing(diagram: Diagram, end: WireEnd, other: WireEnd) -> WireEnd:
    """Of terminals sharing one point (a busbar's top and bottom), the one facing ``other``:
    a wire drawn down from a busbar leaves from its bottom side."""
    here, there = diagram.terminal_position(end), diagram.terminal_position(other)
    placed = diagram.items[end.symbol]
    assert isinstance(placed, PlacedSymbol)
    twins = [WireEnd(end.symbol, t.id) for t in diagram.symbols[placed.symbol].terminals_for(placed.length)]
    twins = [t for t in twins if diagram.terminal_position(t) == here]

    def ahead(t: WireEnd) -> float:
        dx, dy = STEP[diagram.terminal_direction(t)]
        return dx * (there[0] - here[0]) + dy * (there[1] - here[1])

    return max(twins, key=ahead) if len(twins) > 1 else end


def route(diagram: Diagram, wire: Wire) -> list[QPointF]:
    """The wire's orthogonal path (`app.diagram.routing`, tested Qt-free) in scene pixels."""
    return [QPointF(x * GRID, y * GRID) for x, y in wire_path(diagram, wire)]


class ValueText(QGraphicsSimpleTextItem):
    """A bound value next to its symbol; greyed italic while its quality is not good."""

    def __init__(self, owner: SymbolItem, label: ValueLabel, fg: QColor) -> None:
        super().__init__(owner)
        self.label = label
        self.fg = fg
        font = QFont()
        font.setPixelSize(round(0.7 * GRID))
        self.setFont(font)
        self.setBrush(fg)
        self.setPos(label.offset[0] * GRID, label.offset[1] * GRID)
        self.setText("—")
        self.setToolTip(label.point)

    def show_value(self, text: str, good: bool) -> None:
        if text != self.text():
            self.setText(text)
        font = self.font()
        if font.italic() == good:
            font.setItalic(not good)
            self.setFont(font)
            self.setBrush(self.fg if good else QColor("#9e9e9e"))


class DiagramScene(QGraphicsScene):
    """All items of one diagram, kept in step with the model through its change notifications."""

    def __init__(self, diagram: Diagram, fg: QColor, bg: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diagram = diagram
        self.fg = fg
        self.bg = bg
        self.setBackgroundBrush(bg)
        self.symbols: dict[str, SymbolItem] = {}
        self.wires: dict[str, WireItem] = {}
        self.values: dict[str, list[ValueText]] = {}  # point id -> its labels
        self.others: dict[str, QGraphicsItem] = {}
        w, h = diagram.size
        self.setSceneRect(QRectF(-GRID, -GRID, (w + 2) * GRID, (h + 2) * GRID))
        for item in diagram.items.values():
            self._add(item)
        if len(diagram.layers) > 1:
            self.apply_layers()
        diagram.subscribe(self._changed)

    def detach(self) -> None:
        """Stop following the model (the view is going away)."""
        self.diagram.unsubscribe(self._changed)

    def _changed(self, change: Change) -> None:
        kind = str(change.kind)
        if kind == "layers":
            self.apply_layers()
            return
        if kind == "added":
            self._add(change.item)
        elif kind == "removed":
            self._remove(change.item.uuid)
        elif isinstance(change.item, PlacedSymbol) and change.item.uuid in self.symbols:
            item = self.symbols[change.item.uuid]  # the same item moves: selection and looks stay
            if change.item.labels != item.placed.labels:
                self._drop_labels(item)
                self._add_labels(item, change.item)
            item.follow(change.item)
        elif isinstance(change.item, Wire) and change.item.uuid in self.wires:
            self.wires[change.item.uuid].follow(change.item)
        elif isinstance(change.item, (Text, Link)) and change.item.uuid in self.others:
            self._follow_other(self.others[change.item.uuid], change.item)  # the same item: selection stays
        else:
            self._remove(change.item.uuid)
            self._add(change.item)
        if isinstance(change.item, PlacedSymbol):  # its wires follow it
            for wire in self.diagram.wires_at(change.item.uuid):
                if wire.uuid in self.wires:
                    self.wires[wire.uuid].follow(wire)
        moved_layer = change.old is None or getattr(change.old, "layer", "") != getattr(change.item, "layer", "")
        if kind != "removed" and moved_layer:  # only this item and its wires: a paste of many stays cheap
            self._apply_layer(change.item)
            if isinstance(change.item, PlacedSymbol):
                for wire in self.diagram.wires_at(change.item.uuid):
                    self._apply_layer(wire)

    def graphics(self, uuid: str) -> QGraphicsItem | None:
        """The scene item that draws model item ``uuid`` (None when it has none)."""
        return self.symbols.get(uuid) or self.wires.get(uuid) or self.others.get(uuid)

    def terminal_at(self, at: QPointF, reach: float = 0.6) -> WireEnd | None:
        """The terminal nearest a scene point within ``reach`` grid units, on a symbol that is
        visible and not locked (the editor starts and ends wires there)."""
        x, y = at.x() / GRID, at.y() / GRID
        best: tuple[float, WireEnd] | None = None
        for placed in self.diagram.placed:
            bx, by, bw, bh = self.diagram.bounds(placed)
            if not (bx - reach <= x <= bx + bw + reach and by - reach <= y <= by + bh + reach):
                continue
            layer = self.diagram.layer_of(placed)
            if not layer.visible or layer.locked:
                continue
            for t in self.diagram.symbols[placed.symbol].terminals_for(placed.length):
                end = WireEnd(placed.uuid, t.id)
                tx, ty = self.diagram.terminal_position(end)
                d = math.hypot(tx - x, ty - y)
                if d <= reach and (best is None or d < best[0]):
                    best = (d, end)
        return best[1] if best else None

    def apply_layers(self) -> None:
        """Hide what sits on hidden layers (a wire goes with its start symbol)."""
        for item in self.diagram.items.values():
            self._apply_layer(item)

    def _apply_layer(self, item: Item) -> None:
        shown = self.graphics(item.uuid)
        if shown is not None:
            visible = self.diagram.layer_of(item).visible
            if shown.isVisible() != visible:
                shown.setVisible(visible)

    def _add(self, item: Item) -> None:
        if isinstance(item, PlacedSymbol):
            s = SymbolItem(self.diagram, item, self.fg, self.bg)
            self.addItem(s)
            self.symbols[item.uuid] = s
            self._add_labels(s, item)
        elif isinstance(item, Wire):
            w = WireItem(self.diagram, item, self.fg)
            self.addItem(w)
            self.wires[item.uuid] = w
        elif isinstance(item, Text):
            t = QGraphicsSimpleTextItem(item.text)
            font = QFont()
            font.setPixelSize(max(1, round(item.size * GRID)))
            t.setFont(font)
            t.setBrush(self.fg)
            t.setPos(item.position[0] * GRID, item.position[1] * GRID)
            self.addItem(t)
            self.others[item.uuid] = t
        elif isinstance(item, Link):
            t = QGraphicsSimpleTextItem(f"→ {item.text or item.target}")
            t.setBrush(QColor("#1e88e5"))
            t.setPos(item.position[0] * GRID, item.position[1] * GRID)
            t.setData(0, item.target)
            t.setCursor(Qt.CursorShape.PointingHandCursor)
            self.addItem(t)
            self.others[item.uuid] = t

    def _follow_other(self, shown: QGraphicsItem, item: Text | Link) -> None:
        assert isinstance(shown, QGraphicsSimpleTextItem)
        if isinstance(item, Text):
            shown.setText(item.text)
            font = shown.font()
            font.setPixelSize(max(1, round(item.size * GRID)))
            shown.setFont(font)
        else:
            shown.setText(f"→ {item.text or item.target}")
            shown.setData(0, item.target)
        shown.setPos(item.position[0] * GRID, item.position[1] * GRID)

    def _remove(self, uuid: str) -> None:
        for table in (self.symbols, self.wires, self.others):
            item = table.pop(uuid, None)
            if item is not None:
                if isinstance(item, SymbolItem):
                    self._drop_labels(item)
                self.removeItem(item)

    def _add_labels(self, owner: SymbolItem, placed: PlacedSymbol) -> None:
        for label in placed.labels:
            self.values.setdefault(label.point, []).append(ValueText(owner, label, self.fg))

    def _drop_labels(self, owner: SymbolItem) -> None:
        for texts in self.values.values():
            for t in [t for t in texts if t.parentItem() is owner]:
                texts.remove(t)
                t.setParentItem(None)
                self.removeItem(t)
