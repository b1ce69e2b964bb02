"""Device templates from YAML: good files, and the words each bad file gets.

An engineer writes these files by hand, so every mistake must name the file, the key and
what is wrong; the snapshots pin the exact text.
"""

import re
import textwrap
from pathlib import Path

import pytest

from drivers.templates import TemplateError, load_library, load_template


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    return [str(p) for p in caught.value.errors]


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
