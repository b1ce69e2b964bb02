"""pymodbus servers as independent Modbus peers on loopback, ephemeral ports only.

`start_server` gives either one RS-485 bus behind a TCP socket (RTU framing: what a
transparent serial server or a DTU relays) or a plain Modbus TCP server (MBAP framing).
Units listed as ``silent`` never answer, as a dead meter on a real bus: pymodbus's
simulator would otherwise answer an unknown unit with an exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field

from pymodbus.framer import FramerType
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

HOST = "127.0.0.1"


@dataclass
class PeerServer:
    """A running pymodbus server and what it saw."""

    server: ModbusTcpServer
    port: int
    requests: list[bytes] = field(default_factory=list)  # raw bytes as received
    connections: int = 0  # connections accepted so far
    got_request: asyncio.Event = field(default_factory=asyncio.Event)

    async def stop(self) -> None:
        """Stop listening and close every client connection."""
        await self.server.shutdown()


def meter_device(unit: int, volts: Iterable[float], holding: Iterable[int]) -> SimDevice:
    """A unit with separate coil, input, holding and input-register tables (0-based).

    coils 0-15 (relay outputs), discrete inputs 0-15 (DI), holding registers 100.. ``holding``,
    input registers 0.. ``volts`` as FLOAT32 (big-endian words, as most meters).
    """
    coils = [True, False, True] + [False] * 13
    inputs = [False, True, True, False] + [False] * 12
    return SimDevice(
        unit,
        simdata=(
            [SimData(0, values=coils, datatype=DataType.BITS)],
            [SimData(0, values=inputs, datatype=DataType.BITS)],
            [SimData(100, values=list(holding), datatype=DataType.REGISTERS)],
            [SimData(0, values=list(volts), datatype=DataType.FLOAT32)],
        ),
    )


async def start_server(
    devices: list[SimDevice],
    *,
    rtu: bool,
    silent: Iterable[int] = (),
    port: int = 0,
) -> PeerServer:
    """Start a server on 127.0.0.1 (``port`` 0: an ephemeral one) and return it once listening."""
    mute = frozenset(silent)
    peer: PeerServer | None = None

    def trace_packet(sending: bool, data: bytes) -> bytes:
        assert peer is not None
        if not sending:
            peer.requests.append(bytes(data))
            peer.got_request.set()
            return data
        unit = data[0] if rtu else (data[6] if len(data) > 6 else -1)
        return b"" if unit in mute else data  # an empty write sends nothing: a dead unit

    def trace_connect(connected: bool) -> None:
        if connected and peer is not None:
            peer.connections += 1

    server = ModbusTcpServer(
        devices,
        framer=FramerType.RTU if rtu else FramerType.SOCKET,
        address=(HOST, port),
        trace_packet=trace_packet,
        trace_connect=trace_connect,
    )
    await server.serve_forever(background=True)
    listening = server.transport.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    peer = PeerServer(server, listening)
    return peer
