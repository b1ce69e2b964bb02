"""SMS-SUBMIT PDUs (3GPP TS 23.040) in UCS2, so Chinese arrives; long texts as concatenated parts.

Every text goes as UCS2 (70 characters in one SMS, 67 per part of a long one, with an 8-bit
reference concatenation header) — Chinese needs it, and one encoding keeps the code short.
"""

from __future__ import annotations

from dataclasses import dataclass

SINGLE_UNITS = 70  # UTF-16 code units in one UCS2 SMS
PART_UNITS = 67  # per part once the 6-byte concatenation header takes its room


@dataclass(frozen=True, slots=True)
class Pdu:
    """One SMS on the wire: the hex for AT+CMGS and the TPDU length it announces."""

    hex: str
    length: int  # octets after the SMSC field (what AT+CMGS=<length> wants)


def address(number: str) -> str:
    """The destination address field: digit count, type (international or unknown), swapped BCD."""
    international = number.startswith("+")
    digits = number.lstrip("+")
    if not digits.isdigit():
        raise ValueError(f"{number!r} is not a phone number")
    padded = digits + ("F" if len(digits) % 2 else "")
    swapped = "".join(padded[i + 1] + padded[i] for i in range(0, len(padded), 2))
    return f"{len(digits):02X}{0x91 if international else 0x81:02X}{swapped}"


def split_units(text: str, max_parts: int) -> list[bytes]:
    """The text as UTF-16BE chunks, one per SMS, never splitting a surrogate pair.

    A text longer than ``max_parts`` parts is cut and ends with ``…``.
    """
    data = text.encode("utf-16-be")
    if len(data) <= SINGLE_UNITS * 2:
        return [data]
    limit = max_parts * PART_UNITS * 2
    if len(data) > limit:
        data = data[: limit - 2]
        if 0xD8 <= data[-2] <= 0xDB:  # a lone high surrogate at the cut
            data = data[:-2]
        data += "…".encode("utf-16-be")
    parts = []
    while data:
        take = min(len(data), PART_UNITS * 2)
        if take < len(data) and 0xD8 <= data[take - 2] <= 0xDB:
            take -= 2
        parts.append(data[:take])
        data = data[take:]
    return parts


def submit_pdus(number: str, text: str, ref: int, max_parts: int = 6) -> list[Pdu]:
    """The PDUs that carry ``text`` to ``number``; ``ref`` (0-255) ties the parts of a long text."""
    parts = split_units(text, max_parts)
    out = []
    for seq, chunk in enumerate(parts, start=1):
        ud = chunk
        if len(parts) > 1:
            ud = bytes([0x05, 0x00, 0x03, ref & 0xFF, len(parts), seq]) + ud
            first = 0x51  # SMS-SUBMIT, relative validity, user data header present
        else:
            first = 0x11
        tpdu = f"{first:02X}00{address(number)}0008AA{len(ud):02X}{ud.hex().upper()}"
        out.append(Pdu(hex="00" + tpdu, length=len(tpdu) // 2))
    return out
