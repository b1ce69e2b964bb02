"""Binding checks from point kinds by id (the console's SiteModel), one symbol at a time, as data."""

from app.config import load_site
from app.diagram.checks import BindingProblem, binding_problems, problems_by_kind, symbol_problems, who
from app.diagram.model import Diagram, ValueLabel
from app.diagram.symbols import load_library

LIBRARY = load_library()
KINDS = {"QF1.pos": "digital", "QF1.Ia": "analog", "QF1.E": "counter"}


def test_each_problem_is_data_naming_the_state_point_and_device():
    d = Diagram("r")
    qf1 = d.place(LIBRARY["breaker_withdrawable"], (0, 0), name="QF1", device="QF9",
                  bindings={"position": "QF1.Ia", "withdrawn": "QF1.gone", "colour": "QF1.pos"},
                  labels=(ValueLabel("QF1.E", ".0f", "kWh"), ValueLabel("QF1.P", ".1f", "kW")))
    assert symbol_problems(d, qf1, KINDS, devices={"QF1"}) == [
        BindingProblem(qf1.uuid, "not_digital", key="position", point="QF1.Ia", kind="analog"),
        BindingProblem(qf1.uuid, "missing_point", key="withdrawn", point="QF1.gone"),
        BindingProblem(qf1.uuid, "unknown_state", key="colour"),
        BindingProblem(qf1.uuid, "missing_label_point", point="QF1.P"),
        BindingProblem(qf1.uuid, "missing_device", device="QF9"),
    ]
    # without a device list the device is not checked; an optional state may stay unbound
    good = d.place(LIBRARY["breaker_withdrawable"], (4, 0), name="QF2", device="QF9", bindings={"position": "QF1.pos"})
    assert symbol_problems(d, good, KINDS) == []
    unbound = d.place(LIBRARY["disconnector"], (8, 0))
    assert symbol_problems(d, unbound, KINDS) == [BindingProblem(unbound.uuid, "unbound", key="position")]
    assert who(d, unbound) == f"Disconnector {unbound.uuid}" and who(d, unbound, "zh").endswith(unbound.uuid)


def test_kinds_by_id_and_points_give_the_same_findings_on_the_demo_site():
    site = load_site()
    d = Diagram("r")
    d.place(LIBRARY["breaker_fixed"], (0, 0), name="QF1-01", device="F1-01", bindings={"position": "F1-01.Ia"},
            labels=(ValueLabel("F1-01.P", ".1f", "kW"), ValueLabel("F1-01.nothing", ".1f", "kW")))
    d.place(LIBRARY["breaker_fixed"], (4, 0), name="QF1-02", device="F1-02", bindings={"position": "F1-02.DI1"})
    kinds = {pid: p.kind.value for pid, p in site.points.items()}
    devices = {dev.id for dev in site.file.devices}
    by_kind = problems_by_kind(d, kinds, devices)
    assert by_kind == binding_problems(d, site.points, devices)
    assert [f.text for f in by_kind] == [
        "QF1-01: 'position' is bound to F1-01.Ia (analog); a state needs a digital point",
        "QF1-01: the value label shows F1-01.nothing, which is not a point of the site",
    ]
