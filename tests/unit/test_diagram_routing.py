"""Wire paths: square corners only, out of and into each terminal the way it faces, through the waypoints."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from app.diagram.geometry import Direction
from app.diagram.model import Diagram, WireEnd
from app.diagram.routing import STEP, route, wire_path
from app.diagram.symbols import load_library

LIBRARY = load_library()
COORD = st.integers(-20, 20).map(float)
POINT = st.tuples(COORD, COORD)
DIRECTION = st.sampled_from(list(Direction))


def unit(p, q):
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = abs(dx) + abs(dy)
    return (dx / length, dy / length)


@given(POINT, DIRECTION, POINT, DIRECTION, st.lists(POINT, max_size=3))
def test_every_path_is_orthogonal_and_leaves_and_enters_along_the_terminals(start, sd, end, ed, waypoints):
    if start == end:
        return
    path = route(start, sd, end, ed, waypoints)
    assert path[0] == start and path[-1] == end
    for p, q in itertools.pairwise(path):
        assert p != q and (p[0] == q[0] or p[1] == q[1]), path
    assert unit(path[0], path[1]) == STEP[sd], path  # out the way the start terminal faces
    out_of_end = STEP[ed]
    assert unit(path[-1], path[-2]) == out_of_end, path  # in along the end terminal's axis
    for w in waypoints:
        assert any(  # each waypoint lies on the path
            min(p[0], q[0]) <= w[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= w[1] <= max(p[1], q[1])
            for p, q in itertools.pairwise(path)), (w, path)


def test_breakers_one_above_the_other_are_joined_by_one_straight_line():
    assert route((1, 4), Direction.S, (1, 10), Direction.N) == [(1, 4), (1, 10)]
    assert route((0, 0), Direction.E, (5, 0), Direction.W) == [(0, 0), (5, 0)]


def test_an_offset_feeder_gets_a_z_through_the_middle():
    assert route((0, 0), Direction.S, (4, 8), Direction.N) == [(0, 0), (0, 4), (4, 4), (4, 8)]


def test_a_terminal_behind_is_reached_around_not_back_over_the_stub():
    path = route((0, 0), Direction.S, (0, -8), Direction.N)
    assert path[1] == (0, 1) and all(p[0] != 0 for p in path[2:-2])


def test_wires_follow_a_moved_and_rotated_symbol():
    d = Diagram("r")
    bus = d.place(LIBRARY["busbar"], (0, 0), length=20)
    qf = d.place(LIBRARY["breaker_fixed"], (3, 2))
    wire = d.connect(WireEnd(bus.uuid, "S4"), WireEnd(qf.uuid, "a"))
    assert wire_path(d, wire) == [(4, 0.5), (4, 2)]
    d.move(qf.uuid, (9, 6))
    assert wire_path(d, wire) == [(4, 0.5), (4, 3.25), (10, 3.25), (10, 6)]
    d.rotate(qf.uuid)  # terminal a now faces east on the right edge
    path = wire_path(d, wire)
    assert path[0] == (4, 0.5) and path[-1] == (13, 7) and path[-2][1] == 7 and path[-2][0] > 13
