"""DL/T645-2007 frames, BCD values and the frame reader a `Link` uses to find replies.

Revenue meters speak DL/T645 over the same transparent DTU links as the Modbus meters, so a
reply reaches us cut into TCP segments, behind wake-up bytes (``FE``) and line noise, maybe
merged with a late frame.  This module is the pure, I/O-free half of the driver: it builds
requests, finds and checks frames in a byte buffer, and converts BCD values both ways (the
simulator answers with the same encoders).  Everything a bad byte can cause ends in a
`Dlt645Error`, a `FrameError` of the link layer, so a poller handles it like any other bad
response; bad arguments from our own side (a malformed address string, a value that does not
fit) raise `ValueError` before anything is sent.

Frame: ``[FE x0-4] 68 A0..A5 68 C L DATA CS 16``; the address is 6 BCD bytes, lowest digits
first; DATA travels +0x33 per byte; CS is the byte sum from the first 68 to the last DATA byte.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from drivers.link import FrameError, FrameReader

START = 0x68
END = 0x16
WAKE = 0xFE
#: Masters send this many FE wake-up bytes in front of a request.
PREAMBLE = 4
MAX_PREAMBLE = 4
MAX_DATA = 255  # L is one byte
HEADER = 10  # 68 A0..A5 68 C L
OVERHEAD = 12  # header + CS + 16

#: Address that any single meter answers to (read address 13H with one meter on the bus).
WILDCARD = "AAAAAAAAAAAA"
#: Address of broadcasts nobody answers (time sync 08H).
BROADCAST = "999999999999"

# Control byte bits.
REPLY = 0x80  # D7: sent by the meter
ABNORMAL = 0x40  # D6: the meter refused; DATA is one ERR byte
MORE = 0x20  # D5: more frames follow (read them with 12H)
FUNCTION_MASK = 0x1F  # D4-D0


class Function(enum.IntEnum):
    """Function codes (control byte D4-D0) of DL/T645-2007."""

    BROADCAST_TIME = 0x08
    READ = 0x11
    READ_FOLLOW_ON = 0x12
    READ_ADDRESS = 0x13
    WRITE = 0x14
    WRITE_ADDRESS = 0x15
    FREEZE = 0x16
    CHANGE_BAUD = 0x17
    CHANGE_PASSWORD = 0x18
    CLEAR_DEMAND = 0x19
    CLEAR_METER = 0x1A
    CLEAR_EVENTS = 0x1B
    RELAY = 0x1C


_FUNCTION_NAMES = {
    Function.BROADCAST_TIME: "broadcast time sync",
    Function.READ: "read data",
    Function.READ_FOLLOW_ON: "read follow-on data",
    Function.READ_ADDRESS: "read address",
    Function.WRITE: "write data",
    Function.WRITE_ADDRESS: "write address",
    Function.FREEZE: "freeze",
    Function.CHANGE_BAUD: "change baud rate",
    Function.CHANGE_PASSWORD: "change password",
    Function.CLEAR_DEMAND: "clear maximum demand",
    Function.CLEAR_METER: "clear meter",
    Function.CLEAR_EVENTS: "clear events",
    Function.RELAY: "relay control",
}

#: ERR byte of an abnormal reply, bit -> (English, 中文), as in the standard's table.
ERR_BITS: dict[int, tuple[str, str]] = {
    0: ("other error", "其他错误"),
    1: ("no data requested", "无请求数据"),
    2: ("wrong password or unauthorised", "密码错/未授权"),
    3: ("communication rate cannot change", "通信速率不能更改"),
    4: ("too many year time zones", "年时区数超"),
    5: ("too many daily time periods", "日时段数超"),
    6: ("too many tariffs", "费率数超"),
}


def function_name(code: int) -> str:
    """``"read data (11H)"`` for a function code, for messages a person reads."""
    code &= FUNCTION_MASK
    try:
        name = _FUNCTION_NAMES[Function(code)]
    except ValueError:
        name = "function"
    return f"{name} ({code:02X}H)"


def err_reasons(err: int, *, lang: str = "en") -> tuple[str, ...]:
    """The reasons an ERR byte gives, one entry per set bit (``lang`` is ``"en"`` or ``"zh"``)."""
    col = 1 if lang == "zh" else 0
    reasons = [words[col] for bit, words in ERR_BITS.items() if err & (1 << bit)]
    if err & 0x80:
        reasons.append("保留位 D7" if col else "reserved bit D7")
    return tuple(reasons)


# -- errors ---------------------------------------------------------------------------------


class Dlt645Error(FrameError):
    """Bytes from a meter that are not a usable DL/T645 reply."""


class Dlt645BadChecksum(Dlt645Error):
    """A complete frame whose checksum does not add up: line noise or a baud/parity mismatch."""


class Dlt645Malformed(Dlt645Error):
    """A frame or value that breaks the standard: wrong length, bad BCD digit, wrong reply."""


class Dlt645AddressMismatch(Dlt645Error):
    """A reply from another meter than the one asked (a late reply or an address clash)."""


class Dlt645AbnormalReply(Dlt645Error):
    """The meter answered but refused (control D6): the ERR byte says why."""

    def __init__(self, address: str, function: int, err: int) -> None:
        self.address = address
        self.function = function & FUNCTION_MASK
        self.err = err
        self.reasons = err_reasons(err)
        self.reasons_zh = err_reasons(err, lang="zh")
        why = ", ".join(self.reasons) or "no reason given"
        super().__init__(
            f"meter {address} refused {function_name(function)}: {why} (ERR={err:02X}H)"
        )


# -- addresses --------------------------------------------------------------------------------


def encode_address(address: str) -> bytes:
    """``"000000000161"`` -> ``61 01 00 00 00 00`` (wire order, lowest digits first).

    A byte of the string may be ``AA`` (wildcard); everything else must be decimal digits.
    """
    if not isinstance(address, str) or len(address) != 12:
        raise ValueError(f"a DL/T645 address is 12 digits, got {address!r}")
    out = bytearray()
    for i in range(10, -2, -2):
        pair = address[i : i + 2]
        if pair.upper() == "AA":
            out.append(0xAA)
        elif pair.isdigit() and pair.isascii():
            out.append(int(pair, 16))
        else:
            raise ValueError(f"a DL/T645 address is 12 decimal digits (or AA wildcards), got {address!r}")
    return bytes(out)


def decode_address(raw: bytes) -> str:
    """Wire-order address bytes -> the 12-character string printed on the meter."""
    if len(raw) != 6:
        raise Dlt645Malformed(f"an address is 6 bytes, got {len(raw)}")
    return bytes(reversed(raw)).hex().upper()


def decode_bcd_address(raw: bytes) -> str:
    """Like `decode_address` but every digit must be decimal (a meter's own address)."""
    text = decode_address(raw)
    if not text.isdigit():
        raise Dlt645Malformed(f"meter address {text} has non-decimal digits")
    return text


def address_matches(pattern: bytes, actual: bytes) -> bool:
    """Whether ``actual`` answers to ``pattern`` (wire order; an AA byte matches anything)."""
    return len(actual) == len(pattern) and all(p in (0xAA, a) for p, a in zip(pattern, actual, strict=True))


# -- BCD values ------------------------------------------------------------------------------


def decode_bcd(raw: bytes, decimals: int = 0, *, signed: bool = False) -> float | int:
    """BCD, lowest byte first, with ``decimals`` implied decimal places.

    With ``signed`` the top bit of the highest byte is the sign (current, power, PF).
    Returns an int when ``decimals`` is 0.  A nibble above 9 raises `Dlt645Malformed`.
    """
    if not raw:
        raise Dlt645Malformed("empty BCD value")
    digits = bytearray(reversed(raw))
    negative = False
    if signed and digits[0] & 0x80:
        negative = True
        digits[0] &= 0x7F
    magnitude = 0
    for b in digits:
        hi, lo = b >> 4, b & 0x0F
        if hi > 9 or lo > 9:
            raise Dlt645Malformed(f"not a BCD value: {bytes(raw).hex(' ').upper()} (digit above 9)")
        magnitude = magnitude * 100 + hi * 10 + lo
    if negative and magnitude:
        magnitude = -magnitude
    if decimals == 0:
        return magnitude
    return magnitude / 10**decimals


def encode_bcd(value: float, length: int, decimals: int = 0, *, signed: bool = False) -> bytes:
    """The inverse of `decode_bcd`: ``length`` bytes, lowest first, rounded to ``decimals``."""
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"{value} is not a number a meter can hold")
    # str() of a float is its shortest round-trip text, so 220.1 scales to exactly 2201.
    scaled = int(abs(number).scaleb(decimals).to_integral_value(ROUND_HALF_UP))
    limit = (8 if signed else 10) * 10 ** (2 * length - 1)
    if scaled >= limit:
        raise ValueError(f"{value} does not fit in {length} BCD bytes with {decimals} decimals")
    if value < 0 and not signed:
        raise ValueError(f"{value} is negative but the value is unsigned")
    text = f"{scaled:0{2 * length}d}"
    out = bytearray(int(text[i : i + 2], 16) for i in range(0, len(text), 2))
    if value < 0 and scaled:
        out[0] |= 0x80
    return bytes(reversed(out))


def decode_bcd_digits(raw: bytes) -> str:
    """BCD bytes, lowest first, as a digit string (dates, times, meter numbers)."""
    text = bytes(reversed(raw)).hex()
    if not text.isdigit():
        raise Dlt645Malformed(f"not a BCD value: {bytes(raw).hex(' ').upper()} (digit above 9)")
    return text


def encode_bcd_digits(digits: str) -> bytes:
    """A digit string of even length as BCD bytes, lowest first."""
    if len(digits) % 2 or not (digits.isdigit() and digits.isascii()):
        raise ValueError(f"expected an even number of decimal digits, got {digits!r}")
    return bytes(reversed(bytes.fromhex(digits)))


# -- frames --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded frame; ``data`` is already -0x33."""

    address: str
    control: int
    data: bytes = b""

    @property
    def function(self) -> int:
        """D4-D0 of the control byte."""
        return self.control & FUNCTION_MASK

    @property
    def is_reply(self) -> bool:
        """D7: sent by a meter."""
        return bool(self.control & REPLY)

    @property
    def is_abnormal(self) -> bool:
        """D6: the meter refused; ``data`` is the ERR byte."""
        return bool(self.control & ABNORMAL)

    @property
    def more_follows(self) -> bool:
        """D5: read the rest with follow-on requests (12H)."""
        return bool(self.control & MORE)

    def raise_if_abnormal(self) -> None:
        """Raise `Dlt645AbnormalReply` for a refusal (with a check of its one ERR byte)."""
        if self.is_reply and self.is_abnormal:
            if len(self.data) != 1:
                raise Dlt645Malformed(
                    f"abnormal reply from {self.address} carries {len(self.data)} bytes "
                    "instead of one ERR byte"
                )
            raise Dlt645AbnormalReply(self.address, self.control, self.data[0])


def build_frame(address: str, control: int, data: bytes = b"", *, preamble: int = PREAMBLE) -> bytes:
    """A complete frame with ``preamble`` FE bytes; ``data`` is given plain (+0x33 is applied here)."""
    if not 0 <= control <= 0xFF:
        raise ValueError(f"a control byte is 0..FFH, got {control}")
    if len(data) > MAX_DATA:
        raise ValueError(f"DL/T645 data is at most {MAX_DATA} bytes, got {len(data)}")
    if not 0 <= preamble <= MAX_PREAMBLE:
        raise ValueError(f"0 to {MAX_PREAMBLE} FE wake-up bytes, got {preamble}")
    body = bytearray((START, *encode_address(address), START, control, len(data)))
    body += bytes((b + 0x33) & 0xFF for b in data)
    body += bytes((sum(body) & 0xFF, END))
    return bytes((WAKE,) * preamble) + bytes(body)


def di_bytes(di: int) -> bytes:
    """A data identifier DI3DI2DI1DI0 as sent: DI0 first."""
    if not 0 <= di <= 0xFFFFFFFF:
        raise ValueError(f"a data identifier is 4 bytes, got {di:#x}")
    return di.to_bytes(4, "little")


def build_read(address: str, di: int) -> bytes:
    """Read data (11H) of one identifier."""
    return build_frame(address, Function.READ, di_bytes(di))


def build_read_follow_on(address: str, di: int, seq: int) -> bytes:
    """Read follow-on data (12H): the identifier and the frame sequence number ``seq`` (1, 2, ...)."""
    if not 0 <= seq <= 0xFF:
        raise ValueError(f"a follow-on sequence number is one byte, got {seq}")
    return build_frame(address, Function.READ_FOLLOW_ON, di_bytes(di) + bytes((seq,)))


def build_read_address() -> bytes:
    """Read address (13H) to the wildcard: only for one meter on the bus."""
    return build_frame(WILDCARD, Function.READ_ADDRESS)


def time_sync_data(when: datetime) -> bytes:
    """The 6 data bytes of a broadcast time sync: ss mm hh DD MM YY, BCD, seconds first."""
    if not 2000 <= when.year <= 2099:
        raise ValueError(f"DL/T645 clocks hold years 2000-2099, got {when.year}")
    fields = (when.second, when.minute, when.hour, when.day, when.month, when.year % 100)
    return bytes(int(f"{v:02d}", 16) for v in fields)


def build_time_sync(when: datetime) -> bytes:
    """Broadcast time sync (08H) to 99..99: meters set their clock to ``when`` and do not reply."""
    return build_frame(BROADCAST, Function.BROADCAST_TIME, time_sync_data(when))


def parse_time_sync(data: bytes) -> datetime:
    """The inverse of `time_sync_data` (for simulated meters)."""
    if len(data) != 6:
        raise Dlt645Malformed(f"time sync data is 6 bytes, got {len(data)}")
    ss, mm, hh, dd, mo, yy = (int(d) for d in _pairs(decode_bcd_digits(bytes(reversed(data)))))
    try:
        return datetime(2000 + yy, mo, dd, hh, mm, ss)
    except ValueError as exc:
        raise Dlt645Malformed(f"time sync carries an impossible time: {exc}") from exc


def _pairs(digits: str) -> list[str]:
    return [digits[i : i + 2] for i in range(0, len(digits), 2)]


def build_reply(
    address: str, function: int, data: bytes = b"", *, more: bool = False, preamble: int = 0
) -> bytes:
    """A meter's normal reply (what a simulator sends); ``more`` sets D5."""
    control = REPLY | (function & FUNCTION_MASK) | (MORE if more else 0)
    return build_frame(address, control, data, preamble=preamble)


def build_abnormal_reply(address: str, function: int, err: int, *, preamble: int = 0) -> bytes:
    """A meter's refusal: D7+D6 set and one ERR byte."""
    if not 0 <= err <= 0xFF:
        raise ValueError(f"an ERR byte is 0..FFH, got {err}")
    control = REPLY | ABNORMAL | (function & FUNCTION_MASK)
    return build_frame(address, control, bytes((err,)), preamble=preamble)


# -- finding frames in a stream -----------------------------------------------------------------


def _preamble_start(buf: bytes | bytearray, start: int) -> int:
    """Index of the FE wake-up bytes (at most 4) right before the 68 at ``start``."""
    i = start
    while i > 0 and start - i < MAX_PREAMBLE and buf[i - 1] == WAKE:
        i -= 1
    return i


def _decode(buf: bytes | bytearray, start: int, end: int) -> Frame:
    return Frame(
        address=decode_address(bytes(buf[start + 1 : start + 7])),
        control=buf[start + 8],
        data=bytes((b - 0x33) & 0xFF for b in buf[start + HEADER : end - 2]),
    )


def scan(buf: bytes | bytearray, accept: Callable[[Frame], bool] | None = None) -> tuple[int, int] | None:
    """Find the first complete, checked frame in ``buf``: ``(start, end)`` or None for "need more".

    ``start`` includes the frame's FE wake-up bytes, so what lies before it is noise.  ``accept``
    (a callable ``Frame -> bool``, or None for any frame) may skip a frame by returning False or
    reject it by raising a `Dlt645Error`.  A bad checksum or a rejected frame is only reported
    when nothing after it could still be a good frame; until then the scan keeps looking, so a
    stray ``68`` in line noise cannot hide the real reply behind it.
    """
    n = len(buf)
    i = 0
    pending = False
    deferred: Dlt645Error | None = None
    while True:
        i = buf.find(START, i)
        if i < 0:
            break
        if n - i < HEADER:
            if n - i <= 7 or buf[i + 7] == START:
                pending = True  # could still be a frame header
            i += 1
            continue
        if buf[i + 7] != START:
            i += 1
            continue
        end = i + OVERHEAD + buf[i + 9]
        if end > n:
            pending = True
            i += 1
            continue
        if buf[end - 1] != END:
            i += 1
            continue
        cs = sum(buf[i : end - 2]) & 0xFF
        if cs != buf[end - 2]:
            if deferred is None:
                deferred = Dlt645BadChecksum(
                    f"checksum error: frame says {buf[end - 2]:02X}H, bytes add up to {cs:02X}H"
                )
            i += 1
            continue
        if accept is not None:
            try:
                taken = accept(_decode(buf, i, end))
            except Dlt645Error as exc:
                deferred = deferred or exc
                i += 1
                continue
            if not taken:
                i += 1
                continue
        return _preamble_start(buf, i), end
    if pending or deferred is None:
        return None
    raise deferred


def parse_frame(data: bytes | bytearray) -> Frame:
    """Decode the first frame in ``data`` (FE bytes and noise before it are skipped)."""
    span = scan(data)
    if span is None:
        raise Dlt645Malformed(f"no complete DL/T645 frame in {len(data)} bytes")
    start, end = span
    while data[start] == WAKE:
        start += 1
    return _decode(data, start, end)


def frame_reader(address: str, function: int | None = None) -> FrameReader:
    """A `FrameReader` for `Link.exchange` that delimits the reply of meter ``address``.

    Frames sent by a master (D7 clear: the echo of our own request on some RS-485 converters)
    are skipped as noise.  A reply from another address raises `Dlt645AddressMismatch`; with
    ``function`` given, a reply to another function raises `Dlt645Malformed`.  ``address`` may
    hold AA wildcard bytes (read address 13H).
    """
    pattern = encode_address(address)

    def accept(frame: Frame) -> bool:
        if not frame.is_reply:
            return False
        if not address_matches(pattern, bytes(reversed(bytes.fromhex(frame.address)))):
            raise Dlt645AddressMismatch(f"reply from meter {frame.address}, expected meter {address}")
        if function is not None and frame.function != function & FUNCTION_MASK:
            raise Dlt645Malformed(
                f"meter {frame.address} answered {function_name(frame.function)}, "
                f"expected a reply to {function_name(function)}"
            )
        return True

    def read(buf: bytearray) -> tuple[int, int] | None:
        return scan(buf, accept)

    return read
