"""Bindings checked against the site's points: each bad binding is named with its symbol and point."""

from app.diagram.checks import binding_problems
from app.diagram.model import Diagram, ValueLabel
from app.diagram.symbols import load_library
from app.model import Point, PointKind

LIBRARY = load_library()
POINTS = {
    "QF1.pos": Point("QF1.pos", "合位", "Closed", "", PointKind.DIGITAL, "QF1"),
    "QF1.Ia": Point("QF1.Ia", "A相电流", "Current A", "A", PointKind.ANALOG, "QF1"),
}


def test_good_bindings_raise_nothing():
    d = Diagram("r")
    d.place(LIBRARY["breaker_fixed"], (0, 0), name="QF1", device="QF1", bindings={"position": "QF1.pos"},
            labels=(ValueLabel("QF1.Ia", ".1f", "A"),))
    d.place(LIBRARY["breaker_withdrawable"], (4, 0), name="QF2", bindings={"position": "QF1.pos"})  # truck optional
    d.place(LIBRARY["load"], (8, 0), name="L1")
    assert binding_problems(d, POINTS, devices={"QF1"}) == []


def test_each_bad_binding_is_flagged_in_words():
    d = Diagram("r")
    qf1 = d.place(LIBRARY["breaker_fixed"], (0, 0), name="QF1", device="QF9",
                  bindings={"position": "QF1.Ia", "colour": "QF1.pos"}, labels=(ValueLabel("QF1.P", ".1f", "kW"),))
    qf2 = d.place(LIBRARY["breaker_fixed"], (4, 0), name="QF2")
    qs = d.place(LIBRARY["disconnector"], (8, 0), bindings={"position": "QS1.pos"})
    problems = binding_problems(d, POINTS, devices={"QF1"})
    assert [(p.symbol, p.text) for p in problems] == [
        (qf1.uuid, "QF1: 'position' is bound to QF1.Ia (analog); a state needs a digital point"),
        (qf1.uuid, "QF1: the symbol has no state 'colour' to bind"),
        (qf1.uuid, "QF1: the value label shows QF1.P, which is not a point of the site"),
        (qf1.uuid, "QF1: device QF9 is not in the site"),
        (qf2.uuid, "QF2: 'position' is not bound to a point; it will show as unknown"),
        (qs.uuid, f"Disconnector {qs.uuid}: 'position' is bound to QS1.pos, which is not a point of the site"),
    ]
