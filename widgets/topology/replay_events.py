"""What happened in a replay window: the switch changes and alarms, in order, to jump to.

A list beside the replayed diagram (`widgets.topology.replay.ReplayWindow`): each row is a
switching device changing state (from its point's history) or an alarm journal row of the
diagram's devices; clicking one asks the window to show that moment.  Rows after the time on
screen are greyed: the picture has not got there yet.  The alarm the replay was opened at is
bold, its level colour on the time like the alarm list's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.alarms.journal import JournalEntry
from app.diagram.replay import ReplayEvent, SwitchChange
from app.sources.base import SiteModel
from widgets.alarms.words import LEVEL_FILL, LEVEL_TEXT, change_word, chinese

_CONTEXT = "ReplayEventList"
_EVENT_TIME = Qt.ItemDataRole.UserRole

#: A switching device's states (the symbols' state words) in the operator's words.
_STATE_WORDS = {
    "closed": QT_TRANSLATE_NOOP("ReplayEventList", "closed"),
    "open": QT_TRANSLATE_NOOP("ReplayEventList", "open"),
    "withdrawn": QT_TRANSLATE_NOOP("ReplayEventList", "withdrawn"),
    "inserted": QT_TRANSLATE_NOOP("ReplayEventList", "inserted"),
    "blown": QT_TRANSLATE_NOOP("ReplayEventList", "blown"),
    "intact": QT_TRANSLATE_NOOP("ReplayEventList", "intact"),
}


def state_word(state: str | None) -> str:
    """A switch state in the operator's words; None is a state nobody knew (bad quality)."""
    if state is None:
        return QCoreApplication.translate(_CONTEXT, "unknown")
    source = _STATE_WORDS.get(state)
    return QCoreApplication.translate(_CONTEXT, source) if source else state


def site_time(ts_ms: int, tz: ZoneInfo) -> str:
    """A time as the site's clock showed it; milliseconds only when the time is not on a whole second."""
    when = datetime.fromtimestamp(ts_ms / 1000, tz)
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    return text + f".{ts_ms % 1000:03d}" if ts_ms % 1000 else text


class ReplayEventList(QWidget):
    """The events of a replay window.  Signals: `jump_requested(ts ms)`, `refresh_requested()`."""

    jump_requested = Signal(object)  # int ms UTC (a Qt int is 32 bits)
    refresh_requested = Signal()

    def __init__(self, site: SiteModel, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self._devices = {d.id: (d.name, d.name_en) for d in site.devices}
        self.events: list[ReplayEvent] = []
        self.opened_alarm: int | None = None  # the alarm id the replay was opened at: bold
        self._shown: int | None = None
        self._state = "idle"  # idle | searching | failed
        self._failure = ""
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.refresh_button = QPushButton(self)
        self.refresh_button.clicked.connect(self.refresh_requested)
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        self.retranslate()

    def retranslate(self) -> None:
        """Every string of the list (again after a language switch)."""
        self.refresh_button.setText(self.tr("Search again"))
        self.tree.setHeaderLabels([self.tr("Time"), self.tr("Event")])
        self._title()
        self._fill()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _title(self) -> None:
        if self._state == "searching":
            self.title.setText(self.tr("Searching what happened…"))
        elif self._state == "failed":
            self.title.setText(self.tr("The events cannot be read: %1").replace("%1", self._failure))
        elif self.events:
            self.title.setText(self.tr("What happened in this window"))
        else:
            self.title.setText(self.tr("Nothing happened on this diagram in this window."))

    # -- content -----------------------------------------------------------------------------------

    def searching(self) -> None:
        """A search of the window's events is under way."""
        self._state = "searching"
        self._title()

    def failed(self, words: str) -> None:
        """The search failed, in words."""
        self._state, self._failure = "failed", words
        self._title()

    def set_events(self, events: list[ReplayEvent]) -> None:
        """The window's events, oldest first."""
        self._state = "idle"
        self.events = list(events)
        self._title()
        self._fill()

    def event_text(self, event: ReplayEvent) -> str:
        """One row's words."""
        if isinstance(event, SwitchChange):
            return (self.tr("%1 changed from %2 to %3")
                    .replace("%1", event.name).replace("%2", state_word(event.before))
                    .replace("%3", state_word(event.after)))  # fmt: skip
        names = self._devices.get(event.device or "")
        device = (names[0] if chinese() or not names[1] else names[1]) if names else (event.device or event.point)
        return (self.tr("Alarm %1: %2 — %3")
                .replace("%1", change_word(event.change)).replace("%2", device)
                .replace("%3", event.message_in("zh" if chinese() else "en")))  # fmt: skip

    def _fill(self) -> None:
        self.tree.clear()
        for event in self.events:
            text = self.event_text(event)
            item = QTreeWidgetItem([site_time(event.ts, self.tz)[11:], text])
            item.setToolTip(1, text)
            item.setData(0, _EVENT_TIME, event.ts)
            if isinstance(event, JournalEntry):
                level = int(event.level)
                if level in LEVEL_FILL:
                    item.setBackground(0, QBrush(LEVEL_FILL[level]))
                    item.setForeground(0, QBrush(LEVEL_TEXT[level]))
                if self.opened_alarm is not None and event.alarm_id == self.opened_alarm:
                    bold = item.font(1)
                    bold.setBold(True)
                    item.setFont(1, bold)
            self.tree.addTopLevelItem(item)
        self.mark(self._shown)

    def mark(self, shown_ms: int | None) -> None:
        """Grey the rows after the time on screen."""
        self._shown = shown_ms
        later = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        now = self.palette().color(QPalette.ColorRole.Text)
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            ts = int(item.data(0, _EVENT_TIME))
            item.setForeground(1, QBrush(later if shown_ms is not None and ts > shown_ms else now))

    def item_of(self, predicate: Callable[[ReplayEvent], bool]) -> QTreeWidgetItem | None:
        """The row of the first event that satisfies ``predicate``."""
        for i, event in enumerate(self.events):
            if predicate(event):
                return self.tree.topLevelItem(i)
        return None

    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        ts = item.data(0, _EVENT_TIME)
        if ts is not None:
            self.jump_requested.emit(int(ts))
