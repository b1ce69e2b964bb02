"""Bindings checked against the site: a diagram bound to points that do not exist is flagged, not silent.

A breaker drawn from a point that is not in the site shows "unknown" forever; the engineer
must hear why while editing, and the runtime logs it when a diagram opens.  The checks need
only the site's point catalogue (`app.model.Point` by id), so they run headless too.
"""

from __future__ import annotations

from collections.abc import Container, Mapping

from app.diagram.model import Diagram, Finding
from app.model import Point, PointKind


def binding_problems(diagram: Diagram, points: Mapping[str, Point],
                     devices: Container[str] | None = None) -> list[Finding]:
    """Every binding problem of the diagram, in drawing order, each naming the symbol and the point."""
    found: list[Finding] = []
    for placed in diagram.placed:
        symbol = diagram.symbols[placed.symbol]
        who = placed.name or f"{symbol.name('en')} {placed.uuid}"
        for state in symbol.states:
            point_id = placed.bindings.get(state.key)
            if not point_id:
                if state.required:
                    found.append(Finding(placed.uuid, f"{who}: '{state.key}' is not bound to a point; "
                                                      "it will show as unknown"))
                continue
            point = points.get(point_id)
            if point is None:
                found.append(Finding(placed.uuid, f"{who}: '{state.key}' is bound to {point_id}, "
                                                  "which is not a point of the site"))
            elif point.kind is not PointKind.DIGITAL:
                found.append(Finding(placed.uuid, f"{who}: '{state.key}' is bound to {point_id} "
                                                  f"({point.kind.value}); a state needs a digital point"))
        for key in sorted(set(placed.bindings) - {s.key for s in symbol.states}):
            found.append(Finding(placed.uuid, f"{who}: the symbol has no state '{key}' to bind"))
        for label in placed.labels:
            if label.point not in points:
                found.append(Finding(placed.uuid, f"{who}: the value label shows {label.point}, "
                                                  "which is not a point of the site"))
        if devices is not None and placed.device and placed.device not in devices:
            found.append(Finding(placed.uuid, f"{who}: device {placed.device} is not in the site"))
    return found
