"""Orthogonal wire paths: from a terminal, out the way it faces, square corners, to the other terminal.

Single-line diagrams are drawn with horizontal and vertical lines only.  A wire stores just
its two terminals and the corners a person fixed (waypoints); the path is recomputed from
them, so when a symbol moves its wires follow without anyone editing them.  The editor
draws `wire_path`; nothing here knows about Qt.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.diagram.geometry import Direction, Point2
from app.diagram.model import Diagram, Wire

STEP = {Direction.N: (0.0, -1.0), Direction.S: (0.0, 1.0), Direction.E: (1.0, 0.0), Direction.W: (-1.0, 0.0)}


def _vertical(d: Direction) -> bool:
    return d in (Direction.N, Direction.S)


def _tidy(points: list[Point2]) -> list[Point2]:
    """Drop repeated points and points in the middle of a straight run (a turn back stays: it is a corner)."""
    out: list[Point2] = []
    for p in points:
        if out and out[-1] == p:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            between = min(ax, p[0]) <= bx <= max(ax, p[0]) and min(ay, p[1]) <= by <= max(ay, p[1])
            if between and ((ax == bx == p[0]) or (ay == by == p[1])):  # a straight run: b is no corner
                out[-1] = p
                continue
        out.append(p)
    return out


def _elbow(p: Point2, q: Point2, vertical_first: bool) -> list[Point2]:
    """p to q with one square corner."""
    corner = (p[0], q[1]) if vertical_first else (q[0], p[1])
    return [corner, q]


def route(start: Point2, start_dir: Direction, end: Point2, end_dir: Direction,
          waypoints: Sequence[Point2] = (), stub: float = 1.0) -> list[Point2]:
    """The polyline of a wire, every segment horizontal or vertical, leaving and entering each
    terminal along the direction it faces (a ``stub`` long at least) and passing the waypoints."""
    if start[0] == end[0] and _vertical(start_dir) and _vertical(end_dir) and not waypoints \
            and (end[1] - start[1]) * STEP[start_dir][1] > 0 and (start[1] - end[1]) * STEP[end_dir][1] > 0:
        return [start, end]  # facing each other on one vertical: the usual breaker-to-breaker case
    if start[1] == end[1] and not _vertical(start_dir) and not _vertical(end_dir) and not waypoints \
            and (end[0] - start[0]) * STEP[start_dir][0] > 0 and (start[0] - end[0]) * STEP[end_dir][0] > 0:
        return [start, end]
    a = (start[0] + STEP[start_dir][0] * stub, start[1] + STEP[start_dir][1] * stub)
    b = (end[0] + STEP[end_dir][0] * stub, end[1] + STEP[end_dir][1] * stub)
    points: list[Point2] = [start, a]
    for w in waypoints:  # turn at each corner: after a horizontal run go vertical first, and back
        points += _elbow(points[-1], w, vertical_first=points[-1][1] == points[-2][1])
    last = points[-1]
    if not waypoints and _vertical(start_dir) == _vertical(end_dir):
        vertical = _vertical(start_dir)
        ahead = (b[1] - last[1]) * STEP[start_dir][1] if vertical else (b[0] - last[0]) * STEP[start_dir][0]
        if ahead >= 0:  # b is ahead of the stub: a Z through the middle
            if vertical:
                mid = (last[1] + b[1]) / 2
                points += [(last[0], mid), (b[0], mid), b]
            else:
                mid = (last[0] + b[0]) / 2
                points += [(mid, last[1]), (mid, b[1]), b]
        elif vertical:
            side = (last[0] + b[0]) / 2 if last[0] != b[0] else last[0] + 2 * stub
            points += [(side, last[1]), (side, b[1]), b]
        else:
            side = (last[1] + b[1]) / 2 if last[1] != b[1] else last[1] + 2 * stub
            points += [(last[0], side), (b[0], side), b]
    else:
        # enter b across end_dir's axis, so the last run into the terminal is along it
        points += _elbow(last, b, vertical_first=_vertical(end_dir))
    points.append(end)
    return _tidy(points)


def wire_path(diagram: Diagram, wire: Wire, stub: float = 1.0) -> list[Point2]:
    """The path of a wire on the diagram now (after its symbols' moves, rotations and flips)."""
    return route(diagram.terminal_position(wire.start), diagram.terminal_direction(wire.start),
                 diagram.terminal_position(wire.end), diagram.terminal_direction(wire.end), wire.waypoints, stub)
