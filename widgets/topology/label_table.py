"""The value labels of a symbol as a small table: which point, how it is formatted, with what unit.

An engineer chooses how a live value reads on the drawing ("123.5 kW", "0.40 kV"); the table
shows a preview of each label as it will look, refuses a format Python cannot apply (in red,
with the reason), and hands every edit to the properties panel as the new tuple of labels, so
the panel makes it one undo command.  Rows are updated in place while they are the same labels,
so a person typing a unit keeps the cursor while the model follows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Container

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.diagram.model import ValueLabel

#: Formats offered (any Python format spec may be typed).
FORMATS = (".0f", ".1f", ".2f", ".3f")
#: The value a label's preview formats.
PREVIEW_VALUE = 1234.5678
RED = "color: #c62828;"


class ValueLabelTable(QGroupBox):
    """Value labels of one symbol.  ``edited(labels, command text, typing widget or None)``."""

    edited = Signal(object, str, object)
    add_requested = Signal()
    typing_done = Signal()  # the person left a format or unit field: the next edit is a new undo step

    def __init__(self, point_text: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.point_text = point_text
        self.labels: tuple[ValueLabel, ...] = ()
        self._updating = False
        self.table = QTableWidget(0, 4, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # a long name is elided; its tooltip has it whole
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(1, 76)
        self.table.setColumnWidth(2, 64)
        self.table.itemSelectionChanged.connect(self._buttons)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self.add_requested)
        self.remove_button = QPushButton(self)
        self.remove_button.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        """Every fixed string (again after a language switch)."""
        self.setTitle(self.tr("Value labels"))
        self.table.setHorizontalHeaderLabels([self.tr("Point"), self.tr("Format"), self.tr("Unit"),
                                              self.tr("Preview")])  # fmt: skip
        self.add_button.setText(self.tr("Add…"))
        self.remove_button.setText(self.tr("Remove"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def format_box(self, row: int) -> QComboBox:
        """The format field of a row (editable: presets or any format spec)."""
        return self.table.cellWidget(row, 1)  # type: ignore[return-value]

    def unit_edit(self, row: int) -> QLineEdit:
        """The unit field of a row."""
        return self.table.cellWidget(row, 2)  # type: ignore[return-value]

    def preview(self, row: int) -> str:
        """How row ``row``'s label reads for a sample value."""
        return self.table.item(row, 3).text()

    def show_labels(self, labels: tuple[ValueLabel, ...], known: Container[str]) -> None:
        """Show ``labels``; a label of a point the site lacks (not in ``known``) is red."""
        self._updating = True
        try:
            self._show(labels, known)
        finally:
            self._updating = False

    def _show(self, labels: tuple[ValueLabel, ...], known: Container[str]) -> None:
        table = self.table
        same = len(self.labels) == len(labels) == table.rowCount() and all(
            a.point == b.point for a, b in zip(self.labels, labels, strict=True))  # fmt: skip
        self.labels = labels
        if not same:
            table.setRowCount(0)
            table.setRowCount(len(labels))
            for r in range(len(labels)):
                self._row(r)
        for r, label in enumerate(labels):
            point = table.item(r, 0)
            text = self.point_text(label.point)
            if point.text() != text:
                point.setText(text)
            point.setToolTip(text)
            point.setForeground(Qt.GlobalColor.red if label.point not in known else table.palette().text().color())
            spec = self.format_box(r)
            if spec.currentText() != label.format:
                spec.setCurrentText(label.format)
            unit = self.unit_edit(r)
            if unit.text() != label.unit:
                unit.setText(label.unit)
            table.item(r, 3).setText(label.text(PREVIEW_VALUE))
        rows = sum(table.rowHeight(r) for r in range(len(labels)))
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + rows + 2 * table.frameWidth()
                             + (2 if labels else 24))  # fmt: skip
        self._buttons()

    def _row(self, r: int) -> None:
        point = QTableWidgetItem()
        point.setFlags(point.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, 0, point)
        spec = QComboBox()
        spec.setEditable(True)
        spec.addItems(FORMATS)
        spec.currentTextChanged.connect(lambda t, row=r, c=spec: self._format_changed(c, row, t))
        spec.lineEdit().editingFinished.connect(self.typing_done)
        self.table.setCellWidget(r, 1, spec)
        unit = QLineEdit()
        unit.textEdited.connect(lambda t, row=r, e=unit: self._set(row, e, unit=t))
        unit.editingFinished.connect(self.typing_done)
        self.table.setCellWidget(r, 2, unit)
        preview = QTableWidgetItem()
        preview.setFlags(preview.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, 3, preview)

    def _buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _set(self, row: int, typing: QWidget, **fields: str) -> None:
        if self._updating or row >= len(self.labels):
            return
        labels = list(self.labels)
        labels[row] = dataclasses.replace(labels[row], **fields)
        self.edited.emit(tuple(labels), self.tr("Edit a value label"), typing)

    def _format_changed(self, combo: QComboBox, row: int, spec: str) -> None:
        try:
            format(PREVIEW_VALUE, spec)
        except (ValueError, TypeError):
            combo.setToolTip(self.tr("'%1' is not a number format; try .1f (one decimal).").replace("%1", spec))
            combo.setStyleSheet(RED)
            return
        combo.setToolTip("")
        combo.setStyleSheet("")
        self._set(row, combo, format=spec)

    def _remove(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            row = rows[0].row()
            labels = tuple(lab for i, lab in enumerate(self.labels) if i != row)
            self.edited.emit(labels, self.tr("Remove a value label"), None)
