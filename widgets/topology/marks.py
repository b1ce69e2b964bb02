"""What the editor draws over and under the diagram, never part of it: the grid, terminal markers, a wire being drawn.

Painted by the canvas's `drawBackground`/`drawForeground` rather than added to the scene, so
the scene holds only what the model holds (the minimap, export and runtime never see them).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from app.diagram.model import Diagram, PlacedSymbol, WireEnd
from app.diagram.routing import route
from widgets.topology.painting import GRID
from widgets.topology.scene import SELECTION


def paint_grid(p: QPainter, area: QRectF, scale: float, colour: QColor) -> None:
    """The grid as dots: every unit when zoomed in enough, every fifth when not, none when too small to see."""
    step = GRID if GRID * scale >= 8 else 5 * GRID
    if step * scale < 6 or area.isEmpty():
        return
    faint = QColor(colour)
    faint.setAlpha(60)
    p.setPen(QPen(faint, 0))
    x0, y0 = math.floor(area.left() / step) * step, math.floor(area.top() / step) * step
    p.drawPoints([QPointF(x0 + i * step, y0 + j * step) for i in range(int(area.width() / step) + 2)
                  for j in range(int(area.height() / step) + 2)])  # fmt: skip


def paint_terminals(p: QPainter, diagram: Diagram, uuids: Iterable[str]) -> None:
    """Small circles where wires can start or end, on these placed symbols."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(SELECTION, 0))
    p.setBrush(QColor(30, 136, 229, 90))
    r = 0.25 * GRID
    for uuid in uuids:
        placed = diagram.items[uuid]
        assert isinstance(placed, PlacedSymbol)
        for t in diagram.symbols[placed.symbol].terminals_for(placed.length):
            x, y = diagram.terminal_position(WireEnd(uuid, t.id))
            p.drawEllipse(QPointF(x * GRID, y * GRID), r, r)


def paint_wire_preview(p: QPainter, diagram: Diagram, start: WireEnd, pointer: QPointF) -> None:
    """The wire being drawn, routed as it will be, from its terminal to the pointer (dashed)."""
    p.setPen(QPen(SELECTION, 0.1 * GRID, Qt.PenStyle.DashLine))
    p.setBrush(Qt.BrushStyle.NoBrush)
    heading = diagram.terminal_direction(start)
    end = (pointer.x() / GRID, pointer.y() / GRID)
    path = route(diagram.terminal_position(start), heading, end, heading.turned(180, False), stub=1.0)
    p.drawPolyline([QPointF(x * GRID, y * GRID) for x, y in path])
