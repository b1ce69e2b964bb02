"""RTP for the simulated cameras: H.264 NAL units into RTP packets (RFC 3550, RFC 6184) and back.

The simulator's camera server (`camera.py`) sends what an IP camera sends: one NAL unit per
packet when it fits, FU-A fragments when it does not (packetization-mode=1), the marker bit
on the last packet of an access unit, 90 kHz timestamps.  The reverse (`Reassembly`) is here
for the tests: they check that what goes out is what an RFC 6184 receiver puts back together.
"""

from __future__ import annotations

import random
import struct

CLOCK_RATE = 90_000  # H.264's RTP clock
PAYLOAD_TYPE = 96  # dynamic, named in the SDP's rtpmap
MAX_PAYLOAD = 1400  # keeps a packet inside an Ethernet MTU with IP, UDP and RTP headers
FU_A = 28
NAL_SPS, NAL_PPS, NAL_IDR = 7, 8, 5


def split_annexb(data: bytes) -> list[bytes]:
    """The NAL units of an Annex-B byte stream (start codes and trailing zero bytes removed)."""
    nals: list[bytes] = []
    starts: list[int] = []
    i = data.find(b"\x00\x00\x01")
    while i >= 0:
        starts.append(i + 3)
        i = data.find(b"\x00\x00\x01", i + 3)
    for n, start in enumerate(starts):
        end = starts[n + 1] - 3 if n + 1 < len(starts) else len(data)
        nal = data[start:end].rstrip(b"\x00")
        if nal:
            nals.append(nal)
    return nals


def nal_type(nal: bytes) -> int:
    """The NAL unit type (5 IDR slice, 7 SPS, 8 PPS, ...)."""
    return nal[0] & 0x1F


class Packetizer:
    """One RTP stream (one SSRC, one sequence): NAL units of access units in, packets out."""

    def __init__(
        self,
        ssrc: int | None = None,
        seq: int | None = None,
        payload_type: int = PAYLOAD_TYPE,
        max_payload: int = MAX_PAYLOAD,
    ) -> None:
        if max_payload < 3:
            raise ValueError("an FU-A fragment needs room for its two header bytes and data")
        rng = random.SystemRandom()
        self.ssrc = rng.getrandbits(32) if ssrc is None else ssrc
        self.seq = rng.getrandbits(16) if seq is None else seq & 0xFFFF
        self.payload_type = payload_type
        self.max_payload = max_payload

    def _packet(self, payload: bytes, timestamp: int, marker: bool) -> bytes:
        header = struct.pack(
            "!BBHII",
            0x80,  # version 2, no padding, no extension, no CSRC
            (0x80 if marker else 0) | self.payload_type,
            self.seq,
            timestamp & 0xFFFFFFFF,
            self.ssrc,
        )
        self.seq = (self.seq + 1) & 0xFFFF
        return header + payload

    def packets(self, nals: list[bytes], timestamp: int) -> list[bytes]:
        """The packets of one access unit (all ``nals`` share ``timestamp``; marker on the last)."""
        out: list[bytes] = []
        for n, nal in enumerate(nals):
            last_nal = n == len(nals) - 1
            if len(nal) <= self.max_payload:
                out.append(self._packet(nal, timestamp, last_nal))
                continue
            indicator = (nal[0] & 0xE0) | FU_A  # F and NRI of the NAL, type 28
            kind = nal[0] & 0x1F
            body = nal[1:]
            step = self.max_payload - 2
            for offset in range(0, len(body), step):
                first, end = offset == 0, offset + step >= len(body)
                fu_header = (0x80 if first else 0) | (0x40 if end else 0) | kind
                chunk = body[offset : offset + step]
                out.append(self._packet(bytes((indicator, fu_header)) + chunk, timestamp, last_nal and end))
        return out


class RtpHeader:
    """The fields of an RTP header a receiver needs."""

    __slots__ = ("marker", "payload_type", "seq", "ssrc", "timestamp")

    def __init__(self, packet: bytes) -> None:
        if len(packet) < 12 or packet[0] >> 6 != 2:
            raise ValueError("not an RTP version 2 packet")
        _, second, self.seq, self.timestamp, self.ssrc = struct.unpack("!BBHII", packet[:12])
        self.marker = bool(second & 0x80)
        self.payload_type = second & 0x7F


def payload_of(packet: bytes) -> bytes:
    """The payload of an RTP packet (skipping CSRCs and an extension, if any)."""
    csrc = packet[0] & 0x0F
    start = 12 + 4 * csrc
    if packet[0] & 0x10:
        (words,) = struct.unpack("!H", packet[start + 2 : start + 4])
        start += 4 + 4 * words
    end = len(packet) - (packet[-1] if packet[0] & 0x20 else 0)
    return packet[start:end]


class Reassembly:
    """An RFC 6184 receiver: RTP payloads in order in, whole NAL units out."""

    def __init__(self) -> None:
        self._fragment: bytearray | None = None

    def push(self, payload: bytes) -> list[bytes]:
        """The NAL units completed by this payload (FU-A fragments are held until their end)."""
        if not payload:
            return []
        kind = payload[0] & 0x1F
        if kind == FU_A:
            if len(payload) < 2:
                raise ValueError("an FU-A packet without its FU header")
            fu = payload[1]
            if fu & 0x80:
                self._fragment = bytearray(((payload[0] & 0xE0) | (fu & 0x1F),))
            if self._fragment is None:
                return []  # a fragment whose start was lost
            self._fragment += payload[2:]
            if fu & 0x40:
                nal, self._fragment = bytes(self._fragment), None
                return [nal]
            return []
        if kind == 24:  # STAP-A: several small NAL units, each with a 16-bit size
            nals, i = [], 1
            while i + 2 <= len(payload):
                (size,) = struct.unpack("!H", payload[i : i + 2])
                nals.append(payload[i + 2 : i + 2 + size])
                i += 2 + size
            return nals
        return [payload]
