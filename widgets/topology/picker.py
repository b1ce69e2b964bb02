"""Pick a device or a point of the site by searching, never by typing its id.

A site has hundreds of points with ids like ``F1-01.DI1``; an engineer binding a breaker knows
"QF1-01's position contact" or "1#出线 开关量输入1", not the id.  The picker shows the site as
the person knows it — rooms, their devices, each device's points — in the console's language,
with the id and unit beside each name, and narrows it as they type (Chinese or English names,
ids; every word must match).  A state binding only accepts digital points, so the caller can
restrict the kinds; binding a symbol that stands for a device starts at that device's points.
"""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from app.sources.base import DeviceInfo, PointInfo, SiteModel
from widgets.runtime import names_language

#: Item data roles: what a row is ("room", "device", "point", "group") and its id; its search text.
ROLE_KIND = Qt.ItemDataRole.UserRole
ROLE_ID = Qt.ItemDataRole.UserRole + 1
ROLE_TEXT = Qt.ItemDataRole.UserRole + 2


def words(text: str) -> list[str]:
    """The search's words, lower case (every one must match)."""
    return text.casefold().split()


class SitePicker(QDialog):
    """A searchable tree of the site: rooms -> devices -> points; OK only on a valid choice."""

    def __init__(self, site: SiteModel, mode: str = "point", parent: QWidget | None = None,
                 kinds: Collection[str] | None = None, device: str | None = None,
                 current: str | None = None) -> None:
        super().__init__(parent)
        if mode not in ("point", "device"):
            raise ValueError(f"mode {mode!r}: expected 'point' or 'device'")
        self.site = site
        self.mode = mode
        self.kinds = frozenset(kinds) if kinds is not None else None
        self.device = device
        self.language = names_language()
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(3)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)  # fmt: skip
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.hint)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.buttons)
        self._fill()
        self.search.textChanged.connect(self.filter)
        self.search.installEventFilter(self)
        self.tree.currentItemChanged.connect(lambda *_: self._enable_ok())
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.retranslate()
        self.resize(640, 560)
        self._start(current)
        self.search.setFocus()

    # ------------------------------------------------------------ building

    def _name(self, zh: str, en: str) -> str:
        return (en or zh) if self.language == "en" else (zh or en)

    def _row(self, parent: QTreeWidget | QTreeWidgetItem, kind: str, id: str, name: str, unit: str = "",
             search: str = "") -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [name, id, unit])
        item.setData(0, ROLE_KIND, kind)
        item.setData(0, ROLE_ID, id)
        item.setData(0, ROLE_TEXT, search.casefold())
        item.setToolTip(0, name)
        if kind == "group":
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        return item

    def _device_text(self, d: DeviceInfo) -> str:
        return " ".join((d.id, d.name, d.name_en))

    def _point_row(self, parent: QTreeWidgetItem, p: PointInfo, device_text: str) -> None:
        self._row(parent, "point", p.id, self._name(p.name, p.name_en), p.unit,
                  " ".join((p.id, p.name, p.name_en, device_text)))

    def _fill(self) -> None:
        """Rooms -> devices -> points of the site, in the site's order; the starting device first."""
        site = self.site
        points_of: dict[str | None, list[PointInfo]] = {}
        for p in site.points:
            if self.kinds is None or p.kind in self.kinds:
                points_of.setdefault(p.device, []).append(p)
        rooms = list(site.rooms)
        devices = list(site.devices)
        start = next((d for d in devices if d.id == self.device), None)
        if start is not None:  # its room first, it first in its room
            rooms.sort(key=lambda r: r.id != start.room)
            devices.sort(key=lambda d: d.id != start.id)
        room_items: dict[str | None, QTreeWidgetItem] = {}
        self._no_room: QTreeWidgetItem | None = None
        for r in rooms:
            room_items[r.id] = self._row(self.tree, "room", r.id, self._name(r.name, r.name_en), "",
                                         " ".join((r.id, r.name, r.name_en)))  # fmt: skip
        self.device_items: dict[str, QTreeWidgetItem] = {}
        for d in devices:
            if self.mode == "point" and not points_of.get(d.id):
                continue  # nothing to pick there
            parent = room_items.get(d.room)
            if parent is None:
                if None not in room_items:
                    room_items[None] = self._row(self.tree, "group", "", "")
                    self._no_room = room_items[None]
                parent = room_items[None]
            device_text = self._device_text(d)
            item = self._row(parent, "device", d.id, self._name(d.name, d.name_en), "", device_text)
            self.device_items[d.id] = item
            if self.mode == "point":
                for p in points_of[d.id]:
                    self._point_row(item, p, device_text)
        self._site_group: QTreeWidgetItem | None = None
        loose = [p for device, ps in points_of.items() if device is None or device not in self.device_items
                 for p in ps]  # fmt: skip
        if self.mode == "point" and loose:  # computed points of the site (load rate, totals)
            self._site_group = self._row(self.tree, "group", "", "")
            for p in loose:
                self._point_row(self._site_group, p, "")
        for r in list(room_items.values()):
            if r.childCount() == 0:
                self.tree.invisibleRootItem().removeChild(r)
        if start is not None and start.id in self.device_items:
            item = self.device_items[start.id]
            item.setExpanded(True)
            if item.parent() is not None:
                item.parent().setExpanded(True)
        elif self.mode == "device":
            self.tree.expandAll()

    def _start(self, current: str | None) -> None:
        """Show the current choice selected (or the starting device)."""
        found = self.item(current) if current else None
        if found is None and self.device:
            found = self.device_items.get(self.device)
        if found is not None:
            parent = found.parent()
            while parent is not None:
                parent.setExpanded(True)
                parent = parent.parent()
            self.tree.setCurrentItem(found)
            self.tree.scrollToItem(found)
        self._enable_ok()

    # ------------------------------------------------------------ text

    def retranslate(self) -> None:
        """Every string of the dialog (again after a language switch)."""
        point = self.mode == "point"
        self.setWindowTitle(self.tr("Choose a point") if point else self.tr("Choose a device"))
        self.search.setPlaceholderText(self.tr("Search names or ids (Chinese or English)"))
        self.tree.setHeaderLabels([self.tr("Name"), self.tr("Id"), self.tr("Unit")])
        self.tree.setColumnHidden(2, not point)
        if point and self.kinds is not None:
            names = {"analog": self.tr("analog values"), "digital": self.tr("digital (on/off) signals"),
                     "counter": self.tr("counters (energy)")}
            shown = ", ".join(names.get(k, k) for k in sorted(self.kinds))
            self.hint.setText(self.tr("Only points of these kinds can be chosen here: %1.").replace("%1", shown))
            self.hint.show()
        else:
            self.hint.hide()
        self.empty.setText(self.tr("Nothing matches the search."))
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is self._no_room:
                item.setText(0, self.tr("Devices in no room"))
            elif item is self._site_group:
                item.setText(0, self.tr("Points of the site (calculated)"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Down in the search field goes on into the list (Enter there already chooses)."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            self.tree.setFocus()
            return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------ choosing

    def item(self, id: str) -> QTreeWidgetItem | None:
        """The row of a point (point mode) or device (device mode) by id."""
        it = QTreeWidgetItemIterator(self.tree)
        while it.value() is not None:
            row = it.value()
            if row.data(0, ROLE_KIND) == self.mode and row.data(0, ROLE_ID) == id:
                return row
            it += 1
        return None

    def filter(self, text: str) -> None:
        """Show only what matches every word (and the rooms and devices above it)."""
        wanted = words(text)
        shown = 0
        for i in range(self.tree.topLevelItemCount()):
            shown += self._filter(self.tree.topLevelItem(i), wanted)
        self.empty.setVisible(shown == 0)
        if wanted:
            self.tree.expandAll()
            current = self.tree.currentItem()
            if current is None or current.isHidden() or current.data(0, ROLE_KIND) != self.mode:
                first = self._first_choice()
                if first is not None:
                    self.tree.setCurrentItem(first)
        self._enable_ok()

    def _filter(self, item: QTreeWidgetItem, wanted: list[str]) -> int:
        """Hide rows that do not match; a parent stays when it or a child matches.  Returns rows shown."""
        text = str(item.data(0, ROLE_TEXT) or "")
        own = all(w in text for w in wanted)
        shown = 0
        for i in range(item.childCount()):
            child = item.child(i)
            if own and item.data(0, ROLE_KIND) == "device":
                child.setHidden(False)  # a device that matches shows all its points
                shown += 1
            else:
                shown += self._filter(child, wanted)
        is_choice = item.data(0, ROLE_KIND) == self.mode
        visible = shown > 0 or (own and is_choice)
        item.setHidden(not visible)
        return shown + (1 if own and is_choice else 0)

    def _first_choice(self) -> QTreeWidgetItem | None:
        it = QTreeWidgetItemIterator(self.tree)
        while it.value() is not None:
            row = it.value()
            if row.data(0, ROLE_KIND) == self.mode and not row.isHidden() and not _hidden_above(row):
                return row
            it += 1
        return None

    def chosen(self) -> str | None:
        """The chosen id, or None while the current row is not a valid choice."""
        item = self.tree.currentItem()
        if item is None or item.isHidden() or item.data(0, ROLE_KIND) != self.mode:
            return None
        return str(item.data(0, ROLE_ID))

    def _enable_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.chosen() is not None)

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(0, ROLE_KIND) == self.mode:
            self.tree.setCurrentItem(item)
            self.accept()

    def accept(self) -> None:
        """Close only on a valid choice (Enter in the search field must not close on a room)."""
        if self.chosen() is not None:
            super().accept()

    # ------------------------------------------------------------ the callers' way in

    @staticmethod
    def pick_point(site: SiteModel, parent: QWidget | None = None, kinds: Collection[str] | None = None,
                   device: str | None = None, current: str | None = None) -> str | None:
        """Ask for a point (of ``kinds`` only, when given), starting at ``device``; None when cancelled."""
        dialog = SitePicker(site, "point", parent, kinds, device, current)
        try:
            return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    @staticmethod
    def pick_device(site: SiteModel, parent: QWidget | None = None, current: str | None = None) -> str | None:
        """Ask for a device of the site; None when cancelled."""
        dialog = SitePicker(site, "device", parent, current=current)
        try:
            return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


def _hidden_above(item: QTreeWidgetItem) -> bool:
    parent = item.parent()
    while parent is not None:
        if parent.isHidden():
            return True
        parent = parent.parent()
    return False
