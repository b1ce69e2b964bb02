"""Rollup arithmetic: known data, bucket boundaries, exact re-aggregation, bad samples left out."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.historian.block import Block
from app.historian.policy import DAY_MS, StoragePolicy
from app.historian.rollup import Rollup, bucket_start
from app.model import Quality

MIN = 60_000


def block(pid, ts, values, qualities=None):
    q = np.zeros(len(ts), np.uint8) if qualities is None else qualities
    return Block.of(pid, ts, values, q).sorted()


def test_known_minute_buckets_and_their_boundaries():
    # 59 999 is the last ms of the first minute; 60 000 opens the second.
    b = block(1, [0, 30_000, 59_999, 60_000, 119_999], [1.0, 5.0, 3.0, 10.0, -2.0])
    r = Rollup.of_block(b, MIN)
    assert r.ts.tolist() == [0, 60_000]
    assert r.n.tolist() == [3, 2]
    assert r.min.tolist() == [1.0, -2.0]
    assert r.max.tolist() == [5.0, 10.0]
    assert r.avg.tolist() == [3.0, 4.0]
    assert r.first.tolist() == [1.0, 10.0]
    assert r.last.tolist() == [3.0, -2.0]


def test_points_are_kept_apart():
    b = block([2, 1, 2, 1], [0, 0, 1000, 1000], [20.0, 1.0, 22.0, 3.0])
    r = Rollup.of_block(b, MIN)
    assert r.pid.tolist() == [1, 2]
    assert r.avg.tolist() == [2.0, 21.0]


def test_only_good_finite_samples_count():
    b = block(1, [0, 1, 2, 3], [1.0, 1000.0, np.nan, 3.0],
              np.array([Quality.GOOD, Quality.BAD_VALUE, Quality.GOOD, Quality.GOOD], np.uint8))
    r = Rollup.of_block(b, MIN)
    assert r.n.tolist() == [2]
    assert r.max.tolist() == [3.0]


def test_negative_timestamps_floor_to_their_bucket():
    assert bucket_start(-1, MIN) == -MIN
    assert bucket_start(np.array([-60_001, -60_000]), MIN).tolist() == [-120_000, -60_000]


def test_days_follow_the_sites_midnight():
    policy = StoragePolicy(day_offset_min=480)  # Asia/Shanghai: local midnight is 16:00 UTC
    off = policy.offset_ms(DAY_MS)
    assert policy.offset_ms(3_600_000) == 0
    local_midnight = DAY_MS - 8 * 3_600_000
    assert bucket_start(local_midnight, DAY_MS, off) == local_midnight
    assert bucket_start(local_midnight - 1, DAY_MS, off) == local_midnight - DAY_MS


def test_partials_merge_in_order():
    first = Rollup.of_block(block(1, [0, 10_000], [4.0, 6.0]), MIN)
    second = Rollup.of_block(block(1, [20_000, 70_000], [1.0, 9.0]), MIN)
    merged = Rollup.concat([first, second]).regroup(MIN)
    assert merged.ts.tolist() == [0, 60_000]
    assert merged.n.tolist() == [3, 1]
    assert merged.first.tolist() == [4.0, 9.0]
    assert merged.last.tolist() == [1.0, 9.0]
    assert merged.min.tolist() == [1.0, 9.0]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 3), st.integers(0, 4 * 3_600_000),
                       st.floats(-1e6, 1e6, allow_nan=False)), min_size=1, max_size=200),
    st.sampled_from([MIN, 900_000, 3_600_000]),
    st.sampled_from([1, 2, 3, 4]),
)
def test_coarse_from_fine_equals_coarse_from_samples(rows, width, factor):
    """Re-aggregating rollups is exact: what queries and partial merges rely on."""
    pid, ts, values = zip(*rows, strict=True)
    b = block(pid, ts, values)
    direct = Rollup.of_block(b, width * factor)
    via = Rollup.of_block(b, width).regroup(width * factor)
    for name in ("pid", "ts", "n", "min", "max", "first", "last"):
        assert getattr(via, name).tolist() == getattr(direct, name).tolist()
    assert via.sum == pytest.approx(direct.sum, rel=1e-9, abs=1e-6)
