"""The custom-report editor: pick points, an aggregation, an interval and a layout; save under a name.

Saved templates appear in the reports pane's report list ("Custom: <name>") and in the schedule
editor, and run again for any range.  Saving writes the shelf file (a few kilobytes) at once;
a refusal (no name, no point) is said under the form.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.reports.custom import CustomTemplate, TemplateError, TemplateShelf
from app.sources.base import SiteModel
from widgets.runtime import names_language


class TemplateEditor(QWidget):
    """Edits the shelf of custom-report templates; ``saved`` after each change."""

    saved = Signal()

    def __init__(self, shelf: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shelf = TemplateShelf(shelf)
        self.existing = QListWidget(self)
        self.existing.currentTextChanged.connect(self.load)
        self.name = QLineEdit(self)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Filter points by name or id"))
        self.filter.textChanged.connect(self._filter)
        self.points = QListWidget(self)
        self.aggregation = QComboBox(self)
        for key, text in (("avg", self.tr("Average")), ("min", self.tr("Minimum")), ("max", self.tr("Maximum")),
                          ("first", self.tr("Value at the start")), ("last", self.tr("Last value")),
                          ("delta", self.tr("Growth of a counter (energy)")),
                          ("sum", self.tr("Integral (kW to kWh)"))):
            self.aggregation.addItem(text, key)
        self.interval = QComboBox(self)
        for key, text in (("15m", self.tr("15 minutes")), ("hour", self.tr("Hour")), ("day", self.tr("Day")),
                          ("month", self.tr("Month")), ("year", self.tr("Year"))):
            self.interval.addItem(text, key)
        self.layout_choice = QComboBox(self)
        self.layout_choice.addItem(self.tr("Rows are times"), "times")
        self.layout_choice.addItem(self.tr("Rows are points"), "points")
        self.save_button = QPushButton(self.tr("Save template"), self)
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.delete_button.clicked.connect(self.delete)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Aggregation"), self.aggregation)
        form.addRow(self.tr("Interval"), self.interval)
        form.addRow(self.tr("Layout"), self.layout_choice)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        middle = QVBoxLayout()
        middle.addWidget(self.filter)
        middle.addWidget(self.points, 1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(self.problem)
        right.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Saved templates"), self))
        left.addWidget(self.existing, 1)
        row = QHBoxLayout(self)
        row.addLayout(left, 1)
        row.addLayout(middle, 2)
        row.addLayout(right, 1)
        self.refresh()

    def set_site(self, site: SiteModel) -> None:
        zh = names_language() == "zh"
        self.points.clear()
        for p in site.points:
            name = p.name if zh else (p.name_en or p.name)
            item = QListWidgetItem(f"{name} ({p.id})" + (f" [{p.unit}]" if p.unit else ""), self.points)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.points.count()):
            item = self.points.item(i)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def refresh(self) -> None:
        self.existing.blockSignals(True)
        self.existing.clear()
        try:
            for name in sorted(self.shelf.load()):
                self.existing.addItem(name)
        except TemplateError as exc:
            self.problem.setText(str(exc))
        self.existing.blockSignals(False)

    def checked(self) -> tuple[str, ...]:
        return tuple(self.points.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.points.count())
                     if self.points.item(i).checkState() == Qt.CheckState.Checked)

    def template(self) -> CustomTemplate:
        return CustomTemplate(self.name.text().strip(), self.checked(), self.aggregation.currentData(),
                              self.interval.currentData(), self.layout_choice.currentData())

    def load(self, name: str) -> None:
        try:
            t = self.shelf.load().get(name)
        except TemplateError as exc:
            self.problem.setText(str(exc))
            return
        if t is None:
            return
        self.name.setText(t.name)
        for combo, value in ((self.aggregation, t.aggregation), (self.interval, t.interval),
                             (self.layout_choice, t.layout)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        wanted = set(t.points)
        for i in range(self.points.count()):
            item = self.points.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted
                               else Qt.CheckState.Unchecked)

    def save(self) -> None:
        try:
            self.shelf.save(self.template())
        except (TemplateError, OSError) as exc:
            self.problem.setText(self.tr("Not saved: %1").replace("%1", str(exc)))
            return
        self.problem.setText(self.tr("Saved."))
        self.refresh()
        self.saved.emit()

    def delete(self) -> None:
        name = self.name.text().strip()
        try:
            self.shelf.delete(name)
        except (TemplateError, OSError) as exc:
            self.problem.setText(str(exc))
            return
        self.refresh()
        self.saved.emit()
