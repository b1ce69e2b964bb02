"""A single-line diagram as data: placed symbols, wires between terminals, texts, links.

The diagram is the one truth the editor, the runtime view, the tracer and the file format
share (orange-canvas-core's scheme model).  Items are frozen dataclasses; every edit goes
through a `Diagram` method that replaces the item and tells the observers (``added``,
``removed``, ``changed`` with the item), so a Qt scene follows the model and an undo
command only needs what `Diagram.edit` hands back (the old values).  No Qt here.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid as uuidlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from app.diagram.geometry import ROTATIONS, Direction, Point2, place_point, placed_size
from app.diagram.symbols import Symbol, Terminal

log = logging.getLogger(__name__)
_T = TypeVar("_T")


def new_uuid() -> str:
    """A fresh item id (uuid4 as text: stable across save, load, copy and undo)."""
    return str(uuidlib.uuid4())


@dataclass(frozen=True, slots=True)
class ValueLabel:
    """A live value shown next to a symbol: which point, how (format spec and unit), where."""

    point: str
    format: str = ".1f"  # a Python format spec: ".1f", ".0f", "d"
    unit: str = ""
    offset: Point2 = (0.0, 0.0)  # from the symbol's top-left, in grid units

    def text(self, value: float) -> str:
        """The label as shown for ``value`` (a bad format spec falls back to plain ``str``)."""
        try:
            shown = format(value, self.format)
        except (ValueError, TypeError):
            shown = str(value)
        return f"{shown} {self.unit}".rstrip()


@dataclass(frozen=True, slots=True)
class PlacedSymbol:
    """A symbol on the diagram: position (top-left as seen), rotation, flip, and its bindings.

    ``bindings`` maps a state key of the symbol (``position``, ``withdrawn``) to a point id;
    ``kv`` overrides a winding's voltage (``{"lv": 0.4}``); ``length`` stretches a busbar.
    """

    uuid: str
    symbol: str
    position: Point2
    rotation: int = 0
    flip: bool = False
    name: str = ""  # the plant's designation: "QF1", "1#主变"
    device: str = ""  # the site device this symbol stands for (faceplate, alarms)
    bindings: Mapping[str, str] = field(default_factory=dict)
    labels: tuple[ValueLabel, ...] = ()
    kv: Mapping[str, float] = field(default_factory=dict)
    length: float | None = None
    layer: str = ""  # a `Layer.name` of the diagram; "" is the base layer


@dataclass(frozen=True, slots=True)
class WireEnd:
    """One end of a wire: a placed symbol's terminal."""

    symbol: str  # PlacedSymbol.uuid
    terminal: str


@dataclass(frozen=True, slots=True)
class Wire:
    """A conductor between two terminals; ``waypoints`` are the corners the router or a person chose."""

    uuid: str
    start: WireEnd
    end: WireEnd
    waypoints: tuple[Point2, ...] = ()


@dataclass(frozen=True, slots=True)
class Text:
    """Free text on the diagram (titles, notes)."""

    uuid: str
    position: Point2
    text: str
    size: float = 1.0
    layer: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    """A clickable area that opens another diagram (room diagrams from the overview and back)."""

    uuid: str
    position: Point2
    target: str  # Diagram.id of the other diagram
    text: str = ""
    size: Point2 = (6.0, 2.0)
    layer: str = ""


@dataclass(frozen=True, slots=True)
class Layer:
    """A named sheet of the drawing (badges, notes, a future extension) an engineer can hide or lock.

    Symbols, texts and links sit on one layer each; wires go with their symbols.  The base layer
    ``""`` always exists and cannot be removed.  Visibility and lock are saved with the drawing,
    so an archive print shows what the engineer chose.
    """

    name: str
    visible: bool = True
    locked: bool = False


Item = PlacedSymbol | Wire | Text | Link


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a person should know about a symbol (a trace's fault, a bad binding), in words."""

    symbol: str  # PlacedSymbol uuid
    text: str
ChangeKind = Literal["added", "removed", "changed", "layers"]


@dataclass(frozen=True, slots=True)
class Change:
    """What an observer hears: the kind of change and the item (for ``changed``, the new item).

    ``layers`` (the layer list changed) carries no item: ``item`` is None then."""

    kind: ChangeKind
    item: Item  # None only for kind "layers"
    old: Item | None = None


Observer = Callable[[Change], None]


class DiagramError(ValueError):
    """An edit that would break the diagram (unknown symbol or terminal, duplicate uuid)."""


class Diagram:
    """A single-line diagram: its identity, its symbol definitions in use, and its items."""

    def __init__(self, id: str, name: str = "", room: str = "", size: Point2 = (120.0, 80.0),
                 version: int = 1) -> None:
        self.id = id
        self.name = name
        self.room = room
        self.size = size
        self.version = version  # the drawing's own revision, not the file format's
        self.symbols: dict[str, Symbol] = {}  # definitions in use (embedded on save)
        self.items: dict[str, Item] = {}  # by uuid; insertion order (a loaded file: symbols, texts, links, wires)
        self._observers: list[Observer] = []
        self._wires_at: dict[str, set[str]] = {}  # symbol uuid -> uuids of wires ending there
        self.layers: tuple[Layer, ...] = (Layer(""),)

    # ------------------------------------------------------------ observers

    def subscribe(self, observer: Observer) -> None:
        """Call ``observer(change)`` after every edit."""
        self._observers.append(observer)

    def unsubscribe(self, observer: Observer) -> None:
        """Stop calling ``observer``."""
        self._observers.remove(observer)

    def _tell(self, change: Change) -> None:
        for observer in list(self._observers):
            observer(change)

    # ------------------------------------------------------------ reading

    def define(self, symbol: Symbol) -> None:
        """Make ``symbol`` usable in this diagram (a same-id definition is replaced)."""
        self.symbols[symbol.id] = symbol

    def of_type(self, kind: type[_T]) -> list[_T]:
        """All items of one type (PlacedSymbol, Wire, Text, Link), in drawing order."""
        return [i for i in self.items.values() if isinstance(i, kind)]

    @property
    def placed(self) -> list[PlacedSymbol]:
        """The placed symbols, in drawing order."""
        return self.of_type(PlacedSymbol)

    @property
    def wires(self) -> list[Wire]:
        """The wires, in drawing order."""
        return self.of_type(Wire)

    def symbol_of(self, placed: PlacedSymbol) -> Symbol:
        """The definition of a placed symbol."""
        return self.symbols[placed.symbol]

    def wires_at(self, symbol_uuid: str) -> list[Wire]:
        """The wires ending at a placed symbol (they follow it when it moves)."""
        return [self.items[w] for w in sorted(self._wires_at.get(symbol_uuid, ()))]  # type: ignore[misc]

    def terminal(self, end: WireEnd) -> Terminal | None:
        """The terminal a wire end names, or None when the symbol or terminal does not exist."""
        placed = self.items.get(end.symbol)
        if not isinstance(placed, PlacedSymbol) or placed.symbol not in self.symbols:
            return None
        return self.symbols[placed.symbol].terminal(end.terminal, placed.length)

    def _resolve(self, end: WireEnd) -> tuple[PlacedSymbol, Symbol, Terminal]:
        placed = self.items.get(end.symbol)
        if not isinstance(placed, PlacedSymbol):
            raise DiagramError(f"no placed symbol with uuid {end.symbol} on the diagram")
        symbol = self.symbols[placed.symbol]
        t = symbol.terminal(end.terminal, placed.length)
        if t is None:
            raise DiagramError(f"symbol {placed.name or placed.uuid} ({placed.symbol}) has no terminal "
                               f"{end.terminal!r}")
        return placed, symbol, t

    def terminal_position(self, end: WireEnd) -> Point2:
        """Where a terminal is on the diagram, after the symbol's rotation and flip."""
        placed, symbol, t = self._resolve(end)
        return place_point(t.at, symbol.size_for(placed.length), placed.position, placed.rotation, placed.flip)

    def terminal_direction(self, end: WireEnd) -> Direction:
        """Which way a terminal faces on the diagram (the router leaves it that way)."""
        placed, _, t = self._resolve(end)
        return t.dir.turned(placed.rotation, placed.flip)

    def bounds(self, placed: PlacedSymbol) -> tuple[float, float, float, float]:
        """The box a placed symbol covers on the diagram: x, y, width, height."""
        w, h = placed_size(self.symbols[placed.symbol].size_for(placed.length), placed.rotation)
        return (placed.position[0], placed.position[1], w, h)

    def layer(self, name: str) -> Layer:
        """A layer by name (an item naming a layer the diagram lacks is on the base layer)."""
        return next((lay for lay in self.layers if lay.name == name), self.layers[0])

    def layer_of(self, item: Item) -> Layer:
        """The layer an item is drawn on; a wire is on its start symbol's layer."""
        if isinstance(item, Wire):
            owner = self.items.get(item.start.symbol)
            return self.layer(getattr(owner, "layer", ""))
        return self.layer(item.layer)

    # ------------------------------------------------------------ editing

    def set_layers(self, layers: Iterable[Layer]) -> tuple[Layer, ...]:
        """Replace the layer list (order = drawing order, base first); returns the old one for undo.
        Items on a layer that is dropped fall back to the base layer when drawn."""
        new = tuple(layers)
        names = [lay.name for lay in new]
        if not new or new[0].name != "":
            raise DiagramError("the base layer (no name) must stay first")
        if len(set(names)) != len(names):
            raise DiagramError("two layers with the same name")
        old, self.layers = self.layers, new
        self._tell(Change("layers", None))  # type: ignore[arg-type]
        return old

    def _check(self, item: Item) -> None:
        if item.uuid in self.items:
            raise DiagramError(f"an item with uuid {item.uuid} is already on the diagram")
        if isinstance(item, PlacedSymbol):
            if item.symbol not in self.symbols:
                raise DiagramError(f"symbol {item.symbol!r} is not defined in this diagram")
            if item.rotation not in ROTATIONS:
                raise DiagramError(f"rotation {item.rotation} of {item.name or item.uuid} is not one of {ROTATIONS}")
        elif isinstance(item, Wire):
            for label, end in (("start", item.start), ("end", item.end)):
                if self.terminal(end) is None:
                    raise DiagramError(f"wire {item.uuid}: its {label} {end.symbol}:{end.terminal} is not a terminal "
                                       "on the diagram")

    def add(self, item: Item, index: int | None = None) -> Item:
        """Put an item on the diagram (a wire's terminals must exist); observers hear ``added``.
        ``index`` puts it at that place in the drawing order (an undone removal goes back where it was)."""
        self._check(item)
        if index is None or index >= len(self.items):
            self.items[item.uuid] = item
        else:
            entries = list(self.items.items())
            entries.insert(max(0, index), (item.uuid, item))
            self.items = dict(entries)
        if isinstance(item, Wire):
            for end in (item.start, item.end):
                self._wires_at.setdefault(end.symbol, set()).add(item.uuid)
        self._tell(Change("added", item))
        return item

    def remove(self, uuid: str) -> list[Item]:
        """Take an item off; a symbol takes its wires with it.  Returns what was removed, wires
        first, so an undo adds them back in reverse order."""
        item = self.items.get(uuid)
        if item is None:
            raise DiagramError(f"no item with uuid {uuid} on the diagram")
        removed: list[Item] = []
        if isinstance(item, PlacedSymbol):
            for wire in self.wires_at(uuid):
                removed += self.remove(wire.uuid)
        del self.items[uuid]
        if isinstance(item, Wire):
            for end in (item.start, item.end):
                self._wires_at.get(end.symbol, set()).discard(uuid)
        self._wires_at.pop(uuid, None)
        self._tell(Change("removed", item))
        return [*removed, item]

    def edit(self, uuid: str, **changes: Any) -> dict[str, Any]:
        """Change fields of an item (``position=``, ``rotation=``, ``bindings=``...); returns the old
        values, so ``edit(uuid, **old)`` undoes it.  Observers hear ``changed``."""
        old = self.items.get(uuid)
        if old is None:
            raise DiagramError(f"no item with uuid {uuid} on the diagram")
        names = {f.name for f in dataclasses.fields(old)} - {"uuid"}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise DiagramError(f"{type(old).__name__} has no field(s) {', '.join(unknown)}")
        new = dataclasses.replace(old, **changes)
        if isinstance(new, PlacedSymbol):
            if new.rotation not in ROTATIONS:
                raise DiagramError(f"rotation {new.rotation} is not one of {ROTATIONS}")
            if new.symbol not in self.symbols:
                raise DiagramError(f"symbol {new.symbol!r} is not defined in this diagram")
            symbol = self.symbols[new.symbol]
            for wire in self.wires_at(uuid):  # a shorter busbar or another symbol must keep its wires' terminals
                for end in (wire.start, wire.end):
                    if end.symbol == uuid and symbol.terminal(end.terminal, new.length) is None:
                        raise DiagramError(f"{new.name or uuid}: wire {wire.uuid} ends at terminal {end.terminal!r}, "
                                           "which would no longer exist; remove or move the wire first")
        if isinstance(new, Wire):
            for end in (new.start, new.end):
                if self.terminal(end) is None:
                    raise DiagramError(f"wire {uuid}: {end.symbol}:{end.terminal} is not a terminal on the diagram")
            for end in (old.start, old.end):  # type: ignore[union-attr]
                self._wires_at.get(end.symbol, set()).discard(uuid)
            for end in (new.start, new.end):
                self._wires_at.setdefault(end.symbol, set()).add(uuid)
        self.items[uuid] = new
        self._tell(Change("changed", new, old))
        return {k: getattr(old, k) for k in changes}

    def move(self, uuid: str, position: Point2) -> dict[str, Any]:
        """Move a symbol, text or link (wires follow through their terminals); returns the old values."""
        return self.edit(uuid, position=(float(position[0]), float(position[1])))

    def rotate(self, uuid: str, quarter_turns: int = 1) -> dict[str, Any]:
        """Turn a placed symbol clockwise by quarter turns; returns the old values."""
        placed = self.items[uuid]
        assert isinstance(placed, PlacedSymbol)
        return self.edit(uuid, rotation=(placed.rotation + 90 * quarter_turns) % 360)

    def connect(self, start: WireEnd, end: WireEnd, waypoints: Iterable[Point2] = (),
                uuid: str | None = None) -> Wire:
        """Draw a wire from terminal to terminal."""
        wire = Wire(uuid or new_uuid(), start, end, tuple(waypoints))
        self.add(wire)
        return wire

    def place(self, symbol: Symbol, position: Point2, **fields: Any) -> PlacedSymbol:
        """Place a symbol (defining it in the diagram if new) and return the placed item."""
        if symbol.id not in self.symbols:
            self.define(symbol)
        placed = PlacedSymbol(fields.pop("uuid", None) or new_uuid(), symbol.id,
                              (float(position[0]), float(position[1])), **fields)
        self.add(placed)
        return placed
