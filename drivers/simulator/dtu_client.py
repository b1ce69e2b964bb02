"""A simulated DTU gateway: dials the listener, registers, heartbeats, and bridges its bus.

It behaves like the transparent-mode 4G/NB-IoT gateways of the field, quirks included,
because the listener has to survive them:

* the registration packet goes out once on connect, in front of every packet (heartbeats
  included), or both; a DTU that only prefixes its packets sends a heartbeat as soon as it
  connects, so the listener learns who it is without waiting a heartbeat interval;
* a heartbeat goes out only after ``heartbeat_interval`` seconds without traffic, and now and
  then (``p_heartbeat_merge``) one is glued in front of a reply in the same TCP segment;
* now and then (``p_split``) a reply is cut in two segments ``split_delay`` seconds apart;
* a refused or dropped connection is dialled again with exponential backoff (0.5 s doubling
  to 30 s, with jitter) so a thousand DTUs never spin against a listener that is down;
* faults: `disconnect` drops the link and stays away for a while; `freeze` keeps the socket
  open and goes silent in both directions, like a DTU behind a carrier NAT that lost it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket

from drivers.simulator.bus import Bus, Port
from drivers.simulator.spec import SimGateway

log = logging.getLogger(__name__)

BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
STABLE_AFTER = 5.0  # a connection that lasted this long resets the backoff
CONNECT_TIMEOUT = 10.0


class _Protocol(asyncio.Protocol):
    def __init__(self, dtu: DtuClient) -> None:
        self.dtu = dtu
        self.transport: asyncio.Transport | None = None
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.dtu._received(self, data)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lost.done():
            self.lost.set_result(None)


class DtuClient:
    """One gateway's TCP side; `run` keeps it connected until `stop`."""

    def __init__(self, gateway: SimGateway, bus: Bus, host: str, port: int, rng: random.Random) -> None:
        self.gateway = gateway
        self.bus = bus
        self.host = host
        self.port = port
        self.rng = rng
        self.connects = 0  # connections made
        self.attempts = 0  # connections tried
        self.frozen = False
        self._proto: _Protocol | None = None
        self._port: Port | None = None
        self._last_activity = 0.0
        self._stopping = False
        self._away_until = 0.0
        self._kick: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        """Whether a TCP connection to the listener is open right now."""
        p = self._proto
        return p is not None and p.transport is not None and not p.transport.is_closing()

    def start(self) -> None:
        """Begin dialling (in the background)."""
        if self._task is None:
            self._stopping = False
            self._kick = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self.run(), name=f"dtu-{self.gateway.id}")

    async def stop(self) -> None:
        """Close the connection and stop dialling."""
        self._stopping = True
        if self._kick is not None:
            self._kick.set()
        self._hang_up()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    # -- faults ------------------------------------------------------------------------------

    def disconnect(self, reconnect_after: float) -> None:
        """Drop the link now and dial again after ``reconnect_after`` seconds."""
        loop = asyncio.get_running_loop()
        self._away_until = loop.time() + reconnect_after
        self._hang_up()

    def reconnect_now(self) -> None:
        """Cut short a `disconnect`'s time away."""
        self._away_until = 0.0
        if self._kick is not None:
            self._kick.set()

    def freeze(self, on: bool) -> None:
        """Go silent both ways with the socket left open (True), or wake up (False)."""
        self.frozen = on
        if not on and self._kick is not None:
            self._kick.set()

    # -- connection life ---------------------------------------------------------------------

    async def run(self) -> None:
        """Dial, serve the connection, and dial again, until stopped."""
        loop = asyncio.get_running_loop()
        backoff = BACKOFF_FIRST
        assert self._kick is not None
        while not self._stopping:
            wait = max(0.0, self._away_until - loop.time())
            if self.frozen:
                wait = 3600.0  # a frozen DTU does not dial; `freeze(False)` kicks it
            if wait > 0:
                await self._pause(wait)
                continue
            started = loop.time()
            try:
                await self._serve_once()
            except (OSError, TimeoutError) as exc:
                log.debug("%s: cannot connect to %s:%d: %s", self.gateway.id, self.host, self.port, exc)
            if self._stopping:
                break
            if loop.time() - started >= STABLE_AFTER:
                backoff = BACKOFF_FIRST
            if self._away_until <= loop.time() and not self.frozen:
                await self._pause(backoff * (0.8 + 0.4 * self.rng.random()))
                backoff = min(backoff * 2, BACKOFF_MAX)

    async def _pause(self, seconds: float) -> None:
        assert self._kick is not None
        self._kick.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._kick.wait(), seconds)

    async def _serve_once(self) -> None:
        loop = asyncio.get_running_loop()
        proto = _Protocol(self)
        self.attempts += 1
        await asyncio.wait_for(loop.create_connection(lambda: proto, self.host, self.port), CONNECT_TIMEOUT)
        self.connects += 1
        self._proto = proto
        self._port = Port(self.bus, lambda reply: self._reply(proto, reply))
        self._last_activity = loop.time()
        g = self.gateway
        if g.register_mode in ("once", "both"):
            self._write(proto, g.registration)
        elif g.heartbeat:
            # with its id only in front of packets, the DTU announces itself with a heartbeat
            self._write(proto, self._packet(g.heartbeat))
        heartbeat = loop.create_task(self._heartbeats(proto)) if g.heartbeat else None
        try:
            await proto.lost
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await heartbeat
            port, self._port = self._port, None
            if self._proto is proto:
                self._proto = None
            if port is not None:
                await port.close()

    def _hang_up(self) -> None:
        p = self._proto
        if p is not None and p.transport is not None:
            p.transport.close()

    # -- traffic -----------------------------------------------------------------------------

    def _write(self, proto: _Protocol, data: bytes) -> None:
        t = proto.transport
        if t is not None and not t.is_closing() and not self.frozen:
            t.write(data)
            self._last_activity = asyncio.get_running_loop().time()

    def _received(self, proto: _Protocol, data: bytes) -> None:
        if self.frozen or proto is not self._proto or self._port is None:
            return  # a frozen DTU hears nothing either
        self._last_activity = asyncio.get_running_loop().time()
        self._port.feed(data)

    def _packet(self, data: bytes) -> bytes:
        """``data`` as one packet on the TCP link: behind the registration in modes every/both."""
        g = self.gateway
        return g.registration + data if g.register_mode in ("every", "both") else data

    async def _reply(self, proto: _Protocol, reply: bytes) -> None:
        g = self.gateway
        packet = self._packet(reply)
        if g.heartbeat and g.p_heartbeat_merge and self.rng.random() < g.p_heartbeat_merge:
            packet = self._packet(g.heartbeat) + packet
        if g.p_split and len(packet) > 1 and self.rng.random() < g.p_split:
            cut = self.rng.randrange(1, len(packet))
            self._write(proto, packet[:cut])
            await asyncio.sleep(g.split_delay)
            packet = packet[cut:]
        self._write(proto, packet)

    async def _heartbeats(self, proto: _Protocol) -> None:
        loop = asyncio.get_running_loop()
        interval = self.gateway.heartbeat_interval
        while True:
            idle = loop.time() - self._last_activity
            if idle < interval:
                await asyncio.sleep(interval - idle)
                continue
            if not self.frozen:
                self._write(proto, self._packet(self.gateway.heartbeat))
            self._last_activity = loop.time()
