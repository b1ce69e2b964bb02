"""Energy from cumulative meter registers, robust to rollover, resets, meter replacement and gaps.

A meter's energy register only grows — until it wraps at its top (a u32 of 0.01 kWh × CT×PT
wraps after 42,949,672.95 kWh), the meter is reset or replaced, or the readings stop for a while.
Differencing raw readings would then book a huge negative or positive "consumption".  Here each
step between two consecutive readings is judged:

- it grows: its energy is the difference;
- it falls from the upper half of the register's range into the lower half: a rollover —
  the energy is ``rollover - before + after``;
- a replacement recorded in the site file falls inside it: the energy is ``old_final - before``
  plus ``after - new_initial`` (exact);
- it falls otherwise: a reset — the energy of that step (usually one poll) is unknown and is
  booked as 0, and every interval containing it is flagged `RESET`;
- it lasts longer than ``max_gap_ms``: a gap — its energy (the register difference, which is
  exact) is spread evenly over the time it spans, and every interval it touches is flagged
  `GAP`, so totals stay right and only the split inside the gap is marked an estimate.

Outside the readings nothing is invented: an interval not covered by readings has no energy
(NaN) and the `NO_DATA` flag.  Between readings, the cumulative energy is interpolated linearly,
so an interval edge between two polls a second apart is exact to a second's energy.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from app.analysis.tariff import Period, Tariff


class Flag(enum.IntFlag):
    """What an interval's energy went through (several may apply)."""

    NONE = 0
    GAP = 1  # readings missing for longer than max_gap: the split inside the gap is an even estimate
    RESET = 2  # the register fell (not a rollover, no recorded replacement): one step's energy unknown
    ROLLOVER = 4  # the register wrapped at its top: handled exactly
    REPLACED = 8  # a recorded meter replacement: handled exactly
    NO_DATA = 16  # not covered by readings: no energy given

    @property
    def words(self) -> tuple[str, str]:
        """(Chinese, English) for a report's remark column, the most serious first."""
        parts = [w for f, w in _FLAG_WORDS if f in self]
        return "；".join(p[0] for p in parts), "; ".join(p[1] for p in parts)


_FLAG_WORDS = (
    (Flag.NO_DATA, ("无数据", "no data")),
    (Flag.GAP, ("数据缺失，按平均估算", "readings missing, spread evenly")),
    (Flag.RESET, ("电表清零，该次电量未知", "meter reset, one step unknown")),
    (Flag.REPLACED, ("换表", "meter replaced")),
    (Flag.ROLLOVER, ("计数器翻转", "register rolled over")),
)


@dataclass(frozen=True, slots=True)
class Replacement:
    """A meter changed at ``at_ms``: the old meter's last register value and the new one's first."""

    at_ms: int
    old_final: float
    new_initial: float


@dataclass(frozen=True, slots=True)
class Intervals:
    """Energy of consecutive intervals: ``starts`` (ms UTC), ``kwh`` (NaN: not covered), ``flags`` (Flag bits)."""

    starts: np.ndarray
    ends: np.ndarray
    kwh: np.ndarray
    flags: np.ndarray

    def total(self) -> tuple[float, Flag]:
        """The covered intervals' sum and the union of all flags (NO_DATA when any interval lacks data)."""
        covered = ~np.isnan(self.kwh)
        flags = Flag(int(np.bitwise_or.reduce(self.flags))) if len(self.flags) else Flag.NONE
        return float(self.kwh[covered].sum()), flags


class Register:
    """One cumulative register's consumption curve, corrected, for energy over any span."""

    def __init__(self, ts: Sequence[int] | np.ndarray, values: Sequence[float] | np.ndarray, *,
                 rollover: float | None = None, replacements: Iterable[Replacement] = (),
                 max_gap_ms: int = 30 * 60_000) -> None:
        t = np.asarray(ts, dtype=np.int64)
        v = np.asarray(values, dtype=np.float64)
        keep = np.isfinite(v)
        t, v = t[keep], v[keep]
        if len(t) > 1 and not bool(np.all(t[1:] > t[:-1])):
            order = np.argsort(t, kind="stable")
            t, v = t[order], v[order]
            last = np.append(t[1:] != t[:-1], True)  # one reading per instant: the last stored
            t, v = t[last], v[last]
        self.ts = t
        self.raw_values = v  # as read from the meter, before any correction (a report shows them)
        self.max_gap_ms = max_gap_ms
        step = np.diff(v)
        flags = np.zeros(len(step), dtype=np.uint8)
        before, after = v[:-1], v[1:]
        for r in replacements:
            # readings at or before the change are the old meter's, later ones the new meter's
            inside = np.flatnonzero((t[:-1] <= r.at_ms) & (t[1:] > r.at_ms))
            step[inside] = (r.old_final - before[inside]) + (after[inside] - r.new_initial)
            flags[inside] |= np.uint8(Flag.REPLACED)
        fell = (step < 0) & ((flags & Flag.REPLACED) == 0)
        if rollover is not None:
            wrapped = fell & (before > rollover / 2) & (after < rollover / 2)
            step[wrapped] = rollover - before[wrapped] + after[wrapped]
            flags[wrapped] |= np.uint8(Flag.ROLLOVER)
            fell &= ~wrapped
        step[fell] = 0.0
        flags[fell] |= np.uint8(Flag.RESET)
        flags[np.diff(t) > max_gap_ms] |= np.uint8(Flag.GAP)
        self.step_flags = flags
        self.cumulative = np.concatenate(([0.0], np.cumsum(step))) if len(t) else np.zeros(0)

    def energy_at(self, when: np.ndarray) -> np.ndarray:
        """Consumption since the first reading at each instant (NaN outside the readings)."""
        when = np.asarray(when, dtype=np.int64)
        if len(self.ts) == 0:
            return np.full(len(when), np.nan)
        out = np.interp(when.astype(np.float64), self.ts.astype(np.float64), self.cumulative)
        out[(when < self.ts[0]) | (when > self.ts[-1])] = np.nan
        return out

    def between(self, starts: np.ndarray, ends: np.ndarray) -> Intervals:
        """Energy of each [start, end) with its flags; the intervals in time order, not overlapping."""
        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        kwh = self.energy_at(ends) - self.energy_at(starts)
        flags = np.zeros(len(starts), dtype=np.uint8)
        flags[np.isnan(kwh)] |= np.uint8(Flag.NO_DATA)
        if len(self.step_flags) and len(starts):
            # step j spans (ts[j], ts[j+1]]; the intervals (in order, not overlapping) it touches are those
            # with start < ts[j+1] and end > ts[j]: a slice found by two binary searches
            marked = np.flatnonzero(self.step_flags)
            first = np.searchsorted(ends, self.ts[marked], side="right")
            last = np.searchsorted(starts, self.ts[marked + 1], side="left")
            for j, a, b in zip(marked.tolist(), first.tolist(), last.tolist(), strict=True):
                if b > a:
                    flags[a:b] |= self.step_flags[j]
        return Intervals(starts, ends, kwh, flags)

    def intervals(self, start_ms: int, end_ms: int, step_ms: int) -> Intervals:
        """Energy per fixed interval from ``start_ms`` (e.g. 15 minutes on the quarter hour)."""
        starts = np.arange(start_ms, end_ms, step_ms, dtype=np.int64)
        return self.between(starts, np.minimum(starts + step_ms, end_ms))

    def by_period(self, tariff: Tariff, start_ms: int, end_ms: int) -> tuple[dict[Period, float], Flag]:
        """Energy of [start, end) split by time-of-use period, and the union of the flags met."""
        spans = list(tariff.spans(start_ms, end_ms))
        got = self.between(np.asarray([s[0] for s in spans]), np.asarray([s[1] for s in spans]))
        out = dict.fromkeys(Period, 0.0)
        for (_lo, _hi, period), kwh in zip(spans, got.kwh.tolist(), strict=True):
            if not math.isnan(kwh):  # covered
                out[period] += kwh
        return out, got.total()[1]
