"""The ISA-18.2 state machine of the alarm engine, on analog limits, with an injected clock."""

from __future__ import annotations

import pytest

from app.alarms.model import AlarmActionError, AlarmState, Change, Level
from app.model import Quality
from tests.unit.alarm_cases import T0, changes, engine, ms, s

TEMP = """\
  rules:
    - {kind: limit, point: T1-TCU.TA, H: 130, HH: {value: 150, level: 1}, deadband: 3}
"""


def test_raise_ack_clear_goes_active_unacked_active_acked_normal():
    e = engine(TEMP)
    assert e.feed([s("T1-TCU.TA", 0, 100.0)]) == []
    (raised,) = e.feed([s("T1-TCU.TA", 1, 135.0)])
    assert (raised.change, raised.alarm.state, raised.alarm.level) == (Change.RAISED, AlarmState.ACTIVE_UNACKED, 2)
    assert raised.alarm.message == "1#变压器 A相绕组温度 越上限 135.0 °C"
    assert raised.alarm.message_en == "T1 Phase A winding temperature high 135.0 °C"
    assert (raised.alarm.raised_at, raised.value, raised.alarm.room, raised.alarm.kind) == (ms(1), 135.0, "LV", "limit")
    acked = e.acknowledge(raised.alarm.id, "zhang", "fans checked", ms(2))
    assert (acked.change, acked.alarm.state, acked.user, acked.comment) == (
        Change.ACKED, AlarmState.ACTIVE_ACKED, "zhang", "fans checked")  # fmt: skip
    assert (acked.alarm.acked_at, acked.alarm.acked_by, acked.alarm.ack_comment) == (ms(2), "zhang", "fans checked")
    (normal,) = e.feed([s("T1-TCU.TA", 3, 120.0)])
    assert (normal.change, normal.alarm.state, normal.alarm.cleared_at) == (Change.NORMAL, AlarmState.NORMAL, ms(3))
    assert e.active() == []


def test_clear_before_ack_is_cleared_unacked_then_ack_makes_it_normal():
    e = engine(TEMP)
    (raised,) = e.feed([s("T1-TCU.TA", 1, 140.0)])
    (cleared,) = e.feed([s("T1-TCU.TA", 2, 100.0)])
    assert (cleared.change, cleared.alarm.state) == (Change.CLEARED, AlarmState.CLEARED_UNACKED)
    assert [a.state for a in e.active()] == [AlarmState.CLEARED_UNACKED]
    normal = e.acknowledge(raised.alarm.id, "li", "seen", ms(3))
    assert (normal.change, normal.alarm.state, normal.user, normal.comment) == (
        Change.NORMAL, AlarmState.NORMAL, "li", "seen")  # fmt: skip
    assert e.active() == []


def test_re_alarm_of_cleared_unacked_returns_the_same_alarm_to_active_unacked():
    e = engine(TEMP)
    (raised,) = e.feed([s("T1-TCU.TA", 1, 140.0)])
    e.feed([s("T1-TCU.TA", 2, 100.0)])
    (again,) = e.feed([s("T1-TCU.TA", 3, 141.0)])
    assert (again.change, again.alarm.state) == (Change.RAISED, AlarmState.ACTIVE_UNACKED)
    assert again.alarm.id == raised.alarm.id
    assert again.alarm.cleared_at is None and again.alarm.message.endswith("141.0 °C")
    assert len(e.active()) == 1


def test_ack_of_acked_or_unknown_alarm_is_an_action_error():
    e = engine(TEMP)
    (raised,) = e.feed([s("T1-TCU.TA", 1, 140.0)])
    e.acknowledge(raised.alarm.id, "zhang", None, ms(2))
    with pytest.raises(AlarmActionError, match="already acknowledged by zhang"):
        e.acknowledge(raised.alarm.id, "li", None, ms(3))
    with pytest.raises(AlarmActionError, match="not on the active list"):
        e.acknowledge(999, "li", None, ms(3))


def test_acknowledge_many_takes_what_it_can():
    e = engine(TEMP)
    events = e.feed([s("T1-TCU.TA", 1, 155.0)])
    ids = [ev.alarm.id for ev in events]
    e.acknowledge(ids[0], "zhang", None, ms(2))
    done = e.acknowledge_many([*ids, 42], "li", "both seen", ms(3))
    assert [(ev.alarm.id, ev.change, ev.comment) for ev in done] == [(ids[1], Change.ACKED, "both seen")]
    assert {a.state for a in e.active()} == {AlarmState.ACTIVE_ACKED}


def test_deadband_absolute_holds_the_alarm_until_below_limit_minus_deadband():
    e = engine(TEMP)
    e.feed([s("T1-TCU.TA", 1, 131.0)])
    assert e.feed([s("T1-TCU.TA", 2, 129.0), s("T1-TCU.TA", 3, 127.0)]) == []  # 130 - 3 = 127 still holds
    assert changes(e.feed([s("T1-TCU.TA", 4, 126.9)])) == [("T1-TCU.TA:H", "cleared", "cleared_unacked")]


def test_deadband_in_percent_of_the_limit():
    e = engine("""\
  rules:
    - {kind: limit, point: ENV.humidity, H: {value: 80, deadband: "5%"}}
""")
    e.feed([s("ENV.humidity", 1, 81.0)])
    assert e.feed([s("ENV.humidity", 2, 76.5)]) == []  # 80 - 4 = 76
    assert changes(e.feed([s("ENV.humidity", 3, 75.9)]))[0][1] == "cleared"


def test_low_limits_and_levels():
    e = engine("""\
  rules:
    - {kind: limit, point: TX.Ua, LL: 207, L: {value: 213.9, level: 3}, deadband: 1}
""")
    events = e.feed([s("TX.Ua", 1, 220.0), s("TX.Ua", 2, 212.0), s("TX.Ua", 3, 205.0)])
    assert [(ev.alarm.key, ev.alarm.level) for ev in events] == [("TX.Ua:L", Level.MINOR), ("TX.Ua:LL", Level.CRITICAL)]
    assert events[1].alarm.message == "1#变压器低压 A相电压 超低限 205.0 V"
    assert changes(e.feed([s("TX.Ua", 4, 208.5)])) == [("TX.Ua:LL", "cleared", "cleared_unacked")]


def test_h_to_hh_is_a_second_alarm_and_h_stays_active():
    e = engine(TEMP)
    e.feed([s("T1-TCU.TA", 1, 135.0)])
    (hh,) = e.feed([s("T1-TCU.TA", 2, 152.3)])
    assert (hh.alarm.key, hh.alarm.level, hh.change) == ("T1-TCU.TA:HH", Level.CRITICAL, Change.RAISED)
    assert hh.alarm.message == "1#变压器 A相绕组温度 超高限 152.3 °C"
    assert hh.alarm.message_en == "T1 Phase A winding temperature high-high 152.3 °C"
    assert [a.key for a in e.active()] == ["T1-TCU.TA:HH", "T1-TCU.TA:H"]  # newest first
    assert changes(e.feed([s("T1-TCU.TA", 3, 140.0)])) == [("T1-TCU.TA:HH", "cleared", "cleared_unacked")]


def test_on_delay_ignores_a_short_excursion_and_raises_a_lasting_one_by_tick():
    e = engine("""\
  rules:
    - {kind: limit, point: T1-TCU.TA, H: 130, on_delay: 10, off_delay: 5}
""")
    assert e.feed([s("T1-TCU.TA", 0, 135.0), s("T1-TCU.TA", 5, 135.0), s("T1-TCU.TA", 6, 120.0)]) == []
    assert e.tick(ms(30)) == []
    assert e.feed([s("T1-TCU.TA", 40, 135.0)]) == []
    assert e.tick(ms(49)) == []
    (raised,) = e.tick(ms(51))
    assert (raised.change, raised.alarm.raised_at) == (Change.RAISED, ms(50))  # when the delay ran out
    # off-delay: a dip shorter than 5 s does not clear it; a longer one does, on the next sample
    assert e.feed([s("T1-TCU.TA", 60, 120.0), s("T1-TCU.TA", 63, 131.0)]) == []
    assert e.feed([s("T1-TCU.TA", 70, 120.0), s("T1-TCU.TA", 74, 120.0)]) == []
    assert changes(e.feed([s("T1-TCU.TA", 75, 120.0)])) == [("T1-TCU.TA:H", "cleared", "cleared_unacked")]


def test_per_limit_delay_overrides_the_rules():
    e = engine("""\
  rules:
    - {kind: limit, point: T1-TCU.TA, on_delay: 10, H: 130, HH: {value: 150, on_delay: 0}}
""")
    assert changes(e.feed([s("T1-TCU.TA", 0, 155.0)])) == [("T1-TCU.TA:HH", "raised", "active_unacked")]
    assert changes(e.tick(ms(10))) == [("T1-TCU.TA:H", "raised", "active_unacked")]


def test_bad_quality_values_are_not_judged():
    e = engine(TEMP)
    e.feed([s("T1-TCU.TA", 1, 140.0)])
    # comm_fail carries the last value: the limit alarm holds (the comm rule speaks instead)
    assert e.feed([s("T1-TCU.TA", 2, 0.0, Quality.COMM_FAIL), s("T1-TCU.TA", 3, 0.0, Quality.BAD_VALUE)]) == []
    assert [a.state for a in e.active()] == [AlarmState.ACTIVE_UNACKED]


def test_points_without_rules_cost_nothing_and_are_counted():
    e = engine(TEMP)
    assert e.feed([s("F1.Ia", 1, 9999.0), s("nowhere.X", 1, 1.0)]) == []
    assert e.samples_seen == 2 and e.active() == []


def test_clock_is_used_when_no_time_is_given():
    e = engine(TEMP)
    (raised,) = e.feed([s("T1-TCU.TA", 1, 140.0)])
    assert e.acknowledge(raised.alarm.id, "zhang").ts == T0
