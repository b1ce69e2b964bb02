"""Fault recording: every point of a faulted device at full poll resolution, from before the alarm.

The historian keeps a point only when it moves past its deadband; when a breaker trips, the
seconds before it matter sample by sample.  So a `FaultRecorder` sees every sample batch
(`feed`, on the acquisition loop) and keeps the last ``pre`` minutes of every point in a
preallocated ring (bounded memory: ``capacity`` samples per point, 17 bytes each).  When an
alarm of a recording level is raised, `trigger` starts a record of the points the integrator
names (the alarm's device and its upstream incomer): the ring's pre-window is taken at once, the
next ``post`` minutes are collected as they are fed, and `write_pending` (on a worker thread,
never on the loop) stores both in the database, bypassing the historian's deadband.  A second
trigger on the same device while its record is open, or within ``pre`` minutes of its end,
extends that record instead of making another.

    recorder = FaultRecorder(FaultStore(url), FaultConfig(levels=frozenset({1, 2})))
    recorder.open()                                              # worker thread
    recorder.feed(samples)                                       # loop: every batch, before the engine
    recorder.trigger(event.alarm, points_of(device) + points_of(incomer))   # loop: on Change.RAISED
    await loop.run_in_executor(worker, recorder.write_pending)   # every few seconds, when has_pending

Threads: `feed`, `trigger` and `tick` on one thread (the loop); `write_pending`, `records`,
`record` on workers.  A failed write keeps everything for the next `write_pending`.
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from app.historian.block import Series
from app.model import Sample

from .fault_store import FaultRecordHeader, FaultStore, RecordWrite
from .journal_db import BadJournalQuery, JournalUnavailable
from .model import Alarm, Level

log = logging.getLogger(__name__)

__all__ = ["FaultConfig", "FaultRecordHeader", "FaultRecorder", "FaultStore", "PointRing"]


@dataclass(frozen=True, slots=True)
class FaultConfig:
    """What triggers a record and how long it is (the integrator fills it from the site's alarm settings).

    ``rate_hz``: the fastest poll rate expected; the ring holds ``pre`` minutes at that rate
    (a point polled faster keeps a shorter stretch).  ``grace_s``: how long after a record's
    end it waits for late samples before closing it when no newer data arrives.
    """

    levels: frozenset[int] = frozenset({int(Level.CRITICAL), int(Level.MAJOR)})
    pre_minutes: float = 5.0
    post_minutes: float = 2.0
    rate_hz: float = 1.0
    grace_s: float = 10.0

    def __post_init__(self) -> None:
        if not self.pre_minutes >= 0 or not self.post_minutes >= 0:
            raise BadJournalQuery("fault recording: pre and post minutes must be >= 0")
        if not 0 < self.rate_hz <= 1000:
            raise BadJournalQuery(f"fault recording: rate_hz must be within (0, 1000], not {self.rate_hz!r}")
        bad = [lv for lv in self.levels if lv not in {int(v) for v in Level}]
        if bad:
            raise BadJournalQuery(f"fault recording: {bad[0]!r} is not an alarm level (1..4)")

    @property
    def pre_ms(self) -> int:
        return int(self.pre_minutes * 60_000)

    @property
    def post_ms(self) -> int:
        return int(self.post_minutes * 60_000)

    @property
    def capacity(self) -> int:
        """Samples kept per point: the pre-window at ``rate_hz``, plus 5 % for poll jitter."""
        return max(2, math.ceil(self.pre_minutes * 60 * self.rate_hz * 1.05) + 2)


class PointRing:
    """The last ``capacity`` samples of every point, in preallocated numpy rows (one row per point).

    Adding a batch is a handful of vectorised numpy operations whatever its size, so the cost per
    sample is dominated by looking the point's row up in a dict.
    """

    def __init__(self, capacity: int, points: Iterable[str] = ()) -> None:
        self.capacity = int(capacity)
        self.index: dict[str, int] = {}
        self.names: list[str] = []
        self._alloc(16)
        self.add_points(points)

    def _alloc(self, rows: int) -> None:
        old = getattr(self, "ts", None)
        ts = np.zeros((rows, self.capacity), np.int64)
        value = np.zeros((rows, self.capacity), np.float64)
        quality = np.zeros((rows, self.capacity), np.uint8)
        head = np.zeros(rows, np.int64)  # where the next sample goes
        count = np.zeros(rows, np.int64)  # how many are held (<= capacity)
        if old is not None:
            n = len(self.names)
            ts[:n], value[:n], quality[:n] = self.ts[:n], self.value[:n], self.quality[:n]
            head[:n], count[:n] = self.head[:n], self.count[:n]
        self.ts, self.value, self.quality, self.head, self.count = ts, value, quality, head, count

    def add_points(self, points: Iterable[str]) -> None:
        new = [p for p in dict.fromkeys(points) if p not in self.index]
        if not new:
            return
        need = len(self.names) + len(new)
        if need > len(self.head):
            self._alloc(max(need, 2 * len(self.head)))
        for p in new:
            self.index[p] = len(self.names)
            self.names.append(p)

    @property
    def nbytes(self) -> int:
        """Memory held by the ring's arrays."""
        return sum(a.nbytes for a in (self.ts, self.value, self.quality, self.head, self.count))

    def add(self, rows: np.ndarray, ts: np.ndarray, value: np.ndarray, quality: np.ndarray) -> None:
        """Append samples (``rows[i]`` is sample i's point row), oldest of each point first."""
        n = len(rows)
        if not n:
            return
        cap = self.capacity
        srt = np.sort(rows)
        if n == 1 or not (srt[1:] == srt[:-1]).any():  # the usual batch: each point at most once
            pos = self.head[rows]
            self.ts[rows, pos] = ts
            self.value[rows, pos] = value
            self.quality[rows, pos] = quality
            self.head[rows] = (pos + 1) % cap
            self.count[rows] = np.minimum(self.count[rows] + 1, cap)
            return
        order = np.argsort(rows, kind="stable")
        r = rows[order]
        first = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
        counts = np.diff(np.r_[first, n])
        rank = np.arange(n) - np.repeat(first, counts)
        rank -= np.repeat(np.maximum(counts - cap, 0), counts)  # more than a ring's worth: keep the newest
        keep = rank >= 0
        order, r, rank = order[keep], r[keep], rank[keep]
        pos = (self.head[r] + rank) % cap
        self.ts[r, pos] = ts[order]
        self.value[r, pos] = value[order]
        self.quality[r, pos] = quality[order]
        u = r[np.r_[True, r[1:] != r[:-1]]]
        added = np.minimum(counts, cap)
        self.head[u] = (self.head[u] + added) % cap
        self.count[u] = np.minimum(self.count[u] + added, cap)

    def window(self, point: str, start: int) -> Series:
        """The point's held samples with ts >= start, in time order (a copy)."""
        row = self.index.get(point)
        if row is None:
            return Series.empty()
        n = int(self.count[row])
        h = int(self.head[row])
        idx = (np.arange(h - n, h)) % self.capacity
        ts = self.ts[row, idx]
        keep = ts >= start
        s = Series(ts[keep], self.value[row, idx][keep], self.quality[row, idx][keep])
        if len(s) > 1 and (np.diff(s.ts) < 0).any():  # late samples: put them in order
            o = np.argsort(s.ts, kind="stable")
            s = Series(s.ts[o], s.value[o], s.quality[o])
        return s


@dataclass
class _Record:
    """A record being made (loop thread) and what of it waits to be stored (under the lock)."""

    key: int
    device: str
    alarm_id: int
    alarm_key: str
    started: int
    trigger_ts: int
    ends: int
    points: list[str]
    mask: np.ndarray  # bool per ring row: the record's points
    complete: bool = False
    db_id: int | None = None
    dirty: bool = True  # the header changed since it was stored
    triggers: list[tuple[int, str, int]] = field(default_factory=list)  # not yet stored
    alarm_ids: set[int] = field(default_factory=set)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)  # rows...


class FaultRecorder:
    """Ring buffer of every point plus the records being made; see the module docstring.

    ``store``: where records go (None: the ring and the records are kept, `write_pending` does
    nothing; for measuring).  ``points``: points known in advance (others are added as they come).
    ``clock``: wall clock in seconds, to close records when no newer data arrives.
    """

    def __init__(
        self,
        store: FaultStore | None,
        config: FaultConfig | None = None,
        *,
        points: Iterable[str] = (),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config or FaultConfig()
        self.store = store
        self.ring = PointRing(self.config.capacity, points)
        self._clock = clock
        self._capturing = np.zeros(0, bool)
        self._open: dict[str, _Record] = {}  # by device
        self._closed: dict[str, _Record] = {}  # recently closed, by device: a new trigger may reopen them
        self._waiting: dict[int, _Record] = {}  # records with something to store, by key
        self._keys = itertools.count(1)
        self._lock = threading.Lock()
        self.refused = 0  # malformed samples ignored

    # -- life cycle (worker thread) -------------------------------------------------------------

    def open(self) -> None:
        if self.store is not None:
            self.store.open()

    def close(self) -> None:
        """Close open records with what they hold, store what waits, release the database."""
        for device in list(self._open):
            self._close(device)
        if self.store is not None:
            try:
                self.write_pending()
            except JournalUnavailable as exc:
                log.error("fault records not stored at close: %s", exc)
            self.store.close()

    # -- the loop's side ------------------------------------------------------------------------

    def feed(self, samples: Sequence[Sample]) -> None:
        """Take one batch of samples into the ring (and into open records); cheap, never blocks."""
        if not samples:
            return
        index = self.ring.index
        try:
            names, ts_t, value_t, quality_t = zip(*samples, strict=True)
            rows_l = list(map(index.get, names))
            if None in rows_l:
                self.ring.add_points(n for n in names if n not in index and isinstance(n, str))
                rows_l = list(map(index.get, names))
            rows = np.array(rows_l, np.int64)
            ts = np.array(ts_t, np.int64)
            value = np.array(value_t, np.float64)
            quality = np.array(quality_t, np.uint8)
        except (TypeError, ValueError, OverflowError):
            self._feed_carefully(samples)
            return
        self._take(rows, ts, value, quality)

    def _feed_carefully(self, samples: Sequence[Sample]) -> None:
        good = []
        for s in samples:
            try:
                point, ts, value, quality = s
                if not isinstance(point, str) or not 0 <= int(quality) <= 3:
                    raise ValueError(point)
                good.append((point, int(ts), float(value), int(quality)))
            except (TypeError, ValueError, OverflowError):
                self.refused += 1
        if good:
            self.ring.add_points(g[0] for g in good)
            rows = np.array([self.ring.index[g[0]] for g in good], np.int64)
            cols = list(zip(*good, strict=True))
            self._take(rows, np.array(cols[1], np.int64), np.array(cols[2], np.float64),
                       np.array(cols[3], np.uint8))

    def _take(self, rows: np.ndarray, ts: np.ndarray, value: np.ndarray, quality: np.ndarray) -> None:
        self.ring.add(rows, ts, value, quality)
        if not self._open:
            return
        if len(self._capturing) < len(self.ring.names):
            self._refresh_capture()
        hit = self._capturing[rows]
        if hit.any():
            with self._lock:
                for rec in self._open.values():
                    sel = rec.mask[rows] & (ts <= rec.ends)
                    if sel.any():
                        rec.parts.append((rows[sel], ts[sel], value[sel], quality[sel]))
                        self._waiting[rec.key] = rec
        newest = int(ts.max())
        self.tick(newest_ts=newest)

    def tick(self, now_ms: int | None = None, newest_ts: int | None = None) -> None:
        """Close records whose post-window has passed (by the newest sample, or the clock plus grace)."""
        if not self._open and not self._closed:
            return
        now = int(self._clock() * 1000) if now_ms is None else int(now_ms)
        grace = int(self.config.grace_s * 1000)
        for device, rec in list(self._open.items()):
            if (newest_ts is not None and newest_ts > rec.ends) or now > rec.ends + grace:
                self._close(device)
        for device, rec in list(self._closed.items()):
            if now > rec.ends + self.config.pre_ms + grace:
                del self._closed[device]

    def trigger(self, alarm: Alarm, points: Iterable[str], ts: int | None = None) -> bool:
        """Start (or extend) the record of ``alarm``'s device with ``points``; False if its level does not record.

        ``ts``: the moment of the fault (default: the alarm's ``raised_at``).  Call `feed` with
        the batch that raised the alarm before this, so the pre-window includes it.
        """
        if int(alarm.level) not in self.config.levels:
            return False
        at = int(alarm.raised_at if ts is None else ts)
        device = alarm.device or alarm.point
        wanted = list(dict.fromkeys([*points, alarm.point]))
        self.ring.add_points(wanted)
        cfg = self.config
        with self._lock:
            rec = self._open.get(device)
            reopened = False
            if rec is None and device in self._closed and at - cfg.pre_ms <= self._closed[device].ends:
                rec = self._closed.pop(device)  # within the pre-window of its end: one record, continued
                reopened = True
            if rec is None:
                rec = _Record(next(self._keys), device, int(alarm.id), alarm.key, at - cfg.pre_ms, at,
                              at + cfg.post_ms, [], np.zeros(len(self.ring.names), bool))
                self._open[device] = rec
                new_points = wanted
            else:
                new_points = [p for p in wanted if p not in rec.points]
                gap_from = rec.ends + 1
                rec.ends = max(rec.ends, at + cfg.post_ms)
                rec.complete = False
                rec.dirty = True
                self._open[device] = rec
                if reopened:  # the points it had: what the ring holds since its old end
                    for p in rec.points:
                        self._snapshot(rec, p, gap_from)
            rec.mask = _grown(rec.mask, len(self.ring.names))
            for p in new_points:
                rec.points.append(p)
                rec.mask[self.ring.index[p]] = True
                self._snapshot(rec, p, max(rec.started, at - cfg.pre_ms))
            if int(alarm.id) not in rec.alarm_ids:
                rec.alarm_ids.add(int(alarm.id))
                rec.triggers.append((int(alarm.id), alarm.key, at))
            rec.dirty = True
            self._waiting[rec.key] = rec
            # A trigger only adds capture: OR its mask in (a full recount per trigger made a flood
            # of 1,000 alarms quadratic; closing a record recounts).
            capturing = _grown(self._capturing, len(self.ring.names))
            capturing |= rec.mask
            self._capturing = capturing
        return True

    def _snapshot(self, rec: _Record, point: str, start: int) -> None:
        s = self.ring.window(point, start)
        if len(s):
            rows = np.full(len(s), self.ring.index[point], np.int64)
            rec.parts.append((rows, s.ts, s.value, s.quality))

    def _close(self, device: str) -> None:
        with self._lock:
            rec = self._open.pop(device)
            rec.complete = True
            rec.dirty = True
            self._waiting[rec.key] = rec
            self._closed[device] = rec
        self._refresh_capture()

    def _refresh_capture(self) -> None:
        capturing = np.zeros(len(self.ring.names), bool)
        for rec in self._open.values():
            rec.mask = _grown(rec.mask, len(capturing))
            capturing |= rec.mask
        self._capturing = capturing

    @property
    def open_records(self) -> int:
        """Records still collecting their post-window."""
        return len(self._open)

    @property
    def has_pending(self) -> bool:
        """Whether `write_pending` has something to store."""
        with self._lock:
            return bool(self._waiting)

    # -- the worker's side ----------------------------------------------------------------------

    def write_pending(self, limit: int | None = None) -> int:
        """Store what waits (headers, triggers, samples) in one transaction; returns samples stored.

        ``limit``: at most this many records (the oldest waiting) in this call, so that a flood's
        hundreds of records can be stored in slices with breaks for other threads between them.
        `JournalUnavailable` in words when the database cannot be written; everything is kept
        and stored by the next call.
        """
        if self.store is None:
            with self._lock:
                for rec in self._waiting.values():
                    rec.parts.clear()
                    rec.triggers.clear()
                self._waiting.clear()
            return 0
        with self._lock:
            keys = list(self._waiting)[:limit] if limit is not None else list(self._waiting)
            chosen = [self._waiting.pop(k) for k in keys]
            taken = [(rec, rec.parts, rec.triggers, rec.dirty) for rec in chosen]
            for rec in chosen:
                rec.parts, rec.triggers, rec.dirty = [], [], False
            writes = []
            for rec, parts, triggers, dirty in taken:
                header = {
                    "alarm_id": rec.alarm_id, "alarm_key": rec.alarm_key, "device": rec.device,
                    "started": rec.started, "trigger_ts": rec.trigger_ts, "ends": rec.ends,
                    "points": list(rec.points), "complete": rec.complete,
                } if dirty or rec.db_id is None else None
                writes.append(RecordWrite(rec.key, rec.db_id, header, list(triggers), self._segments(parts)))
        if not writes:
            return 0
        try:
            ids = self.store.write(writes)
        except JournalUnavailable:
            with self._lock:  # keep everything, older parts first
                for rec, parts, triggers, dirty in taken:
                    rec.parts[:0] = parts
                    rec.triggers[:0] = triggers
                    rec.dirty = rec.dirty or dirty
                    self._waiting[rec.key] = rec
            raise
        with self._lock:
            for rec, *_ in taken:
                rec.db_id = ids.get(rec.key, rec.db_id)
        return sum(len(s) for w in writes for _, s in w.segments)

    def _segments(self, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]) -> list[tuple[str, Series]]:
        if not parts:
            return []
        rows = np.concatenate([p[0] for p in parts])
        ts = np.concatenate([p[1] for p in parts])
        value = np.concatenate([p[2] for p in parts])
        quality = np.concatenate([p[3] for p in parts])
        order = np.lexsort((ts, rows))
        rows, ts, value, quality = rows[order], ts[order], value[order], quality[order]
        bounds = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1], True])
        names = self.ring.names
        return [(names[int(rows[a])], Series(ts[a:b], value[a:b], quality[a:b]))
                for a, b in itertools.pairwise(bounds)]

    def records(self, alarm_id: int | None = None, since: int | None = None, device: str | None = None,
                limit: int = 200) -> list[FaultRecordHeader]:
        """Stored record headers, newest first (see `FaultStore.records`)."""
        return self._stored().records(alarm_id, since, device, limit)

    def record(self, record_id: int, points: Sequence[str] | None = None) -> dict[str, list[Sample]]:
        """A stored record's samples per point, oldest first (see `FaultStore.record`)."""
        return self._stored().record(record_id, points)

    def _stored(self) -> FaultStore:
        if self.store is None:
            raise BadJournalQuery("this fault recorder stores nothing (it was made without a store)")
        return self.store


def _grown(mask: np.ndarray, n: int) -> np.ndarray:
    """``mask`` extended with False to ``n`` rows (points added to the ring since it was made)."""
    return mask if len(mask) >= n else np.concatenate([mask, np.zeros(n - len(mask), bool)])
