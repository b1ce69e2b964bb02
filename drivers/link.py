"""A Link is one transparent byte pipe to one RS-485 bus.

Behind a DTU gateway (or a transparent serial server) an RS-485 bus is a stream of raw bytes
with no framing of its own: RTU has no transaction id, the DTU sprinkles heartbeats and its
registration id into the stream, and TCP cuts or merges the bytes as it likes.  A `Link`
turns that stream into request/response exchanges a protocol driver can trust:

* one request in flight at a time (the bus is half-duplex and has one master: us);
* the receive buffer is flushed before each request, so a late reply to an earlier request
  cannot be taken for this one;
* configured heartbeat and registration bytes are stripped from the head of the buffer
  *before* the protocol's frame reader sees it (pymodbus would otherwise drop a valid
  response that follows them);
* the response is reassembled by frame length — the protocol's `FrameReader` says where a
  complete frame lies in the buffer — never by `recv()` boundaries;
* every exchange has a deadline and ends in bytes or a typed `LinkError`.

The Link knows nothing of Modbus or DL/T645; it stays the same object for the life of a
gateway while the TCP connections under it come and go (`attach`/`detach`), so pollers keep
their reference across reconnects.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

#: Called with the receive buffer (strip patterns already removed from its head).  Returns
#: ``(start, end)`` of the first complete response frame — bytes before ``start`` are noise
#: and are discarded — or ``None`` when more bytes are needed.  It may raise a `FrameError`
#: (bad checksum, exception reply it cannot decode, ...) to end the exchange with that error.
FrameReader = Callable[[bytearray], "tuple[int, int] | None"]

#: Unsolicited bytes beyond this are dropped: nothing legitimate is that long on one bus.
MAX_BUFFER = 64 * 1024


class LinkError(Exception):
    """Base of everything that can go wrong on a link; the message is for a person."""


class LinkDown(LinkError):
    """The link has no live connection (the gateway is offline or was replaced)."""


class LinkTimeout(LinkError):
    """No complete response arrived before the deadline."""


class FrameError(LinkError):
    """Bytes arrived but they do not form a valid response (checksum, length, address)."""


class LinkState(enum.StrEnum):
    """What a link-state event reports."""

    ONLINE = "online"  # a gateway registered (or a client link connected)
    OFFLINE = "offline"  # its connection ended (closed, watchdog, error)
    REPLACED = "replaced"  # a newer connection with the same id took over
    FLAPPING = "flapping"  # the same id keeps reconnecting: cloned configuration?
    REFUSED = "refused"  # an unknown or malformed registration was refused


@dataclass(frozen=True, slots=True)
class LinkEvent:
    """A change in a link's life, for whoever subscribed (acquisition, the console, logs)."""

    gateway: str  # the gateway id, or the presented registration id when refused
    state: LinkState
    detail: str = ""
    peer: str = ""  # "host:port" of the remote end
    ts: float = field(default_factory=time.time)


@dataclass(slots=True)
class LinkStats:
    """Counters for diagnostics and benchmarks; cheap to keep, never reset by the link."""

    requests: int = 0
    responses: int = 0
    timeouts: int = 0
    frame_errors: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    noise_bytes: int = 0  # discarded bytes that were neither frames nor strip patterns
    stripped: int = 0  # heartbeat/registration patterns removed
    connects: int = 0


class Link:
    """A request/response pipe over whatever transport is attached at the moment."""

    def __init__(self, name: str, *, strip: Sequence[bytes] = ()) -> None:
        self.name = name
        self.stats = LinkStats()
        # Longest first, so a registration id that begins with the heartbeat text wins.
        self._strip: tuple[bytes, ...] = tuple(sorted({p for p in strip if p}, key=len, reverse=True))
        self._transport: asyncio.BaseTransport | None = None
        self._peer = ""
        self._buf = bytearray()
        self._lock = asyncio.Lock()
        self._waiter: asyncio.Future[bytes] | None = None
        self._reader: FrameReader | None = None
        self.last_rx = 0.0  # monotonic time of the last byte received (for idle watchdogs)
        self.connected_at = 0.0

    # -- state ------------------------------------------------------------------------------

    @property
    def online(self) -> bool:
        """True while a connection is attached and not closing."""
        t = self._transport
        return t is not None and not t.is_closing()

    @property
    def peer(self) -> str:
        """The remote end of the current (or last) connection, as ``host:port``."""
        return self._peer

    @property
    def strip_patterns(self) -> tuple[bytes, ...]:
        """Byte strings removed from the head of the receive buffer."""
        return self._strip

    def attach(self, transport: asyncio.BaseTransport, peer: str = "", pending: bytes = b"") -> None:
        """Put a fresh connection under this link; ``pending`` are bytes already received."""
        self._transport = transport
        self._peer = peer
        self._buf.clear()
        self.stats.connects += 1
        self.connected_at = self.last_rx = time.monotonic()
        if pending:
            self.feed(pending)

    def detach(self, reason: str = "connection closed", *, close: bool = True) -> None:
        """Drop the current connection; an exchange in flight fails with `LinkDown`."""
        transport, self._transport = self._transport, None
        if transport is not None and close and not transport.is_closing():
            transport.close()
        self._buf.clear()
        self._fail(LinkDown(f"{self.name}: {reason}"))

    def owns(self, transport: asyncio.BaseTransport) -> bool:
        """Whether ``transport`` is the connection currently attached."""
        return self._transport is transport

    # -- receive path -------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Take bytes from the transport; completes the exchange in flight when a frame is whole."""
        self.stats.bytes_in += len(data)
        self.last_rx = time.monotonic()
        buf = self._buf
        buf += data
        if self._strip and not self._strip_head():
            return  # the head may be the start of a heartbeat: wait for the rest
        waiter = self._waiter
        if waiter is None or waiter.done():
            if len(buf) > MAX_BUFFER:
                self.stats.noise_bytes += len(buf)
                buf.clear()
            return
        reader = self._reader
        assert reader is not None
        try:
            span = reader(buf)
        except FrameError as exc:
            self.stats.frame_errors += 1
            self.stats.noise_bytes += len(buf)
            buf.clear()
            waiter.set_exception(exc)
            return
        if span is None:
            return
        start, end = span
        frame = bytes(buf[start:end])
        self.stats.noise_bytes += start
        del buf[:end]
        self.stats.responses += 1
        waiter.set_result(frame)

    def _strip_head(self) -> bool:
        """Remove strip patterns from the buffer head; False if the head may be a partial one."""
        buf = self._buf
        patterns = self._strip
        changed = True
        while changed and buf:
            changed = False
            for p in patterns:
                if buf.startswith(p):
                    del buf[: len(p)]
                    self.stats.stripped += 1
                    changed = True
                    break
        if buf:
            n = len(buf)
            for p in patterns:
                if n < len(p) and p.startswith(buf):
                    return False
        return True

    # -- exchanges ---------------------------------------------------------------------------------

    async def exchange(self, request: bytes, reader: FrameReader, timeout: float) -> bytes:
        """Send ``request`` and return the response frame that ``reader`` delimits.

        Raises `LinkDown` when offline, `LinkTimeout` after ``timeout`` seconds without a
        complete frame, or the `FrameError` the reader raised.
        """
        async with self._lock:
            transport = self._transport
            if transport is None or transport.is_closing():
                raise LinkDown(f"{self.name}: offline")
            loop = asyncio.get_running_loop()
            self._buf.clear()  # a late reply to an earlier request must not answer this one
            fut: asyncio.Future[bytes] = loop.create_future()
            self._waiter, self._reader = fut, reader
            timer = loop.call_later(timeout, self._expire, fut, timeout)
            self.stats.requests += 1
            self.stats.bytes_out += len(request)
            try:
                transport.write(request)  # type: ignore[attr-defined]
                return await fut
            finally:
                timer.cancel()
                self._waiter = self._reader = None

    async def send(self, data: bytes, quiet: float = 0.0) -> None:
        """Send bytes that get no reply (a broadcast) and keep the bus for ``quiet`` seconds."""
        async with self._lock:
            transport = self._transport
            if transport is None or transport.is_closing():
                raise LinkDown(f"{self.name}: offline")
            self.stats.bytes_out += len(data)
            transport.write(data)  # type: ignore[attr-defined]
            if quiet > 0:
                await asyncio.sleep(quiet)

    def _expire(self, fut: asyncio.Future[bytes], timeout: float) -> None:
        if not fut.done():
            self.stats.timeouts += 1
            noise = len(self._buf)
            detail = f" ({noise} bytes received that did not form a reply)" if noise else ""
            fut.set_exception(LinkTimeout(f"{self.name}: no reply within {timeout:g} s{detail}"))

    def _fail(self, exc: LinkError) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)


class _ClientProtocol(asyncio.Protocol):
    """Feeds a client connection's bytes to its Link."""

    def __init__(self, link: Link) -> None:
        self.link = link
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.link.attach(transport, f"{peer[0]}:{peer[1]}" if peer else "")

    def data_received(self, data: bytes) -> None:
        self.link.feed(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None and self.link.owns(self.transport):
            self.link.detach(f"connection lost ({exc})" if exc else "connection closed", close=False)


async def open_tcp_link(host: str, port: int, name: str = "", *, strip: Sequence[bytes] = ()) -> Link:
    """Connect to a transparent serial server (RTU over TCP, we dial) and return its Link.

    Raises `LinkDown` with the reason when the connection cannot be made.
    """
    link = Link(name or f"{host}:{port}", strip=strip)
    loop = asyncio.get_running_loop()
    try:
        await loop.create_connection(lambda: _ClientProtocol(link), host, port)
    except OSError as exc:
        raise LinkDown(f"{link.name}: cannot connect ({exc.strerror or exc})") from exc
    return link
