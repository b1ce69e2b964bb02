"""The alarm list: active and history tabs, filters, sorting and the operator's actions.

The active tab shows the console's copy of the active list (`ActiveAlarms`), updated row by
row as events arrive (a burst of more than `RESET_OVER` changes resets the model once
instead: during a flood that is cheaper than a thousand inserts).  The history tab shows
journal rows that the console asks the source for, off the GUI thread, a page at a time.
One filter bar serves both: on the active tab it filters in place (a proxy model), on the
history tab it becomes the journal query.  Shelved and suppressed alarms stay on the list in
grey italics, so they are visibly held, not gone.  The rows, cells and sorting are the model's
(`widgets.alarms.table_model`); an alarm with a camera snapshot has a mark, and "View snapshot"
(context menu, or a double-click on the mark) asks the console to open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QDateTime,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.alarms.journal import JournalEntry
from app.alarms.model import Alarm, AlarmState, JournalQuery
from app.auth import Permission
from app.sources.base import SiteModel
from app.video.snapshot_store import SnapshotInfo
from widgets.auth.permissions import allowed
from widgets.auth.permissions import current as current_permissions

from .table_model import ACTIVE_COLUMNS, HISTORY_COLUMNS, AlarmTableModel, Row
from .words import (
    chinese,
    level_word,
    local_time,
    state_word,
)

PAGE_SIZE = 500  # journal rows per history page

#: Time-range choices of the filter: (key, hours back; None: any time / custom).
TIME_RANGES = (("any", None), ("hour", 1), ("day", 24), ("week", 24 * 7), ("month", 24 * 30), ("custom", None))


@dataclass
class AlarmFilters:
    """What the filter bar asks for; every part given must match."""

    levels: frozenset[int] = frozenset({1, 2, 3, 4})
    room: str | None = None
    device: str | None = None
    states: frozenset[str] = frozenset()  # empty: any
    start: int | None = None  # ms UTC
    end: int | None = None
    text: str = ""

    def query(self, limit: int, offset: int) -> JournalQuery:
        """The journal search that means the same."""
        return JournalQuery(
            start=self.start, end=self.end, rooms=(self.room,) if self.room else (),
            devices=(self.device,) if self.device else (),
            levels=tuple(sorted(self.levels)) if len(self.levels) < 4 else (),
            states=tuple(sorted(self.states)), text=self.text or None, limit=limit, offset=offset,
        )  # fmt: skip


class SourceSorted(QSortFilterProxyModel):
    """A proxy that leaves sorting to its `AlarmTableModel` (the order it shows is the model's)."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows of the model behind."""
        model = self.sourceModel()
        if isinstance(model, AlarmTableModel):
            model.sort(column, order)


class AlarmFilter(SourceSorted):
    """The active tab's filter (levels, room, device, states, time, text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filters = AlarmFilters()

    def set_filters(self, filters: AlarmFilters) -> None:
        """Filter by ``filters`` from now on."""
        self.beginFilterChange()
        self.filters = filters
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        """Whether a row meets every filter."""
        model = self.sourceModel()
        assert isinstance(model, AlarmTableModel)
        row = model.rows[source_row]
        f = self.filters
        if int(row.level) not in f.levels:
            return False
        if f.room and row.room != f.room:
            return False
        if f.device and row.device != f.device:
            return False
        if f.states and str(row.state) not in f.states:
            return False
        ts = row.ts if isinstance(row, JournalEntry) else row.raised_at
        if (f.start is not None and ts < f.start) or (f.end is not None and ts >= f.end):
            return False
        if f.text:
            needle = f.text.casefold()
            words = (row.message, row.message_en, row.point, model.text(row, "device"), model.text(row, "comment"))
            if not any(needle in (w or "").casefold() for w in words):
                return False
        return True


class AlarmList(QWidget):
    """The alarm list pane; the console answers its requests (see the signals)."""

    acknowledge_requested = Signal(object)  # list[int]
    shelve_requested = Signal(int)
    unshelve_requested = Signal(object)  # list[int]
    trend_requested = Signal(str)
    record_requested = Signal(int)  # alarm id: open its fault record
    snapshot_requested = Signal(int)  # alarm id: view the pictures its cameras gave
    replay_requested = Signal(object)  # the Alarm or JournalEntry: replay its diagram at its raise time
    history_requested = Signal(object)  # JournalQuery
    export_requested = Signal(str, object, str, str)  # path, rows shown, title, filters in words

    def __init__(self, site: SiteModel, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.site = site
        self.tz = tz
        self._rooms = {r.id: (r.name, r.name_en) for r in site.rooms}
        self._devices = {d.id: (d.name, d.name_en) for d in site.devices}
        self._cameras = {c.id: (c.name, c.name_en) for c in site.cameras}
        self._page = 0
        self._more = False

        self.active_model = AlarmTableModel(ACTIVE_COLUMNS, tz, self.name, self)
        self.active_proxy = AlarmFilter(self)
        self.active_proxy.setSourceModel(self.active_model)
        self.history_model = AlarmTableModel(HISTORY_COLUMNS, tz, self.name, self)
        self.history_proxy = SourceSorted(self)  # the query did the filtering
        self.history_proxy.setSourceModel(self.history_model)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._filter_bar())
        self.tabs = QTabWidget(self)
        self.active_view = self._table(self.active_proxy)
        self.history_view = self._table(self.history_proxy)
        history_page = QWidget(self)
        hl = QVBoxLayout(history_page)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(self.history_view, 1)
        pager = QHBoxLayout()
        self.newer_button = QPushButton(history_page)
        self.newer_button.clicked.connect(lambda: self._turn(-1))
        self.older_button = QPushButton(history_page)
        self.older_button.clicked.connect(lambda: self._turn(1))
        self.page_label = QLabel(history_page)
        self.refresh_button = QPushButton(history_page)
        self.refresh_button.clicked.connect(lambda: self.query_history(self._page))
        pager.addWidget(self.refresh_button)
        pager.addStretch(1)
        pager.addWidget(self.newer_button)
        pager.addWidget(self.page_label)
        pager.addWidget(self.older_button)
        hl.addLayout(pager)
        self.tabs.addTab(self.active_view, "")
        self.tabs.addTab(history_page, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self._action_bar())
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self._query_timer = QTimer(self)  # typing in the filter asks the journal once, not per key
        self._query_timer.setSingleShot(True)
        self._query_timer.setInterval(300)
        self._query_timer.timeout.connect(lambda: self.query_history(0))
        self.retranslate()
        self._filters_changed()
        permissions = current_permissions()
        if permissions is not None:  # a console with logins: follow who is signed in
            permissions.changed.connect(self._update_buttons)

    # -- building ---------------------------------------------------------------------------------

    def name(self, kind: str, ident: str | None) -> str:
        """A room's or device's name in the console's language (its id when unknown)."""
        if not ident:
            return ""
        names = {"room": self._rooms, "camera": self._cameras}.get(kind, self._devices).get(ident)
        if names is None:
            return ident
        zh, en = names
        return zh if chinese() or not en else en

    def _table(self, model: QSortFilterProxyModel) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        view.setWordWrap(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = {"time": 150, "level": 90, "snapshot": 64, "state": 150, "change": 100, "room": 110, "device": 170,
                  "point": 140, "message": 320, "value": 70, "user": 90}  # fmt: skip
        source = model.sourceModel()
        assert isinstance(source, AlarmTableModel)
        for i, key in enumerate(source.columns):
            if key in widths:
                view.setColumnWidth(i, widths[key])
        view.doubleClicked.connect(self._double_clicked)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(lambda pos, v=view: self._context_menu(v, pos))
        view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        return view

    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.level_boxes: dict[int, QCheckBox] = {}
        for level in (1, 2, 3, 4):
            box = QCheckBox(self)
            box.setChecked(True)
            box.toggled.connect(self._filters_changed)
            self.level_boxes[level] = box
            bar.addWidget(box)
        self.room_combo = QComboBox(self)
        self.device_combo = QComboBox(self)
        self.state_combo = QComboBox(self)
        self.time_combo = QComboBox(self)
        for combo in (self.room_combo, self.device_combo, self.state_combo, self.time_combo):
            combo.currentIndexChanged.connect(self._filters_changed)
            bar.addWidget(combo)
        now = QDateTime.currentDateTime()
        self.from_edit = QDateTimeEdit(now.addDays(-1), self)
        self.to_edit = QDateTimeEdit(now, self)
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
            edit.dateTimeChanged.connect(self._filters_changed)
            edit.hide()
            bar.addWidget(edit)
        self.text_edit = QLineEdit(self)
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.textChanged.connect(self._filters_changed)
        bar.addWidget(self.text_edit, 1)
        return bar

    def _action_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.ack_button = QPushButton(self)
        self.ack_button.clicked.connect(self._acknowledge)
        self.shelve_button = QPushButton(self)
        self.shelve_button.clicked.connect(self._shelve)
        self.unshelve_button = QPushButton(self)
        self.unshelve_button.clicked.connect(self._unshelve)
        self.trend_button = QPushButton(self)
        self.trend_button.clicked.connect(self._trend)
        self.record_button = QPushButton(self)
        self.record_button.clicked.connect(self._record)
        self.replay_button = QPushButton(self)
        self.replay_button.clicked.connect(self._replay)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self._ask_export)
        for b in (self.ack_button, self.shelve_button, self.unshelve_button, self.trend_button, self.record_button,
                  self.replay_button):  # fmt: skip
            bar.addWidget(b)
        bar.addStretch(1)
        self.count_label = QLabel(self)
        bar.addWidget(self.count_label)
        bar.addWidget(self.export_button)
        return bar

    # -- language ---------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text again (language switch)."""
        for level, box in self.level_boxes.items():
            box.setText(level_word(level))
        self._fill_combo(self.room_combo, self.tr("All rooms"),
                         [(r.id, self.name("room", r.id)) for r in self.site.rooms])  # fmt: skip
        self._fill_combo(self.device_combo, self.tr("All devices"),
                         [(d.id, self.name("device", d.id)) for d in self.site.devices])  # fmt: skip
        states = [(s.value, state_word(s)) for s in AlarmState]
        self._fill_combo(self.state_combo, self.tr("Any state"), states)
        times = {
            "any": self.tr("Any time"), "hour": self.tr("Last hour"), "day": self.tr("Last 24 hours"),
            "week": self.tr("Last 7 days"), "month": self.tr("Last 30 days"), "custom": self.tr("From … to …"),
        }  # fmt: skip
        self._fill_combo(self.time_combo, None, [(k, times[k]) for k, _ in TIME_RANGES])
        self.text_edit.setPlaceholderText(self.tr("Text in message, point, device or comment"))
        self.tabs.setTabText(0, self.tr("Active"))
        self.tabs.setTabText(1, self.tr("History"))
        self.ack_button.setText(self.tr("Acknowledge…"))
        self.shelve_button.setText(self.tr("Shelve…"))
        self.unshelve_button.setText(self.tr("Unshelve"))
        self.trend_button.setText(self.tr("Trend"))
        self.record_button.setText(self.tr("Fault record"))
        self.replay_button.setText(self.tr("Replay the diagram"))
        self.export_button.setText(self.tr("Export to Excel…"))
        self.newer_button.setText(self.tr("◀ Newer"))
        self.older_button.setText(self.tr("Older ▶"))
        self.refresh_button.setText(self.tr("Search again"))
        for model in (self.active_model, self.history_model):
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
            if model.rowCount():
                model.dataChanged.emit(model.index(0, 0), model.index(model.rowCount() - 1, model.columnCount() - 1))
        self._show_page()
        self._update_buttons()
        self._update_count()

    @staticmethod
    def _fill_combo(combo: QComboBox, everything: str | None, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        if everything is not None:
            combo.addItem(everything, None)
        for key, text in items:
            combo.addItem(text, key)
        i = combo.findData(current)
        combo.setCurrentIndex(max(i, 0))
        combo.blockSignals(False)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- filters and history ----------------------------------------------------------------------

    def filters(self) -> AlarmFilters:
        """What the filter bar asks for now."""
        key = self.time_combo.currentData()
        custom = key == "custom"
        self.from_edit.setVisible(custom)
        self.to_edit.setVisible(custom)
        start = end = None
        hours = dict(TIME_RANGES).get(key)
        if hours is not None:
            start = int((datetime.now().timestamp() - hours * 3600) * 1000)
        elif custom:
            start = self.from_edit.dateTime().toMSecsSinceEpoch()
            end = self.to_edit.dateTime().toMSecsSinceEpoch()
        state = self.state_combo.currentData()
        return AlarmFilters(
            levels=frozenset(lv for lv, box in self.level_boxes.items() if box.isChecked()),
            room=self.room_combo.currentData(), device=self.device_combo.currentData(),
            states=frozenset({state}) if state else frozenset(), start=start, end=end,
            text=self.text_edit.text().strip(),
        )  # fmt: skip

    def filters_words(self) -> str:
        """The filters in words, for the export's title block."""
        parts = []
        f = self.filters()
        if len(f.levels) < 4:
            parts.append(self.tr("levels %1").replace("%1", ", ".join(level_word(lv) for lv in sorted(f.levels))))
        for combo in (self.room_combo, self.device_combo, self.state_combo):
            if combo.currentData():
                parts.append(combo.currentText())
        if f.start is not None or f.end is not None:
            parts.append(f"{local_time(f.start, self.tz) or '…'} – {local_time(f.end, self.tz) or '…'}")
        if f.text:
            parts.append(f"“{f.text}”")
        return "; ".join(parts) or self.tr("no filter")

    def _filters_changed(self, *_args: object) -> None:
        self.active_proxy.set_filters(self.filters())
        self._update_count()
        if self.tabs.currentIndex() == 1:
            self._query_timer.start()

    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.query_history(0)
        self._update_buttons()
        self._update_count()

    def query_history(self, page: int = 0) -> None:
        """Ask the journal for page ``page`` (0: newest) of what the filters say."""
        self._page = max(0, page)
        query = self.filters().query(PAGE_SIZE + 1, self._page * PAGE_SIZE)
        self.status.setText(self.tr("Searching the journal…"))
        self.history_requested.emit(query)

    def show_history(self, entries: list[JournalEntry]) -> None:
        """The journal's answer to the last query."""
        self._more = len(entries) > PAGE_SIZE
        self.history_model.set_rows(entries[:PAGE_SIZE])
        self.status.setText("")
        self._show_page()
        self._update_count()

    def history_failed(self, words: str) -> None:
        """The journal could not be searched."""
        self.status.setText(self.tr("The journal could not be searched: %1").replace("%1", words))

    def _turn(self, step: int) -> None:
        self.query_history(self._page + step)

    def _show_page(self) -> None:
        self.page_label.setText(self.tr("Page %1").replace("%1", str(self._page + 1)))
        self.newer_button.setEnabled(self._page > 0)
        self.older_button.setEnabled(self._more)

    def _update_count(self) -> None:
        if self.tabs.currentIndex() == 0:
            shown, total = self.active_proxy.rowCount(), self.active_model.rowCount()
            self.count_label.setText(self.tr("%1 of %2 shown").replace("%1", str(shown)).replace("%2", str(total)))
        else:
            self.count_label.setText(self.tr("%n journal rows", None, self.history_model.rowCount()))

    # -- the active tab ---------------------------------------------------------------------------

    def apply(self, ids: set[int], alarms: dict[int, Alarm]) -> None:
        """Follow the active list."""
        self.active_model.apply(ids, alarms)
        self._update_count()
        self._update_buttons()

    # -- selection and actions --------------------------------------------------------------------

    def current_view(self) -> QTableView:
        """The table of the tab shown."""
        return self.active_view if self.tabs.currentIndex() == 0 else self.history_view

    def selected_rows(self) -> list[Row]:
        """The rows selected in the tab shown, top to bottom."""
        view = self.current_view()
        proxy = view.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        source = proxy.sourceModel()
        assert isinstance(source, AlarmTableModel)
        rows = sorted({i.row() for i in view.selectionModel().selectedRows()})
        return [source.rows[proxy.mapToSource(proxy.index(r, 0)).row()] for r in rows]

    def shown_rows(self) -> list[Row]:
        """Every row the tab shown holds, in the order shown (what an export writes)."""
        proxy = self.current_view().model()
        assert isinstance(proxy, QSortFilterProxyModel)
        source = proxy.sourceModel()
        assert isinstance(source, AlarmTableModel)
        return [source.rows[proxy.mapToSource(proxy.index(r, 0)).row()] for r in range(proxy.rowCount())]

    @staticmethod
    def _alarm_id(row: Row) -> int:
        return row.alarm_id if isinstance(row, JournalEntry) else row.id

    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        active = self.tabs.currentIndex() == 0
        alarms = [r for r in rows if isinstance(r, Alarm)]
        # Greyed as well when the signed-in user may not (in the alarm's room), or the console is locked.
        self.ack_button.setEnabled(any(a.state.needs_ack and allowed(Permission.ACKNOWLEDGE, a.room) for a in alarms))
        self.shelve_button.setEnabled(active and len(alarms) == 1 and alarms[0].state is not AlarmState.SHELVED
                                      and allowed(Permission.SHELVE, alarms[0].room))
        self.unshelve_button.setEnabled(any(a.state is AlarmState.SHELVED and allowed(Permission.SHELVE, a.room)
                                            for a in alarms))
        self.trend_button.setEnabled(len(rows) >= 1)
        self.record_button.setEnabled(len(rows) == 1)
        self.replay_button.setEnabled(len(rows) == 1)

    def _acknowledge(self) -> None:
        ids = [r.id for r in self.selected_rows() if isinstance(r, Alarm) and r.state.needs_ack]
        if ids:
            self.acknowledge_requested.emit(ids)

    def _shelve(self) -> None:
        rows = [r for r in self.selected_rows() if isinstance(r, Alarm)]
        if len(rows) == 1:
            self.shelve_requested.emit(rows[0].id)

    def _unshelve(self) -> None:
        ids = [r.id for r in self.selected_rows() if isinstance(r, Alarm) and r.state is AlarmState.SHELVED]
        if ids:
            self.unshelve_requested.emit(ids)

    def _trend(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.trend_requested.emit(rows[0].point)

    # -- snapshots ---------------------------------------------------------------------------------

    def use_snapshots(self, lookup: Callable[[int], list[SnapshotInfo]]) -> None:
        """Where the marks come from: the snapshots known for an alarm id (`SnapshotMarks.of`)."""
        self.active_model.snapshots = self.history_model.snapshots = lookup

    def snapshots_changed(self, alarm_ids: set[int]) -> None:
        """The marks of these alarms changed."""
        self.active_model.refresh_snapshots(alarm_ids)
        self.history_model.refresh_snapshots(alarm_ids)

    def _double_clicked(self, index: QModelIndex) -> None:
        """On the snapshot mark: view the snapshot; elsewhere: the trend, as before."""
        model = index.model()
        source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else None
        if isinstance(source, AlarmTableModel) and source.columns[index.column()] == "snapshot":
            row = source.rows[model.mapToSource(index).row()]  # type: ignore[union-attr]
            if source.snapshots(self._alarm_id(row)):
                self.snapshot_requested.emit(self._alarm_id(row))
                return
        self._trend()

    def _context_menu(self, view: QTableView, pos: QPoint) -> QMenu | None:
        """View snapshot, Trend, Fault record for the row under the pointer."""
        index = view.indexAt(pos)
        if not index.isValid():
            return None
        if not view.selectionModel().isRowSelected(index.row(), index.parent()):
            view.selectRow(index.row())
        rows = self.selected_rows()
        if not rows:
            return None
        alarm_id = self._alarm_id(rows[0])
        menu = QMenu(self)
        snapshot = menu.addAction(self.tr("View snapshot"))
        snapshot.setEnabled(bool(self.active_model.snapshots(alarm_id)))
        snapshot.triggered.connect(lambda: self.snapshot_requested.emit(alarm_id))
        menu.addAction(self.tr("Trend"), self._trend)
        menu.addAction(self.tr("Fault record"), self._record)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.context_menu = menu  # tests find it here
        menu.popup(view.viewport().mapToGlobal(pos))
        return menu

    def _record(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.record_requested.emit(self._alarm_id(rows[0]))

    def _replay(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.replay_requested.emit(rows[0])

    def _ask_export(self) -> None:
        stamp = datetime.now(self.tz).strftime("%Y%m%d-%H%M")
        title = self.tr("Active alarms") if self.tabs.currentIndex() == 0 else self.tr("Alarm history")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export alarms"), f"alarms-{stamp}.xlsx",
                                              self.tr("Excel workbook (*.xlsx)"))  # fmt: skip
        if path:
            self.export(path, title)

    def export(self, path: str, title: str | None = None) -> None:
        """Export exactly the rows shown (in their order) to ``path``; the console writes it off the GUI thread."""
        if title is None:
            title = self.tr("Active alarms") if self.tabs.currentIndex() == 0 else self.tr("Alarm history")
        self.export_requested.emit(path, self.shown_rows(), title, self.filters_words())
