"""Device templates: the shipped library, read planning, decoding, and the loader's errors."""

import itertools
import math
import re
import struct
import tempfile
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.registers import TYPES, decode, encode, register_count
from drivers.templates import (
    CATEGORIES,
    DEFAULT_LIBRARY,
    MAX_BITS,
    UNITS,
    Block,
    Quantity,
    Template,
    TemplateError,
    load_library,
    load_template,
)

SHIPPED = ("acrel_pz96", "cl7331m", "dlt645_meter", "eb10", "env_io", "sdm630", "tcu_bwdk")


@pytest.fixture(scope="module")
def library() -> dict[str, Template]:
    return load_library()


def modbus(library: dict[str, Template]) -> list[Template]:
    return [t for t in library.values() if t.protocol == "modbus"]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    return [str(p) for p in caught.value.errors]


# ---- the shipped library -------------------------------------------------------------------


def test_default_library_is_the_resources_folder():
    assert DEFAULT_LIBRARY.parts[-2:] == ("resources", "devices")
    assert DEFAULT_LIBRARY.is_dir()


def test_every_shipped_template_loads(library):
    assert set(SHIPPED) <= set(library)
    for tid, template in library.items():
        assert template.id == tid
        assert template.name_zh and template.name_en
        assert template.category in CATEGORIES
        assert template.quantities
        for q in template.quantities:
            assert q.name_zh and q.name_en and q.unit in UNITS
            assert template.quantity(q.id) is q


def test_cl7331m_has_the_class_quantities(library):
    t = library["cl7331m"]
    text = (
        "Ua Ub Uc Uab Ubc Uca Ia Ib Ic I0 Pa Pb Pc P Qa Qb Qc Q Sa Sb Sc S PFa PFb PFc PF F "
        "EPimp EPexp EQimp EQexp EPimp_T1 EPimp_T2 EPimp_T3 EPimp_T4 Pdmd Pdmd_max "
        "THD_Ua THD_Ub THD_Uc THD_Ia THD_Ib THD_Ic U_unb I_unb DO1 DO2 DI1 DI2 DI3 DI4"
    )
    wanted = text.split(" ")
    assert sorted(q.id for q in t.quantities) == sorted(wanted)
    assert t.quantity("EPimp").kind == "counter" and t.quantity("EPimp").unit == "kWh"
    assert t.quantity("EQexp").unit == "kvarh"
    assert (t.quantity("DO1").function, t.quantity("DO1").writable) == (1, True)
    assert (t.quantity("DI4").function, t.quantity("DI4").writable) == (2, False)
    assert t.quantity("Ua").type == "f32"


def test_sdm630_matches_the_published_map(library):
    t = library["sdm630"]
    published = {
        "Ua": 0x00, "Ub": 0x02, "Uc": 0x04, "Ia": 0x06, "Ib": 0x08, "Ic": 0x0A,
        "Pa": 0x0C, "Pb": 0x0E, "Pc": 0x10, "Sa": 0x12, "Sb": 0x14, "Sc": 0x16,
        "Qa": 0x18, "Qb": 0x1A, "Qc": 0x1C, "PFa": 0x1E, "PFb": 0x20, "PFc": 0x22,
        "P": 0x34, "S": 0x38, "Q": 0x3C, "PF": 0x3E, "F": 0x46, "EPimp": 0x48, "EPexp": 0x4A,
    }  # fmt: skip
    assert {q.id: q.address for q in t.quantities} == published
    assert {(q.function, q.type, q.word_order) for q in t.quantities} == {(4, "f32", "big")}


def test_dlt645_meter_uses_the_standard_identifiers(library):
    t = library["dlt645_meter"]
    assert t.protocol == "dlt645" and t.blocks() == []
    layout = {q.id: (q.di, q.length, q.decimals, q.signed) for q in t.quantities}
    assert layout["EP"] == (0x00000000, 4, 2, True)
    assert layout["EPimp"] == (0x00010000, 4, 2, False)
    assert layout["EPexp"] == (0x00020000, 4, 2, False)
    assert layout["Ub"] == (0x02010200, 2, 1, False)
    assert layout["Ic"] == (0x02020300, 3, 3, True)
    assert layout["P"] == (0x02030000, 3, 4, True)
    assert [layout[p][0] for p in ("Pa", "Pb", "Pc")] == [0x02030100, 0x02030200, 0x02030300]
    assert layout["Q"] == (0x02040000, 3, 4, True)
    assert layout["S"][:2] == (0x02050000, 3)
    assert layout["PF"] == (0x02060000, 2, 3, True)
    assert layout["F"] == (0x02800002, 2, 2, False)
    assert all(q.function is None and q.address is None for q in t.quantities)


def test_dlt645_ranges_fit_the_bcd_format(library):
    for q in library["dlt645_meter"].quantities:
        digits = 2 * q.length
        largest = ((8 * 10 ** (digits - 1) if q.signed else 10**digits) - 1) / 10**q.decimals
        assert -largest <= q.range[0] and q.range[1] <= largest, q.id
        assert q.range[0] >= 0 or q.signed, q.id


def test_eb10_expands_40_circuits(library):
    t = library["eb10"]
    assert t.circuits == 40
    assert len(t.quantities) == 4 + 4 * 40
    currents = [t.quantity(f"C{n}.I") for n in range(1, 41)]
    assert [q.address for q in currents] == list(range(0x0100, 0x0128))
    assert t.quantity("C40.EPimp").address == 0x0400 + 2 * 39
    assert t.quantity("C12.PF").address == 0x0300 + 11
    assert (t.quantity("C40.I").name_zh, t.quantity("C40.I").name_en) == ("第40路电流", "Circuit 40 current")
    assert "C41.I" not in {q.id for q in t.quantities}


def test_unknown_quantity_names_the_template(library):
    with pytest.raises(KeyError) as caught:
        library["sdm630"].quantity("Uab")
    assert str(caught.value) == "template 'sdm630' has no quantity 'Uab'"


# ---- blocks ----------------------------------------------------------------------------------


@pytest.mark.parametrize("max_regs", [125, 64, 16, 4])
@pytest.mark.parametrize("max_gap", [0, 3, 200])
def test_blocks_cover_every_quantity_once_within_limits(library, max_regs, max_gap):
    for t in modbus(library):
        blocks = t.blocks(max_regs=max_regs, max_gap=max_gap)
        seen = [q.id for b in blocks for q in b.quantities]
        assert sorted(seen) == sorted(q.id for q in t.quantities), t.id
        for b in blocks:
            assert b.count <= (MAX_BITS if b.function in (1, 2) else max_regs)
            for q in b.quantities:
                assert q.function == b.function
                assert b.address <= q.address and q.address + q.size <= b.address + b.count
        for one, two in itertools.pairwise(blocks):
            if one.function == two.function:
                assert one.address + one.count <= two.address  # ordered, never overlapping
            else:
                assert one.function < two.function


def test_contiguous_ranges_merge_and_gaps_split(library):
    t = library["cl7331m"]
    plan = [(b.function, b.address, b.count, len(b.quantities)) for b in t.blocks()]
    assert plan == [(1, 0, 2, 2), (2, 0, 4, 4), (3, 0x0000, 62, 31), (3, 0x0040, 12, 6), (3, 0x0100, 16, 8)]
    gap = [(b.function, b.address, b.count) for b in t.blocks(max_gap=2)]
    assert gap == [(1, 0, 2), (2, 0, 4), (3, 0x0000, 76), (3, 0x0100, 16)]


def test_blocks_respect_max_regs(library):
    t = library["eb10"]
    assert [(b.address, b.count) for b in t.blocks()] == [
        (0x0000, 4), (0x0100, 40), (0x0200, 40), (0x0300, 40), (0x0400, 80),
    ]  # fmt: skip
    assert t.blocks(max_gap=0x1000) == t.blocks()  # holes would be read, but every merge exceeds 125
    assert [(b.address, b.count) for b in t.blocks(max_regs=30)][-3:] == [
        (0x0400, 30),
        (0x041E, 30),
        (0x043C, 20),
    ]


def test_bits_of_one_register_share_it(library):
    t = library["tcu_bwdk"]
    status = [b for b in t.blocks() if b.address == 0x0010]
    assert len(status) == 1 and status[0].count == 1
    assert [q.id for q in status[0].quantities] == ["fan", "alarm", "trip", "sensor_fault", "fan_fault"]


def test_blocks_are_deterministic_and_reusable(library):
    t = library["acrel_pz96"]
    assert t.blocks() == t.blocks()
    assert t.blocks()[0] is t.blocks()[0]  # planned once per setting


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_regs": 126}, "max_regs must be 1..125 registers, got 126"),
        ({"max_regs": 0}, "max_regs must be 1..125 registers, got 0"),
        ({"max_gap": -1}, "max_gap must be a whole number of registers >= 0, got -1"),
        ({"max_regs": 1}, "Ua takes 2 registers, more than max_regs=1"),
    ],
)
def test_bad_block_limits(library, kwargs, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        library["cl7331m"].blocks(**kwargs)


# ---- decoding --------------------------------------------------------------------------------


def block_of(template: Template, qid: str, max_gap: int = 0):
    return next(b for b in template.blocks(max_gap=max_gap) if any(q.id == qid for q in b.quantities))


def test_decode_acrel_with_pt_and_ct(library):
    t = library["acrel_pz96"]
    block = block_of(t, "Ua")
    words = [0] * block.count
    words[0x00] = 577  # 57.7 V secondary of a 10 kV / 100 V PT (ratio 100)
    words[0x06] = 350  # 3.50 A secondary of a 200/5 CT (ratio 40)
    words[0x0C] = encode(-1234, "s16")[0]  # -1.234 kW secondary, exporting
    words[0x18] = encode(-1000, "s16")[0]  # PF -1.000
    words[0x19] = 5002  # 50.02 Hz
    values = t.decode_block(block, words, pt=100.0, ct=40.0)
    assert values["Ua"] == pytest.approx(5770.0)
    assert values["Ia"] == pytest.approx(140.0)
    assert values["P"] == pytest.approx(-1.234 * 100 * 40)
    assert values["PF"] == pytest.approx(-1.0)
    assert values["F"] == pytest.approx(50.02)
    assert values["Ub"] == 0.0
    assert set(values) == {q.id for q in block.quantities}
    assert t.decode_block(block, words)["Ua"] == pytest.approx(57.7)


def test_decode_acrel_energy_and_status_bits(library):
    t = library["acrel_pz96"]
    energy = block_of(t, "EPimp")
    words = [0x0001, 0x86A0] + [0] * (energy.count - 2)  # 100000 Wh
    assert t.decode_block(energy, words, pt=10.0, ct=20.0)["EPimp"] == pytest.approx(100.0 * 200)
    status = block_of(t, "DI1")
    assert t.decode_block(status, [0b10]) == {"DI1": 0.0, "DI2": 1.0}


def test_decode_cl7331m_floats_energy_coils_and_inputs(library):
    t = library["cl7331m"]
    block = block_of(t, "Ua")
    words = [0] * block.count
    words[0:2] = encode(230.0, "f32")
    words[0x1A:0x1C] = encode(-12.5, "f32")
    words[0x34:0x36] = encode(49.95, "f32")
    values = t.decode_block(block, words, pt=1.0, ct=50.0)
    assert values["Ua"] == 230.0
    assert values["P"] == pytest.approx(-625.0)
    assert values["F"] == pytest.approx(49.95, abs=1e-5)
    energy = block_of(t, "EPimp")
    words = [0] * energy.count
    words[0x08:0x0A] = encode(123456789, "u32")  # EPimp_T1 at 0x0108
    assert t.decode_block(energy, words, ct=2.0)["EPimp_T1"] == pytest.approx(2469135.78)
    coils = block_of(t, "DO1")
    assert t.decode_block(coils, [True, False, False, False, False, False, False, False]) == {
        "DO1": 1.0,
        "DO2": 0.0,
    }
    inputs = block_of(t, "DI1")
    assert t.decode_block(inputs, [0, 1, 1, 0]) == {"DI1": 0.0, "DI2": 1.0, "DI3": 1.0, "DI4": 0.0}


def test_decode_tcu_temperatures_and_flags(library):
    t = library["tcu_bwdk"]
    temps = block_of(t, "TA")
    values = t.decode_block(temps, [850, encode(-100, "s16")[0], 0x7FFF, 655])
    assert values == pytest.approx({"TA": 85.0, "TB": -10.0, "TC": 3276.7, "Tcore": 65.5})
    assert not t.quantity("TC").in_range(values["TC"])  # an open Pt100 reads as a bad value
    flags = t.decode_block(block_of(t, "fan"), [0b01011])
    assert flags == {"fan": 1.0, "alarm": 1.0, "trip": 0.0, "sensor_fault": 1.0, "fan_fault": 0.0}


def test_decode_eb10_last_circuit(library):
    t = library["eb10"]
    block = block_of(t, "C40.EPimp")
    words = [0] * block.count
    words[78:80] = encode(987654, "u32")
    assert t.decode_block(block, words)["C40.EPimp"] == pytest.approx(9876.54)


def test_decode_block_needs_the_whole_block(library):
    t = library["cl7331m"]
    with pytest.raises(ValueError, match=r"^cl7331m: block FC03 at 0 needs 62 registers, got 61$"):
        t.decode_block(block_of(t, "Ua"), [0] * 61)
    with pytest.raises(ValueError, match="not a 16-bit unsigned integer"):
        t.decode_block(block_of(t, "Ua"), [70000] * 62)


def test_decode_gap_registers_are_ignored(library):
    t = library["cl7331m"]
    block = block_of(t, "Ua", max_gap=2)
    words = [0] * block.count
    words[0x3E:0x40] = [0xFFFF, 0xFFFF]  # the reserved hole between I_unb and THD_Ua: a NaN if decoded
    values = t.decode_block(block, words)
    assert "U_unb" in values and values["THD_Ua"] == 0.0


def test_decode_checks_every_register_of_the_block(library):
    t = library["cl7331m"]
    block = block_of(t, "Ua", max_gap=2)
    words = [0] * block.count
    words[0x3E] = 70000  # in the hole: never decoded, still not a register value
    with pytest.raises(ValueError, match=r"^cl7331m: register 0x003e holds 70000, not a 16-bit unsigned integer"):
        t.decode_block(block, words)
    status = block_of(library["tcu_bwdk"], "fan")
    with pytest.raises(ValueError, match="register 0x0010 holds -1, not a 16-bit"):
        library["tcu_bwdk"].decode_block(status, [-1])


def test_decode_accepts_longer_replies_and_equal_blocks(library):
    t = library["acrel_pz96"]
    block = block_of(t, "Ua")
    words = [577] * block.count
    again = Block(block.function, block.address, block.count, block.quantities)  # equal, not the same
    assert t.decode_block(again, (*words, 1, 2)) == t.decode_block(block, words)


def test_decode_rejects_a_quantity_outside_its_block():
    q = Quantity("U", "电压", "Voltage", "V", "analog", function=3, address=10, type="f32")
    t = Template("hand", "手工", "Hand made", "modbus", "environment", (q,))
    with pytest.raises(ValueError, match=r"^hand: U \(FC03 at 10\) is not inside block FC03 at 9 of 2$"):
        t.decode_block(Block(3, 9, 2, (q,)), [0, 0])
    with pytest.raises(ValueError, match="not inside block FC04"):
        t.decode_block(Block(4, 10, 2, (q,)), [0, 0])


# ---- decoding: the precompiled path against the plain one ----------------------------------


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


# ---- physical values and ranges ----------------------------------------------------------------


def resolution(q: Quantity, pt: float, ct: float) -> float:
    step = abs(q.physical(1, pt, ct))
    return step / 2 + 1e-9 if q.type in ("u16", "s16", "u32", "s32", "u64", "s64") else 0.0


@pytest.mark.parametrize(("pt", "ct"), [(1.0, 1.0), (100.0, 40.0), (35.0, 0.2)])
def test_physical_round_trips_through_the_registers(library, pt, ct):
    """What a meter reports in physical units comes back out, within one raw step."""
    for t in modbus(library):
        for q in t.quantities:
            if q.type == "bit" or q.kind == "digital":
                continue
            low, high = q.range
            for fraction in (0.0, 0.013, 0.25, 0.5, 0.77, 1.0):
                value = low * q._factor(pt, ct) + (high - low) * q._factor(pt, ct) * fraction
                regs = encode(q.raw_for(value, pt, ct), q.type, q.word_order)
                assert len(regs) == register_count(q.type)
                back = q.physical(decode(regs, q.type, q.word_order), pt, ct)
                tolerance = resolution(q, pt, ct) or abs(value) * 1e-7 + 1e-30
                assert back == pytest.approx(value, abs=tolerance), (t.id, q.id, value)
                assert q.in_range(back, pt, ct) or math.isclose(back, value), (t.id, q.id)


def test_physical_and_raw_for_apply_the_ratio():
    q = Quantity("P", "有功", "P", "kW", "analog", function=3, address=0, type="s16", scale=0.001, ratio="ptct")
    assert q.physical(1000, pt=100, ct=40) == pytest.approx(4000.0)
    assert q.raw_for(4000.0, pt=100, ct=40) == pytest.approx(1000)
    assert Quantity("U", "电压", "U", "V", "analog", scale=0.1, ratio="pt").physical(2300, pt=2, ct=9) == 460
    assert Quantity("I", "电流", "I", "A", "analog", scale=0.01, ratio="ct").physical(500, pt=9, ct=3) == 15
    assert Quantity("F", "频率", "F", "Hz", "analog", scale=0.01).physical(5000, pt=9, ct=9) == 50
    with pytest.raises(ValueError, match=r"^P: the PT and CT ratios must not be zero$"):
        q.raw_for(1.0, pt=0.0)


def test_range_is_stated_at_ratio_one_and_grows_with_it(library):
    ua = library["cl7331m"].quantity("Ua")
    assert ua.in_range(230.0) and not ua.in_range(5770.0)
    assert ua.in_range(5770.0, pt=100.0)
    assert not ua.in_range(-1.0, pt=100.0)
    assert not ua.in_range(math.nan)
    assert ua.range_at(pt=100.0) == (0.0, 60000.0)
    assert library["acrel_pz96"].quantity("P").range_at(pt=10.0, ct=2.0) == (-600.0, 600.0)
    assert library["acrel_pz96"].quantity("PF").range_at(pt=10.0, ct=2.0) == (-1.0, 1.0)
    assert library["acrel_pz96"].quantity("DI1").range_at() is None
    assert library["cl7331m"].quantity("DO1").in_range(1.0)


# ---- the loader: good files ----------------------------------------------------------------------

MINIMAL = textwrap.dedent("""
    name: {zh: 测试表, en: Test meter}
    protocol: modbus
    category: multifunction_meter
""").lstrip()


def test_yaml_12_scalars(tmp_path):
    path = write(tmp_path, "yaml12.yaml", textwrap.indent(MINIMAL, "    ") + """
    quantities:
      - {id: on, name: {zh: 开, en: On}, function: 2, address: 0100}
      - {id: "no", name: {zh: 否, en: No}, function: 2, address: "0x10"}
      - {id: Ua, name: {zh: 电压, en: U}, unit: V, function: 3, address: 0x20, type: f32, scale: 1e-3}
    """)  # fmt: skip
    t = load_template(path)
    assert [(q.id, q.address) for q in t.quantities] == [("on", 100), ("no", 16), ("Ua", 32)]
    assert t.quantity("Ua").scale == 0.001


def test_defaults_and_top_level_stride(tmp_path):
    path = write(tmp_path, "rail.yaml", """
    id: rail
    name: {zh: 导轨表, en: Rail meter}
    protocol: modbus
    category: rail_meter
    circuits: 3
    stride: 8
    defaults: {function: 4, type: s32, word_order: little, scale: 0.5}
    quantities:
      - {id: "L{n}.P", name: {zh: "{n}路功率", en: "P{n}"}, unit: kW, address: 0x10}
      - {id: "L{n}.I", name: {zh: "{n}路电流", en: "I{n}"}, unit: A, address: 0x12, type: u16, scale: 1}
    """)  # fmt: skip
    t = load_template(path)
    assert [(q.id, q.address) for q in t.quantities] == [
        ("L1.P", 0x10), ("L2.P", 0x18), ("L3.P", 0x20), ("L1.I", 0x12), ("L2.I", 0x1A), ("L3.I", 0x22),
    ]  # fmt: skip
    p = t.quantity("L2.P")
    assert (p.function, p.type, p.word_order, p.scale) == (4, "s32", "little", 0.5)
    assert t.quantity("L3.I").type == "u16" and t.quantity("L3.I").scale == 1.0
    assert [(b.address, b.count) for b in t.blocks(max_gap=8)] == [(0x10, 19)]


def test_library_reports_every_bad_file(tmp_path):
    write(
        tmp_path,
        "good.yaml",
        MINIMAL + "quantities:\n  - {id: d, name: {zh: 开, en: In}, function: 2, address: 0}\n",
    )
    write(tmp_path, "bad1.yaml", MINIMAL + "quantities: []\n")
    write(tmp_path, "bad2.yaml", "name: [\n")
    with pytest.raises(TemplateError) as caught:
        load_library(tmp_path)
    assert [str(p) for p in caught.value.errors] == [
        "bad1.yaml: quantities: must be a non-empty list of quantities",
        "bad2.yaml: line 2: not valid YAML: expected the node content, but found '<stream end>' (column 1)",
    ]
    (tmp_path / "bad1.yaml").unlink()
    (tmp_path / "bad2.yaml").unlink()
    assert list(load_library(tmp_path)) == ["good"]


def test_library_folder_must_exist(tmp_path):
    with pytest.raises(TemplateError, match=re.escape("nowhere: (folder): no such folder of device templates")):
        load_library(tmp_path / "nowhere")


# ---- the loader: bad files ------------------------------------------------------------------------

Q = "{id: Ua, name: {zh: 电压, en: U}, unit: V, function: 3, address: 0, type: f32"


def ua(**changes: object) -> str:
    """A voltage quantity as a YAML flow mapping, with some fields changed (None drops one)."""
    fields = {
        "id": "Ua",
        "name": "{zh: 电压, en: U}",
        "unit": "V",
        "function": 3,
        "address": 0,
        "type": "f32",
    }
    fields.update(changes)
    return "{" + ", ".join(f"{k}: {v}" for k, v in fields.items() if v is not None) + "}"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"  - {Q}, adress: 1}}", "quantities[0].adress: unknown key (did you mean 'address'?)"),
        (f"  - {Q}, colour: red}}", "quantities[0].colour: unknown key; expected one of id, name, unit"),
        (
            "  - {id: Ua, name: {zh: 电压, en: U}, unit: V, function: 3, address: 0, type: f33}",
            "quantities[0].type: 'f33' is not one of u16, s16, u32, s32, u64, s64, f32, f64",
        ),
        (f"  - {ua(function=5)}", "quantities[0].function: 5 is not one of 1, 2, 3, 4"),
        (f"  - {Q}, ratio: pt*ct}}", "quantities[0].ratio: 'pt*ct' is not one of none, pt, ct, ptct"),
        (f"  - {ua(unit='v')}", "quantities[0].unit: 'v' is not one of , V, kV"),
        (
            "  - {id: S1, name: {zh: 状态, en: S}, function: 3, address: 0, bit: 16}",
            "quantities[0].bit: 16 is out of range 0..15",
        ),
        (
            "  - {id: S1, name: {zh: 状态, en: S}, function: 2, address: 0, bit: 1}",
            "quantities[0].bit: coils and discrete inputs are one bit per address",
        ),
        (
            "  - {id: S1, name: {zh: 状态, en: S}, function: 3, address: 0, type: bit}",
            "quantities[0].type: a bit in a register needs bit: 0..15",
        ),
        (
            "  - {id: Ua, unit: V, function: 3, address: 0, type: f32}",
            "quantities[0].name: missing: give the name as {zh: ..., en: ...}",
        ),
        (
            "  - {id: Ua, name: {zh: 电压}, unit: V, function: 3, address: 0, type: f32}",
            "quantities[0].name.en: missing: the English name",
        ),
        (
            "  - {id: Ua, name: {zh: 电压, en: '  '}, unit: V, function: 3, address: 0, type: f32}",
            "quantities[0].name.en: must not be empty",
        ),
        (
            "  - {name: {zh: 电压, en: U}, unit: V, function: 3, address: 0, type: f32}",
            "quantities[0].id: missing: every quantity needs an id, e.g. Ua",
        ),
        (f"  - {ua(id='U a')}", "quantities[0].id: 'U a' is not an id"),
        (
            "  - {id: Ua, name: {zh: 电压, en: U}, function: 3, address: 0, type: f32}",
            "quantities[0].unit: missing: e.g. V, A, kW, kWh",
        ),
        (
            "  - {id: Ua, name: {zh: 电压, en: U}, unit: V, function: 3, address: 0xFFFF, type: f32}",
            "quantities[0].address: Ua at 0xffff + 2 register(s) runs past 0xFFFF",
        ),
        (
            "  - {id: Ua, name: {zh: 电压, en: U}, unit: V, function: 3, address: 0x10000, type: f32}",
            "quantities[0].address: 0x10000 is out of range 0..65535",
        ),
        (
            "  - {id: Ua, name: {zh: 电压, en: U}, unit: V, function: 3, type: f32}",
            "quantities[0].address: missing: the 0-based address, e.g. 0x0010",
        ),
        (f"  - {Q}}}\n  - {Q}}}", "quantities[1].id: 'Ua' is already the id of quantities[0]"),
        (
            f"  - {ua()}\n  - {ua(id='Ub', address=1)}",
            "quantities[1].address: FC03 address 0x0001 is already Ua (quantities[0])",
        ),
        (
            f"  - {Q}}}\n  - {{id: S1, name: {{zh: 状态, en: S}}, function: 3, address: 1, bit: 2}}",
            "quantities[1].address: FC03 address 0x0001 bit 2 is already Ua (quantities[0])",
        ),
        (
            "  - {id: S1, name: {zh: 状态, en: S}, function: 3, address: 1, bit: 2}\n"
            "  - {id: S2, name: {zh: 状态, en: S}, function: 3, address: 1, bit: 2}",
            "quantities[1].address: FC03 address 0x0001 bit 2 is already S1 (quantities[0])",
        ),
        (
            "  - {id: S1, name: {zh: 状态, en: S}, function: 3, address: 1, bit: 2}\n"
            "  - {id: W, name: {zh: 字, en: W}, unit: '', function: 3, address: 1, type: u16}",
            "quantities[1].address: FC03 address 0x0001 is already S1 (quantities[0])",
        ),
        (f"  - {Q}, writable: yes}}", "quantities[0].writable: 'yes' is not true or false"),
        (
            "  - {id: D, name: {zh: 开入, en: D}, function: 2, address: 0, writable: true}",
            "quantities[0].writable: function 2 is read-only",
        ),
        (
            "  - {id: D, name: {zh: 开入, en: D}, function: 2, address: 0, kind: counter}",
            "quantities[0].kind: 'counter' does not fit a single bit: a bit is kind digital",
        ),
        (
            "  - {id: D, name: {zh: 开入, en: D}, function: 3, address: 0, type: f32, kind: digital}",
            "quantities[0].kind: a digital is a bit or an integer register, not f32",
        ),
        (
            "  - {id: D, name: {zh: 开入, en: D}, function: 2, address: 0, range: [0, 1]}",
            "quantities[0].range: a digital has no range",
        ),
        (f"  - {Q}, range: [5, 1]}}", "quantities[0].range: [5, 1] is not [low, high] with low < high"),
        (f"  - {Q}, scale: 0}}", "quantities[0].scale: must not be 0: every reading would be 0"),
        (f"  - {Q}, scale: x}}", "quantities[0].scale: 'x' is not a finite number"),
        (
            f"  - {Q}, di: 02010100}}",
            "quantities[0].di: 'di' belongs to dlt645 templates; this one's protocol",
        ),
        (f"  - {ua(id=repr('C{n}.U'))}", "quantities[0].id: 'C{n}.U' repeats per circuit ({n}) but the"),
        (
            f"  - {Q}, stride: 2}}",
            "quantities[0].stride: only a quantity whose id has {n} repeats per circuit",
        ),
        ("  - 17", "quantities[0]: 17 is not a mapping of quantity fields"),
    ],
)
def test_bad_quantity(tmp_path, body, expected):
    found = problems(_bad(tmp_path, body))
    assert any(p.startswith(f"bad.yaml: {expected}") for p in found), found


def _bad(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL + "quantities:\n" + body + "\n", encoding="utf-8")
    return path


DLT = """
    name: {zh: 电能表, en: Meter}
    protocol: dlt645
    category: revenue_meter
    quantities:
"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "  - {id: Ua, name: {zh: 电压, en: U}, unit: V}",
            [
                "quantities[0].di: missing: a DL/T645 quantity needs di, length and decimals",
                "quantities[0].length: missing: a DL/T645 quantity needs di, length and decimals",
                "quantities[0].decimals: missing: a DL/T645 quantity needs di, length and decimals",
            ],
        ),
        (
            "  - {id: Ua, name: {zh: 电压, en: U}, unit: V, di: 0201010, length: 2, decimals: 1}",
            ["quantities[0].di: '0201010' is not a data identifier: write 8 hex digits, e.g. 02010100"],
        ),
        (
            "  - {id: Ua, name: {zh: 电压, en: U}, unit: V, di: 02010100, length: 2, decimals: 5}",
            ["quantities[0].decimals: 5 is out of range 0..4"],
        ),
        (
            "  - {id: Ua, name: {zh: 电压, en: U}, unit: V, di: 02010100, length: 2, decimals: 1, address: 3}",
            ["quantities[0].address: 'address' belongs to modbus templates; this one's protocol is dlt645"],
        ),
        (
            "  - {id: Ua, name: {zh: 电压, en: U}, unit: V, di: 02010100, length: 2, decimals: 1}\n"
            "  - {id: Ub, name: {zh: 电压, en: U}, unit: V, di: 0x02010100, length: 2, decimals: 1}",
            ["quantities[1].di: DI 02010100 is already Ua (quantities[0])"],
        ),
        (
            "  - {id: On, name: {zh: 开, en: On}, unit: '', di: 10000000, length: 1, decimals: 0, kind: digital}",
            ["quantities[0].kind: 'digital' is not one of analog, counter"],
        ),
    ],
)
def test_bad_dlt645_quantity(tmp_path, body, expected):
    path = write(tmp_path, "m.yaml", DLT)
    path.write_text(path.read_text(encoding="utf-8") + body + "\n", encoding="utf-8")
    assert problems(path) == [f"m.yaml: {e}" for e in expected]


def test_dlt645_identifier_spellings(tmp_path):
    path = write(tmp_path, "m.yaml", DLT)
    rows = ["00000000", "0x02800002", "'0201FF00'", "10000000"]
    body = "".join(
        f"  - {{id: q{i}, name: {{zh: 量, en: Q}}, unit: V, di: {di}, length: 2, decimals: 1}}\n"
        for i, di in enumerate(rows)
    )
    path.write_text(path.read_text(encoding="utf-8") + body, encoding="utf-8")
    assert [q.di for q in load_template(path).quantities] == [0, 0x02800002, 0x0201FF00, 0x10000000]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: {zh: 表, en: M}\nprotocol: modbus\ncategory: meter\nquantities: []\n",
            [
                "category: 'meter' is not one of multifunction_meter, rail_meter, revenue_meter, "
                "temperature_controller, environment",
                "quantities: must be a non-empty list of quantities",
            ],
        ),
        (
            "name: {zh: 表, en: M}\ncategory: rail_meter\nquantities: [{}]\n",
            ["protocol: missing: one of modbus, dlt645"],
        ),
        (
            "id: other\nname: {zh: 表, en: M}\nprotocol: dlt645\ncategory: revenue_meter\ncircuits: 2\n"
            "quantities:\n  - {id: E, name: {zh: 电能, en: E}, unit: kWh,"
            " di: 00010000, length: 4, decimals: 2}\n",
            [
                "id: 'other' is not the file name: a template's id is its file stem 't'",
                "circuits: a DL/T645 template describes one meter: circuits are for Modbus rail meters",
            ],
        ),
        (
            "name: {zh: 表, en: M}\nprotocol: modbus\ncategory: rail_meter\ncircuits: 4\nstride: 0\n"
            f"quantities:\n  - {Q}}}\n",
            [
                "stride: 0 is out of range 1..65535",
                "circuits: 4 circuits, but no quantity id has {n} to repeat per circuit",
            ],
        ),
        (
            "name: {zh: 表, en: M}\nprotocol: modbus\ncategory: rail_meter\ncircuits: 4\n"
            f"quantities:\n  - {ua(id=repr('C{n}.U'))}\n",
            ["quantities[0].stride: missing: registers from one circuit to the next (here or at the top)"],
        ),
        (
            f"name: {{zh: 表, en: M}}\nprotocol: modbus\ncategory: rail_meter\nstride: 2\nquantities:\n  - {Q}}}\n",
            ["stride: a stride needs circuits: N (N > 1)"],
        ),
        (
            "name: {zh: 表, en: M}\nprotocol: modbus\ncategory: rail_meter\n"
            "defaults: {function: 9, type: float, adress: 1}\nquantities:\n"
            "  - {id: Ua, name: {zh: 电压, en: U}, unit: V, address: 0}\n"
            "  - {id: Ub, name: {zh: 电压, en: U}, unit: V, address: 2}\n",
            [
                "defaults.adress: unknown key; expected one of function, type, word_order, scale",
                "defaults.function: 9 is not one of 1, 2, 3, 4",
                "defaults.type: 'float' is not one of u16, s16, u32, s32, u64, s64, f32, f64",
            ],
        ),
        (
            "name: {zh: 表, en: M}\nprotocol: dlt645\ncategory: revenue_meter\ndefaults: {type: f32}\n"
            "quantities:\n  - {id: E, name: {zh: 电能, en: E}, unit: kWh,"
            " di: 00010000, length: 4, decimals: 2}\n",
            ["defaults.type: 'type' belongs to modbus templates; this one's protocol is dlt645"],
        ),
        (
            "- just\n- a list\n",
            ["(document): the file must be a mapping: name, protocol, category, quantities"],
        ),
        ("", ["(document): the file must be a mapping: name, protocol, category, quantities"]),
        (
            "name: {zh: 表, en: M}\nprotocol: modbus\nprotocol: dlt645\n",
            ["line 3: duplicate key 'protocol' (column 1)"],
        ),
        (
            "name: {zh: 表, en: M}\nquantities:\n  - {id: Ua, unit: V\n  - {id: Ub}\n",
            [
                "line 4: not valid YAML: expected ',' or '}', but got '{' (column 5), "
                "while parsing a flow mapping from line 3"
            ],
        ),
    ],
)
def test_bad_template_level(tmp_path, text, expected):
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    assert problems(path) == [f"t.yaml: {e}" for e in expected]


def test_unreadable_files(tmp_path):
    [missing] = problems(tmp_path / "missing.yaml")
    assert missing.startswith("missing.yaml: (file): cannot read the file: ")  # then the system's words
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: {zh: 表}\n".encode("gb18030"))
    assert problems(latin) == ["latin.yaml: (file): not UTF-8 text (byte 11); save the file as UTF-8"]


def test_all_problems_in_one_pass(tmp_path):
    path = write(tmp_path, "cl7331m.yaml", """
    name: {zh: 测试表, en: Test meter}
    protocol: modbus
    category: multifunction_meter
    defaults: {function: 3, type: f32}
    quantities:
      - {id: Ua, name: {zh: A相电压, en: Phase A voltage}, unit: V, address: 0x0000}
      - {id: Ub, name: {zh: B相电压, en: Phase B voltage}, unit: V, adress: 0x0002}
      - {id: Uc, name: {zh: C相电压}, unit: V, address: 0x0004}
      - {id: Ia, name: {zh: A相电流, en: Phase A current}, unit: A, address: 0x0006, type: f33}
      - {id: Ua, name: {zh: A相电压, en: Phase A voltage}, unit: V, address: 0x0010, bit: 16}
    """)  # fmt: skip
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    error = caught.value
    assert [p.key for p in error.errors] == [
        "quantities[1].adress",
        "quantities[1].address",
        "quantities[2].name.en",
        "quantities[3].type",
        "quantities[4].bit",
        "quantities[4].id",
    ]
    assert (error.file, error.key) == ("cl7331m.yaml", "quantities[1].adress")
    assert error.reason == "unknown key (did you mean 'address'?)"
    assert str(error).count("\n") == 5


# Snapshots: the exact words an engineer reads.


def test_snapshot_wrong_type(tmp_path):
    path = _bad(tmp_path, "  - {id: Ua, name: {zh: 电压, en: U}, unit: V, function: 3, address: 0, type: f33}")
    path = path.rename(tmp_path / "cl7331m.yaml")
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    assert str(caught.value) == (
        "cl7331m.yaml: quantities[0].type: 'f33' is not one of u16, s16, u32, s32, u64, s64, f32, f64"
    )


def test_snapshot_several_errors(tmp_path):
    path = _bad(tmp_path, f"  - {ua()}\n  - {ua(id='Ub', address=1)}\n  - {ua(id='Uc', address=4, ratio='PT')}")
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    assert str(caught.value) == (
        "bad.yaml: quantities[2].ratio: 'PT' is not one of none, pt, ct, ptct\n"
        "bad.yaml: quantities[1].address: FC03 address 0x0001 is already Ua (quantities[0])"
    )


def test_snapshot_yaml_syntax_error(tmp_path):
    path = tmp_path / "env_io.yaml"
    path.write_text("name: {zh: 环境, en: Env}\nprotocol: modbus\ncategory: environment\nquantities:\n"
                    "  - id: temp\n    unit: °C\n   address: 0\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    assert str(caught.value) == (
        "env_io.yaml: line 7: not valid YAML: expected <block end>, but found '<block mapping start>' "
        "(column 4), while parsing a block collection from line 5"
    )


# ---- never a traceback -------------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["f32", "bit", "{n}", "C{n}.I", "0x10", "02010100", "pt", "digital", "3"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def load_data(data: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        try:
            template = load_template(path)
        except TemplateError as exc:
            assert exc.errors and all(p.file == "fuzz.yaml" and p.key and p.reason for p in exc.errors)
        else:
            template.blocks()


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SHIPPED), st.data())
def test_damaged_shipped_templates_fail_cleanly(name, data):
    """Any one field of a real template replaced by anything: a Template or a TemplateError."""
    tree = yaml.safe_load((DEFAULT_LIBRARY / f"{name}.yaml").read_text(encoding="utf-8"))
    places = []  # every (container, key) in the document

    def walk(node: object) -> None:
        for key in list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []:
            places.append((node, key))
            walk(node[key])

    walk(tree)
    container, key = data.draw(st.sampled_from(places))
    if data.draw(st.booleans()):
        container[key] = data.draw(VALUES)
    else:
        del container[key]
    load_data(tree)


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_arbitrary_documents_fail_cleanly(document):
    load_data(document)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="{}[]:,-#'\" \n\tabx01&*!|>%@`", max_size=60))
def test_arbitrary_text_fails_cleanly(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "junk.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(TemplateError):
            load_template(path)
