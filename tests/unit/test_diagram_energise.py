"""Energisation on a real room: two transformers with a bus tie, trips, earthing, transformer voltages, unknowns.

The plant (tests/bench/diagram.py `build_plant`, 2 sections, 3 feeders):
GRID (10 kV) - QF0 (withdrawable) - HV bus - QF-HV1/2 (withdrawable) - T1/T2 (10/0.4 kV)
- QF-LV1/2 - LV1/LV2 busbars, TIE1 between them; per feeder QF-Fs-f - CT - cable end W - load L,
with an earthing switch ES-Fs-f on the cable.
"""

import dataclasses

import pytest

from app.diagram.energise import Energy, Network, Section, SwitchState, switch_state
from app.diagram.model import Diagram, WireEnd
from app.diagram.symbols import StateBinding, load_library
from app.model import Quality, Sample
from tests.bench.diagram import build_plant, by_name, normal_values

LIBRARY = load_library()
LIVE_LV = (Energy.LIVE, (0.4,))
LIVE_HV = (Energy.LIVE, (10.0,))
DEAD = (Energy.DEAD, ())


@pytest.fixture
def room():
    d = build_plant(LIBRARY, sections=2, feeders=3)
    return d, by_name(d), Network(d), normal_values(d)


def at(d, names, e, name) -> tuple[Energy, tuple[float, ...]]:
    s = e.symbol(d, names[name].uuid)
    return s.energy, s.kv


def side(e, names, name, terminal) -> tuple[Energy, tuple[float, ...]]:
    s = e.terminal(names[name].uuid, terminal)
    return s.energy, s.kv


def test_normal_operation_both_transformers_in_tie_open(room):
    d, n, net, values = room
    e = net.trace(values)
    assert at(d, n, e, "HV") == LIVE_HV
    assert side(e, n, "T1", "hv") == LIVE_HV and side(e, n, "T1", "lv") == LIVE_LV
    for name in ("LV1", "LV2", "L-F1-1", "L-F2-3", "CT-F1-2", "W-F2-1"):
        assert at(d, n, e, name) == LIVE_LV, name
    assert e.switch_states[n["TIE1"].uuid] is SwitchState.OPEN
    assert e.switch_states[n["QF0"].uuid] is SwitchState.CLOSED
    assert e.unknown == [] and e.faults == [] and e.conflicts == []
    assert e.terminal(n["LV1"].uuid, "S4").sources == (n["GRID"].uuid,)
    wire = d.wires_at(n["L-F1-1"].uuid)[0]
    assert e.wire(d, wire.uuid) == Section(Energy.LIVE, (0.4,), (n["GRID"].uuid,))


def test_transformer_out_of_service_tie_open_then_closed(room):
    d, n, net, values = room
    values["QF-HV2.pos"] = 0
    values["QF-LV2.pos"] = 0
    e = net.trace(values)
    assert at(d, n, e, "LV2") == DEAD and at(d, n, e, "L-F2-1") == DEAD and at(d, n, e, "T2") == DEAD
    assert at(d, n, e, "LV1") == LIVE_LV
    values["TIE1.pos"] = 1
    e = net.trace(values)
    assert at(d, n, e, "LV2") == LIVE_LV and at(d, n, e, "L-F2-3") == LIVE_LV
    assert at(d, n, e, "T2") == DEAD  # isolated on both sides
    # closing T2's LV incomer now back-feeds T2: its HV winding is live at 10 kV behind an open breaker
    values["QF-LV2.pos"] = 1
    e = net.trace(values)
    assert side(e, n, "T2", "hv") == LIVE_HV and side(e, n, "QF-HV2", "b") == LIVE_HV
    assert e.switch_states[n["QF-HV2"].uuid] is SwitchState.OPEN


def test_a_tripped_feeder_breaker_de_energises_only_its_feeder(room):
    d, n, net, values = room
    values["QF-F1-2.pos"] = 0
    e = net.trace(values)
    assert side(e, n, "QF-F1-2", "a") == LIVE_LV and side(e, n, "QF-F1-2", "b") == DEAD
    assert at(d, n, e, "QF-F1-2") == LIVE_LV  # drawn live: its line side is
    for name in ("CT-F1-2", "W-F1-2", "L-F1-2", "ES-F1-2"):
        assert at(d, n, e, name) == DEAD, name
    assert at(d, n, e, "L-F1-1") == LIVE_LV and at(d, n, e, "L-F1-3") == LIVE_LV


def test_a_tripped_incomer_de_energises_the_whole_section_downstream(room):
    d, n, net, values = room
    values["QF-LV1.pos"] = 0
    e = net.trace(values)
    assert side(e, n, "T1", "lv") == LIVE_LV
    assert [at(d, n, e, f"L-F1-{f}") for f in (1, 2, 3)] == [DEAD] * 3
    assert [at(d, n, e, f"L-F2-{f}") for f in (1, 2, 3)] == [LIVE_LV] * 3
    values["QF0.pos"] = 0  # the utility incomer: the whole room goes dark
    e = net.trace(values)
    assert {at(d, n, e, p.name)[0] for p in d.placed if p.name not in ("GRID", "QF0")} == {Energy.DEAD}


def test_earthing_switch_closed_on_a_dead_section_earths_it(room):
    d, n, net, values = room
    values["QF-F2-1.pos"] = 0
    values["ES-F2-1.pos"] = 1
    e = net.trace(values)
    assert at(d, n, e, "L-F2-1") == (Energy.EARTHED, ())
    assert at(d, n, e, "W-F2-1") == (Energy.EARTHED, ()) and side(e, n, "QF-F2-1", "b") == (Energy.EARTHED, ())
    assert side(e, n, "QF-F2-1", "a") == LIVE_LV
    assert e.faults == [] and e.switch_states[n["ES-F2-1"].uuid] is SwitchState.CLOSED


def test_earthing_switch_closed_on_a_live_section_is_a_reported_fault(room):
    d, n, net, values = room
    values["ES-F2-1.pos"] = 1  # the feeder breaker is still closed
    e = net.trace(values)
    assert at(d, n, e, "L-F2-1") == (Energy.FAULT, (0.4,))
    assert at(d, n, e, "LV2") == (Energy.FAULT, (0.4,))  # the fault reaches the busbar
    assert at(d, n, e, "LV1") == LIVE_LV  # tie open
    (fault,) = e.faults
    assert fault.symbol == n["ES-F2-1"].uuid
    assert fault.text == "ES-F2-1: earthing switch closed on a live section (0.4 kV)"


def test_transformer_paths_give_the_lv_voltage_of_the_winding(room):
    d, n, _, values = room
    d.edit(n["T1"].uuid, kv={"lv": 0.69})
    e = Network(d).trace(values)
    assert at(d, n, e, "LV1") == (Energy.LIVE, (0.69,)) and at(d, n, e, "LV2") == LIVE_LV
    values["TIE1.pos"] = 1  # two LV systems of different voltage paralleled
    e = Network(d).trace(values)
    assert at(d, n, e, "LV1") == (Energy.LIVE, (0.4, 0.69))
    (conflict,) = e.conflicts
    assert "sources of 0.4, 0.69 kV meet in one section" in conflict.text


def test_three_winding_transformer_energises_both_secondaries():
    d = Diagram("substation")
    grid = d.place(LIBRARY["utility_source"], (0, 0), name="GRID", kv={"out": 35.0})
    t = d.place(LIBRARY["transformer_3w"], (0, 4), name="T")
    mv_bus = d.place(LIBRARY["busbar"], (0, 12), name="MV", length=6)
    lv_bus = d.place(LIBRARY["busbar"], (10, 12), name="LV", length=6)
    d.connect(WireEnd(grid.uuid, "a"), WireEnd(t.uuid, "hv"))
    d.connect(WireEnd(t.uuid, "mv"), WireEnd(mv_bus.uuid, "N1"))
    d.connect(WireEnd(t.uuid, "lv"), WireEnd(lv_bus.uuid, "N1"))
    e = Network(d).trace({})
    assert e.symbol(d, mv_bus.uuid).kv == (10.0,) and e.symbol(d, lv_bus.uuid).kv == (0.4,)
    assert e.terminal(t.uuid, "hv").kv == (35.0,)


def test_a_generator_feeds_an_isolated_section_at_its_own_voltage(room):
    d, n, _, values = room
    gen = d.place(LIBRARY["generator"], (80, 20), name="G1")
    qg = d.place(LIBRARY["breaker_fixed"], (80, 24), name="QF-G1", bindings={"position": "QF-G1.pos"})
    d.connect(WireEnd(gen.uuid, "a"), WireEnd(qg.uuid, "a"))
    d.connect(WireEnd(qg.uuid, "b"), WireEnd(n["LV2"].uuid, "N6"))
    values.update({"QF0.pos": 0, "QF-LV2.pos": 0, "QF-G1.pos": 1})  # utility lost, LV2 islanded on G1
    e = Network(d).trace(values)
    assert at(d, n, e, "HV") == DEAD and at(d, n, e, "LV1") == DEAD
    assert e.symbol(d, n["L-F2-2"].uuid) == Section(Energy.LIVE, (0.4,), (gen.uuid,))
    values["QF-LV2.pos"] = 1  # back through T2 to the 10 kV bus and on to T1's section
    e = Network(d).trace(values)
    assert at(d, n, e, "HV") == LIVE_HV and at(d, n, e, "LV1") == LIVE_LV


@pytest.mark.parametrize(("value", "why"), [
    (Sample("QF-F1-1.pos", 0, 1.0, Quality.COMM_FAIL), "position point QF-F1-1.pos has no good value"),
    (Sample("QF-F1-1.pos", 0, 1.0, Quality.STALE), "position point QF-F1-1.pos has no good value"),
    (None, "position point QF-F1-1.pos has no good value"),
    (2, "position point QF-F1-1.pos has no good value"),
    (0.5, "position point QF-F1-1.pos has no good value"),
    (float("nan"), "position point QF-F1-1.pos has no good value"),
    ("missing", "position point QF-F1-1.pos has no good value"),
])
def test_an_unknown_state_is_not_conducting_and_is_reported(room, value, why):
    d, n, net, values = room
    if value == "missing":
        del values["QF-F1-1.pos"]
    else:
        values["QF-F1-1.pos"] = value
    e = net.trace(values)
    assert e.switch_states[n["QF-F1-1"].uuid] is SwitchState.UNKNOWN
    assert at(d, n, e, "L-F1-1") == DEAD
    (finding,) = e.unknown
    assert finding.symbol == n["QF-F1-1"].uuid
    assert finding.text == f"QF-F1-1: state unknown ({why}); treated as open"


def test_a_good_sample_counts_like_a_number(room):
    d, n, net, values = room
    values["QF-F1-1.pos"] = Sample("QF-F1-1.pos", 0, 1.0, Quality.GOOD)
    assert at(d, n, net.trace(values), "L-F1-1") == LIVE_LV
    values["QF-F1-1.pos"] = Sample("QF-F1-1.pos", 0, 0.0, Quality.GOOD)
    assert at(d, n, net.trace(values), "L-F1-1") == DEAD


def test_a_withdrawn_truck_does_not_conduct_whatever_its_position(room):
    d, n, net, values = room
    values["QF-HV1.truck"] = 1  # position still reads closed
    e = net.trace(values)
    assert e.switch_states[n["QF-HV1"].uuid] is SwitchState.WITHDRAWN
    assert at(d, n, e, "T1") == DEAD and at(d, n, e, "LV1") == DEAD and e.unknown == []
    values["QF-HV1.truck"] = Sample("QF-HV1.truck", 0, 0, Quality.BAD_VALUE)
    e = net.trace(values)
    assert e.switch_states[n["QF-HV1"].uuid] is SwitchState.UNKNOWN
    assert "truck position point QF-HV1.truck has no good value" in e.unknown[0].text


def test_unbound_switches_and_fuses(room):
    d, n, _, values = room
    d.edit(n["QF-F1-3"].uuid, bindings={})
    e = Network(d).trace(values)
    assert at(d, n, e, "L-F1-3") == DEAD
    assert e.unknown[0].text == "QF-F1-3: state unknown (position is not bound to a point); treated as open"
    fuse = LIBRARY["fuse"]
    placed = d.place(fuse, (90, 0), name="FU1")
    assert switch_state(fuse, placed, {}) == (SwitchState.CLOSED, "")  # a fuse without a blown contact conducts
    bound = d.place(fuse, (94, 0), name="FU2", bindings={"blown": "FU2.blown"})
    assert switch_state(fuse, bound, {"FU2.blown": 1})[0] is SwitchState.OPEN
    assert switch_state(fuse, bound, {"FU2.blown": 0})[0] is SwitchState.CLOSED
    assert switch_state(fuse, bound, {})[0] is SwitchState.UNKNOWN


def test_the_network_names_the_points_that_can_change_the_picture(room):
    _d, n, net, _ = room
    assert {"QF0.pos", "QF0.truck", "TIE1.pos", "ES-F2-3.pos", "QF-LV1.pos"} <= net.points
    assert len(net.switches) == 1 + 2 * 2 + 2 * 3 * 2 + 1
    assert all(point.endswith((".pos", ".truck")) for point in net.points)
    # the sections are computed per node: a busbar's 2*(length+1) terminals are one node
    assert net.node_of[(n["LV1"].uuid, "N0")] == net.node_of[(n["LV1"].uuid, "S16")]


def test_a_double_point_status_maps_its_intermediate_position_to_unknown():
    symbol = dataclasses.replace(LIBRARY["disconnector"], states=(
        StateBinding("position", {1: "open", 2: "closed", 0: "intermediate", 3: "fault"}),))
    d = Diagram("r")
    qs = d.place(symbol, (0, 0), name="QS1", bindings={"position": "QS1.dp"})
    assert switch_state(symbol, qs, {"QS1.dp": 2}) == (SwitchState.CLOSED, "")
    assert switch_state(symbol, qs, {"QS1.dp": 1}) == (SwitchState.OPEN, "")
    assert switch_state(symbol, qs, {"QS1.dp": 0}) == \
        (SwitchState.UNKNOWN, "position point QS1.dp reads 'intermediate'")
