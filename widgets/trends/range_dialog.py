"""Choosing a custom time range: from and to, in the site's time zone (not the computer's)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget


class RangeDialog(QDialog):
    """Two date-time fields; `range_ms()` is only offered when *to* is after *from*."""

    def __init__(self, start_ms: int, end_ms: int, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Time range"))
        self._zone = QTimeZone(tz.key.encode())
        layout = QFormLayout(self)
        self.start = self._field(start_ms)
        self.end = self._field(end_ms)
        layout.addRow(self.tr("From"), self.start)
        layout.addRow(self.tr("To"), self.end)
        self.problem = QLabel(self)
        layout.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self._tz = tz

    def _field(self, ms: int) -> QDateTimeEdit:
        edit = QDateTimeEdit(QDateTime.fromMSecsSinceEpoch(ms, self._zone), self)
        edit.setTimeZone(self._zone)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        edit.setCalendarPopup(True)
        return edit

    def range_ms(self) -> tuple[int, int]:
        """The chosen range in ms UTC."""
        return self.start.dateTime().toMSecsSinceEpoch(), self.end.dateTime().toMSecsSinceEpoch()

    def _accept(self) -> None:
        start, end = self.range_ms()
        if end <= start:
            self.problem.setText(self.tr("The end must be after the start."))
            return
        self.accept()

    @staticmethod
    def site_time(ms: int, tz: ZoneInfo) -> str:
        """``ms`` as the site's local time, for labels."""
        return datetime.fromtimestamp(ms / 1000, tz).strftime("%Y-%m-%d %H:%M:%S")
