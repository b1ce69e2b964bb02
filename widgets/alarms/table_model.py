"""The alarm list's table model: rows of alarms or journal entries, their cells, colours and sorting.

Split from `widgets.alarms.table` (the list pane: filters, tabs, actions), which shows two of
these: the active tab's, following the console's active list row by row, and the history tab's,
one journal page at a time.  Sorting is done here on the rows, one key per row (a proxy calling
back into Python for every comparison cost ~180 ms a delivery during a flood).  The snapshot
column shows the camera mark of `widgets.alarms.snapshots`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QWidget,
)

from app.alarms.journal import JournalEntry
from app.alarms.model import Alarm, AlarmState
from app.video.snapshot_store import SnapshotInfo

from .snapshots import mark_icon, mark_tooltip
from .words import (
    HELD_COLOUR,
    LEVEL_FILL,
    LEVEL_TEXT,
    change_word,
    chinese,
    level_word,
    local_time,
    state_word,
    value_text,
)
from .words import message as alarm_message

RESET_OVER = 50  # changes in one delivery above which the active model resets instead of row updates

Row = Alarm | JournalEntry

# Column keys; the header words are in `AlarmTableModel.header`.
ACTIVE_COLUMNS = ("time", "level", "snapshot", "state", "room", "device", "point", "message", "value", "user",
                  "comment")  # fmt: skip
HISTORY_COLUMNS = ("time", "level", "snapshot", "change", "state", "room", "device", "point", "message", "value",
                   "user", "comment")  # fmt: skip



_BRUSHES: dict[int, QBrush] = {}
_FONTS: dict[str, QFont] = {}


def _brush(colour: QColor) -> QBrush:
    """One brush per colour: a view asks for every visible cell on every repaint."""
    brush = _BRUSHES.get(colour.rgba())
    if brush is None:
        brush = _BRUSHES[colour.rgba()] = QBrush(colour)
    return brush


def _font(style: str) -> QFont:
    """The bold (unacknowledged) or italic (shelved, suppressed) font, made once."""
    font = _FONTS.get(style)
    if font is None:
        font = _FONTS[style] = QFont()
        font.setBold(style == "bold")
        font.setItalic(style == "italic")
    return font


def _row_level(row: Row) -> int:
    return int(row.level)


class AlarmTableModel(QAbstractTableModel):
    """Rows of alarms (active tab) or journal entries (history tab)."""

    def __init__(
        self,
        columns: tuple[str, ...],
        tz: ZoneInfo,
        names: Callable[[str, str | None], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = columns
        self.tz = tz
        self.names = names  # ("room"|"device", id) -> name in the console's language
        self.snapshots: Callable[[int], list[SnapshotInfo]] = lambda _alarm_id: []  # the marks (AlarmList sets it)
        self.rows: list[Row] = []
        self._index: dict[int, int] = {}  # alarm id -> row (active tab only)
        self.sort_column = 0
        self.sort_order = Qt.SortOrder.DescendingOrder

    # -- filling ----------------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = self._ordered(rows)
        self._reindex()
        self.endResetModel()

    # Sorting is done here, on the rows, with one key per row: a proxy would call back into Python
    # for every comparison (a flood of a thousand alarms cost ~180 ms a delivery that way).

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by ``column`` (the views' header clicks end up here)."""
        self.sort_column, self.sort_order = column, order
        self._resort()

    def _ordered(self, rows: Iterable[Row]) -> list[Row]:
        key = self.columns[self.sort_column] if 0 <= self.sort_column < len(self.columns) else "time"

        def sort_key(row: Row) -> tuple[object, int]:
            return self._sort_key(row, key), (row.ts if isinstance(row, JournalEntry) else row.raised_at)

        return sorted(rows, key=sort_key, reverse=self.sort_order == Qt.SortOrder.DescendingOrder)

    def _resort(self) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        held = [self.rows[i.row()] for i in before]
        self.rows = self._ordered(self.rows)
        self._reindex()
        where = {id(r): n for n, r in enumerate(self.rows)}
        self.changePersistentIndexList(before, [self.index(where[id(r)], i.column()) for r, i in zip(held, before,
                                                                                                      strict=True)])
        self.layoutChanged.emit()

    def _reindex(self) -> None:
        self._index = {r.id: i for i, r in enumerate(self.rows) if isinstance(r, Alarm)}

    def apply(self, ids: set[int], alarms: dict[int, Alarm]) -> None:
        """Follow the active list: ``ids`` changed, ``alarms`` is the list now."""
        if len(ids) > RESET_OVER:
            self.set_rows(sorted(alarms.values(), key=lambda a: -a.raised_at))
            return
        gone = sorted((self._index[i] for i in ids if i not in alarms and i in self._index), reverse=True)
        for row in gone:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()
        if gone:
            self._reindex()
        last = len(self.columns) - 1
        new = []
        moved = False
        for i in ids:
            alarm = alarms.get(i)
            if alarm is None:
                continue
            row = self._index.get(i)
            if row is None:
                new.append(alarm)
            else:
                self.rows[row] = alarm
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
                moved = moved or self.sort_column != 0  # a state or comment may move a row
        if new:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            self.rows.extend(new)
            for k, alarm in enumerate(new):
                self._index[alarm.id] = start + k
            self.endInsertRows()
        if new or moved:
            self._resort()

    # -- Qt's model interface --------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Rows under the root (a flat table)."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """The columns of this tab."""
        return 0 if parent.isValid() else len(self.columns)

    def header(self, key: str) -> str:
        """A column's heading in the console's language."""
        words = {
            "time": self.tr("Time"), "level": self.tr("Level"), "state": self.tr("State"),
            "change": self.tr("Change"), "room": self.tr("Room"), "device": self.tr("Device"),
            "point": self.tr("Point"), "message": self.tr("Message"), "value": self.tr("Value"),
            "user": self.tr("User"), "comment": self.tr("Comment / reason"), "snapshot": self.tr("Snapshot"),
        }  # fmt: skip
        return words[key]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        """Column headings."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.header(self.columns[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Text, sort key, colours and tooltips of a cell."""
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, key)
        if key == "snapshot":
            return self._snapshot_mark(row, role)
        held = held_row(row)
        if role == Qt.ItemDataRole.BackgroundRole and key == "level":
            return _brush(LEVEL_FILL.get(_row_level(row), HELD_COLOUR))
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "level":
                return _brush(LEVEL_TEXT.get(_row_level(row), HELD_COLOUR))
            if held:
                return _brush(HELD_COLOUR)
            return None
        if role == Qt.ItemDataRole.FontRole:
            if held:
                return _font("italic")
            if isinstance(row, Alarm) and row.state.needs_ack:
                return _font("bold")
            return None
        if role == Qt.ItemDataRole.ToolTipRole and key in ("message", "comment", "state"):
            return self.text(row, key) or None
        return None

    def text(self, row: Row, key: str) -> str:
        """What a cell shows."""
        if key == "time":
            return local_time(row.ts if isinstance(row, JournalEntry) else row.raised_at, self.tz)
        if key == "level":
            return f"{int(row.level)} {level_word(int(row.level))}"
        if key == "state":
            words = state_word(row.state)
            if isinstance(row, Alarm) and row.state is AlarmState.SHELVED and row.shelved_until:
                words += " " + self.tr("until %1").replace("%1", local_time(row.shelved_until, self.tz))
            return words
        if key == "change":
            return change_word(row.change) if isinstance(row, JournalEntry) else ""
        if key == "room":
            return self.names("room", row.room)
        if key == "device":
            return self.names("device", row.device)
        if key == "point":
            return row.point
        if key == "message":
            if isinstance(row, JournalEntry):
                return row.message_in("zh" if chinese() else "en")
            return alarm_message(row)
        if key == "value":
            return value_text(row.value)
        if key == "user":
            return (row.user if isinstance(row, JournalEntry) else row.acked_by) or ""
        if key == "comment":
            if isinstance(row, JournalEntry):
                return row.comment or ""
            if row.state is AlarmState.SHELVED:
                return row.shelve_reason or ""
            if row.state is AlarmState.SUPPRESSED:
                return self.tr("suppressed by %1").replace("%1", row.suppressed_by or "?")
            return row.ack_comment or ""
        return ""

    def _snapshot_mark(self, row: Row, role: int) -> object:
        """The camera mark of an alarm with snapshots (grey when no camera gave a picture) and its tooltip."""
        shots = self.snapshots(_alarm_id(row))
        if not shots:
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return mark_icon(any(s.has_picture for s in shots))
        if role == Qt.ItemDataRole.ToolTipRole:
            return mark_tooltip(shots, lambda camera: self.names("camera", camera))
        return None

    def refresh_snapshots(self, alarm_ids: set[int]) -> None:
        """The marks of these alarms changed: repaint their snapshot cells."""
        if "snapshot" not in self.columns:
            return
        column = self.columns.index("snapshot")
        for i, row in enumerate(self.rows):
            if _alarm_id(row) in alarm_ids:
                cell = self.index(i, column)
                self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole])

    def _sort_key(self, row: Row, key: str) -> object:
        if key == "time":
            return row.ts if isinstance(row, JournalEntry) else row.raised_at
        if key == "level":
            return int(row.level)
        if key == "value":
            return row.value if row.value is not None else float("-inf")
        if key == "snapshot":
            shots = self.snapshots(_alarm_id(row))
            return (any(s.has_picture for s in shots), bool(shots))
        return self.text(row, key)


def _alarm_id(row: Row) -> int:
    return row.alarm_id if isinstance(row, JournalEntry) else row.id


def held_row(row: Row) -> bool:
    """Shelved or suppressed: shown in grey italics, held out of the way."""
    return row.state in (AlarmState.SHELVED, AlarmState.SUPPRESSED)
