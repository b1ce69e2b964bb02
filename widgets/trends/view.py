"""The trend view: pens over time, live or historical, with cursor, statistics and exports.

Data comes two ways, both without blocking the GUI thread: history through the asynchronous
`HistoryFetcher` (downsampled by the source's bucket query to about two points per pixel, and
asked again when a zoom needs finer data or a pan leaves the range held), and live samples
through `on_samples`, appended to each pen's buffers.  A timer hands changed buffers to the
curves at most ten times a second, so a burst of samples costs one redraw.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QDragEnterEvent, QDragMoveEvent, QDropEvent, QPalette
from PySide6.QtWidgets import QFileDialog, QLabel, QSplitter, QToolBar, QVBoxLayout, QWidget

from app.historian import History
from app.model import Sample
from app.sources.base import PointInfo

from .axes import AxisGroups, GridAxis, TimeAxis
from .export import ExportError, write_csv
from .legend import PenTable, display_name
from .palette import next_colour
from .pen import OWN_AXIS, UNIT_AXIS, Pen
from .range_dialog import RangeDialog
from .series import Reading, Stats
from .trend_set import MAX_PENS, PenSpec, TrendRange, TrendSet

log = logging.getLogger(__name__)

MIME_POINTS = "application/x-switchroom-points"
HOUR_S, DAY_S, WEEK_S = 3600.0, 86_400.0, 7 * 86_400.0
REDRAW_MS = 100  # curves take new data at most ten times a second
FETCH_DELAY_MS = 150  # a zoom or pan settles this long before history is asked again

HistoryFetcher = Callable[[str, int, int, int, Callable[[History], None], Callable[[Exception], None]], None]


class TrendError(ValueError):
    """A pen cannot be added (unknown point, too many pens); the message says which."""


class TrendView(QWidget):
    """Several pens on unit-grouped axes against the site's time; see the module docstring."""

    def __init__(self, history: HistoryFetcher, point_info: Callable[[str], PointInfo | None], tz: ZoneInfo,
                 parent: QWidget | None = None, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self._fetch = history
        self._point_info = point_info
        self.tz = tz
        self._clock = clock
        self._pens: dict[str, Pen] = {}
        self._live = True
        self._span_s = HOUR_S
        self._stats_dirty = True
        self._cursor_ms: int | None = None
        # A fixed set of samples per point (a fault record): shown as given, never asked for or appended to.
        self._fixed: dict[str, list[Sample]] | None = None

        self.time_axis = TimeAxis(tz)
        axes = {"bottom": self.time_axis, "left": GridAxis("left"), "right": GridAxis("right")}
        self.plot_widget = pg.PlotWidget(axisItems=axes)
        self.plot_widget.setAcceptDrops(False)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.viewbox = self.plot.vb
        self.viewbox.setMouseEnabled(x=True, y=False)
        self.viewbox.disableAutoRange()
        self.viewbox.setLimits(minXRange=1.0, maxXRange=10 * 366 * DAY_S)
        self.axes = AxisGroups(self.plot)
        self.cursor_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#888888", width=1))
        self.cursor_hline = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen("#888888", width=1))
        for line in (self.cursor_line, self.cursor_hline):
            line.setVisible(False)
            self.viewbox.addItem(line, ignoreBounds=True)

        self.table = PenTable(self)
        self.table.visibility_changed.connect(self._on_visibility)
        self.table.separate_requested.connect(lambda point, on: self.set_pen_axis(point, OWN_AXIS if on else UNIT_AXIS))
        self.table.remove_requested.connect(self.remove_pen)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.toolbar = self._make_toolbar()
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.plot_widget)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        self.table.setMinimumWidth(360)  # name, unit and the four numbers stay readable
        splitter.setSizes([700, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        self.setAcceptDrops(True)

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setInterval(REDRAW_MS)
        self._redraw_timer.timeout.connect(self._tick)
        self._redraw_timer.start()
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(FETCH_DELAY_MS)
        self._fetch_timer.timeout.connect(self._refresh_history)
        self.viewbox.sigXRangeChanged.connect(self._on_range_changed)
        self.viewbox.sigRangeChangedManually.connect(self._on_manual_range)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._apply_theme()
        self._follow_live()

    # -- toolbar -------------------------------------------------------------------------------

    def _make_toolbar(self) -> QToolBar:
        bar = QToolBar(self)
        group = QActionGroup(self)
        self.live_action = QAction(self.tr("Live"), self, checkable=True, checked=True)
        self.live_action.triggered.connect(lambda: self.set_live(self._span_s))
        group.addAction(self.live_action)
        bar.addAction(self.live_action)
        spans = ((self.tr("Last hour"), HOUR_S), (self.tr("Last day"), DAY_S), (self.tr("Last week"), WEEK_S))
        for text, span in spans:
            action = QAction(text, self, checkable=True)
            action.triggered.connect(lambda _=False, s=span: self.set_last(s))
            group.addAction(action)
            bar.addAction(action)
        custom = QAction(self.tr("Custom…"), self, checkable=True)
        custom.triggered.connect(self._choose_range)
        group.addAction(custom)
        bar.addAction(custom)
        self._range_group = group
        bar.addSeparator()
        bar.addAction(self.tr("Export CSV…"), self._ask_csv)
        bar.addAction(self.tr("Export PNG…"), self._ask_png)
        return bar

    def _choose_range(self) -> None:
        start, end = self.visible_range()
        dialog = RangeDialog(start, end, self.tz, self)
        if dialog.exec():
            self.set_range(*dialog.range_ms())

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export visible data"), "trend.csv", self.tr("CSV (*.csv)"))
        if path:
            self._report_export(lambda: self.export_csv(Path(path)), path)

    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export plot"), "trend.png", self.tr("PNG image (*.png)"))
        if path:
            self._report_export(lambda: self.export_png(Path(path)), path)

    def _report_export(self, work: Callable[[], object], path: str) -> None:
        try:
            work()
        except ExportError as exc:
            self.show_message(str(exc))
        else:
            self.show_message(self.tr("Saved {path}").format(path=path))

    # -- pens ----------------------------------------------------------------------------------

    def add_pen(self, point_id: str, colour: str | None = None, axis: str = UNIT_AXIS) -> Pen:
        """Draw ``point_id`` (again: the existing pen); TrendError for an unknown point or too many pens."""
        if point_id in self._pens:
            return self._pens[point_id]
        info = self._point_info(point_id)
        if info is None:
            raise TrendError(self.tr("There is no point {point} on this site.").format(point=point_id))
        if len(self._pens) >= MAX_PENS:
            raise TrendError(self.tr("A trend holds at most {n} pens.").format(n=MAX_PENS))
        pen = Pen(info, colour or next_colour({p.colour for p in self._pens.values()}), axis)
        self._pens[point_id] = pen
        self._attach(pen)
        self.table.set_pens(list(self._pens.values()))
        self._request(pen)
        return pen

    def remove_pen(self, point_id: str) -> None:
        """Take a pen off the trend (nothing happens for a point that is not drawn)."""
        pen = self._pens.pop(point_id, None)
        if pen is None:
            return
        self._detach(pen)
        self.table.set_pens(list(self._pens.values()))

    def set_pen_axis(self, point_id: str, axis: str) -> None:
        """Put a pen on its unit's shared axis ("unit") or on an axis of its own ("own")."""
        pen = self._pens.get(point_id)
        if pen is None or axis == pen.axis:
            return
        self._detach(pen)
        pen.axis = axis
        self._attach(pen)
        self.table.set_pens(list(self._pens.values()))

    def pens(self) -> list[str]:
        """The points drawn, in the order they were added."""
        return list(self._pens)

    def pen(self, point_id: str) -> Pen:
        """The pen of ``point_id`` (KeyError when it is not drawn)."""
        return self._pens[point_id]

    def _attach(self, pen: Pen) -> None:
        label = pen.info.unit if pen.axis == UNIT_AXIS else f"{display_name(pen)} ({pen.info.unit})"
        box = self.axes.view(pen.group, label)
        for curve in (pen.bad_curve, pen.curve):
            # Parent first: a curve moved between axes must never see the scene without its view box.
            curve.setParentItem(box.childGroup)
            box.addItem(curve)
        pen.dirty = True

    def _detach(self, pen: Pen) -> None:
        box = self.axes.groups.get(pen.group)
        if box is None:
            return
        box.removeItem(pen.curve)
        box.removeItem(pen.bad_curve)
        if not any(p.group == pen.group and p is not pen for p in self._pens.values()):
            self.axes.release(pen.group)

    def _on_visibility(self, point: str, visible: bool) -> None:
        if point in self._pens:
            self._pens[point].set_visible(visible)

    # -- range ---------------------------------------------------------------------------------

    def show_samples(self, samples: dict[str, list[Sample]], start_ms: int, end_ms: int,
                     first: str | None = None) -> list[str]:
        """Show a fixed set of samples (a fault record) over ``[start_ms, end_ms]``; returns the points drawn.

        Pens of these points draw exactly the samples given, at their full resolution, and take no
        history or live samples; at most `MAX_PENS` are drawn (``first``, then those of its unit,
        then the rest by id), and a pen added later for another point is read from the history.
        Going live leaves the fixed set.
        """
        if end_ms <= start_ms:
            raise TrendError(self.tr("The end of the range must be after its start."))
        for point in list(self._pens):
            self.remove_pen(point)
        self._fixed = {point: list(rows) for point, rows in samples.items()}
        unit = getattr(self._point_info(first), "unit", None) if first else None

        def order(point: str) -> tuple[int, str]:
            info = self._point_info(point)
            return (0 if point == first else 1 if info is not None and info.unit == unit else 2, point)

        drawn = []
        for point in sorted(self._fixed, key=order):
            if len(drawn) >= MAX_PENS:
                break
            if self._point_info(point) is None:
                continue
            self.add_pen(point)
            drawn.append(point)
        self.set_range(start_ms, end_ms)
        if len(drawn) < len(self._fixed):
            self.show_message(self.tr("Recorded samples: {shown} of {total} points drawn; add others by dropping them "
                                      "here.").format(shown=len(drawn), total=len(self._fixed)))  # fmt: skip
        return drawn

    @property
    def is_fixed(self) -> bool:
        """Whether the view shows a fixed set of samples (a fault record)."""
        return self._fixed is not None

    def set_live(self, span_s: float = HOUR_S) -> None:
        """Scroll with the newest samples, showing the last ``span_s`` seconds."""
        self._leave_fixed()
        self._live = True
        self._span_s = float(span_s)
        self.live_action.setChecked(True)
        self._follow_live()

    def reread(self) -> None:
        """Read every pen's history again: after an outage of a cloud source the gap is filled on
        the server, and the live feed only ever carried the newest value of each point."""
        if self._fixed is not None:
            return
        for pen in self._pens.values():
            pen.series.fetched = None
            self._request(pen)

    def _leave_fixed(self) -> None:
        """Back from a fault record to the history: every pen reads it again."""
        if self._fixed is None:
            return
        self._fixed = None
        for pen in self._pens.values():
            pen.series.fetched = None
            self._request(pen)

    def set_last(self, span_s: float) -> None:
        """A fixed range: the ``span_s`` seconds up to now (does not scroll)."""
        self._leave_fixed()
        now = int(self._clock() * 1000)
        self.set_range(now - int(span_s * 1000), now)

    def set_range(self, start_ms: int, end_ms: int) -> None:
        """A fixed historical range (pan and zoom move on from it)."""
        if end_ms <= start_ms:
            raise TrendError(self.tr("The end of the range must be after its start."))
        self._live = False
        self.viewbox.setXRange(start_ms / 1000, end_ms / 1000, padding=0)

    @property
    def is_live(self) -> bool:
        """Whether the view scrolls with new samples."""
        return self._live

    def visible_range(self) -> tuple[int, int]:
        """The time range in view, ms UTC."""
        x0, x1 = self.viewbox.viewRange()[0]
        return int(x0 * 1000), int(x1 * 1000)

    def _follow_live(self) -> None:
        now = self._clock()
        self.viewbox.setXRange(now - self._span_s, now, padding=0)

    def _on_manual_range(self, *_args: object) -> None:
        if self._live:
            self._live = False
            self.live_action.setChecked(False)
            checked = self._range_group.checkedAction()
            if checked is not None:
                checked.setChecked(False)

    def _on_range_changed(self, *_args: object) -> None:
        self._stats_dirty = True
        x0, x1 = self.viewbox.viewRange()[0]
        self.time_axis.follow((x0 + x1) / 2)
        if not self._fetch_timer.isActive():
            self._fetch_timer.start()

    # -- history -------------------------------------------------------------------------------

    def _pixels(self) -> int:
        # At least 1000: a narrow pane still gets enough points for a useful zoom without a re-query.
        return max(int(self.viewbox.width()), 1000)

    def _needs_history(self, pen: Pen, start: int, end: int) -> bool:
        fetched = pen.series.fetched
        if fetched is None:
            return True
        f0, f1 = fetched
        tail = pen.series.tail
        tail_covers_end = tail.size > 0 and int(tail["ts"][0]) <= f1
        if start < f0 or (end > f1 and not tail_covers_end):
            return True
        # Buckets wider than two pixels: zoomed in past what the answer can show.
        return pen.series.bucket_ms > 2 * (end - start) / self._pixels()

    def _refresh_history(self) -> None:
        start, end = self.visible_range()
        for pen in self._pens.values():
            if self._fixed is not None and pen.point in self._fixed:
                continue
            if self._needs_history(pen, start, end):
                self._request(pen)

    def _request(self, pen: Pen) -> None:
        if self._fixed is not None and pen.point in self._fixed:
            self._load_fixed(pen, self._fixed[pen.point])
            return
        start, end = self.visible_range()
        span = max(end - start, 1000)
        f0, f1 = max(start - span // 2, 0), end + span // 2
        pen.generation += 1
        generation = pen.generation

        def done(history: History) -> None:
            if shiboken6.isValid(self) and self._pens.get(pen.point) is pen and pen.generation == generation:
                pen.series.set_history(history, f0, f1)
                pen.dirty = True
                self._stats_dirty = True

        def failed(exc: Exception) -> None:
            if shiboken6.isValid(self) and self._pens.get(pen.point) is pen:
                log.warning("trend: history of %s not read: %s", pen.point, exc)
                self.show_message(self.tr("The history of {point} could not be read: {error}").format(
                    point=pen.point, error=exc))

        self._fetch(pen.point, f0, f1, 2 * self._pixels(), done, failed)

    def _load_fixed(self, pen: Pen, rows: list[Sample]) -> None:
        pen.generation += 1  # an answer to an earlier history request must not replace the record
        rows = sorted(rows, key=lambda s: s.ts)
        ts = np.fromiter((s.ts for s in rows), np.int64, len(rows))
        value = np.fromiter((s.value for s in rows), np.float64, len(rows))
        quality = np.fromiter((int(s.quality) for s in rows), np.uint8, len(rows))
        first, last = (int(ts[0]), int(ts[-1])) if rows else (0, 0)
        pen.series.load_arrays(ts, value, quality, first, last)
        pen.dirty = True
        self._stats_dirty = True

    # -- live ----------------------------------------------------------------------------------

    def on_samples(self, batch: dict[str, Sample]) -> None:
        """Append live samples of the drawn points (the curves take them on the next tick)."""
        if self._fixed is not None:
            return  # a fault record is what was recorded, not what comes now
        for point, pen in self._pens.items():
            sample = batch.get(point)
            if sample is not None and pen.series.append(sample.ts, sample.value, sample.quality):
                pen.dirty = True
                self._stats_dirty = True

    def _tick(self) -> None:
        if self._live:
            self._follow_live()
        for pen in self._pens.values():
            pen.redraw()
        if self._stats_dirty:
            self._stats_dirty = False
            for point, stats in self.visible_stats().items():
                self.table.show_stats(point, stats)
            if self._cursor_ms is not None:
                self.set_cursor(self._cursor_ms)

    def flush(self) -> None:
        """Draw and tabulate everything received so far now, not at the next tick."""
        self._stats_dirty = True
        self._tick()

    # -- cursor and statistics -----------------------------------------------------------------

    def _on_mouse_moved(self, pos: QPointF) -> None:
        if not self.viewbox.sceneBoundingRect().contains(pos):
            return
        point = self.viewbox.mapSceneToView(pos)
        self.cursor_hline.setPos(point.y())
        self.set_cursor(int(point.x() * 1000))

    def set_cursor(self, ts_ms: int) -> dict[str, Reading | None]:
        """Put the cursor at ``ts_ms``; returns (and tabulates) every pen's value there."""
        self._cursor_ms = ts_ms
        self.cursor_line.setPos(ts_ms / 1000)
        self.cursor_line.setVisible(True)
        self.cursor_hline.setVisible(True)
        readings = {point: pen.series.value_at(ts_ms) for point, pen in self._pens.items()}
        for point, reading in readings.items():
            self.table.show_reading(point, reading)
        when = datetime.fromtimestamp(ts_ms / 1000, self.tz).strftime("%Y-%m-%d %H:%M:%S")
        self.message.setText(self.tr("Cursor: {time}").format(time=when))
        return readings

    def visible_stats(self) -> dict[str, Stats | None]:
        """Min/max/avg of each pen's good values in the range in view."""
        start, end = self.visible_range()
        return {point: pen.series.stats(start, end) for point, pen in self._pens.items()}

    def show_message(self, text: str) -> None:
        """A line under the plot (errors, exports)."""
        self.message.setText(text)

    # -- exports -------------------------------------------------------------------------------

    def export_csv(self, path: Path) -> int:
        """Write the data in view to ``path``; returns the rows written (ExportError on failure)."""
        start, end = self.visible_range()
        return write_csv(Path(path), self._pens.values(), start, end, self.tz)

    def export_png(self, path: Path) -> None:
        """Save the plot as drawn, with its axes, to ``path`` (ExportError on failure)."""
        self.flush()
        if not self.plot_widget.grab().save(str(Path(path)), "PNG"):
            raise ExportError(self.tr("Cannot write the image {path}.").format(path=path))

    # -- trend sets ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, object]:
        """The trend set: pens, colours, axes and range (JSON-able, for the settings)."""
        pens = [PenSpec(p.point, p.colour, p.axis, p.visible) for p in self._pens.values()]
        if self._live:
            span = TrendRange(True, self._span_s)
        else:
            start, end = self.visible_range()
            span = TrendRange(False, (end - start) / 1000, start, end)
        return TrendSet(pens, span).to_dict()

    def from_dict(self, data: object) -> list[str]:
        """Show a stored trend set (TrendSetError if unreadable); returns points this site lacks."""
        trend_set = TrendSet.from_dict(data)
        for point in list(self._pens):
            self.remove_pen(point)
        missing = []
        for spec in trend_set.pens:
            if self._point_info(spec.point) is None:
                missing.append(spec.point)
                continue
            pen = self.add_pen(spec.point, spec.colour, spec.axis)
            pen.set_visible(spec.visible)
        self.table.set_pens(list(self._pens.values()))
        if trend_set.range.live:
            self.set_live(trend_set.range.span_s)
        else:
            self.set_range(trend_set.range.start_ms, trend_set.range.end_ms)
        if missing:
            self.show_message(self.tr("Not on this site: {points}").format(points=", ".join(missing)))
        return missing

    # -- drag and drop -------------------------------------------------------------------------

    def drop_mime(self, mime: QMimeData) -> list[str]:
        """Add a pen per point id in the mime data; returns the points added."""
        text = bytes(mime.data(MIME_POINTS).data()).decode("utf-8", errors="replace")
        added, problems = [], []
        for line in text.splitlines():
            point = line.strip()
            if not point:
                continue
            try:
                self.add_pen(point)
            except TrendError as exc:
                problems.append(str(exc))
            else:
                added.append(point)
        if problems:
            self.show_message(" ".join(problems))
        return added

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        """Accept point lists from the device browser."""
        if event.mimeData().hasFormat(MIME_POINTS):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt's name
        """Keep accepting point lists while they move over the view."""
        if event.mimeData().hasFormat(MIME_POINTS):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        """Dropped points become pens."""
        if event.mimeData().hasFormat(MIME_POINTS):
            self.drop_mime(event.mimeData())
            event.acceptProposedAction()
        else:
            event.ignore()

    # -- theme ---------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow the application's light or dark palette."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_theme()

    def _apply_theme(self) -> None:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        background, foreground = ("#1b1d21", "#d4d4d4") if dark else ("#ffffff", "#333333")
        self.plot_widget.setBackground(background)
        self.axes.set_colours(foreground)
        for line in (self.cursor_line, self.cursor_hline):
            line.setPen(pg.mkPen("#9a9a9a" if dark else "#777777", width=1))
