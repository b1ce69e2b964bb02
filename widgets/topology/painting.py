"""Drawing a symbol's data (lines, arcs, rects, text) with QPainter, crisp at any zoom, in either theme.

Symbols are data in `resources/symbols/` (QElectroTech's lesson): their shapes are in grid units
in the symbol's own box, with colour *tokens* rather than colours — ``fg`` for the drawing,
``state`` for what shows a switch's position — so one definition serves the light and the dark
theme and the operator's colour conventions live here, in one place.  Shapes marked ``when``
are drawn only in those states ("unknown" shows a question mark, "withdrawn" the truck frame).

Colours follow Chinese control-room practice: a closed switching device is red (合), an open
one green (分); live sections take the colour of their voltage level (GB/T and State Grid
practice: 10 kV crimson, 0.4 kV ochre), dead ones grey, earthed ones brown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QTransform

from app.diagram.energise import Energy, Section
from app.diagram.geometry import place_point
from app.diagram.symbols import Symbol

GRID = 20.0  # scene pixels per grid unit at 100 %

CLOSED = QColor("#d32f2f")  # 合: red
OPEN = QColor("#2e7d32")  # 分: green
UNKNOWN = QColor("#9e9e9e")
DEAD = QColor("#8a8a8a")
EARTHED = QColor("#795548")
FAULT = QColor("#ff00ff")  # live and earthed at once: impossible to miss
FLASH = QColor("#ffb300")  # a switch that changed state and is not acknowledged yet: amber, on both themes
WHITE = QColor("white")

#: Live colour by voltage level (kV, upper bound of the band) - the usual SCADA palette.
LEVEL_COLOURS: tuple[tuple[float, QColor], ...] = (
    (1.0, QColor("#c8841a")),  # 0.4 kV: ochre
    (6.6, QColor("#2864c8")),  # 3-6 kV: blue
    (20.0, QColor("#b4005a")),  # 10 kV: crimson
    (35.0, QColor("#d4b000")),  # 35 kV: yellow
    (110.0, QColor("#f05a28")),  # 66-110 kV: vermilion
    (1e9, QColor("#8000ff")),  # above
)


def live_colour(kv: float) -> QColor:
    """The colour of a live section at ``kv``."""
    return next(colour for top, colour in LEVEL_COLOURS if kv <= top)


def section_colour(section: Section | None, fg: QColor) -> QColor:
    """What a wire or a symbol's drawing is coloured by its section (``fg`` when not energised data)."""
    if section is None:
        return fg
    if section.energy is Energy.LIVE:
        return live_colour(max(section.kv) if section.kv else 0.4)
    if section.energy is Energy.FAULT:
        return FAULT
    if section.energy is Energy.EARTHED:
        return EARTHED
    return DEAD


@dataclass(frozen=True, slots=True)
class Look:
    """How one symbol is drawn now: its colour, the words of its state, and how it is held."""

    colour: QColor
    background: QColor = field(default_factory=lambda: QColor(WHITE))  # the "bg" token: the view's own background
    state: str = ""  # closed / open / unknown / withdrawn, or "" for symbols without states
    bad_quality: bool = False  # its state points are stale or not answering: hatched
    plain: bool = False  # a drawing for paper: the state's shape in the drawing colour, no red/green fills
    flash: bool = False  # the lit half of a change-of-state flash, until the operator acknowledges it


def symbol_transform(symbol: Symbol, length: float | None, rotation: int, flip: bool) -> QTransform:
    """Symbol coordinates (grid units) -> offset from the placed position (grid units), as the model places points."""
    size = symbol.size_for(length)
    o = place_point((0.0, 0.0), size, (0.0, 0.0), rotation, flip)
    x = place_point((1.0, 0.0), size, (0.0, 0.0), rotation, flip)
    y = place_point((0.0, 1.0), size, (0.0, 0.0), rotation, flip)
    return QTransform(x[0] - o[0], x[1] - o[1], y[0] - o[0], y[1] - o[1], o[0], o[1])


def paint_symbol(p: QPainter, symbol: Symbol, look: Look, length: float | None = None) -> None:
    """Draw ``symbol`` in its own grid coordinates (the caller has set the placement transform)."""
    words = {look.state} if look.state else set()
    if look.flash:  # under the drawing, so the position stays readable in both halves of the flash
        w, h = symbol.size_for(length)
        halo = QColor(FLASH)
        halo.setAlpha(110)
        p.setPen(QPen(FLASH, 0.08))
        p.setBrush(halo)  # within the item's 2 px margin: nothing is left behind when it goes dark
        p.drawRoundedRect(QRectF(-0.04, -0.04, w + 0.08, h + 0.08), 0.2, 0.2)
    # A stretchable symbol (a busbar) is drawn at its placed length: x scales, widths do not.
    stretch = symbol.size_for(length)[0] / symbol.size[0] if symbol.stretch is not None else 1.0
    for shape in symbol.shapes:
        if shape.when and not words.intersection(shape.when):
            continue
        if shape.fill == "state" or shape.stroke == "state":  # the position itself: red closed, green open
            stroke = look.colour if look.plain else {"closed": CLOSED, "open": OPEN}.get(look.state, UNKNOWN)
        else:
            stroke = look.colour  # "fg" and "energy": the drawing takes its section's colour
        pen = QPen(stroke, max(shape.width, 0.02))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        p.setBrush(_fill(shape.fill, look))
        pts = [QPointF(x * stretch, y) for x, y in shape.points]
        kind = shape.type
        if kind == "line" and len(pts) >= 2:
            p.drawLine(pts[0], pts[1])
        elif kind == "polyline":
            p.drawPolyline(pts)
        elif kind == "polygon":
            p.drawPolygon(pts)
        elif kind == "rect" and len(pts) == 2:
            p.drawRect(QRectF(pts[0], pts[1]).normalized())
        elif kind in ("circle", "arc") and shape.center is not None:
            cx = shape.center[0] * stretch
            box = QRectF(cx - shape.r, shape.center[1] - shape.r, 2 * shape.r, 2 * shape.r)
            if kind == "circle":
                p.drawEllipse(box)
            else:
                path = QPainterPath()
                path.arcMoveTo(box, shape.start)
                path.arcTo(box, shape.start, shape.span)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawPath(path)
        elif kind == "text" and pts:
            font = QFont()
            font.setPixelSize(max(1, round(shape.size * GRID)))
            p.save()
            p.scale(1 / GRID, 1 / GRID)  # fonts are sized in pixels: draw text at pixel scale
            p.setFont(font)
            p.drawText(QPointF(shape.points[0][0] * stretch * GRID, shape.points[0][1] * GRID), shape.text)
            p.restore()
    if look.bad_quality:  # the state cannot be vouched for: hatch the whole box
        w, h = symbol.size_for(length)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(UNKNOWN, Qt.BrushStyle.BDiagPattern))
        p.drawRect(QRectF(0, 0, w, h))


def _fill(token: str, look: Look) -> QBrush:
    if token == "none":
        return QBrush(Qt.BrushStyle.NoBrush)
    if token == "state":
        if look.plain:
            return QBrush(Qt.BrushStyle.NoBrush)
        colour = {"closed": CLOSED, "open": OPEN}.get(look.state, UNKNOWN)
        return QBrush(colour) if look.state != "open" else QBrush(Qt.BrushStyle.NoBrush)
    if token == "bg":
        return QBrush(look.background)
    return QBrush(look.colour)  # "fg", "energy"


def paint_alarm_mark(p: QPainter, box: QRectF, fill: QColor, text: QColor, lit: bool) -> None:
    """An alarm badge: a disc with "!" in the level's colour, filled when ``lit``, else only outlined.

    Blinking alternates the two so the badge never vanishes: an operator glancing in the dark
    half of a blink still sees where the alarm is (the banner's rule, widgets.alarms.banner).
    """
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(fill, max(1.0, box.width() * 0.12)))
    p.setBrush(QBrush(fill) if lit else QBrush(Qt.BrushStyle.NoBrush))
    p.drawEllipse(box.adjusted(1, 1, -1, -1))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(1, round(box.height() * 0.75)))
    p.setFont(font)
    p.setPen(text if lit else fill)
    p.drawText(box, Qt.AlignmentFlag.AlignCenter, "!")
