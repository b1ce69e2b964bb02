"""Bindings checked against the site: a diagram bound to points that do not exist is flagged, not silent.

A breaker drawn from a point that is not in the site shows "unknown" forever; the engineer
must hear why while editing, and the runtime logs it when a diagram opens.  The checks need
only the kind of each point of the site by id, so they run headless too and serve both the
historian's catalogue (`app.model.Point`) and the console's `SiteModel.points` (kind as text).

Problems are data first (`BindingProblem`: what is wrong, with which state, point or device),
so the editor can word them in the console's language and recheck one symbol at a time while
a person edits; `binding_problems` words them in English for logs and headless checks.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Literal

from app.diagram.model import Diagram, Finding, PlacedSymbol
from app.model import Point, PointKind

#: What can be wrong with a symbol's bindings.
ProblemKind = Literal["unbound", "missing_point", "not_digital", "unknown_state", "missing_label_point",
                      "missing_device"]  # fmt: skip

#: The point kind a state binding (breaker position, truck, alarm) needs.
STATE_KIND = PointKind.DIGITAL.value


@dataclass(frozen=True, slots=True)
class BindingProblem:
    """One thing wrong with a placed symbol's bindings, with what it concerns."""

    symbol: str  # PlacedSymbol uuid
    what: ProblemKind
    key: str = ""  # the state key (unbound, missing_point, not_digital, unknown_state)
    point: str = ""  # the point id (missing_point, not_digital, missing_label_point)
    kind: str = ""  # the point's kind (not_digital)
    device: str = ""  # missing_device

    def text(self, who: str) -> str:
        """The problem in English, naming the symbol as ``who``."""
        match self.what:
            case "unbound":
                return f"{who}: '{self.key}' is not bound to a point; it will show as unknown"
            case "missing_point":
                return f"{who}: '{self.key}' is bound to {self.point}, which is not a point of the site"
            case "not_digital":
                return f"{who}: '{self.key}' is bound to {self.point} ({self.kind}); a state needs a digital point"
            case "unknown_state":
                return f"{who}: the symbol has no state '{self.key}' to bind"
            case "missing_label_point":
                return f"{who}: the value label shows {self.point}, which is not a point of the site"
            case _:
                return f"{who}: device {self.device} is not in the site"


def symbol_problems(diagram: Diagram, placed: PlacedSymbol, kinds: Mapping[str, str],
                    devices: Container[str] | None = None) -> list[BindingProblem]:
    """The binding problems of one placed symbol; ``kinds`` maps each point id of the site to its
    kind ("analog", "digital", ...), ``devices`` (when given) holds the site's device ids."""
    found: list[BindingProblem] = []
    u = placed.uuid
    symbol = diagram.symbols[placed.symbol]
    for state in symbol.states:
        point_id = placed.bindings.get(state.key)
        if not point_id:
            if state.required:
                found.append(BindingProblem(u, "unbound", key=state.key))
            continue
        kind = kinds.get(point_id)
        if kind is None:
            found.append(BindingProblem(u, "missing_point", key=state.key, point=point_id))
        elif kind != STATE_KIND:
            found.append(BindingProblem(u, "not_digital", key=state.key, point=point_id, kind=kind))
    for key in sorted(set(placed.bindings) - {s.key for s in symbol.states}):
        found.append(BindingProblem(u, "unknown_state", key=key))
    for label in placed.labels:
        if label.point not in kinds:
            found.append(BindingProblem(u, "missing_label_point", point=label.point))
    if devices is not None and placed.device and placed.device not in devices:
        found.append(BindingProblem(u, "missing_device", device=placed.device))
    return found


def who(diagram: Diagram, placed: PlacedSymbol, language: str = "en") -> str:
    """How a message names a symbol: its designation, else its symbol's name and uuid."""
    return placed.name or f"{diagram.symbols[placed.symbol].name(language)} {placed.uuid}"


def problems_by_kind(diagram: Diagram, kinds: Mapping[str, str],
                     devices: Container[str] | None = None) -> list[Finding]:
    """Every binding problem of the diagram in English, in drawing order; ``kinds`` as in `symbol_problems`."""
    return [Finding(p.symbol, p.text(who(diagram, placed)))
            for placed in diagram.placed for p in symbol_problems(diagram, placed, kinds, devices)]  # fmt: skip


def binding_problems(diagram: Diagram, points: Mapping[str, Point],
                     devices: Container[str] | None = None) -> list[Finding]:
    """Every binding problem of the diagram, in drawing order, each naming the symbol and the point."""
    return problems_by_kind(diagram, {pid: p.kind.value for pid, p in points.items()}, devices)
