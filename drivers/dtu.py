"""The DTU listener: where 4G/NB-IoT gateways dial in and become Links.

A DTU in transparent mode is a TCP *client*.  It connects to us, announces itself with a
registration packet (an IMEI, an ICCID, a MAC or serial number, or any ASCII/hex string up to
40 bytes), sends heartbeats while its serial side is idle, and otherwise passes RS-485 bytes
through unchanged.  This module accepts those connections, decides who is calling, and hands
each gateway's byte stream to that gateway's `Link`.  The traps it guards against are the
ones FIELD.md lists: registration prefixed to every packet, heartbeats glued to replies,
half-open sockets behind carrier NAT, a DTU that reconnects before its old socket dies, and
two DTUs with a cloned configuration fighting over one id.

One `Link` per configured gateway exists from the start (offline until the DTU registers),
so the poll scheduler can hold on to it across reconnects.
"""

from __future__ import annotations

import asyncio
import collections
import enum
import logging
import socket
import string
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from drivers.link import Link, LinkEvent, LinkState

log = logging.getLogger(__name__)

MAX_REGISTRATION = 40  # bytes; FIELD.md: custom ids are at most 40 bytes


class RegistrationFormat(enum.StrEnum):
    """How a registration id is written in the site file and sent on the wire."""

    ASCII = "ascii"  # the id's characters as ASCII bytes (serial numbers, custom strings)
    HEX = "hex"  # the id is written as hex digits; the DTU sends those raw bytes
    IMEI = "imei"  # 15 decimal digits as ASCII, last one a Luhn check digit
    ICCID = "iccid"  # 19-20 characters as ASCII, starting "89"


class RegistrationMode(enum.StrEnum):
    """When the DTU sends its registration packet."""

    ONCE = "once"  # once, right after connecting
    EVERY = "every"  # in front of every packet it sends
    BOTH = "both"  # both of the above


class RegistrationError(ValueError):
    """A registration id in the configuration is not valid for its format."""


def luhn_ok(digits: str) -> bool:
    """The check digit of an IMEI (and of an ICCID) is a Luhn digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def registration_bytes(value: str, fmt: RegistrationFormat | str) -> bytes:
    """The bytes a DTU configured with ``value`` in format ``fmt`` sends; raises RegistrationError."""
    fmt = RegistrationFormat(fmt)
    value = value.strip()
    if not value:
        raise RegistrationError("the registration id is empty")
    if fmt is RegistrationFormat.HEX:
        cleaned = value.replace(" ", "").replace(":", "").replace("-", "")
        try:
            raw = bytes.fromhex(cleaned)
        except ValueError:
            raise RegistrationError(f"{value!r} is not hex (pairs of 0-9/A-F digits)") from None
    else:
        if not all(ch in string.printable and ch not in "\r\n\t\x0b\x0c" for ch in value):
            raise RegistrationError(f"{value!r} has characters that are not printable ASCII")
        raw = value.encode("ascii")
        if fmt is RegistrationFormat.IMEI:
            if len(value) != 15 or not value.isdigit():
                raise RegistrationError(f"an IMEI has 15 digits, {value!r} does not")
            if not luhn_ok(value):
                raise RegistrationError(f"{value!r} fails the IMEI check digit (Luhn)")
        elif fmt is RegistrationFormat.ICCID and (
            not (19 <= len(value) <= 20) or not value.startswith("89") or not value[:19].isdigit()
        ):
            raise RegistrationError(f"an ICCID has 19-20 characters starting with 89, {value!r} does not")
    if len(raw) > MAX_REGISTRATION:
        raise RegistrationError(
            f"the registration id is {len(raw)} bytes, at most {MAX_REGISTRATION} are allowed"
        )
    return raw


def describe_id(raw: bytes) -> str:
    """How a presented registration id is shown to a person: text when printable, else hex."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return raw.hex(" ").upper()
    if text and all(ch in string.printable and ch not in "\r\n\t\x0b\x0c" for ch in text):
        return text
    return raw.hex(" ").upper()


@dataclass(frozen=True, slots=True)
class GatewaySpec:
    """What the listener must know of one DTU gateway of the site."""

    id: str  # the site's gateway id, e.g. "DTU-1"
    registration: bytes  # the exact registration bytes the DTU sends
    mode: RegistrationMode = RegistrationMode.ONCE
    heartbeat: bytes = b""
    heartbeat_interval: float = 30.0
    idle_timeout: float | None = None  # None: 2.5 x heartbeat interval when a heartbeat is set

    @property
    def watchdog(self) -> float | None:
        """Seconds without a byte after which the connection is taken for dead (half-open)."""
        if self.idle_timeout is not None:
            return self.idle_timeout
        return 2.5 * self.heartbeat_interval if self.heartbeat else None

    @property
    def strip(self) -> tuple[bytes, ...]:
        """Patterns the link removes from the head of its receive buffer."""
        patterns = [self.heartbeat] if self.heartbeat else []
        if self.mode is not RegistrationMode.ONCE:
            patterns.append(self.registration)
        return tuple(patterns)


class _Phase(enum.Enum):
    REGISTERING = 1
    ATTACHED = 2
    CLOSED = 3


class _DtuConnection(asyncio.Protocol):
    """One accepted TCP connection: registers first, then feeds its gateway's Link."""

    def __init__(self, listener: DtuListener) -> None:
        self.listener = listener
        self.transport: asyncio.Transport | None = None
        self.peer = ""
        self.phase = _Phase.REGISTERING
        self.buf = bytearray()
        self.link: Link | None = None
        self.deadline: asyncio.TimerHandle | None = None
        self.quiet: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        sock = transport.get_extra_info("socket")
        if sock is not None and self.listener.keepalive:
            set_keepalive(sock, self.listener.keepalive_idle)
        loop = asyncio.get_running_loop()
        self.deadline = loop.call_later(self.listener.registration_deadline, self._registration_expired)
        self.listener._connections.add(self)

    def data_received(self, data: bytes) -> None:
        if self.phase is _Phase.ATTACHED:
            self.link.feed(data)  # type: ignore[union-attr]
        elif self.phase is _Phase.REGISTERING:
            self.buf += data
            self.listener._registration_data(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        self.listener._connections.discard(self)
        was = self.phase
        self.phase = _Phase.CLOSED
        if was is _Phase.ATTACHED and self.link is not None and self.transport is not None:
            self.listener._connection_ended(self, exc)

    def close(self) -> None:
        """Close without further ado (refused, replaced, shut down)."""
        self._cancel_timers()
        if self.phase is not _Phase.ATTACHED:
            self.phase = _Phase.CLOSED
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _cancel_timers(self) -> None:
        for timer in (self.deadline, self.quiet):
            if timer is not None:
                timer.cancel()
        self.deadline = self.quiet = None

    def _registration_expired(self) -> None:
        self.deadline = None
        if self.phase is _Phase.REGISTERING:
            self.listener._registration_timed_out(self)


def set_keepalive(sock: socket.socket, idle: float) -> None:
    """TCP keepalive so the OS notices a peer that vanished (carrier NAT, power loss)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        idle_s = max(1, int(idle))
        if hasattr(socket, "TCP_KEEPIDLE"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle_s)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, max(1, idle_s // 3))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
        elif hasattr(socket, "SIO_KEEPALIVE_VALS"):  # Windows
            sock.ioctl(socket.SIO_KEEPALIVE_VALS, (1, idle_s * 1000, max(1000, idle_s * 333)))
    except OSError as exc:  # not fatal: the idle watchdog still catches dead links
        log.debug("cannot set TCP keepalive: %s", exc)


class DtuListener:
    """Accepts DTU connections and keeps one `Link` per configured gateway.

    ``accept_unknown`` is for commissioning (the probe): any DTU that presents a plausible
    registration id gets a Link named by that id.
    """

    def __init__(
        self,
        gateways: Iterable[GatewaySpec] = (),
        *,
        accept_unknown: bool = False,
        registration_timeout: float = 10.0,
        keepalive: bool = True,
        keepalive_idle: float = 60.0,
        flap_window: float = 60.0,
        flap_limit: int = 5,
        refusal_log_interval: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.specs: dict[str, GatewaySpec] = {}
        self.links: dict[str, Link] = {}
        self._by_registration: dict[bytes, GatewaySpec] = {}
        self.accept_unknown = accept_unknown
        self.registration_timeout = registration_timeout
        self.keepalive = keepalive
        self.keepalive_idle = keepalive_idle
        self.flap_window = flap_window
        self.flap_limit = flap_limit
        self.refusal_log_interval = refusal_log_interval
        self._clock = clock
        self._owner: dict[str, _DtuConnection] = {}
        self._registrations: dict[str, collections.deque[float]] = {}
        self._flap_reported: dict[str, float] = {}
        self._refusals_logged: dict[str, float] = {}
        self._connections: set[_DtuConnection] = set()
        self._subscribers: list[Callable[[LinkEvent], None]] = []
        self._server: asyncio.base_events.Server | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._reg_lengths: tuple[int, ...] = ()
        for spec in gateways:
            self.add_gateway(spec)

    # -- configuration -----------------------------------------------------------------------

    def add_gateway(self, spec: GatewaySpec) -> Link:
        """Declare a gateway; its Link exists (offline) from now on."""
        if spec.id in self.specs:
            raise ValueError(f"gateway {spec.id!r} is declared twice")
        other = self._by_registration.get(spec.registration)
        if other is not None:
            raise ValueError(
                f"gateways {other.id!r} and {spec.id!r} have the same registration id "
                f"{describe_id(spec.registration)!r}"
            )
        self.specs[spec.id] = spec
        self._by_registration[spec.registration] = spec
        self._reg_lengths = tuple(sorted({len(r) for r in self._by_registration}, reverse=True))
        link = Link(spec.id, strip=spec.strip)
        self.links[spec.id] = link
        return link

    @property
    def registration_deadline(self) -> float:
        """How long a new connection may take to say who it is.

        A DTU that sends its id only in front of packets (mode "every") says nothing until it
        has something to send: its first heartbeat.  Such gateways get until 1.5 heartbeat
        intervals; everyone else `registration_timeout`.
        """
        silent = [s.heartbeat_interval * 1.5 for s in self.specs.values() if s.mode is RegistrationMode.EVERY]
        return max([self.registration_timeout, *silent])

    def link(self, gateway_id: str) -> Link:
        """The Link of a configured gateway (KeyError names the id)."""
        try:
            return self.links[gateway_id]
        except KeyError:
            raise KeyError(f"no gateway {gateway_id!r} on this listener") from None

    def subscribe(self, callback: Callable[[LinkEvent], None]) -> Callable[[], None]:
        """Call ``callback`` with every LinkEvent (on the loop); returns the unsubscribe function."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    # -- life ----------------------------------------------------------------------------------

    async def start(self, host: str = "0.0.0.0", port: int = 0, *, backlog: int = 1024) -> tuple[str, int]:
        """Listen; returns the address really bound (port 0 picks a free one)."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _DtuConnection(self), host, port, reuse_address=True, backlog=backlog
        )
        addr = self._server.sockets[0].getsockname()
        self._watchdog = asyncio.create_task(self._watch(), name="dtu-watchdog")
        log.info("listening for DTU gateways on %s:%s", addr[0], addr[1])
        return addr[0], addr[1]

    async def stop(self) -> None:
        """Stop listening and close every connection; links go offline."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        if self._server is not None:
            self._server.close()
        for conn in list(self._connections):
            conn.close()
        for gid, link in self.links.items():
            if link.online:
                link.detach("listener stopped")
                self._emit(LinkEvent(gid, LinkState.OFFLINE, "listener stopped", link.peer))
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def wait_online(self, gateway_id: str | None = None, timeout: float = 60.0) -> Link:
        """Wait until the gateway (any gateway when None) is online; raises TimeoutError."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            for gid, link in self.links.items():
                if link.online and (gateway_id is None or gid == gateway_id):
                    return link
            if loop.time() >= end:
                who = gateway_id or "any gateway"
                raise TimeoutError(f"{who} did not register within {timeout:g} s")
            await asyncio.sleep(0.05)

    # -- registration --------------------------------------------------------------------------

    def _registration_data(self, conn: _DtuConnection) -> None:
        buf = bytes(conn.buf)
        for n in self._reg_lengths:
            if len(buf) >= n:
                spec = self._by_registration.get(buf[:n])
                if spec is not None:
                    self._register(conn, spec, buf[n:])
                    return
        # Might still become a known id when more bytes arrive.
        if any(len(buf) < len(r) and r.startswith(buf) for r in self._by_registration):
            return
        if self.accept_unknown:
            self._arm_quiet(conn)  # the packet ends when the DTU pauses
            return
        self._refuse(conn, buf[:MAX_REGISTRATION], "unknown registration id")

    def _arm_quiet(self, conn: _DtuConnection) -> None:
        if conn.quiet is not None:
            conn.quiet.cancel()
        if len(conn.buf) > MAX_REGISTRATION:
            self._refuse(conn, bytes(conn.buf[:MAX_REGISTRATION]), "registration packet longer than 40 bytes")
            return
        conn.quiet = asyncio.get_running_loop().call_later(0.2, self._adopt_unknown, conn)

    def _adopt_unknown(self, conn: _DtuConnection) -> None:
        """Commissioning mode: the first packet, whatever it is, names the gateway."""
        conn.quiet = None
        if conn.phase is not _Phase.REGISTERING:
            return
        raw = bytes(conn.buf)
        name = describe_id(raw)
        spec = GatewaySpec(id=name, registration=raw, mode=RegistrationMode.BOTH)
        if name not in self.specs:
            self.add_gateway(spec)
        self._register(conn, self.specs[name], b"")

    def _register(self, conn: _DtuConnection, spec: GatewaySpec, rest: bytes) -> None:
        gid = spec.id
        now = self._clock()
        history = self._registrations.setdefault(gid, collections.deque(maxlen=self.flap_limit + 1))
        history.append(now)
        old = self._owner.get(gid)
        old_alive = old is not None and old.phase is _Phase.ATTACHED and self.links[gid].online
        flapping = len(history) > self.flap_limit and now - history[0] <= self.flap_window
        if flapping and old_alive:
            # Two live sockets keep taking the id from each other: hold the current one.
            assert old is not None
            if now - self._flap_reported.get(gid, -1e18) > self.flap_window:
                self._flap_reported[gid] = now
                detail = (
                    f"{len(history)} registrations in {now - history[0]:.0f} s from {old.peer} and "
                    f"{conn.peer}: two DTUs with a cloned configuration? Keeping {old.peer}"
                )
                log.warning("gateway %s is flapping: %s", gid, detail)
                self._emit(LinkEvent(gid, LinkState.FLAPPING, detail, conn.peer))
            conn.close()
            return
        link = self.links[gid]
        conn.phase = _Phase.ATTACHED
        conn.link = link
        conn.buf.clear()
        if conn.deadline is not None:
            conn.deadline.cancel()
            conn.deadline = None
        self._owner[gid] = conn
        if old is not None and old is not conn and old.phase is _Phase.ATTACHED:
            old.phase = _Phase.CLOSED
            old_peer = old.peer
            old.close()
            link.detach("replaced by a newer connection", close=False)
            log.info("gateway %s re-registered from %s, old connection %s closed", gid, conn.peer, old_peer)
            self._emit(LinkEvent(gid, LinkState.REPLACED, f"old connection {old_peer} closed", conn.peer))
        assert conn.transport is not None
        link.attach(conn.transport, conn.peer, rest)
        log.info("gateway %s online from %s", gid, conn.peer)
        self._emit(LinkEvent(gid, LinkState.ONLINE, "", conn.peer))

    def _refuse(self, conn: _DtuConnection, presented: bytes, reason: str) -> None:
        shown = describe_id(presented) if presented else "(nothing)"
        key = f"{shown}|{reason}"
        now = self._clock()
        if now - self._refusals_logged.get(key, -1e18) >= self.refusal_log_interval:
            self._refusals_logged[key] = now
            log.warning("refused a DTU from %s: %s %r", conn.peer, reason, shown)
            self._emit(LinkEvent(shown, LinkState.REFUSED, reason, conn.peer))
        conn.close()

    def _registration_timed_out(self, conn: _DtuConnection) -> None:
        if conn.buf and self.accept_unknown:
            self._adopt_unknown(conn)
            return
        reason = (
            f"no registration packet within {self.registration_deadline:g} s"
            if not conn.buf
            else "incomplete registration id"
        )
        host = conn.peer.rsplit(":", 1)[0]
        self._refuse(conn, bytes(conn.buf[:MAX_REGISTRATION]), f"{reason} (from {host})")

    def _connection_ended(self, conn: _DtuConnection, exc: Exception | None) -> None:
        link = conn.link
        assert link is not None and conn.transport is not None
        if not link.owns(conn.transport):
            return  # it had been replaced already
        reason = f"connection lost ({exc})" if exc else "connection closed by the gateway"
        link.detach(reason, close=False)
        if self._owner.get(link.name) is conn:
            del self._owner[link.name]
        log.info("gateway %s offline: %s", link.name, reason)
        self._emit(LinkEvent(link.name, LinkState.OFFLINE, reason, conn.peer))

    # -- watchdog and events --------------------------------------------------------------------

    async def _watch(self) -> None:
        """Close links that have been silent too long (half-open sockets behind NAT)."""
        while True:
            await asyncio.sleep(self._watch_period())
            now = time.monotonic()
            for gid, conn in list(self._owner.items()):
                spec = self.specs.get(gid)
                limit = spec.watchdog if spec else None
                link = self.links[gid]
                if limit is None or not link.online or now - link.last_rx <= limit:
                    continue
                reason = f"no bytes for {now - link.last_rx:.1f} s (limit {limit:g} s): half-open connection?"
                conn.phase = _Phase.CLOSED
                conn.close()
                link.detach(reason, close=False)
                del self._owner[gid]
                log.warning("gateway %s: %s", gid, reason)
                self._emit(LinkEvent(gid, LinkState.OFFLINE, reason, conn.peer))

    def _watch_period(self) -> float:
        limits = [s.watchdog for s in self.specs.values() if s.watchdog]
        return max(0.05, min(1.0, min(limits) / 4)) if limits else 1.0

    def _emit(self, event: LinkEvent) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                log.exception("a link-event subscriber failed on %s", event)
