"""Shelving, suppression, floods, runtime reload of rules and restore after a restart."""

from __future__ import annotations

import pytest

from app.alarms.engine import AlarmEngine
from app.alarms.model import AlarmActionError, AlarmState, Change, Level
from app.alarms.rules import compile_rules
from app.model import Quality
from drivers.link import LinkEvent, LinkState
from tests.unit.alarm_cases import T0, changes, engine, ms, s, site

TEMP = """\
  rules:
    - {kind: limit, point: T1-TCU.TA, H: 130, HH: {value: 150, level: 1}, deadband: 3}
"""


def test_shelving_is_timed_with_a_reason_and_returns_by_itself():
    e = engine(TEMP)
    (raised,) = e.feed([s("T1-TCU.TA", 1, 140.0)])
    shelved = e.shelve(raised.alarm.id, 30, "sensor being replaced", "wang", ms(2))
    assert (shelved.change, shelved.alarm.state, shelved.user, shelved.comment) == (
        Change.SHELVED, AlarmState.SHELVED, "wang", "sensor being replaced")  # fmt: skip
    assert (shelved.alarm.shelved_until, shelved.alarm.shelve_reason) == (ms(2 + 1800), "sensor being replaced")
    # transitions while shelved are still returned (journaled), in the shelved state
    assert changes(e.feed([s("T1-TCU.TA", 10, 100.0)])) == [("T1-TCU.TA:H", "cleared", "shelved")]
    assert changes(e.feed([s("T1-TCU.TA", 20, 141.0)])) == [("T1-TCU.TA:H", "raised", "shelved")]
    assert e.tick(ms(1000)) == []
    (back,) = e.tick(ms(2 + 1800))
    assert (back.change, back.alarm.state, back.alarm.shelved_until, back.user) == (
        Change.UNSHELVED, AlarmState.ACTIVE_UNACKED, None, None)  # fmt: skip


def test_shelving_covers_a_new_occurrence_of_the_same_condition():
    e = engine(TEMP)
    (raised,) = e.feed([s("T1-TCU.TA", 1, 140.0)])
    e.acknowledge(raised.alarm.id, "wang", None, ms(1))
    e.shelve(raised.alarm.id, 10, "calibration", "wang", ms(2))
    assert changes(e.feed([s("T1-TCU.TA", 3, 100.0)])) == [("T1-TCU.TA:H", "normal", "normal")]
    (again,) = e.feed([s("T1-TCU.TA", 4, 140.0)])
    assert (again.alarm.state, again.alarm.id != raised.alarm.id) == (AlarmState.SHELVED, True)
    assert changes(e.tick(ms(2 + 600))) == [("T1-TCU.TA:H", "unshelved", "active_unacked")]


def test_unshelve_and_bad_shelve_requests():
    e = engine(TEMP)
    (raised,) = e.feed([s("T1-TCU.TA", 1, 140.0)])
    aid = raised.alarm.id
    with pytest.raises(AlarmActionError, match="give a reason"):
        e.shelve(aid, 10, "  ", "wang", ms(2))
    with pytest.raises(AlarmActionError, match="at most 10080 minutes"):
        e.shelve(aid, 0, "x", "wang", ms(2))
    with pytest.raises(AlarmActionError, match="is not shelved"):
        e.unshelve(aid, "wang", ms(2))
    e.shelve(aid, 10, "work", "wang", ms(2))
    ev = e.unshelve(aid, "li", ms(3))
    assert (ev.change, ev.user, ev.alarm.state) == (Change.UNSHELVED, "li", AlarmState.ACTIVE_UNACKED)
    assert e.tick(ms(2 + 600)) == []


def test_ack_of_a_shelved_alarm_keeps_it_shelved():
    e = engine(TEMP)
    (raised,) = e.feed([s("T1-TCU.TA", 1, 140.0)])
    e.shelve(raised.alarm.id, 10, "work", "wang", ms(2))
    acked = e.acknowledge(raised.alarm.id, "wang", "ok", ms(3))
    assert (acked.change, acked.alarm.state) == (Change.ACKED, AlarmState.SHELVED)
    assert changes(e.tick(ms(2 + 600))) == [("T1-TCU.TA:H", "unshelved", "active_acked")]


FEEDER = """\
  rules:
    - {kind: overload, device: F1, basis: I, thresholds: {100: 2}, suppress_when: "{F1.DI1} == 0"}
    - {kind: limit, point: F1.Ua, L: 200, suppress_when: "{@.DI1} == 0 or {@.DI2} == 1"}
"""


def three(t: float, amps: float) -> list:
    return [s("F1.Ia", t, amps), s("F1.Ib", t, amps), s("F1.Ic", t, amps)]


def test_alarms_suppressed_while_the_breaker_is_open_come_back_when_it_closes():
    e = engine(FEEDER)
    e.feed([s("F1.DI1", 0, 1.0), s("F1.DI2", 0, 0.0)])
    (over,) = e.feed(three(1, 450.0))
    opened = e.feed([s("F1.DI1", 2, 0.0)])
    assert changes(opened) == [("F1:overload:100", "suppressed", "suppressed")]
    assert opened[0].alarm.suppressed_by == "{F1.DI1} == 0"
    # raised while suppressed: journaled, in the suppressed state
    assert changes(e.feed([s("F1.Ua", 3, 0.0)])) == [("F1.Ua:L", "raised", "suppressed")]
    closed = e.feed([s("F1.DI1", 4, 1.0)])
    assert changes(closed) == [("F1:overload:100", "unsuppressed", "active_unacked"),
                               ("F1.Ua:L", "unsuppressed", "active_unacked")]  # fmt: skip
    assert closed[0].alarm.id == over.alarm.id and closed[0].alarm.suppressed_by is None
    # {@.DI2} reads the rule's own device; "or" joins conditions
    assert changes(e.feed([s("F1.DI2", 5, 1.0)])) == [("F1.Ua:L", "suppressed", "suppressed")]


def test_maintenance_flag_suppresses_every_alarm_of_a_device():
    e = engine(FEEDER)
    e.feed([s("F1.DI1", 0, 1.0), s("F1.DI2", 0, 0.0)])
    e.feed(three(1, 450.0))
    events = e.set_maintenance("F1", True, "wang", ms(2))
    assert changes(events) == [("F1:overload:100", "suppressed", "suppressed")]
    assert events[0].alarm.suppressed_by == "检修 maintenance (wang)"
    assert changes(e.feed(three(3, 100.0))) == [("F1:overload:100", "normal", "normal")]
    assert e.set_maintenance("F1", False, "wang", ms(4)) == []


FLOOD = """\
  flood: {count: 3, seconds: 10}
  rules:
    - {kind: state, points: [ENV.smoke, ENV.water, ENV.door, ENV.intrusion, T1-TCU.trip, T1-TCU.alarm]}
"""


def test_a_flood_groups_alarms_with_a_first_out_and_drops_nothing():
    e = engine(FLOOD)
    first = e.feed([s("ENV.smoke", 1, 1.0), s("ENV.water", 2, 1.0), s("ENV.door", 3, 1.0)])
    assert e.flood() is None and all(ev.alarm.flood is None for ev in first)
    (fourth,) = e.feed([s("ENV.intrusion", 4, 1.0)])
    flood = e.flood()
    assert flood is not None and fourth.alarm.flood == flood.id == 1
    assert (flood.count, flood.started_at, flood.first_out.key) == (4, ms(1), "ENV.smoke:state")
    assert flood.per_level == {Level.CRITICAL: 4}
    assert {a.flood for a in e.active()} == {1}  # alarms of the window are labelled too
    (fifth,) = e.feed([s("T1-TCU.trip", 12, 1.0)])  # within 10 s of the last: still the same flood
    assert fifth.alarm.flood == 1 and e.flood().count == 5
    assert e.tick(ms(21)) == [] and e.flood() is not None
    e.tick(ms(22))
    assert e.flood() is None
    (later,) = e.feed([s("T1-TCU.alarm", 40, 1.0)])
    assert later.alarm.flood is None and len(e.active()) == 6


def test_alarms_spread_out_are_no_flood():
    e = engine(FLOOD)
    for i, p in enumerate(["ENV.smoke", "ENV.water", "ENV.door", "ENV.intrusion", "T1-TCU.trip"]):
        e.feed([s(p, i * 4, 1.0)])
    assert e.flood() is None


def test_replace_rules_keeps_alarm_states_and_applies_new_limits():
    e = engine(TEMP)
    events = e.feed([s("T1-TCU.TA", 1, 155.0)])
    h, hh = (ev.alarm for ev in events)
    e.acknowledge(h.id, "zhang", None, ms(2))
    e.shelve(hh.id, 60, "test", "zhang", ms(2))
    new = compile_rules(site("""\
  rules:
    - {kind: limit, point: T1-TCU.TA, H: {value: 125, level: 3}, deadband: 3}
    - {kind: state, point: ENV.smoke}
"""))
    out = e.replace_rules(new, ms(3))
    assert changes(out) == [("T1-TCU.TA:H", "level", "active_acked"), ("T1-TCU.TA:HH", "cleared", "shelved")]
    assert out[0].alarm.level is Level.MINOR and out[0].alarm.id == h.id
    # the edited limit holds at once: 126 is above the new H of 125
    assert e.feed([s("T1-TCU.TA", 4, 126.0)]) == []
    assert changes(e.feed([s("T1-TCU.TA", 5, 121.0)])) == [("T1-TCU.TA:H", "normal", "normal")]
    # the removed HH alarm waits for its acknowledgement; new rules run
    assert e.acknowledge(hh.id, "zhang", None, ms(6)).change is Change.NORMAL
    assert changes(e.feed([s("ENV.smoke", 7, 1.0)])) == [("ENV.smoke:state", "raised", "active_unacked")]


def test_replace_rules_keeps_running_delays_and_suppression():
    e = engine("""\
  rules:
    - {kind: limit, point: F1.Ua, L: 200, on_delay: 10, suppress_when: "{F1.DI1} == 0"}
""")
    e.feed([s("F1.DI1", 0, 0.0), s("F1.Ua", 1, 0.0)])
    e.replace_rules(compile_rules(site("""\
  rules:
    - {kind: limit, point: F1.Ua, L: 190, on_delay: 10, suppress_when: "{F1.DI1} == 0"}
""")), ms(2))
    assert changes(e.tick(ms(11))) == [("F1.Ua:L", "raised", "suppressed")]


def test_restore_reseats_alarms_and_ids_continue():
    first = engine(TEMP)
    events = first.feed([s("T1-TCU.TA", 1, 155.0)])
    first.acknowledge(events[0].alarm.id, "zhang", None, ms(2))
    saved = first.active()
    e = AlarmEngine(compile_rules(site(TEMP)), clock=lambda: T0)
    assert e.restore(saved, next_id=40, now_ms=ms(10)) == []
    assert e.next_id == 40
    assert [(a.key, a.state) for a in e.active()] == [(a.key, a.state) for a in saved]
    # the plant is back to normal: both clear by the first sample, H (acked) to normal
    back = e.feed([s("T1-TCU.TA", 11, 100.0)])
    assert changes(back) == [("T1-TCU.TA:H", "normal", "normal"), ("T1-TCU.TA:HH", "cleared", "cleared_unacked")]
    (new,) = e.feed([s("ENV.smoke", 12, 1.0)]) or [None]  # no rule on smoke here
    assert new is None
    (again,) = e.feed([s("T1-TCU.TA", 13, 140.0)])
    assert again.alarm.id == 40


def test_restore_continues_after_the_highest_id_and_clears_alarms_of_removed_rules():
    old = engine("""\
  rules:
    - {kind: state, point: ENV.smoke}
    - {kind: comm, gateway: G1}
""")
    old.feed([s("ENV.smoke", 1, 1.0)])
    old.link(LinkEvent("G1", LinkState.OFFLINE), now_ms=ms(2))
    saved = old.active()
    e = engine(TEMP)  # smoke and gateway rules removed meanwhile
    out = e.restore(saved, now_ms=ms(5))
    assert sorted(changes(out)) == [("ENV.smoke:state", "cleared", "cleared_unacked"),
                                    ("G1:comm", "cleared", "cleared_unacked")]  # fmt: skip
    assert e.next_id == 3
    (raised,) = e.feed([s("T1-TCU.TA", 6, 140.0)])
    assert raised.alarm.id == 3
    assert e.acknowledge(saved[0].id, "zhang", None, ms(7)).change is Change.NORMAL


def test_restored_shelving_expires_and_restored_gateway_alarm_suppresses_devices():
    rules = """\
  rules:
    - {kind: comm, devices: [F1], on_delay: 0}
    - {kind: comm, gateway: G1}
"""
    old = engine(rules)
    (gw,) = old.link(LinkEvent("G1", LinkState.OFFLINE), now_ms=ms(1))
    old.shelve(gw.alarm.id, 1, "DTU being swapped", "wang", ms(1))
    e = engine(rules)
    e.restore(old.active(), now_ms=ms(2))
    assert changes(e.feed([s("F1.Ia", 3, 0.0, Quality.COMM_FAIL)])) == [
        ("F1:comm", "raised", "suppressed")]  # fmt: skip
    assert changes(e.tick(ms(61))) == [("G1:comm", "unshelved", "active_unacked")]
