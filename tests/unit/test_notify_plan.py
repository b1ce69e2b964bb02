"""Routing, escalation, rate limiting and digests: pure logic driven with explicit times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from app.alarms.model import AlarmState, Change
from app.alarms.notify.plan import Planner
from app.alarms.notify.throttle import Throttle
from app.config.notifications import NotificationSettings
from tests.unit.notify_cases import example, later, raised, settings

TZ = ZoneInfo("Asia/Shanghai")
MIN = 60_000


def local_ms(y: int, mo: int, d: int, h: int, mi: int = 0) -> int:
    return int(datetime(y, mo, d, h, mi, tzinfo=TZ).timestamp() * 1000)


MON_10 = local_ms(2024, 5, 6, 10)  # a Monday morning


def who(sends) -> list[tuple[str, str | None]]:
    return sorted((s.channel, s.recipient) for s in sends)


def test_example_file_validates_with_every_channel_kind():
    s = example()
    assert {c.kind for c in s.channels} == {"email", "gsm_sms", "gsm_voice", "http_sms", "dingtalk", "wecom", "webhook"}
    assert s.channel("call").levels == [1]
    night = next(r for r in s.routes if r.id == "night")
    assert (night.from_.hour, night.to.hour) == (22, 6)


@pytest.mark.parametrize(("change", "words"), [
    ({"groups": [{"id": "duty", "name": "x", "members": ["nobody"]}]}, "no recipient 'nobody'"),
    ({"routes": [{"id": "r", "steps": [{"groups": ["duty"], "channels": ["fax"]}]}]}, "no channel 'fax'"),
    ({"routes": [{"id": "r", "levels": [7], "steps": [{"groups": ["duty"], "channels": ["mail"]}]}]}, "levels are 1"),
    ({"routes": [{"id": "r", "days": ["monday", "funday"], "steps": [{"groups": ["duty"], "channels": ["mail"]}]}]},
     "days are"),
])
def test_bad_references_are_refused_in_words(change, words):
    with pytest.raises(ValidationError, match=words):
        settings(**change)


def test_bad_placeholder_and_half_login_are_refused():
    with pytest.raises(ValidationError, match=r"unknown placeholder \{mobile\}"):
        settings(channels=[{"id": "g", "kind": "http_sms", "url": "http://x/", "body": {"to": "{mobile}"}}])
    with pytest.raises(ValidationError, match="username and password_env together"):
        settings(channels=[{"id": "mail", "kind": "email", "host": "h", "sender": "a@b", "username": "u"}])


def test_routes_by_level_and_room():
    s = settings(routes=[
        {"id": "crit", "levels": [1], "steps": [{"groups": ["chiefs"], "channels": ["mail"]}]},
        {"id": "r2", "levels": [2, 3], "rooms": ["R2"], "steps": [{"groups": ["duty"], "channels": ["mail", "hook"]}]},
    ])
    p = Planner(s, TZ)
    assert who(p.on_event(raised(1, level=1, room="R1"), MON_10)) == [("mail", "wang")]
    assert who(p.on_event(raised(2, level=2, room="R1"), MON_10)) == []
    assert who(p.on_event(raised(3, level=3, room="R2"), MON_10)) == [("hook", None), ("mail", "li"), ("mail", "zhang")]
    assert p.on_event(raised(4, level=4, room="R2"), MON_10) == []


def test_time_window_and_weekdays_including_past_midnight():
    s = settings(routes=[
        {"id": "office", "days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:00", "to": "18:00",
         "steps": [{"groups": ["duty"], "channels": ["mail"]}]},
        {"id": "night", "days": ["fri"], "from": "22:00", "to": "06:00",
         "steps": [{"groups": ["chiefs"], "channels": ["mail"]}]},
    ])
    p = Planner(s, TZ)
    assert {x.route for x in p.on_event(raised(1), MON_10)} == {"office"}
    assert p.on_event(raised(2), local_ms(2024, 5, 6, 18, 0)) == []  # the window ends at 18:00
    assert p.on_event(raised(3), local_ms(2024, 5, 11, 10)) == []  # Saturday: no office route
    # Friday 23:00 and Saturday 03:00 both belong to Friday's night; Saturday 23:00 does not
    assert {x.route for x in p.on_event(raised(4), local_ms(2024, 5, 10, 23))} == {"night"}
    assert {x.route for x in p.on_event(raised(5), local_ms(2024, 5, 11, 3))} == {"night"}
    assert p.on_event(raised(6), local_ms(2024, 5, 11, 23)) == []


def escalating(**route) -> Planner:
    r = {"id": "crit", "levels": [1], "steps": [{"after": 0, "groups": ["duty"], "channels": ["mail"]},
                                                {"after": 10, "groups": ["chiefs"], "channels": ["mail"]}]}
    r.update(route)
    return Planner(settings(routes=[r]), TZ)


def test_escalates_to_the_next_group_then_repeats_until_ack():
    p = escalating(repeat=5, repeat_max=10)
    ev = raised(1)
    assert who(p.on_event(ev, MON_10)) == [("mail", "li"), ("mail", "zhang")]
    assert p.due(MON_10 + 4 * MIN) == []
    assert p.next_due() == MON_10 + 5 * MIN
    reminder = p.due(MON_10 + 9 * MIN)  # step 1 again after 5 minutes
    assert who(reminder) == [("mail", "li"), ("mail", "zhang")] and {x.repeat for x in reminder} == {1}
    step2 = p.due(MON_10 + 10 * MIN)
    assert who(step2) == [("mail", "wang")] and step2[0].step == 1 and step2[0].repeat == 0
    again = p.due(MON_10 + 15 * MIN)
    assert who(again) == [("mail", "wang")] and again[0].repeat == 2
    assert [x.repeat for x in p.due(MON_10 + 25 * MIN)] == [3, 4]  # two reminders were due
    p.on_event(later(ev, Change.ACKED, AlarmState.ACTIVE_ACKED, MON_10 + 26 * MIN, "op"), MON_10 + 26 * MIN)
    assert p.tracks == {}
    assert p.due(MON_10 + 120 * MIN) == []


def test_ack_before_the_second_step_means_the_chiefs_are_never_told():
    p = escalating()
    ev = raised(1)
    p.on_event(ev, MON_10)
    p.on_event(later(ev, Change.ACKED, AlarmState.ACTIVE_ACKED, MON_10 + MIN), MON_10 + MIN)
    assert p.due(MON_10 + 60 * MIN) == [] and p.next_due() is None


def test_repeat_stops_at_its_maximum_and_cleared_unacked_keeps_escalating():
    p = escalating(repeat=1, repeat_max=2)
    ev = raised(1)
    p.on_event(ev, MON_10)
    p.on_event(later(ev, Change.CLEARED, AlarmState.CLEARED_UNACKED, MON_10 + MIN // 2), MON_10 + MIN // 2)
    reps = [x for m in range(1, 61) for x in p.due(MON_10 + m * MIN)]
    # a cleared but unacknowledged alarm still escalates: step 2 starts, the reminders stop at two
    assert sorted({(x.step, x.repeat) for x in reps}) == [(0, 1), (0, 2), (1, 0)]
    assert p.next_due() is None  # nothing left: both steps done, reminders used up
    assert p.due(MON_10 + 25 * 3600_000) == [] and p.tracks == {}  # forgotten a day later


def test_cleared_and_acked_ends_it_and_stop_on_clear_ends_it_at_clear():
    p = escalating(repeat=5)
    ev = raised(1)
    p.on_event(ev, MON_10)
    p.on_event(later(ev, Change.NORMAL, AlarmState.NORMAL, MON_10 + MIN), MON_10 + MIN)
    assert p.tracks == {}
    p = escalating(repeat=5, stop_on_clear=True)
    p.on_event(ev, MON_10)
    p.on_event(later(ev, Change.CLEARED, AlarmState.CLEARED_UNACKED, MON_10 + MIN), MON_10 + MIN)
    assert p.tracks == {}


def test_shelving_ends_escalation_and_acked_change_is_told_to_those_told():
    p = escalating(changes=["raised", "acked"])
    ev = raised(1)
    p.on_event(ev, MON_10)
    p.due(MON_10 + 10 * MIN)
    told = p.on_event(later(ev, Change.ACKED, AlarmState.ACTIVE_ACKED, MON_10 + 11 * MIN, "op"), MON_10 + 11 * MIN)
    assert who(told) == [("mail", "li"), ("mail", "wang"), ("mail", "zhang")]
    assert all(s.event.change is Change.ACKED for s in told)
    p.on_event(raised(2), MON_10)
    p.on_event(later(raised(2), Change.SHELVED, AlarmState.SHELVED, MON_10 + MIN), MON_10 + MIN)
    assert p.tracks == {}


def test_an_alarm_back_from_shelving_or_suppression_unacknowledged_is_told_again():
    p = escalating()
    ev = raised(3)
    shelved = later(ev, Change.SHELVED, AlarmState.SHELVED, MON_10 + MIN)
    p.on_event(shelved, MON_10 + MIN)
    assert p.tracks == {}
    back = later(ev, Change.UNSHELVED, AlarmState.ACTIVE_UNACKED, MON_10 + 60 * MIN)
    told = p.on_event(back, MON_10 + 60 * MIN)
    assert told and any(k[0] == 3 for k in p.tracks)
    p2 = escalating()
    quiet = later(raised(4), Change.UNSUPPRESSED, AlarmState.ACTIVE_UNACKED, MON_10)
    assert p2.on_event(quiet, MON_10)
    acked_back = later(raised(5), Change.UNSHELVED, AlarmState.ACTIVE_ACKED, MON_10)
    assert p2.on_event(acked_back, MON_10) == []  # already acknowledged: nobody needs waking


def test_channel_levels_keep_voice_calls_for_level_one():
    s = NotificationSettings.model_validate({
        **settings().model_dump(by_alias=True, exclude={"channels", "routes", "modems"}),
        "modems": [{"id": "m", "port": "COM3"}],
        "channels": [{"id": "call", "kind": "gsm_voice", "modem": "m"}, {"id": "sms", "kind": "gsm_sms", "modem": "m"}],
        "routes": [{"id": "r", "steps": [{"groups": ["chiefs"], "channels": ["call", "sms"]}]}],
    })
    p = Planner(s, TZ)
    assert who(p.on_event(raised(1, level=1), MON_10)) == [("call", "wang"), ("sms", "wang")]
    assert who(p.on_event(raised(2, level=2), MON_10)) == [("sms", "wang")]


def test_rate_limit_holds_the_flood_and_the_digest_counts_all():
    s = settings(channels=[{"id": "mail", "kind": "email", "host": "h", "sender": "a@b",
                            "rate": {"messages": 3, "window": 60}}])
    p, t = Planner(s, TZ), Throttle({c.id: c.rate for c in s.channels})
    sent = []
    for i in range(1, 51):
        for send in p.on_event(raised(i, ts=MON_10 + i), MON_10 + i):
            m = t.offer(send, MON_10 + i)
            if m:
                sent.append(m)
    assert len(sent) == 6 and t.held() == 2 * 47  # 3 each to zhang and li, 47 each held
    assert t.due(MON_10 + 30_000) == []
    assert t.next_due() == MON_10 + 1 + 60_000
    digests = t.due(MON_10 + 61_000)
    assert sorted(d.recipient for d in digests) == ["li", "zhang"]
    assert all(len(d.events) == 47 and d.digest for d in digests)
    assert {e.alarm.id for e in digests[0].events} == set(range(4, 51))
    assert t.held() == 0


def test_channel_fault_is_not_confused_with_a_missing_address():
    s = settings(recipients=[{"id": "zhang", "name": "张工", "email": "zhang@example.com"},
                             {"id": "li", "name": "Li"}, {"id": "wang", "name": "王"}])
    p = Planner(s, TZ)
    sends = p.on_event(raised(1), MON_10)
    assert {(x.recipient, x.address) for x in sends} == {("zhang", "zhang@example.com"), ("li", None)}
