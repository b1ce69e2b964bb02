"""One pen of a trend: a point, its colour and axis, its data and the two curves that draw it.

The curves are made once and reused: new data replaces their arrays (`setData`) from the view's
timer, never by removing and re-adding items.  `clipToView` and automatic peak downsampling
make a frame cost what is visible at screen resolution, not what is held.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from app.sources.base import PointInfo

from .palette import BAD_QUALITY
from .series import PenSeries

OWN_AXIS = "own"
UNIT_AXIS = "unit"


# Peak downsampling draws each bucket as its maximum and minimum, so one bucket per pixel column
# already shows the whole envelope; pyqtgraph's default of five per pixel draws five times the
# segments (with a 2 px pen, the largest cost of a frame) for no visible difference.  History
# answers hold about two points per pixel, so they are usually drawn as they came; only denser data
# (raw loads, a long live tail) is reduced here.
SAMPLES_PER_PIXEL = 1.0


def _curve(pen: object) -> pg.PlotDataItem:
    item = pg.PlotDataItem(pen=pen, connect="finite", clipToView=True, skipFiniteCheck=False)
    item.opts["autoDownsampleFactor"] = SAMPLES_PER_PIXEL  # no setter for it in pyqtgraph 0.14
    item.setDownsampling(auto=True, method="peak")
    return item


class Pen:
    """A point drawn in a trend; ``axis`` is "unit" (share the unit's axis) or "own"."""

    def __init__(self, info: PointInfo, colour: str, axis: str = UNIT_AXIS) -> None:
        self.info = info
        self.colour = colour
        self.axis = axis
        self.visible = True
        self.series = PenSeries()
        self.curve = _curve(pg.mkPen(colour, width=2))
        self.bad_curve = _curve(pg.mkPen(BAD_QUALITY, width=2, style=Qt.PenStyle.DashLine))
        self.dirty = False  # new data not yet handed to the curves
        self.generation = 0  # the newest history request; older answers are dropped

    @property
    def point(self) -> str:
        """The point's id."""
        return self.info.id

    @property
    def group(self) -> str:
        """The axis group: the unit's, or one of the pen's own."""
        return f"pen:{self.point}" if self.axis == OWN_AXIS else f"unit:{self.info.unit}"

    def set_colour(self, colour: str) -> None:
        """Draw the pen in ``colour``."""
        self.colour = colour
        self.curve.setPen(pg.mkPen(colour, width=2))

    def set_visible(self, visible: bool) -> None:
        """Show or hide both curves (the pen keeps its data and its row in the table)."""
        self.visible = visible
        self.curve.setVisible(visible)
        self.bad_curve.setVisible(visible)

    def redraw(self) -> None:
        """Hand the current arrays to the curves (only when something changed)."""
        if not self.dirty:
            return
        draw = self.series.draw
        x = draw["x"]
        self.curve.setData(x, draw["good"], connect="finite")
        self.bad_curve.setData(*self.series.bad_stretches(), connect="finite")
        self.dirty = False
