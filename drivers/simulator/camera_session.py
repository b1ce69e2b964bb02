"""One viewer's RTSP session on a simulated camera: its transport and its RTP stream.

A session is set up (SETUP) over TCP, with RTP interleaved on the RTSP connection, or over
UDP, with RTP sent from a server socket pair (even port RTP, odd port RTCP) to the client's
ports.  It sends whole access units and starts at a keyframe; a viewer that cannot keep up
(its TCP send buffer grows) skips pictures until the next keyframe, as a camera drops frames
for a slow client instead of queueing them without end.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drivers.simulator.camera_encoder import AccessUnit
from drivers.simulator.camera_rtsp import interleaved, parse_transport, port_pair
from drivers.simulator.rtp import CLOCK_RATE, NAL_PPS, NAL_SPS, Packetizer, nal_type

MAX_BACKLOG = 1 << 20  # bytes waiting in a TCP viewer's send buffer before pictures are skipped


@dataclass
class Setup:
    """The transport a client asked for and the server accepted."""

    tcp: bool
    channels: tuple[int, int] = (0, 1)  # interleaved channels (TCP)
    client_ports: tuple[int, int] = (0, 0)  # RTP and RTCP ports of the client (UDP)

    @property
    def kind(self) -> str:
        return "TCP" if self.tcp else "UDP"


def choose_transport(header: str) -> Setup | None:
    """The first alternative of a Transport header we can serve: unicast TCP interleaved or UDP."""
    for spec in parse_transport(header):
        if "multicast" in spec:
            continue
        if spec["spec"] == "RTP/AVP/TCP":
            channels = (0, 1)
            if spec.get("interleaved"):
                first, _, second = spec["interleaved"].partition("-")
                if not first.isdigit() or (second and not second.isdigit()):
                    continue
                channels = (int(first), int(second) if second else int(first) + 1)
                if not all(0 <= c <= 255 for c in channels):
                    continue
            return Setup(True, channels=channels)
        if spec["spec"] in ("RTP/AVP", "RTP/AVP/UDP"):
            ports = port_pair(spec.get("client_port", ""))
            if ports is not None:
                return Setup(False, client_ports=ports)
    return None


class _Datagrams(asyncio.DatagramProtocol):
    """A server UDP socket: anything the client sends here (RTCP, NAT punches) keeps the session alive."""

    def __init__(self, on_packet: Callable[[], None]) -> None:
        self.on_packet = on_packet

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.on_packet()


@dataclass
class UdpPair:
    """The server's RTP and RTCP sockets of a UDP session and where RTP goes."""

    rtp: asyncio.DatagramTransport
    rtcp: asyncio.DatagramTransport
    ports: tuple[int, int]
    destination: tuple[str, int]

    def close(self) -> None:
        self.rtp.close()
        self.rtcp.close()


async def open_udp(local_host: str, peer_host: str, setup: Setup, on_packet: Callable[[], None]) -> UdpPair:
    """Bind an even/odd server port pair on ``local_host``; RTP goes to the client's RTP port.

    The destination is always the RTSP peer's own address (a Transport destination= is ignored):
    a camera must not be usable to flood a third party.
    """
    loop = asyncio.get_running_loop()
    last: OSError | None = None
    for _ in range(32):
        rtp, _proto = await loop.create_datagram_endpoint(lambda: _Datagrams(on_packet), local_addr=(local_host, 0))
        port = rtp.get_extra_info("sockname")[1]
        if port % 2 or port >= 65535:
            rtp.close()
            continue
        try:
            rtcp, _proto = await loop.create_datagram_endpoint(
                lambda: _Datagrams(on_packet), local_addr=(local_host, port + 1)
            )
        except OSError as exc:
            last = exc
            rtp.close()
            continue
        return UdpPair(rtp, rtcp, (port, port + 1), (peer_host, setup.client_ports[0]))
    raise last or OSError("no free even/odd UDP port pair")


class CameraSession:
    """One viewer of one camera."""

    def __init__(self, sid: str, feed_id: str, connection: Any, setup: Setup, udp: UdpPair | None) -> None:
        self.id = sid
        self.feed_id = feed_id
        self.connection = connection  # the RTSP connection that set it up (ends with it)
        self.setup = setup
        self.udp = udp
        self.packetizer = Packetizer()
        self._ts_offset = random.SystemRandom().getrandbits(32)
        self.playing = False
        self.waiting_key = True
        self.start_after: bytes | None = None
        self.last_seen = time.monotonic()
        self.sent = 0  # access units sent

    @property
    def tcp(self) -> bool:
        return self.setup.tcp

    def touch(self) -> None:
        self.last_seen = time.monotonic()

    def header(self, timeout: float) -> str:
        return f"{self.id};timeout={max(1, round(timeout))}"

    def transport_header(self) -> str:
        ssrc = f"{self.packetizer.ssrc:08X}"
        if self.setup.tcp:
            a, b = self.setup.channels
            return f"RTP/AVP/TCP;unicast;interleaved={a}-{b};ssrc={ssrc}"
        assert self.udp is not None
        c, s = self.setup.client_ports, self.udp.ports
        return f"RTP/AVP;unicast;client_port={c[0]}-{c[1]};server_port={s[0]}-{s[1]};ssrc={ssrc}"

    def rtp_time(self, wall_ms: float) -> int:
        """The 90 kHz RTP timestamp of a wall time (ms UTC): every viewer's clock runs with the wall."""
        return (self._ts_offset + int(wall_ms * (CLOCK_RATE // 1000))) & 0xFFFFFFFF

    def send(self, au: AccessUnit, sps: bytes, pps: bytes) -> bool:
        """Send one access unit; True when the viewer now waits for a keyframe (ask the encoder)."""
        if self.waiting_key and not au.keyframe:
            return False
        conn = self.connection
        if self.setup.tcp and (conn is None or conn.transport.is_closing()):
            return False
        if self.setup.tcp and conn.transport.get_write_buffer_size() > MAX_BACKLOG:
            was = self.waiting_key
            self.waiting_key = True  # too slow: skip to the next keyframe once the backlog drains
            return not was
        nals = au.nals
        if au.keyframe and not any(nal_type(n) == NAL_SPS for n in nals):
            nals = [sps, pps, *[n for n in nals if nal_type(n) != NAL_PPS]]
        packets = self.packetizer.packets(nals, self.rtp_time(au.wall_ms))
        if self.setup.tcp:
            channel = self.setup.channels[0]
            conn.transport.write(b"".join(interleaved(channel, p) for p in packets))
        else:
            assert self.udp is not None
            for p in packets:
                self.udp.rtp.sendto(p, self.udp.destination)
        self.waiting_key = False
        self.sent += 1
        return False

    def close(self) -> None:
        self.playing = False
        if self.udp is not None:
            with contextlib.suppress(Exception):
                self.udp.close()
