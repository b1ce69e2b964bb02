"""The device browser: the whole plant as a tree, every point with its live value.

An engineer looks here to answer "does this meter answer, and what does it read?", so the tree
mirrors the field (site → rooms → gateways → devices → points) and every row says whether its
value can be trusted.  A thousand points change ten times a second: the tree is built once and
a batch of samples only emits ``dataChanged`` for the rows whose value, quality or time moved —
nothing is rebuilt, so selection, expansion and scrolling survive.  Filtering goes through a
recursive `QSortFilterProxyModel`, which keeps the parents of a match visible.
"""

from __future__ import annotations

import ctypes
import math
import sys
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.model import Quality, Sample
from app.sources.base import SiteModel
from widgets.runtime import names_language

POINTS_MIME = "application/x-switchroom-points"
#: Dragged devices (their ids, one a line): the video grid shows a device's first linked camera.
DEVICES_MIME = "application/x-switchroom-devices"

_TOP = QModelIndex()  # the invisible root, as a default argument

COL_NAME, COL_VALUE, COL_UNIT, COL_QUALITY, COL_TIME = range(5)
_COLUMNS = 5

# Colours that mean something (the same words in the overview): never decoration.
GOOD_COLOUR = QColor("#2e7d32")
STALE_COLOUR = QColor("#8a8a8a")
COMM_FAIL_COLOUR = QColor("#c62828")
BAD_VALUE_COLOUR = QColor("#e65100")

# Decimals shown per unit; what an operator reads on the meter's own display.
_DECIMALS = {"V": 1, "A": 1, "kW": 2, "kvar": 2, "kVA": 2, "kWh": 1, "kvarh": 1, "Hz": 2, "%": 1, "°C": 1,
             "%RH": 1, "": 3}  # fmt: skip


class _Probe(QObject):
    ping = Signal()


def _emit_loses_true() -> bool:
    """Whether this PySide6 drops a reference to ``True`` on each ``SignalInstance.emit``.

    PySide6 6.12.0 returns the borrowed ``Py_True`` from ``emit``; on CPython 3.11 (where
    ``True`` is not immortal) every emit lowers its count by one until the interpreter aborts
    with "bool_dealloc: deallocating True".  Measured once, so a fixed PySide costs nothing.
    """
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(16):
        probe.ping.emit()
    return before - sys.getrefcount(True) >= 12


_LOSES_TRUE = _emit_loses_true()


def emit(signal: object, *args: object) -> None:
    """``signal.emit(*args)``, giving back the reference to ``True`` a broken PySide takes."""
    signal.emit(*args)  # type: ignore[attr-defined]
    if _LOSES_TRUE:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))


def format_value(value: float, unit: str, kind: str) -> str:
    """A sample's value as text: digital as 0/1, counters and analogues with the unit's decimals."""
    if not math.isfinite(value):
        return "—"
    if kind == "digital":
        return "1" if value else "0"
    return f"{value:.{_DECIMALS.get(unit, 2)}f}"


def _dot(colour: QColor, cross: bool = False) -> QIcon:
    """A small filled circle (with a cross for comm_fail, so colour is not the only cue)."""
    pix = QPixmap(12, 12)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawEllipse(1, 1, 10, 10)
    if cross:
        p.setPen(QColor("white"))
        p.drawLine(4, 4, 8, 8)
        p.drawLine(8, 4, 4, 8)
    p.end()
    return QIcon(pix)


class _Node:
    """One row of the tree: the site, a room, a gateway, a device, a point, or a group of derived points."""

    __slots__ = ("children", "device", "id", "kind", "name_en", "name_zh", "number", "parent", "point_kind",
                 "row", "sample", "state", "unit")  # fmt: skip

    def __init__(self, kind: str, id_: str, name_zh: str, name_en: str, parent: _Node | None) -> None:
        self.kind = kind
        self.id = id_
        self.name_zh = name_zh
        self.name_en = name_en or id_ or name_zh
        self.parent = parent
        self.children: list[_Node] = []
        self.row = 0
        self.unit = ""
        self.point_kind = ""
        self.sample: Sample | None = None
        self.state = ""  # gateways: online/offline; devices: ok/comm_fail/unknown
        self.device: _Node | None = None
        self.number = 0  # the index's internal id: no raw Python pointers inside Qt's indexes
        if parent is not None:
            self.row = len(parent.children)
            parent.children.append(self)

    def is_problem(self) -> bool:
        """A row the "problems only" toggle keeps: bad quality, an offline gateway, a silent device."""
        if self.kind == "point":
            return self.sample is not None and self.sample.quality is not Quality.GOOD
        return self.state in ("offline", "comm_fail")


class DeviceTreeModel(QAbstractItemModel):
    """The plant's tree with live values; ``update`` touches only the rows that changed."""

    def __init__(self, site: SiteModel, parent: QObject | None = None, *, lang: str = "zh") -> None:
        super().__init__(parent)
        self.lang = lang
        self.tz = ZoneInfo(site.timezone)
        self.root = _Node("root", "", "", "", None)
        self._nodes: list[_Node] = [self.root]
        self.points: dict[str, _Node] = {}
        self.gateways: dict[str, _Node] = {}
        self.devices: dict[str, _Node] = {}
        # Devices a camera watches: they drag (as DEVICES_MIME) onto the video grid.
        self.watched = {device for camera in site.cameras for device in camera.devices}
        # Numbers of the rows whose children a view shows (expanded); None: all of them.  Values
        # of folded points are kept but not signalled: a view asks for them when it unfolds.
        self.shown: set[int] | None = None
        self._build(site)
        self._icons: dict[str, QIcon] = {}

    # -- structure ----------------------------------------------------------------------------

    def _build(self, site: SiteModel) -> None:
        site_node = self._add("site", "", site.name, site.name_en, self.root)
        rooms = {r.id: self._add("room", r.id, r.name, r.name_en, site_node) for r in site.rooms}
        for g in site.gateways:
            node = self._add("gateway", g.id, g.name, "", rooms.get(g.room or "", site_node))  # English: its id
            node.state = g.state
            self.gateways[g.id] = node
        for d in site.devices:
            parent = self.gateways.get(d.gateway, site_node)
            node = self._add("device", d.id, d.name, d.name_en, parent)
            node.state = d.state
            self.devices[d.id] = node
        derived: _Node | None = None
        for p in site.points:
            owner = self.devices.get(p.device or "")
            if owner is None:
                if derived is None:
                    derived = self._add("group", "", "", "", site_node)  # named by tr() when shown
                owner = derived
            node = self._add("point", p.id, p.name, p.name_en, owner)
            node.unit = p.unit
            node.point_kind = p.kind
            node.device = owner if owner.kind == "device" else None
            self.points[p.id] = node

    def _add(self, kind: str, id_: str, name_zh: str, name_en: str, parent: _Node) -> _Node:
        node = _Node(kind, id_, name_zh, name_en, parent)
        node.number = len(self._nodes)
        self._nodes.append(node)
        return node

    def node(self, index: QModelIndex | QPersistentModelIndex) -> _Node:
        """The row behind a (source) index; the invisible root for an invalid one."""
        return self._nodes[index.internalId()] if index.isValid() else self.root

    def index_of(self, node: _Node, column: int = COL_NAME) -> QModelIndex:
        """The index of ``node`` in ``column``."""
        if node is self.root:
            return QModelIndex()
        return self.createIndex(node.row, column, node.number)

    # -- QAbstractItemModel ---------------------------------------------------------------------

    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = _TOP) -> QModelIndex:
        owner = self.node(parent)
        if 0 <= row < len(owner.children) and 0 <= column < _COLUMNS:
            return self.createIndex(row, column, owner.children[row].number)
        return QModelIndex()

    def parent(self, index: QModelIndex | QPersistentModelIndex = _TOP) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        owner = self.node(index).parent
        if owner is None or owner is self.root:
            return QModelIndex()
        return self.createIndex(owner.row, 0, owner.number)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> int:  # noqa: N802 - Qt's name
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> int:  # noqa: N802 - Qt's name
        return _COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802 - Qt's name
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            titles = (self.tr("Name"), self.tr("Value"), self.tr("Unit"), self.tr("Quality"), self.tr("Last update"))
            return titles[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == COL_VALUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        node = self.node(index)
        if node.kind == "point" or (node.kind == "device" and node.id in self.watched):
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self.node(index)
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(node, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.id or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_VALUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self._colour(node, col)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.FontRole:
            return self._font(node)
        if role == Qt.ItemDataRole.DecorationRole and col == COL_QUALITY:
            return self._icon(node)
        if role == Qt.ItemDataRole.UserRole:
            return node.id
        return None

    def _text(self, node: _Node, col: int) -> str | None:
        if col == COL_NAME:
            if node.kind == "group":
                return self.tr("Calculated points")
            name = node.name_zh if self.lang.startswith("zh") else node.name_en
            if node.kind in ("gateway", "device") and name != node.id:
                return f"{name} ({node.id})"
            return name
        if node.kind == "point":
            s = node.sample
            if col == COL_UNIT:
                return node.unit
            if s is None:
                return None
            if col == COL_VALUE:
                return format_value(s.value, node.unit, node.point_kind)
            if col == COL_QUALITY:
                return self._quality_word(s.quality)
            if col == COL_TIME:
                return datetime.fromtimestamp(s.ts / 1000, self.tz).strftime("%H:%M:%S")
            return None
        if col == COL_QUALITY and node.state:
            return self._state_word(node.state)
        return None

    def _quality_word(self, quality: Quality) -> str:
        return {
            Quality.GOOD: self.tr("good"),
            Quality.STALE: self.tr("stale"),
            Quality.COMM_FAIL: self.tr("comm fail"),
            Quality.BAD_VALUE: self.tr("bad value"),
        }[quality]

    def _state_word(self, state: str) -> str:
        words = {"online": self.tr("online"), "offline": self.tr("offline"), "ok": self.tr("ok"),
                 "comm_fail": self.tr("comm fail"), "unknown": self.tr("no data yet")}  # fmt: skip
        return words.get(state, state)

    @staticmethod
    def _colour(node: _Node, col: int) -> QColor | None:
        if node.kind == "point":
            q = node.sample.quality if node.sample is not None else None
            if q is Quality.STALE or q is Quality.COMM_FAIL:
                return COMM_FAIL_COLOUR if (q is Quality.COMM_FAIL and col == COL_QUALITY) else STALE_COLOUR
            if q is Quality.BAD_VALUE:
                return BAD_VALUE_COLOUR
            return None
        if col != COL_QUALITY:
            return None
        if node.state in ("online", "ok"):
            return GOOD_COLOUR
        if node.state in ("offline", "comm_fail"):
            return COMM_FAIL_COLOUR
        return STALE_COLOUR if node.state else None

    @staticmethod
    def _font(node: _Node) -> QFont | None:
        if node.kind in ("site", "room", "gateway", "device", "group"):
            font = QFont()
            font.setBold(node.kind != "device")
            return font
        if node.sample is not None and node.sample.quality is Quality.STALE:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def _icon(self, node: _Node) -> QIcon | None:
        if node.kind == "point":
            key = node.sample.quality.word if node.sample is not None else ""
        else:
            key = {"online": "good", "ok": "good", "offline": "comm_fail", "comm_fail": "comm_fail"}.get(node.state, "")
        if not key:
            return None
        if not self._icons:
            self._icons = {
                "good": _dot(GOOD_COLOUR),
                "stale": _dot(STALE_COLOUR),
                "comm_fail": _dot(COMM_FAIL_COLOUR, cross=True),
                "bad_value": _dot(BAD_VALUE_COLOUR),
            }
        return self._icons[key]

    # -- drag ---------------------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt's name
        return [POINTS_MIME, DEVICES_MIME]

    def mimeData(self, indexes: Iterable[QModelIndex]) -> QMimeData:  # noqa: N802 - Qt's name
        """Dragged points and devices as UTF-8 ids, one a line, each once (a row has several selected cells).

        Each kind only when dragged: a trend takes points, the video grid devices (their cameras)."""
        ids: dict[str, list[str]] = {"point": [], "device": []}
        for index in indexes:
            node = self.node(index)
            if node.kind == "device" and node.id not in self.watched:
                continue
            if node.kind in ids and node.id not in ids[node.kind]:
                ids[node.kind].append(node.id)
        mime = QMimeData()
        if ids["point"]:
            mime.setData(POINTS_MIME, QByteArray("\n".join(ids["point"]).encode("utf-8")))
        if ids["device"]:
            mime.setData(DEVICES_MIME, QByteArray("\n".join(ids["device"]).encode("utf-8")))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 - Qt's name
        return Qt.DropAction.CopyAction

    # -- live updates -------------------------------------------------------------------------

    def update(self, batch: dict[str, Sample]) -> int:
        """Apply a batch; returns the rows changed.

        One ``dataChanged`` per device covers the span of its changed point rows: a signal per
        point costs the view and the filter model about half a millisecond each, which at a few
        thousand points a second is the whole GUI thread (tests/bench/console.py).  Rows under
        a folded parent (not in `shown`) are updated silently: even one signal per device costs
        the view a walk of its items, and nobody sees those rows until they unfold.
        """
        changed = 0
        shown = self.shown
        spans: dict[int, tuple[_Node, int, int]] = {}  # parent number -> (parent, first row, last row)
        for pid, sample in batch.items():
            node = self.points.get(pid)
            if node is None:
                continue
            old = node.sample
            if old is not None and old == sample:
                continue
            node.sample = sample
            changed += 1
            if old is None or old.quality is not sample.quality:
                changed += self._device_follows(node.device, sample.quality)
            parent = node.parent
            assert parent is not None
            number = parent.number
            if shown is not None and number not in shown:
                continue
            span = spans.get(number)
            row = node.row
            spans[number] = (parent, row, row) if span is None else (parent, min(span[1], row), max(span[2], row))
        for parent, first, last in spans.values():
            children = parent.children
            emit(
                self.dataChanged,
                self.createIndex(first, COL_VALUE, children[first].number),
                self.createIndex(last, COL_TIME, children[last].number),
            )
        return changed

    def _device_follows(self, device: _Node | None, quality: Quality) -> int:
        """A device answers when its points arrive good; it is silent when they arrive comm_fail."""
        if device is None:
            return 0
        state = "comm_fail" if quality is Quality.COMM_FAIL else ("ok" if quality is Quality.GOOD else device.state)
        return self._set_state(device, state)

    def _set_state(self, node: _Node, state: str) -> int:
        if node.state == state:
            return 0
        node.state = state
        n = node.number
        emit(self.dataChanged, self.createIndex(node.row, COL_NAME, n), self.createIndex(node.row, COL_TIME, n))
        return 1

    def set_gateway_state(self, gateway_id: str, online: bool) -> None:
        """Show a gateway's link state (unknown ids are ignored: the site file decides the tree)."""
        node = self.gateways.get(gateway_id)
        if node is not None:
            self._set_state(node, "online" if online else "offline")

    def set_language(self, lang: str) -> None:
        """Names in ``lang`` ("zh" or "en"); every cell is repainted."""
        self.lang = lang
        self.layoutAboutToBeChanged.emit()
        self.layoutChanged.emit()


class ProblemFilter(QSortFilterProxyModel):
    """Text filter over id and both names, and an optional "problems only" condition.

    Recursive filtering keeps the parents of a match visible.  A row also passes the text
    filter when one of its parents matches, so "T1-TCU" shows that device's points; the
    problems condition is the row's own, so an offline gateway does not bring all its points.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        # Values changing never change a text match; only "problems only" must re-filter on data
        # changes, and re-filtering on every update is most of a busy tree's cost.
        self.setDynamicSortFilter(False)
        self._text = ""
        self._problems = False

    @property
    def active(self) -> bool:
        """Whether any condition hides rows."""
        return bool(self._text) or self._problems

    def set_text(self, text: str) -> None:
        """Keep rows whose id, Chinese or English name contains ``text`` (any case)."""
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_problems_only(self, on: bool) -> None:
        """Keep only rows that are problems (and their parents)."""
        self.beginFilterChange()
        self._problems = on
        self.setDynamicSortFilter(on)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802 - Qt's name
        if not self._text and not self._problems:
            return True
        model = self.sourceModel()
        assert isinstance(model, DeviceTreeModel)
        node: _Node | None = model.node(source_parent).children[source_row]
        assert node is not None
        if self._problems and not node.is_problem():
            return False
        t = self._text
        while t and node is not None and node.kind not in ("site", "root"):
            if t in node.id.casefold() or t in node.name_zh.casefold() or t in node.name_en.casefold():
                return True
            node = node.parent
        return not t


class DeviceBrowser(QWidget):
    """The device browser pane: filter box, problems toggle, and the live tree.

    Slots: `on_samples` (a coalesced batch from the bridge) and `on_gateway_state`.  Signal
    `open_trend(point_id)` on double-click of a point row or of any value in it.
    """

    open_trend = Signal(str)
    edit_limits = Signal(str)  # a point's alarm limits asked for from the context menu

    def __init__(self, site: SiteModel, parent: QWidget | None = None, *, lang: str | None = None) -> None:
        super().__init__(parent)
        self._follow_ui = lang is None  # names follow the console's language, also when it is switched
        self.model = DeviceTreeModel(site, self, lang=lang or names_language())
        self.proxy = ProblemFilter(self)
        self.proxy.setSourceModel(self.model)

        self.filter_box = QLineEdit(self)
        self.filter_box.setClearButtonEnabled(True)
        self.problems_only = QCheckBox(self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)  # keeps 1,000 rows cheap to lay out
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(True)
        self.tree.setColumnWidth(COL_NAME, 360)
        self.tree.setColumnWidth(COL_VALUE, 100)
        self.tree.setColumnWidth(COL_UNIT, 60)
        self.tree.setColumnWidth(COL_QUALITY, 110)
        self.tree.setColumnWidth(COL_TIME, 80)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_box, 1)
        bar.addWidget(self.problems_only)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.tree)

        self.filter_box.textChanged.connect(self._on_filter)
        self.problems_only.toggled.connect(self._on_problems)
        self.tree.doubleClicked.connect(self._on_double_click)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.tree.expanded.connect(self._on_expanded)
        self.tree.collapsed.connect(self._on_collapsed)
        self.model.shown = set()
        self._expand_to_devices()
        self.retranslate()

    def retranslate(self) -> None:
        """Set every string of the pane (again, after a language change)."""
        self.filter_box.setPlaceholderText(self.tr("Filter by id, Chinese or English name"))
        self.problems_only.setText(self.tr("Show only problems"))
        emit(self.model.headerDataChanged, Qt.Orientation.Horizontal, 0, _COLUMNS - 1)

    def set_language(self, lang: str) -> None:
        """Show names in ``lang`` ("zh" or "en")."""
        self.model.set_language(lang)

    def on_samples(self, batch: dict[str, Sample]) -> None:
        """A coalesced batch from the bridge: only the rows that changed are repainted."""
        self.model.update(batch)

    def on_gateway_state(self, gateway_id: str, online: bool) -> None:
        """A gateway connected or was lost."""
        self.model.set_gateway_state(gateway_id, online)

    def select_point(self, point_id: str) -> bool:
        """Reveal and select a point (e.g. from another view); False if it is filtered out or unknown."""
        node = self.model.points.get(point_id)
        if node is None:
            return False
        index = self.proxy.mapFromSource(self.model.index_of(node))
        if not index.isValid():
            return False
        self.tree.scrollTo(index)
        self.tree.setCurrentIndex(index)
        return True

    def select_device(self, device_id: str) -> bool:
        """Reveal and select a device row (a symbol of the diagram was clicked); False if unknown or filtered out."""
        node = self.model.devices.get(device_id)
        if node is None:
            return False
        index = self.proxy.mapFromSource(self.model.index_of(node))
        if not index.isValid():
            return False
        self.tree.scrollTo(index)
        self.tree.setCurrentIndex(index)
        self.tree.expand(index)
        return True

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch (the application installed another translator)."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self._follow_ui and self.model.lang != names_language():
                self.set_language(names_language())
        super().changeEvent(event)

    def _on_filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._expand_after_filter()

    def _on_problems(self, on: bool) -> None:
        self.proxy.set_problems_only(on)
        self._expand_after_filter()

    def _expand_after_filter(self) -> None:
        if self.proxy.active:
            self.model.shown = None  # every row may be shown and the filter must see every change
            self.tree.expandAll()  # a filtered tree is short; show every match at once
        else:
            self.model.shown = set()  # collapseAll() does not say what it folds
            self.tree.collapseAll()
            self._expand_to_devices()

    def _on_expanded(self, index: QModelIndex) -> None:
        if self.model.shown is not None:
            self.model.shown.add(self.model.node(self.proxy.mapToSource(index)).number)

    def _on_collapsed(self, index: QModelIndex) -> None:
        if self.model.shown is not None:
            self.model.shown.discard(self.model.node(self.proxy.mapToSource(index)).number)

    def _expand_to_devices(self) -> None:
        """Open the site, rooms and gateways so the devices are visible; points stay folded."""

        def walk(parent: QModelIndex) -> None:
            for row in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(row, 0, parent)
                if self.model.node(self.proxy.mapToSource(index)).kind in ("site", "room", "gateway"):
                    self.tree.expand(index)
                    walk(index)

        walk(QModelIndex())

    def _menu(self, pos: QPoint) -> None:
        """A point's menu: its trend, and its alarm limits for an analog point."""
        node = self.model.node(self.proxy.mapToSource(self.tree.indexAt(pos)))
        if node.kind != "point":
            return
        menu = self.point_menu(node.id)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def point_menu(self, point_id: str) -> QMenu:
        """The context menu of a point row (built apart so a test can look at it)."""
        node = self.model.points[point_id]
        menu = QMenu(self)
        menu.addAction(self.tr("Open trend"), lambda: emit(self.open_trend, point_id))
        limits = menu.addAction(self.tr("Alarm limits…"), lambda: emit(self.edit_limits, point_id))
        limits.setEnabled(node.point_kind == "analog")
        return menu

    def _on_double_click(self, index: QModelIndex) -> None:
        node = self.model.node(self.proxy.mapToSource(index))
        if node.kind == "point":
            emit(self.open_trend, node.id)
