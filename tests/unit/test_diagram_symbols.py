"""The symbol library: every shipped symbol loads and survives a write/read; bad files are refused in words."""

import json

import pytest

from app.diagram.geometry import Direction, place_point, placed_size
from app.diagram.symbols import (
    COLOURS,
    SOURCE_KINDS,
    SWITCH_KINDS,
    SymbolError,
    load_library,
    load_symbol_file,
    parse_symbol,
    symbol_to_dict,
)

LIBRARY = load_library()

ISSUE_KINDS = {"utility_source", "generator", "busbar", "breaker", "load_break_switch", "disconnector",
               "earthing_switch", "fuse", "transformer", "ct", "vt", "arrester", "capacitor", "load", "motor",
               "cable_end", "meter", "badge"}


def good() -> dict:
    return symbol_to_dict(LIBRARY["breaker_fixed"])


def test_the_library_covers_every_kind_the_issue_names():
    assert {s.kind for s in LIBRARY.values()} == ISSUE_KINDS
    assert {"breaker_fixed", "breaker_withdrawable", "transformer_2w", "transformer_3w", "temperature_controller",
            "environment_sensor", "camera", "line_end"} <= set(LIBRARY)


@pytest.mark.parametrize("sid", sorted(LIBRARY))
def test_each_symbol_is_complete_and_round_trips(sid):
    s = LIBRARY[sid]
    assert s.names["zh"] and s.names["en"]
    assert s.shapes, "a symbol must draw something"
    assert all(sh.stroke in COLOURS and sh.fill in COLOURS for sh in s.shapes)
    if s.kind != "badge":
        assert s.terminals_for(None), f"{sid} has no terminal"
    for t in s.terminals_for(None):
        w, h = s.size
        assert 0 <= t.at[0] <= w and 0 <= t.at[1] <= h, f"{sid}.{t.id} lies outside the symbol's box"
    assert parse_symbol(json.loads(json.dumps(symbol_to_dict(s)))) == s
    w, h = s.size
    for shape in s.shapes:  # the drawing stays in the box: selection, snapping and export bounds are the box
        extents = list(shape.points)
        if shape.center is not None:
            (cx, cy), r = shape.center, shape.r
            extents += [(cx - r, cy - r), (cx + r, cy + r)]
        for x, y in extents:
            assert -0.01 <= x <= w + 0.01 and -0.01 <= y <= h + 0.01, f"{sid}: {shape.type} reaches ({x}, {y})"


def test_switching_devices_are_driven_by_a_position_point():
    for s in LIBRARY.values():
        if s.kind in SWITCH_KINDS - {"fuse"}:
            assert s.state_binding("position").values == {1: "closed", 0: "open"}
    withdrawn = LIBRARY["breaker_withdrawable"].state_binding("withdrawn")
    assert withdrawn.values[1] == "withdrawn" and not withdrawn.required
    assert LIBRARY["breaker_fixed"].state_binding("withdrawn") is None
    assert LIBRARY["fuse"].state_binding("blown").values[1] == "blown"


def test_transformers_group_terminals_by_winding_with_their_voltage():
    t2, t3 = LIBRARY["transformer_2w"], LIBRARY["transformer_3w"]
    assert [(w.id, w.terminals, w.kv) for w in t2.windings] == [("hv", ("hv",), 10.0), ("lv", ("lv",), 0.4)]
    assert [w.kv for w in t3.windings] == [35.0, 10.0, 0.4]
    for s in LIBRARY.values():
        if s.kind in SOURCE_KINDS:
            assert len(s.windings) == 1 and s.windings[0].kv > 0


def test_a_busbar_stretches_with_terminals_every_grid_unit_on_both_sides():
    bus = LIBRARY["busbar"]
    ts = bus.terminals_for(4)
    assert [t.id for t in ts] == ["N0", "N1", "N2", "N3", "N4", "S0", "S1", "S2", "S3", "S4"]
    assert bus.terminal("S3", 4).at == (3.0, 0.5) and bus.terminal("S3", 4).dir is Direction.S
    assert bus.terminal("N9", 4) is None and bus.terminal("N9", 12) is not None
    assert bus.size_for(12) == (12.0, 1.0)
    assert [bus.terminal(t, 4) for t in ("N01", "N", "X1", "S-1", "S4.0")] == [None] * 5
    assert all(bus.terminal(t.id, 7) == t for t in bus.terminals_for(7))  # computed == listed


def test_palette_search_finds_by_chinese_name_tag_and_kind():
    assert {s.id for s in LIBRARY.search("变压器")} == {"transformer_2w", "transformer_3w"}
    assert "breaker_fixed" in {s.id for s in LIBRARY.search("qf")}
    assert {s.id for s in LIBRARY.search("badge")} == {"temperature_controller", "environment_sensor", "camera"}
    assert len(LIBRARY.search("")) == len(LIBRARY)


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d.pop("names"), "'names' is missing"),
    (lambda d: d.update(names={"zh": "断路器"}), "needs both 'zh' and 'en'"),
    (lambda d: d.update(kind="toaster"), "unknown kind 'toaster'"),
    (lambda d: d["drawing"][0].update(stroke="#ff0000"), "is not a colour token"),
    (lambda d: d["drawing"][0].update(type="spline"), "unknown primitive type 'spline'"),
    (lambda d: d["drawing"][0].update(points=[[1, 0]]), "a line needs exactly 2 point(s)"),
    (lambda d: d["drawing"][0].update(when=["sideways"]), "drawing[0].when"),
    (lambda d: d["terminals"][0].update(dir="up"), "'up' is not a direction"),
    (lambda d: d["terminals"][1].update(id="a"), "duplicate terminal id(s) a"),
    (lambda d: d["terminals"].pop(), "needs exactly two terminals"),
    (lambda d: d.pop("states"), "needs a 'position' state"),
    (lambda d: d["states"]["position"].update(values={"x": "closed"}), "'x' is not an integer point value"),
    (lambda d: d.update(size=[0, 4]), "width and height must be positive"),
])
def test_a_bad_symbol_is_refused_with_where_and_what(change, words):
    data = good()
    change(data)
    with pytest.raises(SymbolError) as err:
        parse_symbol(data, "breaker_fixed.json")
    assert words in str(err.value)
    assert str(err.value).startswith("breaker_fixed.json")


def test_a_transformer_without_windings_and_a_busbar_without_stretch_are_refused():
    t = symbol_to_dict(LIBRARY["transformer_2w"])
    t["windings"] = t["windings"][:1]
    with pytest.raises(SymbolError, match="at least two windings"):
        parse_symbol(t)
    b = symbol_to_dict(LIBRARY["busbar"])
    del b["stretch"]
    with pytest.raises(SymbolError, match="needs 'stretch'"):
        parse_symbol(b)
    s = symbol_to_dict(LIBRARY["transformer_2w"])
    s["windings"][0]["terminals"] = ["x1"]
    with pytest.raises(SymbolError, match="terminal\\(s\\) x1 not defined"):
        parse_symbol(s)


def test_symbol_files_bad_json_and_wrong_file_name_are_named(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"id": "broken",\n "names": }', encoding="utf-8")
    with pytest.raises(SymbolError, match=r"broken.json: not valid JSON at line 2, column 11"):
        load_symbol_file(bad)
    other = tmp_path / "other.json"
    other.write_text(json.dumps(good()), encoding="utf-8")
    with pytest.raises(SymbolError, match="differs from the file name 'other'"):
        load_symbol_file(other)
    with pytest.raises(SymbolError, match="cannot be read"):
        load_symbol_file(tmp_path / "missing.json")
    (tmp_path / "breaker_fixed.json").write_text(json.dumps(good()), encoding="utf-8")
    other.unlink()
    bad.unlink()
    assert list(load_library(tmp_path)) == ["breaker_fixed"]


@pytest.mark.parametrize(("rotation", "flip", "expected", "facing"), [
    (0, False, (11.0, 20.0), Direction.N),
    (90, False, (14.0, 21.0), Direction.E),  # box 2x4 turned: 4 wide, 2 high
    (180, False, (11.0, 24.0), Direction.S),
    (270, False, (10.0, 21.0), Direction.W),
])
def test_a_terminal_turns_with_its_symbol(rotation, flip, expected, facing):
    # breaker terminal "a" at (1, 0) of a 2x4 box placed at (10, 20)
    assert place_point((1, 0), (2, 4), (10, 20), rotation, flip) == expected
    assert Direction.N.turned(rotation, flip) is facing


def test_flip_mirrors_left_and_right_before_turning():
    assert place_point((0, 1), (2, 4), (0, 0), 0, True) == (2.0, 1.0)
    assert Direction.E.turned(0, True) is Direction.W
    assert Direction.E.turned(90, True) is Direction.N  # mirrored to W, W turned clockwise faces up
    assert Direction.N.turned(0, True) is Direction.N
    assert placed_size((2, 4), 90) == (4, 2) and placed_size((2, 4), 180) == (2, 4)
    with pytest.raises(ValueError, match="rotation must be one of"):
        place_point((0, 0), (2, 4), (0, 0), 45)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("flip", [False, True])
def test_a_terminal_on_an_edge_still_faces_out_of_that_edge_after_any_turn_and_flip(rotation, flip):
    t3 = LIBRARY["transformer_3w"]  # terminals on the top and bottom edges, off-centre
    w, h = placed_size(t3.size, rotation)
    for t in t3.terminals:
        x, y = place_point(t.at, t3.size, (0, 0), rotation, flip)
        edge = {Direction.N: y == 0, Direction.S: y == h, Direction.W: x == 0, Direction.E: x == w}
        assert edge[t.dir.turned(rotation, flip)], (t.id, (x, y))
