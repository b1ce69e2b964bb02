"""The diagram file: versioned JSON with the symbols it uses embedded, loaded in two stages.

Stage one parses the structure (is it our format, which version, are the fields the right
shape); stage two validates against the symbols (unknown symbol, a wire to a terminal that
does not exist, a duplicate uuid, a binding to a state the symbol does not have).  Every
problem found is reported at once, in words, with where it is, so an engineer can fix a file
in one pass; a version this build does not know is refused rather than half-read.  The used
symbols travel in the file (embedded definitions win over the library) so a diagram opens
on a machine whose library differs.  Copy/paste (`app.diagram.clipboard`) uses the same
format, so what can be saved can be pasted.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.diagram.geometry import ROTATIONS, Point2
from app.diagram.model import Diagram, DiagramError, Item, Layer, Link, PlacedSymbol, Text, ValueLabel, Wire, WireEnd
from app.diagram.symbols import Symbol, SymbolError, parse_symbol, symbol_to_dict

log = logging.getLogger(__name__)

FORMAT = "switchroom-diagram"
VERSION = 1
#: The longest busbar, in grid units: far beyond any room, short of a file that asks for millions of terminals.
MAX_LENGTH = 2000


class DiagramFileError(ValueError):
    """A diagram file that cannot be opened; ``problems`` lists each one with where it is."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        shown = "\n  ".join(problems[:20]) + (f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else "")
        super().__init__(f"{source}: cannot open the diagram:\n  {shown}")


_UNFORESEEN = (TypeError, ValueError, AttributeError, OverflowError)


class _Problems(Exception):
    """Stage one stops at the first shape error inside an item; this carries it out."""


# ---------------------------------------------------------------- stage one: structure


def _num(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Problems(f"{where}: expected a number, found {value!r}")
    return float(value)


def _pair(value: Any, where: str) -> Point2:
    if not isinstance(value, list) or len(value) != 2:
        raise _Problems(f"{where}: expected [x, y], found {value!r}")
    return (_num(value[0], where), _num(value[1], where))


def _str(data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    if key not in data:
        if default is None:
            raise _Problems(f"{where}.{key} is missing")
        return default
    value = data[key]
    if not isinstance(value, str) or (default is None and not value):
        raise _Problems(f"{where}.{key}: expected {'a non-empty' if default is None else 'a'} text, found {value!r}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Problems(f"{where}: expected a list, found {value!r}")
    return value


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Problems(f"{where}: expected an object, found {type(value).__name__}")
    return value


def _flag(data: Mapping[str, Any], key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise _Problems(f"{where}.{key}: expected true or false, found {value!r}")
    return value


def _end(data: Any, where: str) -> WireEnd:
    d = _obj(data, where)
    return WireEnd(_str(d, "symbol", where), _str(d, "terminal", where))


def _placed(d: dict[str, Any], where: str) -> PlacedSymbol:
    rotation = d.get("rotation", 0)
    if isinstance(rotation, bool) or rotation not in ROTATIONS:
        raise _Problems(f"{where}.rotation: {rotation!r} is not one of {', '.join(map(str, ROTATIONS))}")
    bindings = _obj(d.get("bindings", {}), f"{where}.bindings")
    if not all(isinstance(v, str) and v for v in bindings.values()):
        raise _Problems(f"{where}.bindings: each state must name a point id (text)")
    labels = []
    for i, raw in enumerate(_list(d.get("labels", []), f"{where}.labels")):
        lw = f"{where}.labels[{i}]"
        ld = _obj(raw, lw)
        labels.append(ValueLabel(_str(ld, "point", lw), _str(ld, "format", lw, ".1f"), _str(ld, "unit", lw, ""),
                                 _pair(ld.get("offset", [0, 0]), f"{lw}.offset")))
    kv = {str(k): _num(v, f"{where}.kv.{k}") for k, v in _obj(d.get("kv", {}), f"{where}.kv").items()}
    length = d.get("length")
    return PlacedSymbol(
        _str(d, "uuid", where), _str(d, "symbol", where), _pair(d.get("at"), f"{where}.at"), rotation,
        _flag(d, "flip", where), _str(d, "name", where, ""), _str(d, "device", where, ""), dict(bindings),
        tuple(labels), kv, None if length is None else _num(length, f"{where}.length"), _str(d, "layer", where, ""))


def _wire(d: dict[str, Any], where: str) -> Wire:
    raw = _list(d.get("waypoints", []), f"{where}.waypoints")
    points = tuple(_pair(p, f"{where}.waypoints[{i}]") for i, p in enumerate(raw))
    return Wire(_str(d, "uuid", where), _end(d.get("from"), f"{where}.from"), _end(d.get("to"), f"{where}.to"), points)


def _text(d: dict[str, Any], where: str) -> Text:
    return Text(_str(d, "uuid", where), _pair(d.get("at"), f"{where}.at"), _str(d, "text", where, ""),
                _num(d.get("size", 1.0), f"{where}.size"), _str(d, "layer", where, ""))


def _link(d: dict[str, Any], where: str) -> Link:
    return Link(_str(d, "uuid", where), _pair(d.get("at"), f"{where}.at"), _str(d, "target", where),
                _str(d, "text", where, ""), _pair(d.get("size", [6, 2]), f"{where}.size"), _str(d, "layer", where, ""))


def _layers(raw: Any) -> tuple[Layer, ...]:
    layers = [Layer("")]
    for i, entry in enumerate(_list(raw, "diagram.layers")):
        where = f"diagram.layers[{i}]"
        d = _obj(entry, where)
        name = _str(d, "name", where)
        if not name or name in (lay.name for lay in layers):
            raise _Problems(f"{where}.name: {name!r} is empty or used twice")
        layers.append(Layer(name, not d.get("hidden", False), _flag(d, "locked", where)))
    return tuple(layers)


_READERS = {"placed": _placed, "texts": _text, "links": _link, "wires": _wire}  # the order of the file


@dataclass
class ParsedFile:
    """Stage one's result: the structure, not yet checked against any symbol."""

    header: dict[str, Any]
    symbols: dict[str, Any]
    items: dict[str, list[Item]] = field(default_factory=dict)


def parse(text: str, source: str = "diagram") -> ParsedFile:
    """Stage one: JSON, format and version, and the shape of every item."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise DiagramFileError(source, [f"not valid JSON at {where}: {exc.msg}"]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DiagramFileError(source, [f"not a SwitchRoom diagram (expected \"format\": \"{FORMAT}\")"])
    version = data.get("version")
    if version != VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        raise DiagramFileError(source, [
            f"diagram format version {version!r} is not supported: this SwitchRoom reads version {VERSION}"
            + ("; the file was written by a newer SwitchRoom - update to open it" if newer else "")])
    problems: list[str] = []
    header = data.get("diagram")
    if not isinstance(header, dict):
        problems.append("'diagram' (id, name, room, size, version) is missing")
        header = {}
    elif not isinstance(header.get("id"), str) or not header["id"]:
        problems.append("diagram.id: expected a non-empty text")
    symbols = data.get("symbols", {})
    if not isinstance(symbols, dict):
        problems.append("symbols: expected an object of symbol definitions by id")
        symbols = {}
    parsed = ParsedFile(header, symbols)
    for key, reader in _READERS.items():
        raw = data.get(key, [])
        if not isinstance(raw, list):
            problems.append(f"{key}: expected a list")
            continue
        out: list[Item] = []
        for i, item in enumerate(raw):
            try:
                out.append(reader(_obj(item, f"{key}[{i}]"), f"{key}[{i}]"))
            except _Problems as exc:
                problems.append(str(exc))
            except _UNFORESEEN as exc:  # a shape no check above foresaw: still said in words
                problems.append(f"{key}[{i}]: malformed ({exc})")
        parsed.items[key] = out
    try:
        parsed.header["size"] = _pair(header.get("size", [120, 80]), "diagram.size")
        for key in ("name", "room"):
            parsed.header[key] = _str(header, key, "diagram", "")
        parsed.header["layers"] = _layers(header.get("layers", []))
        revision = header.get("version", 1)
        if isinstance(revision, bool) or not isinstance(revision, int) or revision < 0:
            raise _Problems(f"diagram.version: expected the drawing's revision number, found {revision!r}")
    except _Problems as exc:
        problems.append(str(exc))
    if problems:
        raise DiagramFileError(source, problems)
    return parsed


# ---------------------------------------------------------------- stage two: meaning


def _who(item: Item) -> str:
    name = getattr(item, "name", "")
    return f"'{name}' ({item.uuid})" if name else item.uuid


def build(parsed: ParsedFile, library: Mapping[str, Symbol], source: str = "diagram") -> Diagram:
    """Stage two: resolve symbols (embedded first, then the library) and check every reference."""
    problems: list[str] = []
    symbols: dict[str, Symbol] = {}
    for sid, raw in parsed.symbols.items():
        try:
            symbol = parse_symbol(raw, f"symbols.{sid}")
            if symbol.id != sid:
                problems.append(f"symbols.{sid}: the definition's id {symbol.id!r} differs from its key {sid!r}")
                continue
            symbols[sid] = symbol
        except SymbolError as exc:
            problems.append(str(exc))
        except _UNFORESEEN as exc:  # a shape no check foresaw: still said in words
            problems.append(f"symbols.{sid}: malformed definition ({exc})")
    h = parsed.header
    diagram = Diagram(h.get("id", ""), h.get("name", ""), h.get("room", ""), h["size"], h["version"])
    diagram.layers = h.get("layers", diagram.layers)
    seen: dict[str, str] = {}
    for key in ("placed", "texts", "links", "wires"):
        for i, item in enumerate(parsed.items.get(key, [])):
            where = f"{key}[{i}] {_who(item)}"
            if item.uuid in seen:
                problems.append(f"{where}: uuid already used by {seen[item.uuid]}")
                continue
            seen[item.uuid] = f"{key}[{i}]"
            if isinstance(item, PlacedSymbol):
                symbol = symbols.get(item.symbol) or library.get(item.symbol)
                if symbol is None:
                    problems.append(f"{where}: unknown symbol {item.symbol!r} (neither embedded nor in the library)")
                    continue
                diagram.define(symbol)
                if item.length is not None and (symbol.stretch is None
                                                or not symbol.stretch.min <= item.length <= MAX_LENGTH):
                    problems.append(f"{where}: length {item.length:g} " + (
                        f"is outside {symbol.stretch.min}..{MAX_LENGTH}" if symbol.stretch
                        else f"given, but symbol {symbol.id!r} does not stretch"))
                    continue
                unknown = sorted(set(item.bindings) - {s.key for s in symbol.states})
                if unknown:
                    problems.append(f"{where}: symbol {symbol.id!r} has no state(s) {', '.join(unknown)} to bind "
                                    f"(it has: {', '.join(s.key for s in symbol.states) or 'none'})")
            elif isinstance(item, Wire):
                bad = False
                for label, end in (("from", item.start), ("to", item.end)):
                    target = diagram.items.get(end.symbol)
                    if not isinstance(target, PlacedSymbol):
                        problems.append(f"{where}: '{label}' names symbol {end.symbol}, which is not on the diagram")
                        bad = True
                    elif diagram.terminal(end) is None:
                        problems.append(f"{where}: '{label}' names terminal {end.terminal!r} of {_who(target)}, "
                                        f"which its symbol {target.symbol!r} does not have")
                        bad = True
                if bad:
                    continue
            try:
                diagram.add(item)
            except DiagramError as exc:  # what the checks above did not foresee is still said in words
                problems.append(f"{where}: {exc}")
    if problems:
        raise DiagramFileError(source, problems)
    return diagram


def loads(text: str, library: Mapping[str, Symbol], source: str = "diagram") -> Diagram:
    """A diagram from its file text (both stages); DiagramFileError lists every problem."""
    return build(parse(text, source), library, source)


def load(path: Path, library: Mapping[str, Symbol]) -> Diagram:
    """A diagram from a file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DiagramFileError(path.name, [f"cannot be read ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise DiagramFileError(path.name, ["not UTF-8 text"]) from None
    return loads(text, library, path.name)


# ---------------------------------------------------------------- writing


def _n(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def _p(p: Point2) -> list[float | int]:
    return [_n(p[0]), _n(p[1])]


def item_to_dict(item: Item) -> dict[str, Any]:
    """The JSON object of one item (defaults left out, so files stay readable)."""
    if isinstance(item, PlacedSymbol):
        out: dict[str, Any] = {"uuid": item.uuid, "symbol": item.symbol, "at": _p(item.position)}
        if item.rotation:
            out["rotation"] = item.rotation
        if item.flip:
            out["flip"] = True
        for key in ("name", "device"):
            if getattr(item, key):
                out[key] = getattr(item, key)
        if item.bindings:
            out["bindings"] = dict(item.bindings)
        if item.labels:
            out["labels"] = [{"point": lb.point, "format": lb.format, "unit": lb.unit, "offset": _p(lb.offset)}
                             for lb in item.labels]
        if item.kv:
            out["kv"] = {k: _n(v) for k, v in item.kv.items()}
        if item.length is not None:
            out["length"] = _n(item.length)
        if item.layer:
            out["layer"] = item.layer
        return out
    if isinstance(item, Wire):
        out = {"uuid": item.uuid, "from": {"symbol": item.start.symbol, "terminal": item.start.terminal},
               "to": {"symbol": item.end.symbol, "terminal": item.end.terminal}}
        if item.waypoints:
            out["waypoints"] = [_p(p) for p in item.waypoints]
        return out
    if isinstance(item, Text):
        out = {"uuid": item.uuid, "at": _p(item.position), "text": item.text, "size": _n(item.size)}
    else:
        out = {"uuid": item.uuid, "at": _p(item.position), "target": item.target, "text": item.text,
               "size": _p(item.size)}
    if item.layer:
        out["layer"] = item.layer
    return out


def _layer_dict(layer: Layer) -> dict[str, Any]:
    out: dict[str, Any] = {"name": layer.name}
    if not layer.visible:
        out["hidden"] = True
    if layer.locked:
        out["locked"] = True
    return out


def document(diagram: Diagram, items: Iterable[Item]) -> dict[str, Any]:
    """The file's JSON object for some items of a diagram (all of them for a save, a selection for copy)."""
    chosen = list(items)
    used = sorted({i.symbol for i in chosen if isinstance(i, PlacedSymbol)})
    return {
        "format": FORMAT,
        "version": VERSION,
        "diagram": {"id": diagram.id, "name": diagram.name, "room": diagram.room, "size": _p(diagram.size),
                    "version": diagram.version,
                    **({"layers": [_layer_dict(lay) for lay in diagram.layers[1:]]} if diagram.layers[1:] else {})},
        "symbols": {sid: symbol_to_dict(diagram.symbols[sid]) for sid in used},
        "placed": [item_to_dict(i) for i in chosen if isinstance(i, PlacedSymbol)],
        "texts": [item_to_dict(i) for i in chosen if isinstance(i, Text)],
        "links": [item_to_dict(i) for i in chosen if isinstance(i, Link)],
        "wires": [item_to_dict(i) for i in chosen if isinstance(i, Wire)],
    }


def _one_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _write(document: dict[str, Any]) -> str:
    """JSON with one item (or symbol) per line: a moved breaker is a one-line change in version control."""
    lines = ["{"]
    keys = list(document)
    for n, key in enumerate(keys):
        value = document[key]
        comma = "," if n < len(keys) - 1 else ""
        if isinstance(value, list) and value:
            inner = ",\n".join(f"  {_one_line(v)}" for v in value)
            lines.append(f" {_one_line(key)}: [\n{inner}\n ]{comma}")
        elif isinstance(value, dict) and value and key == "symbols":
            inner = ",\n".join(f"  {_one_line(k)}: {_one_line(v)}" for k, v in value.items())
            lines.append(f" {_one_line(key)}: {{\n{inner}\n }}{comma}")
        else:
            lines.append(f" {_one_line(key)}: {_one_line(value)}{comma}")
    return "\n".join(lines) + "\n}\n"


def dumps(diagram: Diagram) -> str:
    """The file text of a diagram; ``dumps(loads(dumps(d))) == dumps(d)``."""
    return _write(document(diagram, diagram.items.values()))


def save(diagram: Diagram, path: Path) -> None:
    """Write the diagram; a crash mid-write leaves the previous file whole (temp file, then replace)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(diagram), encoding="utf-8")
    os.replace(tmp, path)
