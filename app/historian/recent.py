"""What the writer has committed but not yet compacted, published to the query threads.

Samples reach the database in two steps: first as a batch (one row per commit, every second),
then, at compaction, as per-point chunks and rollups, while their batches are deleted.  Queries
read chunks from the database and the not-yet-compacted samples from here (decoding mixed
batches for every query would be wasteful).  A compaction changes both places at once, so a
query must not combine the database after it with memory before it (or the reverse): the
writer marks the change with a sequence number (odd while it lasts, a seqlock), and a query
that saw the number move retries once under the writer's lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import numpy as np

from app.model import Quality, Sample

from .block import QUALITIES, Block

T = TypeVar("T")


class Recent:
    """Committed, uncompacted blocks (sorted by point, ts), keyed by their batch row id."""

    def __init__(self) -> None:
        self._blocks: tuple[tuple[int, Block], ...] = ()
        self._seq = 0
        self._lock = threading.Lock()

    def add(self, batch_id: int, block: Block) -> None:
        """Writer: a batch was committed."""
        self._blocks = (*self._blocks, (batch_id, block))

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Writer: the database and this memory are about to change together."""
        with self._lock:
            self._seq += 1
            try:
                yield
            finally:
                self._seq += 1

    def drop(self, batch_ids: set[int]) -> None:
        """Writer, inside `changing`: these batches are now chunks."""
        self._blocks = tuple(item for item in self._blocks if item[0] not in batch_ids)

    def items(self) -> tuple[tuple[int, Block], ...]:
        return self._blocks

    def count(self) -> int:
        return sum(len(block) for _, block in self._blocks)

    def read(self, reader: Callable[[tuple[Block, ...]], T]) -> T:
        """Query: run ``reader`` (which also reads the database) on a consistent view."""
        seq = self._seq
        if seq % 2 == 0:
            result = reader(tuple(block for _, block in self._blocks))
            if self._seq == seq:
                return result
        with self._lock:
            return reader(tuple(block for _, block in self._blocks))


class LatestValues:
    """The newest received sample of every point (read by queries, updated by the writer)."""

    def __init__(self) -> None:
        self._values: dict[int, tuple[int, float, int]] = {}

    def load(self, rows: dict[int, tuple[int, float, int]]) -> None:
        self._values = dict(rows)

    def update(self, block: Block) -> set[int]:
        """Take the newest sample of each point of a sorted block; returns the points changed."""
        if not len(block):
            return set()
        pids, bounds = block.runs()
        last = bounds[1:] - 1
        values = dict(self._values)
        changed: set[int] = set()
        for pid, ts, value, quality in zip(
            pids.tolist(), block.ts[last].tolist(), block.value[last].tolist(),
            block.quality[last].tolist(), strict=True,
        ):
            old = values.get(pid)
            if old is None or ts >= old[0]:
                values[pid] = (ts, value, quality)
                changed.add(pid)
        self._values = values  # one reference swap: readers see the old or the new dict
        return changed

    def get(self, pid: int) -> tuple[int, float, int] | None:
        return self._values.get(pid)

    def sample(self, name: str, pid: int) -> Sample | None:
        entry = self._values.get(pid)
        if entry is None:
            return None
        ts, value, quality = entry
        return Sample(name, ts, value, QUALITIES[quality] if quality < len(QUALITIES) else Quality.BAD_VALUE)

    def snapshot(self) -> dict[int, tuple[int, float, int]]:
        return self._values


def nan_to_none(value: float) -> float | None:
    """SQLite stores NaN as NULL: say so explicitly."""
    return None if np.isnan(value) else value
