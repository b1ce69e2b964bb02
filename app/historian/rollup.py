"""Rollup arithmetic: min, max, sum (for the average), first, last and count per time bucket.

Rollups are what long-range trends and reports read: a year of 1 s data is 31.5 million
samples but 8 760 one-hour rows.  They are built from every *good* sample (before the deadband
throws any away), and every statistic here re-aggregates exactly: min of mins, max of maxes,
sums and counts add, first of the earliest, last of the latest — so partial buckets written at
different times merge into the same answer as one pass over all samples, and a query can build
any coarser bucket from finer rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.model import Quality

from .block import Block

_FIELDS = ("pid", "ts", "n", "min", "max", "sum", "first", "last")


def bucket_start(ts: np.ndarray | int, width: int, offset: int = 0) -> np.ndarray | int:
    """The start of the bucket holding ``ts``: multiples of ``width`` shifted by ``-offset``."""
    return (ts + offset) // width * width - offset


@dataclass(frozen=True)
class Rollup:
    """Rollup rows in columns, sorted by (pid, ts) where ts is the bucket start."""

    pid: np.ndarray
    ts: np.ndarray
    n: np.ndarray
    min: np.ndarray
    max: np.ndarray
    sum: np.ndarray
    first: np.ndarray
    last: np.ndarray

    @classmethod
    def empty(cls) -> Rollup:
        i64, f64 = np.empty(0, np.int64), np.empty(0, np.float64)
        return cls(np.empty(0, np.int32), i64, i64, f64, f64, f64, f64, f64)

    @classmethod
    def of_block(cls, block: Block, width: int, offset: int = 0) -> Rollup:
        """Aggregate the good, finite samples of a block sorted by (pid, ts)."""
        good = (block.quality == Quality.GOOD) & np.isfinite(block.value)
        if not good.all():
            block = block.take(good)
        if not len(block):
            return cls.empty()
        buckets = bucket_start(block.ts, width, offset)
        return _group(block.pid, buckets, np.ones(len(block), np.int64), block.value, block.value,
                      block.value, block.value, block.value)

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[object]]) -> Rollup:
        """From database rows ``(pid, ts, n, min, max, sum, first, last)``."""
        if not rows:
            return cls.empty()
        cols = list(zip(*rows, strict=True))
        return cls(
            np.asarray(cols[0], np.int32), np.asarray(cols[1], np.int64), np.asarray(cols[2], np.int64),
            *(np.asarray(c, np.float64) for c in cols[3:]),
        )

    @classmethod
    def concat(cls, parts: Sequence[Rollup]) -> Rollup:
        """Rows of several parts, earlier parts first among rows of the same bucket."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        cols = [np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS]
        order = np.lexsort((cols[1], cols[0]))  # stable: earlier parts stay first
        return cls(*(c[order] for c in cols))

    def __len__(self) -> int:
        return len(self.ts)

    @property
    def avg(self) -> np.ndarray:
        return self.sum / self.n

    def regroup(self, width: int, offset: int = 0) -> Rollup:
        """Merge rows into buckets of ``width`` (a multiple of theirs): same pid and new bucket."""
        if not len(self):
            return self
        return _group(self.pid, bucket_start(self.ts, width, offset), self.n, self.min, self.max,
                      self.sum, self.first, self.last)

    def rows(self) -> list[tuple[int, int, int, float, float, float, float, float]]:
        """As database rows ``(pid, ts, n, min, max, sum, first, last)``."""
        return list(zip(*(getattr(self, f).tolist() for f in _FIELDS), strict=True))


def _group(pid: np.ndarray, bucket: np.ndarray, n: np.ndarray, mins: np.ndarray, maxs: np.ndarray,
           sums: np.ndarray, firsts: np.ndarray, lasts: np.ndarray) -> Rollup:
    # Inputs are sorted by (pid, time), so each (pid, bucket) group is one contiguous run.
    change = (np.diff(pid) != 0) | (np.diff(bucket) != 0)
    starts = np.concatenate(([0], np.flatnonzero(change) + 1))
    ends = np.concatenate((starts[1:], [len(pid)]))
    return Rollup(
        pid[starts].astype(np.int32),
        bucket[starts].astype(np.int64),
        np.add.reduceat(n, starts).astype(np.int64),
        np.minimum.reduceat(mins, starts),
        np.maximum.reduceat(maxs, starts),
        np.add.reduceat(sums, starts),
        firsts[starts],
        lasts[ends - 1],
    )
