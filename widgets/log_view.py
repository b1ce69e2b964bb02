"""The log view: the application's own log, for the engineer who asks "what just happened?".

Records come from any thread (the core loop, the historian's writer, Qt's message handler),
so the `logging.Handler` only formats the record where it was made and hands a plain tuple
to the GUI thread through a queued signal.  The table keeps the last few thousand records:
a console runs for weeks and its log must not grow without end (the rotating file keeps the
rest).  Rows arrive in batches on a short timer, so a burst of records is one insert, not
thousands.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from widgets.devices import emit

_TOP = QModelIndex()
COL_TIME, COL_LEVEL, COL_LOGGER, COL_MESSAGE = range(4)
LEVELS = (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)
_LEVEL_COLOURS = {logging.WARNING: QColor("#e65100"), logging.ERROR: QColor("#c62828"),
                  logging.CRITICAL: QColor("#b71c1c")}  # fmt: skip


class LogLine(NamedTuple):
    """One record as shown: made in the logging thread, so nothing refers back to the record."""

    created: float  # seconds since the epoch
    level: int
    level_name: str
    logger: str
    message: str


class _Relay(QObject):
    line = Signal(object)


class LogRelay(logging.Handler):
    """A `logging.Handler` that forwards records to the GUI thread (safe from any thread)."""

    def __init__(self, level: int = logging.DEBUG) -> None:
        super().__init__(level)
        self.relay = _Relay()

    def emit(self, record: logging.LogRecord) -> None:
        """Format here (the arguments may change later), deliver there."""
        try:
            message = record.getMessage()
            if record.exc_info:
                message = f"{message}\n{logging.Formatter().formatException(record.exc_info)}"
            elif record.exc_text:
                message = f"{message}\n{record.exc_text}"
            line = LogLine(record.created, record.levelno, record.levelname, record.name, message)
            emit(self.relay.line, line)
        except RuntimeError:  # the view is gone (application shutting down): nothing to show
            pass
        except Exception:
            self.handleError(record)


class LogTable(QAbstractTableModel):
    """The newest ``capacity`` log lines, appended in batches, oldest dropped first."""

    def __init__(self, capacity: int = 5000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self.lines: list[LogLine] = []

    def append(self, lines: list[LogLine]) -> None:
        """Add lines at the end, dropping the oldest beyond capacity."""
        lines = lines[-self.capacity :]
        overflow = len(self.lines) + len(lines) - self.capacity
        if overflow > 0:
            self.beginRemoveRows(_TOP, 0, overflow - 1)
            del self.lines[:overflow]
            self.endRemoveRows()
        if lines:
            first = len(self.lines)
            self.beginInsertRows(_TOP, first, first + len(lines) - 1)
            self.lines.extend(lines)
            self.endInsertRows()

    def clear(self) -> None:
        """Forget every line."""
        self.beginResetModel()
        self.lines.clear()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> int:  # noqa: N802 - Qt's name
        return 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802 - Qt's name
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Time"), self.tr("Level"), self.tr("Logger"), self.tr("Message"))[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TIME:
                return datetime.fromtimestamp(line.created).strftime("%H:%M:%S.%f")[:-3]
            if col == COL_LEVEL:
                return line.level_name
            if col == COL_LOGGER:
                return line.logger
            return line.message.split("\n", 1)[0]  # the first line; the whole text in the tooltip
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_TIME:
                return datetime.fromtimestamp(line.created).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
            return line.message if col == COL_MESSAGE else None
        if role == Qt.ItemDataRole.ForegroundRole and line.level >= logging.WARNING:
            return QBrush(_LEVEL_COLOURS.get(line.level, _LEVEL_COLOURS[logging.CRITICAL]))
        return None


class LogFilter(QSortFilterProxyModel):
    """Lines at or above a level whose logger or message contains a text (any case)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.min_level = logging.DEBUG
        self.text = ""

    def set_filter(self, min_level: int, text: str) -> None:
        """Show only lines at ``min_level`` or above containing ``text``."""
        self.beginFilterChange()
        self.min_level = min_level
        self.text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802 - Qt's name
        model = self.sourceModel()
        assert isinstance(model, LogTable)
        line = model.lines[source_row]
        if line.level < self.min_level:
            return False
        return not self.text or self.text in line.message.casefold() or self.text in line.logger.casefold()


class LogView(QWidget):
    """The log pane: level and text filters over a bounded, auto-scrolling table.

    ``handler`` is the `logging.Handler` to attach (``install()`` does it on the root logger).
    Auto-scroll follows new lines only while the view is at the bottom: an engineer who
    scrolled up to read is not yanked away.
    """

    def __init__(self, parent: QWidget | None = None, *, capacity: int = 5000, flush_ms: int = 100) -> None:
        super().__init__(parent)
        self.handler = LogRelay()
        self.handler.relay.line.connect(self._receive, Qt.ConnectionType.QueuedConnection)
        self._pending: list[LogLine] = []
        self._installed_on: logging.Logger | None = None
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(flush_ms)
        self._flush.timeout.connect(self.flush)

        self.table_model = LogTable(capacity, self)
        self.proxy = LogFilter(self)
        self.proxy.setSourceModel(self.table_model)
        self.level_label = QLabel(self)
        self.level = QComboBox(self)
        self.filter_box = QLineEdit(self)
        self.filter_box.setClearButtonEnabled(True)
        self.clear_button = QPushButton(self)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(COL_TIME, 100)
        self.table.setColumnWidth(COL_LEVEL, 80)
        self.table.setColumnWidth(COL_LOGGER, 200)

        bar = QHBoxLayout()
        bar.addWidget(self.level_label)
        bar.addWidget(self.level)
        bar.addWidget(self.filter_box, 1)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        self.retranslate()
        self.level.setCurrentIndex(0)
        self.level.currentIndexChanged.connect(self._apply_filter)
        self.filter_box.textChanged.connect(self._apply_filter)
        self.clear_button.clicked.connect(self.table_model.clear)

    def retranslate(self) -> None:
        """Set every string of the pane (again, after a language change)."""
        current = max(self.level.currentIndex(), 0)
        names = (self.tr("Debug"), self.tr("Info"), self.tr("Warning"), self.tr("Error"), self.tr("Critical"))
        self.level.blockSignals(True)
        self.level.clear()
        for name, value in zip(names, LEVELS, strict=True):
            self.level.addItem(name, value)
        self.level.setCurrentIndex(current)
        self.level.blockSignals(False)
        self.level_label.setText(self.tr("Lowest level:"))
        self.filter_box.setPlaceholderText(self.tr("Filter by logger or message"))
        self.clear_button.setText(self.tr("Clear"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def install(self, logger: logging.Logger | None = None) -> None:
        """Attach the handler to ``logger`` (the root logger by default)."""
        self.uninstall()
        self._installed_on = logger if logger is not None else logging.getLogger()
        self._installed_on.addHandler(self.handler)

    def uninstall(self) -> None:
        """Detach the handler again (before the view is destroyed)."""
        if self._installed_on is not None:
            self._installed_on.removeHandler(self.handler)
            self._installed_on = None

    def _receive(self, line: LogLine) -> None:
        self._pending.append(line)
        if not self._flush.isActive():
            self._flush.start()

    def flush(self) -> None:
        """Show what arrived since the last flush (also called by the timer)."""
        if not self._pending:
            return
        bar = self.table.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 2
        lines, self._pending = self._pending, []
        self.table_model.append(lines)
        if at_bottom:
            self.table.scrollToBottom()

    def _apply_filter(self) -> None:
        level = self.level.currentData()
        self.proxy.set_filter(int(level) if level is not None else logging.DEBUG, self.filter_box.text())
