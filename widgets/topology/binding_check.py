"""The diagram's binding problems kept current while a person edits, worded in the console's language.

The Qt-free checks (`app.diagram.checks`) say what is wrong as data; this keeps them per symbol
and rechecks only the symbol that changed (a drag of a thousand symbols does not recheck the
whole drawing), tells the editor's status bar the count, and words each problem for people.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QCoreApplication as App  # short: lupdate reads App.translate(context, text)
from PySide6.QtCore import QObject, Signal

from app.diagram.checks import BindingProblem, symbol_problems, who
from app.diagram.model import Change, Diagram, Finding, PlacedSymbol
from app.sources.base import SiteModel
from widgets.runtime import names_language


def moved_only(change: Change) -> bool:
    """Whether a change only moved an item (a drag step): nothing a binding or a panel shows."""
    old, new = change.old, change.item
    if old is None or new is None or str(change.kind) != "changed" or not hasattr(old, "position"):
        return False
    return dataclasses.replace(old, position=new.position) == new  # type: ignore[arg-type]


def state_name(key: str) -> str:
    """A symbol state's name for people (an unknown key shows as it is)."""
    names = {
        "position": App.translate("BindingCheck", "Position (open/closed)"),
        "withdrawn": App.translate("BindingCheck", "Withdrawn (truck out)"),
        "alarm": App.translate("BindingCheck", "Alarm"),
        "blown": App.translate("BindingCheck", "Fuse blown"),
    }
    return names.get(key, key)


def problem_words(p: BindingProblem) -> str:
    """One binding problem as a sentence in the console's language."""
    texts = {
        "unbound": App.translate(
            "BindingCheck", "'%1' is not bound to a point; it will show as unknown."),
        "missing_point": App.translate(
            "BindingCheck", "'%1' is bound to %2, which is not a point of the site."),
        "not_digital": App.translate(
            "BindingCheck", "'%1' is bound to %2, a point of kind %3; a state needs a digital point."),
        "unknown_state": App.translate("BindingCheck", "The symbol has no state '%1' to bind."),
        "missing_label_point": App.translate(
            "BindingCheck", "A value label shows %2, which is not a point of the site."),
        "missing_device": App.translate("BindingCheck", "Device %4 is not in the site."),
    }
    return (texts[p.what].replace("%1", state_name(p.key)).replace("%2", p.point).replace("%3", p.kind)
            .replace("%4", p.device))  # fmt: skip


class BindingCheck(QObject):
    """Every symbol's binding problems, following the model; ``count_changed(n)`` for the whole diagram."""

    count_changed = Signal(int)

    def __init__(self, diagram: Diagram, site: SiteModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.diagram = diagram
        self.kinds = {p.id: p.kind for p in site.points}
        self.devices = {d.id for d in site.devices}
        self._found = {p.uuid: self._check(p) for p in diagram.placed}
        self.count = sum(len(v) for v in self._found.values())
        diagram.subscribe(self._changed)

    def detach(self) -> None:
        """Stop following the model."""
        self.diagram.unsubscribe(self._changed)

    def _check(self, placed: PlacedSymbol) -> list[BindingProblem]:
        return symbol_problems(self.diagram, placed, self.kinds, self.devices)

    def _changed(self, change: Change) -> None:
        item, old = change.item, change.old
        if not isinstance(item, PlacedSymbol):
            return
        if isinstance(old, PlacedSymbol) and (old.bindings, old.labels, old.device, old.symbol) == (
                item.bindings, item.labels, item.device, item.symbol):  # fmt: skip
            return  # moved, turned, renamed: the bindings did not change
        before = len(self._found.pop(item.uuid, ()))
        if str(change.kind) != "removed":
            self._found[item.uuid] = self._check(item)
        after = len(self._found.get(item.uuid, ()))
        if after != before:
            self.count += after - before
            self.count_changed.emit(self.count)

    def of(self, uuid: str) -> list[BindingProblem]:
        """The problems of one placed symbol (none for other items)."""
        return self._found.get(uuid, [])

    def findings(self) -> list[Finding]:
        """Every problem of the diagram in drawing order, worded with the symbol's designation."""
        language = names_language()
        return [Finding(p.uuid, App.translate("BindingCheck", "%1: %2").replace("%1", who(self.diagram, p, language))
                        .replace("%2", problem_words(problem)))
                for p in self.diagram.placed for problem in self._found.get(p.uuid, ())]  # fmt: skip
