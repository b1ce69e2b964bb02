"""Device templates: the precompiled decode_block against the plain decoding, by hypothesis.

decode_block packs each block's layout once and unpacks a reply in one call; it must give,
to the bit, what one codec call per quantity gives, for every layout a template can hold.
"""

import math
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.registers import TYPES, decode, register_count
from drivers.templates import Block, Quantity, Template, load_library
from tests.unit.template_cases import SHIPPED


def reference_decode(block: Block, words, pt: float, ct: float) -> dict[str, float]:
    """Decoding as written plainly: one codec call per quantity (what decode_block must equal)."""
    base = block.address
    if block.function in (1, 2):
        return {q.id: 1.0 if words[q.address - base] else 0.0 for q in block.quantities}
    factors = {"none": 1.0, "pt": pt, "ct": ct, "ptct": pt * ct}
    out = {}
    for q in block.quantities:
        at = q.address - base
        if q.bit is not None:
            out[q.id] = float((words[at] >> q.bit) & 1)
            continue
        raw = decode(words[at : at + register_count(q.type)], q.type, q.word_order)
        out[q.id] = (1.0 if raw else 0.0) if q.kind == "digital" else raw * q.scale * factors[q.ratio]
    return out


def every_layout() -> Template:
    """Every register type in both word orders, integer digitals, bits of registers, coils, holes."""
    quantities, address = [], 0
    for function in (3, 4):
        for order in ("big", "little"):
            for i, kind in enumerate(TYPES):  # every type the codec knows, so a new one is caught
                quantities.append(
                    Quantity(
                        f"F{function}.{order}.{kind}", "量", "Quantity", "", "analog", function=function,
                        address=address, type=kind, word_order=order, scale=(0.1, 1.0, -0.001, 3.0)[i % 4],
                        ratio=("none", "pt", "ct", "ptct")[i % 4],
                    )
                )  # fmt: skip
                address += register_count(kind) + i % 2  # every other one leaves a hole
        for kind in ("u16", "s16", "u32"):
            quantities.append(
                Quantity(f"F{function}.flag.{kind}", "态", "Flag", "", "digital", function=function,
                         address=address, type=kind, word_order="little")
            )  # fmt: skip
            address += register_count(kind)
        for bit in (0, 5, 15):
            quantities.append(
                Quantity(f"F{function}.bit{bit}", "位", "Bit", "", "digital", function=function,
                         address=address, type="bit", bit=bit)
            )  # fmt: skip
        address += 1
    for function in (1, 2):
        for at in (0, 1, 3, 9):
            quantities.append(
                Quantity(f"F{function}.io{at}", "点", "Point", "", "digital", function=function, address=at, type="bit")
            )
    return Template("layouts", "布局", "Every layout", "modbus", "environment", tuple(quantities))


def decode_cases() -> list[tuple[Template, Block]]:
    templates = [t for t in load_library().values() if t.protocol == "modbus"] + [every_layout()]
    settings_ = [(125, 0), (125, 8), (16, 0), (7, 3)]
    cases = {
        (t.id, b.function, b.address, b.count): (t, b)
        for t in templates
        for max_regs, max_gap in settings_
        for b in t.blocks(max_regs=max_regs, max_gap=max_gap)
    }
    return list(cases.values())


DECODE_CASES = decode_cases()
# Register contents: anything, with the edges of the float formats (inf, NaN, -0.0) made likely.
WORDS = st.one_of(st.integers(0, 0xFFFF), st.sampled_from([0, 1, 0x7F80, 0x7FC0, 0x7FF0, 0x8000, 0xFF80, 0xFFFF]))
RATIO = st.one_of(st.floats(), st.integers(0, 10_000), st.sampled_from([1.0, 100.0, 40.0, 0.2]))


def same(one: float, two: float) -> bool:
    """Equal to the bit: NaN equals NaN, and -0.0 is not 0.0."""
    return struct.pack(">d", one) == struct.pack(">d", two) or (math.isnan(one) and math.isnan(two))


def test_decode_cases_cover_every_layout():
    functions = {b.function for _, b in DECODE_CASES}
    assert functions == {1, 2, 3, 4}
    assert any(b.count > sum(q.size for q in b.quantities) for _, b in DECODE_CASES)  # holes
    assert any(q.word_order == "little" and q.size > 1 for _, b in DECODE_CASES for q in b.quantities)
    assert {t.id for t, _ in DECODE_CASES} >= set(SHIPPED) - {"dlt645_meter"}


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(DECODE_CASES), st.data(), RATIO, RATIO)
def test_decode_block_equals_the_plain_decoding(case, data, pt, ct):
    template, block = case
    extra = data.draw(st.integers(0, 7))  # replies may be longer: bits padded to bytes
    if block.function in (1, 2):
        words = data.draw(st.lists(st.booleans(), min_size=block.count + extra, max_size=block.count + extra))
    else:
        words = data.draw(st.lists(WORDS, min_size=block.count + extra, max_size=block.count + extra))
    fast = template.decode_block(block, words, pt, ct)
    plain = reference_decode(block, words, pt, ct)
    assert list(fast) == list(plain)  # same quantities, in block order
    for qid, value in plain.items():
        assert type(fast[qid]) is type(value) and same(fast[qid], value), (template.id, qid, fast[qid], value)
    again = template.decode_block(block, words, pt, ct)  # the kept decoder this time
    assert all(same(again[qid], value) for qid, value in fast.items())
