"""A simulated Modbus device: its template's register map, held by pymodbus's own datastore.

The simulator must answer Modbus as an *independent* implementation would, so requests are
executed by pymodbus's server-side machinery (`pymodbus.simulator` `SimDevice`/`SimData`
blocks run by its `SimCore`), never by our driver code.  This module builds those blocks from
a template and keeps them filled with the plant's values:

* every quantity's registers (or coil/input bits) are laid out by function code, in pymodbus's
  "non-shared" mode so FC03 and FC04 maps are separate like on a real meter; holes of up to
  `GAP_FILL` registers inside a map read as zero (pollers read across small holes), larger
  holes and addresses outside the map answer ILLEGAL ADDRESS;
* values are written into pymodbus's register lists by the device's ``action`` hook, which
  pymodbus calls on every access: the image is copied in only when it has changed;
* writes are accepted only on the template's writable quantities (else ILLEGAL ADDRESS) and
  are reported to the plant; the breaker's position shows on the meter's first digital input
  and first relay (`BREAKER_IDS`: DI1, DO1, ...), and writing that relay closes (1) or opens
  (0) the breaker; other writable settings keep what was written;
* quantities the physics does not model keep a plausible constant.

A reply cache (`cache`, request bytes to reply bytes) lets a busy benchmark skip pymodbus for
repeated reads between two refreshes of the device's values; it is emptied whenever the image
changes (a refresh or a write), so it never serves a stale value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pymodbus.constants import ExcCodes
from pymodbus.simulator import DataType, SimData
from pymodbus.simulator import SimDevice as PymodbusDevice

from drivers import registers
from drivers.simulator.spec import SimDevice
from drivers.templates import Quantity, Template

GAP_FILL = 64  # holes up to this many registers inside a map read as zero
_BLOCK_OF_FC = {1: "c", 5: "c", 15: "c", 2: "d", 3: "h", 6: "h", 16: "h", 22: "h", 23: "h", 4: "i"}
_BLOCK_OF_FUNCTION = {1: "c", 2: "d", 3: "h", 4: "i"}
_BIT_BLOCKS = ("c", "d")
#: Quantity ids that show the breaker's position (1 = closed) on a meter's input or relay.
BREAKER_IDS = frozenset({"breaker", "DI1", "di1", "CB", "switch", "relay", "DO1", "do1", "relay1", "RO1"})
#: Plausible constants for what the physics does not model, by unit.
_PLAUSIBLE = {"Hz": 50.0, "V": 230.0, "kV": 10.0, "°C": 30.0, "%RH": 50.0, "%": 2.5, "s": 0.0, "h": 0.0}

WriteHook = Callable[[str, Quantity, float], None]


class ImageError(ValueError):
    """A template that cannot be laid out as a Modbus device."""


def plausible(q: Quantity) -> float:
    """A value that looks normal for a quantity nothing models (THD, demand, settings, ...)."""
    if q.kind == "digital":
        return 0.0
    if q.id.upper().startswith("THD"):
        return 3.0
    value = _PLAUSIBLE.get(q.unit, 0.0)
    if q.range is not None and not q.range[0] <= value <= q.range[1]:
        value = q.range[0]
    return value


class RegisterImage:
    """The registers of one simulated Modbus device, and the pymodbus device that serves them."""

    def __init__(self, device: SimDevice, template: Template, on_write: WriteHook | None = None) -> None:
        if template.protocol != "modbus":
            raise ImageError(f"{device.id}: template {template.id} is {template.protocol}, not Modbus")
        if not isinstance(device.address, int):
            raise ImageError(f"{device.id}: a Modbus device needs a numeric unit id, not {device.address!r}")
        self.device = device
        self.template = template
        self.unit = device.address
        self.on_write = on_write
        self.version = 0
        self.stamp: object = None  # what the values were loaded for; the simulator's business
        self.cache: dict[bytes, bytes] = {}
        self._quantities: dict[str, list[Quantity]] = {b: [] for b in ("c", "d", "h", "i")}
        for q in template.quantities:
            if q.function is not None and q.address is not None:
                self._quantities[_BLOCK_OF_FUNCTION[q.function]].append(q)
        self._words: dict[str, dict[int, int]] = {b: {} for b in ("c", "d", "h", "i")}
        self._writable: dict[str, dict[int, Quantity]] = {b: {} for b in ("c", "d", "h", "i")}
        self._synced = dict.fromkeys(("c", "d", "h", "i"), -1)
        self._held: set[str] = set()  # writable settings nothing models: keep what was written
        for block, qs in self._quantities.items():
            for q in qs:
                if q.writable:
                    for a in range(q.address, q.address + max(q.size, 1)):  # type: ignore[operator]
                        self._writable[block][a] = q
        self.load({})
        self._held = {q.id for qs in self._quantities.values() for q in qs if q.writable and q.id not in BREAKER_IDS}
        self.pymodbus_device = PymodbusDevice(
            id=self.unit,
            simdata=tuple(self._simdata(b) for b in ("c", "d", "h", "i")),  # type: ignore[arg-type]
            action=self._action,
        )

    # -- layout ------------------------------------------------------------------------------

    def _simdata(self, block: str) -> list[SimData]:
        used = sorted(self._words[block])
        if not used:
            # pymodbus wants every block non-empty: a lone word at the very top, refused by _action
            if block in _BIT_BLOCKS:
                return [SimData(address=65520, values=[False] * 16, datatype=DataType.BITS)]
            return [SimData(address=65535, values=[0], datatype=DataType.REGISTERS)]
        runs: list[tuple[int, int]] = []
        fill = GAP_FILL * (16 if block in _BIT_BLOCKS else 1)
        start = end = used[0]
        for a in used[1:]:
            if a - end > fill:
                runs.append((start, end))
                start = a
            end = a
        runs.append((start, end))
        if block in _BIT_BLOCKS:
            return [SimData(address=lo, values=[False] * (hi - lo + 1), datatype=DataType.BITS) for lo, hi in runs]
        return [SimData(address=lo, values=[0] * (hi - lo + 1), datatype=DataType.REGISTERS) for lo, hi in runs]

    # -- values ------------------------------------------------------------------------------

    def value_of(self, q: Quantity, readings: Mapping[str, float]) -> float:
        """The physical value a quantity shows, given the plant's readings for this device."""
        v = readings.get(q.id)
        if v is None and q.id in BREAKER_IDS:
            v = readings.get("breaker")
        return plausible(q) if v is None else v

    def load(self, readings: Mapping[str, float]) -> None:
        """Recompute every register from ``readings``; the next access copies them in."""
        pt, ct = self.device.pt, self.device.ct
        for block, qs in self._quantities.items():
            words = self._words[block]
            for q in qs:
                if q.id in self._held:
                    continue
                value = self.value_of(q, readings)
                a = q.address
                assert a is not None
                if block in _BIT_BLOCKS:
                    words[a] = 1 if value else 0
                elif q.type == "bit":
                    bit = 1 << (q.bit or 0)
                    words[a] = (words.get(a, 0) | bit) if value else (words.get(a, 0) & ~bit)
                else:
                    raw = (1 if value else 0) if q.kind == "digital" else q.raw_for(value, pt, ct)
                    for i, w in enumerate(registers.encode(raw, q.type or "u16", q.word_order)):
                        words[a + i] = w
        self.version += 1
        self.cache.clear()

    def registers(self, function: int, address: int, count: int) -> list[int]:
        """What the image holds for ``count`` registers (or bits) from ``address``: for tests."""
        words = self._words[_BLOCK_OF_FUNCTION[function]]
        return [words.get(a, 0) for a in range(address, address + count)]

    # -- pymodbus hook -----------------------------------------------------------------------

    async def _action(
        self,
        function_code: int,
        start_address: int,
        address: int,
        count: int,
        current_registers: list[int],
        set_values: list[int] | list[bool] | None,
    ) -> ExcCodes | None:
        """Called by pymodbus on every access: refuse what the device would, copy values in."""
        block = _BLOCK_OF_FC.get(function_code)
        if block is None:
            return ExcCodes.ILLEGAL_FUNCTION
        if not self._quantities[block]:
            return ExcCodes.ILLEGAL_ADDRESS
        if self._synced[block] != self.version:
            self._copy_in(block, start_address, current_registers)
        if set_values is not None:
            return self._write(block, address, list(set_values))
        return None

    def _copy_in(self, block: str, start: int, regs: list[int]) -> None:
        words = self._words[block]
        if block in _BIT_BLOCKS:
            for bit_address, on in words.items():
                i, mask = bit_address // 16 - start, 1 << (bit_address % 16)
                regs[i] = (regs[i] | mask) if on else (regs[i] & ~mask)
        else:
            for a, w in words.items():
                regs[a - start] = w
        self._synced[block] = self.version

    def _write(self, block: str, address: int, values: list[int] | list[bool]) -> ExcCodes | None:
        writable = self._writable[block]
        touched: dict[str, Quantity] = {}
        for a in range(address, address + len(values)):
            q = writable.get(a)
            if q is None:
                return ExcCodes.ILLEGAL_ADDRESS
            touched[q.id] = q
        words = self._words[block]
        for i, v in enumerate(values):
            words[address + i] = int(v)
        self.cache.clear()
        for q in touched.values():
            self._report(block, q)
        return None

    def _report(self, block: str, q: Quantity) -> None:
        words = self._words[block]
        a = q.address
        assert a is not None
        if block in _BIT_BLOCKS:
            value = float(words.get(a, 0))
        elif q.type == "bit":
            value = float((words.get(a, 0) >> (q.bit or 0)) & 1)
        else:
            n = registers.register_count(q.type or "u16")
            raw = registers.decode([words.get(a + i, 0) for i in range(n)], q.type or "u16", q.word_order)
            value = (1.0 if raw else 0.0) if q.kind == "digital" else q.physical(raw, self.device.pt, self.device.ct)
        if self.on_write is not None:
            self.on_write(self.device.id, q, value)
