"""Alarm rules in the site file: terse forms, clear errors at load time, and the demo's defaults."""

from __future__ import annotations

import pytest

from app.alarms.engine import AlarmEngine
from app.alarms.rules import compile_rules
from app.alarms.when import When
from app.config import SiteError, load_site
from app.formula import FormulaError
from app.model import Quality, Sample
from drivers.link import LinkEvent, LinkState
from tests.unit.alarm_cases import T0, site


def problems(alarms: str) -> list[str]:
    with pytest.raises(SiteError) as info:
        site(alarms)
    return str(info.value).splitlines()


def test_a_bare_list_is_the_rules_and_flood_defaults_apply():
    s = site("""\
  - {kind: state, point: ENV.smoke}
""")
    assert (s.file.alarms.flood.count, s.file.alarms.flood.seconds) == (10, 10.0)
    rules = compile_rules(s)
    assert list(rules.conditions) == ["ENV.smoke:state"]
    assert (rules.flood_count, rules.flood_ms) == (10, 10_000)


def test_patterns_expand_over_points_and_devices():
    rules = compile_rules(site("""\
  rules:
    - {kind: limit, points: ["T1-TCU.T[AB]"], H: 130}
    - {kind: comm, devices: "*"}
    - {kind: change, points: ["*.DI1"]}
"""))
    assert sorted(rules.conditions) == sorted([
        "T1-TCU.TA:H", "T1-TCU.TB:H", "T1-TCU:comm", "F1:comm", "TX:comm", "M5:comm", "ENV:comm",
        "F1.DI1:change", "TX.DI1:change",
    ])  # fmt: skip


def test_unknown_point_device_gateway_and_patterns_matching_nothing():
    assert problems("""\
  rules:
    - {kind: limit, point: T1-TCU.Tx, H: 130}
    - {kind: comm, devices: [F9], gateways: ["Q*"]}
    - {kind: state, points: ["ZZ*.smoke"]}
""") == [
        "<site>:15: alarms.rules[0].points: 'T1-TCU.Tx' is not a point of this site",
        "<site>:16: alarms.rules[1].devices: 'F9' is not a device of this site",
        "<site>:16: alarms.rules[1].gateways: 'Q*' matches no gateway of this site",
        "<site>:17: alarms.rules[2].points: 'ZZ*.smoke' matches no point of this site",
    ]


def test_limits_out_of_order_and_other_field_errors():
    assert problems("""\
  rules:
    - {kind: limit, point: TX.Ua, L: 250, H: 240}
    - {kind: limit, point: TX.Ub}
    - {kind: limit, point: TX.Uc, H: {value: 240, level: 7}, deadband: "x%"}
    - {kind: alarmy, point: TX.Uc}
    - {kind: overload, device: TX, thresholds: {80: 9}}
    - {kind: rate, point: TX.Ua}
""") == [
        "<site>:15: alarms.rules[0]: limits must rise LL < L < H < HH, but L = 250 is not below H = 240",
        "<site>:16: alarms.rules[1]: a limit rule needs at least one of HH, H, L, LL",
        "<site>:17: alarms.rules[2].H.level: input should be less than or equal to 4 (got 7)",
        "<site>:17: alarms.rules[2].deadband: 'x%' is not a deadband: write a number (absolute) or a percentage "
        "like '2%'",
        "<site>:18: alarms.rules[3]: kind should be one of limit, rate, change, state, stale, comm, overload, "
        "phase_overload, unbalance",
        "<site>:19: alarms.rules[4].thresholds: the level of 80 % should be 1-4 (1 critical … 4 notice), not 9",
        "<site>:20: alarms.rules[5]: a rate rule needs rise, fall or both",
    ]


def test_device_rules_need_the_quantities_and_ratings_they_read():
    assert problems("""\
  rules:
    - {kind: phase_overload, device: ENV}
    - {kind: overload, device: M5}
    - {kind: overload, device: F1, basis: S}
    - {kind: unbalance, device: M5}
""") == [
        "<site>:15: alarms.rules[0].devices: ENV has no rating.a, which a phase_overload rule needs",
        "<site>:16: alarms.rules[1].devices: M5 has no rating.a, which an overload rule on I needs",
        "<site>:17: alarms.rules[2].devices: F1 has no rating.kva, which an overload rule on S needs",
        "<site>:18: alarms.rules[3].devices: M5 has no rating.a: give the unbalance rule min_current (A) to say "
        "when load is enough",
    ]
    # a rating without the quantities: the template is named
    assert "ENV's template has no Ia, Ib, Ic, which a unbalance rule reads" in problems("""\
  rules:
    - {kind: unbalance, device: ENV, min_current: 5}
""")[0]


def test_suppress_when_and_duplicate_conditions():
    assert problems("""\
  rules:
    - {kind: state, point: ENV.smoke, suppress_when: "{ENV.nope} == 1"}
    - {kind: state, point: ENV.water, suppress_when: "{ENV.door} + 1"}
    - {kind: state, point: ENV.smoke}
""") == [
        "<site>:15: alarms.rules[0].suppress_when: 'ENV.nope' is not a point of this site",
        "<site>:16: alarms.rules[1].suppress_when: '{ENV.door} + 1' is not a condition: compare two values, e.g. "
        "{F1-01.DI1} == 0 (and/or join several)",
        "<site>:17: alarms.rules[2]: ENV.smoke:state is already judged by alarms.rules[0]; one condition, one rule",
    ]


def test_point_and_points_together_is_an_error():
    assert problems("""\
  rules:
    - {kind: state, point: ENV.smoke, points: [ENV.water]}
""") == ["<site>:15: alarms.rules[0]: give either point or points, not both"]


def test_when_conditions():
    w = When("{A.x} >= 2 and {A.y} != 0")
    assert w.points == ("A.x", "A.y")
    assert w.holds({"A.x": 2, "A.y": 1}) is True
    assert w.holds({"A.x": 1, "A.y": 1}) is False
    assert w.holds({"A.x": 3}) is None  # not known yet
    with pytest.raises(FormulaError):
        When("{A.x} == __import__('os')")


def test_disabled_rules_make_no_conditions():
    rules = compile_rules(site("""\
  rules:
    - {kind: state, point: ENV.smoke, enabled: false}
"""))
    assert rules.conditions == {}


def test_demo_site_has_switch_room_defaults_that_run():
    demo = load_site()
    rules = compile_rules(demo)
    c = rules.conditions
    assert (c["T1-TCU.TA:H"].level, c["T1-TCU.TA:HH"].level) == (2, 1)
    assert [c[f"T2-LV-IN:overload:{p}"].level for p in (80, 100, 120)] == [3, 2, 1]
    assert {c["ENV-1.smoke:state"].level, c["ENV-1.water:state"].level, c["ENV-1.door:state"].level} == {1, 3}
    assert c["DTU-2:comm"].level == 1 and c["F2-06:comm"].level == 2
    assert c["T1-LV-IN.PF:L"].level == 4 and "F1-01.DI1:change" in c and "F1-01:unbalance" in c
    assert "F1-01:phase_overload:100" in c and "F1-05:overload:100" in c
    # a breaker trip on the demo, end to end through the engine
    e = AlarmEngine(rules, clock=lambda: T0)
    e.feed([Sample("F1-01.DI1", T0, 1.0)])
    trip = e.feed([Sample("F1-01.DI1", T0 + 1000, 0.0)])
    assert trip[0].alarm.message == "1#出线 照明 断路器 变位 合闸→分闸"
    # a DTU loss: one critical gateway alarm, the devices behind it suppressed
    e.link(LinkEvent("DTU-4", LinkState.OFFLINE), now_ms=T0 + 2000)
    e.feed([Sample("ENV-1.temp", T0 + 3000, 20.0, Quality.COMM_FAIL)])
    e.tick(T0 + 20_000)
    states = {a.key: a.state for a in e.active()}
    assert states["DTU-4:comm"] == "active_unacked" and states["ENV-1:comm"] == "suppressed"
