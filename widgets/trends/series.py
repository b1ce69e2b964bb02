"""What one pen holds: its history for the fetched range plus the live tail, as growing columns.

Kept Qt-free so the arithmetic (value at the cursor, min/max/avg of the visible range, merging
history with the live tail) is plain numpy.  Rows are in time order.  A history answer may be
buckets ``(ts, min, max, avg, last)``: a bucket row carries its average as the value and its
extremes in ``vmin``/``vmax``; a raw sample has all three equal.

Two parallel sets of arrays grow by doubling so that a live sample is one write, not a copy:
the *model* rows (for readouts) and the *draw* points (x in seconds for the time axis; a bucket
draws as two points, its minimum and maximum, so the envelope survives; values of samples that
are not good are moved to a second, grey dashed line and leave a gap in the pen's own line).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.historian import History
from app.model import Quality

GOOD = int(Quality.GOOD)
_MIN_CAPACITY = 1024
BLOCK = 1024  # rows per block of the statistics summary
_EMPTY = np.empty(0, np.float64)


class Columns:
    """Named numpy columns of equal length that grow by doubling (amortised O(1) appends)."""

    def __init__(self, dtypes: dict[str, type], capacity: int = _MIN_CAPACITY) -> None:
        self._dtypes = dtypes
        self._data = {name: np.empty(max(capacity, 1), dtype) for name, dtype in dtypes.items()}
        self.size = 0

    def _reserve(self, extra: int) -> None:
        need = self.size + extra
        capacity = len(next(iter(self._data.values())))
        if need <= capacity:
            return
        capacity = max(need, capacity * 2, _MIN_CAPACITY)
        for name, old in self._data.items():
            new = np.empty(capacity, self._dtypes[name])
            new[: self.size] = old[: self.size]
            self._data[name] = new

    def extend(self, **columns: np.ndarray) -> None:
        """Append equally long arrays, one per column."""
        n = len(next(iter(columns.values())))
        self._reserve(n)
        for name, values in columns.items():
            self._data[name][self.size : self.size + n] = values
        self.size += n

    def reset(self) -> None:
        """Forget every row (the storage is kept for reuse)."""
        self.size = 0

    def drop_front(self, count: int) -> None:
        """Forget the oldest ``count`` rows (bounds a live tail that runs for days)."""
        count = min(count, self.size)
        for arr in self._data.values():
            arr[: self.size - count] = arr[count : self.size]
        self.size -= count

    def __getitem__(self, name: str) -> np.ndarray:
        """A view of the filled part of a column (valid until the next append)."""
        return self._data[name][: self.size]

    def set_last(self, name: str, value: float) -> None:
        """Overwrite the newest row's value in one column."""
        self._data[name][self.size - 1] = value


@dataclass(frozen=True)
class Stats:
    """Min, max and average of a pen over a time range (good values only)."""

    min: float
    max: float
    avg: float
    count: int


@dataclass(frozen=True)
class Reading:
    """A pen's value at a moment: a raw sample (held until the next one) or a bucket's average."""

    ts: int  # ms UTC of the sample or the bucket's start
    value: float
    quality: Quality
    bucket_ms: int  # 0 for a raw sample


class PenSeries:
    """History rows + live tail of one point, and the draw arrays that follow them."""

    TAIL_LIMIT = 2_000_000  # live samples kept per pen; the oldest half is dropped beyond

    def __init__(self) -> None:
        model = {"ts": np.int64, "value": np.float64, "vmin": np.float64, "vmax": np.float64, "quality": np.uint8}
        self.rows = Columns(model)
        self.tail = Columns({"ts": np.int64, "value": np.float64, "quality": np.uint8})
        self.draw = Columns({"x": np.float64, "good": np.float64, "bad": np.float64})
        self.history_rows = 0  # the first rows that came from the last history answer
        self.bucket_ms = 0  # width of those rows when they are buckets
        self.fetched: tuple[int, int] | None = None  # the range the history answer covers
        self.bad_points = 0  # draw points on the grey line; none (the usual case) means nothing to hand it
        self.summary = BlockSummary()

    # -- filling -------------------------------------------------------------------------------

    def set_history(self, history: History, start: int, end: int) -> None:
        """Replace the history part; live samples newer than it stay after it."""
        self._reset()
        if history.raw:
            arr = np.array(history.samples, dtype=np.float64).reshape(-1, 3)
            ts = arr[:, 0].astype(np.int64)
            value = arr[:, 1]
            self._add_rows(ts, value, value, value, arr[:, 2].astype(np.uint8), 0)
            self.bucket_ms = 0
        else:
            arr = np.array(history.buckets, dtype=np.float64).reshape(-1, 5)
            ts = arr[:, 0].astype(np.int64)
            good = np.full(len(ts), GOOD, np.uint8)
            self._add_rows(ts, arr[:, 3], arr[:, 1], arr[:, 2], good, history.bucket_ms)
            self.bucket_ms = int(history.bucket_ms)
        self.history_rows = self.rows.size
        self.fetched = (start, end)
        tail_ts = self.tail["ts"]
        if self.rows.size:
            last = int(self.rows["ts"][-1])
            # Live samples the answer does not hold yet: after its last sample or past its last bucket.
            if self.bucket_ms:
                i = int(np.searchsorted(tail_ts, last + self.bucket_ms, side="left"))
            else:
                i = int(np.searchsorted(tail_ts, last, side="right"))
        else:
            i = int(np.searchsorted(tail_ts, start, side="left"))
        if i < len(tail_ts):
            t, v, q = tail_ts[i:], self.tail["value"][i:], self.tail["quality"][i:]
            self._add_rows(t.copy(), v.copy(), v.copy(), v.copy(), q.copy(), 0)

    def load_arrays(self, ts: np.ndarray, value: np.ndarray, quality: np.ndarray, start: int, end: int) -> None:
        """Replace everything with raw columns (replays, benchmarks): no history query behind it."""
        self._reset()
        self._add_rows(np.asarray(ts, np.int64), np.asarray(value, np.float64), np.asarray(value, np.float64),
                       np.asarray(value, np.float64), np.asarray(quality, np.uint8), 0)
        self.history_rows = self.rows.size
        self.bucket_ms = 0
        self.fetched = (start, end)

    def append(self, ts: int, value: float, quality: Quality) -> bool:
        """A live sample; False when it is not newer than what is held (then it is ignored)."""
        if self.tail.size and ts <= int(self.tail["ts"][-1]):
            return False
        if self.tail.size >= self.TAIL_LIMIT:
            self.tail.drop_front(self.TAIL_LIMIT // 2)
        self.tail.extend(ts=np.array([ts]), value=np.array([value]), quality=np.array([int(quality)]))
        if self.rows.size:
            last = int(self.rows["ts"][-1])
            if ts <= last or (self.rows.size == self.history_rows and ts < last + self.bucket_ms):
                return False  # the history already covers this moment
        v = np.array([value], np.float64)
        self._add_rows(np.array([ts], np.int64), v, v, v, np.array([int(quality)], np.uint8), 0)
        return True

    def _reset(self) -> None:
        self.rows.reset()
        self.draw.reset()
        self.bad_points = 0
        self.summary.clear()

    def _add_rows(self, ts: np.ndarray, value: np.ndarray, vmin: np.ndarray, vmax: np.ndarray,
                  quality: np.ndarray, bucket_ms: int) -> None:
        n = len(ts)
        if n == 0:
            return
        previous_good = self.draw.size == 0 or not np.isnan(self.draw["good"][-1])
        self.rows.extend(ts=ts, value=value, vmin=vmin, vmax=vmax, quality=quality)
        bad = quality != GOOD
        if bucket_ms:
            x = np.empty(2 * n)
            x[0::2] = (ts + bucket_ms * 0.25) / 1000.0
            x[1::2] = (ts + bucket_ms * 0.75) / 1000.0
            y = np.empty(2 * n)
            y[0::2] = vmin
            y[1::2] = vmax
            bad = np.repeat(bad, 2)
        else:
            x, y = ts / 1000.0, np.asarray(value, np.float64)
        good_y = np.where(bad, np.nan, y)
        # A dashed stretch starts at the last good value before it, so the eye follows the pen.
        bad_shown = bad | np.concatenate([bad[1:], [False]])
        bad_y = np.where(bad_shown, y, np.nan)
        if bad[0] and self.draw.size and previous_good:
            self.draw.set_last("bad", self.draw["good"][-1])
            self.bad_points += 1
        self.bad_points += int(np.count_nonzero(bad_shown))
        self.draw.extend(x=x, good=good_y, bad=bad_y)

    def bad_stretches(self) -> tuple[np.ndarray, np.ndarray]:
        """The grey line's points: only the stretches that are not good, one NaN between stretches.

        Handing the curve a million NaNs with a few values among them would make every pan and
        zoom clip, downsample and path them; the stretches alone are usually nothing at all.
        """
        if not self.bad_points:
            return _EMPTY, _EMPTY
        x, y = self.draw["x"], self.draw["bad"]
        keep = np.flatnonzero(np.isfinite(y))
        if keep.size == 0:
            return _EMPTY, _EMPTY
        starts = np.flatnonzero(np.diff(keep) > 1) + 1  # positions in ``keep`` where a new stretch begins
        out_x = np.insert(x[keep], starts, x[keep[starts - 1]])  # the gap sits on the last x of the stretch
        out_y = np.insert(y[keep], starts, np.nan)
        return out_x, out_y

    # -- reading -------------------------------------------------------------------------------

    def value_at(self, ts: int) -> Reading | None:
        """The value shown at ``ts``: the last sample at or before it, or the bucket holding it."""
        times = self.rows["ts"]
        i = int(np.searchsorted(times, ts, side="right")) - 1
        if i < 0:
            return None
        is_bucket = i < self.history_rows and self.bucket_ms > 0
        return Reading(int(times[i]), float(self.rows["value"][i]), Quality(int(self.rows["quality"][i])),
                       self.bucket_ms if is_bucket else 0)

    def stats(self, start: int, end: int) -> Stats | None:
        """Min/max/avg of the good values with start <= ts <= end (None when there are none)."""
        times = self.rows["ts"]
        i0 = int(np.searchsorted(times, start, side="left"))
        i1 = int(np.searchsorted(times, end, side="right"))
        if i1 <= i0:
            return None
        if i1 - i0 >= 4 * BLOCK:
            return self._summary_stats(i0, i1)
        return self._raw_stats(i0, i1)

    def _raw_stats(self, i0: int, i1: int) -> Stats | None:
        keep = self.rows["quality"][i0:i1] == GOOD
        value = self.rows["value"][i0:i1][keep]
        finite = np.isfinite(value)
        if not finite.any():
            return None
        lo = self.rows["vmin"][i0:i1][keep][finite]
        hi = self.rows["vmax"][i0:i1][keep][finite]
        return Stats(float(lo.min()), float(hi.max()), float(value[finite].mean()), int(finite.sum()))

    def _summary_stats(self, i0: int, i1: int) -> Stats | None:
        # Whole blocks from the summary, the ragged ends row by row: a million rows read as a thousand.
        self.summary.extend(self.rows)
        b0, b1 = -(-i0 // BLOCK), min(i1 // BLOCK, self.summary.blocks)
        parts = [self._raw_stats(i0, b0 * BLOCK), self.summary.stats(b0, b1), self._raw_stats(b1 * BLOCK, i1)]
        found = [p for p in parts if p is not None]
        if not found:
            return None
        count = sum(p.count for p in found)
        total = sum(p.avg * p.count for p in found)
        return Stats(min(p.min for p in found), max(p.max for p in found), total / count, count)

    def visible_rows(self, start: int, end: int) -> tuple[int, dict[str, np.ndarray]]:
        """The index of the first model row with start <= ts <= end, and those rows (for exports)."""
        times = self.rows["ts"]
        i0 = int(np.searchsorted(times, start, side="left"))
        i1 = int(np.searchsorted(times, end, side="right"))
        return i0, {name: self.rows[name][i0:i1] for name in ("ts", "value", "vmin", "vmax", "quality")}

    def is_bucket_row(self, index: int) -> bool:
        """Whether model row ``index`` is a bucket (not a raw sample)."""
        return index < self.history_rows and self.bucket_ms > 0


class BlockSummary:
    """Min, max, sum and count of the good values of each complete block of ``BLOCK`` model rows.

    Statistics of the range in view are recomputed on every pan and zoom; over a million rows
    per pen that is a full scan each time.  Rows only ever grow at the end until a reset, so
    the blocks are summarised once, as they fill, and a range reads whole blocks from here.
    """

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Forget every block (the rows were replaced)."""
        self.blocks = 0
        self._blocks = Columns({"lo": np.float64, "hi": np.float64, "sum": np.float64, "count": np.int64})

    def extend(self, rows: Columns) -> None:
        """Summarise the blocks ``rows`` has completed since the last call."""
        complete = rows.size // BLOCK
        if complete <= self.blocks:
            return
        span = slice(self.blocks * BLOCK, complete * BLOCK)
        shape = (complete - self.blocks, BLOCK)
        value = rows["value"][span].reshape(shape)
        ok = (rows["quality"][span].reshape(shape) == GOOD) & np.isfinite(value)
        self._blocks.extend(
            lo=np.where(ok, rows["vmin"][span].reshape(shape), np.inf).min(axis=1),
            hi=np.where(ok, rows["vmax"][span].reshape(shape), -np.inf).max(axis=1),
            sum=np.where(ok, value, 0.0).sum(axis=1),
            count=ok.sum(axis=1),
        )
        self.blocks = complete

    def stats(self, b0: int, b1: int) -> Stats | None:
        """The good values of blocks ``b0`` up to (not including) ``b1``; None when there are none."""
        if b1 <= b0:
            return None
        count = int(self._blocks["count"][b0:b1].sum())
        if count == 0:
            return None
        lo, hi = float(self._blocks["lo"][b0:b1].min()), float(self._blocks["hi"][b0:b1].max())
        return Stats(lo, hi, float(self._blocks["sum"][b0:b1].sum()) / count, count)
