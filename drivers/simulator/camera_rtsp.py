"""RTSP 1.0 messages (RFC 2326) as the simulated camera server reads and writes them.

One connection carries requests and, with RTP over TCP, interleaved binary frames
(``$``, channel, 16-bit length, data) both ways; clients send their RTCP receiver reports
that way.  `MessageReader` takes bytes as they arrive (split or merged anyhow) and gives
whole requests, interleaved frames, and malformed input as `Malformed` (the server answers
400 and goes on serving).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

MAX_HEAD = 16 * 1024  # a request head larger than this is not a request
MAX_BODY = 64 * 1024

REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    454: "Session Not Found",
    455: "Method Not Valid in This State",
    459: "Aggregate Operation Not Allowed",
    461: "Unsupported Transport",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
    505: "RTSP Version Not Supported",
}


@dataclass
class Request:
    """One RTSP request; header names are lower-case."""

    method: str
    uri: str
    version: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def cseq(self) -> str | None:
        return self.headers.get("cseq")


@dataclass
class Interleaved:
    """A binary frame on the RTSP connection (RTP or RTCP over TCP)."""

    channel: int
    data: bytes


@dataclass
class Malformed:
    """Input that is not a request; ``fatal`` when the connection cannot be read further."""

    reason: str
    cseq: str | None = None
    fatal: bool = False


Message = Request | Interleaved | Malformed


class MessageReader:
    """Bytes in, messages out."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Message]:
        """The messages completed by ``data``."""
        self._buf += data
        out: list[Message] = []
        while self._buf:
            if self._buf[0] == 0x24:  # '$'
                if len(self._buf) < 4:
                    break
                channel, length = self._buf[1], struct.unpack("!H", self._buf[2:4])[0]
                if len(self._buf) < 4 + length:
                    break
                out.append(Interleaved(channel, bytes(self._buf[4 : 4 + length])))
                del self._buf[: 4 + length]
                continue
            if self._buf[:1] in (b"\r", b"\n"):  # blank lines between requests are allowed
                del self._buf[:1]
                continue
            end = self._buf.find(b"\r\n\r\n")
            sep = 4
            if end < 0:
                end, sep = self._buf.find(b"\n\n"), 2
            if end < 0:
                if len(self._buf) > MAX_HEAD:
                    self._buf.clear()
                    out.append(Malformed("request head too large", fatal=True))
                break
            if end > MAX_HEAD:
                self._buf.clear()
                out.append(Malformed("request head too large", fatal=True))
                break
            head = bytes(self._buf[:end])
            message = _parse_head(head)
            if isinstance(message, Malformed):
                del self._buf[: end + sep]
                out.append(message)
                continue
            try:
                length = int(message.headers.get("content-length", "0"))
            except ValueError:
                del self._buf[: end + sep]
                out.append(Malformed("bad Content-Length", message.cseq))
                continue
            if not 0 <= length <= MAX_BODY:
                self._buf.clear()
                out.append(Malformed("body too large", message.cseq, fatal=True))
                break
            if len(self._buf) < end + sep + length:
                break
            message.body = bytes(self._buf[end + sep : end + sep + length])
            del self._buf[: end + sep + length]
            out.append(message)
        return out


def _parse_head(head: bytes) -> Request | Malformed:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return Malformed("request is not text")
    lines = text.replace("\r\n", "\n").split("\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or " " in name.strip():
            return Malformed(f"bad header line {line[:40]!r}", headers.get("cseq"))
        headers[name.strip().lower()] = value.strip()
    parts = lines[0].split()
    if len(parts) != 3 or not parts[0].replace("_", "").isalpha() or not parts[0].isupper():
        return Malformed(f"bad request line {lines[0][:60]!r}", headers.get("cseq"))
    method, uri, version = parts
    if not version.startswith("RTSP/"):
        return Malformed(f"not an RTSP request: {lines[0][:60]!r}", headers.get("cseq"))
    if "cseq" not in headers:
        return Malformed("request without CSeq")
    return Request(method, uri, version, headers)


def response(status: int, cseq: str | None, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    """An RTSP response with ``headers`` (in order), CSeq first, Content-Length when there is a body."""
    lines = [f"RTSP/1.0 {status} {REASONS.get(status, 'Unknown')}"]
    if cseq is not None:
        lines.append(f"CSeq: {cseq}")
    lines.append("Server: SwitchRoom-simulator")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def interleaved(channel: int, data: bytes) -> bytes:
    """A binary frame for RTP over the RTSP connection."""
    return struct.pack("!BBH", 0x24, channel, len(data)) + data


def parse_transport(value: str) -> list[dict[str, str]]:
    """The Transport header's alternatives, each as {"spec": "RTP/AVP/TCP", "unicast": "", "interleaved": "0-1"}."""
    out = []
    for alternative in value.split(","):
        fields = [f.strip() for f in alternative.split(";") if f.strip()]
        if not fields:
            continue
        spec: dict[str, str] = {"spec": fields[0].upper()}
        for f in fields[1:]:
            name, _, v = f.partition("=")
            spec[name.strip().lower()] = v.strip()
        out.append(spec)
    return out


def port_pair(text: str) -> tuple[int, int] | None:
    """``"5000-5001"`` (or ``"5000"``) as (5000, 5001); None if it is not a port pair."""
    first, _, second = text.partition("-")
    try:
        a = int(first)
        b = int(second) if second else a + 1
    except ValueError:
        return None
    if not (0 < a <= 65535 and 0 < b <= 65535):
        return None
    return a, b
