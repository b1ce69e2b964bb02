"""The diagram file: exact round trips, version refusal, every problem reported with where, copy/paste."""

import json

import pytest

from app.diagram import clipboard, fileformat
from app.diagram.fileformat import DiagramFileError
from app.diagram.model import Link, PlacedSymbol, Text, ValueLabel, Wire, WireEnd
from app.diagram.symbols import SymbolLibrary, load_library
from tests.bench.diagram import build_plant, by_name

LIBRARY = load_library()


@pytest.fixture
def plant():
    d = build_plant(LIBRARY, sections=2, feeders=2)
    names = by_name(d)
    d.edit(names["T1"].uuid, kv={"lv": 0.69}, rotation=180, flip=True)
    d.edit(names["QF-F1-1"].uuid, labels=(ValueLabel("QF-F1-1.Ia", ".1f", "A", (2.5, 1)),
                                          ValueLabel("QF-F1-1.P", ".2f", "kW", (2.5, 2))))
    d.add(Text("title", (1, 50.5), "1#配电房 一次系统图", 1.5))
    d.add(Link("to-overview", (60, 50), "overview", "总图"))
    first = d.wires[0]
    d.edit(first.uuid, waypoints=((3, 3.5), (3.25, 3.5)))
    return d


def test_save_then_load_gives_the_same_diagram_and_the_same_text(plant):
    text = fileformat.dumps(plant)
    again = fileformat.loads(text, LIBRARY)
    assert fileformat.dumps(again) == text
    assert again.placed == plant.placed and again.wires == plant.wires  # each kind keeps its order
    assert again.items == plant.items
    assert (again.id, again.name, again.room, again.size, again.version) == \
        (plant.id, plant.name, plant.room, plant.size, plant.version)
    assert again.symbols == {sid: LIBRARY[sid] for sid in again.symbols}


def test_save_writes_a_file_that_opens_and_one_item_per_line(plant, tmp_path):
    path = tmp_path / "room.json"
    fileformat.save(plant, path)
    assert fileformat.load(path, LIBRARY).items == plant.items
    assert not (tmp_path / "room.json.tmp").exists()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) > len(plant.items)  # each item its own line: moves diff as one line
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("switchroom-diagram", 1)
    assert set(data["symbols"]) == {p.symbol for p in plant.placed}


def test_embedded_symbols_open_the_file_without_the_library(plant):
    text = fileformat.dumps(plant)
    alone = fileformat.loads(text, SymbolLibrary())
    assert alone.items == plant.items
    # an embedded definition wins over the library's, so the drawing stays as saved
    data = json.loads(text)
    data["symbols"]["breaker_fixed"]["names"]["en"] = "Breaker as drawn in 2026"
    assert fileformat.loads(json.dumps(data), LIBRARY).symbols["breaker_fixed"].names["en"] == \
        "Breaker as drawn in 2026"


@pytest.mark.parametrize(("version", "words"), [
    (2, "version 2 is not supported: this SwitchRoom reads version 1; the file was written by a newer SwitchRoom"),
    (0, "version 0 is not supported"),
    ("1", "version '1' is not supported"),
    (None, "version None is not supported"),
])
def test_an_unknown_version_is_refused_with_a_clear_message(plant, version, words):
    data = json.loads(fileformat.dumps(plant))
    data["version"] = version
    with pytest.raises(DiagramFileError) as err:
        fileformat.loads(json.dumps(data), LIBRARY, "room.json")
    assert words in str(err.value) and str(err.value).startswith("room.json")


def test_not_json_and_not_a_diagram_are_refused():
    with pytest.raises(DiagramFileError, match="not valid JSON at line 1"):
        fileformat.loads("{oops", LIBRARY)
    with pytest.raises(DiagramFileError, match="not a SwitchRoom diagram"):
        fileformat.loads(json.dumps({"format": "qet", "version": 1}), LIBRARY)


def test_every_reference_problem_is_reported_at_once_with_where(plant):
    data = json.loads(fileformat.dumps(plant))
    del data["symbols"]["load"]
    data["placed"][0]["symbol"] = "toaster"
    data["placed"][2]["uuid"] = data["placed"][1]["uuid"]
    qf = next(p for p in data["placed"] if p.get("name") == "QF-F1-2")
    qf["bindings"]["temperature"] = "QF-F1-2.temp"
    wire = data["wires"][5]
    wire["to"]["terminal"] = "z9"
    gone = data["wires"][6]
    gone["from"]["symbol"] = "no-such-uuid"
    with pytest.raises(DiagramFileError) as err:
        fileformat.loads(json.dumps(data), SymbolLibrary(), "room.json")
    problems = err.value.problems
    text = "\n".join(problems)
    assert "placed[0] 'GRID'" in text and "unknown symbol 'toaster' (neither embedded nor in the library)" in text
    assert "uuid already used by placed[1]" in text
    assert "unknown symbol 'load'" in text  # every load placed: one line each
    assert "symbol 'breaker_fixed' has no state(s) temperature to bind" in text
    assert f"wires[5] {wire['uuid']}: 'to' names terminal 'z9'" in text
    assert f"wires[6] {gone['uuid']}: 'from' names symbol no-such-uuid, which is not on the diagram" in text
    assert len(problems) >= 7


def test_shape_errors_are_reported_with_their_key_path(plant):
    data = json.loads(fileformat.dumps(plant))
    data["placed"][3]["rotation"] = 45
    data["placed"][4]["at"] = [1]
    del data["wires"][0]["to"]
    data["texts"][0]["size"] = "big"
    with pytest.raises(DiagramFileError) as err:
        fileformat.loads(json.dumps(data), LIBRARY)
    assert err.value.problems == [
        "placed[3].rotation: 45 is not one of 0, 90, 180, 270",
        "placed[4].at: expected [x, y], found [1]",
        "texts[0].size: expected a number, found 'big'",
        "wires[0].to: expected an object, found NoneType",
    ]


def test_a_bad_embedded_symbol_is_named(plant):
    data = json.loads(fileformat.dumps(plant))
    data["symbols"]["ct"]["terminals"][0]["dir"] = "up"
    with pytest.raises(DiagramFileError, match=r"symbols.ct 'ct'.terminals\[0\].dir: 'up' is not a direction"):
        fileformat.loads(json.dumps(data), LIBRARY)


def test_copy_and_paste_gives_fresh_uuids_moved_by_the_offset(plant):
    names = by_name(plant)
    feeder = [names[n].uuid for n in ("QF-F1-1", "CT-F1-1", "W-F1-1", "L-F1-1", "ES-F1-1")]
    inside = [w.uuid for w in plant.wires if {w.start.symbol, w.end.symbol} <= set(feeder)]
    half = [w.uuid for w in plant.wires_at(names["QF-F1-1"].uuid) if w.uuid not in inside]
    assert len(inside) == 4 and half  # the wire to the busbar is half in the selection
    clip = clipboard.copy(plant, [*feeder, *inside, *half, "title"])
    before = dict(plant.items)
    added = clipboard.paste(plant, clip, LIBRARY, offset=(40, 0))
    assert len(added) == 5 + 4 + 1  # symbols, the wires inside, the text; not the half wire
    assert not {i.uuid for i in added} & set(before)
    originals = {p.name: p for p in before.values() if isinstance(p, PlacedSymbol)}
    for item in added:
        if isinstance(item, PlacedSymbol):
            src = originals[item.name]
            assert item.position == (src.position[0] + 40, src.position[1])
            assert (item.symbol, item.bindings, item.rotation) == (src.symbol, src.bindings, src.rotation)
    new_ids = {i.uuid for i in added}
    for wire in (i for i in added if isinstance(i, Wire)):
        assert {wire.start.symbol, wire.end.symbol} <= new_ids
    pasted_es = next(i for i in added if isinstance(i, PlacedSymbol) and i.name == "ES-F1-1")
    assert plant.wires_at(pasted_es.uuid)  # wired to the pasted cable end
    assert fileformat.loads(fileformat.dumps(plant), LIBRARY).items == plant.items


def test_paste_into_an_empty_diagram_brings_the_symbols_along(plant):
    from app.diagram.model import Diagram

    names = by_name(plant)
    clip = clipboard.copy(plant, [names["T1"].uuid, names["TC1"].uuid])
    other = Diagram("other")
    added = clipboard.paste(other, clip, SymbolLibrary(), offset=(0, 0))
    assert {i.symbol for i in added} == {"transformer_2w", "temperature_controller"}  # type: ignore[union-attr]
    assert set(other.symbols) == {"transformer_2w", "temperature_controller"}
    t1 = next(i for i in added if i.name == "T1")  # type: ignore[union-attr]
    assert t1.kv == {"lv": 0.69} and other.terminal_position(WireEnd(t1.uuid, "hv")) == \
        plant.terminal_position(WireEnd(names["T1"].uuid, "hv"))


@pytest.mark.parametrize(("symbol", "length", "words"), [
    ("busbar", 1, "length 1 is outside 2..2000"),
    ("busbar", 5000, "length 5000 is outside 2..2000"),
    ("ct", 4, "length 4 given, but symbol 'ct' does not stretch"),
])
def test_a_busbar_length_out_of_range_is_reported(plant, symbol, length, words):
    data = json.loads(fileformat.dumps(plant))
    item = next(p for p in data["placed"] if p["symbol"] == symbol)
    item["length"] = length
    with pytest.raises(DiagramFileError) as err:
        fileformat.loads(json.dumps(data), LIBRARY)
    assert words in err.value.problems[0]
