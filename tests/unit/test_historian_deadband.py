"""The storage rule: deadband against the last stored value, store-on-change, maximum interval, quality."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.historian.block import Series
from app.historian.deadband import Stored, keep_mask, last_stored


def series(values, qualities=None, step=1000, start=0):
    n = len(values)
    q = np.zeros(n, np.uint8) if qualities is None else np.array(qualities, np.uint8)
    return Series(start + np.arange(n, dtype=np.int64) * step, np.array(values, np.float64), q)


def kept(s, deadband, interval=None, last=None):
    return np.flatnonzero(keep_mask(s, deadband, interval, last)).tolist()


def test_none_stores_everything():
    assert kept(series([1, 1, 1]), None) == [0, 1, 2]


def test_deadband_compares_with_the_last_stored_value_not_the_previous_sample():
    # A slow drift of 0.4 per sample with a deadband of 1: stored every third sample, not never.
    s = series([0, 0.4, 0.8, 1.2, 1.6, 2.0, 2.4])
    assert kept(s, 1.0) == [0, 3, 6]


def test_deadband_is_strict_and_works_both_ways():
    s = series([10, 11, 12.5, 11.4, 11.6, 10.7])
    # |11-10| = 1 is not more than 1; down 1.1 from 12.5 is; 11.6 and 10.7 stay within 1 of 11.4
    assert kept(s, 1.0) == [0, 2, 3]


def test_store_on_change():
    s = series([1, 1, 2, 2, 2, 1, 1])
    assert kept(s, 0.0) == [0, 2, 5]


def test_quality_changes_are_always_stored():
    s = series([5, 5, 5, 5, 5], qualities=[0, 0, 2, 2, 0])
    assert kept(s, 100.0) == [0, 2, 4]
    assert kept(s, 0.0) == [0, 2, 4]


def test_max_interval_keeps_quiet_points_continuous():
    s = series([7] * 10, step=1000)
    assert kept(s, 0.0, interval=3000) == [0, 3, 6, 9]
    assert kept(s, 5.0, interval=3000) == [0, 3, 6, 9]


def test_max_interval_counts_from_the_last_stored_sample_of_an_earlier_compaction():
    s = series([7] * 5, start=10_000)
    last = Stored(ts=8_000, value=7.0, quality=0)
    assert kept(s, 0.0, interval=3000, last=last) == [1, 4]  # 11 000 is 3 s after 8 000


def test_previous_state_decides_the_first_sample():
    s = series([7, 7, 8])
    assert kept(s, 0.0, last=Stored(0, 7.0, 0)) == [2]
    assert kept(s, 0.0, last=Stored(0, 6.0, 0)) == [0, 2]
    assert kept(s, 0.0, last=Stored(0, 7.0, 2)) == [0, 2]  # quality came back
    assert kept(s, 0.0, interval=10_000, last=Stored(0, 7.0, 0)) == [2]


def test_nan_transitions_are_changes_but_nan_repeats_are_not():
    nan = math.nan
    s = series([1, nan, nan, 1, 1])
    assert kept(s, 0.0) == [0, 1, 3]
    assert kept(s, 0.5) == [0, 1, 3]


def test_last_stored():
    s = series([1, 2, 3])
    ref = last_stored(s, np.array([True, True, False]))
    assert ref == Stored(1000, 2.0, 0)
    assert last_stored(s, np.zeros(3, bool)) is None


def reference(values, qualities, times, deadband, interval, last):
    """The rule written the plainest way, to check the fast paths against."""
    out = []
    ref = last
    for i, (v, q, t) in enumerate(zip(values, qualities, times, strict=True)):
        if ref is None or q != ref[1] or (interval is not None and t - ref[2] >= interval):
            store = True
        elif math.isnan(v) or math.isnan(ref[0]):
            store = math.isnan(v) != math.isnan(ref[0])
        else:
            store = abs(v - ref[0]) > deadband
        if store:
            out.append(i)
            ref = (v, q, t)
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([0.0, 0.5, 1.0, 1.2, 3.0, math.nan]), st.integers(0, 3),
                       st.integers(1, 5000)), min_size=1, max_size=60),
    st.sampled_from([0.0, 0.4, 1.0]),
    st.sampled_from([None, 2000, 7000]),
    st.one_of(st.none(), st.tuples(st.sampled_from([0.0, 1.0, math.nan]), st.integers(0, 3))),
)
def test_fast_paths_agree_with_the_plain_rule(rows, deadband, interval, last):
    values = [r[0] for r in rows]
    qualities = [r[1] for r in rows]
    times = np.cumsum([r[2] for r in rows]).tolist()
    s = Series(np.array(times, np.int64), np.array(values), np.array(qualities, np.uint8))
    stored = None if last is None else Stored(0, last[0], last[1])
    ref = None if last is None else (last[0], last[1], 0)
    assert kept(s, deadband, interval, stored) == reference(values, qualities, times, deadband, interval, ref)
