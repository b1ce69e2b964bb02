"""Device templates: the shipped library, read planning (blocks), decoding, physical values.

The YAML loader's messages are in test_template_file.py, its robustness against damaged files in
test_template_file_fuzz.py, and the fast decoder's comparison with a plain one in
test_template_decode_fast.py.
"""

import itertools
import math

import pytest

from drivers.registers import decode, encode, register_count
from drivers.templates import (
    CATEGORIES,
    DEFAULT_LIBRARY,
    MAX_BITS,
    UNITS,
    Block,
    Quantity,
    Template,
    load_library,
)
from tests.unit.template_cases import SHIPPED


@pytest.fixture(scope="module")
def library() -> dict[str, Template]:
    return load_library()


def modbus(library: dict[str, Template]) -> list[Template]:
    return [t for t in library.values() if t.protocol == "modbus"]


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
