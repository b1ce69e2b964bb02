"""Modbus masters: RTU over a `Link` (behind DTUs and serial servers) and the errors both share.

pymodbus has no public way to be a master over a socket that *we* accepted (a DTU dials us),
so for RTU it serves as a codec only: it builds request frames and decodes response PDUs,
while `rtu_reader` decides where a response lies in the byte stream.  pymodbus's own RTU
framer drops the whole buffer on the first CRC mismatch, which loses a valid reply glued
behind a heartbeat or a late reply; delimiting first and decoding exactly one frame avoids it.

Modbus TCP gateways and PLCs are served by `drivers.modbus_tcp.ModbusTcp`; both satisfy
`Bus`, so the poll scheduler need not care which kind of bus it drives.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from pymodbus.exceptions import ModbusException
from pymodbus.framer import FramerRTU
from pymodbus.pdu import DecodePDU, ModbusPDU
from pymodbus.pdu.bit_message import (
    ReadCoilsRequest,
    ReadDiscreteInputsRequest,
    WriteMultipleCoilsRequest,
    WriteSingleCoilRequest,
)
from pymodbus.pdu.register_message import (
    ReadHoldingRegistersRequest,
    ReadInputRegistersRequest,
    WriteMultipleRegistersRequest,
    WriteSingleRegisterRequest,
)

from drivers.link import FrameError, Link, LinkError, LinkTimeout

log = logging.getLogger(__name__)

# Limits of the Modbus application protocol (V1.1b3): what fits in one 256-byte RTU frame.
MAX_READ_REGISTERS = 125
MAX_READ_BITS = 2000
MAX_WRITE_REGISTERS = 123
MAX_WRITE_COILS = 1968
MAX_RTU_UNIT = 247  # 248..255 are reserved on a serial line; 0 is broadcast

#: Exception codes: (name, what it usually means on site).
EXCEPTION_CODES: dict[int, tuple[str, str]] = {
    0x01: ("illegal function", "the device does not support this function code"),
    0x02: ("illegal data address", "the address is not in the device's register map"),
    0x03: ("illegal data value", "a count or value in the request is out of the device's range"),
    0x04: ("server device failure", "the device failed while handling the request"),
    0x05: ("acknowledge", "the device accepted the request but needs a long time to finish it"),
    0x06: ("server device busy", "the device is busy with a long command; try again later"),
    0x08: ("memory parity error", "the device found a parity error in its memory"),
    0x0A: ("gateway path unavailable", "the gateway has no route to the target unit"),
    0x0B: ("gateway target failed to respond", "the unit behind the gateway did not answer"),
}


class ModbusCrcError(FrameError):
    """A response arrived with the right header and length but a bad CRC (noise on the bus)."""


class ModbusFrameError(FrameError):
    """A response arrived but not the one asked for: wrong unit, function, byte count or echo."""


class ModbusExceptionResponse(LinkError):
    """The device answered with a Modbus exception: the link is fine, the request was refused."""

    def __init__(self, code: int, *, unit: int = 0, function: int = 0, where: str = "") -> None:
        self.code = code
        self.unit = unit
        self.function = function & 0x7F
        self.name, hint = EXCEPTION_CODES.get(code, ("unknown exception", "not defined by the Modbus spec"))
        prefix = f"{where}: " if where else ""
        super().__init__(
            f"{prefix}unit {unit}, function {self.function:02d}: exception {code:02X} {self.name} ({hint})"
        )


@runtime_checkable
class Bus(Protocol):
    """One Modbus bus seen from the poll scheduler: RTU behind a DTU or a Modbus TCP gateway.

    Every call raises a `LinkError` subclass when the bus fails (`LinkDown`, `LinkTimeout`,
    `ModbusCrcError`, `ModbusFrameError`, `ModbusExceptionResponse`) and `ValueError` for a
    request that is malformed before it is sent.  Unit 0 writes are broadcasts with no reply.
    """

    async def read_registers(
        self, unit: int, address: int, count: int, function: int = 3, timeout: float = 1.0
    ) -> list[int]: ...

    async def read_bits(
        self, unit: int, address: int, count: int, function: int = 1, timeout: float = 1.0
    ) -> list[bool]: ...

    async def write_coil(self, unit: int, address: int, value: bool, timeout: float = 1.0) -> None: ...

    async def write_register(self, unit: int, address: int, value: int, timeout: float = 1.0) -> None: ...

    async def write_coils(self, unit: int, address: int, values: Sequence[bool], timeout: float = 1.0) -> None: ...

    async def write_registers(self, unit: int, address: int, values: Sequence[int], timeout: float = 1.0) -> None: ...


# -- requests (shared by RTU and TCP) --------------------------------------------------------------


def check_unit(unit: int, *, write: bool, top: int = MAX_RTU_UNIT) -> None:
    """Refuse a unit id outside ``1..top`` (``0..top`` for writes: 0 is broadcast)."""
    low = 0 if write else 1
    if not isinstance(unit, int) or not low <= unit <= top:
        raise ValueError(f"unit id {unit!r} is outside {low}..{top}")


def check_span(address: int, count: int, limit: int, what: str) -> None:
    """Refuse a block that is empty, too long for one request, or runs past address 65535."""
    if not isinstance(count, int) or not 1 <= count <= limit:
        raise ValueError(f"{count!r} {what} in one request: Modbus allows 1..{limit}")
    if not isinstance(address, int) or not 0 <= address <= 0xFFFF:
        raise ValueError(f"address {address!r} is outside 0..65535")
    if address + count - 1 > 0xFFFF:
        raise ValueError(f"{count} {what} from address {address} run past address 65535")


def check_timeout(timeout: float) -> None:
    """Refuse a deadline that cannot be met."""
    if not timeout > 0:
        raise ValueError(f"timeout must be positive seconds, not {timeout!r}")


def read_request(unit: int, function: int, address: int, count: int) -> ModbusPDU:
    """The request PDU for FC1-4, after checking function, unit, address and count."""
    if function in (3, 4):
        check_span(address, count, MAX_READ_REGISTERS, "registers")
        cls = ReadHoldingRegistersRequest if function == 3 else ReadInputRegistersRequest
    elif function in (1, 2):
        check_span(address, count, MAX_READ_BITS, "bits")
        cls = ReadCoilsRequest if function == 1 else ReadDiscreteInputsRequest
    else:
        raise ValueError(f"function {function!r} is not a read (1 coils, 2 inputs, 3 holding, 4 input regs)")
    return cls(address=address, count=count, dev_id=unit)


def write_request(unit: int, function: int, address: int, values: Sequence[int] | Sequence[bool]) -> ModbusPDU:
    """The request PDU for FC5/6/15/16, after checking address, count and every value."""
    if function in (6, 16):
        for v in values:
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 0xFFFF:
                raise ValueError(f"register value {v!r} is not an integer in 0..65535")
        regs = [int(v) for v in values]
        if function == 6:
            check_span(address, 1, 1, "register")
            return WriteSingleRegisterRequest(address=address, registers=regs, dev_id=unit)
        check_span(address, len(regs), MAX_WRITE_REGISTERS, "registers")
        return WriteMultipleRegistersRequest(address=address, registers=regs, dev_id=unit)
    for v in values:
        if not isinstance(v, bool | int) or v not in (0, 1):
            raise ValueError(f"coil value {v!r} is not a bool")
    bits = [bool(v) for v in values]
    if function == 5:
        check_span(address, 1, 1, "coil")
        return WriteSingleCoilRequest(address=address, bits=bits, dev_id=unit)
    check_span(address, len(bits), MAX_WRITE_COILS, "coils")
    return WriteMultipleCoilsRequest(address=address, bits=bits, dev_id=unit)


# -- RTU codec (pymodbus builds requests and decodes PDUs; it never sees the socket) -----------------

_FRAMER = FramerRTU(DecodePDU(is_server=False))


def rtu_read_frame(unit: int, function: int, address: int, count: int) -> bytes:
    """The RTU request frame, CRC included, that reads ``count`` items with FC1-4."""
    check_unit(unit, write=False)
    return _FRAMER.buildFrame(read_request(unit, function, address, count))


def rtu_write_frame(unit: int, function: int, address: int, values: Sequence[int] | Sequence[bool]) -> bytes:
    """The RTU request frame, CRC included, for FC5/6/15/16 (unit 0: a broadcast)."""
    check_unit(unit, write=True)
    return _FRAMER.buildFrame(write_request(unit, function, address, values))


def decode_rtu_reply(frame: bytes, unit: int, function: int, where: str = "") -> ModbusPDU:
    """Decode a reply that `rtu_reader` delimited; raise if it is an exception reply.

    The reader has checked unit, length and CRC already, so pymodbus gets just the PDU:
    that spares the framer's second CRC pass (half the decode time on a busy listener).
    Raises `ModbusExceptionResponse`, or `ModbusFrameError` when pymodbus cannot decode it.
    """
    prefix = f"{where}: " if where else ""
    try:
        pdu = _FRAMER.decoder.decode(frame[1:-2])
    except ModbusException as exc:
        pdu = None
        log.debug("pymodbus could not decode %s: %s", frame.hex(" "), exc)
    if pdu is None:
        raise ModbusFrameError(f"{prefix}unit {unit}: cannot decode reply {frame.hex(' ')}")
    if pdu.isError():
        raise ModbusExceptionResponse(pdu.exception_code, unit=unit, function=function, where=where)
    return pdu


# -- RTU frame reader --------------------------------------------------------------------------------

_compute_crc = FramerRTU.compute_CRC


def _crc_ok(buf: bytearray, start: int, end: int) -> bool:
    return _compute_crc(buf[start : end - 2]) == (buf[end - 2] << 8 | buf[end - 1])


class RtuFrameReader:
    """A `FrameReader` for one RTU request: finds *its* reply in the receive buffer.

    RTU has no transaction id, so a reply is recognised by unit, function, length, byte
    count (reads) or echo (writes) and CRC.  Bytes before it are noise: heartbeat remnants,
    garbage, or a late reply to an earlier request.  What was skipped is remembered
    (`mismatch`, `bad_crc`) so a timeout can say what really arrived.
    """

    __slots__ = ("_exc", "_ok", "bad_crc", "byte_count", "echo", "function", "mismatch", "size", "unit")

    def __init__(self, unit: int, function: int, count: int, echo: bytes = b"") -> None:
        if function in (1, 2):
            self.byte_count: int | None = (count + 7) // 8
        elif function in (3, 4):
            self.byte_count = 2 * count
        elif function in (5, 6, 15, 16):
            self.byte_count = None
        else:
            raise ValueError(f"function {function!r} has no RTU reply this reader knows")
        if not 0 <= unit <= 255 or (self.byte_count is not None and not 1 <= self.byte_count <= 250):
            raise ValueError(f"no RTU reply can carry unit {unit!r} with {count!r} items")
        self.unit = unit
        self.function = function
        self.size = 8 if self.byte_count is None else 5 + self.byte_count
        self.echo = echo[:4]
        self.mismatch = ""  # a complete frame from our unit and function that was not our reply
        self.bad_crc = ""  # a complete candidate whose CRC failed
        self._ok = bytes((unit, function))
        self._exc = bytes((unit, function | 0x80))

    def __call__(self, buf: bytearray) -> tuple[int, int] | None:
        """The span of the reply in ``buf``, None while incomplete; raises `ModbusCrcError`."""
        n = len(buf)
        start = 0
        pending = False  # a candidate that may still complete
        bad_at = -1
        while True:
            i = buf.find(self._ok, start)
            j = buf.find(self._exc, start)
            if j >= 0 and (i < 0 or j < i):
                i, size, is_exc = j, 5, True
            elif i >= 0:
                size, is_exc = self.size, False
            else:
                break
            end = i + size
            if not is_exc:
                skip_to = self._foreign(buf, i, n)
                if skip_to:
                    start = skip_to
                    continue
            if end > n:
                pending = True
            elif _crc_ok(buf, i, end):
                return i, end
            elif bad_at < 0:
                bad_at = i
                self.bad_crc = f"bad CRC on {bytes(buf[i:end]).hex(' ')}"
            start = i + 1
        if bad_at >= 0 and not pending:
            raise ModbusCrcError(
                f"unit {self.unit}, function {self.function:02d}: reply failed its CRC "
                f"({bytes(buf[bad_at : bad_at + self.size]).hex(' ')})"
            )
        return None

    def _foreign(self, buf: bytearray, i: int, n: int) -> int:
        """Where to resume when the header at ``i`` cannot be our reply (0 when it may be)."""
        if self.byte_count is not None:
            if i + 2 >= n or buf[i + 2] == self.byte_count:
                return 0
            other = i + 5 + buf[i + 2]
            if other <= n and _crc_ok(buf, i, other):
                self.mismatch = (
                    f"unit {self.unit} sent {buf[i + 2]} data bytes for function {self.function:02d}, "
                    f"{self.byte_count} were asked (a late reply to another request?)"
                )
                return other
            return i + 1
        have = buf[i + 2 : min(n, i + 6)]
        if not self.echo or self.echo.startswith(have):
            return 0
        if i + 8 <= n and _crc_ok(buf, i, i + 8):
            self.mismatch = (
                f"unit {self.unit} confirmed function {self.function:02d} with {bytes(have).hex(' ')}, "
                f"{self.echo.hex(' ')} was sent (a late reply to another write?)"
            )
            return i + 8
        return i + 1


def rtu_reader(unit: int, function: int, count: int, *, echo: bytes = b"") -> RtuFrameReader:
    """A `FrameReader` for the reply to an RTU request of ``count`` items (FC1-6, 15, 16).

    ``echo`` (optional) is the 4 bytes after unit and function that a write reply must
    repeat (address and value or quantity), so a late reply to another write is not taken.
    """
    return RtuFrameReader(unit, function, count, echo)


# -- RTU master ----------------------------------------------------------------------------------------------

#: Built read requests kept per master: a poller repeats the same few reads forever.
_CACHE_LIMIT = 4096


class BusWrites:
    """The four Modbus writes, shared by the RTU and TCP masters; each supplies ``_write``."""

    async def _write(self, unit: int, function: int, address: int, values: list, timeout: float) -> None:
        raise TypeError(f"{type(self).__name__} must define _write")

    async def write_coil(self, unit: int, address: int, value: bool, timeout: float = 1.0) -> None:
        """Switch one coil (FC5): a relay output, a remote-control point."""
        await self._write(unit, 5, address, [value], timeout)

    async def write_register(self, unit: int, address: int, value: int, timeout: float = 1.0) -> None:
        """Write one holding register (FC6)."""
        await self._write(unit, 6, address, [value], timeout)

    async def write_coils(self, unit: int, address: int, values: Sequence[bool], timeout: float = 1.0) -> None:
        """Write consecutive coils (FC15)."""
        await self._write(unit, 15, address, list(values), timeout)

    async def write_registers(self, unit: int, address: int, values: Sequence[int], timeout: float = 1.0) -> None:
        """Write consecutive holding registers (FC16)."""
        await self._write(unit, 16, address, list(values), timeout)


class ModbusRtu(BusWrites):
    """The Modbus-RTU master of one RS-485 bus reached through a `Link`.

    One request is in flight at a time (the Link's lock); the Link flushes its buffer
    before each request and `rtu_reader` checks unit, function, byte count or echo and CRC,
    so a late reply can never answer the wrong request.  Broadcast writes (unit 0) get no
    reply: they are sent and the bus is kept quiet for ``broadcast_quiet`` seconds so the
    units can act before the next request.
    """

    def __init__(self, link: Link, *, broadcast_quiet: float = 0.1) -> None:
        self.link = link
        self.broadcast_quiet = broadcast_quiet
        self._reads: dict[tuple[int, int, int, int], bytes] = {}

    async def read_registers(
        self, unit: int, address: int, count: int, function: int = 3, timeout: float = 1.0
    ) -> list[int]:
        """Read ``count`` holding (FC3) or input (FC4) registers starting at ``address``."""
        if function not in (3, 4):
            raise ValueError(f"function {function!r} does not read registers (3 holding, 4 input)")
        pdu = await self._read(unit, function, address, count, timeout)
        registers = list(pdu.registers)
        if len(registers) != count:
            raise ModbusFrameError(f"unit {unit}: {len(registers)} registers decoded, {count} asked")
        return registers

    async def read_bits(
        self, unit: int, address: int, count: int, function: int = 1, timeout: float = 1.0
    ) -> list[bool]:
        """Read ``count`` coils (FC1) or discrete inputs (FC2) starting at ``address``."""
        if function not in (1, 2):
            raise ValueError(f"function {function!r} does not read bits (1 coils, 2 discrete inputs)")
        pdu = await self._read(unit, function, address, count, timeout)
        return list(pdu.bits[:count])

    # -- internals ---------------------------------------------------------------------------------

    async def _read(self, unit: int, function: int, address: int, count: int, timeout: float) -> ModbusPDU:
        key = (unit, function, address, count)
        request = self._reads.get(key)
        if request is None:
            request = rtu_read_frame(unit, function, address, count)
            if len(self._reads) >= _CACHE_LIMIT:
                self._reads.clear()
            self._reads[key] = request
        check_timeout(timeout)
        return await self._exchange(request, RtuFrameReader(unit, function, count), timeout)

    async def _write(
        self, unit: int, function: int, address: int, values: list[int] | list[bool], timeout: float
    ) -> None:
        check_timeout(timeout)
        request = rtu_write_frame(unit, function, address, values)
        if unit == 0:
            await self.link.send(request, quiet=self.broadcast_quiet)
            return
        await self._exchange(request, RtuFrameReader(unit, function, len(values), request[2:6]), timeout)

    async def _exchange(self, request: bytes, reader: RtuFrameReader, timeout: float) -> ModbusPDU:
        where = self.link.name
        try:
            frame = await self.link.exchange(request, reader, timeout)
        except LinkTimeout as exc:
            # Bytes did arrive, just not our reply: say what they were rather than "no reply".
            if reader.bad_crc:
                raise ModbusCrcError(f"{where}: unit {reader.unit}: {reader.bad_crc}") from exc
            if reader.mismatch:
                raise ModbusFrameError(f"{where}: {reader.mismatch}") from exc
            raise
        except FrameError as exc:
            raise type(exc)(f"{where}: {exc}") from exc
        return decode_rtu_reply(frame, reader.unit, reader.function, where)
