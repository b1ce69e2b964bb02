"""Compact, lossless encodings for the two kinds of stored blobs: chunks and batches.

A **chunk** is one point's samples over a stretch of time, the long-term form.  It has to be
small (a year of 1 s data in a few bytes per sample) and quick to decode:

* timestamps: the first timestamp, the first step, then the steps' changes (delta-of-delta),
  in the narrowest integer type that holds them: a regular poll period costs almost nothing;
* values: whole decimal numbers when they are (a meter's scaled integer register: 230.1 V is
  2301 at one decimal), stored as differences; else float32 when that is exact (a meter's
  float32 register); else float64.  Every value comes back bit for bit;
* quality: run lengths (it rarely changes);
* all byte-shuffled (the n-th bytes of all numbers together), then zlib.

A **batch** is one commit of the writer, all points mixed: the crash-safe short-term form that
must be written fast, so it uses the same columns with a light encoding and zlib level 1.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from .block import Block, Series
from .errors import HistorianError

CHUNK_VERSION = 1
BATCH_VERSION = 1

_INTS = (np.int8, np.int16, np.int32, np.int64)
_CHUNK_HEAD = struct.Struct("<BBBBBIqqqI")  # version ts_code kind val_code decimals n ts0 d0 v0 runs
_BATCH_HEAD = struct.Struct("<BBBIIq")  # version ts_code kind n points ts_base

_F64, _F32, _DEC_DIV, _DEC_MUL = 0, 1, 2, 3
_MAX_DECIMALS = 4
_EXACT_INT = 2**53


class CorruptData(HistorianError):
    """A stored blob does not decode: the database was damaged or written by something else."""


def _int_code(lo: int, hi: int) -> int:
    for code, dtype in enumerate(_INTS):
        info = np.iinfo(dtype)
        if info.min <= lo and hi <= info.max:
            return code
    raise OverflowError(f"{lo}..{hi} does not fit in 64 bits")


def _narrow(a: np.ndarray) -> tuple[int, np.ndarray]:
    if not len(a):
        return 0, a.astype(np.int8)
    code = _int_code(int(a.min()), int(a.max()))
    return code, a.astype(_INTS[code])


def _shuffle(a: np.ndarray) -> bytes:
    if a.dtype.itemsize == 1 or len(a) < 2:
        return a.tobytes()
    return np.ascontiguousarray(a).view(np.uint8).reshape(len(a), a.dtype.itemsize).T.tobytes()


def _unshuffle(buf: memoryview, pos: int, dtype: np.dtype, count: int) -> tuple[np.ndarray, int]:
    size = np.dtype(dtype).itemsize * count
    raw = np.frombuffer(buf, np.uint8, size, pos)
    if len(raw) != size:
        raise CorruptData("a stored blob is shorter than its header says")
    if np.dtype(dtype).itemsize > 1 and count > 1:
        raw = np.ascontiguousarray(raw.reshape(np.dtype(dtype).itemsize, count).T)
    return raw.view(dtype).reshape(count), pos + size


def _as_float32(value: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):  # out of range becomes inf: then not exact
        return value.astype(np.float32)


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a.view(np.int64), b.view(np.int64)))


def _decimal(value: np.ndarray) -> tuple[int, int, np.ndarray] | None:
    """(kind, decimals, integers) when every value is a whole number of 10**-decimals."""
    if not np.isfinite(value).all() or (np.abs(value) >= 1e15).any():
        return None
    for decimals in range(_MAX_DECIMALS + 1):
        scaled = np.round(value * 10.0**decimals)
        if (np.abs(scaled) >= _EXACT_INT).any():
            return None
        # Compared after the trip through integers, as decoding does it: -0.0 has no integer.
        ints = scaled.astype(np.int64)
        back = ints.astype(np.float64)
        if _same_bits(back / 10.0**decimals, value):
            return _DEC_DIV, decimals, ints
        if decimals and _same_bits(back * 10.0**-decimals, value):
            return _DEC_MUL, decimals, ints
    return None


def encode_chunk(series: Series, level: int = 6) -> bytes:
    """One point's samples (in time order) as a chunk blob."""
    n = len(series)
    if n == 0:
        raise ValueError("a chunk holds at least one sample")
    ts = series.ts.astype(np.int64, copy=False)
    ts0 = int(ts[0])
    d0 = int(ts[1] - ts[0]) if n > 1 else 0
    ts_code, dd = _narrow(np.diff(ts, 2)) if n > 2 else (0, np.empty(0, np.int8))
    value = series.value.astype(np.float64, copy=False)
    v0 = 0
    decimals = 0
    val_code = 0
    dec = _decimal(value)
    if dec is not None:
        kind, decimals, ints = dec
        v0 = int(ints[0])
        val_code, steps = _narrow(np.diff(ints))
        value_bytes = _shuffle(steps)
    else:
        as32 = _as_float32(value)
        if _same_bits(as32.astype(np.float64), value):
            kind, value_bytes = _F32, _shuffle(as32)
        else:
            kind, value_bytes = _F64, _shuffle(value)
    q = series.quality.astype(np.uint8, copy=False)
    edges = np.flatnonzero(np.diff(q)) + 1
    starts = np.concatenate(([0], edges))
    lengths = np.diff(np.concatenate((starts, [n]))).astype(np.uint32)
    head = _CHUNK_HEAD.pack(
        CHUNK_VERSION, ts_code, kind, val_code, decimals, n, ts0, d0, v0, len(starts)
    )
    body = b"".join((head, _shuffle(dd), value_bytes, q[starts].tobytes(), _shuffle(lengths)))
    return zlib.compress(body, level)


def decode_chunk(blob: bytes) -> Series:
    """The samples of a chunk blob; `CorruptData` when it is not one."""
    try:
        buf = memoryview(zlib.decompress(blob))
        version, ts_code, kind, val_code, decimals, n, ts0, d0, v0, runs = _CHUNK_HEAD.unpack_from(buf)
        if version != CHUNK_VERSION:
            raise CorruptData(f"chunk format {version} is not known to this version (knows {CHUNK_VERSION})")
        pos = _CHUNK_HEAD.size
        dd, pos = _unshuffle(buf, pos, _INTS[ts_code], max(n - 2, 0))
        steps = np.empty(max(n - 1, 0), np.int64)
        if n > 1:
            steps[0] = d0
            np.cumsum(dd, dtype=np.int64, out=steps[1:])
            steps[1:] += d0
        ts = np.empty(n, np.int64)
        ts[0] = ts0
        np.cumsum(steps, out=ts[1:])
        ts[1:] += ts0
        if kind in (_DEC_DIV, _DEC_MUL):
            vsteps, pos = _unshuffle(buf, pos, _INTS[val_code], n - 1)
            ints = np.empty(n, np.int64)
            ints[0] = v0
            np.cumsum(vsteps, dtype=np.int64, out=ints[1:])
            ints[1:] += v0
            if kind == _DEC_DIV:
                value = ints.astype(np.float64) / 10.0**decimals
            else:
                value = ints.astype(np.float64) * 10.0**-decimals
        elif kind == _F32:
            v32, pos = _unshuffle(buf, pos, np.float32, n)
            value = v32.astype(np.float64)
        elif kind == _F64:
            value, pos = _unshuffle(buf, pos, np.float64, n)
        else:
            raise CorruptData(f"chunk value encoding {kind} is not known")
        qvals, pos = _unshuffle(buf, pos, np.uint8, runs)
        lengths, pos = _unshuffle(buf, pos, np.uint32, runs)
        if int(lengths.sum()) != n:
            raise CorruptData("a chunk's quality runs do not add up to its sample count")
        quality = np.repeat(qvals, lengths)
        return Series(ts, value, quality)
    except (zlib.error, struct.error, ValueError, IndexError, OverflowError) as exc:
        raise CorruptData(f"a stored chunk does not decode ({exc})") from exc


def encode_batch(block: Block) -> bytes:
    """A block sorted by (point, ts) as a batch blob: fast first, small second."""
    n = len(block)
    pids, bounds = block.runs()
    counts = np.diff(bounds).astype(np.uint32)
    base = int(block.ts.min()) if n else 0
    offsets = block.ts - base
    if n and int(offsets.max()) <= np.iinfo(np.uint32).max:
        ts_code, ts_arr = 0, offsets.astype(np.uint32)
    else:
        ts_code, ts_arr = 1, offsets
    as32 = _as_float32(block.value)
    if _same_bits(as32.astype(np.float64), block.value):
        kind, values = _F32, as32
    else:
        kind, values = _F64, block.value
    head = _BATCH_HEAD.pack(BATCH_VERSION, ts_code, kind, n, len(pids), base)
    body = b"".join(
        (
            head,
            _shuffle(pids.astype(np.int32)),
            _shuffle(counts),
            _shuffle(ts_arr),
            _shuffle(values),
            block.quality.tobytes(),
        )
    )
    return zlib.compress(body, 1)


def decode_batch(blob: bytes) -> Block:
    """The block of a batch blob (sorted by point, ts); `CorruptData` when it is not one."""
    try:
        buf = memoryview(zlib.decompress(blob))
        version, ts_code, kind, n, npts, base = _BATCH_HEAD.unpack_from(buf)
        if version != BATCH_VERSION:
            raise CorruptData(f"batch format {version} is not known to this version (knows {BATCH_VERSION})")
        pos = _BATCH_HEAD.size
        pids, pos = _unshuffle(buf, pos, np.int32, npts)
        pids = pids.copy()
        counts, pos = _unshuffle(buf, pos, np.uint32, npts)
        if int(counts.sum()) != n:
            raise CorruptData("a batch's point counts do not add up to its sample count")
        offsets, pos = _unshuffle(buf, pos, np.uint32 if ts_code == 0 else np.int64, n)
        ts = offsets.astype(np.int64) + base
        if kind == _F32:
            v32, pos = _unshuffle(buf, pos, np.float32, n)
            value = v32.astype(np.float64)
        elif kind == _F64:
            value, pos = _unshuffle(buf, pos, np.float64, n)
            value = value.copy()
        else:
            raise CorruptData(f"batch value encoding {kind} is not known")
        quality, pos = _unshuffle(buf, pos, np.uint8, n)
        pid = np.repeat(pids, counts)
        return Block(pid, ts, value, quality.copy())
    except (zlib.error, struct.error, ValueError, IndexError, OverflowError) as exc:
        raise CorruptData(f"a stored batch does not decode ({exc})") from exc
