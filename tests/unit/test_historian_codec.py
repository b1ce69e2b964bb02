"""Chunk and batch encodings: every sequence of timestamps, values and qualities comes back bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.historian.block import Block, Series
from app.historian.codec import CorruptData, decode_batch, decode_chunk, encode_batch, encode_chunk

TS = st.integers(min_value=-(2**50), max_value=2**50)
VALUES = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
QUALITY = st.integers(min_value=0, max_value=3)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and np.array_equal(a.view(np.uint64), b.view(np.uint64))


def assert_same(got: Series, want: Series) -> None:
    assert np.array_equal(got.ts, want.ts)
    # NaN payloads and -0.0 included: the historian gives back exactly what it was given
    assert same_bits(got.value, want.value)
    assert np.array_equal(got.quality, want.quality)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TS, VALUES, QUALITY), min_size=1, max_size=300))
@example([(0, -0.0, 0)])  # a negative zero has no integer: once stored as +0.0
def test_any_samples_survive_chunk_encoding(rows):
    ts, values, qualities = zip(*rows, strict=True)
    series = Series(np.array(ts, np.int64), np.array(values, np.float64), np.array(qualities, np.uint8))
    assert_same(decode_chunk(encode_chunk(series)), series)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**45),
    st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=200),
    st.sampled_from([0, 1, 2, 3, 4]),
    st.lists(st.integers(min_value=-(10**9), max_value=10**9), min_size=1, max_size=200),
)
def test_scaled_integers_survive_both_decimal_spellings(start, steps, decimals, ints):
    """Meters give raw*0.1 (multiplication) or raw/10: both must come back exactly."""
    n = min(len(steps), len(ints))
    ts = start + np.cumsum(np.array(steps[:n], np.int64))
    raw = np.array(ints[:n], np.float64)
    for values in (raw * 10.0**-decimals, raw / 10.0**decimals):
        series = Series(ts, values, np.zeros(n, np.uint8))
        assert_same(decode_chunk(encode_chunk(series)), series)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), TS, VALUES, QUALITY), min_size=0, max_size=300))
def test_any_block_survives_batch_encoding(rows):
    if rows:
        pid, ts, values, qualities = zip(*rows, strict=True)
        block = Block.of(pid, ts, values, qualities).sorted()
    else:
        block = Block.empty()
    got = decode_batch(encode_batch(block))
    assert np.array_equal(got.pid, block.pid)
    assert np.array_equal(got.ts, block.ts)
    assert same_bits(got.value, block.value)
    assert np.array_equal(got.quality, block.quality)


def test_a_regular_meter_series_is_small():
    """1 s polls of a float32 register with noise: a few bytes a sample, timestamps nearly free."""
    rng = np.random.default_rng(7)
    n = 8192
    ts = 1_700_000_000_000 + np.arange(n, dtype=np.int64) * 1000
    values = (230 + rng.normal(0, 0.3, n)).astype(np.float32).astype(np.float64)
    blob = encode_chunk(Series(ts, values, np.zeros(n, np.uint8)))
    assert len(blob) / n < 3.0
    steady = encode_chunk(Series(ts, np.full(n, 1.0), np.zeros(n, np.uint8)))
    assert len(steady) < 200


@pytest.mark.parametrize("blob", [b"", b"not zlib at all", b"x\x9c\x03\x00\x00\x00\x00\x01"])
def test_garbage_is_a_typed_error(blob):
    with pytest.raises(CorruptData, match="does not decode"):
        decode_chunk(blob)
    with pytest.raises(CorruptData, match="does not decode"):
        decode_batch(blob)


def test_truncated_chunk_is_a_typed_error():
    import zlib

    series = Series(np.arange(100, dtype=np.int64), np.linspace(0, 1, 100), np.zeros(100, np.uint8))
    body = zlib.decompress(encode_chunk(series))
    with pytest.raises(CorruptData):
        decode_chunk(zlib.compress(body[: len(body) // 2]))


def test_empty_chunk_is_refused():
    with pytest.raises(ValueError, match="at least one sample"):
        encode_chunk(Series.empty())
