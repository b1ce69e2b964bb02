"""The table beside the plot: each pen's colour, name, unit, value at the cursor, min/max/avg.

Min/max/avg are of the range in view, so zooming onto a disturbance reads its extremes
directly.  A pen's check box hides it; the row's menu separates it onto an axis of its own,
or removes it.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableWidget, QTableWidgetItem, QWidget

from app.model import Quality

from .pen import OWN_AXIS, Pen
from .series import Reading, Stats

COLUMNS = 6  # name, unit, cursor, min, max, avg


def format_value(value: float | None) -> str:
    """A number as an operator reads it: up to 4 significant decimals, "—" when there is none."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.4g}" if abs(value) < 1e5 else f"{value:.0f}"


def display_name(pen: Pen) -> str:
    """Device and point name in the interface language (Chinese or English), falling back to the id.

    The device goes first: "Total active power" alone does not say which of twenty meters it is.
    """
    info = pen.info
    chinese = QLocale().language() == QLocale.Language.Chinese
    name = (info.name if chinese else info.name_en) or info.name or info.name_en or info.id
    return f"{info.device} {name}" if info.device else name


class PenTable(QTableWidget):
    """One row per pen; signals ask the view to change pens (the table owns none)."""

    visibility_changed = Signal(str, bool)
    separate_requested = Signal(str, bool)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, COLUMNS, parent)
        self.setHorizontalHeaderLabels(
            [self.tr("Pen"), self.tr("Unit"), self.tr("Cursor"), self.tr("Min"), self.tr("Max"), self.tr("Avg")]
        )
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.itemChanged.connect(self._on_item_changed)
        self._points: list[str] = []
        self._axes: dict[str, str] = {}

    def set_pens(self, pens: list[Pen]) -> None:
        """Rebuild the rows for these pens (in order)."""
        self.blockSignals(True)
        self.setRowCount(len(pens))
        self._points = [p.point for p in pens]
        self._axes = {p.point: p.axis for p in pens}
        for row, pen in enumerate(pens):
            name = QTableWidgetItem(display_name(pen))
            name.setToolTip(pen.point)
            name.setData(Qt.ItemDataRole.DecorationRole, QColor(pen.colour))
            name.setFlags(name.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            name.setCheckState(Qt.CheckState.Checked if pen.visible else Qt.CheckState.Unchecked)
            self.setItem(row, 0, name)
            self.setItem(row, 1, QTableWidgetItem(pen.info.unit))
            for column in range(2, COLUMNS):
                item = QTableWidgetItem("—")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, column, item)
        self.blockSignals(False)

    def show_reading(self, point: str, reading: Reading | None) -> None:
        """The cursor column of ``point``: its value, greyed and marked when not good."""
        item = self._item(point, 2)
        if item is None:
            return
        if reading is None:
            item.setText("—")
            item.setToolTip("")
            item.setData(Qt.ItemDataRole.ForegroundRole, None)
            return
        text = format_value(reading.value)
        if reading.quality is not Quality.GOOD:
            words = {Quality.STALE: self.tr("stale"), Quality.COMM_FAIL: self.tr("no communication"),
                     Quality.BAD_VALUE: self.tr("bad value")}
            text = self.tr("{value} ({quality})").format(value=text, quality=words[reading.quality])
            item.setForeground(QColor("#8c8c8c"))
        else:
            item.setData(Qt.ItemDataRole.ForegroundRole, None)
        item.setText(text)

    def show_stats(self, point: str, stats: Stats | None) -> None:
        """Min/max/avg of ``point`` over the range in view."""
        values = (None, None, None) if stats is None else (stats.min, stats.max, stats.avg)
        for column, value in zip((3, 4, 5), values, strict=True):
            item = self._item(point, column)
            if item is not None:
                item.setText(format_value(value))

    def cell_text(self, point: str, column: int) -> str:
        """The text shown for ``point`` in ``column`` (tests and accessibility)."""
        item = self._item(point, column)
        return item.text() if item is not None else ""

    def _item(self, point: str, column: int) -> QTableWidgetItem | None:
        try:
            return self.item(self._points.index(point), column)
        except ValueError:
            return None

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0 and 0 <= item.row() < len(self._points):
            self.visibility_changed.emit(self._points[item.row()], item.checkState() == Qt.CheckState.Checked)

    def _menu(self, pos: object) -> None:
        row = self.rowAt(pos.y())  # type: ignore[attr-defined]
        if not 0 <= row < len(self._points):
            return
        point = self._points[row]
        menu = QMenu(self)
        own = menu.addAction(self.tr("Own axis"))
        own.setCheckable(True)
        own.setChecked(self._axes.get(point) == OWN_AXIS)
        own.toggled.connect(lambda on: self.separate_requested.emit(point, on))
        menu.addAction(self.tr("Remove pen"), lambda: self.remove_requested.emit(point))
        menu.popup(self.viewport().mapToGlobal(pos))  # type: ignore[arg-type]
