"""The historian on a real SQLite file: the storage rules end to end, restarts, retention, as-of.

A crash image is made with SQLite's online backup while the writer is idle: the copy holds
exactly what was committed (batches not yet compacted included), which is what the disk holds
after a ``kill -9``; the real kill is in tests/integration/test_historian_crash.py.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from app.historian import (
    BadQuery,
    Historian,
    HistorianError,
    NotOpen,
    PointInfo,
    SchemaTooNew,
    StoragePolicy,
    UnknownPoint,
)
from app.historian.policy import DAY_MS, PolicyError
from app.model import PointKind, Quality, Sample

NOW = 1_780_000_000_000  # a fixed "now" (2026), so retention never depends on the machine's clock
T0 = NOW - 10 * DAY_MS - (NOW % DAY_MS)  # a UTC midnight ten days ago
MIN = 60_000


@pytest.fixture
def path(tmp_path):
    return tmp_path / "history.sqlite"


def make(path, **options):
    options.setdefault("commit_interval", 0.05)
    options.setdefault("compact_interval", 3600)
    options.setdefault("clock", lambda: NOW / 1000)
    h = Historian(path, **options)
    h.open()
    return h


def crash_image(path, dest):
    """What a kill -9 would leave: the committed state, copied by SQLite's backup API."""
    src = sqlite3.connect(path)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return dest


def samples(point, values, start=T0, step=1000, quality=Quality.GOOD):
    return [Sample(point, start + i * step, float(v), quality) for i, v in enumerate(values)]


def test_write_flush_query_round_trip(path):
    with make(path) as h:
        h.register_points([PointInfo("F1.P", "kW", deadband=None)])
        h.write(samples("F1.P", range(100)))
        h.flush()
        assert h.raw("F1.P", T0, T0 + 100_000) == [(T0 + i * 1000, float(i), Quality.GOOD) for i in range(100)]
        h.compact()
        assert len(h.raw("F1.P", T0, T0 + 100_000)) == 100
        assert h.raw("F1.P", T0 + 10_000, T0 + 20_000, limit=3) == [
            (T0 + 10_000, 10.0, Quality.GOOD), (T0 + 11_000, 11.0, Quality.GOOD), (T0 + 12_000, 12.0, Quality.GOOD)
        ]
        status = h.status
        assert status.ok and status.written == 100 and status.pending == 0
        assert status.as_dict()["message"] == ""


def test_deadband_filters_raw_storage_but_not_rollups(path):
    with make(path) as h:
        h.register_points([PointInfo("T1.temp", "°C", deadband=1.0, max_interval_s=None)])
        values = [50, 50.2, 50.4, 50.6, 51.2, 51.0, 60.0, 50.0]
        h.write(samples("T1.temp", values))
        h.compact()
        assert [v for _, v, _ in h.raw("T1.temp", T0, T0 + MIN)] == [50, 51.2, 60.0, 50.0]
        minute = h.history("T1.temp", T0, T0 + 2 * MIN, max_points=1)
        assert not minute.raw
        (ts, lo, hi, avg, last), = minute.buckets
        assert (ts, lo, hi, last) == (T0, 50.0, 60.0, 50.0)
        assert avg == pytest.approx(sum(values) / len(values))


def test_digital_points_store_on_change_with_max_interval(path):
    with make(path) as h:
        h.register_points([PointInfo("Q1.closed", kind=PointKind.DIGITAL, deadband=None, max_interval_s=10)])
        states = [0] * 25 + [1] * 3 + [0] * 2
        h.write(samples("Q1.closed", states))
        h.compact()
        stored = [(ts - T0) // 1000 for ts, _, _ in h.raw("Q1.closed", T0, T0 + MIN)]
        assert stored == [0, 10, 20, 25, 28]


def test_quality_change_is_stored_even_inside_the_deadband(path):
    with make(path) as h:
        h.register_points([PointInfo("M1.U", deadband=100.0, max_interval_s=None)])
        h.write(samples("M1.U", [230] * 3) + samples("M1.U", [230] * 3, start=T0 + 3000, quality=Quality.COMM_FAIL))
        h.compact()
        assert [(ts - T0, q) for ts, _, q in h.raw("M1.U", T0, T0 + MIN)] == [
            (0, Quality.GOOD), (3000, Quality.COMM_FAIL)
        ]


def test_history_is_raw_when_the_range_holds_few_samples(path):
    with make(path) as h:
        h.write(samples("A.x", range(50)))
        h.flush()
        got = h.history("A.x", T0, T0 + 50_000, max_points=50)
        assert got.raw and len(got.samples) == 50
        assert got.as_dict()["samples"][0] == [T0, 0.0, "good"]
        got = h.history("A.x", T0, T0 + 50_000, max_points=49)
        assert not got.raw  # 50 samples do not fit in 49: buckets (from raw: buckets under a minute)
        assert len(got.buckets) <= 49
        assert sum(1 for _ in got.buckets) > 0


@pytest.mark.parametrize(
    ("span", "max_points", "resolution", "bucket_ms"),
    [
        (2 * DAY_MS, 2000, "1m", 2 * MIN),  # needs 86.4 s buckets: 1 min rows, merged in twos
        (30 * DAY_MS, 2000, "15m", 1_800_000),  # needs 21.6 min: 15 min rows in twos
        (365 * DAY_MS, 2000, "1h", 5 * 3_600_000),  # needs 4.38 h: hourly rows in fives
        (365 * DAY_MS, 300, "1d", 2 * DAY_MS),  # needs 29.2 h: daily rows in twos
        (DAY_MS, 100_000, None, 0),  # needs under a minute: raw samples
    ],
)
def test_best_rollup_choice(path, span, max_points, resolution, bucket_ms):
    with make(path) as h:
        assert h._reader().best_resolution(T0, T0 + span, max_points) == resolution
        step = max(1000, span // (4 * max_points) // 1000 * 1000)  # four samples per bucket or so
        ts = np.arange(T0, T0 + span, step, dtype=np.int64)
        h.import_history("A.x", ts, np.arange(len(ts), dtype=np.float64))
        got = h.history("A.x", T0, T0 + span, max_points)
        if resolution is None:
            assert got.raw
            return
        assert not got.raw
        assert got.bucket_ms == bucket_ms
        assert len(got.buckets) <= max_points
        # each bucket's statistics equal those of the samples it covers
        for start, lo, hi, avg, last in got.buckets[:3] + got.buckets[-3:]:
            inside = (ts >= start) & (ts < start + bucket_ms)
            vals = np.arange(len(ts))[inside]
            assert (lo, hi, last) == (vals.min(), vals.max(), vals[-1])
            assert avg == pytest.approx(vals.mean())


def test_bucketed_history_includes_samples_not_yet_compacted(path):
    with make(path) as h:
        h.write(samples("A.x", [1.0] * 120, step=1000))
        h.compact()
        h.write(samples("A.x", [5.0] * 60, start=T0 + 120_000))
        h.flush()  # committed, not compacted: still in the batch log
        got = h.history("A.x", T0, T0 + 3 * MIN, max_points=3)
        assert [(b[0] - T0, b[1], b[2], b[4]) for b in got.buckets] == [
            (0, 1.0, 1.0, 1.0), (MIN, 1.0, 1.0, 1.0), (2 * MIN, 5.0, 5.0, 5.0)
        ]


def test_rollups_of_a_bucket_split_by_a_restart_are_exact(path):
    values = [3.0, 9.0, -1.0, 4.0, 7.0, 2.0]
    with make(path) as h:
        h.write(samples("A.x", values[:3], step=5000))
    with make(path) as h:  # close compacted the first half; the minute goes on after the restart
        h.write(samples("A.x", values[3:], start=T0 + 15_000, step=5000))
        h.compact()
        (ts, lo, hi, avg, last), = h.history("A.x", T0, T0 + MIN, max_points=1).buckets
    assert (ts, lo, hi, last) == (T0, -1.0, 9.0, 2.0)
    assert avg == pytest.approx(np.mean(values))


def test_restart_after_a_crash_rebuilds_open_buckets_from_the_batch_log(path, tmp_path):
    h = make(path, policy=StoragePolicy())
    try:
        h.register_points([PointInfo("A.x", deadband=5.0, max_interval_s=None)])
        h.write(samples("A.x", [10.0, 11.0, 12.0], step=1000))
        h.compact()
        h.write(samples("A.x", [13.0, 30.0, 14.0], start=T0 + 3000))
        h.flush()
        image = crash_image(path, tmp_path / "crashed.sqlite")
    finally:
        h.close()
    with make(image) as again:
        # everything committed is back: the three compacted samples (deadband-filtered) and the batch
        assert [v for _, v, _ in again.raw("A.x", T0, T0 + MIN)] == [10.0, 13.0, 30.0, 14.0]
        (_ts, lo, hi, avg, last), = again.history("A.x", T0, T0 + MIN, max_points=1).buckets
        assert (lo, hi, last) == (10.0, 30.0, 14.0)
        assert avg == pytest.approx(np.mean([10, 11, 12, 13, 30, 14]))
        assert again.latest(["A.x"])["A.x"] == Sample("A.x", T0 + 5000, 14.0, Quality.GOOD)
        again.compact()
        # and the deadband continues from the stored reference (10.0): 13 was within 5, 30 was not
        assert [v for _, v, _ in again.raw("A.x", T0, T0 + MIN)] == [10.0, 30.0, 14.0]
        (_, lo, hi, avg, last), = again.history("A.x", T0, T0 + MIN, max_points=1).buckets
        assert (lo, hi, last) == (10.0, 30.0, 14.0)
        assert avg == pytest.approx(np.mean([10, 11, 12, 13, 30, 14]))


def test_as_of_across_chunks_and_the_batch_log(path):
    with make(path) as h:
        h.register_points([PointInfo("A.x", deadband=None)])
        h.write(samples("A.x", [1, 2, 3], step=10_000))  # T0, +10 s, +20 s
        h.compact()
        h.write(samples("A.x", [4, 5], start=T0 + 60_000, step=10_000))  # +60 s, +70 s, in the log
        h.flush()
        h.write([Sample("B.y", T0 + 15_000, 7.0, Quality.STALE)])
        h.flush()

        def value(ts, lookback=DAY_MS):
            got = h.as_of("A.x", ts, lookback)
            return None if got is None else got.value

        assert value(T0 - 1) is None  # before the first sample
        assert value(T0) == 1.0  # at a sample: that sample
        assert value(T0 + 25_000) == 3.0  # after the chunk ends, before the log starts
        assert value(T0 + 60_000) == 4.0  # first sample of the log
        assert value(T0 + 10**7) == 5.0
        assert value(T0 + 59_999, lookback=30_000) is None  # last sample 39.999 s before: too old
        many = h.as_of_many(["A.x", "B.y", "nobody"], T0 + 16_000)
        assert many == {
            "A.x": Sample("A.x", T0 + 10_000, 2.0, Quality.GOOD),
            "B.y": Sample("B.y", T0 + 15_000, 7.0, Quality.STALE),
        }


def test_retention_purge(path):
    policy = StoragePolicy(retention_days={"raw": 2, "1m": 3, "15m": 5, "1h": None, "1d": None})
    with make(path, policy=policy) as h:
        ts = np.arange(NOW - 8 * DAY_MS, NOW, 3_600_000, dtype=np.int64)  # hourly, 8 days
        h.import_history("A.x", ts, np.ones(len(ts)))
        deleted = h.purge(NOW)
        assert deleted["raw"] > 0 and deleted["1m"] > 0 and deleted["15m"] > 0
        assert "1h" not in deleted and "1d" not in deleted
        kept = h.raw("A.x", NOW - 10 * DAY_MS, NOW)
        # whole chunks go: nothing older than 2 days plus one chunk's span remains
        assert kept and kept[0][0] >= NOW - 3 * DAY_MS
        assert kept[-1][0] == ts[-1]
        res = h._sql
        with h._engines[0].connect() as conn:
            oldest = {r: res.rollups(conn, code, h._points.id("A.x"), 0, NOW) for code, r in ((1, "1m"), (3, "1h"))}
        assert oldest["1m"][0][1] >= NOW - 3 * DAY_MS - MIN
        assert oldest["1h"][0][1] == ts[0] // 3_600_000 * 3_600_000  # kept forever
        assert h.purge(NOW) == {"raw": 0, "1m": 0, "15m": 0}


def test_late_samples_merge_without_moving_first_and_last(path):
    with make(path) as h:
        h.write(samples("A.x", [5.0, 6.0], start=T0 + 10_000, step=10_000))
        h.compact()
        h.write([Sample("A.x", T0 + 15_000, 100.0)])  # arrives after newer data was rolled up
        h.compact()
        (_ts, lo, hi, avg, last), = h.history("A.x", T0, T0 + MIN, max_points=1).buckets
        assert (lo, hi, last) == (5.0, 100.0, 6.0)
        assert avg == pytest.approx(111 / 3)
        assert [v for _, v, _ in h.raw("A.x", T0, T0 + MIN)] == [5.0, 100.0, 6.0]  # raw in time order


def test_latest_values_survive_a_restart(path):
    with make(path) as h:
        h.write(samples("A.x", [1, 2, 3]) + samples("B.y", [7], quality=Quality.COMM_FAIL))
        h.write([Sample("C.z", T0, float("nan"), Quality.BAD_VALUE)])
        h.flush()
        assert h.latest(["A.x"]) == {"A.x": Sample("A.x", T0 + 2000, 3.0, Quality.GOOD)}
    with make(path) as h:
        got = h.latest()
        assert got["A.x"] == Sample("A.x", T0 + 2000, 3.0, Quality.GOOD)
        assert got["B.y"].quality is Quality.COMM_FAIL
        assert np.isnan(got["C.z"].value)
        assert h.latest(["nobody"]) == {}


def test_write_arrays_and_registration_after_open(path):
    with make(path) as h:
        h.register_points([PointInfo("E.kWh", "kWh", PointKind.COUNTER, deadband=None)])
        h.write_arrays("E.kWh", T0 + np.arange(5) * 1000, np.arange(5) * 0.01)
        h.write_arrays(["E.kWh", "E.kvarh"], [T0 + 5000, T0], [0.05, 1.0], [0, 1])
        h.flush()
        assert [v for _, v, _ in h.raw("E.kWh", T0, T0 + MIN)] == [0.0, 0.01, 0.02, 0.03, 0.04, 0.05]
        assert h.raw("E.kvarh", T0, T0 + 1) == [(T0, 1.0, Quality.STALE)]
        assert h.points()["E.kWh"].kind is PointKind.COUNTER
        with pytest.raises(BadQuery, match="differ in length"):
            h.write_arrays(["E.kWh"], [1, 2], [1.0, 2.0])
        with pytest.raises(BadQuery, match="quality 9"):
            h.write_arrays("E.kWh", [1], [1.0], 9)


def test_malformed_samples_are_refused_and_the_rest_stored(path):
    with make(path) as h:
        good = samples("A.x", [1, 2])
        h.write([good[0], Sample("A.x", "yesterday", 1.0), ("A.x", T0, 1.0, 17), Sample("", T0, 1.0), good[1]])
        h.flush()
        assert [v for _, v, _ in h.raw("A.x", T0, T0 + MIN)] == [1.0, 2.0]
        assert h.status.rejected == 3
        assert h.status.written == 2


def test_bad_queries_are_typed_errors(path):
    with make(path) as h:
        h.write(samples("A.x", [1]))
        h.flush()
        with pytest.raises(BadQuery, match="empty"):
            h.history("A.x", T0, T0, 10)
        with pytest.raises(BadQuery, match="max_points"):
            h.history("A.x", T0, T0 + 1, 0)
        with pytest.raises(BadQuery, match="whole milliseconds"):
            h.raw("A.x", "now", T0)  # type: ignore[arg-type]
        with pytest.raises(UnknownPoint, match="never registered"):
            h.raw("B.y", T0, T0 + 1)
        with pytest.raises(HistorianError, match="sequence of Sample"):
            h.write(Sample("A.x", T0, 1.0))  # type: ignore[arg-type]
        with pytest.raises(PolicyError, match="deadband"):
            PointInfo("A.x", deadband=-1)
        with pytest.raises(PolicyError, match="retention"):
            StoragePolicy(retention_days={"2h": 1})
    with pytest.raises(NotOpen):
        h.write(samples("A.x", [1]))
    with pytest.raises(NotOpen):
        h.latest()
    h.close()  # idempotent


def test_a_database_from_a_newer_version_is_refused(path):
    with make(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaTooNew, match=r"revision '9999'.*newer SwitchRoom"):
        make(path)


def test_merged_chunks_answer_the_same(path):
    with make(path) as h:
        h.register_points([PointInfo("A.x", deadband=None)])
        rng = np.random.default_rng(3)
        values = rng.normal(230, 1, 20_000).astype(np.float32).astype(np.float64)
        start = NOW - 6 * 3_600_000  # recent data: fresh chunks wait for a full chunk's worth
        for part in range(4):  # four compactions, four fresh chunks, merged on the way
            cut = slice(part * 5000, (part + 1) * 5000)
            h.write_arrays("A.x", start + np.arange(20_000)[cut] * 1000, values[cut])
            h.compact()
        before = h.raw_arrays("A.x", start, NOW)
        h.compact(merge=True)
        after = h.raw_arrays("A.x", start, NOW)
        assert np.array_equal(before.ts, after.ts) and np.array_equal(before.value, after.value)
        assert len(after) == 20_000
        with h._engines[0].connect() as conn:
            levels = conn.exec_driver_sql("SELECT level, count(*) FROM chunk GROUP BY level").all()
        assert levels == [(1, 3)]  # 20 000 samples in chunks of at most 8 192
