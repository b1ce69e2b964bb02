"""The register codec against published byte patterns and against pymodbus's own converter.

pymodbus is an independent implementation of the same convention (big-endian bytes in a
register, word order configurable), so agreeing with it on arbitrary values is a stronger
check than round-tripping our own code alone.
"""

import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymodbus.client.mixin import ModbusClientMixin

from drivers.registers import TYPES, decode, encode, register_count

DATATYPE = ModbusClientMixin.DATATYPE
PYMODBUS = {
    "u16": DATATYPE.UINT16,
    "s16": DATATYPE.INT16,
    "u32": DATATYPE.UINT32,
    "s32": DATATYPE.INT32,
    "u64": DATATYPE.UINT64,
    "s64": DATATYPE.INT64,
    "f32": DATATYPE.FLOAT32,
    "f64": DATATYPE.FLOAT64,
}
LIMITS = {
    "u16": (0, 2**16 - 1),
    "s16": (-(2**15), 2**15 - 1),
    "u32": (0, 2**32 - 1),
    "s32": (-(2**31), 2**31 - 1),
    "u64": (0, 2**64 - 1),
    "s64": (-(2**63), 2**63 - 1),
}
register = st.integers(0, 0xFFFF)


def test_register_counts():
    assert [register_count(t) for t in TYPES] == [1, 1, 2, 2, 4, 4, 2, 4]


# Known patterns: 230.0 V as float32 is 0x43660000 (the SDM630 manual's worked example of a
# phase voltage); 50.0 Hz is 0x42480000; -1.5 is 0xBFC00000; 230.0 as float64 is 0x406CC000_00000000.
KNOWN = [
    ("f32", [0x4366, 0x0000], 230.0),
    ("f32", [0x4248, 0x0000], 50.0),
    ("f32", [0xBFC0, 0x0000], -1.5),
    ("f64", [0x406C, 0xC000, 0x0000, 0x0000], 230.0),
    ("u16", [0x08FC], 2300),
    ("s16", [0xFFFF], -1),
    ("s16", [0x8000], -32768),
    ("u32", [0x1234, 0x5678], 0x12345678),
    ("s32", [0xFFFF, 0xFFFE], -2),
    ("u64", [0x0001, 0x0002, 0x0003, 0x0004], 0x0001_0002_0003_0004),
    ("s64", [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF], -1),
]


@pytest.mark.parametrize(("type_", "regs", "value"), KNOWN)
def test_known_patterns_big_word_order(type_, regs, value):
    assert decode(regs, type_) == value
    assert decode(regs, type_, "big") == value
    assert encode(value, type_) == regs


@pytest.mark.parametrize(("type_", "regs", "value"), KNOWN)
def test_little_word_order_is_the_words_reversed(type_, regs, value):
    """CDAB: the least significant word first, bytes inside each word still big-endian."""
    swapped = list(reversed(regs))
    assert decode(swapped, type_, "little") == value
    assert encode(value, type_, "little") == swapped


def test_little_word_order_of_230_volts():
    assert decode([0x0000, 0x4366], "f32", "little") == 230.0
    assert encode(230.0, "f32", "little") == [0x0000, 0x4366]


def test_one_register_types_ignore_word_order():
    assert decode([0xFFFE], "s16", "little") == -2
    assert encode(-2, "s16", "little") == [0xFFFE]


def test_decode_accepts_any_sequence():
    assert decode((0x4366, 0), "f32") == 230.0
    assert decode(memoryview(struct.pack("=2H", 0x4366, 0)).cast("H"), "f32") == 230.0


def test_float_specials_pass_through():
    assert math.isnan(decode([0x7FC0, 0x0000], "f32"))
    assert decode([0x7F80, 0x0000], "f32") == math.inf
    assert math.isnan(decode(encode(math.nan, "f32"), "f32"))
    assert decode(encode(-math.inf, "f64"), "f64") == -math.inf


@pytest.mark.parametrize(
    ("type_", "value", "expected"),
    [
        ("u16", 70000, 65535),
        ("u16", -5, 0),
        ("s16", 40000, 32767),
        ("s16", -40000, -32768),
        ("u32", 1e12, 2**32 - 1),
        ("s32", -1e12, -(2**31)),
        ("u64", math.inf, 2**64 - 1),
        ("s64", -math.inf, -(2**63)),
        ("f32", 1e39, struct.unpack(">f", b"\x7f\x7f\xff\xff")[0]),
        ("f32", -1e39, -struct.unpack(">f", b"\x7f\x7f\xff\xff")[0]),
    ],
)
def test_encode_clamps_to_the_type(type_, value, expected):
    assert decode(encode(value, type_), type_) == expected


@pytest.mark.parametrize(("value", "expected"), [(12.4, 12), (12.6, 13), (-12.6, -13)])
def test_encode_rounds_integers(value, expected):
    assert decode(encode(value, "s32"), "s32") == expected


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: decode([1, 2], "f33"), "unknown register type 'f33': expected one of u16, s16, u32"),
        (lambda: decode([1], "f32"), "a f32 value takes 2 register(s), got 1"),
        (lambda: decode([1, 2, 3], "u32"), "a u32 value takes 2 register(s), got 3"),
        (lambda: decode([70000], "u16"), "register value 70000 is not a 16-bit unsigned integer"),
        (lambda: decode([1, -1], "u32"), "register value -1 is not a 16-bit unsigned integer"),
        (lambda: decode([1, 2.5], "u32"), "register value 2.5 is not a 16-bit unsigned integer"),
        (lambda: decode([1, 2], "u32", "middle"), "unknown word order 'middle': expected 'big' (ABCD)"),
        (lambda: encode(1.0, "f32", "BIG"), "unknown word order 'BIG'"),
        (lambda: encode(1.0, "int"), "unknown register type 'int'"),
        (lambda: encode(math.nan, "u16"), "cannot encode NaN as u16"),
        (lambda: encode("230", "f32"), "cannot encode '230' as f32: it is not a number"),
        (lambda: encode(None, "u16"), "cannot encode None as u16"),
        (lambda: register_count("bit"), "unknown register type 'bit'"),
    ],
)
def test_bad_input_is_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        call()


@given(st.sampled_from(TYPES), st.sampled_from(("big", "little")), st.data())
def test_decode_agrees_with_pymodbus(type_, word_order, data):
    regs = data.draw(st.lists(register, min_size=register_count(type_), max_size=register_count(type_)))
    ours = decode(regs, type_, word_order)
    theirs = ModbusClientMixin.convert_from_registers(regs, PYMODBUS[type_], word_order=word_order)
    assert ours == theirs or (math.isnan(ours) and math.isnan(theirs))


@given(st.sampled_from(TYPES), st.sampled_from(("big", "little")), st.data())
def test_registers_round_trip_bit_exact(type_, word_order, data):
    """Every register pattern decodes to a value that encodes back to the same pattern."""
    regs = data.draw(st.lists(register, min_size=register_count(type_), max_size=register_count(type_)))
    value = decode(regs, type_, word_order)
    if isinstance(value, float) and math.isnan(value):
        return  # NaN payloads are not promised to survive
    assert encode(value, type_, word_order) == regs


@given(st.sampled_from(list(LIMITS)), st.sampled_from(("big", "little")), st.data())
def test_integers_round_trip(type_, word_order, data):
    value = data.draw(st.integers(*LIMITS[type_]))
    regs = encode(value, type_, word_order)
    assert all(0 <= r <= 0xFFFF for r in regs)
    assert decode(regs, type_, word_order) == value


@given(st.floats(width=32, allow_nan=False), st.sampled_from(("big", "little")))
def test_f32_round_trips(value, word_order):
    assert decode(encode(value, "f32", word_order), "f32", word_order) == value


@given(st.floats(allow_nan=False), st.sampled_from(("big", "little")))
def test_f64_round_trips(value, word_order):
    assert decode(encode(value, "f64", word_order), "f64", word_order) == value


@given(st.floats(-1e6, 1e6))
def test_f32_keeps_seven_significant_digits(value):
    assert decode(encode(value, "f32"), "f32") == pytest.approx(value, rel=1e-7, abs=1e-30)
