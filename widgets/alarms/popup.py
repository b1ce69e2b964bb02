"""The level-1 popup: a window an operator cannot miss while a critical alarm waits.

A top-level window that stays on top of everything but does not block the console (the
operator may need the trends and the list to judge the alarm).  It lists every
unacknowledged level-1 alarm, offers Acknowledge and Show point, comes forward again for
each new critical alarm, and closes by itself once none is left unacknowledged.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.alarms.model import Alarm

from .words import LEVEL_FILL, LEVEL_TEXT, local_time, message, value_text


class CriticalPopup(QWidget):
    """See the module docstring.  `show_alarms` with the unacknowledged level-1 alarms."""

    acknowledge_requested = Signal(object)  # list[int]
    point_requested = Signal(str)

    def __init__(self, tz: ZoneInfo, device_name: Callable[[str | None], str], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("criticalPopup")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.tz = tz
        self.device_name = device_name
        self.alarms: list[Alarm] = []
        self._seen: set[int] = set()
        fill, ink = LEVEL_FILL[1].name(), LEVEL_TEXT[1].name()
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("criticalHeading")
        self.heading.setStyleSheet(f"QLabel#criticalHeading {{ background: {fill}; color: {ink}; font-size: 16pt;"
                                   " font-weight: bold; padding: 8px; }")  # fmt: skip
        layout.addWidget(self.heading)
        self.list = QTreeWidget(self)
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setColumnCount(4)
        font = self.list.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.list.setFont(font)
        self.list.itemDoubleClicked.connect(lambda *_: self._show_point())
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.ack_button = QPushButton(self)
        self.ack_button.clicked.connect(self._acknowledge)
        self.point_button = QPushButton(self)
        self.point_button.clicked.connect(self._show_point)
        row.addStretch(1)
        row.addWidget(self.point_button)
        row.addWidget(self.ack_button)
        layout.addLayout(row)
        self.resize(760, 300)
        self.retranslate()

    def show_alarms(self, alarms: list[Alarm]) -> None:
        """The unacknowledged level-1 alarms now; shows, comes forward for a new one, or closes."""
        self.alarms = list(alarms)
        ids = {a.id for a in alarms}
        new = ids - self._seen
        self._seen = ids
        self._fill()
        if not alarms:
            self.hide()
            return
        if new or not self.isVisible():
            self.show()
            self.raise_()
            self.activateWindow()
            QApplication.alert(self)

    def _fill(self) -> None:
        selected = {item.data(0, Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()}
        self.list.clear()
        for alarm in self.alarms:
            item = QTreeWidgetItem([
                local_time(alarm.raised_at, self.tz), self.device_name(alarm.device) or alarm.point,
                message(alarm), value_text(alarm.value),
            ])  # fmt: skip
            item.setData(0, Qt.ItemDataRole.UserRole, alarm.id)
            self.list.addTopLevelItem(item)
            item.setSelected(alarm.id in selected)
        for col in range(4):
            self.list.resizeColumnToContents(col)
        self.heading.setText(self.tr("Critical alarm: %n waiting for acknowledgement", None, len(self.alarms)))

    def _chosen(self) -> list[Alarm]:
        ids = {item.data(0, Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()}
        return [a for a in self.alarms if a.id in ids] or self.alarms

    def _acknowledge(self) -> None:
        chosen = self._chosen()
        if chosen:
            self.acknowledge_requested.emit([a.id for a in chosen])

    def _show_point(self) -> None:
        chosen = self._chosen()
        if chosen:
            self.point_requested.emit(chosen[0].point)

    def retranslate(self) -> None:
        """Set every text again (language switch)."""
        self.setWindowTitle(self.tr("SwitchRoom: critical alarm"))
        self.list.setHeaderLabels([self.tr("Time"), self.tr("Device"), self.tr("Message"), self.tr("Value")])
        self.ack_button.setText(self.tr("Acknowledge"))
        self.point_button.setText(self.tr("Show point"))
        self._fill()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Closing by hand only hides it until the next critical alarm; the alarms stay on the list."""
        self._seen = {a.id for a in self.alarms}
        super().closeEvent(event)
