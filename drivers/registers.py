"""Register value codec: 16-bit Modbus registers to numbers and back.

A meter states a value as one to four 16-bit registers.  Modbus fixes the byte order inside
a register (big-endian) but not the order of the registers of a wider value: most meters send
the most significant word first ("big", ABCD), some the least significant first ("little",
CDAB).  Both directions live here so the poller and the simulator agree on every bit.

This is the hot path of acquisition (about 100k values per second on a busy site), so the
work is two precompiled `struct.Struct` calls per value and no per-call allocation beyond the
argument tuple.  Bad input is a `ValueError` whose message names what was wrong.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence

#: Every register type a template may name, narrowest first.
TYPES = ("u16", "s16", "u32", "s32", "u64", "s64", "f32", "f64")

#: Word orders of values wider than one register.
WORD_ORDERS = ("big", "little")

_FORMATS = {"u16": "H", "s16": "h", "u32": "I", "s32": "i", "u64": "Q", "s64": "q", "f32": "f", "f64": "d"}

# Per type: (registers as big-endian words, the value itself, register count).
_CODECS: dict[str, tuple[struct.Struct, struct.Struct, int]] = {}
for _type, _fmt in _FORMATS.items():
    _value = struct.Struct(">" + _fmt)
    _count = _value.size // 2
    _CODECS[_type] = (struct.Struct(f">{_count}H"), _value, _count)

# Integer types clamp to their range when encoding; floats clamp to the largest finite value.
_LIMITS: dict[str, tuple[float, float]] = {
    "u16": (0, 0xFFFF),
    "s16": (-0x8000, 0x7FFF),
    "u32": (0, 0xFFFF_FFFF),
    "s32": (-0x8000_0000, 0x7FFF_FFFF),
    "u64": (0, 0xFFFF_FFFF_FFFF_FFFF),
    "s64": (-0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF),
    "f32": (-3.4028234663852886e38, 3.4028234663852886e38),
    "f64": (-math.inf, math.inf),
}


def _codec(type: str) -> tuple[struct.Struct, struct.Struct, int]:
    try:
        return _CODECS[type]
    except (KeyError, TypeError):
        raise ValueError(f"unknown register type {type!r}: expected one of {', '.join(TYPES)}") from None


def _bad_order(word_order: object) -> ValueError:
    return ValueError(f"unknown word order {word_order!r}: expected 'big' (ABCD) or 'little' (CDAB)")


def register_count(type: str) -> int:
    """How many 16-bit registers a value of `type` occupies (1, 2 or 4)."""
    return _codec(type)[2]


def decode(regs: Sequence[int], type: str, word_order: str = "big") -> int | float:
    """The value held by `regs` (16-bit unsigned ints, exactly `register_count(type)` of them)."""
    words, value, count = _codec(type)
    if len(regs) != count:
        raise ValueError(f"a {type} value takes {count} register(s), got {len(regs)}")
    if word_order == "big":
        ordered = regs
    elif word_order == "little":
        ordered = reversed(regs)
    else:
        raise _bad_order(word_order)
    try:
        return value.unpack(words.pack(*ordered))[0]
    except struct.error:
        bad = next((r for r in regs if not isinstance(r, int) or not 0 <= r <= 0xFFFF), regs)
        raise ValueError(f"register value {bad!r} is not a 16-bit unsigned integer (0..65535)") from None


def encode(value: float, type: str, word_order: str = "big") -> list[int]:
    """The registers that hold `value` as `type`: the inverse of `decode`.

    Integer types round to the nearest integer and clamp to the type's range; f32 clamps to
    its largest finite magnitude (infinities and NaN pass through).  The simulator relies on
    this to fill registers with whatever a load profile produces.
    """
    words, packer, count = _codec(type)
    if word_order not in WORD_ORDERS:
        raise _bad_order(word_order)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"cannot encode {value!r} as {type}: it is not a number")
    low, high = _LIMITS[type]
    if type[0] == "f":
        if math.isfinite(value):
            value = min(max(value, low), high)
    elif math.isnan(value):
        raise ValueError(f"cannot encode NaN as {type}: integer registers have no 'not a number'")
    else:
        value = int(min(max(value, low), high)) if math.isinf(value) else min(max(round(value), low), high)
    regs = list(words.unpack(packer.pack(value)))
    if word_order == "little" and count > 1:
        regs.reverse()
    return regs
