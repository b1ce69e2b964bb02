"""The pieces of CloudSource that need no server: refusals mapped back, backoff, alarms of an outage.

A console must react to the server's refusal as to the DirectSource's own exception, so each
error object the server sends (`app.server.errors`) becomes the same class with the server's
words; reconnection waits grow and stay spread; an outage's alarms come back as events in the
order they happened.
"""

from __future__ import annotations

import time

import pytest

from app.alarms.model import Alarm, AlarmActionError, AlarmState, Change, Level
from app.auth import (
    AccountLocked,
    AuthError,
    BadCredentials,
    BadUserInput,
    PermissionDenied,
    SessionExpired,
    UnknownUser,
    UserConflict,
)
from app.diagram.drawings import DrawingConflict
from app.diagram.fileformat import DiagramFileError
from app.model import Sample
from app.sources.cloud_http import ServerError, base_url, error_for
from app.sources.cloud_stream import Backoff, Stream, alarm_events_since, samples_from_rows


def test_each_refusal_of_the_server_is_the_exception_the_direct_source_raises():
    locked = error_for(401, {"code": "account_locked", "message": "locked", "message_zh": "已锁定",
                             "message_en": "locked until 10:00", "until": 1234}, "/auth/login")
    assert isinstance(locked, AccountLocked) and locked.until == 1234
    assert (locked.message, locked.message_en) == ("已锁定", "locked until 10:00")
    assert isinstance(error_for(401, {"code": "bad_credentials", "message": "x"}, "/auth/login"), BadCredentials)
    assert isinstance(error_for(401, {"code": "session_expired", "message": "x"}, "/site"), SessionExpired)
    assert isinstance(error_for(401, {"message": "no code"}, "/site"), SessionExpired)
    denied = error_for(403, {"code": "permission_denied", "message": "may not", "message_zh": "没有权限"},
                       "/users")
    assert isinstance(denied, PermissionDenied) and denied.message == "没有权限"
    assert isinstance(error_for(404, {"code": "unknown_user", "message": "x", "message_zh": "x"}, "/users/a"),
                      UnknownUser)
    # codes the server also uses for refusals of its own: an AuthError only when it sent both languages
    assert isinstance(error_for(409, {"code": "conflict", "message": "x", "message_zh": "x"}, "/users"),
                      UserConflict)
    bad = error_for(422, {"code": "bad_input", "message": "start after end"}, "/points/A/history")
    assert type(bad) is ValueError and str(bad) == "start after end"
    assert isinstance(error_for(422, {"code": "bad_input", "message": "x", "message_zh": "x"}, "/users"),
                      BadUserInput)
    ack = error_for(409, {"code": "alarm_action_refused", "message": "already acknowledged"}, "/alarms/7/ack")
    assert isinstance(ack, AlarmActionError) and "already" in str(ack)
    assert isinstance(error_for(409, {"code": "drawing_conflict", "message": "x"}, "/diagrams/hv"), DrawingConflict)
    drawing = error_for(422, {"code": "bad_drawing", "message": "hv: cannot open"}, "/diagrams/hv")
    assert isinstance(drawing, DiagramFileError) and drawing.source == "hv" and drawing.problems
    missing = error_for(404, {"code": "not_found", "message": "no point X"}, "/points/X/limits")
    assert isinstance(missing, KeyError) and missing.args[0] == "no point X"
    failed = error_for(500, {"code": "internal", "message": "see the log"}, "/site")
    assert isinstance(failed, ServerError) and "500" in str(failed)
    assert not isinstance(failed, AuthError)


def test_the_api_base_is_found_from_what_a_person_types():
    assert base_url("scada.example:8080") == "http://scada.example:8080/api/v1"
    assert base_url("https://scada.example/") == "https://scada.example/api/v1"
    assert base_url("http://127.0.0.1:9/api/v1") == "http://127.0.0.1:9/api/v1"


def test_reconnection_waits_double_to_their_cap_and_are_spread():
    backoff = Backoff(0.5, 30.0, 0.2)
    waits = [backoff.next() for _ in range(10)]
    assert 0.4 <= waits[0] <= 0.6 and 0.8 <= waits[1] <= 1.2
    assert all(24.0 <= w <= 36.0 for w in waits[7:])  # 0.5 * 2**6 = 32 -> capped at 30, +-20 %
    assert len({round(w, 6) for w in waits}) > 1
    backoff.reset()
    assert 0.4 <= backoff.next() <= 0.6


def test_an_outages_alarms_come_back_as_events_in_the_order_they_happened():
    def alarm(i: int, raised: int, **more: object) -> Alarm:
        return Alarm(i, f"k{i}", "rule", f"P{i}", Level.MAJOR, AlarmState.ACTIVE_UNACKED, "报警", "alarm", 1.0,
                     raised, **more)  # type: ignore[arg-type]

    since = 1_000
    events = alarm_events_since([
        alarm(1, 1_500, acked_at=1_700, acked_by="wang"),
        alarm(2, 1_200, cleared_at=1_600),
        alarm(3, 500, cleared_at=1_100),  # raised before the outage, cleared during it
    ], since)
    assert [(e.alarm.id, e.change, e.ts) for e in events] == [
        (3, Change.CLEARED, 1_100), (2, Change.RAISED, 1_200), (1, Change.RAISED, 1_500),
        (2, Change.CLEARED, 1_600), (1, Change.ACKED, 1_700)]
    assert events[-1].user == "wang"


def test_stream_rows_become_samples_and_a_bad_row_is_named():
    rows = [["A.x", 1, 2.5, "good"], ["A.y", 2, None, "comm_fail"]]
    a, b = samples_from_rows(rows)
    assert (a.point, a.ts, a.value, a.quality.word) == ("A.x", 1, 2.5, "good")
    assert b.value != b.value and b.quality.word == "comm_fail"  # null travels as NaN
    with pytest.raises(ValueError, match="sample"):
        samples_from_rows([["A.x", 1, 2.5, "no such quality"]])


async def test_a_backfill_delivers_each_points_gap_once_oldest_first_and_falls_back_to_one_call_per_point():
    """Against answers shaped as the server's: a server without the many-point call is asked point by
    point; what a subscriber already had is not sent again, a repeated instant once, all in time order."""
    now = int(time.time() * 1000)
    last = {"A": now - 5_000, "B": now - 3_000}
    asked: list[str] = []

    async def histories(points, start, end, max_points):
        raise KeyError("this server has no POST /points/history")

    async def history(point, start, end, max_points):
        asked.append(point)
        rows = [[t, float(t % 100), "good"] for t in range(now - 6_000, now - 500, 1_000)]
        rows.append(rows[-1])  # the same instant twice
        return {"id": point, "unit": "A", "raw": True, "samples": rows}

    async def alarms_since(since):
        return []

    delivered: list[Sample] = []

    def deliver(batch: list[Sample]) -> None:
        delivered.extend(batch)
        for s in batch:
            last[s.point] = s.ts

    stream = Stream(lambda: ("ws://unused", {}), points=lambda: ["A", "B"], last_ts=last.get, history=history,
                    histories=histories, alarms_since=alarms_since, deliver_samples=deliver,
                    deliver_alarms=lambda events: None, deliver_link=lambda event: None, on_expired=lambda: None)
    await stream.backfill(now - 10_000)
    assert sorted(asked) == ["A", "B"]
    stamps = [s.ts for s in delivered]
    assert stamps == sorted(stamps)
    for point, since in (("A", now - 5_000), ("B", now - 3_000)):
        mine = [s.ts for s in delivered if s.point == point]
        assert mine == sorted(set(mine)) and all(t > since for t in mine) and mine
    assert stream.figures.backfilled_samples == len(delivered)
