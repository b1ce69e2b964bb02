"""The symbol palette: the library by category, searchable, each symbol drawn from its own data.

Icons are painted with the same `paint_symbol` the diagram uses (so the palette shows exactly
what lands on the canvas) in the palette's text colour, at the screen's pixel ratio, and
repainted when the theme changes.  A symbol leaves the palette by dragging (mime
``application/x-switchroom-symbol`` = its id) or, for keyboard users, by Enter or a
double-click (`chosen`), which the editor answers by placing it in the middle of the view.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QEvent, QMimeData, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.diagram.symbols import Symbol
from widgets.topology.canvas import SYMBOL_MIME
from widgets.topology.painting import Look, paint_symbol

ICON = 36  # logical pixels

#: Palette groups by what a symbol does electrically (the symbol's ``kind``), in drawing order.
CATEGORIES: tuple[tuple[str, frozenset[str]], ...] = (
    ("Sources", frozenset({"utility_source", "generator"})),
    ("Switching devices", frozenset({"breaker", "load_break_switch", "disconnector", "earthing_switch", "fuse"})),
    ("Busbars and lines", frozenset({"busbar", "cable_end"})),
    ("Transformers", frozenset({"transformer", "ct", "vt"})),
    ("Loads and equipment", frozenset({"load", "motor", "capacitor", "arrester", "meter"})),
    ("Device badges", frozenset({"badge"})),
)
OTHER = "Other symbols"


def _category_title(name: str) -> str:
    # the literal strings above are listed for translation here
    titles = {
        "Sources": QCoreApplication.translate("SymbolPalette", "Sources"),
        "Switching devices": QCoreApplication.translate("SymbolPalette", "Switching devices"),
        "Busbars and lines": QCoreApplication.translate("SymbolPalette", "Busbars and lines"),
        "Transformers": QCoreApplication.translate("SymbolPalette", "Transformers"),
        "Loads and equipment": QCoreApplication.translate("SymbolPalette", "Loads and equipment"),
        "Device badges": QCoreApplication.translate("SymbolPalette", "Device badges"),
        OTHER: QCoreApplication.translate("SymbolPalette", "Other symbols"),
    }
    return titles[name]


def symbol_icon(symbol: Symbol, colour: QColor, background: QColor, size: int = ICON, ratio: float = 1.0) -> QIcon:
    """``symbol`` drawn to fit a square of ``size`` logical pixels, centred, crisp at ``ratio``."""
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    w, h = symbol.size
    scale = (size - 4) / max(w, h)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.translate(QPointF((size - w * scale) / 2, (size - h * scale) / 2))
    p.scale(scale, scale)
    # switches and isolators are shown open (their blade is what tells them apart); breakers as the usual filled box
    state = "open" if symbol.states and symbol.kind != "breaker" else ""
    paint_symbol(p, symbol, Look(colour, background, state))
    p.end()
    return QIcon(pixmap)


class _SymbolTree(QTreeWidget):
    """The list itself: drags carry the symbol id."""

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt's name
        return [SYMBOL_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:  # noqa: N802 - Qt's name
        ids = [i.data(0, Qt.ItemDataRole.UserRole) for i in items if i.data(0, Qt.ItemDataRole.UserRole)]
        return mime_for(ids[0]) if ids else QMimeData()


def mime_for(symbol_id: str) -> QMimeData:
    """What a drag of ``symbol_id`` carries to the canvas."""
    mime = QMimeData()
    mime.setData(SYMBOL_MIME, symbol_id.encode("utf-8"))
    return mime


class SymbolPalette(QWidget):
    """Search field over the library tree.  Signal `chosen(symbol id)` on Enter or double-click."""

    chosen = Signal(str)

    def __init__(self, library: Mapping[str, Symbol], language: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.language = language
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.tree = _SymbolTree(self)
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QSize(ICON, ICON))
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.groups: dict[str, QTreeWidgetItem] = {}
        self.entries: dict[str, QTreeWidgetItem] = {}
        self._build()
        self.search.textChanged.connect(self._filter)
        self.tree.itemActivated.connect(self._activated)
        self.search.returnPressed.connect(self._enter)
        self.retranslate()

    def mime_for(self, symbol_id: str) -> QMimeData:
        """What dragging ``symbol_id`` out of the palette carries."""
        return mime_for(symbol_id)

    def _category(self, symbol: Symbol) -> str:
        return next((name for name, kinds in CATEGORIES if symbol.kind in kinds), OTHER)

    def _build(self) -> None:
        order = [name for name, _ in CATEGORIES] + [OTHER]
        members: dict[str, list[Symbol]] = {}
        for symbol in self.library.values():
            members.setdefault(self._category(symbol), []).append(symbol)
        for name in order:
            if name not in members:
                continue
            group = QTreeWidgetItem(self.tree)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setData(0, Qt.ItemDataRole.UserRole + 1, name)
            self.groups[name] = group
            for symbol in members[name]:
                entry = QTreeWidgetItem(group)
                entry.setData(0, Qt.ItemDataRole.UserRole, symbol.id)
                entry.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
                self.entries[symbol.id] = entry
        self.tree.expandAll()
        self._paint_icons()

    def _paint_icons(self) -> None:
        colour = self.palette().color(QPalette.ColorRole.Text)
        background = self.palette().color(QPalette.ColorRole.Base)
        ratio = self.devicePixelRatioF()
        for symbol_id, entry in self.entries.items():
            entry.setIcon(0, symbol_icon(self.library[symbol_id], colour, background, ICON, ratio))

    def set_language(self, language: str) -> None:
        """Show symbol names in ``language`` ("zh" or "en"); the other language is in the tooltip."""
        self.language = language
        self.retranslate()

    def retranslate(self) -> None:
        """Words of the current language (group titles through Qt, symbol names from their data)."""
        self.search.setPlaceholderText(self.tr("Search symbols (name, id or kind)"))
        for name, group in self.groups.items():
            group.setText(0, _category_title(name))
        other = "en" if self.language != "en" else "zh"
        for symbol_id, entry in self.entries.items():
            symbol = self.library[symbol_id]
            entry.setText(0, symbol.name(self.language))
            entry.setToolTip(0, f"{symbol.name(other)} ({symbol.id})")

    def matches(self, symbol: Symbol, text: str) -> bool:
        """Whether ``symbol`` answers a search: its names, id, kind or tags contain ``text``, any case."""
        needle = text.strip().casefold()
        return not needle or any(needle in x.casefold()
                                 for x in (symbol.id, symbol.kind, *symbol.names.values(), *symbol.tags))

    def shown(self) -> list[str]:
        """The ids the palette lists now (after the search), in order."""
        return [sid for sid, entry in self.entries.items() if not entry.isHidden() and not entry.parent().isHidden()]

    def _filter(self, text: str) -> None:
        for group in self.groups.values():
            visible = 0
            for i in range(group.childCount()):
                entry = group.child(i)
                hit = self.matches(self.library[entry.data(0, Qt.ItemDataRole.UserRole)], text)
                entry.setHidden(not hit)
                visible += hit
            group.setHidden(visible == 0)
        first = next((self.entries[sid] for sid in self.shown()), None)
        if first is not None and text.strip():
            self.tree.setCurrentItem(first)  # Enter in the search places the only/first hit

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        symbol_id = item.data(0, Qt.ItemDataRole.UserRole)
        if symbol_id:
            self.chosen.emit(str(symbol_id))

    def _enter(self) -> None:
        """Enter in the search field chooses the highlighted (first found) symbol."""
        current = self.tree.currentItem()
        if current is not None and not current.isHidden():
            self._activated(current)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Down from the search field moves into the list."""
        if event.key() == Qt.Key.Key_Down:
            self.tree.setFocus()
        else:
            super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.PaletteChange:
            self._paint_icons()  # the theme changed: icons take the new text colour
        elif event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
