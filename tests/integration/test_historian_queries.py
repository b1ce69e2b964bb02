"""The historian's queries on both databases it supports: SQLite and a real PostgreSQL server.

Each test runs twice (``db_url``): once on a SQLite file, once on a fresh database of the
throwaway PostgreSQL server the session starts (skipped with the reason when PostgreSQL is
not installed).
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from app.historian import BadQuery, Historian, PointInfo, SchemaTooNew, StoragePolicy
from app.historian.policy import DAY_MS
from app.model import PointKind, Quality, Sample

NOW = 1_780_000_000_000
T0 = NOW - 3 * DAY_MS - NOW % DAY_MS
MIN = 60_000


def make(url, **options):
    options.setdefault("commit_interval", 0.05)
    options.setdefault("compact_interval", 3600)
    options.setdefault("clock", lambda: NOW / 1000)
    h = Historian(url, **options)
    h.open()
    return h


def test_raw_history_latest_and_as_of(db_url):
    with make(db_url) as h:
        h.register_points([PointInfo("F1.Ia", "A", deadband=None), PointInfo("Q1.pos", kind=PointKind.DIGITAL)])
        h.write([Sample("F1.Ia", T0 + i * 1000, 100.0 + i % 10) for i in range(600)])
        h.write([Sample("Q1.pos", T0 + i * 1000, float(i >= 300)) for i in range(600)])
        h.compact()
        h.write([Sample("F1.Ia", T0 + 600_000 + i * 1000, 200.0) for i in range(60)])
        h.write([Sample("Q1.pos", T0 + 600_000, 0.0, Quality.COMM_FAIL)])
        h.flush()

        raw = h.raw("F1.Ia", T0, T0 + 660_000)
        assert len(raw) == 660 and raw[0] == (T0, 100.0, Quality.GOOD) and raw[-1][1] == 200.0
        assert [v for _, v, _ in h.raw("Q1.pos", T0, T0 + DAY_MS)] == [0.0, 1.0, 0.0]  # on change only

        trend = h.history("F1.Ia", T0, T0 + 11 * MIN, max_points=11)
        assert not trend.raw and trend.bucket_ms == MIN
        assert [b[0] for b in trend.buckets] == [T0 + k * MIN for k in range(11)]
        assert trend.buckets[0][1:] == (100.0, 109.0, 104.5, 109.0)
        assert trend.buckets[10][1:] == (200.0, 200.0, 200.0, 200.0)  # from the batch log
        assert h.history("Q1.pos", T0, T0 + DAY_MS, 10).raw

        latest = h.latest()
        assert latest["F1.Ia"] == Sample("F1.Ia", T0 + 659_000, 200.0, Quality.GOOD)
        assert latest["Q1.pos"].quality is Quality.COMM_FAIL

        at = h.as_of_many(["F1.Ia", "Q1.pos"], T0 + 450_500)
        assert at == {
            "F1.Ia": Sample("F1.Ia", T0 + 450_000, 100.0, Quality.GOOD),
            "Q1.pos": Sample("Q1.pos", T0 + 300_000, 1.0, Quality.GOOD),
        }
        assert h.as_of("Q1.pos", T0 + 700_000).quality is Quality.COMM_FAIL


def test_year_of_rollups_answers_in_buckets(db_url):
    with make(db_url) as h:
        ts = np.arange(NOW - 365 * DAY_MS, NOW, 600_000, dtype=np.int64)
        values = np.sin(np.arange(len(ts)) / 1000.0)
        for cut in np.array_split(np.arange(len(ts)), 4):
            h.import_history(PointInfo("T1.load", "%"), ts[cut], values[cut])
        trend = h.history("T1.load", NOW - 365 * DAY_MS, NOW, 2000)
        assert not trend.raw and len(trend.buckets) <= 2000
        assert trend.bucket_ms == 5 * 3_600_000
        assert min(b[1] for b in trend.buckets) == pytest.approx(values.min())
        assert max(b[2] for b in trend.buckets) == pytest.approx(values.max())
        assert trend.as_dict()["buckets"][0] == list(trend.buckets[0])


def test_many_histories_answer_as_each_point_alone(db_url):
    """`histories` (a console's backfill) gives each point what `history` gives it: raw, bucketed
    from raw or from rollups, stored chunks and not yet compacted samples joined, in the order
    asked, each once, points the historian does not know left out."""
    with make(db_url) as h:
        h.register_points([PointInfo(f"F{i}.Ia", "A", deadband=None) for i in range(7)])
        for i in range(7):
            h.write([Sample(f"F{i}.Ia", T0 + k * 1000, float(i * 1000 + k % 97),
                            Quality.STALE if k % 50 == 7 else Quality.GOOD) for k in range(0, 600, 1 + i)])
        h.compact()
        for i in range(0, 7, 2):  # the newest minute of every other point is not compacted yet
            h.write([Sample(f"F{i}.Ia", T0 + 600_000 + k * 1000, -float(k)) for k in range(60)])
        h.flush()
        asked = ["F3.Ia", "NO.SUCH", "F0.Ia", "F6.Ia", "F3.Ia", "F1.Ia", "F2.Ia", "F4.Ia", "F5.Ia"]
        known = ["F3.Ia", "F0.Ia", "F6.Ia", "F1.Ia", "F2.Ia", "F4.Ia", "F5.Ia"]
        for start, end, max_points in [(T0, T0 + 660_000, 20_000),  # raw
                                       (T0 + 30_500, T0 + 640_000, 200),  # raw for sparse points, buckets for dense
                                       (T0, T0 + 660_000, 11),  # buckets of a minute: from raw
                                       (T0 - DAY_MS, T0 + DAY_MS, 24)]:  # hours: from the rollups
            many = h.histories(asked, start, end, max_points)
            assert [x.point for x in many] == known
            assert many == [h.history(p, start, end, max_points) for p in known]
            for as_rows, as_arrays in zip(many, h.histories(asked, start, end, max_points, rows=False), strict=True):
                if as_rows.raw:  # the same samples as arrays, for an answer sent as columns
                    assert as_arrays.samples == [] and as_arrays.series is not None
                    arrays = as_arrays.columns()
                    assert list(zip(arrays.ts.tolist(), arrays.value.tolist(), arrays.quality.tolist(),
                                    strict=True)) == as_rows.samples
                    assert np.array_equal(as_rows.columns().ts, arrays.ts)
                else:
                    assert as_arrays == as_rows
        both = h.histories(known, T0 + 30_500, T0 + 640_000, 200)
        assert {x.raw for x in both} == {True, False}  # the second case above really mixes the two
        assert both[2].raw and both[2].samples[-1] == (T0 + 639_000, -39.0, Quality.GOOD)  # from the batch log
        assert h.histories([], T0, T0 + 1, 10) == []
        with pytest.raises(BadQuery):
            h.histories(known, T0 + 5, T0, 10)
        with pytest.raises(BadQuery):
            h.histories(known, T0, T0 + 5, 0)


def test_restart_keeps_everything(db_url):
    with make(db_url) as h:
        h.write([Sample("A.x", T0 + i * 1000, float(i)) for i in range(100)])
        h.flush()
    with make(db_url) as h:
        assert len(h.raw("A.x", T0, T0 + DAY_MS)) == 100
        assert h.latest(["A.x"])["A.x"].value == 99.0
        (_, lo, hi, avg, last), (_, lo2, hi2, _, last2) = h.history("A.x", T0, T0 + 2 * MIN, 2).buckets
        assert (lo, hi, last, lo2, hi2, last2) == (0.0, 59.0, 59.0, 60.0, 99.0, 99.0)
        assert avg == pytest.approx(29.5)


def test_late_data_and_retention(db_url):
    policy = StoragePolicy(retention_days={"raw": 1, "1m": 2})
    with make(db_url, policy=policy) as h:
        h.write([Sample("A.x", T0 + 10_000, 5.0), Sample("A.x", T0 + 20_000, 6.0)])
        h.compact()
        h.write([Sample("A.x", T0 + 15_000, 100.0)])
        h.compact()
        (_, lo, hi, avg, last), = h.history("A.x", T0, T0 + MIN, 1).buckets
        assert (lo, hi, last) == (5.0, 100.0, 6.0) and avg == pytest.approx(37.0)
        deleted = h.purge(NOW)
        assert deleted["raw"] == 2 and deleted["1m"] == 1  # the late sample made a chunk of its own
        assert h.raw("A.x", T0, T0 + MIN) == []
        assert h.history("A.x", T0, T0 + DAY_MS, 1).buckets  # the hourly and daily rollups stay


def test_queries_stay_consistent_while_the_writer_compacts(db_url):
    """Readers never see a sample twice or miss one while batches turn into chunks under them."""
    with make(db_url, compact_interval=0.01) as h:
        h.register_points([PointInfo("A.x", deadband=None)])
        stop = threading.Event()
        problems: list[str] = []
        written = [0]

        def read():
            while not stop.is_set():
                n = written[0]
                got = h.raw_arrays("A.x", T0, T0 + DAY_MS)
                if not np.array_equal(got.value, np.arange(len(got), dtype=np.float64)):
                    problems.append(f"not a prefix: {len(got)} samples")
                if len(got) < n:
                    problems.append(f"{len(got)} samples seen after {n} were flushed")

        readers = [threading.Thread(target=read) for _ in range(3)]
        for t in readers:
            t.start()
        try:
            for k in range(40):
                h.write([Sample("A.x", T0 + i * 100, float(i)) for i in range(k * 50, (k + 1) * 50)])
                h.flush()
                written[0] = (k + 1) * 50
        finally:
            stop.set()
            for t in readers:
                t.join(30)
        assert problems == []
        assert len(h.raw("A.x", T0, T0 + DAY_MS)) == 2000


def test_newer_schema_is_refused(db_url):
    with make(db_url):
        pass
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'zz99'"))
    engine.dispose()
    with pytest.raises(SchemaTooNew, match="newer SwitchRoom"):
        make(db_url)
