"""Every rule kind other than analog limits: rate, change of state, digital state, comm, stale, load rules."""

from __future__ import annotations

import pytest

from app.alarms.model import AlarmState, Change, Level
from app.model import Quality
from drivers.link import LinkEvent, LinkState
from tests.unit.alarm_cases import changes, engine, ms, s


def test_rate_of_change_rise_over_its_window():
    e = engine("""\
  rules:
    - {kind: rate, point: T1-TCU.TA, rise: 5, fall: 10, per: min, window: 60}
""")
    # 1 °C every 20 s = 3 °C/min: fine; then 4 °C every 20 s = 12 °C/min over the window
    assert e.feed([s("T1-TCU.TA", t, 80 + t / 20) for t in range(0, 121, 20)]) == []
    events = e.feed([s("T1-TCU.TA", 140, 90.0), s("T1-TCU.TA", 160, 94.0)])
    assert changes(events) == [("T1-TCU.TA:rate_rise", "raised", "active_unacked")]
    assert events[0].alarm.level is Level.MINOR
    assert events[0].alarm.message_en.startswith("T1 Phase A winding temperature rising fast ")
    assert events[0].alarm.message_en.endswith("°C/min")
    # flat again: the rate over the window falls below 5 °C/min
    flat = e.feed([s("T1-TCU.TA", t, 94.0) for t in range(180, 300, 20)])
    assert changes(flat) == [("T1-TCU.TA:rate_rise", "cleared", "cleared_unacked")]
    fall = e.feed([s("T1-TCU.TA", 320, 80.0), s("T1-TCU.TA", 340, 70.0)])
    assert changes(fall) == [("T1-TCU.TA:rate_fall", "raised", "active_unacked")]


def test_rate_needs_half_a_window_of_history():
    e = engine("""\
  rules:
    - {kind: rate, point: T1-TCU.TA, rise: 1, per: s, window: 10}
""")
    assert e.feed([s("T1-TCU.TA", 0, 0.0), s("T1-TCU.TA", 1, 100.0)]) == []  # 1 s of 10: not judged yet
    assert changes(e.feed([s("T1-TCU.TA", 6, 200.0)]))[0][1] == "raised"


BREAKER = """\
  rules:
    - {kind: change, point: F1.DI1, name: {zh: 断路器, en: breaker}, states: {zh: [分闸, 合闸], en: [open, closed]}}
"""


def test_change_of_state_is_an_event_waiting_for_its_acknowledgement():
    e = engine(BREAKER)
    assert e.feed([s("F1.DI1", 0, 1.0), s("F1.DI1", 1, 1.0)]) == []  # the first value only sets the state
    events = e.feed([s("F1.DI1", 2, 0.0)])
    assert changes(events) == [("F1.DI1:change", "raised", "active_unacked"),
                               ("F1.DI1:change", "cleared", "cleared_unacked")]  # fmt: skip
    assert events[0].alarm.message == "1#出线 断路器 变位 合闸→分闸"
    assert events[0].alarm.message_en == "Feeder 1 breaker changed closed → open"
    assert events[0].alarm.level is Level.MAJOR
    # closing again re-alarms the same unacknowledged alarm
    again = e.feed([s("F1.DI1", 3, 1.0)])
    assert [ev.alarm.id for ev in again] == [events[0].alarm.id] * 2
    assert again[0].alarm.message_en == "Feeder 1 breaker changed open → closed"
    normal = e.acknowledge(events[0].alarm.id, "zhang", "reclosed after check", ms(4))
    assert normal.change is Change.NORMAL and e.active() == []


def test_change_of_state_in_one_direction_only():
    e = engine("""\
  rules:
    - {kind: change, point: F1.DI1, to: 0}
""")
    assert e.feed([s("F1.DI1", 0, 0.0), s("F1.DI1", 1, 1.0)]) == []  # closing is no alarm
    assert changes(e.feed([s("F1.DI1", 2, 0.0)]))[0] == ("F1.DI1:change", "raised", "active_unacked")


def test_digital_alarm_state_while_value_equals_alarm_value():
    e = engine("""\
  rules:
    - {kind: state, point: ENV.smoke, level: 1}
    - {kind: state, point: ENV.door, alarm_value: 1, level: 3, on_delay: 2}
""")
    assert e.feed([s("ENV.smoke", 0, 0.0), s("ENV.door", 0, 0.0)]) == []
    (smoke,) = e.feed([s("ENV.smoke", 1, 1.0)])
    assert (smoke.alarm.message, smoke.alarm.message_en, smoke.alarm.level) == ("环境 烟感 报警",
                                                                                 "Env Smoke detector alarm", 1)
    assert e.feed([s("ENV.door", 1, 1.0), s("ENV.door", 2, 0.0)]) == []  # opened for a second: on-delay
    assert changes(e.feed([s("ENV.door", 5, 1.0), s("ENV.door", 7, 1.0)])) == [
        ("ENV.door:state", "raised", "active_unacked")]  # fmt: skip
    assert changes(e.feed([s("ENV.smoke", 8, 0.0)])) == [("ENV.smoke:state", "cleared", "cleared_unacked")]


def test_state_rule_on_an_alarm_point_says_active():
    e = engine("""\
  rules:
    - {kind: state, point: T1-TCU.trip}
""")
    (trip,) = e.feed([s("T1-TCU.trip", 1, 1.0)])
    assert (trip.alarm.message, trip.alarm.message_en) == ("1#变压器 超温跳闸 报警", "T1 Over-temperature trip alarm")
    e2 = engine("""\
  rules:
    - {kind: state, point: T1-TCU.alarm}
""")
    (alarm,) = e2.feed([s("T1-TCU.alarm", 1, 1.0)])
    assert alarm.alarm.message_en == "T1 Over-temperature alarm active"


COMM = """\
  rules:
    - {kind: comm, devices: "*", level: 2}
    - {kind: comm, gateway: G1, level: 1}
"""


def test_device_comm_loss_from_comm_fail_samples():
    e = engine(COMM)
    (lost,) = e.feed([s("F1.Ia", 1, 10.0, Quality.COMM_FAIL), s("F1.Ib", 1, 10.0, Quality.COMM_FAIL)])
    assert (lost.alarm.key, lost.alarm.point, lost.alarm.device, lost.alarm.level) == ("F1:comm", "F1", "F1", 2)
    assert (lost.alarm.message, lost.alarm.message_en) == ("1#出线 通信中断", "Feeder 1 communication lost")
    assert changes(e.feed([s("F1.Ia", 5, 12.0)])) == [("F1:comm", "cleared", "cleared_unacked")]


def test_gateway_loss_suppresses_its_devices_comm_alarms_which_come_back_after_it():
    e = engine(COMM)
    (gw,) = e.link(LinkEvent("G1", LinkState.OFFLINE, ts=(ms(1)) / 1000))
    assert (gw.alarm.key, gw.alarm.level, gw.alarm.point, gw.ts) == ("G1:comm", 1, "G1", ms(1))
    assert gw.alarm.message == "1号网关 网关离线"
    events = e.feed([s(f"{d}.Ia", 1, 0.0, Quality.COMM_FAIL) for d in ("F1", "TX")])
    assert changes(events) == [("F1:comm", "raised", "suppressed"), ("TX:comm", "raised", "suppressed")]
    assert {ev.alarm.suppressed_by for ev in events} == {"G1:comm"}
    # devices of another gateway are not held back
    assert changes(e.feed([s("ENV.temp", 1, 0.0, Quality.COMM_FAIL)])) == [("ENV:comm", "raised", "active_unacked")]
    # the gateway comes back: its alarm clears; device alarms still lost return until the devices answer
    back = e.link(LinkEvent("G1", LinkState.ONLINE), now_ms=ms(10))
    assert changes(back) == [
        ("G1:comm", "cleared", "cleared_unacked"),
        ("F1:comm", "unsuppressed", "active_unacked"),
        ("TX:comm", "unsuppressed", "active_unacked"),
    ]
    assert changes(e.feed([s("F1.Ia", 11, 5.0)])) == [("F1:comm", "cleared", "cleared_unacked")]


def test_device_alarm_cleared_while_suppressed_needs_no_ack():
    e = engine(COMM)
    e.link(LinkEvent("G1", LinkState.OFFLINE), now_ms=ms(1))
    e.feed([s("F1.Ia", 2, 0.0, Quality.COMM_FAIL)])
    assert changes(e.feed([s("F1.Ia", 3, 1.0)])) == [("F1:comm", "normal", "normal")]
    assert [a.key for a in e.active()] == ["G1:comm"]


def test_replaced_and_refused_link_events_do_not_change_gateway_alarms():
    e = engine(COMM)
    assert e.link(LinkEvent("G1", LinkState.REPLACED), now_ms=ms(1)) == []
    assert e.link(LinkEvent("G9", LinkState.OFFLINE), now_ms=ms(1)) == []


def test_stale_points_and_devices():
    e = engine("""\
  rules:
    - {kind: stale, devices: [ENV], level: 4}
    - {kind: stale, point: F1.Ia, level: 3}
""")
    events = e.feed([s("ENV.temp", 1, 20.0, Quality.STALE), s("ENV.humidity", 1, 50.0, Quality.STALE),
                     s("F1.Ia", 1, 5.0, Quality.STALE)])  # fmt: skip
    assert changes(events) == [("ENV:stale", "raised", "active_unacked"), ("F1.Ia:stale", "raised", "active_unacked")]
    assert events[0].alarm.message_en == "Env data stale" and events[1].alarm.level is Level.MINOR
    assert e.feed([s("ENV.temp", 2, 20.0, Quality.COMM_FAIL)]) == []  # comm loss: the comm rule's business
    assert changes(e.feed([s("ENV.temp", 3, 21.0)])) == [("ENV:stale", "cleared", "cleared_unacked")]


def phases(dev: str, t: float, a: float, b: float, c: float) -> list:
    return [s(f"{dev}.Ia", t, a), s(f"{dev}.Ib", t, b), s(f"{dev}.Ic", t, c)]


def test_transformer_overload_against_kva_with_graded_thresholds():
    e = engine("""\
  rules:
    - {kind: overload, device: TX, thresholds: {80: 3, 100: 2, 120: 1}}
""")
    assert e.feed([s("TX.S", 1, 700.0)]) == []
    (x80,) = e.feed([s("TX.S", 2, 850.0)])
    assert (x80.alarm.key, x80.alarm.level, x80.alarm.point) == ("TX:overload:80", Level.MINOR, "TX.S")
    assert (x80.alarm.message, x80.alarm.message_en) == ("1#变压器低压 过载 85.0 %", "T1 LV overload 85.0 %")
    events = e.feed([s("TX.S", 3, 1250.0)])
    assert [(ev.alarm.key, ev.alarm.level) for ev in events] == [("TX:overload:100", 2), ("TX:overload:120", 1)]
    assert e.feed([s("TX.S", 4, 1190.0)]) == []  # 2 % deadband
    assert [ev.alarm.key for ev in e.feed([s("TX.S", 5, 700.0)])] == ["TX:overload:80", "TX:overload:100",
                                                                       "TX:overload:120"]  # fmt: skip


def test_feeder_overload_on_current_is_the_mean_of_the_phases():
    e = engine("""\
  rules:
    - {kind: overload, device: F1, basis: I, thresholds: {100: 2}}
""")
    assert e.feed(phases("F1", 1, 450.0, 380.0, 360.0)) == []  # mean 396.7 A of 400 A
    (over,) = e.feed(phases("F1", 2, 420.0, 410.0, 405.0))
    assert over.alarm.key == "F1:overload:100" and over.value == pytest.approx(1235 / 3 / 4)


def test_single_phase_overload_names_the_phase():
    e = engine("""\
  rules:
    - {kind: phase_overload, device: F1, thresholds: {100: 2, 120: 1}}
""")
    assert e.feed(phases("F1", 1, 390.0, 300.0, 300.0)) == []
    (over,) = e.feed(phases("F1", 2, 300.0, 420.0, 300.0))
    assert (over.alarm.key, over.alarm.point) == ("F1:phase_overload:100", "F1.Ib")
    assert (over.alarm.message, over.alarm.message_en) == ("1#出线 单相过载 B相 105.0 %",
                                                           "Feeder 1 phase overload phase B 105.0 %")


def test_half_updated_phases_are_not_judged():
    e = engine("""\
  rules:
    - {kind: phase_overload, device: F1, thresholds: {100: 2}}
""")
    assert e.feed([s("F1.Ia", 1, 500.0), s("F1.Ib", 1, 500.0)]) == []  # Ic not read yet: the poll is not whole
    assert len(e.feed([s("F1.Ic", 1, 10.0)])) == 1


def test_phase_unbalance_only_above_minimum_load():
    e = engine("""\
  rules:
    - {kind: unbalance, device: F1, percent: 15, min_load: 10}
""")
    assert e.feed(phases("F1", 1, 30.0, 10.0, 10.0)) == []  # 100 % unbalance at 16.7 A mean < 40 A: not judged
    (unb,) = e.feed(phases("F1", 2, 200.0, 150.0, 160.0))  # (200-150)/170 = 29 %
    assert (unb.alarm.key, unb.alarm.level, unb.alarm.message_en) == ("F1:unbalance", 3,
                                                                      "Feeder 1 current unbalance 29.4 %")
    assert changes(e.feed(phases("F1", 3, 5.0, 1.0, 1.0))) == [("F1:unbalance", "cleared", "cleared_unacked")]


def test_unbalance_on_a_device_without_rating_uses_min_current():
    e = engine("""\
  rules:
    - {kind: unbalance, device: M5, min_current: 20}
""")
    assert e.feed(phases("M5", 1, 20.0, 5.0, 5.0)) == []
    assert len(e.feed(phases("M5", 2, 60.0, 30.0, 30.0))) == 1
    assert e.active()[0].state is AlarmState.ACTIVE_UNACKED
