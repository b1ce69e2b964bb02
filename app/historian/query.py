"""Reading the history: raw ranges, trends of at most N buckets, latest values, values as of T.

Every query combines the database (chunks and rollups) with the writer's committed but not yet
compacted samples (`Recent`), on one consistent view, so what was written a second ago is in
every answer.  Queries are synchronous and thread-safe: call them from worker threads (the
DataSource uses ``run_in_executor``; see `app.historian.aio`), never on the event loop.

A trend (`history`) is raw samples when the range holds at most ``max_points`` of them, else at
most ``max_points`` buckets read from the best rollup: the coarsest resolution not wider than
the bucket the range needs, whole rollup buckets merged into each output bucket — a year of one
point to 2 000 buckets reads 8 760 hourly rows instead of 31 million samples.  A range reaching
back past the raw retention is always answered from rollups (the raw samples there are gone);
buckets narrower than a minute are computed from the stored raw samples.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Connection, Engine

from app.model import Quality, Sample
from app.process import no_gc_pauses

from .block import QUALITIES, Block, Series
from .codec import CorruptData, decode_chunk
from .compactor import CHUNK_SPAN
from .errors import BadQuery, UnknownPoint
from .points import PointRegistry
from .policy import RESOLUTIONS, StoragePolicy
from .recent import LatestValues, Recent
from .rollup import Rollup, bucket_start
from .store import Sql

log = logging.getLogger(__name__)

DEFAULT_LOOKBACK_MS = 86_400_000
EXACT_COUNT_LIMIT = 200_000  # up to this many candidate samples, count exactly before choosing buckets

Bucket = tuple[int, float, float, float, float]


@dataclass(frozen=True)
class History:
    """A trend, as the API's ``/history`` returns it: raw samples, or buckets."""

    point: str
    unit: str
    raw: bool
    samples: list[tuple[int, float, Quality]] = field(default_factory=list)  # (ts, value, quality)
    buckets: list[Bucket] = field(default_factory=list)  # (ts, min, max, avg, last)
    bucket_ms: int = 0  # width of the buckets (0 for raw samples)
    #: The raw samples as arrays, when they were asked for that way (`Historian.histories` with
    #: ``rows=False``, for the API's columns): ``samples`` is then left empty.  Use `columns`.
    series: Series | None = field(default=None, repr=False, compare=False)

    def columns(self) -> Series:
        """The raw samples as arrays (timestamps, values, quality codes), however they were given."""
        if self.series is not None:
            return self.series
        if not self.samples:
            return Series.empty()
        ts, values, qualities = zip(*self.samples, strict=True)
        return Series(np.asarray(ts, dtype=np.int64), np.asarray(values, dtype=np.float64),
                      np.asarray(qualities, dtype=np.uint8))

    def as_dict(self) -> dict[str, object]:
        """The API's JSON shape (qualities as words)."""
        if self.raw:
            samples = [[ts, _json_number(v), q.word] for ts, v, q in self.samples]
            return {"id": self.point, "unit": self.unit, "raw": True, "samples": samples}
        return {"id": self.point, "unit": self.unit, "raw": False, "buckets": [list(b) for b in self.buckets]}


def _json_number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _check_range(start: int, end: int) -> None:
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise BadQuery(f"{name} must be whole milliseconds since the epoch, not {value!r}")
    if end <= start:
        raise BadQuery(f"the time range is empty: end ({end}) is not after start ({start})")


class Queries:
    """The read side of the historian."""

    def __init__(self, engine: Engine, sql: Sql, points: PointRegistry, recent: Recent,
                 latest: LatestValues, policy: StoragePolicy, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.engine = engine
        self.sql = sql
        self.points = points
        self.recent = recent
        self.latest_values = latest
        self.policy = policy

    def _pid(self, point: str) -> int:
        pid = self.points.id(point)
        if pid is None:
            raise UnknownPoint(point)
        return pid

    def _read(self, work: object) -> object:
        def reader(blocks: tuple[Block, ...]) -> object:
            with self.engine.connect() as conn, conn.begin():
                return work(conn, blocks)  # type: ignore[operator]

        return self.recent.read(reader)

    # -- raw ------------------------------------------------------------------------------------

    def series(self, point: str, start: int, end: int) -> Series:
        """The stored samples of a point with start <= ts < end, as arrays."""
        _check_range(start, end)
        pid = self._pid(point)

        def work(conn: Connection, blocks: tuple[Block, ...]) -> Series:
            rows = self.sql.chunks_between(conn, pid, start, end, CHUNK_SPAN)
            return self._join(pid, rows, _recent_series(blocks, pid), start, end)

        return self._read(work)  # type: ignore[return-value]

    def _join(self, pid: int, rows: Iterable, recent: Series, start: int, end: int) -> Series:
        """A point's stored chunks and its not yet compacted samples, cut to [start, end)."""
        parts = []
        for _t0, _t1, _n, data in rows:
            series = self._decode(pid, data)
            if series is not None:
                parts.append(series.between(start, end))
        parts.append(recent.between(start, end))
        return Series.join(parts)

    def _decode(self, pid: int, data: bytes) -> Series | None:
        try:
            return decode_chunk(data)
        except CorruptData as exc:
            log.error("point %s: %s; its samples are left out", self.points.names().get(pid, pid), exc)
            return None

    # -- trends ---------------------------------------------------------------------------------

    def history(self, point: str, start: int, end: int, max_points: int) -> History:
        _check_range(start, end)
        _check_max_points(max_points)
        return self._histories([(point, self._pid(point))], start, end, max_points)[0]

    def histories(self, points: Iterable[str], start: int, end: int, max_points: int,
                  rows: bool = True) -> list[History]:
        """`history` of many points over one range, in the order asked (each point once).

        A console's backfill after an outage asks for every point of the site at once; one
        query per point spent ~2.7 ms each in statements and per-call overhead (13.5 s for
        5,000 points).  Here the chunk index and the chunks are read for up to 500 points per
        statement and the not yet compacted samples are cut per point in one pass.  A point
        the historian does not know is left out.  With ``rows=False`` raw trends carry their
        samples as arrays (`History.series`) instead of tuples, for an answer sent as columns.
        """
        _check_range(start, end)
        _check_max_points(max_points)
        ids = self.points.ids()
        wanted = dict.fromkeys([points] if isinstance(points, str) else points)
        return self._histories([(n, ids[n]) for n in wanted if n in ids], start, end, max_points, rows)

    def _histories(self, wanted: list[tuple[str, int]], start: int, end: int, max_points: int,
                   rows: bool = True) -> list[History]:
        units = {pid: (info.unit if (info := self.points.info(pid)) else "") for _n, pid in wanted}
        keep_raw = self.policy.keep_ms("raw")
        if keep_raw is not None and start < self.clock() * 1000 - keep_raw:
            # Raw samples of this range were (partly) purged: only the rollups still cover it all.
            return self._read(lambda conn, blocks: [  # type: ignore[return-value]
                self._from_rollups(conn, blocks, name, units[pid], pid, start, end, max_points)
                for name, pid in wanted])
        from_raw = math.ceil((end - start) / max_points) < RESOLUTIONS[0][2]  # buckets finer than any rollup

        def work(conn: Connection, blocks: tuple[Block, ...]) -> list[History]:
            pids = [pid for _n, pid in wanted]
            names = {pid: name for name, pid in wanted}
            stored = self.sql.chunk_counts_many(conn, pids, start, end, CHUNK_SPAN)
            recent = _recent_many(blocks, pids, start, end)
            estimate = {pid: stored.get(pid, 0) + len(recent[pid]) for pid in pids}
            out: dict[int, History] = {}
            # Millions of sample tuples: with the collector on, its passes over them cost 3/4 of the call.
            with no_gc_pauses():
                for group in _groups([pid for pid in pids if estimate[pid] <= EXACT_COUNT_LIMIT], estimate):
                    chunks = self.sql.chunks_between_many(conn, group, start, end, CHUNK_SPAN)
                    for pid in group:
                        series = self._join(pid, chunks[pid], recent[pid], start, end)
                        name = names[pid]
                        if len(series) <= max_points:
                            out[pid] = (History(name, units[pid], raw=True, samples=series.tuples()) if rows
                                        else History(name, units[pid], raw=True, series=series))
                        elif from_raw:
                            out[pid] = self._from_raw(name, units[pid], pid, series, start, end, max_points)
            histories = []
            for name, pid in wanted:
                if pid in out:
                    histories.append(out[pid])
                elif from_raw:  # more samples than an exact count is worth: still finer than any rollup
                    series = self._join(pid, self.sql.chunks_between(conn, pid, start, end, CHUNK_SPAN),
                                        recent[pid], start, end)
                    histories.append(self._from_raw(name, units[pid], pid, series, start, end, max_points))
                else:
                    histories.append(self._from_rollups(conn, blocks, name, units[pid], pid, start, end, max_points))
            return histories

        return self._read(work)  # type: ignore[return-value]

    def _from_raw(self, point: str, unit: str, pid: int, series: Series, start: int, end: int,
                  max_points: int) -> History:
        width = math.ceil((end - start) / max_points)
        block = Block.of(pid, series.ts, series.value, series.quality)
        roll = Rollup.of_block(block, width, (-start) % width)
        return History(point, unit, raw=False, buckets=_buckets(roll), bucket_ms=width)

    def _from_rollups(self, conn: Connection, blocks: tuple[Block, ...], point: str, unit: str, pid: int,
                      start: int, end: int, max_points: int) -> History:
        need = math.ceil((end - start) / max_points)
        res, width = next(((r, w) for r, _name, w in reversed(RESOLUTIONS) if w <= need), RESOLUTIONS[0][::2])
        offset = self.policy.offset_ms(width)
        first = int(bucket_start(start, width, offset))
        last = -int(bucket_start(-end, width, -offset))  # end rounded up to the grid
        out_width = width * math.ceil((last - first) / (width * max_points))
        stored = Rollup.from_rows(self.sql.rollups(conn, res, pid, first, end))
        recent = _recent_series(blocks, pid).between(first, last)
        fresh = Rollup.of_block(Block.of(pid, recent.ts, recent.value, recent.quality), width, offset)
        merged = Rollup.concat([stored, fresh]).regroup(out_width, (-first) % out_width)
        return History(point, unit, raw=False, buckets=_buckets(merged), bucket_ms=out_width)

    def best_resolution(self, start: int, end: int, max_points: int) -> str | None:
        """Which rollup a bucketed trend of this range would read (None: raw samples)."""
        need = math.ceil((end - start) / max_points)
        return next((name for _r, name, w in reversed(RESOLUTIONS) if w <= need), None)

    # -- current and past values ------------------------------------------------------------------

    def latest(self, points: Iterable[str] | None = None) -> dict[str, Sample]:
        ids = self.points.ids()
        names = ids.keys() if points is None else [points] if isinstance(points, str) else points
        out: dict[str, Sample] = {}
        for name in names:
            pid = ids.get(name)
            if pid is not None:
                sample = self.latest_values.sample(name, pid)
                if sample is not None:
                    out[name] = sample
        return out

    def as_of_many(self, points: Iterable[str], ts: int, lookback_ms: int = DEFAULT_LOOKBACK_MS) -> dict[str, Sample]:
        """For each point, its last stored sample at or before ``ts`` and not before ``ts - lookback_ms``."""
        _check_range(ts - max(int(lookback_ms), 0), ts + 1)
        if isinstance(points, str):
            points = [points]
        ids = self.points.ids()
        wanted = [(name, ids[name]) for name in dict.fromkeys(points) if name in ids]
        since = ts - lookback_ms

        def work(conn: Connection, blocks: tuple[Block, ...]) -> dict[str, Sample]:
            out: dict[str, Sample] = {}
            stored = self.sql.chunks_before_many(conn, [pid for _, pid in wanted], ts, since, CHUNK_SPAN)
            for name, pid in wanted:
                best = _last_at_or_before(_recent_series(blocks, pid), ts)
                for _t0, t1, data in stored[pid]:
                    if best is not None and best[0] >= t1:
                        break  # chunks come by decreasing end: none of the rest can be later
                    series = self._decode(pid, data)
                    found = None if series is None else _last_at_or_before(series, ts)
                    if found is not None and (best is None or found[0] > best[0]):
                        best = found
                if best is not None and best[0] >= since:
                    out[name] = Sample(name, best[0], best[1], QUALITIES[best[2]])
            return out

        return self._read(work)  # type: ignore[return-value]


def _check_max_points(max_points: int) -> None:
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 1:
        raise BadQuery(f"max_points must be a whole number >= 1, not {max_points!r}")


#: A many-point read holds at most about this many samples' chunks at once (or 500 points).
GROUP_SAMPLES = 1_000_000


def _groups(pids: list[int], estimate: dict[int, int]) -> Iterable[list[int]]:
    """``pids`` in runs of at most 500 (a driver's bound-parameter limit is far above) whose
    estimated samples stay near `GROUP_SAMPLES`, so a wide range never loads every chunk at once."""
    group: list[int] = []
    held = 0
    for pid in pids:
        if group and (len(group) == 500 or held + estimate[pid] > GROUP_SAMPLES):
            yield group
            group, held = [], 0
        group.append(pid)
        held += estimate[pid]
    if group:
        yield group


def _recent_many(blocks: tuple[Block, ...], pids: list[int], start: int, end: int) -> dict[int, Series]:
    """`_recent_series` of many points, cut to [start, end): one vectorised search per block."""
    parts: dict[int, list[Series]] = {pid: [] for pid in pids}
    wanted = np.asarray(pids, dtype=np.int64)
    for block in blocks:
        if not len(block):
            continue
        los = np.searchsorted(block.pid, wanted, side="left").tolist()
        his = np.searchsorted(block.pid, wanted, side="right").tolist()
        for pid, lo, hi in zip(pids, los, his, strict=True):
            if hi > lo:
                parts[pid].append(Series(block.ts[lo:hi], block.value[lo:hi], block.quality[lo:hi]))
    return {pid: Series.join(p).between(start, end) for pid, p in parts.items()}


def _recent_series(blocks: tuple[Block, ...], pid: int) -> Series:
    parts = []
    for block in blocks:
        cut = block.point_slice(pid)
        if cut.stop > cut.start:
            parts.append(Series(block.ts[cut], block.value[cut], block.quality[cut]))
    return Series.join(parts)


def _last_at_or_before(series: Series, ts: int) -> tuple[int, float, int] | None:
    i = int(np.searchsorted(series.ts, ts, side="right")) - 1
    if i < 0:
        return None
    return int(series.ts[i]), float(series.value[i]), int(series.quality[i])


def _buckets(roll: Rollup) -> list[Bucket]:
    return list(zip(roll.ts.tolist(), roll.min.tolist(), roll.max.tolist(), roll.avg.tolist(),
                    roll.last.tolist(), strict=True))
