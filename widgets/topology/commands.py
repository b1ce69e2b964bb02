"""Every edit of a diagram as a `QUndoCommand` that changes the model (never the scene's items).

orange-canvas-core's discipline: the editor asks for an edit by pushing a command; the command
calls `app.diagram.model.Diagram` methods; the scene follows the model's notifications.  Undo
uses what the model hands back (`Diagram.edit` returns the old values, `Diagram.remove` the
removed items), so a command never copies the diagram.

Two kinds of edit happen *before* the command exists, and are pushed with ``applied=True`` so
the first `redo` does nothing: a drag (the symbols follow the mouse through the model so their
wires re-route live; one command on release makes the whole drag one undo step) and a paste
(`app.diagram.clipboard.paste` adds the items).  Repeated edits of the same property of the
same items merge into one step (typing a name, spinning a size).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication as App  # short: lupdate reads App.translate(context, text)
from PySide6.QtGui import QUndoCommand

from app.diagram.model import Diagram, Item, Layer, Wire

#: `QUndoCommand.id` of property edits that merge when they touch the same fields of the same items.
MERGE_PROPERTY = 6001


class AddItems(QUndoCommand):
    """Put items on the diagram (placed from the palette, a wire drawn, pasted, duplicated)."""

    def __init__(self, diagram: Diagram, items: Iterable[Item], text: str = "", applied: bool = False) -> None:
        super().__init__(text or App.translate("DiagramEdit", "Add"))
        self.diagram = diagram
        # symbols, texts and links before the wires that need them
        self.items = sorted(items, key=lambda i: isinstance(i, Wire))
        self._skip = applied

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        for item in self.items:
            self.diagram.add(item)

    def undo(self) -> None:
        for item in reversed(self.items):
            if item.uuid in self.diagram.items:
                self.diagram.remove(item.uuid)


class RemoveItems(QUndoCommand):
    """Take items off; a symbol takes its wires, and undo puts everything back as it was."""

    def __init__(self, diagram: Diagram, uuids: Iterable[str], text: str = "") -> None:
        super().__init__(text or App.translate("DiagramEdit", "Delete"))
        self.diagram = diagram
        # wires first, so a symbol's removal does not take a wire that is also named here twice
        self.uuids = sorted(set(uuids), key=lambda u: not isinstance(diagram.items.get(u), Wire))
        self.removed: list[tuple[int, Item]] = []  # (place in the drawing order, item)

    def redo(self) -> None:
        order = {u: i for i, u in enumerate(self.diagram.items)}
        gone: list[Item] = []
        for uuid in self.uuids:
            if uuid in self.diagram.items:
                gone += self.diagram.remove(uuid)
        self.removed = sorted((order[i.uuid], i) for i in gone)

    def undo(self) -> None:
        # in the old drawing order, each at its old place: the file and the drawing come back exactly
        for index, item in self.removed:
            self.diagram.add(item, index)


class EditItems(QUndoCommand):
    """Change fields of items: move, rotate, flip, align, bind, rename, relabel, restyle.

    ``changes`` maps a uuid to its new field values.  With ``applied=True`` the model already
    holds them (a finished drag) and ``old`` must say what they were.  With ``merge=True``
    a following edit of the same fields of the same items joins this step.
    """

    def __init__(self, diagram: Diagram, changes: Mapping[str, Mapping[str, Any]], text: str = "",
                 applied: bool = False, old: Mapping[str, Mapping[str, Any]] | None = None,
                 merge: bool = False) -> None:
        super().__init__(text or App.translate("DiagramEdit", "Edit"))
        if applied and old is None:
            raise ValueError("an applied edit needs the old values to undo it")
        self.diagram = diagram
        self.changes = {u: dict(c) for u, c in changes.items()}
        self.old: dict[str, dict[str, Any]] = {u: dict(c) for u, c in (old or {}).items()}
        self._skip = applied
        self._merge = merge

    def id(self) -> int:
        return MERGE_PROPERTY if self._merge else -1

    def _key(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple(sorted((u, tuple(sorted(c))) for u, c in self.changes.items()))

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        """Join a following edit of the same fields of the same items (keep our old values)."""
        if not isinstance(other, EditItems) or not other._merge or other._key() != self._key():
            return False
        self.changes = other.changes
        return True

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        old = {u: self.diagram.edit(u, **c) for u, c in self.changes.items()}
        for u, values in old.items():  # a merged command keeps the first old values
            self.old.setdefault(u, values)

    def undo(self) -> None:
        for u, values in self.old.items():
            if u in self.diagram.items:
                self.diagram.edit(u, **values)


class SetLayers(QUndoCommand):
    """Add, remove, rename, hide, show or lock layers."""

    def __init__(self, diagram: Diagram, layers: Iterable[Layer], text: str = "") -> None:
        super().__init__(text or App.translate("DiagramEdit", "Change layers"))
        self.diagram = diagram
        self.layers = tuple(layers)
        self.old: tuple[Layer, ...] = diagram.layers

    def redo(self) -> None:
        self.old = self.diagram.set_layers(self.layers)

    def undo(self) -> None:
        self.diagram.set_layers(self.old)
