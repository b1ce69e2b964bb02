"""A block of samples in columns: the shape every stage of the historian works on.

Hundreds of thousands of samples a second cannot be handled one Python object at a time, so
samples become four numpy columns as soon as the writer thread takes them: point number (the
small int of the ``point`` table), timestamp (ms UTC), value and quality.  Blocks are sorted by
(point, ts) once; from then on one point's samples are a contiguous slice found by binary
search, rollups are `reduceat` over runs, and a batch or chunk is the columns compressed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from app.model import Quality
from app.process import no_gc_pauses

QUALITIES: tuple[Quality, ...] = tuple(Quality)  # index -> enum, faster than Quality(i)


@dataclass(frozen=True)
class Block:
    """Columns of equal length: ``pid`` int32, ``ts`` int64, ``value`` float64, ``quality`` uint8."""

    pid: np.ndarray
    ts: np.ndarray
    value: np.ndarray
    quality: np.ndarray

    @classmethod
    def empty(cls) -> Block:
        return cls(np.empty(0, np.int32), np.empty(0, np.int64), np.empty(0, np.float64), np.empty(0, np.uint8))

    @classmethod
    def of(cls, pid: object, ts: object, value: object, quality: object) -> Block:
        """Columns from array-likes, converted to the block's dtypes (a scalar pid is broadcast)."""
        ts_a = np.ascontiguousarray(ts, dtype=np.int64)
        n = len(ts_a)
        pid_a = np.asarray(pid, dtype=np.int32)
        if pid_a.ndim == 0:
            pid_a = np.full(n, pid_a, np.int32)
        value_a = np.ascontiguousarray(value, dtype=np.float64)
        quality_a = np.asarray(quality, dtype=np.uint8)
        if quality_a.ndim == 0:
            quality_a = np.full(n, quality_a, np.uint8)
        if not len(pid_a) == n == len(value_a) == len(quality_a):
            raise ValueError(
                f"columns differ in length: {len(pid_a)} points, {n} timestamps, "
                f"{len(value_a)} values, {len(quality_a)} qualities"
            )
        if n and int(quality_a.max()) >= len(QUALITIES):
            raise ValueError(f"quality {int(quality_a.max())} is not one of 0..{len(QUALITIES) - 1}")
        return cls(np.ascontiguousarray(pid_a), ts_a, value_a, np.ascontiguousarray(quality_a))

    @classmethod
    def concat(cls, blocks: Sequence[Block]) -> Block:
        blocks = [b for b in blocks if len(b)]
        if not blocks:
            return cls.empty()
        if len(blocks) == 1:
            return blocks[0]
        return cls(
            np.concatenate([b.pid for b in blocks]),
            np.concatenate([b.ts for b in blocks]),
            np.concatenate([b.value for b in blocks]),
            np.concatenate([b.quality for b in blocks]),
        )

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, index: np.ndarray | slice) -> Block:
        return Block(self.pid[index], self.ts[index], self.value[index], self.quality[index])

    def sorted(self) -> Block:
        """Sorted by (point, ts), keeping arrival order among equal keys."""
        if len(self) < 2:
            return self
        order = np.lexsort((self.ts, self.pid))
        return self.take(order)

    def is_sorted(self) -> bool:
        if len(self) < 2:
            return True
        dp = np.diff(self.pid)
        if (dp < 0).any():
            return False
        same = dp == 0
        return not (np.diff(self.ts)[same] < 0).any()

    def runs(self) -> tuple[np.ndarray, np.ndarray]:
        """For a sorted block: the distinct points and the start offset of each (plus the end)."""
        if not len(self):
            return np.empty(0, np.int32), np.zeros(1, np.int64)
        starts = np.flatnonzero(np.diff(self.pid)) + 1
        bounds = np.concatenate(([0], starts, [len(self)])).astype(np.int64)
        return self.pid[bounds[:-1]], bounds

    def point_slice(self, pid: int) -> slice:
        """For a sorted block: where one point's samples lie."""
        lo = int(np.searchsorted(self.pid, pid, side="left"))
        hi = int(np.searchsorted(self.pid, pid, side="right"))
        return slice(lo, hi)


@dataclass(frozen=True)
class Series:
    """One point's samples in time order: what queries return before any conversion."""

    ts: np.ndarray
    value: np.ndarray
    quality: np.ndarray

    @classmethod
    def empty(cls) -> Series:
        return cls(np.empty(0, np.int64), np.empty(0, np.float64), np.empty(0, np.uint8))

    @classmethod
    def join(cls, parts: Iterable[Series]) -> Series:
        """Concatenate parts and put them in time order (parts may overlap after late data)."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        ts = np.concatenate([p.ts for p in parts])
        value = np.concatenate([p.value for p in parts])
        quality = np.concatenate([p.quality for p in parts])
        if (np.diff(ts) < 0).any():
            order = np.argsort(ts, kind="stable")
            ts, value, quality = ts[order], value[order], quality[order]
        return cls(ts, value, quality)

    def __len__(self) -> int:
        return len(self.ts)

    def between(self, start: int, end: int) -> Series:
        """The samples with start <= ts < end (the series is in time order)."""
        lo = int(np.searchsorted(self.ts, start, side="left"))
        hi = int(np.searchsorted(self.ts, end, side="left"))
        if lo == 0 and hi == len(self):
            return self
        return Series(self.ts[lo:hi], self.value[lo:hi], self.quality[lo:hi])

    def tuples(self) -> list[tuple[int, float, Quality]]:
        """As ``(ts, value, Quality)`` tuples, the shape of the public raw query."""
        if len(self) and (self.quality == self.quality[0]).all():  # the usual case: one quality
            quals: Iterable[Quality] = itertools.repeat(QUALITIES[int(self.quality[0])], len(self))
        else:
            quals = [QUALITIES[q] for q in self.quality.tolist()]
        with no_gc_pauses():
            return list(zip(self.ts.tolist(), self.value.tolist(), quals))  # noqa: B905 (equal lengths)
