"""Copy and paste of diagram items, through the diagram file format.

The clipboard carries the same JSON a file does (symbols embedded), so anything that can be
saved can be pasted - into another diagram, or another SwitchRoom - and a paste is checked
by the same two-stage load as opening a file.  Pasted items get fresh uuids and are moved
by an offset, so they never collide with what they were copied from.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping

from app.diagram.fileformat import document, loads
from app.diagram.geometry import Point2
from app.diagram.model import Diagram, Item, Wire, WireEnd, new_uuid
from app.diagram.symbols import Symbol


def copy(diagram: Diagram, uuids: Iterable[str]) -> str:
    """A selection as diagram file text.  A wire is copied only when both its symbols are,
    since half a wire cannot be pasted."""
    chosen = {u for u in uuids if u in diagram.items}
    items = [i for u, i in diagram.items.items() if u in chosen
             and (not isinstance(i, Wire) or {i.start.symbol, i.end.symbol} <= chosen)]
    return json.dumps(document(diagram, items), ensure_ascii=False)


def _moved(p: Point2, offset: Point2) -> Point2:
    return (p[0] + offset[0], p[1] + offset[1])


def paste(diagram: Diagram, text: str, library: Mapping[str, Symbol], offset: Point2 = (2.0, 2.0)) -> list[Item]:
    """Add copied items with fresh uuids, moved by ``offset``; returns them (an undo removes them).
    A bad clipboard raises `DiagramFileError` naming "clipboard" and every problem."""
    clip = loads(text, library, "clipboard")
    fresh = {u: new_uuid() for u in clip.items}
    for symbol in clip.symbols.values():
        if symbol.id not in diagram.symbols:
            diagram.define(symbol)
    added: list[Item] = []
    for item in clip.items.values():
        new: Item
        if isinstance(item, Wire):
            new = Wire(fresh[item.uuid], WireEnd(fresh[item.start.symbol], item.start.terminal),
                       WireEnd(fresh[item.end.symbol], item.end.terminal),
                       tuple(_moved(p, offset) for p in item.waypoints))
        else:
            new = dataclasses.replace(item, uuid=fresh[item.uuid], position=_moved(item.position, offset))
        added.append(diagram.add(new))
    return added
