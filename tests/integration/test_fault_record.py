"""Fault recording on real SQLite and PostgreSQL: the ring, pre/post windows, merging, failures.

The recorder is fed 1 Hz samples the way acquisition hands them over; values move by tiny steps
that a historian deadband would swallow, and every one of them must come back from the record.
"""

from __future__ import annotations

import math
import sqlite3

import numpy as np
import pytest

from app.alarms.fault_record import FaultConfig, FaultRecorder, FaultStore, PointRing
from app.alarms.journal_db import BadJournalQuery, JournalUnavailable
from app.alarms.model import Alarm, AlarmState, Level
from app.model import Quality, Sample

T0 = 1_780_000_000_000
POINTS = ["D1.Ia", "D1.Ua", "INC.P", "OTHER.x"]
CONFIG = FaultConfig(pre_minutes=1, post_minutes=0.5, grace_s=5)


def value(point: str, second: int) -> float:
    return 100.0 + POINTS.index(point) + second * 0.001  # steps far below any deadband


def batch(second: int, points=POINTS) -> list[Sample]:
    return [Sample(p, T0 + second * 1000, value(p, second)) for p in points]


def alarm(i: int, device: str, point: str, level: Level = Level.CRITICAL, at: int = 0) -> Alarm:
    return Alarm(i, f"{point}:HH", f"{point}:HH", point, level, AlarmState.ACTIVE_UNACKED, "过流", "overcurrent",
                 1.0, T0 + at * 1000, device=device)


class Clock:
    def __init__(self) -> None:
        self.now = T0 / 1000

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def recorder(db_url):
    clock = Clock()
    r = FaultRecorder(FaultStore(db_url), CONFIG, points=POINTS, clock=clock)
    r.clock = clock
    r.open()
    try:
        yield r
    finally:
        r.close()


def feed(r: FaultRecorder, seconds: range, points=POINTS) -> None:
    for s in seconds:
        r.clock.now = (T0 + s * 1000) / 1000
        r.feed(batch(s, points))


def seconds_of(samples: list[Sample]) -> list[int]:
    return [(s.ts - T0) // 1000 for s in samples]


def test_the_ring_keeps_the_newest_capacity_samples_per_point():
    ring = PointRing(5, ["a"])
    rows = np.array([0, 1, 0, 0, 1, 0, 0, 0, 0])  # duplicates in one batch, "b" added below
    ring.add_points(["b"])
    ring.add(rows, np.arange(9) * 10, np.arange(9) * 1.0, np.zeros(9, np.uint8))
    assert ring.window("a", 0).ts.tolist() == [20, 30, 50, 60, 70, 80][-5:]
    assert ring.window("b", 0).ts.tolist() == [10, 40]
    ring.add(np.array([0]), np.array([90]), np.array([9.0]), np.array([2], np.uint8))
    a = ring.window("a", 55)
    assert a.ts.tolist() == [60, 70, 80, 90] and a.value.tolist() == [6.0, 7.0, 8.0, 9.0]
    assert a.quality.tolist() == [0, 0, 0, 2]
    ring.add(np.zeros(12, np.int64), np.arange(100, 112), np.arange(12.0), np.zeros(12, np.uint8))  # > capacity
    assert ring.window("a", 0).ts.tolist() == [107, 108, 109, 110, 111]
    assert ring.window("nobody", 0).ts.tolist() == []
    for i in range(100):  # growing past the first allocation keeps what is held
        ring.add_points([f"p{i}"])
    assert ring.window("b", 0).ts.tolist() == [10, 40]
    assert ring.nbytes >= 102 * 5 * 17


def test_config_refuses_nonsense():
    with pytest.raises(BadJournalQuery, match="not an alarm level"):
        FaultConfig(levels=frozenset({7}))
    with pytest.raises(BadJournalQuery, match="pre and post"):
        FaultConfig(pre_minutes=-1)
    assert FaultConfig().levels == {1, 2} and FaultConfig().capacity == 317


def test_pre_and_post_window_at_full_resolution(recorder):
    feed(recorder, range(0, 101))
    assert recorder.trigger(alarm(1, "D1", "D1.Ia", at=100), ["D1.Ia", "D1.Ua", "INC.P"])
    assert recorder.open_records == 1 and recorder.has_pending
    recorder.write_pending()  # the pre-window is stored at once
    (head,) = recorder.records()
    assert (head.alarm_id, head.device, head.started, head.trigger_ts, head.ends, head.complete) == (
        1, "D1", T0 + 40_000, T0 + 100_000, T0 + 130_000, False)
    assert seconds_of(recorder.record(head.id)["D1.Ia"]) == list(range(40, 101))
    feed(recorder, range(101, 120))
    recorder.write_pending()
    feed(recorder, range(120, 140))  # 131 ends it
    assert recorder.open_records == 0
    recorder.write_pending()
    (head,) = recorder.records()
    assert head.complete and head.points == ("D1.Ia", "D1.Ua", "INC.P") and head.alarms == (1,)
    got = recorder.record(head.id)
    assert set(got) == {"D1.Ia", "D1.Ua", "INC.P"}  # not OTHER.x
    for point, samples in got.items():
        assert seconds_of(samples) == list(range(40, 131))
        assert [s.value for s in samples] == [value(point, s) for s in range(40, 131)]
    assert recorder.record(head.id, ["INC.P"]).keys() == {"INC.P"}
    assert not recorder.has_pending


def test_levels_that_do_not_record_and_unknown_records(recorder):
    feed(recorder, range(0, 10))
    assert not recorder.trigger(alarm(1, "D1", "D1.Ia", Level.MINOR, at=9), ["D1.Ia"])
    assert not recorder.has_pending and recorder.records() == []
    with pytest.raises(BadJournalQuery, match="no fault record 42"):
        recorder.record(42)


def test_overlapping_triggers_on_a_device_extend_one_record(recorder):
    feed(recorder, range(0, 101))
    recorder.trigger(alarm(1, "D1", "D1.Ia", at=100), ["D1.Ia"])
    feed(recorder, range(101, 121))
    # a second alarm of the same device while the first record is open: extends it, adds a point
    recorder.trigger(alarm(2, "D1", "D1.Ua", Level.MAJOR, at=120), ["D1.Ia", "D1.Ua"])
    # another device: its own record
    recorder.trigger(alarm(3, "INC", "INC.P", at=120), ["INC.P"])
    feed(recorder, range(121, 160))
    recorder.write_pending()
    heads = recorder.records()
    assert [(h.device, h.alarms) for h in heads] == [("INC", (3,)), ("D1", (1, 2))]
    d1 = heads[1]
    assert (d1.started, d1.ends, d1.complete) == (T0 + 40_000, T0 + 150_000, True)
    got = recorder.record(d1.id)
    assert seconds_of(got["D1.Ia"]) == list(range(40, 151))
    assert seconds_of(got["D1.Ua"]) == list(range(60, 151))  # its pre-window counts from its own alarm
    assert [h.id for h in recorder.records(alarm_id=2)] == [d1.id]
    assert [h.id for h in recorder.records(device="INC")] == [heads[0].id]
    assert [h.id for h in recorder.records(since=T0 + 151_000)] == []


def test_a_trigger_soon_after_a_record_ended_continues_it(recorder):
    feed(recorder, range(0, 11))
    recorder.trigger(alarm(1, "D1", "D1.Ia", at=10), ["D1.Ia"])
    feed(recorder, range(11, 50))  # ends at 40
    recorder.write_pending()
    assert recorder.records()[0].complete
    recorder.trigger(alarm(2, "D1", "D1.Ia", at=49), ["D1.Ia"])  # within a minute of the end
    feed(recorder, range(50, 90))
    recorder.write_pending()
    (head,) = recorder.records()
    assert head.alarms == (1, 2) and head.ends == T0 + 79_000 and head.complete
    assert seconds_of(recorder.record(head.id)["D1.Ia"]) == list(range(0, 80))  # no gap, no duplicate


def test_no_newer_data_closes_a_record_by_the_clock(recorder):
    feed(recorder, range(0, 20))
    recorder.trigger(alarm(1, "D1", "D1.Ia", at=19), ["D1.Ia"])
    recorder.tick(now_ms=T0 + 49_000 + 4_000)
    assert recorder.open_records == 1  # within the grace time
    recorder.tick(now_ms=T0 + 49_000 + 6_000)
    assert recorder.open_records == 0
    recorder.write_pending()
    (head,) = recorder.records()
    assert head.complete and seconds_of(recorder.record(head.id)["D1.Ia"]) == list(range(0, 20))


def test_qualities_and_missing_values_come_back(recorder):
    for s in range(0, 5):
        recorder.feed([Sample("D1.Ia", T0 + s * 1000, math.nan if s == 3 else float(s),
                              Quality.COMM_FAIL if s == 3 else Quality.GOOD)])
    recorder.feed([("D1.Ia", "when?", 1.0, 0), Sample("D1.Ia", T0 + 5000, 5.0)])  # one malformed
    assert recorder.refused == 1
    recorder.trigger(alarm(1, "D1", "D1.Ia", at=5), [])
    recorder.write_pending()
    got = recorder.record(recorder.records()[0].id)["D1.Ia"]
    assert [s.quality for s in got] == [Quality.GOOD] * 3 + [Quality.COMM_FAIL] + [Quality.GOOD] * 2
    assert math.isnan(got[3].value) and [s.value for s in got if s.ts != T0 + 3000] == [0.0, 1.0, 2.0, 4.0, 5.0]


def test_what_was_stored_before_a_crash_stays(db_url):
    clock = Clock()
    r = FaultRecorder(FaultStore(db_url), CONFIG, points=POINTS, clock=clock)
    r.open()
    r.feed(batch(0))
    r.feed(batch(1))
    r.trigger(alarm(1, "D1", "D1.Ia", at=1), ["D1.Ia"])
    r.feed(batch(2))
    r.write_pending()
    r.store.close()  # the process dies here: the record was never completed
    with FaultStore(db_url) as store:
        (head,) = store.records()
        assert not head.complete
        assert seconds_of(store.record(head.id)["D1.Ia"]) == [0, 1, 2]


def test_a_locked_database_keeps_the_record_for_the_next_write(tmp_path):
    path = tmp_path / "history.sqlite"
    clock = Clock()
    r = FaultRecorder(FaultStore(path, busy_timeout=0.05), CONFIG, points=POINTS, clock=clock)
    r.clock = clock
    r.open()
    try:
        feed(r, range(0, 30))
        r.trigger(alarm(1, "D1", "D1.Ia", at=29), ["D1.Ia", "INC.P"])
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")
            with pytest.raises(JournalUnavailable, match="storing a fault record failed: the database is locked"):
                r.write_pending()
            feed(r, range(30, 45))
            with pytest.raises(JournalUnavailable):
                r.write_pending()
            other.execute("COMMIT")
        finally:
            other.close()
        assert r.write_pending() == 2 * 45
        feed(r, range(45, 70))
        r.write_pending()
        (head,) = r.records()
        assert head.complete and seconds_of(r.record(head.id)["INC.P"]) == list(range(0, 60))
    finally:
        r.close()
