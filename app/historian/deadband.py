"""Which samples of a point are worth storing: deadband, store-on-change, maximum interval.

The rule, applied in time order against the *last stored* sample of the point (not the last
received one, or a slow drift would never be stored):

* the first sample a point ever has is stored;
* a change of quality is always stored (an operator must see when a value stopped being good);
* a value that moved more than the deadband is stored (deadband 0: any change; a change between
  a number and NaN counts); digital points always use 0;
* a sample at least ``max_interval`` after the last stored one is stored, so a quiet point still
  draws a continuous trend and an as-of lookup finds a recent value.

A deadband of None stores everything.  Store-on-change without a maximum interval is exact and
vectorised; the general rule depends on each earlier decision, so it is a tight loop over plain
floats — still a fraction of a microsecond per sample, run once per compaction, never on the loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .block import Series


@dataclass
class Stored:
    """The last stored sample of a point: the reference the rule compares against."""

    ts: int
    value: float
    quality: int


def keep_mask(series: Series, deadband: float | None, max_interval_ms: int | None, last: Stored | None) -> np.ndarray:
    """Which samples of ``series`` (one point, time order) are stored; ``last`` is the state before it."""
    n = len(series)
    if deadband is None or n == 0:
        return np.ones(n, bool)
    value, quality, ts = series.value, series.quality, series.ts
    if deadband == 0 and max_interval_ms is None:
        return _on_change(value, quality, last)
    keep = np.zeros(n, bool)
    if last is None:
        keep[0] = True
        ref_v, ref_q, ref_t = float(value[0]), int(quality[0]), int(ts[0])
        start = 1
    else:
        ref_v, ref_q, ref_t = last.value, last.quality, last.ts
        start = 0
    ref_nan = math.isnan(ref_v)
    interval = max_interval_ms
    vals = value.tolist()
    nans = np.isnan(value).tolist()
    quals = quality.tolist()
    times = ts.tolist()
    for i in range(start, n):
        q = quals[i]
        t = times[i]
        nan = nans[i]
        if q != ref_q or (interval is not None and t - ref_t >= interval):
            store = True
        elif nan or ref_nan:
            store = nan != ref_nan
        else:
            store = abs(vals[i] - ref_v) > deadband
        if store:
            keep[i] = True
            ref_v, ref_q, ref_t, ref_nan = vals[i], q, t, nan
    return keep


def _on_change(value: np.ndarray, quality: np.ndarray, last: Stored | None) -> np.ndarray:
    # Without a maximum interval "last stored" always equals "previous sample": every difference
    # is stored, so comparing neighbours is the exact rule.
    nan = np.isnan(value)
    prev_v = np.empty_like(value)
    prev_q = np.empty_like(quality)
    prev_nan = np.empty_like(nan)
    prev_v[1:], prev_q[1:], prev_nan[1:] = value[:-1], quality[:-1], nan[:-1]
    if last is None:
        prev_v[0], prev_q[0], prev_nan[0] = value[0], quality[0], nan[0]
    else:
        prev_v[0], prev_q[0], prev_nan[0] = last.value, last.quality, math.isnan(last.value)
    with np.errstate(invalid="ignore"):
        changed = (value != prev_v) & ~nan & ~prev_nan
    keep = changed | (quality != prev_q) | (nan != prev_nan)
    if last is None:
        keep[0] = True
    return keep


def last_stored(series: Series, keep: np.ndarray) -> Stored | None:
    """The new reference after storing ``series[keep]``."""
    idx = np.flatnonzero(keep)
    if not len(idx):
        return None
    i = int(idx[-1])
    return Stored(int(series.ts[i]), float(series.value[i]), int(series.quality[i]))
