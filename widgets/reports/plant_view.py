"""Losses and transformer load in the console: the loss table and each transformer's load-rate distribution.

The figures are the loss and transformer-load reports' own (`app.reports.builtin`), built on the
core loop for the pane's range and shown here: the losses as a table with rates over their
threshold in colour, the share of time each transformer spent in each load-rate band as grouped
bars, and its daily peaks and unbalance beneath.  What cannot be computed (a meter without
readings) reads as such, never as zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from app.analysis.tariff import Tariff
from app.reports.builtin import loss_report, transformer_load_report
from app.reports.energy import NoData
from app.reports.table import Report
from app.sources.base import DataSource
from widgets.bridge import SourceBridge, describe
from widgets.plot_theme import apply_plot_theme
from widgets.runtime import names_language

BAR_COLOURS = ("#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a")


class PlantView(QWidget):
    """Losses and transformer load for the pane's range; ``shown`` after each drawing."""

    shown = Signal()

    def __init__(self, bridge: SourceBridge, tariff: Callable[[], Tariff | None],
                 range_ms: Callable[[], tuple[int, int]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.tariff = tariff
        self.range_ms = range_ms
        self.show_button = QPushButton(self.tr("Show losses and transformer load"), self)
        self.show_button.clicked.connect(self.refresh)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.losses = QTableWidget(0, 0, self)
        self.losses.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.days = QTableWidget(0, 0, self)
        self.days.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.plot = pg.PlotWidget(self)
        self.plot.setLabel("left", "%")
        self.legend = self.plot.addLegend(offset=(-10, 5))
        self.bars: list[pg.BarGraphItem] = []
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.losses)
        split.addWidget(self.plot)
        split.addWidget(self.days)
        self.plot.setMinimumHeight(180)
        split.setSizes([180, 260, 220])
        layout = QVBoxLayout(self)
        layout.addWidget(self.show_button)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        self._apply_theme()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow the application's light or dark palette."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_theme()

    def _apply_theme(self) -> None:
        apply_plot_theme(self, [self.plot], [self.legend])

    def refresh(self) -> None:
        tariff = self.tariff()
        if tariff is None:
            self.status.setText(self.tr("The site file has no tariff: the analysis needs one (section tariff)."))
            return
        start, end = self.range_ms()
        language = names_language()
        self.show_button.setEnabled(False)
        self.status.setText(self.tr("Computing losses and loads…"))

        async def compute(source: DataSource) -> tuple[Any, Any]:  # on the core loop: rows made there too
            out = []
            for build in (loss_report, transformer_load_report):
                try:
                    report: Report = await build(source, tariff, start, end, by="", language=language)
                except NoData as exc:
                    out.append(str(exc) if language == "zh" else exc.message_en)
                    continue
                out.append([(t.columns, [list(r) for r in t.rows]) for t in report.tables])
            return out[0], out[1]

        self.bridge.request(compute, self._draw, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.show_button.setEnabled(True)
        self.status.setText(self.tr("Could not compute: %1").replace("%1", describe(exc)))
        self.shown.emit()

    def _draw(self, result: tuple[Any, Any]) -> None:
        self.show_button.setEnabled(True)
        losses, load = result
        words = []
        if isinstance(losses, str):
            words.append(losses)
            self.losses.setRowCount(0)
        else:
            (columns, rows), = losses
            _fill(self.losses, columns, rows, highlight=lambda col, v: col.above is not None and v > col.above)
        for item in self.bars:
            self.plot.removeItem(item)
        self.bars = []
        self.legend.clear()
        if isinstance(load, str):
            words.append(load)
            self.days.setRowCount(0)
        else:
            (day_columns, day_rows), (dist_columns, dist_rows) = load
            _fill(self.days, day_columns, day_rows, highlight=lambda col, v: col.above is not None and v > col.above)
            n = len(dist_columns) - 1
            width = 0.8 / max(n, 1)
            for k, column in enumerate(dist_columns[1:]):
                heights = [row[k + 1] or 0.0 for row in dist_rows]
                x = np.arange(len(dist_rows)) - 0.4 + width * (k + 0.5)
                bar = pg.BarGraphItem(x=x, height=heights, width=width * 0.9, brush=BAR_COLOURS[k % len(BAR_COLOURS)],
                                      name=column.header)
                self.plot.addItem(bar)
                self.bars.append(bar)
            ticks = [(i, str(row[0])) for i, row in enumerate(dist_rows)]
            self.plot.getAxis("bottom").setTicks([ticks])
            self.plot.setTitle(self.tr("Share of time by transformer load rate"))
            self.plot.enableAutoRange()
        self.status.setText("\n".join(words))
        self.shown.emit()


def _fill(table: QTableWidget, columns: list[Any], rows: list[list[Any]],
          highlight: Callable[[Any, float], bool]) -> None:
    """A report table's rows in a widget table: headers with units, numbers formatted, limits in colour."""
    table.setColumnCount(len(columns))
    table.setHorizontalHeaderLabels([f"{c.header}\n({c.unit})" if c.unit else c.header for c in columns])
    table.setRowCount(len(rows))
    over = QBrush(QColor("#f8cbad"))
    for r, row in enumerate(rows):
        for c, (column, value) in enumerate(zip(columns, row, strict=False)):
            if isinstance(value, float):
                text = "" if math.isnan(value) else f"{value:,.2f}"
            elif hasattr(value, "strftime"):
                text = value.strftime("%Y-%m-%d")
            else:
                text = "" if value is None else str(value)
            item = QTableWidgetItem(text)
            if isinstance(value, float) and not math.isnan(value) and highlight(column, value):
                item.setBackground(over)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
