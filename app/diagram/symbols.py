"""The symbol library: single-line symbols as data (drawing, terminals, names, state bindings).

A symbol is data, not code (as in QElectroTech), so an engineer can add one without a
release and a diagram file can carry the symbols it uses.  Drawings are vector primitives in
the symbol's own grid units with colour *tokens* (``fg``, ``bg``, ``state``, ``energy``,
``none``) that the theme resolves, so a symbol stays crisp at any zoom and right in both
light and dark themes.  ``kind`` tells the energisation tracer what the symbol does
electrically; ``states`` say which bound point drives which state; ``windings`` group a
transformer's (or a source's) terminals with their voltage.

A bad symbol file is refused with the file, the key path and what is wrong, in words.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.diagram.geometry import Direction, Point2

log = logging.getLogger(__name__)

#: The shipped library.
SYMBOL_FOLDER = Path(__file__).resolve().parents[2] / "resources" / "symbols"

SOURCE_KINDS = frozenset({"utility_source", "generator"})
SWITCH_KINDS = frozenset({"breaker", "load_break_switch", "disconnector", "earthing_switch", "fuse"})
#: Symbols whose terminals are all one conductor (a section passes through them or ends there).
JOINED_KINDS = frozenset({"busbar", "ct", "vt", "arrester", "capacitor", "load", "motor", "cable_end", "meter"})
KINDS = SOURCE_KINDS | SWITCH_KINDS | JOINED_KINDS | {"transformer", "badge"}

#: Colour tokens a drawing may use; the theme maps them to colours.
COLOURS = frozenset({"fg", "bg", "none", "state", "energy"})
SHAPES = frozenset({"line", "polyline", "polygon", "rect", "circle", "arc", "text"})
#: States a switching device is drawn in (a primitive's ``when``).
DRAWN_STATES = frozenset({"closed", "open", "unknown", "withdrawn"})


class SymbolError(ValueError):
    """A symbol definition that cannot be used; the message says where and what."""


@dataclass(frozen=True, slots=True)
class Shape:
    """One drawing primitive in symbol grid units (``when``: drawn only in those states)."""

    type: str
    points: tuple[Point2, ...] = ()  # line/polyline/polygon: the vertices; rect: top-left, bottom-right
    center: Point2 | None = None  # circle, arc
    r: float = 0.0
    start: float = 0.0  # arc: degrees, 0 = east, counter-clockwise as seen (Qt's convention)
    span: float = 360.0
    text: str = ""  # text: drawn at points[0]
    size: float = 0.8  # text height in grid units
    stroke: str = "fg"
    fill: str = "none"
    width: float = 0.1  # pen width in grid units (scales with zoom like the drawing)
    when: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Terminal:
    """Where a wire connects: an id unique in the symbol, a position and the side it faces."""

    id: str
    at: Point2
    dir: Direction


@dataclass(frozen=True, slots=True)
class StateBinding:
    """A state the symbol shows from one point: e.g. ``position`` with 1 -> closed, 0 -> open."""

    key: str
    values: Mapping[int, str]
    required: bool = True
    doc: str = ""


@dataclass(frozen=True, slots=True)
class Winding:
    """A group of terminals at one voltage (a transformer winding, a source's output)."""

    id: str
    terminals: tuple[str, ...]
    kv: float


@dataclass(frozen=True, slots=True)
class Stretch:
    """A symbol drawn to any length along x (a busbar): terminals every ``pitch`` on each side."""

    min: int = 2
    pitch: int = 1
    sides: tuple[Direction, ...] = (Direction.N, Direction.S)


@dataclass(frozen=True, slots=True)
class Symbol:
    """One symbol definition, validated."""

    id: str
    names: Mapping[str, str]
    kind: str
    size: Point2
    shapes: tuple[Shape, ...]
    terminals: tuple[Terminal, ...]
    states: tuple[StateBinding, ...] = ()
    windings: tuple[Winding, ...] = ()
    stretch: Stretch | None = None
    tags: tuple[str, ...] = field(default=())

    def name(self, language: str = "zh") -> str:
        """The symbol's name in ``language`` (falls back to English, then the id)."""
        return self.names.get(language) or self.names.get("en") or self.id

    def size_for(self, length: float | None = None) -> Point2:
        """The box of the symbol; a stretchable symbol is ``length`` grid units long."""
        if self.stretch is None or length is None:
            return self.size
        return (float(length), self.size[1])

    def terminals_for(self, length: float | None = None) -> tuple[Terminal, ...]:
        """Terminals of the symbol; a busbar gets one per pitch on each of its sides."""
        if self.stretch is None:
            return self.terminals
        w, h = self.size_for(length)
        y = h / 2
        steps = int(w // self.stretch.pitch)
        return tuple(
            Terminal(f"{side.value}{i}", (float(i * self.stretch.pitch), y), side)
            for side in self.stretch.sides
            for i in range(steps + 1)
        )

    def terminal(self, terminal_id: str, length: float | None = None) -> Terminal | None:
        """The terminal named ``terminal_id``, or None."""
        if self.stretch is not None:  # "S12": computed, not searched (a long busbar has hundreds)
            side, number = terminal_id[:1], terminal_id[1:]
            if side not in self.stretch.sides or not number.isdigit() or str(int(number)) != number:
                return None
            w, h = self.size_for(length)
            at = int(number) * self.stretch.pitch
            return Terminal(terminal_id, (float(at), h / 2), Direction(side)) if at <= w else None
        for t in self.terminals_for(length):
            if t.id == terminal_id:
                return t
        return None

    def state_binding(self, key: str) -> StateBinding | None:
        """The state binding called ``key``, or None."""
        return next((s for s in self.states if s.key == key), None)


# ---------------------------------------------------------------- parsing


def _require(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise SymbolError(f"{where}: '{key}' is missing")
    return data[key]


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SymbolError(f"{where}: expected a number, found {value!r}")
    return float(value)


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise SymbolError(f"{where}: expected a list, found {value!r}")
    return value


def _pair(value: Any, where: str) -> Point2:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise SymbolError(f"{where}: expected [x, y], found {value!r}")
    return (_number(value[0], where), _number(value[1], where))


def _shape(data: Any, where: str) -> Shape:
    if not isinstance(data, dict):
        raise SymbolError(f"{where}: a drawing primitive must be an object, found {data!r}")
    kind = _require(data, "type", where)
    if not isinstance(kind, str) or kind not in SHAPES:
        raise SymbolError(f"{where}: unknown primitive type {kind!r} (one of {', '.join(sorted(SHAPES))})")
    known = {"type", "points", "center", "r", "start", "span", "text", "size", "stroke", "fill", "width", "when"}
    extra = sorted(set(data) - known)
    if extra:
        raise SymbolError(f"{where}: unknown key(s) {', '.join(extra)}")
    points = tuple(_pair(p, f"{where}.points[{i}]") for i, p in enumerate(_list(data.get("points", []), where)))
    needed = {"line": 2, "polyline": 2, "polygon": 3, "rect": 2, "text": 1}.get(kind, 0)
    if len(points) < needed or (kind in ("line", "rect") and len(points) != 2):
        raise SymbolError(f"{where}: a {kind} needs {'exactly' if kind in ('line', 'rect') else 'at least'} "
                          f"{needed} point(s), found {len(points)}")
    center = None
    if kind in ("circle", "arc"):
        center = _pair(_require(data, "center", where), f"{where}.center")
        if _number(_require(data, "r", where), f"{where}.r") <= 0:
            raise SymbolError(f"{where}.r: the radius must be positive")
    if kind == "text" and not isinstance(data.get("text"), str):
        raise SymbolError(f"{where}: a text needs 'text' (a string)")
    for key in ("stroke", "fill"):
        token = data.get(key, "fg" if key == "stroke" else "none")
        if not isinstance(token, str) or token not in COLOURS:
            raise SymbolError(f"{where}.{key}: {data[key]!r} is not a colour token ({', '.join(sorted(COLOURS))}); "
                              "symbols use tokens so both themes can draw them")
    when = data.get("when", [])
    if not isinstance(when, list) or not all(isinstance(w, str) and w in DRAWN_STATES for w in when):
        raise SymbolError(f"{where}.when: expected a list of states from {', '.join(sorted(DRAWN_STATES))}, "
                          f"found {when!r}")
    return Shape(
        type=kind, points=points, center=center, r=_number(data.get("r", 0.0), f"{where}.r"),
        start=_number(data.get("start", 0.0), f"{where}.start"), span=_number(data.get("span", 360.0), f"{where}.span"),
        text=data.get("text", ""), size=_number(data.get("size", 0.8), f"{where}.size"),
        stroke=data.get("stroke", "fg"), fill=data.get("fill", "none"),
        width=_number(data.get("width", 0.1), f"{where}.width"), when=tuple(when),
    )


def _terminal(data: Any, where: str) -> Terminal:
    if not isinstance(data, dict):
        raise SymbolError(f"{where}: a terminal must be an object, found {data!r}")
    tid = _require(data, "id", where)
    direction = _require(data, "dir", where)
    try:
        facing = Direction(direction)
    except (ValueError, TypeError):
        raise SymbolError(f"{where}.dir: {direction!r} is not a direction (N, E, S or W)") from None
    if not isinstance(tid, str) or not tid:
        raise SymbolError(f"{where}.id: expected a non-empty text, found {tid!r}")
    return Terminal(tid, _pair(_require(data, "at", where), f"{where}.at"), facing)


def _state(key: str, data: Any, where: str) -> StateBinding:
    if not isinstance(data, dict) or not isinstance(data.get("values"), dict) or not data["values"]:
        raise SymbolError(f"{where}: a state needs 'values', e.g. {{\"1\": \"closed\", \"0\": \"open\"}}")
    values: dict[int, str] = {}
    for raw, meaning in data["values"].items():
        try:
            values[int(raw)] = str(meaning)
        except ValueError:
            raise SymbolError(f"{where}.values: {raw!r} is not an integer point value") from None
    return StateBinding(key, values, bool(data.get("required", True)), str(data.get("doc", "")))


def parse_symbol(data: Any, where: str = "symbol") -> Symbol:
    """Validate one symbol definition (a decoded JSON object); SymbolError says what is wrong."""
    if not isinstance(data, dict):
        raise SymbolError(f"{where}: a symbol must be an object")
    sid = _require(data, "id", where)
    if not isinstance(sid, str) or not sid:
        raise SymbolError(f"{where}.id: expected a non-empty string")
    where = f"{where} '{sid}'"
    names = _require(data, "names", where)
    if not isinstance(names, dict) or not all(isinstance(names.get(k), str) and names[k] for k in ("zh", "en")):
        raise SymbolError(f"{where}.names: needs both 'zh' and 'en'")
    kind = _require(data, "kind", where)
    if not isinstance(kind, str) or kind not in KINDS:
        raise SymbolError(f"{where}.kind: unknown kind {kind!r} (one of {', '.join(sorted(KINDS))})")
    size = _pair(_require(data, "size", where), f"{where}.size")
    if size[0] <= 0 or size[1] <= 0:
        raise SymbolError(f"{where}.size: width and height must be positive")
    drawing = _list(_require(data, "drawing", where), f"{where}.drawing")
    shapes = tuple(_shape(s, f"{where}.drawing[{i}]") for i, s in enumerate(drawing))
    raw_terminals = _list(data.get("terminals", []), f"{where}.terminals")
    terminals = tuple(_terminal(t, f"{where}.terminals[{i}]") for i, t in enumerate(raw_terminals))
    ids = [t.id for t in terminals]
    dup = sorted({t for t in ids if ids.count(t) > 1})
    if dup:
        raise SymbolError(f"{where}.terminals: duplicate terminal id(s) {', '.join(dup)}")
    raw_states = data.get("states", {})
    if not isinstance(raw_states, dict):
        raise SymbolError(f"{where}.states: expected an object of states by key")
    states = tuple(_state(k, v, f"{where}.states.{k}") for k, v in raw_states.items())
    windings = []
    for i, w in enumerate(_list(data.get("windings", []), f"{where}.windings")):
        wwhere = f"{where}.windings[{i}]"
        if not isinstance(w, dict):
            raise SymbolError(f"{wwhere}: a winding must be an object (id, terminals, kv)")
        wt = tuple(_list(_require(w, "terminals", wwhere), f"{wwhere}.terminals"))
        missing = [t for t in wt if t not in ids]
        if missing:
            raise SymbolError(f"{wwhere}: terminal(s) {', '.join(missing)} not defined in 'terminals'")
        windings.append(Winding(str(_require(w, "id", wwhere)), wt, _number(_require(w, "kv", wwhere), wwhere)))
    stretch = None
    if "stretch" in data:
        s = data["stretch"]
        try:
            stretch = Stretch(int(s.get("min", 2)), int(s.get("pitch", 1)),
                              tuple(Direction(d) for d in s.get("sides", ["N", "S"])))
        except (AttributeError, TypeError, ValueError, OverflowError):
            raise SymbolError(f"{where}.stretch: expected {{\"min\": 2, \"pitch\": 1, \"sides\": [\"N\", \"S\"]}}, "
                              f"found {s!r}") from None
        if stretch.pitch < 1:
            raise SymbolError(f"{where}.stretch.pitch: must be at least 1")
    if kind == "transformer" and len(windings) < 2:
        raise SymbolError(f"{where}: a transformer needs at least two windings (hv, lv) with their kV")
    if kind in SOURCE_KINDS and len(windings) != 1:
        raise SymbolError(f"{where}: a source needs exactly one winding (its output terminals and kV)")
    if kind in SWITCH_KINDS - {"fuse", "earthing_switch"} and len(terminals) != 2:
        raise SymbolError(f"{where}: a {kind} needs exactly two terminals, found {len(terminals)}")
    if kind in SWITCH_KINDS - {"fuse"} and not any(s.key == "position" for s in states):
        raise SymbolError(f"{where}: a {kind} needs a 'position' state (1 closed, 0 open)")
    if kind == "busbar" and stretch is None:
        raise SymbolError(f"{where}: a busbar needs 'stretch' (its terminals follow its length)")
    tags = _list(data.get("tags", []), f"{where}.tags")
    if not all(isinstance(t, str) for t in tags):
        raise SymbolError(f"{where}.tags: expected a list of texts")
    return Symbol(sid, {k: v for k, v in names.items() if isinstance(v, str)}, kind, size, shapes, terminals, states,
                  tuple(windings), stretch, tuple(tags))


# ---------------------------------------------------------------- writing


def _shape_dict(s: Shape) -> dict[str, Any]:
    out: dict[str, Any] = {"type": s.type}
    if s.points:
        out["points"] = [list(p) for p in s.points]
    if s.center is not None:
        out["center"] = list(s.center)
        out["r"] = s.r
    if s.type == "arc":
        out["start"], out["span"] = s.start, s.span
    if s.type == "text":
        out["text"], out["size"] = s.text, s.size
    if s.stroke != "fg":
        out["stroke"] = s.stroke
    if s.fill != "none":
        out["fill"] = s.fill
    if s.width != 0.1:
        out["width"] = s.width
    if s.when:
        out["when"] = list(s.when)
    return out


def symbol_to_dict(symbol: Symbol) -> dict[str, Any]:
    """The JSON object of a symbol; `parse_symbol` of it gives the same symbol back."""
    out: dict[str, Any] = {"id": symbol.id, "names": dict(symbol.names), "kind": symbol.kind,
                           "size": list(symbol.size), "drawing": [_shape_dict(s) for s in symbol.shapes]}
    if symbol.terminals:
        out["terminals"] = [{"id": t.id, "at": list(t.at), "dir": t.dir.value} for t in symbol.terminals]
    if symbol.states:
        out["states"] = {s.key: {"values": {str(k): v for k, v in s.values.items()}, "required": s.required,
                                 **({"doc": s.doc} if s.doc else {})} for s in symbol.states}
    if symbol.windings:
        out["windings"] = [{"id": w.id, "terminals": list(w.terminals), "kv": w.kv} for w in symbol.windings]
    if symbol.stretch is not None:
        out["stretch"] = {"min": symbol.stretch.min, "pitch": symbol.stretch.pitch,
                          "sides": [d.value for d in symbol.stretch.sides]}
    if symbol.tags:
        out["tags"] = list(symbol.tags)
    return out


# ---------------------------------------------------------------- the library


class SymbolLibrary(Mapping[str, Symbol]):
    """Symbols by id, read from a folder of ``<id>.json`` files (one symbol per file)."""

    def __init__(self, symbols: dict[str, Symbol] | None = None) -> None:
        self._symbols: dict[str, Symbol] = dict(symbols or {})

    def __getitem__(self, key: str) -> Symbol:
        return self._symbols[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._symbols)

    def __len__(self) -> int:
        return len(self._symbols)

    def search(self, text: str) -> list[Symbol]:
        """Symbols whose id, names, kind or tags contain ``text`` (the palette's search box)."""
        needle = text.strip().lower()
        return [s for s in self._symbols.values()
                if not needle or any(needle in x.lower() for x in (s.id, s.kind, *s.names.values(), *s.tags))]


def load_symbol_file(path: Path) -> Symbol:
    """Read and validate one symbol file; SymbolError names the file and the problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SymbolError(f"{path.name}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except OSError as exc:
        raise SymbolError(f"{path.name}: cannot be read ({exc.strerror})") from None
    symbol = parse_symbol(data, path.name)
    if symbol.id != path.stem:
        raise SymbolError(f"{path.name}: the symbol's id {symbol.id!r} differs from the file name {path.stem!r}")
    return symbol


def load_library(folder: Path = SYMBOL_FOLDER) -> SymbolLibrary:
    """Every ``*.json`` symbol in ``folder``; the first bad file stops loading with its message."""
    return SymbolLibrary({p.stem: load_symbol_file(p) for p in sorted(folder.glob("*.json"))})
