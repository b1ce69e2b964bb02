"""A simulated DL/T645-2007 revenue meter, written apart from our driver's codec on purpose.

Tests of `drivers.dlt645` against the simulator are only worth something if the meter side is
a second implementation of the standard, so this module re-reads the standard instead of
importing the driver: frames ``[FE..] 68 A0..A5 68 C L DATA CS 16``, DATA sent +0x33 per byte,
CS the byte sum from the first 68 to the last DATA byte, values in BCD lowest byte first with
the sign in the top bit of the highest byte where the item is signed.

What it answers: read data (11H) for every data identifier of its template (and blocks that
wildcard one DI byte with FF, such as 0201FF00 for the three phase voltages), its date,
time and address (04000101/02, 04000401), and read address (13H) on the AA..AA wildcard.
Broadcast time sync (08H, address 99..99) gets no reply, as the standard says; anything
else gets an abnormal reply with the "unauthorised" error bit, as a meter with a password
would answer an unknown master.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import datetime

from drivers.simulator.spec import SimDevice
from drivers.templates import Quantity, Template

FE, START, END = 0xFE, 0x68, 0x16
ERR_NO_DATA = 0x02  # bit1: the requested data does not exist
ERR_UNAUTHORISED = 0x04  # bit2: password wrong / not authorised
DI_DATE, DI_TIME, DI_ADDRESS = 0x04000101, 0x04000102, 0x04000401


class MeterError(ValueError):
    """A template or address a simulated DL/T645 meter cannot use."""


def split_frame(buf: bytes | bytearray) -> tuple[int, bytes | None]:
    """Find the first whole, valid frame in ``buf``: (bytes to drop, frame or None).

    Bytes before a frame (wake-up FEs, noise) and frames with a bad checksum are dropped; a
    partial frame at the end is left for more bytes to complete.
    """
    i = 0
    n = len(buf)
    while True:
        i = buf.find(START, i)
        if i < 0:
            return n, None
        if n - i < 10:
            return i, None
        if buf[i + 7] != START:
            i += 1
            continue
        length = buf[i + 9]
        end = i + 12 + length
        if n < end:
            return i, None
        if sum(buf[i : end - 2]) & 0xFF == buf[end - 2] and buf[end - 1] == END:
            return end, bytes(buf[i:end])
        i += 1


def _bcd(value: int, length: int) -> bytes:
    digits = f"{value:0{2 * length}d}"[-2 * length :]
    return bytes(int(digits[k : k + 2], 16) for k in range(0, 2 * length, 2))[::-1]


def encode_value(value: float, length: int, decimals: int, signed: bool) -> bytes:
    """A value in BCD, lowest byte first; the top bit of the last byte is the sign if signed."""
    scaled = round(abs(value) * 10**decimals)
    top = 10 ** (2 * length) - 1
    if signed:
        top = 8 * 10 ** (2 * length - 1) - 1  # the sign bit takes the top digit's 8
    raw = bytearray(_bcd(min(scaled, top), length))
    if signed and value < 0 and scaled:
        raw[-1] |= 0x80
    return bytes(raw)


class Dlt645Meter:
    """One revenue meter on a simulated bus; ``answer(frame)`` is its whole protocol."""

    def __init__(
        self,
        device: SimDevice,
        template: Template,
        clock: Callable[[], datetime],
        rng: random.Random | None = None,
    ) -> None:
        if template.protocol != "dlt645":
            raise MeterError(f"{device.id}: template {template.id} is {template.protocol}, not DL/T645")
        address = str(device.address)
        if len(address) != 12 or not address.isdigit():
            raise MeterError(f"{device.id}: a DL/T645 address is 12 decimal digits, got {address!r}")
        self.device = device
        self.template = template
        self.address = address
        self.wire_address = bytes(int(address[k : k + 2], 16) for k in range(0, 12, 2))[::-1]
        self.clock = clock
        self.rng = rng or random.Random(0)
        self.stamp: object = None
        self._items: dict[int, Quantity] = {q.di: q for q in template.quantities if q.di is not None}
        self._values: dict[int, bytes] = {}
        self.load({})

    def load(self, readings: Mapping[str, float]) -> None:
        """Encode every data item from the plant's readings (missing ones read as zero)."""
        pt, ct = self.device.pt, self.device.ct
        for di, q in self._items.items():
            value = q.raw_for(readings.get(q.id, 0.0), pt, ct)
            self._values[di] = encode_value(value, q.length or 4, q.decimals or 0, q.signed)

    def _item(self, di: int) -> bytes | None:
        if di == DI_DATE:
            now = self.clock()
            return _bcd(int(now.strftime("%y%m%d")) * 100 + (now.isoweekday() % 7), 4)
        if di == DI_TIME:
            return _bcd(int(self.clock().strftime("%H%M%S")), 3)
        if di == DI_ADDRESS:
            return self.wire_address
        if di in self._values:
            return self._values[di]
        wild = [k for k in range(4) if (di >> (8 * k)) & 0xFF == 0xFF]
        if not wild:
            return None
        mask = 0xFFFFFFFF
        for k in wild:
            mask &= ~(0xFF << (8 * k))
        parts = [self._values[d] for d in sorted(self._values) if d & mask == di & mask]
        return b"".join(parts) if parts else None

    def _matches(self, wire_address: bytes) -> bool:
        for mine, theirs in zip(self.wire_address, wire_address, strict=True):
            if theirs == 0xAA:
                continue
            if theirs & 0x0F == 0x0A and theirs >> 4 == mine >> 4:  # a wildcard low digit
                continue
            if theirs != mine:
                return False
        return True

    def answer(self, frame: bytes) -> bytes | None:
        """The reply to a request frame from `split_frame`, or None when the meter stays quiet."""
        wire_address, control, length = frame[1:7], frame[8], frame[9]
        if control & 0x80 or wire_address == b"\x99" * 6:
            return None  # a reply from someone else, or a broadcast (time sync): no answer
        if not self._matches(wire_address):
            return None
        data = bytes((b - 0x33) & 0xFF for b in frame[10 : 10 + length])
        function = control & 0x1F
        if function == 0x13:
            if wire_address != b"\xaa" * 6:
                return None
            return self._reply(0x93, self.wire_address)
        if function == 0x11 and len(data) >= 4:
            di = int.from_bytes(data[:4], "little")
            item = self._item(di)
            if item is None:
                return self._reply(0xD1, bytes([ERR_NO_DATA]))
            return self._reply(0x91, data[:4] + item)
        return self._reply(0xC0 | function, bytes([ERR_UNAUTHORISED]))

    def _reply(self, control: int, data: bytes) -> bytes:
        body = bytes([START]) + self.wire_address + bytes([START, control, len(data)])
        body += bytes((b + 0x33) & 0xFF for b in data)
        wake = bytes([FE]) * self.rng.randint(0, 4)  # meters send 0..4 wake-up bytes
        return wake + body + bytes([sum(body) & 0xFF, END])
