"""DL/T645-2007 reader: what the data identifiers mean, and the master that reads them over a Link.

A revenue meter does not describe its own values: the data identifier (DI) alone says how
many BCD bytes come back, how many decimals they carry and whether the top bit is a sign.  The
table here holds the identifiers a power-distribution room needs (energy, U, I, P, Q, S, PF, F,
the meter's clock and address, and the per-phase block reads) so that templates can name a DI
and get a number with a unit.  `Dlt645Meter` is the bus master: one request in flight through
the `Link`, FE wake-up bytes in front, follow-on frames read and joined, and every refusal or
bad reply turned into a typed `Dlt645Error`.

Frame building and parsing live in `drivers.dlt645_codec`; its public names are re-exported
here so callers import from one place.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from types import MappingProxyType

from drivers.dlt645_codec import (
    BROADCAST,
    ERR_BITS,
    WILDCARD,
    Dlt645AbnormalReply,
    Dlt645AddressMismatch,
    Dlt645BadChecksum,
    Dlt645Error,
    Dlt645Malformed,
    Frame,
    Function,
    build_abnormal_reply,
    build_frame,
    build_read,
    build_read_address,
    build_read_follow_on,
    build_reply,
    build_time_sync,
    decode_address,
    decode_bcd,
    decode_bcd_address,
    decode_bcd_digits,
    di_bytes,
    encode_address,
    encode_bcd,
    encode_bcd_digits,
    err_reasons,
    frame_reader,
    parse_frame,
    parse_time_sync,
    scan,
    time_sync_data,
)
from drivers.link import Link

__all__ = [
    "BROADCAST",
    "ERR_BITS",
    "ITEMS",
    "WILDCARD",
    "DataItem",
    "Dlt645AbnormalReply",
    "Dlt645AddressMismatch",
    "Dlt645BadChecksum",
    "Dlt645Error",
    "Dlt645Malformed",
    "Dlt645Meter",
    "Frame",
    "Function",
    "Kind",
    "Value",
    "build_abnormal_reply",
    "build_frame",
    "build_read",
    "build_read_address",
    "build_read_follow_on",
    "build_reply",
    "build_time_sync",
    "decode_address",
    "decode_bcd",
    "decode_bcd_address",
    "decode_value",
    "di_bytes",
    "encode_address",
    "encode_bcd",
    "encode_value",
    "err_reasons",
    "frame_reader",
    "item",
    "parse_frame",
    "parse_time_sync",
    "scan",
    "time_sync_data",
]

log = logging.getLogger(__name__)

#: A decoded value: a number, a text (date, time, address), or one number per phase (block read).
Value = float | int | str | tuple[float | int, ...]

#: A meter that keeps setting "more follows" is broken; the sequence number is one byte.
MAX_FOLLOW_ON = 255


class Kind(enum.StrEnum):
    """How the BCD bytes of an identifier read."""

    NUMBER = "number"  # BCD with implied decimals, maybe signed
    DATE = "date"  # YYMMDDWW -> "2024-06-15" (WW is the weekday, 0 = Sunday)
    TIME = "time"  # hhmmss -> "12:34:56"
    DIGITS = "digits"  # NN...NN -> the digit string (address, meter number)


@dataclass(frozen=True, slots=True)
class DataItem:
    """One data identifier: its format (from the standard's appendix) and its names."""

    di: int
    name_en: str
    name_zh: str
    unit: str
    length: int  # bytes of one value
    decimals: int = 0
    signed: bool = False
    kind: Kind = Kind.NUMBER
    count: int = 1  # values in one reply (block reads, DI1 = FF)

    @property
    def size(self) -> int:
        """Bytes of the value part of a reply."""
        return self.length * self.count

    @property
    def code(self) -> str:
        """The identifier as printed in the standard, e.g. ``"02010100"``."""
        return f"{self.di:08X}"


@dataclass(frozen=True, slots=True)
class _Format:
    unit: str
    length: int
    decimals: int = 0
    signed: bool = False


_ENERGY = _Format("kWh", 4, 2)  # XXXXXX.XX
_VOLTAGE = _Format("V", 2, 1)  # XXX.X
_CURRENT = _Format("A", 3, 3, signed=True)  # XXX.XXX
_PF = _Format("", 2, 3, signed=True)  # X.XXX


def _build_table() -> dict[int, DataItem]:
    items: list[DataItem] = []

    def add(di: int, names: tuple[str, str], fmt: _Format, kind: Kind = Kind.NUMBER, count: int = 1) -> None:
        en, zh = names
        items.append(DataItem(di, en, zh, fmt.unit, fmt.length, fmt.decimals, fmt.signed, kind, count))

    # The combined registers are import minus export (or a configured mix) and carry a sign.
    add(0x00000000, ("combined active energy", "组合有功总电能"), _Format("kWh", 4, 2, signed=True))
    tariffs = (("sharp", "尖"), ("peak", "峰"), ("flat", "平"), ("valley", "谷"))
    for base, en, zh in ((0x00010000, "import", "正向"), (0x00020000, "export", "反向")):
        add(base, (f"{en} active energy", f"{zh}有功总电能"), _ENERGY)
        for t, (ten, tzh) in enumerate(tariffs, start=1):
            names = (f"{en} active energy, tariff {t} ({ten})", f"{zh}有功费率{t}({tzh})电能")
            add(base + (t << 8), names, _ENERGY)
    add(0x00030000, ("combined reactive energy 1", "组合无功1总电能"), _Format("kvarh", 4, 2, signed=True))
    add(0x00040000, ("combined reactive energy 2", "组合无功2总电能"), _Format("kvarh", 4, 2, signed=True))

    phases = (("A", "A相"), ("B", "B相"), ("C", "C相"))
    # Per phase and as a block (DI1 = FF: A, B, C).
    for group, en, zh, fmt in ((0x0201, "voltage", "电压", _VOLTAGE), (0x0202, "current", "电流", _CURRENT)):
        for p, (pen, pzh) in enumerate(phases, start=1):
            add((group << 16) | (p << 8), (f"phase {pen} {en}", f"{pzh}{zh}"), fmt)
        add((group << 16) | 0xFF00, (f"{en}, phases A-C", f"{zh}数据块"), fmt, count=3)
    # Total and per phase; the block is total, A, B, C.  Apparent power has no direction.
    for group, en, zh, fmt in (
        (0x0203, "active power", "有功功率", _Format("kW", 3, 4, signed=True)),  # XX.XXXX
        (0x0204, "reactive power", "无功功率", _Format("kvar", 3, 4, signed=True)),
        (0x0205, "apparent power", "视在功率", _Format("kVA", 3, 4)),
        (0x0206, "power factor", "功率因数", _PF),
    ):
        add(group << 16, (f"total {en}", f"总{zh}"), fmt)
        for p, (pen, pzh) in enumerate(phases, start=1):
            add((group << 16) | (p << 8), (f"phase {pen} {en}", f"{pzh}{zh}"), fmt)
        add((group << 16) | 0xFF00, (f"{en}, total and phases A-C", f"{zh}数据块"), fmt, count=4)
    add(0x02800001, ("neutral current", "零线电流"), _CURRENT)
    add(0x02800002, ("frequency", "电网频率"), _Format("Hz", 2, 2))  # XX.XX
    add(0x04000101, ("date and weekday", "日期及星期"), _Format("", 4), Kind.DATE)
    add(0x04000102, ("time", "时间"), _Format("", 3), Kind.TIME)
    add(0x04000401, ("communication address", "通信地址"), _Format("", 6), Kind.DIGITS)
    add(0x04000402, ("meter number", "表号"), _Format("", 6), Kind.DIGITS)
    return {i.di: i for i in items}


#: The data identifiers this driver decodes, by DI.
ITEMS: Mapping[int, DataItem] = MappingProxyType(_build_table())


def item(di: int) -> DataItem:
    """The table entry of ``di``; `ValueError` names the DI when it is not in the table."""
    try:
        return ITEMS[di]
    except KeyError:
        raise ValueError(f"data identifier {di:08X} is not in the DL/T645 table; read it raw") from None


# -- values ---------------------------------------------------------------------------------------


def decode_value(di: int, raw: bytes) -> Value:
    """The value bytes of a reply to ``di`` (DI already removed, -0x33 applied) as a value."""
    spec = item(di)
    if len(raw) != spec.size:
        raise Dlt645Malformed(f"{spec.code} ({spec.name_en}) is {spec.size} bytes, the meter sent {len(raw)}")
    if spec.kind is Kind.NUMBER:
        values = tuple(
            decode_bcd(raw[k : k + spec.length], spec.decimals, signed=spec.signed)
            for k in range(0, spec.size, spec.length)
        )
        return values if spec.count > 1 else values[0]
    digits = decode_bcd_digits(raw)
    if spec.kind is Kind.DIGITS:
        return digits
    if spec.kind is Kind.TIME:
        hh, mm, ss = (int(digits[k : k + 2]) for k in range(0, 6, 2))
        try:
            return time(hh, mm, ss).isoformat()
        except ValueError as exc:
            raise Dlt645Malformed(f"{spec.code} ({spec.name_en}) is not a time of day: {digits}") from exc
    yy, mo, dd, ww = (int(digits[k : k + 2]) for k in range(0, 8, 2))
    try:
        day = date(2000 + yy, mo, dd)
    except ValueError as exc:
        raise Dlt645Malformed(f"{spec.code} ({spec.name_en}) is not a date: {digits}") from exc
    if ww > 6:
        raise Dlt645Malformed(f"{spec.code} ({spec.name_en}) has weekday {ww}, expected 0 (Sunday) to 6")
    return day.isoformat()


def encode_value(di: int, value: Value | date | time) -> bytes:
    """The value bytes a meter sends for ``di`` (the inverse of `decode_value`; for simulators)."""
    spec = item(di)
    if spec.kind is Kind.NUMBER:
        values = value if isinstance(value, tuple) else (value,)
        if len(values) != spec.count or not all(isinstance(v, int | float) for v in values):
            raise ValueError(f"{spec.code} ({spec.name_en}) takes {spec.count} number(s), got {value!r}")
        return b"".join(encode_bcd(v, spec.length, spec.decimals, signed=spec.signed) for v in values)
    if spec.kind is Kind.DIGITS:
        if not isinstance(value, str) or len(value) != 2 * spec.length:
            raise ValueError(f"{spec.code} ({spec.name_en}) takes {2 * spec.length} digits, got {value!r}")
        return encode_bcd_digits(value)
    if spec.kind is Kind.TIME:
        t = time.fromisoformat(value) if isinstance(value, str) else value
        if not isinstance(t, time):
            raise ValueError(f"{spec.code} ({spec.name_en}) takes a time of day, got {value!r}")
        return encode_bcd_digits(f"{t.hour:02d}{t.minute:02d}{t.second:02d}")
    d = date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(d, datetime):
        d = d.date()
    if not isinstance(d, date) or not 2000 <= d.year <= 2099:
        raise ValueError(f"{spec.code} ({spec.name_en}) takes a date in 2000-2099, got {value!r}")
    return encode_bcd_digits(f"{d.year % 100:02d}{d.month:02d}{d.day:02d}{d.isoweekday() % 7:02d}")


# -- the bus master -----------------------------------------------------------------------------------


class Dlt645Meter:
    """Reads DL/T645-2007 meters on the RS-485 bus behind one `Link`.

    The Link keeps one request in flight and flushes stale bytes; this class adds the
    protocol's rules: requests carry 4 FE wake-up bytes, a reply must come from the meter asked
    and answer the function and DI asked, refusals become `Dlt645AbnormalReply`, and "more
    follows" (D5) is followed with read follow-on (12H) requests whose values are joined.
    Each request gets its own ``timeout`` (seconds); NB-IoT links want 10 s or more.
    """

    def __init__(self, link: Link) -> None:
        self.link = link

    async def read(self, address: str, di: int, timeout: float = 3.0) -> Value:
        """Read ``di`` from meter ``address`` ("000000000161") and decode it with the DI table."""
        item(di)  # an unknown DI is our mistake: say so before using the bus
        return decode_value(di, await self.read_raw(address, di, timeout))

    async def read_raw(self, address: str, di: int, timeout: float = 3.0) -> bytes:
        """Read ``di`` and return the value bytes (-0x33 applied, DI removed, follow-ons joined)."""
        frame = await self._exchange(build_read(address, di), address, Function.READ, timeout)
        parts = [self._value_part(frame, di)]
        address = frame.address  # a wildcard request: ask the meter that answered for the rest
        seq = 0
        while frame.more_follows:
            seq += 1
            if seq > MAX_FOLLOW_ON:
                raise Dlt645Malformed(f"meter {address} still says more follows after {MAX_FOLLOW_ON} frames")
            request = build_read_follow_on(address, di, seq)
            frame = await self._exchange(request, address, Function.READ_FOLLOW_ON, timeout)
            part = self._value_part(frame, di)
            if not part or part[-1] != seq:
                got = f"{part[-1]}" if part else "none"
                raise Dlt645Malformed(f"meter {address} answered follow-on frame {seq} with sequence {got}")
            parts.append(part[:-1])
        return b"".join(parts)

    async def read_address(self, timeout: float = 3.0) -> str:
        """Ask the one meter on the bus for its address (13H to AA..AA)."""
        frame = await self._exchange(build_read_address(), WILDCARD, Function.READ_ADDRESS, timeout)
        if len(frame.data) != 6:
            raise Dlt645Malformed(f"read address reply carries {len(frame.data)} bytes instead of 6")
        address = decode_bcd_address(frame.data)
        if address != frame.address:
            raise Dlt645Malformed(f"meter {frame.address} reports address {address} in its data")
        return address

    async def broadcast_time_sync(self, when: datetime, quiet: float = 0.0) -> None:
        """Set every meter's clock to ``when`` (their local time; 08H to 99..99, no reply).

        ``quiet`` keeps the bus idle afterwards, for meters that need a moment to set the clock.
        """
        await self.link.send(build_time_sync(when), quiet)

    async def _exchange(self, request: bytes, address: str, function: int, timeout: float) -> Frame:
        raw = await self.link.exchange(request, frame_reader(address, function), timeout)
        frame = parse_frame(raw)
        if frame.is_abnormal:
            log.debug("%s: meter %s refused %02XH: %s", self.link.name, frame.address, function, raw.hex(" "))
        frame.raise_if_abnormal()
        return frame

    @staticmethod
    def _value_part(frame: Frame, di: int) -> bytes:
        """The reply data after its DI, which must be the DI asked for."""
        data = frame.data
        if len(data) < 4:
            raise Dlt645Malformed(f"reply from meter {frame.address} is too short to hold a DI")
        got = int.from_bytes(data[:4], "little")
        if got != di:
            raise Dlt645Malformed(f"meter {frame.address} answered data identifier {got:08X}, asked {di:08X}")
        return data[4:]
