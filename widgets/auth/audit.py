"""The audit log view: who did what, when, from where, with what result — and its Excel export.

Rows come from the source (`DataSource.audit`, newest first), filtered by time range, user and
kind of action; the export writes exactly the rows shown with `app.auth.export_audit` on a
thread of its own, so a long list never freezes the console.  Times show in the site's zone.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.auth import AuditEntry, Result, SessionExpired, export_audit
from app.auth.audit import ACTION_WORDS
from widgets.bridge import SourceBridge, describe
from widgets.runtime import names_language

from .login import ERROR_STYLE
from .words import action_word, in_words, result_word

log = logging.getLogger(__name__)

HOUR_MS = 3_600_000
RANGES = (("hour", HOUR_MS), ("day", 24 * HOUR_MS), ("week", 7 * 24 * HOUR_MS), ("month", 30 * 24 * HOUR_MS),
          ("all", 0), ("custom", -1))
ROW_LIMIT = 5000
RESULT_COLOURS = {Result.REFUSED: QColor("#fb8c00"), Result.FAILED: QColor("#e53935")}


class AuditDialog(QDialog):
    """Filters above, the rows newest first, export to Excel below."""

    session_expired = Signal()
    loaded = Signal(int)  # rows shown after a query
    exported = Signal(str, str)  # path, "" or what went wrong

    def __init__(self, bridge: SourceBridge, tz: ZoneInfo, site_name: str = "", site_name_en: str = "",
                 me: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.tz = tz
        self.site_name = site_name
        self.site_name_en = site_name_en
        self.me = me
        self.entries: list[AuditEntry] = []
        self._asked = 0
        self.setWindowTitle(self.tr("Audit log"))
        self.range = QComboBox(self)
        words = {"hour": self.tr("Last hour"), "day": self.tr("Last 24 hours"), "week": self.tr("Last 7 days"),
                 "month": self.tr("Last 30 days"), "all": self.tr("Any time"), "custom": self.tr("From … to …")}
        for key, _ms in RANGES:
            self.range.addItem(words[key], key)
        self.range.setCurrentIndex(1)
        now = QDateTime.currentDateTime()
        self.start = QDateTimeEdit(now.addDays(-1), self)
        self.end = QDateTimeEdit(now, self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        self.user = QLineEdit(self)
        self.user.setPlaceholderText(self.tr("Any user"))
        self.user.setClearButtonEnabled(True)
        self.action = QComboBox(self)
        self.action.addItem(self.tr("Any action"), "")
        for action in ACTION_WORDS:
            self.action.addItem(action_word(action), str(action))
        self.search_button = QPushButton(self.tr("Search"), self)
        self.search_button.setDefault(True)
        filters = QHBoxLayout()
        self.to_label = QLabel(self.tr("to"), self)
        for caption, w in ((QLabel(self.tr("Time:"), self), self.range), (None, self.start),
                           (self.to_label, self.end), (QLabel(self.tr("User:"), self), self.user),
                           (QLabel(self.tr("Action:"), self), self.action)):
            if caption is not None:
                filters.addWidget(caption)
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.search_button)
        self.table = QTableWidget(0, 7, self)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("User"), self.tr("Action"), self.tr("Target"),
                                              self.tr("Detail"), self.tr("From"), self.tr("Result")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.count = QLabel(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.export_button = QPushButton(self.tr("Export to Excel…"), self)
        self.close_button = QPushButton(self.tr("Close"), self)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.range.currentIndexChanged.connect(self._range_changed)
        self.action.currentIndexChanged.connect(lambda _i: self.search())
        self.user.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        self.export_button.clicked.connect(self._ask_export)
        self.close_button.clicked.connect(self.close)
        self.exported.connect(self._export_done)
        self._range_changed()
        self.resize(1100, 560)

    # -- the query --------------------------------------------------------------------------------

    def _range_changed(self, *_args: object) -> None:
        custom = self.range.currentData() == "custom"
        for w in (self.start, self.to_label, self.end):
            w.setVisible(custom)
        self.search()

    def period(self) -> tuple[int | None, int | None]:
        """The time range chosen, ms UTC (None: open)."""
        key = self.range.currentData()
        if key == "custom":
            return self.start.dateTime().toMSecsSinceEpoch(), self.end.dateTime().toMSecsSinceEpoch()
        span = dict(RANGES)[key]
        return (int(time.time() * 1000) - span if span else None), None

    def filters_words(self) -> str:
        """The filters in words (the export's title block says what the list showed)."""
        parts = [self.range.currentText()]
        if self.range.currentData() == "custom":
            parts = [f"{self.start.dateTime().toString('yyyy-MM-dd HH:mm')} – "
                     f"{self.end.dateTime().toString('yyyy-MM-dd HH:mm')}"]
        if self.user.text().strip():
            parts.append(self.tr("user %1").replace("%1", self.user.text().strip()))
        if self.action.currentData():
            parts.append(self.action.currentText())
        return "; ".join(parts)

    def search(self) -> None:
        """Ask the source for the rows matching the filters (newest first)."""
        since, until = self.period()
        user = self.user.text().strip() or None
        action = self.action.currentData()
        actions = [action] if action else None
        self._asked += 1
        asked = self._asked
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Reading the audit log…"))
        self.bridge.request(lambda s: s.audit(since, until, user, actions, ROW_LIMIT),
                            lambda rows: self._show(rows) if asked == self._asked else None, self._failed)

    def _show(self, entries: list[AuditEntry]) -> None:
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            when = datetime.fromtimestamp(e.ts / 1000, self.tz).strftime("%Y-%m-%d %H:%M:%S")
            values = (when, e.user or "", action_word(e.action), e.target, e.detail, e.address, result_word(e.result))
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col == 6 and e.result in RESULT_COLOURS:
                    item.setBackground(RESULT_COLOURS[e.result])
                    item.setForeground(QColor("white"))
                if col == 4:
                    item.setToolTip(e.detail)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        more = len(entries) >= ROW_LIMIT
        self.count.setText(self.tr("%1 row(s)").replace("%1", str(len(entries)))
                           + (self.tr(" (the newest; narrow the filters for older rows)") if more else ""))
        self.status.setText("")
        self.export_button.setEnabled(bool(entries))
        self.loaded.emit(len(entries))

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, SessionExpired):
            self.session_expired.emit()
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(in_words(exc))

    # -- the export -------------------------------------------------------------------------------

    def _ask_export(self) -> None:
        stamp = datetime.now(self.tz).strftime("%Y%m%d-%H%M")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the audit log"), f"audit-{stamp}.xlsx",
                                              self.tr("Excel workbook (*.xlsx)"))
        if path:
            self.export(path)

    def export(self, path: str) -> threading.Thread:
        """Write the rows shown to ``path`` on a thread of its own; `exported` says how it went."""
        entries, tz, lang = list(self.entries), self.tz, names_language()
        site = self.site_name if lang == "zh" or not self.site_name_en else self.site_name_en
        by, filters = self.me, self.filters_words()
        self.export_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Exporting…"))

        def work() -> None:
            try:
                export_audit(entries, Path(path), tz, lang, site_name=site, generated_by=by, filters=filters)
            except Exception as exc:  # said on the GUI thread, in words
                log.warning("audit export to %s failed: %s", path, exc)
                self.exported.emit(path, in_words(exc) if hasattr(exc, "message") else describe(exc))
            else:
                self.exported.emit(path, "")

        thread = threading.Thread(target=work, name="audit-export", daemon=True)
        thread.start()
        return thread

    def _export_done(self, path: str, error: str) -> None:
        self.export_button.setEnabled(bool(self.entries))
        if error:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(self.tr("The export to %1 failed: %2").replace("%1", path).replace("%2", error))
        else:
            self.status.setStyleSheet("")
            self.status.setText(self.tr("Exported to %1").replace("%1", path))
