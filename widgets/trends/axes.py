"""The trend's axes: time in the site's zone along the bottom, one value axis per group of pens.

Pens of one unit share a value axis (kW with kW); a pen can also ask for an axis of its own.
Each group is a `ViewBox` stacked under the plot's own view box, X-linked to it and scaling its
Y to the data in view.  The plot's own view box draws no curves: it takes the mouse (pan and
zoom move time only) and carries the cursor, so every group follows one time range.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter

GROUP_Z = -100  # group view boxes sit under the plot's view box, which takes the mouse


class GridAxis(pg.AxisItem):
    """An axis whose ticks and grid lines are filled as one-pixel rectangles, not stroked.

    Qt's raster engine strokes a translucent cosmetic line pixel by pixel: the grid (dozens of
    faint lines across the plot, on every axis) cost more than all the curves of a frame.  A
    translucent rectangle one pixel wide covers the same pixels at a fraction of the cost.
    """

    def drawPicture(self, p: QPainter, axisSpec: tuple, tickSpecs: list, textSpecs: list) -> None:  # noqa: N802, N803
        """Fill the straight one-pixel ticks; hand anything else to pyqtgraph as it is."""
        stroked = []
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for pen, p1, p2 in tickSpecs:
            thin = pen.style() == Qt.PenStyle.SolidLine and pen.isSolid() and pen.widthF() <= 1.0
            if thin and p1.y() == p2.y():
                p.fillRect(QRectF(min(p1.x(), p2.x()), p1.y() - 0.5, abs(p2.x() - p1.x()), 1.0), pen.color())
            elif thin and p1.x() == p2.x():
                p.fillRect(QRectF(p1.x() - 0.5, min(p1.y(), p2.y()), 1.0, abs(p2.y() - p1.y())), pen.color())
            else:
                stroked.append((pen, p1, p2))
        super().drawPicture(p, axisSpec, stroked, textSpecs)


class TimeAxis(GridAxis, pg.DateAxisItem):
    """A date axis in the site's time zone, whatever the zone of the computer showing it."""

    def __init__(self, tz: ZoneInfo) -> None:
        super().__init__(orientation="bottom")
        self.tz = tz
        self.follow(datetime.now(tz).timestamp())

    def follow(self, ts_s: float) -> None:
        """Use the zone's offset at ``ts_s`` (so daylight-saving zones label the range in view right)."""
        offset = datetime.fromtimestamp(ts_s, self.tz).utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        self.utcOffset = -seconds  # pyqtgraph counts the offset west of UTC, like time.timezone


class AxisGroups:
    """View boxes and value axes for pen groups, laid out left, right, then further right."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.groups: dict[str, pg.ViewBox] = {}
        self.labels: dict[str, str] = {}
        self._extra_axes: list[pg.AxisItem] = []
        plot.vb.sigResized.connect(self._sync_geometry)

    def view(self, key: str, label: str) -> pg.ViewBox:
        """The view box of group ``key``, made (and given an axis) on first use."""
        box = self.groups.get(key)
        if box is None:
            box = pg.ViewBox(enableMenu=False)
            box.setZValue(GROUP_Z)
            box.setMouseEnabled(x=False, y=False)
            box.setXLink(self.plot.vb)
            box.enableAutoRange(x=False, y=True)
            box.setAutoVisible(y=True)
            self.plot.scene().addItem(box)
            self.groups[key] = box
            self.labels[key] = label
            self._layout()
        return box

    def release(self, key: str) -> None:
        """Drop group ``key`` (its last pen left)."""
        box = self.groups.pop(key, None)
        self.labels.pop(key, None)
        if box is not None:
            box.setXLink(None)
            self.plot.scene().removeItem(box)
            self._layout()

    def set_colours(self, foreground: str) -> None:
        """Axis text and lines in the theme's foreground colour."""
        for axis in self._axes():
            axis.setPen(foreground)
            axis.setTextPen(foreground)

    def _axes(self) -> list[pg.AxisItem]:
        return [self.plot.getAxis("left"), self.plot.getAxis("right"), self.plot.getAxis("bottom"), *self._extra_axes]

    def _layout(self) -> None:
        for axis in self._extra_axes:
            self.plot.layout.removeItem(axis)
            self.plot.scene().removeItem(axis)
        self._extra_axes = []
        left, right = self.plot.getAxis("left"), self.plot.getAxis("right")
        keys = list(self.groups)
        foreground = left.textPen().color().name()
        for index, key in enumerate(keys):
            if index == 0:
                axis = left
            elif index == 1:
                axis = right
            else:
                axis = GridAxis("right")
                axis.setPen(foreground)
                axis.setTextPen(foreground)
                self.plot.layout.addItem(axis, 2, 1 + index)
                self._extra_axes.append(axis)
            axis.linkToView(self.groups[key])
            axis.setLabel(self.labels[key])
        self.plot.showAxis("left", bool(keys))
        self.plot.showAxis("right", len(keys) > 1)
        if not keys:
            left.linkToView(self.plot.vb)
        self._sync_geometry()

    def _sync_geometry(self) -> None:
        rect = self.plot.vb.sceneBoundingRect()
        for box in self.groups.values():
            box.setGeometry(rect)
            box.linkedViewChanged(self.plot.vb, box.XAxis)
