"""Reading one device by its template: the one place a template becomes bus requests.

The commissioning probe, the live view and the poll scheduler all need "read this device's
quantities and tell me, per quantity, the value or why there is none".  A template says what
to read (Modbus blocks or DL/T645 data identifiers); the bus says how.  A failed block does
not stop the others: a meter that refuses one register range still reports the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from drivers.dlt645 import Dlt645Meter
from drivers.link import Link, LinkDown, LinkError
from drivers.modbus import Bus, ModbusRtu
from drivers.templates import Block, Template


@dataclass(slots=True)
class Reading:
    """What one pass over a device gave: values, and for the rest the reason."""

    values: dict[str, float] = field(default_factory=dict)  # quantity id -> physical value
    out_of_range: set[str] = field(default_factory=set)  # read, but outside the template's range
    errors: dict[str, str] = field(default_factory=dict)  # quantity id -> why it has no value

    @property
    def complete(self) -> bool:
        """Every quantity was read (some may be out of range)."""
        return not self.errors


_BLOCKS: dict[str, list[Block]] = {}


def blocks_of(template: Template) -> list[Block]:
    """The template's block reads, computed once per template."""
    blocks = _BLOCKS.get(template.id)
    if blocks is None:
        blocks = _BLOCKS[template.id] = template.blocks()
    return blocks


async def read_block(
    bus: Bus,
    template: Template,
    block: Block,
    unit: int,
    *,
    pt: float = 1.0,
    ct: float = 1.0,
    timeout: float = 1.0,
) -> dict[str, float]:
    """Read one Modbus block and return its quantities' physical values."""
    if block.function in (3, 4):
        words: list[int] | list[bool] = await bus.read_registers(
            unit, block.address, block.count, function=block.function, timeout=timeout
        )
    else:
        words = await bus.read_bits(unit, block.address, block.count, function=block.function, timeout=timeout)
    return template.decode_block(block, words, pt, ct)


async def read_device(
    link: Link | Bus,
    template: Template,
    address: int | str,
    *,
    pt: float = 1.0,
    ct: float = 1.0,
    timeout: float = 1.0,
) -> Reading:
    """Read every quantity of ``template`` from the device at ``address`` on ``link``.

    ``link`` is a `Link` (Modbus-RTU or DL/T645 behind a DTU) or any Modbus `Bus` (e.g.
    Modbus TCP).  Raises `LinkDown` when the link is gone (nothing else can be read then);
    every other failure is recorded per quantity in the returned `Reading`.
    """
    reading = Reading()
    if template.protocol == "dlt645":
        if not isinstance(link, Link):
            raise TypeError("DL/T645 meters are read over a Link")
        meter = Dlt645Meter(link)
        for q in template.quantities:
            assert q.di is not None
            try:
                raw = await meter.read(str(address), q.di, timeout)
            except LinkDown:
                raise
            except LinkError as exc:
                reading.errors[q.id] = str(exc)
                continue
            if not isinstance(raw, int | float):
                reading.errors[q.id] = f"{q.di:08X} is not a number ({raw!r})"
                continue
            _keep(reading, q.id, q.physical(float(raw), pt, ct), q.in_range(q.physical(float(raw), pt, ct), pt, ct))
        return reading

    bus: Bus = ModbusRtu(link) if isinstance(link, Link) else link
    unit = int(address)
    for block in blocks_of(template):
        try:
            values = await read_block(bus, template, block, unit, pt=pt, ct=ct, timeout=timeout)
        except LinkDown:
            raise
        except LinkError as exc:
            for q in block.quantities:
                reading.errors[q.id] = str(exc)
            continue
        for q in block.quantities:
            _keep(reading, q.id, values[q.id], q.in_range(values[q.id], pt, ct))
    return reading


def _keep(reading: Reading, qid: str, value: float, in_range: bool) -> None:
    reading.values[qid] = value
    if not math.isfinite(value) or not in_range:
        reading.out_of_range.add(qid)
