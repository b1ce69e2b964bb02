"""The diagram editor's properties panel: what the selected items are and what they are bound to.

Binding is where a drawing meets the plant: a breaker shows "unknown" forever when its position
is bound to the wrong point.  So the panel never asks for an id — every point and device is
chosen with the `SitePicker` — and every binding problem of the selected symbol is spelled out
in red in the console's language, while `problems_changed` carries the diagram's count to the
editor's status bar (kept per symbol, so a drag of a thousand symbols does not recheck them all).

Every edit is one `EditItems` command on the editor's undo stack; typing in one field is one
step (a typing *session* merges until the person leaves the field), and the panel follows the
model's change notifications itself, so an undo shows at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.diagram.model import Change, Diagram, Finding, Link, PlacedSymbol, Text, ValueLabel, Wire
from app.sources.base import SiteModel
from widgets.runtime import names_language
from widgets.topology.binding_check import BindingCheck, moved_only, problem_words, state_name
from widgets.topology.commands import EditItems
from widgets.topology.label_table import ValueLabelTable
from widgets.topology.picker import SitePicker

#: Command ids of typing sessions (far from `commands.MERGE_PROPERTY`): one id per session, so a
#: second visit to the same field is a step of its own.
TYPING_BASE = 1_000_000
#: Point kinds a state (breaker position, truck, alarm) and a value label accept.
STATE_KINDS = frozenset({"digital"})
VALUE_KINDS = frozenset({"analog", "counter"})
RED = "color: #c62828;"
GREY = "color: #757575;"


class TypingEdit(EditItems):
    """A property edit that merges with the next one of the same typing session only."""

    def __init__(self, diagram: Diagram, changes: Mapping[str, Mapping[str, Any]], text: str, session: int) -> None:
        super().__init__(diagram, changes, text, merge=True)
        self.session = TYPING_BASE + session % 1_000_000

    def id(self) -> int:
        return self.session


class PropertiesPanel(QWidget):
    """Properties of the canvas's selection; edits become commands on ``stack``."""

    problems_changed = Signal(int)

    def __init__(self, diagram: Diagram, stack: QUndoStack, site: SiteModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diagram = diagram
        self.stack = stack
        self.site = site
        self.points = {p.id: p for p in site.points}
        self.kinds = {p.id: p.kind for p in site.points}
        self.devices = {d.id: d for d in site.devices}
        self.uuids: list[str] = []
        self._shown: set[str] = set()
        self._updating = False
        self._session = 0
        self._typing: QWidget | None = None
        self._shown_symbol: tuple[str, str] | None = None  # (uuid, symbol id) the dynamic rows were built for
        self.check = BindingCheck(diagram, site, self)
        self.check.count_changed.connect(self.problems_changed)
        self._build()
        self.retranslate()
        diagram.subscribe(self._changed)

    # ================================================================= building

    def _layer_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.currentIndexChanged.connect(lambda _i, c=combo: self._layer_chosen(c))
        return combo

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.title.setWordWrap(True)
        self.locked_note = QLabel()
        self.locked_note.setWordWrap(True)
        self.locked_note.setStyleSheet(GREY)
        self.locked_note.hide()
        self.pages = QStackedWidget()
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setStyleSheet(GREY)
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._symbol_page())
        self.pages.addWidget(self._text_page())
        self.pages.addWidget(self._link_page())
        self.pages.addWidget(self._many_page())
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.title)
        column.addWidget(self.locked_note)
        column.addWidget(self.pages)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.setMinimumWidth(340)

    def _symbol_page(self) -> QWidget:
        page = QWidget()
        self.symbol_form = form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.kind_label = QLabel()
        self.kind_label.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.textEdited.connect(self._name_typed)
        self.name_edit.editingFinished.connect(self._end_typing)
        self.device_label = QLabel()
        self.device_label.setWordWrap(True)
        self.device_button = QPushButton()
        self.device_button.clicked.connect(self._choose_device)
        self.device_clear = QPushButton()
        self.device_clear.clicked.connect(lambda: self._edit_symbol(device="", text=self.tr("Unbind the device")))
        device_row = QWidget()
        row = QHBoxLayout(device_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.device_label, 1)
        row.addWidget(self.device_button)
        row.addWidget(self.device_clear)
        self.placement_label = QLabel()
        self.length_spin = QDoubleSpinBox()
        self.length_spin.setDecimals(0)
        self.length_spin.setMaximum(10_000)
        self.length_spin.valueChanged.connect(self._length_changed)
        self.length_spin.editingFinished.connect(self._end_typing)
        self.symbol_layer = self._layer_combo()
        self.form_labels = {k: QLabel() for k in ("kind", "name", "device", "placement", "length", "layer")}
        for key, field in (("kind", self.kind_label), ("name", self.name_edit), ("device", device_row),
                           ("placement", self.placement_label), ("length", self.length_spin),
                           ("layer", self.symbol_layer)):  # fmt: skip
            form.addRow(self.form_labels[key], field)
        self.states_box = QGroupBox()
        self.states_grid = QGridLayout(self.states_box)
        self.windings_box = QGroupBox()
        self.windings_form = QFormLayout(self.windings_box)
        self.labels_box = ValueLabelTable(self.point_text)
        self.labels_box.edited.connect(self._labels_edited)
        self.labels_box.add_requested.connect(self._add_label)
        self.labels_box.typing_done.connect(self._end_typing)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet(RED)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_rows: dict[str, tuple[QLabel, QLabel, QPushButton, QPushButton]] = {}
        self.kv_spins: dict[str, QDoubleSpinBox] = {}
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.states_box)
        layout.addWidget(self.windings_box)
        layout.addWidget(self.labels_box)
        layout.addWidget(self.problems_label)
        return page

    @staticmethod
    def _form_page(*fields: QWidget) -> tuple[QWidget, QFormLayout, list[QLabel]]:
        """A page of labelled fields (the labels' texts come in `retranslate`)."""
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        labels = [QLabel() for _ in fields]
        for label, field in zip(labels, fields, strict=True):
            form.addRow(label, field)
        return page, form, labels

    def _text_page(self) -> QWidget:
        self.text_edit = QLineEdit()
        self.text_edit.textEdited.connect(lambda t: self._type(self.text_edit, self.tr("Edit the text"), text=t))
        self.text_edit.editingFinished.connect(self._end_typing)
        self.size_spin = QDoubleSpinBox()
        self.size_spin.setRange(0.3, 20.0)
        self.size_spin.setSingleStep(0.1)
        self.size_spin.setDecimals(1)
        self.size_spin.valueChanged.connect(
            lambda v: self._type(self.size_spin, self.tr("Change the text size"), size=float(v)))
        self.size_spin.editingFinished.connect(self._end_typing)
        self.text_layer = self._layer_combo()
        page, _form, self.text_labels = self._form_page(self.text_edit, self.size_spin, self.text_layer)
        return page

    def _link_page(self) -> QWidget:
        self.target_combo = QComboBox()
        rooms = {r.id: r for r in self.site.rooms}
        for d in self.site.diagrams:
            room = rooms.get(d.room or "")
            self.target_combo.addItem(d.id, d.id)
            if room is not None:
                self.target_combo.setItemData(self.target_combo.count() - 1, room.name, Qt.ItemDataRole.ToolTipRole)
        self.target_combo.currentIndexChanged.connect(self._target_chosen)
        self.link_text = QLineEdit()
        self.link_text.textEdited.connect(lambda t: self._type(self.link_text, self.tr("Edit the link text"), text=t))
        self.link_text.editingFinished.connect(self._end_typing)
        self.link_layer = self._layer_combo()
        page, _form, self.link_labels = self._form_page(self.target_combo, self.link_text, self.link_layer)
        return page

    def _many_page(self) -> QWidget:
        self.many_label = QLabel()
        self.many_label.setWordWrap(True)
        self.many_layer = self._layer_combo()
        page, self.many_form, labels = self._form_page(self.many_layer)
        self.many_layer_label = labels[0]
        self.many_form.insertRow(0, self.many_label)
        return page

    # ================================================================= text

    def retranslate(self) -> None:
        """Every fixed string of the panel (again after a language switch)."""
        self.empty.setText(self.tr("Select an item on the diagram to see and edit its properties."))
        for key, text in (("kind", self.tr("Symbol")), ("name", self.tr("Designation")),
                          ("device", self.tr("Device")), ("placement", self.tr("Placement")),
                          ("length", self.tr("Length")), ("layer", self.tr("Layer"))):  # fmt: skip
            self.form_labels[key].setText(text)
        self.name_edit.setPlaceholderText(self.tr("e.g. QF1 or 1#主变"))
        self.device_button.setText(self.tr("Choose…"))
        self.device_clear.setText(self.tr("Clear"))
        self.length_spin.setSuffix(self.tr(" grid units"))
        self.states_box.setTitle(self.tr("States bound to points"))
        self.windings_box.setTitle(self.tr("Winding voltages"))
        for label, text in zip(self.text_labels, (self.tr("Words"), self.tr("Size"), self.tr("Layer")), strict=True):
            label.setText(text)
        for label, text in zip(self.link_labels, (self.tr("Opens diagram"), self.tr("Text"), self.tr("Layer")),
                               strict=True):  # fmt: skip
            label.setText(text)
        self.many_layer_label.setText(self.tr("Layer"))
        self.locked_note.setText(self.tr("This item is on a locked layer; unlock the layer to change it."))
        self._shown_symbol = None  # state rows carry translated names
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def point_text(self, point_id: str) -> str:
        """A point as people know it: its name in the console's language and its id."""
        p = self.points.get(point_id)
        if p is None:
            return self.tr("%1 (not a point of the site)").replace("%1", point_id)
        name = (p.name_en or p.name) if names_language() == "en" else (p.name or p.name_en)
        return f"{name} · {point_id}"

    def device_text(self, device_id: str) -> str:
        """A device as people know it (its name and id), or that none is bound."""
        if not device_id:
            return self.tr("None")
        d = self.devices.get(device_id)
        if d is None:
            return self.tr("%1 (not a device of the site)").replace("%1", device_id)
        name = (d.name_en or d.name) if names_language() == "en" else (d.name or d.name_en)
        return f"{name} · {device_id}"

    # ================================================================= problems

    def problems(self) -> list[Finding]:
        """The diagram's binding problems now, in drawing order, worded in the console's language."""
        return self.check.findings()

    def problem_count(self) -> int:
        """How many binding problems the diagram has (what `problems_changed` last said)."""
        return self.check.count

    # ================================================================= following the model

    def detach(self) -> None:
        """Stop following the model (the editor is closing)."""
        self.diagram.unsubscribe(self._changed)
        self.check.detach()

    def _changed(self, change: Change) -> None:
        kind = str(change.kind)
        if kind == "layers":
            self._refresh()
            return
        item = change.item
        if item.uuid not in self._shown or moved_only(change):  # a drag step shows nothing new here
            return
        if kind == "removed":
            self.uuids.remove(item.uuid)
            self._shown.discard(item.uuid)
        self._refresh()

    def show_items(self, uuids: list[str]) -> None:
        """Show the canvas's selection (items the model lacks are left out)."""
        self.uuids = [u for u in dict.fromkeys(uuids) if u in self.diagram.items]
        self._shown = set(self.uuids)
        self._typing = None
        self._refresh()

    def _selected(self) -> list[Any]:
        return [self.diagram.items[u] for u in self.uuids if u in self.diagram.items]

    def _refresh(self) -> None:
        """Put the model's values into the page of the selection (fields keep focus and cursor)."""
        self._updating = True
        try:
            items = self._selected()
            if not items:
                self.title.setText(self.tr("Nothing selected"))
                self.pages.setCurrentIndex(0)
            elif len(items) == 1 and isinstance(items[0], PlacedSymbol):
                self._show_symbol(items[0])
            elif len(items) == 1 and isinstance(items[0], Text):
                self.title.setText(self.tr("Text"))
                _set_text(self.text_edit, items[0].text)
                _set_value(self.size_spin, items[0].size)
                self._fill_layers(self.text_layer, [items[0]])
                self.pages.setCurrentIndex(2)
            elif len(items) == 1 and isinstance(items[0], Link):
                self.title.setText(self.tr("Link to another diagram"))
                index = self.target_combo.findData(items[0].target)
                if index < 0:  # a target the site does not list: show it anyway
                    self.target_combo.addItem(items[0].target, items[0].target)
                    index = self.target_combo.count() - 1
                self.target_combo.setCurrentIndex(index)
                _set_text(self.link_text, items[0].text)
                self._fill_layers(self.link_layer, [items[0]])
                self.pages.setCurrentIndex(3)
            else:
                self._show_many(items)
            locked = len(items) == 1 and self.diagram.layer_of(items[0]).locked
            self.locked_note.setVisible(locked)  # a locked layer's items are kept as they are
            self.pages.setEnabled(not locked)
        finally:
            self._updating = False

    def _show_many(self, items: list[Any]) -> None:
        layered = [i for i in items if not isinstance(i, Wire)]
        if len(items) == 1:  # a wire
            wire = items[0]
            ends = [self.diagram.items.get(e.symbol) for e in (wire.start, wire.end)]
            names = [getattr(e, "name", "") or "?" for e in ends]
            self.title.setText(self.tr("Wire"))
            self.many_label.setText(self.tr("A wire from %1 to %2; it goes with its symbols' layer.")
                                    .replace("%1", names[0]).replace("%2", names[1]))  # fmt: skip
        else:
            self.title.setText(self.tr("%1 items selected").replace("%1", str(len(items))))
            self.many_label.setText(self.tr("Choose a layer to move them all to it (wires go with their symbols)."))
        self.many_form.setRowVisible(self.many_layer, bool(layered))
        self._fill_layers(self.many_layer, layered)
        self.pages.setCurrentIndex(4)

    def _fill_layers(self, combo: QComboBox, items: list[Any]) -> None:
        """The diagram's layers in ``combo``, the items' layer current (none when they differ)."""
        names = [lay.name for lay in self.diagram.layers]
        if [combo.itemData(i) for i in range(combo.count())] != names:
            combo.clear()
            for name in names:
                combo.addItem(name or self.tr("Base layer"), name)
        else:
            combo.setItemText(0, self.tr("Base layer"))
        on = {self.diagram.layer_of(i).name for i in items}
        combo.setCurrentIndex(combo.findData(next(iter(on))) if len(on) == 1 else -1)

    def _show_symbol(self, placed: PlacedSymbol) -> None:
        symbol = self.diagram.symbols[placed.symbol]
        language = names_language()
        self.title.setText(placed.name or symbol.name(language))
        if self._shown_symbol != (placed.uuid, placed.symbol):
            self._build_symbol_rows(placed)
        self.kind_label.setText(f"{symbol.name(language)} ({symbol.id})")
        _set_text(self.name_edit, placed.name)
        self.device_label.setText(self.device_text(placed.device))
        self.device_label.setStyleSheet(RED if placed.device and placed.device not in self.devices else "")
        self.device_clear.setEnabled(bool(placed.device))
        turn = self.tr("rotated %1°").replace("%1", str(placed.rotation))
        self.placement_label.setText(self.tr("%1, mirrored").replace("%1", turn) if placed.flip else turn)
        stretch = symbol.stretch
        self.symbol_form.setRowVisible(self.length_spin, stretch is not None)
        if stretch is not None:
            self.length_spin.setMinimum(self._shortest(placed))
            self.length_spin.setSingleStep(stretch.pitch)
            _set_value(self.length_spin, placed.length if placed.length is not None else symbol.size[0])
        self._fill_layers(self.symbol_layer, [placed])
        problems = self.check.of(placed.uuid)
        flagged = {p.key for p in problems if p.what in ("unbound", "missing_point", "not_digital")}
        for key, (_name, point, _choose, clear) in self.state_rows.items():
            bound = placed.bindings.get(key, "")
            point.setText(self.point_text(bound) if bound else self.tr("not bound"))
            point.setStyleSheet(RED if key in flagged else ("" if bound else GREY))
            clear.setEnabled(bool(bound))
        for winding in symbol.windings:
            _set_value(self.kv_spins[winding.id], placed.kv.get(winding.id, winding.kv))
        self.labels_box.show_labels(placed.labels, set(self.points))
        self.problems_label.setText("\n".join(f"• {problem_words(p)}" for p in problems))
        self.problems_label.setVisible(bool(problems))
        self.pages.setCurrentIndex(1)

    def _shortest(self, placed: PlacedSymbol) -> float:
        """A busbar may not shrink below its min or below a terminal a wire ends at."""
        stretch = self.diagram.symbols[placed.symbol].stretch
        assert stretch is not None
        used = [int(end.terminal[1:]) * stretch.pitch for w in self.diagram.wires_at(placed.uuid)
                for end in (w.start, w.end) if end.symbol == placed.uuid and end.terminal[1:].isdigit()]  # fmt: skip
        return float(max([stretch.min, *used]))

    def _build_symbol_rows(self, placed: PlacedSymbol) -> None:
        """State rows and winding fields for this symbol (only when another symbol is shown)."""
        symbol = self.diagram.symbols[placed.symbol]
        for widgets in self.state_rows.values():
            for w in widgets:
                self.states_grid.removeWidget(w)
                w.deleteLater()
        self.state_rows = {}
        for row, state in enumerate(symbol.states):
            name = QLabel(state_name(state.key) + ("" if state.required else self.tr(" (optional)")))
            name.setToolTip(state.doc or state.key)
            point = QLabel()
            point.setWordWrap(True)
            choose = QPushButton(self.tr("Choose…"))
            choose.clicked.connect(lambda _=False, k=state.key: self._choose_point(k))
            clear = QPushButton(self.tr("Clear"))
            clear.clicked.connect(lambda _=False, k=state.key: self._bind(k, ""))
            self.states_grid.addWidget(name, row, 0)
            self.states_grid.addWidget(point, row, 1)
            self.states_grid.addWidget(choose, row, 2)
            self.states_grid.addWidget(clear, row, 3)
            self.state_rows[state.key] = (name, point, choose, clear)
        self.states_grid.setColumnStretch(1, 1)
        self.states_box.setVisible(bool(symbol.states))
        while self.windings_form.rowCount():
            self.windings_form.removeRow(0)
        self.kv_spins = {}
        for winding in symbol.windings:
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 1000.0)
            spin.setDecimals(2)
            spin.setSingleStep(0.1)
            spin.setSuffix(" kV")
            spin.valueChanged.connect(lambda v, w=winding.id, s=spin: self._kv_changed(s, w, v))
            spin.editingFinished.connect(self._end_typing)
            self.kv_spins[winding.id] = spin
            self.windings_form.addRow(self.tr("Winding %1").replace("%1", winding.id), spin)
        self.windings_box.setVisible(bool(symbol.windings))
        self.labels_box.show_labels((), set(self.points))
        self._shown_symbol = (placed.uuid, placed.symbol)

    # ================================================================= editing (one command each)

    def _placed(self) -> PlacedSymbol | None:
        items = self._selected()
        return items[0] if len(items) == 1 and isinstance(items[0], PlacedSymbol) else None

    def _push(self, changes: dict[str, dict[str, Any]], text: str, typing: QWidget | None = None) -> None:
        """One command; a typing widget's edits merge until the person leaves it."""
        changes = {u: c for u, c in changes.items() if c}
        if not changes or self._updating:
            return
        if typing is None:
            self._typing = None
            self.stack.push(EditItems(self.diagram, changes, text))
            return
        if typing is not self._typing:
            self._session += 1
            self._typing = typing
        self.stack.push(TypingEdit(self.diagram, changes, text, self._session))

    def _end_typing(self) -> None:
        self._typing = None

    def _type(self, widget: QWidget, command: str, **fields: Any) -> None:
        """A typed value of the one selected item (words, size, link text)."""
        if len(self.uuids) == 1 and not self._updating:
            self._push({self.uuids[0]: fields}, command, widget)

    def _edit_symbol(self, text: str, **fields: Any) -> None:
        placed = self._placed()
        if placed is not None:
            self._push({placed.uuid: fields}, text)

    def _name_typed(self, text: str) -> None:
        if self._placed() is not None:
            self._push({self.uuids[0]: {"name": text}}, self.tr("Rename"), self.name_edit)

    def _choose_device(self) -> None:
        placed = self._placed()
        if placed is None:
            return
        chosen = SitePicker.pick_device(self.site, self, current=placed.device or None)
        if chosen and chosen != placed.device:
            self._edit_symbol(device=chosen, text=self.tr("Bind the device"))

    def _choose_point(self, key: str) -> None:
        placed = self._placed()
        if placed is None:
            return
        chosen = SitePicker.pick_point(self.site, self, STATE_KINDS, placed.device or None,
                                       placed.bindings.get(key) or None)  # fmt: skip
        if chosen:
            self._bind(key, chosen)

    def _bind(self, key: str, point: str) -> None:
        """Bind a state to a point ("" unbinds it)."""
        placed = self._placed()
        if placed is None or placed.bindings.get(key, "") == point:
            return
        bindings = {k: v for k, v in placed.bindings.items() if k != key}
        if point:
            bindings[key] = point
        text = self.tr("Bind %1") if point else self.tr("Unbind %1")
        self._edit_symbol(bindings=bindings, text=text.replace("%1", state_name(key)))

    def _length_changed(self, value: float) -> None:
        placed = self._placed()
        if placed is not None and not self._updating and placed.length != value:
            self._push({placed.uuid: {"length": float(value)}}, self.tr("Change the length"), self.length_spin)

    def _kv_changed(self, spin: QDoubleSpinBox, winding: str, value: float) -> None:
        placed = self._placed()
        if placed is not None and not self._updating:
            kv = {**placed.kv, winding: round(float(value), 3)}
            self._push({placed.uuid: {"kv": kv}}, self.tr("Change the winding voltage"), spin)

    def _layer_chosen(self, combo: QComboBox) -> None:
        if self._updating or combo.currentIndex() < 0:
            return
        name = str(combo.currentData())
        changes = {i.uuid: {"layer": name} for i in self._selected() if not isinstance(i, Wire) and i.layer != name}
        self._push(changes, self.tr("Move to layer"))

    def _target_chosen(self, index: int) -> None:
        if index >= 0 and len(self.uuids) == 1:
            self._push({self.uuids[0]: {"target": str(self.target_combo.itemData(index))}}, self.tr("Link target"))

    def _labels_edited(self, labels: tuple[ValueLabel, ...], command: str, typing: QWidget | None) -> None:
        placed = self._placed()
        if placed is not None and labels != placed.labels:
            self._push({placed.uuid: {"labels": labels}}, command, typing)

    def _add_label(self) -> None:
        placed = self._placed()
        if placed is None:
            return
        chosen = SitePicker.pick_point(self.site, self, VALUE_KINDS, placed.device or None)
        if not chosen:
            return
        point = self.points.get(chosen)
        if placed.labels:
            x, y = placed.labels[-1].offset
            offset = (x, round(y + 1.2, 2))
        else:
            offset = (self.diagram.bounds(placed)[2] + 0.5, 0.0)
        label = ValueLabel(chosen, ".1f", point.unit if point else "", offset)
        self._push({placed.uuid: {"labels": (*placed.labels, label)}}, self.tr("Add a value label"))


def _set_text(edit: QLineEdit, text: str) -> None:
    """Put the model's text in a field without moving the person's cursor when it is the same."""
    if edit.text() != text:
        edit.setText(text)


def _set_value(spin: QDoubleSpinBox, value: float) -> None:
    if spin.value() != value:
        spin.setValue(value)
