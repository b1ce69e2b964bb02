"""Energisation tracing: which sections are live (at what kV), dead or earthed, from switch states.

The operator reads the plant from colours: a busbar drawn live must be live.  The trace
starts at the sources (utility supply, generators) and runs through closed switching
devices, busbars, wires and pass-through equipment; a transformer carries energy to its
other windings at *their* voltage, so an LV section shows 0.4 kV.  A closed earthing switch
earths its section; earthed and live at once is a fault and is reported.  A switch whose
state is not known (point missing, bad quality, unbound, an undefined value) is treated as
not conducting - the picture never shows energy it cannot vouch for - and is reported.

The connectivity that never changes (wires, busbars, windings) is folded once per diagram
into nodes (`Network`); each recompute only unites the nodes joined by closed switches, so
a state change on a 1,000-element diagram costs about a millisecond.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.diagram.model import Diagram, Finding, PlacedSymbol
from app.diagram.symbols import JOINED_KINDS, SOURCE_KINDS, SWITCH_KINDS, Symbol
from app.model import Quality, Sample

log = logging.getLogger(__name__)

PointValues = Mapping[str, "Sample | float | int | None"]


class Energy(enum.StrEnum):
    """What a section is: live, dead, earthed, or live *and* earthed (a fault)."""

    LIVE = "live"
    DEAD = "dead"
    EARTHED = "earthed"
    FAULT = "fault"


class SwitchState(enum.StrEnum):
    """A switching device's state as drawn (the symbols' ``when`` words)."""

    CLOSED = "closed"
    OPEN = "open"
    UNKNOWN = "unknown"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Section:
    """An electrically connected part of the diagram at this moment."""

    energy: Energy
    kv: tuple[float, ...] = ()  # one voltage normally; two means sources of different voltage meet
    sources: tuple[str, ...] = ()  # uuids of the sources feeding it


DEAD = Section(Energy.DEAD)


def _read(values: PointValues, point: str | None, meanings: Mapping[int, str]) -> str | None:
    """The meaning of a bound point's value, or None (missing, bad quality, not a defined value)."""
    if not point:
        return None
    raw = values.get(point)
    if isinstance(raw, Sample):
        if raw.quality is not Quality.GOOD:
            return None
        raw = raw.value
    if raw is None or isinstance(raw, bool):
        return None
    try:
        code = int(raw)
    except (TypeError, ValueError, OverflowError):
        return None
    return meanings.get(code) if code == raw else None


def switch_state(symbol: Symbol, placed: PlacedSymbol, values: PointValues) -> tuple[SwitchState, str]:
    """The state of one switching device from its bound points, and why when it is unknown."""
    if symbol.kind == "fuse":
        blown = symbol.state_binding("blown")
        if blown is None or "blown" not in placed.bindings:
            return SwitchState.CLOSED, ""
        meaning = _read(values, placed.bindings["blown"], blown.values)
        if meaning is None:
            return SwitchState.UNKNOWN, f"fuse state point {placed.bindings['blown']} has no good value"
        return (SwitchState.OPEN, "") if meaning == "blown" else (SwitchState.CLOSED, "")
    withdrawn = symbol.state_binding("withdrawn")
    if withdrawn is not None and placed.bindings.get("withdrawn"):
        meaning = _read(values, placed.bindings["withdrawn"], withdrawn.values)
        if meaning is None:
            return SwitchState.UNKNOWN, f"truck position point {placed.bindings['withdrawn']} has no good value"
        if meaning == "withdrawn":
            return SwitchState.WITHDRAWN, ""
    position = symbol.state_binding("position")
    point = placed.bindings.get("position")
    if position is None or not point:
        return SwitchState.UNKNOWN, "position is not bound to a point"
    meaning = _read(values, point, position.values)
    if meaning is None:
        return SwitchState.UNKNOWN, f"position point {point} has no good value"
    if meaning in ("closed", "open"):
        return SwitchState(meaning), ""
    # a symbol may name other positions (a double-point status's "intermediate", "fault"): not known to conduct
    return SwitchState.UNKNOWN, f"position point {point} reads {meaning!r}"


class _Joins:
    """Union-find over node numbers (path halving, no ranks: the sets are small and rebuilt often)."""

    __slots__ = ("parent",)

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        parent = self.parent
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass(frozen=True, slots=True)
class _Switch:
    uuid: str
    name: str
    kind: str
    nodes: tuple[int, ...]
    symbol: Symbol
    placed: PlacedSymbol


class Network:
    """A diagram's fixed connectivity, built once (rebuild it after an edit); `trace` per state change."""

    def __init__(self, diagram: Diagram) -> None:
        keys: dict[tuple[str, str], int] = {}
        for placed in diagram.placed:
            symbol = diagram.symbols[placed.symbol]
            for t in symbol.terminals_for(placed.length):
                keys[(placed.uuid, t.id)] = len(keys)
        joins = _Joins(len(keys))
        for wire in diagram.wires:
            a = keys.get((wire.start.symbol, wire.start.terminal))
            b = keys.get((wire.end.symbol, wire.end.terminal))
            if a is not None and b is not None:
                joins.join(a, b)
        for placed in diagram.placed:
            symbol = diagram.symbols[placed.symbol]
            groups: list[list[str]] = []
            if symbol.kind in JOINED_KINDS or symbol.kind == "earthing_switch":
                groups.append([t.id for t in symbol.terminals_for(placed.length)])
            groups += [list(w.terminals) for w in symbol.windings]
            for group in groups:
                for t in group[1:]:
                    joins.join(keys[(placed.uuid, group[0])], keys[(placed.uuid, t)])
        # Compact the static sets into node numbers 0..n-1.
        roots: dict[int, int] = {}
        self.node_of: dict[tuple[str, str], int] = {}
        for key, i in keys.items():
            self.node_of[key] = roots.setdefault(joins.find(i), len(roots))
        self.nodes = len(roots)
        self.switches: list[_Switch] = []
        self.sources: list[tuple[str, int, float]] = []  # uuid, node, kV
        self.transformers: list[tuple[str, tuple[tuple[int, float], ...]]] = []  # uuid, (node, kV) per winding
        self.points: set[str] = set()  # the points whose change can change the picture
        for placed in diagram.placed:
            symbol = diagram.symbols[placed.symbol]
            node = {t.id: self.node_of[(placed.uuid, t.id)] for t in symbol.terminals_for(placed.length)}
            if symbol.kind in SWITCH_KINDS:
                self.switches.append(_Switch(placed.uuid, placed.name or placed.uuid, symbol.kind,
                                             tuple(node.values()), symbol, placed))
                self.points.update(v for k, v in placed.bindings.items() if symbol.state_binding(k))
            elif symbol.kind in SOURCE_KINDS:
                w = symbol.windings[0]
                self.sources.append((placed.uuid, node[w.terminals[0]], placed.kv.get(w.id, w.kv)))
            elif symbol.kind == "transformer":
                self.transformers.append((placed.uuid, tuple((node[w.terminals[0]], placed.kv.get(w.id, w.kv))
                                                             for w in symbol.windings)))

    def trace(self, values: PointValues) -> Energisation:
        """Sections and switch states for the given point values (point id -> Sample or number)."""
        joins = _Joins(self.nodes)
        states: dict[str, SwitchState] = {}
        unknown: list[Finding] = []
        earthing: list[tuple[_Switch, int]] = []
        for sw in self.switches:
            state, why = switch_state(sw.symbol, sw.placed, values)
            states[sw.uuid] = state
            if state is SwitchState.UNKNOWN:
                unknown.append(Finding(sw.uuid, f"{sw.name}: state unknown ({why}); treated as open"))
            elif state is SwitchState.CLOSED:
                if sw.kind == "earthing_switch":
                    earthing.append((sw, sw.nodes[0]))
                else:
                    joins.join(sw.nodes[0], sw.nodes[1])
        find = joins.find
        comp = [find(i) for i in range(self.nodes)]
        kv: dict[int, set[float]] = {}
        fed_by: dict[int, set[str]] = {}
        queue: list[int] = []
        for uuid, node, volts in self.sources:
            c = comp[node]
            kv.setdefault(c, set()).add(volts)
            fed_by.setdefault(c, set()).add(uuid)
            queue.append(c)
        windings_at: dict[int, list[int]] = {}
        for i, (_, windings) in enumerate(self.transformers):
            for node, _ in windings:
                windings_at.setdefault(comp[node], []).append(i)
        done: set[int] = set()
        while queue:  # energy crosses transformers to the other windings at their own voltage
            c = queue.pop()
            for i in windings_at.get(c, ()):
                if i in done:
                    continue
                done.add(i)
                uuid, windings = self.transformers[i]
                for node, volts in windings:
                    other = comp[node]
                    if other == c:
                        continue
                    before = kv.get(other)
                    kv.setdefault(other, set()).add(volts)
                    fed_by.setdefault(other, set()).update(fed_by[c])
                    if before is None:
                        queue.append(other)
        earthed = {comp[node] for _, node in earthing}
        sections: dict[int, Section] = {}
        faults: list[Finding] = []
        for c in set(comp):
            volts = kv.get(c)
            if volts and c in earthed:
                sections[c] = Section(Energy.FAULT, tuple(sorted(volts)), tuple(sorted(fed_by[c])))
            elif volts:
                sections[c] = Section(Energy.LIVE, tuple(sorted(volts)), tuple(sorted(fed_by[c])))
            elif c in earthed:
                sections[c] = Section(Energy.EARTHED)
            else:
                sections[c] = DEAD
        for sw, node in earthing:
            section = sections[comp[node]]
            if section.energy is Energy.FAULT:
                faults.append(Finding(sw.uuid, f"{sw.name}: earthing switch closed on a live section "
                                                f"({', '.join(f'{v:g} kV' for v in section.kv)})"))
        conflicts = [Finding(next(iter(sorted(fed_by[c]))), f"sources of {', '.join(f'{v:g}' for v in sorted(v))} kV "
                                                            "meet in one section")
                     for c, v in kv.items() if len(v) > 1]
        return Energisation(self, [sections[c] for c in comp], states, unknown, faults, conflicts)


class Energisation:
    """One trace's answer: the section at every terminal and wire, switch states, findings."""

    def __init__(self, network: Network, node_sections: list[Section], states: dict[str, SwitchState],
                 unknown: list[Finding], faults: list[Finding], conflicts: list[Finding]) -> None:
        self._network = network
        self._sections = node_sections
        self.switch_states = states
        self.unknown = unknown  # switching devices whose state could not be read
        self.faults = faults  # earthing switches closed on live sections
        self.conflicts = conflicts  # sections fed at two different voltages

    def terminal(self, symbol_uuid: str, terminal: str) -> Section:
        """The section a terminal belongs to."""
        node = self._network.node_of.get((symbol_uuid, terminal))
        return DEAD if node is None else self._sections[node]

    def wire(self, diagram: Diagram, wire_uuid: str) -> Section:
        """The section a wire belongs to (both its ends are always in the same one)."""
        wire = diagram.items[wire_uuid]
        return self.terminal(wire.start.symbol, wire.start.terminal)  # type: ignore[union-attr]

    def symbol(self, diagram: Diagram, symbol_uuid: str) -> Section:
        """The most telling section at a symbol's terminals: fault, then live, then earthed, then dead
        (a closed breaker between a live and a dead side is drawn live)."""
        placed = diagram.items[symbol_uuid]
        assert isinstance(placed, PlacedSymbol)
        terminals = diagram.symbols[placed.symbol].terminals_for(placed.length)
        return _strongest(self.terminal(symbol_uuid, t.id) for t in terminals)


_RANK = {Energy.FAULT: 3, Energy.LIVE: 2, Energy.EARTHED: 1, Energy.DEAD: 0}


def _strongest(sections: Iterable[Section]) -> Section:
    return max(sections, key=lambda s: _RANK[s.energy], default=DEAD)
