"""The samples of an outage, gathered point by point as the server answers and handed out in time order.

A console's backfill of a 10-minute outage of a 5,000-point site is 3 million samples.  Read
into one list of `Sample`s and sorted, they cost seconds of the core loop and hundreds of
megabytes; kept as one array per column (timestamps, values, quality codes, point index) they
are sorted by one stable argsort, and the `Sample`s are built a batch at a time just before
each batch is delivered, so only one batch of them exists at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from app.api.codec import CodecError, columns_from_json
from app.model import Quality, Sample
from app.process import no_gc_pauses

#: Quality by its code, the index the arrays hold.
_QUALITIES: tuple[Quality, ...] = tuple(Quality)
_QUALITY_CODE = {q.word: int(q) for q in Quality}


class Gap:
    """Per-point columns of the samples an outage hid, merged into time order on the way out."""

    def __init__(self) -> None:
        self._names: list[str] = []
        self._ts: list[np.ndarray] = []
        self._values: list[np.ndarray] = []
        self._codes: list[np.ndarray] = []
        self.bucketed: list[str] = []  # points the server answered with buckets (too many samples)

    def __len__(self) -> int:
        return sum(len(ts) for ts in self._ts)

    def add_json(self, point: str, h: Mapping[str, Any], after: int) -> None:
        """One point's history answer, in any of its shapes, keeping the samples newer than ``after``.

        Raw rows (``samples``, `history_json`), raw columns (``ts``/``v``/``q``,
        `history_columns`) or buckets, whose last values stand in for the samples (and the point
        is noted in `bucketed`).  `CodecError` names an answer that does not fit.
        """
        try:
            if not h["raw"]:
                self.bucketed.append(point)
                buckets = h.get("buckets") or ()
                ts = np.asarray([int(b[0]) for b in buckets], dtype=np.int64)
                values = np.asarray([b[4] for b in buckets], dtype=np.float64)
                codes = np.zeros(len(ts), dtype=np.uint8)
            elif "ts" in h:
                ts, values, codes = columns_from_json(h)
            else:
                rows = h.get("samples") or ()
                ts = np.asarray([int(r[0]) for r in rows], dtype=np.int64)
                values = np.asarray([r[1] for r in rows], dtype=np.float64)
                codes = np.asarray([_QUALITY_CODE[r[2]] for r in rows], dtype=np.uint8)
        except CodecError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
            raise CodecError(f"the history of {point} does not fit its shape: {exc}") from exc
        self.add(point, ts, values, codes, after)

    def add(self, point: str, ts: np.ndarray, values: np.ndarray, codes: np.ndarray, after: int) -> None:
        """One point's samples as columns; kept: those after ``after``, one per instant (the newest stored)."""
        if len(ts) > 1 and not bool(np.all(ts[1:] >= ts[:-1])):
            order = np.argsort(ts, kind="stable")
            ts, values, codes = ts[order], values[order], codes[order]
        keep = ts > after
        if len(ts) > 1:  # of equal timestamps the last one stored stands, as the live stream gives them
            keep[:-1] &= ts[1:] != ts[:-1]
        if not keep.all():
            ts, values, codes = ts[keep], values[keep], codes[keep]
        if len(ts):
            self._names.append(point)
            self._ts.append(ts)
            self._values.append(values)
            self._codes.append(codes)

    def batches(self, size: int) -> Iterator[list[Sample]]:
        """All samples, oldest first (a point's own order kept), ``size`` at a time."""
        if not self._ts:
            return
        lengths = np.asarray([len(ts) for ts in self._ts], dtype=np.int64)
        ts = np.concatenate(self._ts)
        order = np.argsort(ts, kind="stable")
        ts = ts[order]
        values = np.concatenate(self._values)[order]
        codes = np.concatenate(self._codes)[order]
        index = np.repeat(np.arange(len(self._names), dtype=np.int32), lengths)[order]
        names = np.asarray(self._names, dtype=object)
        make = tuple.__new__  # a Sample straight from its fields' tuple, without NamedTuple's Python-level __new__
        for i in range(0, len(ts), size):
            j = i + size
            part = codes[i:j]
            qualities = (itertools.repeat(_QUALITIES[int(part[0])]) if len(part) and bool((part == part[0]).all())
                         else map(_QUALITIES.__getitem__, part.tolist()))
            with no_gc_pauses():  # strict=False: the qualities may be an endless repeat
                batch = list(map(make, itertools.repeat(Sample), zip(names[index[i:j]].tolist(), ts[i:j].tolist(),
                                                                     values[i:j].tolist(), qualities, strict=False)))
            yield batch
