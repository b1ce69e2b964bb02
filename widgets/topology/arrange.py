"""Where align, distribute, rotate and snap put items: pure arithmetic on boxes in grid units.

Kept apart from the canvas (which only turns the answers into one undo command) so the rules
read on their own and an engineer can see exactly what "align centres" or "distribute" means.
A box is ``(x, y, width, height)`` with ``x, y`` the top-left as seen, like `Diagram.bounds`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from app.diagram.geometry import Point2

Box = tuple[float, float, float, float]

EDGES = ("left", "right", "top", "bottom", "hcentre", "vcentre")


def snapped(value: float, step: float = 1.0) -> float:
    """``value`` on the nearest grid line (halves go up, unlike Python's banker's `round`)."""
    return math.floor(value / step + 0.5) * step


def align(boxes: Mapping[str, Box], edge: str) -> dict[str, Point2]:
    """New top-left corners lining the boxes up on one edge of their common box.

    ``hcentre`` puts the horizontal centres on one vertical line (a column of breakers),
    ``vcentre`` the vertical centres on one horizontal line (a row of feeders)."""
    if edge not in EDGES:
        raise ValueError(f"edge must be one of {EDGES}, not {edge!r}")
    left = min(b[0] for b in boxes.values())
    top = min(b[1] for b in boxes.values())
    right = max(b[0] + b[2] for b in boxes.values())
    bottom = max(b[1] + b[3] for b in boxes.values())
    out: dict[str, Point2] = {}
    for uuid, (bx, by, w, h) in boxes.items():
        x, y = bx, by
        if edge == "left":
            x = left
        elif edge == "right":
            x = right - w
        elif edge == "top":
            y = top
        elif edge == "bottom":
            y = bottom - h
        elif edge == "hcentre":
            x = (left + right) / 2 - w / 2
        else:
            y = (top + bottom) / 2 - h / 2
        out[uuid] = (x, y)
    return out


def distribute(boxes: Mapping[str, Box], axis: str) -> dict[str, Point2]:
    """New top-left corners with equal gaps between neighbours along ``axis`` ("h" or "v").

    The first and the last box (by position) stay; fewer than three boxes stay where they are."""
    if axis not in ("h", "v"):
        raise ValueError(f"axis must be 'h' or 'v', not {axis!r}")
    i = 0 if axis == "h" else 1
    order = sorted(boxes, key=lambda u: (boxes[u][i], boxes[u][1 - i]))
    out = {u: (boxes[u][0], boxes[u][1]) for u in order}
    if len(order) < 3:
        return out
    first, last = boxes[order[0]], boxes[order[-1]]
    span = last[i] + last[i + 2] - first[i]
    gap = (span - sum(boxes[u][i + 2] for u in order)) / (len(order) - 1)
    at = first[i]
    for u in order:
        x, y, w, h = boxes[u]
        out[u] = (at, y) if axis == "h" else (x, at)
        at += (w if axis == "h" else h) + gap
    return out


def turned_about_centre(box: Box, new_size: Point2, snap: bool) -> Point2:
    """The top-left that keeps a symbol's centre where it was after its box changed shape (a quarter turn)."""
    x, y, w, h = box
    nx, ny = x + w / 2 - new_size[0] / 2, y + h / 2 - new_size[1] / 2
    return (snapped(nx), snapped(ny)) if snap else (nx, ny)
