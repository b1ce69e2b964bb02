"""The demo plant's single-line diagrams (resources/diagrams/) open, bind to the demo site and energise right."""

from itertools import pairwise
from pathlib import Path

import pytest

from app.config import load_site
from app.diagram import fileformat
from app.diagram.checks import binding_problems
from app.diagram.energise import Energy, Network, SwitchState
from app.diagram.model import Diagram, Link, PlacedSymbol
from app.diagram.symbols import load_library

LIBRARY = load_library()
SITE = load_site()
FOLDER = Path(SITE.path).parent  # type: ignore[arg-type]
REFS = {ref.id: ref for ref in SITE.file.diagrams}
FEEDERS = [f"F{s}-0{i}" for s in (1, 2) for i in range(1, 7)]
#: Feeders whose meter has no breaker-position input: their breakers cannot be bound.
UNMONITORED = {d for d in FEEDERS if f"{d}.DI1" not in SITE.points}
LIVE_LV = (Energy.LIVE, (0.4,))
LIVE_HV = (Energy.LIVE, (10.0,))
DEAD = (Energy.DEAD, ())


def load(diagram_id: str) -> Diagram:
    return fileformat.load(FOLDER / REFS[diagram_id].file, LIBRARY)


def by_name(d: Diagram) -> dict[str, PlacedSymbol]:
    return {p.name: p for p in d.placed if p.name}


def closed_values(d: Diagram, *opened: str) -> dict[str, int]:
    """Every bound breaker closed (the bus tie too) but the ``opened`` points, TCU alarms off."""
    values = {point: 1 if key == "position" else 0 for p in d.placed for key, point in p.bindings.items()}
    return {**values, **dict.fromkeys(opened, 0)}


def at(d: Diagram, e, name: str) -> tuple[Energy, tuple[float, ...]]:
    s = e.symbol(d, by_name(d)[name].uuid)
    return s.energy, s.kv


def below(d: Diagram, e, name: str, terminal: str = "b") -> tuple[Energy, tuple[float, ...]]:
    s = e.terminal(by_name(d)[name].uuid, terminal)
    return s.energy, s.kv


def test_the_site_lists_one_overview_and_one_diagram_per_room():
    assert set(REFS) == {"overview", "hv-room", "lv-room"}
    assert {r.room for r in REFS.values()} == {None, *(room.id for room in SITE.file.rooms)}


@pytest.mark.parametrize("diagram_id", ["overview", "hv-room", "lv-room"])
def test_each_diagram_loads_binds_cleanly_and_is_the_generated_file(diagram_id):
    d = load(diagram_id)
    assert d.id == diagram_id and d.room == (REFS[diagram_id].room or "")
    # validates against the library (not only its embedded copies), and saving it gives the same text back
    text = (FOLDER / REFS[diagram_id].file).read_text(encoding="utf-8")
    assert fileformat.dumps(d) == text
    assert all(d.symbols[sid] == LIBRARY[sid] for sid in d.symbols)
    problems = binding_problems(d, SITE.points, SITE.devices)
    unbound = [p.text for p in problems if p.text.endswith("it will show as unknown")]
    assert [p.text for p in problems] == unbound  # nothing bound to a missing point, device or non-digital state
    assert unbound == [f"QF{dev[1:]}: 'position' is not bound to a point; it will show as unknown"
                       for dev in FEEDERS if dev in UNMONITORED and f"QF{dev[1:]}" in by_name(d)]
    for p in d.placed:  # every breaker bound to its device's DI1 (the demo's breaker-position input)
        if d.symbols[p.symbol].kind == "breaker" and p.device not in UNMONITORED:
            assert p.bindings == {"position": f"{p.device}.DI1"}, p.name
    for link in d.of_type(Link):
        assert link.target in REFS and link.target != diagram_id


def test_links_join_the_overview_and_the_rooms_both_ways():
    targets = {i: {link.target for link in load(i).of_type(Link)} for i in REFS}
    assert targets["overview"] == {"hv-room", "lv-room"}
    assert "overview" in targets["hv-room"] and "overview" in targets["lv-room"]


@pytest.mark.parametrize("diagram_id", ["overview", "hv-room", "lv-room"])
def test_symbols_do_not_overlap_and_stay_on_the_sheet(diagram_id):
    d = load(diagram_id)
    boxes = [(p.name or p.uuid, d.bounds(p)) for p in d.placed]
    for name, (x, y, w, h) in boxes:
        assert x >= 0 and y >= 0 and x + w <= d.size[0] and y + h <= d.size[1], name
    for i, (a, (ax, ay, aw, ah)) in enumerate(boxes):
        for b, (bx, by, bw, bh) in boxes[i + 1:]:
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a, b)


def test_lv_room_shows_every_feeder_the_tie_and_the_badges_with_equal_pitch():
    d = load("lv-room")
    names = by_name(d)
    devices = {p.device for p in d.placed}
    assert set(FEEDERS) | {"BUS-TIE", "T1-TCU", "T2-TCU", "ENV-1", "T1-LV-IN", "T2-LV-IN"} <= devices
    for s in (1, 2):
        xs = [d.bounds(names[f"QF{s}-0{i}"])[0] for i in range(1, 7)]
        ys = {d.bounds(names[f"QF{s}-0{i}"])[1] for i in range(1, 7)}
        assert len({b - a for a, b in pairwise(xs)}) == 1 and len(ys) == 1
    tcu = names["1#温控器"]
    assert {lb.point for lb in tcu.labels} == {"T1-TCU.TA", "T1-TCU.TB", "T1-TCU.TC"}
    for dev in FEEDERS:
        if dev != "F2-06":  # the EB10 multi-circuit meter has no feeder total
            assert {lb.point for lb in names[f"QF{dev[1:]}"].labels} == {f"{dev}.P", f"{dev}.Ia"}


@pytest.mark.parametrize("diagram_id", ["overview", "lv-room"])
def test_all_breakers_closed_energise_the_whole_plant(diagram_id):
    d = load(diagram_id)
    e = Network(d).trace(closed_values(d))
    assert at(d, e, "QF101") == LIVE_HV and at(d, e, "10kV母线") == LIVE_HV
    for n in (1, 2):
        assert below(d, e, f"{n}#主变", "hv") == LIVE_HV and below(d, e, f"{n}#主变", "lv") == LIVE_LV
        assert at(d, e, f"0.4kV {'Ⅰ' if n == 1 else 'Ⅱ'}段母线") == LIVE_LV
    assert e.faults == [] and e.conflicts == []
    if diagram_id == "lv-room":
        for dev in FEEDERS:
            qf = f"QF{dev[1:]}"
            assert below(d, e, qf, "a") == LIVE_LV, qf  # every feeder breaker sits on a live 0.4 kV bus
            assert at(d, e, dev) == (DEAD if dev in UNMONITORED else LIVE_LV), dev  # the load behind it
        assert sorted(f.text.split(":")[0] for f in e.unknown) == sorted(f"QF{x[1:]}" for x in UNMONITORED)
    else:
        assert e.unknown == []


def test_hv_room_incomer_feeds_both_transformer_cables():
    d = load("hv-room")
    e = Network(d).trace(closed_values(d))
    assert at(d, e, "10kV母线") == LIVE_HV and at(d, e, "至1#主变") == LIVE_HV and at(d, e, "关口计量") == LIVE_HV
    e = Network(d).trace(closed_values(d, "HV-IN.DI1"))
    assert at(d, e, "10kV母线") == DEAD and at(d, e, "至2#主变") == DEAD


@pytest.mark.parametrize("diagram_id", ["overview", "lv-room"])
def test_t1_lv_incomer_open_darkens_section_1_until_the_bus_tie_closes(diagram_id):
    d = load(diagram_id)
    net = Network(d)
    values = closed_values(d, "T1-LV-IN.DI1", "BUS-TIE.DI1")
    e = net.trace(values)
    assert e.switch_states[by_name(d)["QF401"].uuid] is SwitchState.OPEN
    assert at(d, e, "0.4kV Ⅰ段母线") == DEAD and at(d, e, "0.4kV Ⅱ段母线") == LIVE_LV
    assert below(d, e, "1#主变", "lv") == LIVE_LV  # T1 itself stays energised from 10 kV
    section_1 = [f for f in FEEDERS if f.startswith("F1")] if diagram_id == "lv-room" else []
    for dev in section_1:
        assert below(d, e, f"QF{dev[1:]}", "a") == DEAD and at(d, e, dev) == DEAD, dev
    values["BUS-TIE.DI1"] = 1
    e = net.trace(values)
    assert at(d, e, "0.4kV Ⅰ段母线") == LIVE_LV
    for dev in section_1:
        assert below(d, e, f"QF{dev[1:]}", "a") == LIVE_LV, dev
        assert at(d, e, dev) == (DEAD if dev in UNMONITORED else LIVE_LV), dev
    assert e.conflicts == [] and e.faults == []


def test_hv_incomer_trip_darkens_the_lv_room():
    d = load("lv-room")
    e = Network(d).trace(closed_values(d, "HV-IN.DI1"))
    assert at(d, e, "0.4kV Ⅰ段母线") == DEAD and at(d, e, "0.4kV Ⅱ段母线") == DEAD and at(d, e, "F2-01") == DEAD
