"""The diagram model: edits go through methods, observers hear each one, undo needs only what edit returns."""

import pytest

from app.diagram.geometry import Direction
from app.diagram.model import Change, Diagram, DiagramError, Link, PlacedSymbol, Text, ValueLabel, Wire, WireEnd
from app.diagram.symbols import load_library

LIBRARY = load_library()


@pytest.fixture
def room():
    d = Diagram("r1", "1#配电房", "R1")
    heard: list[Change] = []
    d.subscribe(heard.append)
    grid = d.place(LIBRARY["utility_source"], (10, 0), name="GRID")
    qf = d.place(LIBRARY["breaker_fixed"], (10, 4), name="QF1", bindings={"position": "QF1.pos"})
    wire = d.connect(WireEnd(grid.uuid, "a"), WireEnd(qf.uuid, "a"))
    return d, grid, qf, wire, heard


def test_observers_hear_added_changed_removed_with_the_item(room):
    d, grid, qf, wire, heard = room
    assert [(c.kind, c.item) for c in heard] == [("added", grid), ("added", qf), ("added", wire)]
    heard.clear()
    d.move(qf.uuid, (12, 4))
    (change,) = heard
    assert change.kind == "changed" and change.old == qf and change.item.position == (12.0, 4.0)
    assert d.items[qf.uuid] is change.item
    heard.clear()
    d.unsubscribe(heard.append)
    d.move(qf.uuid, (14, 4))
    assert heard == []


def test_edit_returns_the_old_values_so_an_undo_is_one_more_edit(room):
    d, _, qf, _, _ = room
    old = d.edit(qf.uuid, rotation=90, flip=True, bindings={"position": "QF9.pos"})
    assert old == {"rotation": 0, "flip": False, "bindings": {"position": "QF1.pos"}}
    assert d.items[qf.uuid].rotation == 90
    d.edit(qf.uuid, **old)
    assert d.items[qf.uuid] == qf
    with pytest.raises(DiagramError, match="has no field\\(s\\) colour"):
        d.edit(qf.uuid, colour="red")
    with pytest.raises(DiagramError, match="rotation 45"):
        d.edit(qf.uuid, rotation=45)
    assert d.rotate(qf.uuid, 3) == {"rotation": 0} and d.items[qf.uuid].rotation == 270


def test_removing_a_symbol_takes_its_wires_and_hands_them_back_for_undo(room):
    d, grid, qf, wire, heard = room
    heard.clear()
    removed = d.remove(qf.uuid)
    assert removed == [wire, qf]
    assert [(c.kind, c.item) for c in heard] == [("removed", wire), ("removed", qf)]
    assert d.wires == [] and d.wires_at(grid.uuid) == []
    for item in reversed(removed):  # what an undo command does
        d.add(item)
    assert d.wires == [wire] and d.wires_at(grid.uuid) == [wire] and d.wires_at(qf.uuid) == [wire]


def test_terminal_positions_follow_moves_rotation_and_flip(room):
    d, grid, qf, _wire, _ = room
    a, b = WireEnd(qf.uuid, "a"), WireEnd(qf.uuid, "b")
    assert d.terminal_position(a) == (11.0, 4.0) and d.terminal_position(b) == (11.0, 8.0)
    assert d.terminal_position(WireEnd(grid.uuid, "a")) == (11.0, 3.0)
    d.move(qf.uuid, (20, 10))
    assert d.terminal_position(a) == (21.0, 10.0)
    d.rotate(qf.uuid)  # the 2x4 box becomes 4 wide, 2 high; top-left stays at (20, 10)
    assert d.bounds(d.items[qf.uuid]) == (20.0, 10.0, 4.0, 2.0)
    assert d.terminal_position(a) == (24.0, 11.0) and d.terminal_direction(a) is Direction.E
    assert d.terminal_position(b) == (20.0, 11.0) and d.terminal_direction(b) is Direction.W
    d.edit(qf.uuid, flip=True)
    assert d.terminal_position(a) == (24.0, 11.0)  # on the axis of the mirror: unchanged
    with pytest.raises(DiagramError, match="has no terminal 'c'"):
        d.terminal_position(WireEnd(qf.uuid, "c"))


def test_a_busbar_terminal_moves_along_its_length():
    d = Diagram("r")
    bus = d.place(LIBRARY["busbar"], (0, 10), length=20)
    assert d.terminal_position(WireEnd(bus.uuid, "S15")) == (15.0, 10.5)
    d.rotate(bus.uuid)  # vertical busbar
    assert d.terminal_position(WireEnd(bus.uuid, "S15")) == (0.5, 25.0)
    assert d.terminal_direction(WireEnd(bus.uuid, "S15")) is Direction.W


def test_bad_edits_are_refused_in_words(room):
    d, grid, qf, wire, _ = room
    with pytest.raises(DiagramError, match="already on the diagram"):
        d.add(qf)
    with pytest.raises(DiagramError, match="is not a terminal on the diagram"):
        d.connect(WireEnd(grid.uuid, "a"), WireEnd(qf.uuid, "z"))
    with pytest.raises(DiagramError, match="is not a terminal on the diagram"):
        d.connect(WireEnd(grid.uuid, "a"), WireEnd("nowhere", "a"))
    with pytest.raises(DiagramError, match="not defined in this diagram"):
        d.add(PlacedSymbol("u1", "toaster", (0, 0)))
    with pytest.raises(DiagramError, match="no item with uuid"):
        d.remove("u404")
    with pytest.raises(DiagramError, match="is not a terminal"):
        d.edit(wire.uuid, end=WireEnd(qf.uuid, "z"))


def test_rewiring_an_end_moves_the_wire_between_symbols(room):
    d, _grid, qf, wire, _ = room
    other = d.place(LIBRARY["breaker_fixed"], (30, 4), name="QF2")
    d.edit(wire.uuid, end=WireEnd(other.uuid, "a"), waypoints=((11, 3.5), (31, 3.5)))
    assert d.wires_at(qf.uuid) == [] and d.wires_at(other.uuid) == [d.items[wire.uuid]]


def test_an_edit_that_would_strand_a_wire_is_refused():
    d = Diagram("r")
    bus = d.place(LIBRARY["busbar"], (0, 10), length=20)
    qf = d.place(LIBRARY["breaker_fixed"], (14, 11), name="QF1")
    wire = d.connect(WireEnd(bus.uuid, "S15"), WireEnd(qf.uuid, "a"))
    with pytest.raises(DiagramError, match=r"wire .* ends at terminal 'S15', which would no longer exist"):
        d.edit(bus.uuid, length=10)
    d.edit(bus.uuid, length=16)
    with pytest.raises(DiagramError, match="ends at terminal 'a'"):
        d.edit(qf.uuid, symbol="busbar")
    assert d.wires == [wire] and d.items[bus.uuid].length == 16


def test_texts_links_and_value_labels():
    d = Diagram("r")
    t = d.add(Text("t1", (1, 1), "10kV 进线", 1.5))
    assert d.of_type(Text) == [t] and d.placed == []
    label = ValueLabel("QF1.Ia", ".1f", "A")
    assert label.text(123.456) == "123.5 A"
    assert ValueLabel("QF1.P", "bad-spec", "kW").text(7.0) == "7.0 kW"
    assert ValueLabel("T1.temp", ".0f").text(80.4) == "80"
    link = d.add(Link("l1", (0, 40), "overview", "返回总图"))
    d.move(link.uuid, (2, 40))
    assert d.of_type(Link)[0].position == (2.0, 40.0) and d.of_type(Link)[0].target == "overview"
    assert d.of_type(Wire) == []
