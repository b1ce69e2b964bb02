"""The diagram editor's layer list: show, hide, lock, add, rename and remove sheets of the drawing.

Layers let an engineer keep badges, notes or a planned extension apart from the plant itself and
hide or lock them while drawing.  Every change is an undo command (`SetLayers`, and `EditItems`
for the items that move with it: a renamed layer takes its items along, a removed layer's items
fall back to the base layer in the same undo step).  The list follows the model itself, so an
undo shows at once; rows are updated in place so an inline rename is never pulled from under
the person's cursor.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.diagram.model import Change, Diagram, Layer, Wire
from widgets.topology.commands import EditItems, SetLayers

VISIBLE, LOCKED = 1, 2  # columns of the check boxes
ROLE_NAME = Qt.ItemDataRole.UserRole


class LayerPanel(QWidget):
    """The diagram's layers with a visible and a locked box each; changes are commands on ``stack``."""

    def __init__(self, diagram: Diagram, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diagram = diagram
        self.stack = stack
        self.selection: list[str] = []
        self._updating = False
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(3)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)  # fmt: skip
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(VISIBLE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(LOCKED, QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = QPushButton(self)
        self.rename_button = QPushButton(self)
        self.remove_button = QPushButton(self)
        self.move_button = QPushButton(self)
        row = QHBoxLayout()
        for b in (self.add_button, self.rename_button, self.remove_button):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        layout.addWidget(self.move_button)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._buttons())
        self.add_button.clicked.connect(self.add_layer)
        self.rename_button.clicked.connect(self._start_rename)
        self.remove_button.clicked.connect(self.remove_layer)
        self.move_button.clicked.connect(self.move_selection)
        self.retranslate()
        self._sync()
        self.tree.setCurrentItem(self.tree.topLevelItem(0))
        diagram.subscribe(self._changed)

    # ------------------------------------------------------------ text and model

    def retranslate(self) -> None:
        """Every string of the panel (again after a language switch)."""
        self.tree.setHeaderLabels([self.tr("Layer"), self.tr("Visible"), self.tr("Locked")])
        self.add_button.setText(self.tr("Add"))
        self.rename_button.setText(self.tr("Rename"))
        self.remove_button.setText(self.tr("Remove"))
        self.move_button.setText(self.tr("Move the selection to this layer"))
        self._sync()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def detach(self) -> None:
        """Stop following the model (the editor is closing)."""
        self.diagram.unsubscribe(self._changed)

    def _changed(self, change: Change) -> None:
        if str(change.kind) == "layers":
            self._sync()
        elif self.selection and getattr(change.old, "layer", None) != getattr(change.item, "layer", None):
            self._buttons()  # an undone move makes the selection movable again

    def _sync(self) -> None:
        """Rows = the diagram's layers, updated in place (an open editor stays open)."""
        self._updating = True
        try:
            layers = self.diagram.layers
            while self.tree.topLevelItemCount() > len(layers):
                self.tree.takeTopLevelItem(self.tree.topLevelItemCount() - 1)
            for i, layer in enumerate(layers):
                item = self.tree.topLevelItem(i)
                if item is None:
                    item = QTreeWidgetItem(self.tree)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
                if layer.name:
                    flags |= Qt.ItemFlag.ItemIsEditable
                if item.flags() != flags:
                    item.setFlags(flags)
                item.setData(0, ROLE_NAME, layer.name)
                text = layer.name or self.tr("Base layer")
                if item.text(0) != text:
                    item.setText(0, text)
                italic = not layer.name
                if item.font(0).italic() != italic:
                    font = item.font(0)
                    font.setItalic(italic)
                    item.setFont(0, font)
                for column, on in ((VISIBLE, layer.visible), (LOCKED, layer.locked)):
                    state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
                    if item.data(column, Qt.ItemDataRole.CheckStateRole) != state:
                        item.setCheckState(column, state)
        finally:
            self._updating = False
        self._buttons()

    def _buttons(self) -> None:
        name = self.current()
        self.rename_button.setEnabled(bool(name))
        self.remove_button.setEnabled(bool(name))
        self.move_button.setEnabled(name is not None and bool(self._movable(name)))

    def current(self) -> str | None:
        """The chosen layer's name ("" is the base layer), or None when no row is chosen."""
        item = self.tree.currentItem()
        return None if item is None else str(item.data(0, ROLE_NAME))

    def choose(self, name: str) -> None:
        """Make layer ``name`` the chosen row."""
        for i in range(self.tree.topLevelItemCount()):
            if self.tree.topLevelItem(i).data(0, ROLE_NAME) == name:
                self.tree.setCurrentItem(self.tree.topLevelItem(i))

    def set_selection(self, uuids: list[str]) -> None:
        """The canvas's selection (what "move the selection to this layer" moves)."""
        self.selection = list(uuids)
        self._buttons()

    # ------------------------------------------------------------ edits (each an undo step)

    def _with(self, layer: str, /, **fields: Any) -> tuple[Layer, ...]:
        """The layer list with ``layer`` changed."""
        return tuple(dataclasses.replace(lay, **fields) if lay.name == layer else lay for lay in self.diagram.layers)

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._updating:
            return
        name = str(item.data(0, ROLE_NAME))
        layer = self.diagram.layer(name)
        if column == VISIBLE:
            visible = item.checkState(VISIBLE) == Qt.CheckState.Checked
            if visible != layer.visible:
                text = self.tr("Show layer %1") if visible else self.tr("Hide layer %1")
                self.stack.push(SetLayers(self.diagram, self._with(name, visible=visible), self._named(text, name)))
        elif column == LOCKED:
            locked = item.checkState(LOCKED) == Qt.CheckState.Checked
            if locked != layer.locked:
                text = self.tr("Lock layer %1") if locked else self.tr("Unlock layer %1")
                self.stack.push(SetLayers(self.diagram, self._with(name, locked=locked), self._named(text, name)))
        elif column == 0 and name:
            self.rename_layer(name, item.text(0).strip())

    def _named(self, text: str, name: str) -> str:
        return text.replace("%1", name or self.tr("Base layer"))

    def add_layer(self) -> str:
        """Add a layer with a free name, choose it and open its name for editing; returns its name."""
        taken = {lay.name for lay in self.diagram.layers}
        n = 1
        while self.tr("Layer %1").replace("%1", str(n)) in taken:
            n += 1
        name = self.tr("Layer %1").replace("%1", str(n))
        self.stack.push(SetLayers(self.diagram, (*self.diagram.layers, Layer(name)), self._named(self.tr(
            "Add layer %1"), name)))  # fmt: skip
        self.choose(name)
        self._start_rename()
        return name

    def _start_rename(self) -> None:
        item = self.tree.currentItem()
        if item is not None and item.data(0, ROLE_NAME):
            self.tree.editItem(item, 0)

    def rename_layer(self, old: str, new: str) -> bool:
        """Rename a layer and move its items along, as one undo step (a taken or empty name is refused)."""
        taken = {lay.name for lay in self.diagram.layers}
        if not old or new == old or not new or new in taken:
            self._sync()  # put the old name back in the row
            return new == old
        on = {i.uuid: {"layer": new} for i in self.diagram.items.values()
              if not isinstance(i, Wire) and i.layer == old}  # fmt: skip
        self.stack.beginMacro(self.tr("Rename layer %1 to %2").replace("%1", old).replace("%2", new))
        self.stack.push(SetLayers(self.diagram, self._with(old, name=new)))
        if on:
            self.stack.push(EditItems(self.diagram, on))
        self.stack.endMacro()
        self.choose(new)
        return True

    def remove_layer(self) -> None:
        """Remove the chosen layer; its items go to the base layer in the same undo step."""
        name = self.current()
        if not name:
            return
        on = {i.uuid: {"layer": ""} for i in self.diagram.items.values()
              if not isinstance(i, Wire) and i.layer == name}  # fmt: skip
        self.stack.beginMacro(self._named(self.tr("Remove layer %1"), name))
        if on:
            self.stack.push(EditItems(self.diagram, on))
        self.stack.push(SetLayers(self.diagram, tuple(lay for lay in self.diagram.layers if lay.name != name)))
        self.stack.endMacro()
        self.choose("")

    def _movable(self, name: str) -> dict[str, dict[str, str]]:
        items = (self.diagram.items.get(u) for u in self.selection)
        return {i.uuid: {"layer": name} for i in items
                if i is not None and not isinstance(i, Wire) and i.layer != name}  # fmt: skip

    def move_selection(self) -> None:
        """Move the selected items (not wires: they go with their symbols) to the chosen layer."""
        name = self.current()
        if name is None:
            return
        changes = self._movable(name)
        if changes:
            self.stack.push(EditItems(self.diagram, changes, self._named(self.tr("Move to layer %1"), name)))
        self._buttons()
