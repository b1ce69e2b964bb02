"""Our Modbus masters against independent peers over loopback TCP (ephemeral ports only).

(a) pymodbus as one RS-485 bus behind a TCP socket (RTU framing), several units, one dead;
(b) modbus-tk's RTU slave on a PTY that socat bridges to TCP;
(c) ModbusTcp against pymodbus's plain Modbus TCP server, stopped and restarted;
(d) a scripted RTU peer written here: late replies, CRC errors, garbage, split replies.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator, Callable

import pytest

from drivers.link import Link, LinkDown, LinkTimeout, open_tcp_link
from drivers.modbus import Bus, ModbusCrcError, ModbusExceptionResponse, ModbusFrameError, ModbusRtu
from drivers.modbus_tcp import ModbusTcp
from tests.integration.peers import modbus_tk_bus as tk
from tests.integration.peers.modbus_pymodbus import HOST, PeerServer, meter_device, start_server

pytestmark = pytest.mark.timeout(60)

VOLTS = {1: [230.5, 231.25, 229.75], 2: [398.0, 401.5, 399.25], 3: [10.5, 10.25, 10.0]}
HOLDING = {1: [11, 12, 13, 14], 2: [21, 22, 23, 24], 3: [31, 32, 33, 34]}
DEAD = 7


def floats(registers: list[int]) -> list[float]:
    """FLOAT32, big-endian words, as the meters (and pymodbus's simulator) send them."""
    raw = struct.pack(f">{len(registers)}H", *registers)
    return list(struct.unpack(f">{len(registers) // 2}f", raw))


def crc16(data: bytes) -> bytes:
    """Modbus CRC-16 written out bit by bit (independent of the table code under test)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc.to_bytes(2, "little")


def frame(*body: int) -> bytes:
    return bytes(body) + crc16(bytes(body))


def regs_reply(unit: int, function: int, values: list[int]) -> bytes:
    body = bytes((unit, function, 2 * len(values))) + struct.pack(f">{len(values)}H", *values)
    return body + crc16(body)


async def until(condition: Callable[[], bool], what: str) -> None:
    """Poll a condition (bounded): readiness by observation, never by a blind sleep."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"gave up waiting for {what}")


# -- (a) pymodbus RTU bus ------------------------------------------------------------------------------


@pytest.fixture
async def rtu_bus() -> AsyncIterator[tuple[ModbusRtu, PeerServer]]:
    devices = [meter_device(u, VOLTS[u], HOLDING[u]) for u in (1, 2, 3)]
    peer = await start_server(devices, rtu=True, silent=[DEAD])
    link = await open_tcp_link(HOST, peer.port, "rtu-bus")
    try:
        yield ModbusRtu(link), peer
    finally:
        link.detach("test over")
        await peer.stop()


async def test_rtu_reads_every_unit_on_the_bus(rtu_bus):
    bus, _ = rtu_bus
    for unit in (1, 2, 3):
        volts = floats(await bus.read_registers(unit, 0, 6, function=4))
        assert volts == pytest.approx(VOLTS[unit])
        assert await bus.read_registers(unit, 100, 4) == HOLDING[unit]
        assert await bus.read_bits(unit, 0, 5) == [True, False, True, False, False]
        assert await bus.read_bits(unit, 0, 4, function=2) == [False, True, True, False]


async def test_rtu_writes_read_back(rtu_bus):
    bus, _ = rtu_bus
    await bus.write_coil(2, 1, True)
    assert await bus.read_bits(2, 0, 3) == [True, True, True]
    await bus.write_coil(2, 0, False)
    assert await bus.read_bits(2, 0, 3) == [False, True, True]
    await bus.write_coils(2, 8, [True, False, True, True])
    assert await bus.read_bits(2, 8, 4) == [True, False, True, True]
    await bus.write_register(3, 101, 0xBEEF)
    await bus.write_registers(3, 102, [500, 600])
    assert await bus.read_registers(3, 100, 4) == [31, 0xBEEF, 500, 600]
    assert await bus.read_registers(1, 100, 4) == HOLDING[1]  # the neighbours are untouched


async def test_rtu_illegal_address_is_exception_2(rtu_bus):
    bus, _ = rtu_bus
    with pytest.raises(ModbusExceptionResponse) as caught:
        await bus.read_registers(1, 900, 2)
    assert caught.value.code == 2
    assert caught.value.name == "illegal data address"
    assert "unit 1" in str(caught.value)
    assert await bus.read_registers(1, 100, 1) == [11]  # the bus carries on


async def test_rtu_dead_unit_times_out_and_the_others_still_answer(rtu_bus):
    bus, peer = rtu_bus
    for _ in range(5):  # more than pymodbus's retries+3: nothing of ours gives up on the bus
        with pytest.raises(LinkTimeout):
            await bus.read_registers(DEAD, 100, 2, timeout=0.15)
    assert bus.link.online and peer.connections == 1
    for unit in (1, 2, 3):
        assert await bus.read_registers(unit, 100, 2) == HOLDING[unit][:2]


async def test_rtu_many_polls_in_a_row(rtu_bus):
    bus, _ = rtu_bus
    for i in range(150):
        unit = 1 + i % 3
        assert await bus.read_registers(unit, 100, 4) == HOLDING[unit]
    assert bus.link.stats.timeouts == 0 and bus.link.stats.frame_errors == 0


async def test_rtu_broadcast_write_reaches_every_unit():
    devices = [meter_device(u, VOLTS[u], HOLDING[u]) for u in (1, 2)]
    peer = await start_server(devices, rtu=True)
    peer.server.broadcast_enable = True
    link = await open_tcp_link(HOST, peer.port)
    bus = ModbusRtu(link, broadcast_quiet=0.0)
    try:
        await bus.write_register(0, 103, 777)
        await until(lambda: len(peer.requests) >= 1, "the broadcast to arrive")
        # The next exchange waits behind the broadcast on the peer's side, so this read sees it.
        assert await bus.read_registers(1, 103, 1) == [777]
        assert await bus.read_registers(2, 103, 1) == [777]
    finally:
        link.detach("test over")
        await peer.stop()


# -- (b) modbus-tk behind socat ----------------------------------------------------------------------


@pytest.fixture
async def tk_bus(tmp_path) -> AsyncIterator[ModbusRtu]:
    if not tk.socat_available():
        pytest.skip("socat is not installed (Debian package 'socat'): no PTY bridge for the modbus-tk slave")
    bridge = tk.SocatBus(tmp_path)
    link: Link | None = None
    try:
        port = await bridge.start()
        link = await open_tcp_link(tk.HOST, port, "socat")
        await bridge.start_slave()
        bus = ModbusRtu(link)
        for _ in range(50):  # the slave may still be opening the PTY: poll until it answers
            try:
                await bus.read_registers(1, 0, 1, timeout=0.2)
                break
            except (LinkTimeout, ModbusCrcError, ModbusFrameError):
                continue
        else:
            pytest.fail("modbus-tk slave never answered through socat")
        yield bus
    finally:
        if link is not None:
            link.detach("test over")
        await bridge.stop()


async def test_modbus_tk_reads_through_socat(tk_bus):
    bus = tk_bus
    for unit in tk.UNITS:
        assert await bus.read_registers(unit, 0, 10) == tk.HOLDING[unit]
        assert await bus.read_registers(unit, 0, 4, function=4) == tk.INPUT_REGISTERS[unit]
        assert await bus.read_bits(unit, 0, 16) == tk.COILS[unit]
        assert await bus.read_bits(unit, 0, 8, function=2) == tk.DISCRETE[unit]


async def test_modbus_tk_writes_and_exceptions_through_socat(tk_bus):
    bus = tk_bus
    await bus.write_register(1, 3, 4242)
    await bus.write_registers(2, 5, [1, 2, 3])
    await bus.write_coil(1, 7, True)
    await bus.write_coils(2, 10, [True, True, False, True])
    assert await bus.read_registers(1, 3, 1) == [4242]
    assert await bus.read_registers(2, 4, 5) == [2004, 1, 2, 3, 2008]
    assert (await bus.read_bits(1, 0, 8))[7] is True
    assert await bus.read_bits(2, 10, 4) == [True, True, False, True]
    with pytest.raises(ModbusExceptionResponse) as caught:
        await bus.read_registers(1, 8, 5)  # runs past the 10 registers the slave has
    assert caught.value.code == 2
    with pytest.raises(LinkTimeout):
        await bus.read_registers(9, 0, 1, timeout=0.2)  # no such unit on the bus: silence
    assert await bus.read_registers(2, 0, 1) == [2000]


# -- (c) Modbus TCP ----------------------------------------------------------------------------------------


@pytest.fixture
async def tcp_server() -> AsyncIterator[PeerServer]:
    devices = [meter_device(u, VOLTS[u], HOLDING[u]) for u in (1, 2)]
    peer = await start_server(devices, rtu=False, silent=[DEAD])
    try:
        yield peer
    finally:
        await peer.stop()


async def test_tcp_reads_writes_and_exception(tcp_server):
    bus = ModbusTcp(HOST, tcp_server.port)
    try:
        assert floats(await bus.read_registers(2, 0, 6, function=4)) == pytest.approx(VOLTS[2])
        assert await bus.read_bits(1, 0, 3) == [True, False, True]
        assert await bus.read_bits(1, 0, 3, function=2) == [False, True, True]
        await bus.write_register(1, 100, 5)
        await bus.write_registers(1, 101, [6, 7])
        await bus.write_coil(1, 1, True)
        await bus.write_coils(1, 4, [True, True])
        assert await bus.read_registers(1, 100, 4) == [5, 6, 7, 14]
        assert await bus.read_bits(1, 0, 6) == [True, True, True, False, True, True]
        with pytest.raises(ModbusExceptionResponse) as caught:
            await bus.write_register(2, 999, 1)
        assert caught.value.code == 2 and caught.value.unit == 2 and caught.value.function == 6
        tcp_server.server.broadcast_enable = True
        await bus.write_registers(0, 102, [8, 9])  # unit 0: a broadcast, no reply awaited
        assert await bus.read_registers(1, 102, 2) == [8, 9]
        assert await bus.read_registers(2, 102, 2) == [8, 9]
    finally:
        bus.close()


async def test_both_masters_are_buses(tcp_server):
    rtu, tcp = ModbusRtu(Link("bus")), ModbusTcp(HOST, tcp_server.port)
    assert isinstance(rtu, Bus) and isinstance(tcp, Bus)
    for bus in (rtu, tcp):
        with pytest.raises(ValueError, match="unit id"):
            await bus.read_registers(0, 0, 1)


async def test_tcp_timeouts_never_drop_the_connection(tcp_server):
    bus = ModbusTcp(HOST, tcp_server.port)
    try:
        assert await bus.read_registers(1, 100, 1) == [11]
        for _ in range(7):  # pymodbus alone would close the socket after retries+3 of these
            with pytest.raises(LinkTimeout):
                await bus.read_registers(DEAD, 100, 1, timeout=0.1)
        assert bus.connected
        assert await bus.read_registers(2, 100, 2) == [21, 22]
        assert tcp_server.connections == 1
    finally:
        bus.close()


async def test_tcp_server_stopped_then_restarted(tcp_server):
    bus = ModbusTcp(HOST, tcp_server.port, connect_timeout=2.0)
    try:
        assert await bus.read_registers(1, 100, 1) == [11]
        await tcp_server.stop()
        await until(lambda: not bus.connected, "the client to see the close")
        with pytest.raises(LinkDown):
            await bus.read_registers(1, 100, 1)
        devices = [meter_device(u, VOLTS[u], HOLDING[u]) for u in (1, 2)]
        again = await start_server(devices, rtu=False, port=tcp_server.port)
        try:
            assert await bus.read_registers(2, 101, 1) == [22]  # this call dials again
            assert again.connections == 1
        finally:
            await again.stop()
    finally:
        bus.close()


async def test_tcp_connection_lost_mid_request_is_link_down(tcp_server):
    bus = ModbusTcp(HOST, tcp_server.port)
    try:
        await bus.connect()
        tcp_server.got_request.clear()
        call = asyncio.create_task(bus.read_registers(DEAD, 100, 1, timeout=30))
        await tcp_server.got_request.wait()
        await tcp_server.stop()
        with pytest.raises(LinkDown):
            await call
    finally:
        bus.close()


async def test_tcp_nobody_listening_is_link_down(tcp_server):
    port = tcp_server.port
    await tcp_server.stop()
    bus = ModbusTcp(HOST, port, connect_timeout=2.0)
    with pytest.raises(LinkDown, match="cannot connect"):
        await bus.read_registers(1, 0, 1)
    bus.close()


# -- (d) a scripted RTU peer -------------------------------------------------------------------------------


class ScriptedBus:
    """A TCP peer that hands each RTU request to the test and writes whatever it is told to."""

    def __init__(self) -> None:
        self.requests: asyncio.Queue[bytes] = asyncio.Queue()
        self.writer: asyncio.StreamWriter | None = None
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, HOST, 0)
        return self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        try:
            while True:
                head = await reader.readexactly(7)
                rest = head[6] + 2 if head[1] in (15, 16) else 1
                self.requests.put_nowait(head + await reader.readexactly(rest))
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def send(self, *chunks: bytes) -> None:
        """Write each chunk and drain, so they tend to travel as separate segments."""
        assert self.writer is not None
        for chunk in chunks:
            self.writer.write(chunk)
            await self.writer.drain()

    async def stop(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


@pytest.fixture
async def scripted() -> AsyncIterator[tuple[ModbusRtu, ScriptedBus]]:
    peer = ScriptedBus()
    port = await peer.start()
    link = await open_tcp_link(HOST, port, "scripted")
    try:
        yield ModbusRtu(link), peer
    finally:
        link.detach("test over")
        await peer.stop()


async def test_late_reply_before_the_next_request_is_flushed(scripted):
    bus, peer = scripted
    first = asyncio.create_task(bus.read_registers(1, 0, 2, timeout=0.2))
    assert await peer.requests.get() == frame(1, 3, 0, 0, 0, 2)
    with pytest.raises(LinkTimeout):
        await first
    received = bus.link.stats.bytes_in
    await peer.send(regs_reply(1, 3, [111, 222]))  # too late: nobody asked any more
    await until(lambda: bus.link.stats.bytes_in > received, "the late reply to arrive")
    second = asyncio.create_task(bus.read_registers(1, 10, 2))
    assert await peer.requests.get() == frame(1, 3, 0, 10, 0, 2)
    await peer.send(regs_reply(1, 3, [333, 444]))
    assert await second == [333, 444]


async def test_late_reply_glued_to_the_right_one_is_skipped(scripted):
    bus, peer = scripted
    first = asyncio.create_task(bus.read_registers(1, 0, 2, timeout=0.2))
    await peer.requests.get()
    with pytest.raises(LinkTimeout):
        await first
    # The late reply (2 registers) arrives together with the reply to the next request (4).
    second = asyncio.create_task(bus.read_registers(1, 20, 4))
    await peer.requests.get()
    await peer.send(regs_reply(1, 3, [111, 222]) + regs_reply(1, 3, [5, 6, 7, 8]))
    assert await second == [5, 6, 7, 8]
    # And a late reply from another unit in front of ours.
    third = asyncio.create_task(bus.read_registers(2, 20, 2))
    await peer.requests.get()
    await peer.send(regs_reply(1, 3, [9, 9]), regs_reply(2, 3, [1, 2]))
    assert await third == [1, 2]


async def test_only_a_late_reply_is_a_frame_error_not_a_value(scripted):
    bus, peer = scripted
    call = asyncio.create_task(bus.read_registers(1, 0, 4, timeout=0.3))
    await peer.requests.get()
    await peer.send(regs_reply(1, 3, [111, 222]))  # right unit and function, wrong length
    with pytest.raises(ModbusFrameError, match="late reply"):
        await call
    write = asyncio.create_task(bus.write_register(1, 10, 5, timeout=0.3))
    await peer.requests.get()
    await peer.send(frame(1, 6, 0, 9, 0, 4))  # the echo of another write
    with pytest.raises(ModbusFrameError, match="late reply"):
        await write


async def test_crc_error_is_typed(scripted):
    bus, peer = scripted
    call = asyncio.create_task(bus.read_registers(1, 0, 2))
    await peer.requests.get()
    bad = bytearray(regs_reply(1, 3, [1, 2]))
    bad[4] ^= 0x40  # one flipped bit in the data
    await peer.send(bytes(bad))
    with pytest.raises(ModbusCrcError, match="CRC"):
        await call
    assert bus.link.stats.frame_errors == 1
    again = asyncio.create_task(bus.read_registers(1, 0, 2))
    await peer.requests.get()
    await peer.send(regs_reply(1, 3, [1, 2]))
    assert await again == [1, 2]


async def test_garbage_before_and_a_split_reply(scripted):
    bus, peer = scripted
    call = asyncio.create_task(bus.read_registers(1, 0, 3))
    await peer.requests.get()
    await peer.send(b"\x00\xff\x01\x83garbage", regs_reply(1, 3, [7, 8, 9]))
    assert await call == [7, 8, 9]
    call = asyncio.create_task(bus.read_bits(4, 0, 10))
    assert await peer.requests.get() == frame(4, 1, 0, 0, 0, 10)
    reply = frame(4, 1, 2, 0b0000_0101, 0b10)
    await peer.send(*[reply[i : i + 1] for i in range(len(reply))])  # one byte per write
    assert await call == [True, False, True] + [False] * 6 + [True]


async def test_exception_reply_and_write_echo(scripted):
    bus, peer = scripted
    call = asyncio.create_task(bus.read_registers(5, 0, 2, function=4))
    await peer.requests.get()
    await peer.send(frame(5, 0x84, 0x0B))
    with pytest.raises(ModbusExceptionResponse, match="gateway target failed to respond") as caught:
        await call
    assert caught.value.code == 0x0B
    write = asyncio.create_task(bus.write_registers(5, 0x10, [1, 2, 3]))
    request = await peer.requests.get()
    assert request == frame(5, 16, 0, 0x10, 0, 3, 6, 0, 1, 0, 2, 0, 3)
    await peer.send(frame(5, 16, 0, 0x10, 0, 3))
    await write
