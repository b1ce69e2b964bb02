"""Device templates: a device model's register map as data, and decoding what was read by it.

A template says what a device model can tell us (its quantities) and where each one lives on
the wire: Modbus function, address, register type, word order, scale and which of the device's
PT/CT ratios multiply it; or, for DL/T645 meters, the data identifier and its BCD layout.
Templates are written as YAML files in ``resources/devices``; reading and checking those
files is `drivers.template_file`, whose `load_template` and `load_library` are offered here
too so that callers need only this module.

One rule gives physical values everywhere: ``physical = raw * scale * ratio`` where `raw` is
the decoded register value (for DL/T645: the value as the meter states it, its decimals and
sign already applied by the BCD codec) and `ratio` is 1, PT, CT or PT×CT of the device.
A quantity's `range` is its plausible span at ratio 1 and grows with the same ratio.
"""

from __future__ import annotations

import math
import operator
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from drivers import registers

#: The shipped templates: ``<repo>/resources/devices``.
DEFAULT_LIBRARY = Path(__file__).resolve().parent.parent / "resources" / "devices"

PROTOCOLS = ("modbus", "dlt645")
CATEGORIES = ("multifunction_meter", "rail_meter", "revenue_meter", "temperature_controller", "environment")
KINDS = ("analog", "digital", "counter")
RATIOS = ("none", "pt", "ct", "ptct")
FUNCTIONS = (1, 2, 3, 4)
UNITS = (
    "", "V", "kV", "A", "kA", "W", "kW", "MW", "var", "kvar", "Mvar", "VA", "kVA", "MVA",
    "Hz", "Wh", "kWh", "MWh", "varh", "kvarh", "Mvarh", "°C", "%RH", "%", "s", "h",
)  # fmt: skip
#: Most bits one FC01/FC02 request may read (Modbus application protocol, 6.1/6.2).
MAX_BITS = 2000
#: Most registers one FC03/FC04 request may read.
MAX_REGISTERS = 125

#: Function codes that read bits (coils, discrete inputs) rather than registers.
BIT_FUNCTIONS = (1, 2)


@dataclass(frozen=True, slots=True)
class Quantity:
    """One thing a device measures or reports, and where it is on the wire."""

    id: str
    name_zh: str
    name_en: str
    unit: str
    kind: str
    function: int | None = None
    address: int | None = None
    type: str | None = None
    word_order: str = "big"
    bit: int | None = None
    scale: float = 1.0
    ratio: str = "none"
    range: tuple[float, float] | None = None
    writable: bool = False
    di: int | None = None
    length: int | None = None
    decimals: int | None = None
    signed: bool = False

    def _factor(self, pt: float, ct: float) -> float:
        ratio = self.ratio
        return 1.0 if ratio == "none" else pt if ratio == "pt" else ct if ratio == "ct" else pt * ct

    def physical(self, raw: float, pt: float = 1.0, ct: float = 1.0) -> float:
        """The value in `unit` for a decoded `raw` value on a device with these PT/CT ratios."""
        return raw * self.scale * self._factor(pt, ct)

    def raw_for(self, physical: float, pt: float = 1.0, ct: float = 1.0) -> float:
        """The raw value a device would report for `physical`: what the simulator encodes."""
        divisor = self.scale * self._factor(pt, ct)
        if divisor == 0:
            raise ValueError(f"{self.id}: the PT and CT ratios must not be zero")
        return physical / divisor

    def range_at(self, pt: float = 1.0, ct: float = 1.0) -> tuple[float, float] | None:
        """The plausible physical span on a device with these ratios (`range` is at ratio 1)."""
        if self.range is None:
            return None
        factor = self._factor(pt, ct)
        low, high = self.range[0] * factor, self.range[1] * factor
        return (low, high) if low <= high else (high, low)

    def in_range(self, physical: float, pt: float = 1.0, ct: float = 1.0) -> bool:
        """Whether `physical` is plausible on a device with these PT/CT ratios (NaN never is).

        Pass the device's ratios: a 10 kV voltage is implausible for a meter at ratio 1.
        """
        span = self.range_at(pt, ct)
        return not math.isnan(physical) and (span is None or span[0] <= physical <= span[1])

    @property
    def size(self) -> int:
        """Registers (or bits, for FC01/FC02) this quantity occupies; 0 for DL/T645."""
        if self.function is None or self.type is None:
            return 0
        return 1 if self.type == "bit" else registers.register_count(self.type)


@dataclass(frozen=True, slots=True)
class Block:
    """One read request: contiguous registers (or bits) of one function code."""

    function: int
    address: int
    count: int
    quantities: tuple[Quantity, ...]


class UnknownQuantity(KeyError):
    """A quantity id the template does not have; the message says which template."""

    def __str__(self) -> str:
        return str(self.args[0])


#: Struct codes of the register types (`registers.TYPES`), big-endian as Modbus sends them.
_STRUCT_CODES = {"u16": "H", "s16": "h", "u32": "I", "s32": "i", "u64": "Q", "s64": "q", "f32": "f", "f64": "d"}
_RATIO_INDEX = {ratio: i for i, ratio in enumerate(RATIOS)}
_ANALOG, _DIGITAL, _BIT = 0, 1, 2
#: Decoders one template keeps before starting over (its own blocks number a dozen or so).
_MAX_DECODERS = 256


class _BlockDecoder:
    """How to decode one block, worked out once: the poller's innermost step.

    Decoding quantity by quantity (slice, look up the type, pack, unpack) cost ~20 µs for a
    40-register block, and a busy site decodes ~10,000 blocks a second.  Here the layout is
    settled ahead: the block's registers are gathered into one word list in which each
    quantity's words lie together, most significant first (a "little" quantity's words are
    swapped, a register whose bits are quantities appears once per bit, holes are kept so they
    are checked too).  One `struct` pack then checks every register and one unpack gives every
    raw value in quantity order; what is left per value is its scale and ratio, or its bit.
    """

    __slots__ = ("address", "bits", "count", "gather", "pack", "reads_bits", "steps", "template_id", "unpack")

    def __init__(self, template_id: str, block: Block) -> None:
        self.template_id, self.address, self.count = template_id, block.address, block.count
        self.reads_bits = block.function in BIT_FUNCTIONS
        self.bits: tuple[tuple[str, int], ...] = ()
        self.steps: tuple[tuple[str, int, float, int], ...] = ()  # (id, op, scale or bit, ratio index)
        self.gather: Callable[[Sequence[int]], tuple[int, ...]] | None = None
        if self.reads_bits:
            self.bits = tuple((q.id, self._offset(block, q, 1)) for q in block.quantities)
            return
        order: list[int] = []  # block offsets of the words, in the order they are packed
        codes = [">"]
        steps = []
        cursor = 0  # every word before it is in `order` already
        for q in block.quantities:
            if q.bit is not None:
                at = self._offset(block, q, 1)
                words, code, step = [at], "H", (q.id, _BIT, q.bit, 0)
            else:
                code, size = self._layout(q)
                at = self._offset(block, q, size)
                words = list(range(at, at + size))
                if q.word_order == "little":
                    words.reverse()
                op = _DIGITAL if q.kind == "digital" else _ANALOG
                step = (q.id, op, q.scale, self._ratio(q))
            if at > cursor:  # a hole: packed (so checked) and skipped by the unpack
                order.extend(range(cursor, at))
                codes.append(f"{2 * (at - cursor)}x")
            order.extend(words)
            codes.append(code)
            steps.append(step)
            cursor = max(cursor, at + len(words))
        if cursor < block.count:
            order.extend(range(cursor, block.count))
            codes.append(f"{2 * (block.count - cursor)}x")
        if order != list(range(block.count)):  # then it has 2+ entries, so itemgetter gives a tuple
            self.gather = operator.itemgetter(*order)
        self.pack = struct.Struct(f">{len(order)}H").pack
        self.unpack = struct.Struct("".join(codes)).unpack
        self.steps = tuple(steps)

    def _offset(self, block: Block, q: Quantity, size: int) -> int:
        at = -1 if q.address is None else q.address - block.address
        if q.function != block.function or not 0 <= at <= block.count - size:
            raise ValueError(
                f"{self.template_id}: {q.id} (FC{q.function or 0:02d} at {q.address}) is not inside block "
                f"FC{block.function:02d} at {block.address} of {block.count}"
            )
        return at

    def _layout(self, q: Quantity) -> tuple[str, int]:
        code = _STRUCT_CODES.get(q.type or "")
        if code is None:
            raise ValueError(f"{self.template_id}: {q.id} has register type {q.type!r}, not one of {registers.TYPES}")
        if q.word_order not in registers.WORD_ORDERS:
            raise ValueError(f"{self.template_id}: {q.id} has word order {q.word_order!r}, not 'big' or 'little'")
        return code, registers.register_count(q.type)

    def _ratio(self, q: Quantity) -> int:
        if q.ratio not in _RATIO_INDEX:
            raise ValueError(f"{self.template_id}: {q.id} has ratio {q.ratio!r}, not one of {', '.join(RATIOS)}")
        return _RATIO_INDEX[q.ratio]

    def decode(self, words: Sequence[int] | Sequence[bool], pt: float, ct: float) -> dict[str, float]:
        """The block's values; `words` has at least `count` entries (the caller checked)."""
        if self.reads_bits:
            return {qid: 1.0 if words[at] else 0.0 for qid, at in self.bits}
        regs = words if len(words) == self.count else words[: self.count]
        try:
            raws = self.unpack(self.pack(*(regs if self.gather is None else self.gather(regs))))
        except struct.error:
            raise self._bad(regs) from None
        factors = (1.0, pt, ct, pt * ct)
        out: dict[str, float] = {}
        for (qid, op, arg, ratio), raw in zip(self.steps, raws, strict=False):
            if op == _ANALOG:
                out[qid] = raw * arg * factors[ratio]
            elif op == _DIGITAL:
                out[qid] = 1.0 if raw else 0.0
            else:
                out[qid] = float((raw >> arg) & 1)
        return out

    def _bad(self, regs: Sequence[int] | Sequence[bool]) -> ValueError:
        at, bad = next((i, w) for i, w in enumerate(regs) if not isinstance(w, int) or not 0 <= w <= 0xFFFF)
        return ValueError(
            f"{self.template_id}: register {self.address + at:#06x} holds {bad!r}, "
            "not a 16-bit unsigned integer (0..65535)"
        )


@dataclass(frozen=True)
class Template:
    """A device model: its quantities and how to read them."""

    id: str
    name_zh: str
    name_en: str
    protocol: str
    category: str
    quantities: tuple[Quantity, ...]
    circuits: int = 1
    notes: str = ""
    _index: dict[str, Quantity] = field(default_factory=dict, init=False, repr=False, compare=False)
    _blocks: dict[tuple[int, int], list[Block]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _decoders: dict[int, tuple[Block, _BlockDecoder]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._index.update((q.id, q) for q in self.quantities)

    def quantity(self, qid: str) -> Quantity:
        """The quantity with id `qid`; `UnknownQuantity` (a KeyError) names the template."""
        try:
            return self._index[qid]
        except KeyError:
            raise UnknownQuantity(f"template {self.id!r} has no quantity {qid!r}") from None

    def blocks(self, max_regs: int = MAX_REGISTERS, max_gap: int = 0) -> list[Block]:
        """The read requests that cover every Modbus quantity exactly once.

        Quantities of one function merge into one request while the hole between them is at
        most `max_gap` registers (read and ignored) and the request stays within `max_regs`
        registers (`MAX_BITS` bits for coils and discrete inputs).  Bits of one register share
        it.  Ordered by function, then address.  A DL/T645 template has no blocks.
        """
        if not isinstance(max_regs, int) or not 1 <= max_regs <= MAX_REGISTERS:
            raise ValueError(f"max_regs must be 1..{MAX_REGISTERS} registers, got {max_regs!r}")
        if not isinstance(max_gap, int) or max_gap < 0:
            raise ValueError(f"max_gap must be a whole number of registers >= 0, got {max_gap!r}")
        cached = self._blocks.get((max_regs, max_gap))
        if cached is None:
            cached = self._blocks[max_regs, max_gap] = self._merge(max_regs, max_gap)
        return list(cached)

    def _merge(self, max_regs: int, max_gap: int) -> list[Block]:
        wired = [q for q in self.quantities if q.function is not None and q.address is not None]
        wired.sort(key=lambda q: (q.function, q.address, -1 if q.bit is None else q.bit))
        found: list[Block] = []
        function, start, end, members = 0, 0, 0, []
        for q in wired:
            limit = MAX_BITS if q.function in BIT_FUNCTIONS else max_regs
            if q.size > limit:
                raise ValueError(f"{q.id} takes {q.size} registers, more than max_regs={max_regs}")
            q_end = q.address + q.size
            if members and q.function == function and q.address - end <= max_gap and q_end - start <= limit:
                end = max(end, q_end)
                members.append(q)
                continue
            if members:
                found.append(Block(function, start, end - start, tuple(members)))
            function, start, end, members = q.function, q.address, q_end, [q]
        if members:
            found.append(Block(function, start, end - start, tuple(members)))
        return found

    def decode_block(
        self, block: Block, words: Sequence[int] | Sequence[bool], pt: float = 1.0, ct: float = 1.0
    ) -> dict[str, float]:
        """Physical values (digitals as 0.0/1.0) of every quantity in `block`, from what was read.

        `words` are the registers (FC03/04) or bits (FC01/02) returned for the block; bit
        replies padded to whole bytes are fine.  A register outside 0..65535 (any register of
        the block, a hole between quantities too) is a ValueError.  The block's decoding is
        worked out on first use and kept for this template (see `_BlockDecoder`).
        """
        if len(words) < block.count:
            what = "bits" if block.function in BIT_FUNCTIONS else "registers"
            raise ValueError(
                f"{self.id}: block FC{block.function:02d} at {block.address} needs {block.count} {what}, "
                f"got {len(words)}"
            )
        # Keyed by identity: hashing a Block would hash every field of every quantity, each call.
        # The entry holds the block, so its id cannot be reused by another object meanwhile.
        entry = self._decoders.get(id(block))
        if entry is None:
            if len(self._decoders) >= _MAX_DECODERS:
                self._decoders.clear()  # someone builds a new Block per read: do not grow forever
            entry = self._decoders[id(block)] = (block, _BlockDecoder(self.id, block))
        return entry[1].decode(words, pt, ct)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a template file: where (file, key path) and what."""

    file: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.reason}"


class TemplateError(Exception):
    """A template file (or several, for a library) is wrong; lists every problem, one a line."""

    def __init__(self, errors: Sequence[Problem]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        self.file, self.key, self.reason = first.file, first.key, first.reason
        super().__init__("\n".join(str(p) for p in self.errors))


def load_template(path: Path) -> Template:
    """The template in the YAML file `path`; `TemplateError` lists everything wrong with it.

    Reading files is `drivers.template_file`, which builds on this module's classes.  It is
    imported here, when called, rather than at the top: a top-level import would make the two
    modules import each other and break whichever of them someone imports first.  Callers may
    import the loaders from either module.
    """
    from drivers.template_file import load_template as read  # noqa: PLC0415 - see above

    return read(path)


def load_library(folder: Path | None = None) -> dict[str, Template]:
    """Every ``*.yaml`` template in `folder` (default `DEFAULT_LIBRARY`), by id.

    Every file is read before anything is raised, so one `TemplateError` reports the problems
    of all bad files.  Lives in `drivers.template_file`; see `load_template` for why it is
    imported when called.
    """
    from drivers.template_file import load_library as read  # noqa: PLC0415 - see load_template

    return read(folder)
