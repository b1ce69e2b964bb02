"""Turning batches into the long-term form: per-point chunks and rollups, then merging and purging.

Runs only in the writer thread, inside transactions the writer opens.  One compaction takes all
committed batches (decoded, sorted by point and time), and in the same transaction

1. folds every good sample into the four rollup resolutions (before the deadband: a peak that
   the deadband drops still shows in a report), merging into rows already stored;
2. applies each point's storage rule and writes what is kept as fresh chunks (level 0);
3. saves each point's newest value and deadband reference, and deletes the batches —

so a crash at any moment leaves either the batches or their chunks and rollups, never both or
neither.  Fresh chunks of a point are later merged into long-term chunks of about
`CHUNK_TARGET` samples (better compression, fewer rows); no chunk spans more than `CHUNK_SPAN`,
which lets queries find the chunks of a time range from an index on their start.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection

from .block import Block, Series
from .codec import CorruptData, decode_chunk, encode_chunk
from .deadband import Stored, keep_mask, last_stored
from .points import PointRegistry
from .policy import DAY_MS, RESOLUTIONS, StoragePolicy
from .recent import LatestValues, nan_to_none
from .rollup import Rollup
from .store import Sql

log = logging.getLogger(__name__)

CHUNK_TARGET = 8192  # samples in a long-term chunk
CHUNK_SPAN = DAY_MS  # no chunk covers more time than this
FRESH_LEVEL, MERGED_LEVEL = 0, 1
MERGE_BUDGET = 400_000  # samples merged per transaction, so one never runs for long


def pieces(ts: np.ndarray, target: int = CHUNK_TARGET, span: int = CHUNK_SPAN) -> list[slice]:
    """Cut a time-ordered series into runs of at most ``target`` samples and ``span`` ms."""
    out: list[slice] = []
    i, n = 0, len(ts)
    while i < n:
        j = min(i + target, int(np.searchsorted(ts, ts[i] + span, side="left")))
        j = max(j, i + 1)
        out.append(slice(i, j))
        i = j
    return out


@dataclass
class _Fresh:
    n: int
    t0: int


class Compactor:
    """The writer's long-term storage steps and the state they carry between runs."""

    def __init__(self, sql: Sql, points: PointRegistry, policy: StoragePolicy) -> None:
        self.sql = sql
        self.points = points
        self.policy = policy
        self.stored: dict[int, Stored] = {}  # deadband reference per point
        self.rolled: dict[int, int] = {}  # newest timestamp folded into rollups per point
        self.fresh: dict[int, _Fresh] = {}

    def checkpoint(self) -> tuple[dict[int, Stored], dict[int, int], dict[int, _Fresh]]:
        """A copy of the state, to `restore` when the transaction that changed it fails."""
        return dict(self.stored), dict(self.rolled), {p: _Fresh(f.n, f.t0) for p, f in self.fresh.items()}

    def restore(self, state: tuple[dict[int, Stored], dict[int, int], dict[int, _Fresh]]) -> None:
        self.stored, self.rolled, self.fresh = state

    def load(self, conn: Connection) -> dict[int, tuple[int, float, int]]:
        """Read the state of the last compaction; returns the stored latest values."""
        latest: dict[int, tuple[int, float, int]] = {}
        for pid, ts, value, quality, s_ts, s_value, s_quality in self.sql.latest(conn):
            latest[int(pid)] = (int(ts), float("nan") if value is None else float(value), int(quality))
            self.rolled[int(pid)] = int(ts)
            if s_ts is not None:
                s_val = float("nan") if s_value is None else float(s_value)
                self.stored[int(pid)] = Stored(int(s_ts), s_val, int(s_quality))
        self.fresh.clear()
        for _, pid, t0, _t1, n in self.sql.fresh_chunks(conn):
            entry = self.fresh.setdefault(int(pid), _Fresh(0, int(t0)))
            entry.n += int(n)
            entry.t0 = min(entry.t0, int(t0))
        return latest

    # -- compaction -----------------------------------------------------------------------------

    def compact(self, conn: Connection, block: Block, latest: LatestValues) -> None:
        """Store a sorted block of committed samples as rollups and fresh chunks (one transaction)."""
        if not len(block):
            return
        self._rollups(conn, block)
        pids, bounds = block.runs()
        rows: list[dict[str, object]] = []
        latest_rows: list[dict[str, object]] = []
        for k, pid in enumerate(pids.tolist()):
            part = block.take(slice(int(bounds[k]), int(bounds[k + 1])))
            series = Series(part.ts, part.value, part.quality)
            info = self.points.info(pid)
            deadband = info.effective_deadband if info else 0.0
            interval = None if info is None or info.max_interval_s is None else int(info.max_interval_s * 1000)
            keep = keep_mask(series, deadband, interval, self.stored.get(pid))
            ref = last_stored(series, keep)
            if ref is not None:
                self.stored[pid] = ref
                kept = series if keep.all() else Series(series.ts[keep], series.value[keep], series.quality[keep])
                for cut in pieces(kept.ts):
                    piece = Series(kept.ts[cut], kept.value[cut], kept.quality[cut])
                    rows.append(self._chunk_row(pid, piece, FRESH_LEVEL, zlevel=1))
                entry = self.fresh.setdefault(pid, _Fresh(0, int(kept.ts[0])))
                entry.n += len(kept)
                entry.t0 = min(entry.t0, int(kept.ts[0]))
            newest = latest.get(pid)
            ref_now = self.stored.get(pid)
            if newest is not None:
                latest_rows.append(_latest_row(pid, newest, ref_now))
        self.sql.add_chunks(conn, rows)
        self.sql.save_latest(conn, latest_rows)

    def _rollups(self, conn: Connection, block: Block) -> None:
        # Samples not newer than what a point already folded in are late: they merge without
        # moving the bucket's first and last values.
        pids, bounds = block.runs()
        floor = np.iinfo(np.int64).min
        limit = np.repeat(np.array([self.rolled.get(p, floor) for p in pids.tolist()], np.int64), np.diff(bounds))
        late = block.ts <= limit
        parts = [(block.take(~late), True), (block.take(late), False)] if late.any() else [(block, True)]
        for part, in_order in parts:
            for res, _name, width in RESOLUTIONS:
                roll = Rollup.of_block(part, width, self.policy.offset_ms(width))
                self.sql.merge_rollups(conn, res, roll.rows(), in_order)
        newest = np.maximum.reduceat(block.ts, bounds[:-1])
        for pid, ts in zip(pids.tolist(), newest.tolist(), strict=True):
            self.rolled[pid] = max(self.rolled.get(pid, ts), ts)

    @staticmethod
    def _chunk_row(pid: int, series: Series, level: int, zlevel: int) -> dict[str, object]:
        return {
            "point_id": pid,
            "t0": int(series.ts[0]),
            "t1": int(series.ts[-1]),
            "n": len(series),
            "level": level,
            "data": encode_chunk(series, zlevel),
        }

    # -- merging fresh chunks ---------------------------------------------------------------------

    def merge_due(self, now_ms: int, everything: bool = False) -> list[int]:
        """Points whose fresh chunks are worth merging now (enough samples, or old enough)."""
        due = [
            pid
            for pid, entry in self.fresh.items()
            if everything or entry.n >= CHUNK_TARGET or now_ms - entry.t0 >= CHUNK_SPAN
        ]
        return sorted(due)

    def merge(self, conn: Connection, pids: Iterable[int], now_ms: int, everything: bool = False) -> int:
        """Merge the fresh chunks of these points into long-term chunks; returns samples merged.

        A tail shorter than a full chunk stays fresh (to be merged with what follows) unless it
        is old enough or ``everything`` is asked for.
        """
        total = 0
        by_point: dict[int, list[int]] = {}
        wanted = set(pids)
        for cid, pid, _t0, _t1, _n in self.sql.fresh_chunks(conn):
            if pid in wanted:
                by_point.setdefault(int(pid), []).append(int(cid))
        for pid, ids in by_point.items():
            series = []
            for _cid, data in self.sql.chunk_data(conn, ids):
                try:
                    series.append(decode_chunk(data))
                except CorruptData as exc:
                    log.error("point %s: a fresh chunk is damaged and is left out of the merge: %s",
                              self.points.names().get(pid, pid), exc)
            joined = Series.join(series)
            cuts = pieces(joined.ts)
            tail = cuts[-1] if cuts else None
            keep_fresh = (
                tail is not None and not everything and tail.stop - tail.start < CHUNK_TARGET
                and now_ms - int(joined.ts[tail.start]) < CHUNK_SPAN
            )
            rows = [
                self._chunk_row(pid, Series(joined.ts[cut], joined.value[cut], joined.quality[cut]),
                                FRESH_LEVEL if keep_fresh and cut is tail else MERGED_LEVEL,
                                1 if keep_fresh and cut is tail else 6)
                for cut in cuts
            ]
            self.sql.drop_chunks(conn, ids)
            self.sql.add_chunks(conn, rows)
            self.fresh.pop(pid, None)
            if keep_fresh and tail is not None:
                self.fresh[pid] = _Fresh(tail.stop - tail.start, int(joined.ts[tail.start]))
            total += len(joined)
            if total >= MERGE_BUDGET:
                break
        return total

    # -- bulk import ------------------------------------------------------------------------------

    def import_series(self, conn: Connection, pid: int, series: Series) -> None:
        """Store a point's history as given (no deadband) straight into long-term chunks and rollups."""
        if not len(series):
            return
        block = Block.of(pid, series.ts, series.value, series.quality)
        self._rollups(conn, block)
        rows = [
            self._chunk_row(pid, Series(series.ts[cut], series.value[cut], series.quality[cut]),
                            MERGED_LEVEL, zlevel=6)
            for cut in pieces(series.ts)
        ]
        self.sql.add_chunks(conn, rows)

    # -- retention --------------------------------------------------------------------------------

    def purge(self, conn: Connection, now_ms: int) -> dict[str, int]:
        """Delete what is older than each resolution's retention; returns rows deleted per resolution."""
        deleted: dict[str, int] = {}
        pids = sorted(self.points.names())
        keep = self.policy.keep_ms("raw")
        if keep is not None:
            deleted["raw"] = sum(self.sql.purge_chunks(conn, pid, now_ms - keep) for pid in pids)
        for res, name, width in RESOLUTIONS:
            keep = self.policy.keep_ms(name)
            if keep is not None:
                before = now_ms - keep - width  # whole buckets only
                deleted[name] = sum(self.sql.purge_rollups(conn, res, pid, before) for pid in pids)
        return deleted


def _latest_row(pid: int, newest: tuple[int, float, int], ref: Stored | None) -> dict[str, object]:
    ts, value, quality = newest
    return {
        "point_id": pid,
        "ts": ts,
        "value": nan_to_none(value),
        "quality": quality,
        "s_ts": None if ref is None else ref.ts,
        "s_value": None if ref is None else nan_to_none(ref.value),
        "s_quality": None if ref is None else ref.quality,
    }
