"""Where a symbol's own coordinates land on the diagram after rotation and flip.

One rule, used by the model (terminal positions for wires), the tracer's callers and the
Qt scene alike, so a terminal is drawn exactly where a wire ends: the symbol is mirrored
left-right (flip) first, then turned clockwise on screen (y grows downwards) by 0, 90, 180
or 270 degrees, and the turned box is put with its top-left corner at the placed position.
The position is therefore always the top-left of what is seen, whatever the rotation, and
integer terminals stay on the grid.
"""

from __future__ import annotations

import enum

Point2 = tuple[float, float]

ROTATIONS = (0, 90, 180, 270)


class Direction(enum.StrEnum):
    """Which way a terminal faces (where its wire leaves the symbol)."""

    N = "N"
    E = "E"
    S = "S"
    W = "W"

    def turned(self, rotation: int, flip: bool) -> Direction:
        """This direction after the same flip-then-rotate that `place_point` applies."""
        d = self
        if flip and d in (Direction.E, Direction.W):
            d = Direction.W if d is Direction.E else Direction.E
        order = [Direction.N, Direction.E, Direction.S, Direction.W]
        return order[(order.index(d) + rotation // 90) % 4]


def placed_size(size: Point2, rotation: int) -> Point2:
    """Width and height of a symbol's box as seen after rotation."""
    w, h = size
    return (h, w) if rotation in (90, 270) else (w, h)


def place_point(point: Point2, size: Point2, position: Point2, rotation: int = 0, flip: bool = False) -> Point2:
    """A point of the symbol (its own coordinates, box ``size``) in diagram coordinates."""
    if rotation not in ROTATIONS:
        raise ValueError(f"rotation must be one of {ROTATIONS}, not {rotation!r}")
    w, h = size
    x, y = point
    if flip:
        x = w - x
    if rotation == 90:
        x, y = h - y, x
    elif rotation == 180:
        x, y = w - x, h - y
    elif rotation == 270:
        x, y = y, w - x
    return (position[0] + x, position[1] + y)
