"""Template files: reading a device model's YAML file and checking every field of it.

Engineers add device models by writing a YAML file in ``resources/devices`` instead of code,
so this reader is strict: unknown keys (typos), duplicate ids, overlapping registers and bad
types all fail, and every problem in a file is reported at once with its key path, as one
`TemplateError`.  What a template *is* (quantities, blocks, decoding) lives in
`drivers.templates`; this module only turns text into those objects.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from drivers import registers
from drivers.templates import (
    BIT_FUNCTIONS,
    CATEGORIES,
    DEFAULT_LIBRARY,
    FUNCTIONS,
    KINDS,
    PROTOCOLS,
    RATIOS,
    UNITS,
    Problem,
    Quantity,
    Template,
    TemplateError,
)

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


# ---- YAML reading --------------------------------------------------------------------------

_INT_TAG, _BOOL_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool"
_FLOAT_TAG = "tag:yaml.org,2002:float"


class _HexInt(int):
    """An integer written as 0x...: a data identifier written that way keeps its meaning."""


class _Loader(yaml.SafeLoader):
    """YAML with YAML 1.2 scalars and no duplicate keys.

    PyYAML speaks YAML 1.1, where ``02010100`` is an octal number and ``no``/``on`` are
    booleans; in a register map those are a DL/T645 identifier and an id.  Here only
    true/false are booleans, ``0x..`` is hex, and a number with a leading zero stays text so
    the field that reads it decides (decimal address, hex data identifier).
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | str:
    text = node.value.replace("_", "")
    digits = text.lstrip("+-")
    if digits[:2] in ("0x", "0X"):
        value = _HexInt(int(digits[2:], 16))
        return _HexInt(-value) if text.startswith("-") else value
    if digits[:2] in ("0o", "0O"):
        return int(text.replace("0o", "").replace("0O", ""), 8)
    if len(digits) > 1 and digits.startswith("0"):
        return node.value
    return int(text)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT_TAG, _BOOL_TAG, _FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(
    _INT_TAG,
    re.compile(r"^(?:[-+]?[0-9][0-9_]*|[-+]?0[xX][0-9a-fA-F_]+|0[oO][0-7_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Loader.add_constructor(_INT_TAG, _construct_int)


def _read_yaml(path: Path) -> tuple[Any, list[tuple[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [("(file)", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
    except OSError as exc:
        return None, [("(file)", f"cannot read the file: {exc.strerror or exc}")]
    try:
        return yaml.load(text, Loader=_Loader), []  # _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark else "(file)"
        column = f" (column {mark.column + 1})" if mark else ""
        prefix = "" if isinstance(exc, yaml.constructor.ConstructorError) else "not valid YAML: "
        start = exc.context_mark
        earlier = exc.context and start and mark and start.line < mark.line
        context = f", {exc.context} from line {start.line + 1}" if earlier else ""
        return None, [(where, f"{prefix}{exc.problem or exc.context}{column}{context}")]
    except yaml.YAMLError as exc:
        return None, [("(file)", f"not valid YAML: {exc}")]


# ---- checking ------------------------------------------------------------------------------

_ABSENT: Any = object()  # the key is not in the file
_INVALID: Any = object()  # a default that was wrong: reported once, not again per quantity
_Problems = list[tuple[str, str]]


class _Bad(Exception):
    """A value that does not fit its key; the message is the reason a person reads."""


def _show(value: object) -> str:
    return hex(value) if isinstance(value, _HexInt) else repr(value) if isinstance(value, str) else str(value)


class _Reader:
    """One YAML mapping being read: each value is parsed, and what is wrong is recorded."""

    def __init__(self, data: dict[Any, Any], path: str, problems: _Problems) -> None:
        self.data, self.path, self.problems = data, path, problems

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, reason: str) -> None:
        self.problems.append((self.at(key), reason))

    def known(self, allowed: Sequence[str], elsewhere: dict[str, str]) -> None:
        for key in self.data:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; expected one of {', '.join(allowed)}"
            plain = isinstance(key, str) and re.fullmatch(r"[^\s'\".\[\]]+", key)
            self.fail(key if plain else repr(key), elsewhere.get(key, f"unknown key{hint}"))

    def take(self, key: str, parse: Callable[[Any], Any], default: Any = _ABSENT, required: str = "") -> Any:
        value = self.data.get(key, default)
        if value is _ABSENT and required:
            self.fail(key, f"missing: {required}")
        if value is _ABSENT or value is _INVALID or (value is None and default is None):
            return None
        try:
            return parse(value)
        except _Bad as exc:
            self.fail(key, str(exc))
            return None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{_show(value)} is not text")
    if not value.strip():
        raise _Bad("must not be empty")
    return value.strip()


def _mapping(value: Any) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise _Bad(f"{_show(value)} is not a mapping of keys and values")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"{_show(value)} is not true or false")
    return value


def _scale(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Bad(f"{_show(value)} is not a finite number")
    if value == 0:
        raise _Bad("must not be 0: every reading would be 0")
    return float(value)


def _range(value: Any) -> tuple[float, float]:
    numbers = isinstance(value, list) and len(value) == 2
    if numbers and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        low, high = float(value[0]), float(value[1])
        if math.isfinite(low) and math.isfinite(high) and low < high:
            return low, high
    raise _Bad(f"{_show(value)} is not [low, high] with low < high")


def _one_of(*choices: Any) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if isinstance(value, bool) or value not in choices:
            raise _Bad(f"{_show(value)} is not one of {', '.join(map(str, choices))}")
        return value

    return parse


def _whole(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        number = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = int(value)
        elif isinstance(value, str) and re.fullmatch(r"\s*(0[xX][0-9a-fA-F_]+|[0-9_]+)\s*", value):
            text = value.strip().replace("_", "")
            number = int(text[2:], 16) if text[:2] in ("0x", "0X") else int(text)
        if number is None:
            raise _Bad(f"{_show(value)} is not a whole number")
        if not low <= number <= high:
            raise _Bad(f"{_show(value)} is out of range {low}..{high}")
        return number

    return parse


def _data_identifier(value: Any) -> int:
    """DL/T645 identifiers are 8 hex digits, written as the standard prints them."""
    if isinstance(value, _HexInt) and 0 <= value <= 0xFFFF_FFFF:
        return int(value)
    text = "" if isinstance(value, bool) else str(value).strip()
    text = text[2:] if text[:2] in ("0x", "0X") else text
    if not re.fullmatch(r"[0-9A-Fa-f]{8}", text):
        raise _Bad(f"{_show(value)} is not a data identifier: write 8 hex digits, e.g. 02010100")
    return int(text, 16)


def _quantity_list(value: Any) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise _Bad("must be a non-empty list of quantities")
    return value


def _names(r: _Reader, key: str = "name") -> tuple[str, str] | None:
    raw = r.take(key, _mapping, required="give the name as {zh: ..., en: ...}")
    if raw is None:
        return None
    names = _Reader(raw, r.at(key), r.problems)
    names.known(("zh", "en"), {})
    zh = names.take("zh", _text, required="the Chinese name")
    en = names.take("en", _text, required="the English name")
    return (zh, en) if zh and en else None


_TOP_KEYS = ("id", "name", "protocol", "category", "notes", "defaults", "circuits", "stride", "quantities")
_COMMON_KEYS = ("id", "name", "unit", "kind", "scale", "ratio", "range")
_KEYS = {
    "modbus": ("function", "address", "type", "word_order", "bit", "writable", "stride"),
    "dlt645": ("di", "length", "decimals", "signed"),
}
_DEFAULTS = {"modbus": ("function", "type", "word_order", "scale"), "dlt645": ("scale",)}
_INTEGERS = ("u16", "s16", "u32", "s32")


def _elsewhere(protocol: str | None) -> dict[str, str]:
    """Keys of the other protocol get a reason of their own: a wrong protocol, not a typo."""
    return {
        key: f"{key!r} belongs to {other} templates; this one's protocol is {protocol}"
        for other, keys in _KEYS.items()
        if protocol and other != protocol
        for key in keys
    }


@dataclass
class _Context:
    """What a quantity inherits from its template."""

    protocol: str
    defaults: dict[str, Any]
    circuits: int
    stride: int | None


def _quantity(raw: Any, path: str, ctx: _Context, problems: _Problems) -> list[Quantity]:
    """The quantities one list entry describes (one, or one per circuit); none if it is wrong."""
    if not isinstance(raw, dict):
        problems.append((path, f"{_show(raw)} is not a mapping of quantity fields"))
        return []
    before = len(problems)
    r = _Reader(raw, path, problems)
    modbus = ctx.protocol == "modbus"
    r.known(_COMMON_KEYS + _KEYS[ctx.protocol], _elsewhere(ctx.protocol))
    qid = r.take("id", _text, required="every quantity needs an id, e.g. Ua")
    if qid and not _ID.fullmatch(qid.replace("{n}", "1")):
        r.fail("id", f"{qid!r} is not an id: letters, digits and _, parts joined by '.', e.g. C{{n}}.Ia")
    names = _names(r)
    fields = _modbus_fields(r, ctx) if modbus else _dlt645_fields(r)
    fields["scale"] = r.take("scale", _scale, ctx.defaults.get("scale", 1.0))
    fields["ratio"] = r.take("ratio", _one_of(*RATIOS), "none")
    bit = fields.get("type") == "bit"
    kind = r.take("kind", _one_of(*(KINDS if modbus else ("analog", "counter"))), "digital" if bit else "analog")
    if bit and kind not in (None, "digital"):
        r.fail("kind", f"{kind!r} does not fit a single bit: a bit is kind digital")
    elif kind == "digital" and fields.get("type") not in (None, "bit", *_INTEGERS):
        r.fail("kind", f"a digital is a bit or an integer register, not {fields['type']}")
    unit = r.take("unit", _one_of(*UNITS), "" if kind == "digital" else _ABSENT, required="e.g. V, A, kW, kWh")
    fields["range"] = r.take("range", _range, None)
    if fields["range"] and kind == "digital":
        r.fail("range", "a digital has no range")
    copies = _circuits(r, qid, ctx) if qid else []
    if len(problems) > before or names is None or qid is None:
        return []
    address, stride = fields.pop("address", None), fields.pop("stride", 0)
    out = []
    for n in copies:
        at = address + (n - 1) * stride if n and address is not None else address
        zh, en = (text.replace("{n}", str(n)) for text in names)
        qid_n = qid.replace("{n}", str(n))
        out.append(Quantity(qid_n, zh, en, unit, kind, address=at, **fields))
    last = out[-1]
    if modbus and last.address is not None and last.address + last.size - 1 > 0xFFFF:
        r.fail("address", f"{last.id} at {last.address:#06x} + {last.size} register(s) runs past 0xFFFF")
        return []
    return out


def _modbus_fields(r: _Reader, ctx: _Context) -> dict[str, Any]:
    d = ctx.defaults
    function = r.take("function", _one_of(*FUNCTIONS), d.get("function", _ABSENT), required="1..4, here or in defaults")
    address = r.take("address", _whole(0, 0xFFFF), required="the 0-based address, e.g. 0x0010")
    bit = r.take("bit", _whole(0, 15), None)
    if function in BIT_FUNCTIONS:
        if bit is not None:
            r.fail("bit", "coils and discrete inputs are one bit per address: bit is for FC03/FC04")
        type_ = r.take("type", _one_of("bit"), "bit")
    elif bit is not None:
        type_ = r.take("type", _one_of("bit", "u16"), "bit") and "bit"
    elif r.data.get("type") == "bit":
        r.fail("type", "a bit in a register needs bit: 0..15 (or use function 1 or 2)")
        type_ = None
    else:
        type_ = r.take("type", _one_of(*registers.TYPES), d.get("type", _ABSENT), required="e.g. f32, u16")
    writable = r.take("writable", _flag, False)
    if writable and function in (2, 4):
        r.fail("writable", f"function {function} is read-only: only coils (1) and holding registers (3)")
    stride = r.take("stride", _whole(1, 0xFFFF), None)
    return {
        "function": function,
        "address": address,
        "type": type_,
        "word_order": r.take("word_order", _one_of(*registers.WORD_ORDERS), d.get("word_order", "big")),
        "bit": bit,
        "writable": writable,
        "stride": stride or ctx.stride or 0,
    }


def _dlt645_fields(r: _Reader) -> dict[str, Any]:
    need = "a DL/T645 quantity needs di, length and decimals"
    di = r.take("di", _data_identifier, required=need)
    length = r.take("length", _whole(1, 8), required=need)
    decimals = r.take("decimals", _whole(0, 2 * (length or 8)), required=need)
    return {"di": di, "length": length, "decimals": decimals, "signed": r.take("signed", _flag, False)}


def _circuits(r: _Reader, qid: str, ctx: _Context) -> list[int]:
    """Circuit numbers for `{n}` in the id (1..circuits), or [0] for a quantity without one."""
    templated = "{n}" in qid
    if "stride" in r.data and not templated:
        r.fail("stride", "only a quantity whose id has {n} repeats per circuit")
    if not templated:
        return [0]
    if ctx.circuits == 1:
        r.fail("id", f"{qid!r} repeats per circuit ({{n}}) but the template has no circuits: N")
    elif ctx.protocol == "modbus" and "stride" not in r.data and ctx.stride is None:
        r.fail("stride", "missing: registers from one circuit to the next (here or at the top)")
    return list(range(1, ctx.circuits + 1))


def _defaults(top: _Reader, protocol: str | None) -> dict[str, Any]:
    d = _Reader(top.take("defaults", _mapping, {}) or {}, "defaults", top.problems)
    if protocol is None:
        return {}  # which keys belong here depends on the protocol, which is wrong itself
    allowed = _DEFAULTS[protocol]
    d.known(allowed, _elsewhere(protocol))
    parsers = {
        "function": _one_of(*FUNCTIONS),
        "type": _one_of(*registers.TYPES),
        "word_order": _one_of(*registers.WORD_ORDERS),
        "scale": _scale,
    }
    values = {}
    for key in allowed:
        if key in d.data:
            value = d.take(key, parsers[key])
            values[key] = _INVALID if value is None else value
    return values


def _parse(data: Any, stem: str) -> tuple[Template | None, _Problems]:
    if not isinstance(data, dict):
        return None, [("(document)", "the file must be a mapping: name, protocol, category, quantities")]
    problems: _Problems = []
    top = _Reader(data, "", problems)
    top.known(_TOP_KEYS, {})
    if not _STEM.fullmatch(stem):
        problems.append(("(file)", f"{stem!r} is not a usable id: name the file with letters, digits, _, -"))
    if "id" in data and data["id"] != stem:
        top.fail("id", f"{_show(data['id'])} is not the file name: a template's id is its file stem {stem!r}")
    names = _names(top)
    protocol = top.take("protocol", _one_of(*PROTOCOLS), required=f"one of {', '.join(PROTOCOLS)}")
    category = top.take("category", _one_of(*CATEGORIES), required=f"one of {', '.join(CATEGORIES)}")
    notes = top.take("notes", _text, None) or ""
    circuits = top.take("circuits", _whole(1, 256), 1) or 1
    stride = top.take("stride", _whole(1, 0xFFFF), None)
    if stride is not None and circuits == 1:
        top.fail("stride", "a stride needs circuits: N (N > 1)")
    if protocol == "dlt645" and circuits > 1:
        top.fail("circuits", "a DL/T645 template describes one meter: circuits are for Modbus rail meters")
    ctx = _Context(protocol, _defaults(top, protocol), circuits, stride)
    items = top.take("quantities", _quantity_list, required="the list of quantities")
    origin: dict[str, str] = {}
    quantities: list[Quantity] = []
    written: dict[str, str] = {}  # ids as written, so a duplicate shows even if the first is wrong
    for i, raw in enumerate(items if protocol and items else []):
        qid = raw.get("id") if isinstance(raw, dict) else None
        found = _quantity(raw, f"quantities[{i}]", ctx, problems)
        if isinstance(qid, str) and qid in written:
            problems.append((f"quantities[{i}].id", f"{qid!r} is already the id of {written[qid]}"))
            continue
        written.setdefault(str(qid), f"quantities[{i}]")
        for q in found:
            if q.id in origin:
                problems.append((f"quantities[{i}].id", f"{q.id!r} is already the id of {origin[q.id]}"))
                break
            origin[q.id] = f"quantities[{i}]"
            quantities.append(q)
    if (
        circuits > 1
        and protocol == "modbus"
        and items
        and not any(isinstance(q, dict) and "{n}" in str(q.get("id")) for q in items)
    ):
        top.fail("circuits", f"{circuits} circuits, but no quantity id has {{n}} to repeat per circuit")
    problems.extend(_overlaps(quantities, origin))
    if problems or names is None:
        return None, problems
    return Template(stem, *names, protocol, category, tuple(quantities), circuits, notes), []


def _overlaps(quantities: Sequence[Quantity], origin: dict[str, str]) -> _Problems:
    """Registers, bits or data identifiers that two quantities claim (bits of one register may share)."""
    problems: _Problems = []
    whole: dict[tuple[Any, ...], Quantity] = {}  # (function, address) read as a whole, or a data identifier
    shared: dict[tuple[Any, ...], Quantity] = {}  # (function, address) whose bits are quantities
    bits: dict[tuple[Any, ...], Quantity] = {}  # (function, address, bit)
    for q in quantities:
        if q.di is not None:
            claims = [("di", q.di)]
        elif q.function is None or q.address is None:
            continue
        elif q.bit is None:
            claims = [(q.function, a) for a in range(q.address, q.address + q.size)]
        else:
            claims = [(q.function, q.address, q.bit)]
        for claim in claims:
            cell = claim[:2]
            clash = whole.get(cell) or (bits.get(claim) if len(claim) == 3 else shared.get(cell))
            if clash is not None:
                key = "di" if q.di is not None else "address"
                where = f"DI {q.di:08X}" if q.di is not None else f"FC{cell[0]:02d} address {cell[1]:#06x}"
                where += f" bit {claim[2]}" if len(claim) == 3 else ""
                problems.append((f"{origin[q.id]}.{key}", f"{where} is already {clash.id} ({origin[clash.id]})"))
                break
            if len(claim) == 3:
                bits[claim] = shared[cell] = q
            else:
                whole[cell] = q
    return problems


def load_template(path: Path) -> Template:
    """The template in the YAML file `path`; `TemplateError` lists everything wrong with it."""
    path = Path(path)
    data, problems = _read_yaml(path)
    template = None
    if not problems:
        template, problems = _parse(data, path.stem)
    if template is None:
        raise TemplateError([Problem(path.name, key, reason) for key, reason in problems])
    return template


def load_library(folder: Path | None = None) -> dict[str, Template]:
    """Every ``*.yaml`` template in `folder` (default `DEFAULT_LIBRARY`), by id.

    Every file is read before anything is raised, so one `TemplateError` reports the problems
    of all bad files.
    """
    folder = DEFAULT_LIBRARY if folder is None else Path(folder)
    if not folder.is_dir():
        raise TemplateError([Problem(folder.name, "(folder)", "no such folder of device templates")])
    library: dict[str, Template] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            library[path.stem] = load_template(path)
        except TemplateError as exc:
            problems.extend(exc.errors)
    if problems:
        raise TemplateError(problems)
    return library
