"""The simulator over real loopback TCP, against a tiny listener written here and real masters.

The listener below is a plain asyncio server (not drivers/dtu.py): it accepts the simulated
DTUs and reads what they send.  Modbus requests are built and replies decoded with pymodbus's
client-side framer; DL/T645 frames are built and read by hand from the standard; `mbpoll`
reads a bus through `socat` as a serial master would.  The plant's clock is frozen, so every
value a meter returns can be compared with what the physics says.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import shutil
import socket
import struct
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from pymodbus.framer import FramerRTU
from pymodbus.pdu import DecodePDU, ModbusPDU
from pymodbus.pdu.bit_message import ReadCoilsRequest, ReadDiscreteInputsRequest, WriteSingleCoilRequest
from pymodbus.pdu.register_message import (
    ReadHoldingRegistersRequest,
    ReadInputRegistersRequest,
    WriteSingleRegisterRequest,
)

from drivers.simulator import (
    Fault,
    FaultKind,
    SimDevice,
    SimGateway,
    SimPlant,
    Simulator,
    demo_plant,
    scaled_plant,
)

NOW = datetime(2025, 3, 3, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()
IMEI = b"866262045012340"
ICCID = b"89860412345678901234"
HEX_ID = bytes.fromhex("5352A0010003")
HB = b"HB!!"
METER_ADDRESS = "000000000161"
CLIENT = FramerRTU(DecodePDU(is_server=False))
T = TypeVar("T")


# -- the test's own listener ---------------------------------------------------------------------


class Conn:
    """One accepted DTU connection, read with deadlines."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def read(self, timeout: float = 3.0) -> bytes:
        """The next bytes to arrive (b"" at EOF); TimeoutError if none in time."""
        return await asyncio.wait_for(self.reader.read(4096), timeout)

    async def _chunks(self, seconds: float) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while (left := end - loop.time()) > 0:
            try:
                chunk = await asyncio.wait_for(self.reader.read(4096), left)
            except TimeoutError:
                return
            if not chunk:
                return
            yield chunk

    async def gather(self, seconds: float) -> bytes:
        """Everything that arrives within ``seconds`` (stops early at EOF)."""
        return b"".join([chunk async for chunk in self._chunks(seconds)])

    async def until(self, done: Callable[[bytes], T | None], timeout: float = 3.0) -> T | None:
        """Read until ``done(everything read)`` finds something; None at the deadline or EOF."""
        got = b""
        async for chunk in self._chunks(timeout):
            got += chunk
            found = done(got)
            if found is not None:
                return found
        return None

    async def read_until(self, wanted: bytes, timeout: float = 3.0) -> bytes | None:
        """Everything read until ``wanted`` has arrived (None if it does not)."""
        return await self.until(lambda got: got if wanted in got else None, timeout)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


class Listener:
    """Accepts DTU connections on an ephemeral loopback port and hands them out in order."""

    def __init__(self) -> None:
        self.conns: asyncio.Queue[Conn] = asyncio.Queue()
        self.all: list[Conn] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self, port: int = 0) -> None:
        async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            conn = Conn(reader, writer)
            self.all.append(conn)
            await self.conns.put(conn)

        self.server = await asyncio.start_server(accepted, "127.0.0.1", port, reuse_address=True)
        self.port = self.server.sockets[0].getsockname()[1]

    async def accept(self, timeout: float = 5.0) -> Conn:
        return await asyncio.wait_for(self.conns.get(), timeout)

    async def registered(self, registration: bytes) -> Conn:
        """The next connection, once it has sent ``registration``."""
        conn = await self.accept()
        assert await conn.read_until(registration) == registration
        return conn

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
        for conn in self.all:
            await conn.close()
        if self.server is not None:
            await self.server.wait_closed()


@contextlib.asynccontextmanager
async def running(plant: SimPlant, **options: object) -> AsyncIterator[tuple[Listener, Simulator]]:
    listener = Listener()
    await listener.start()
    options.setdefault("bus_timing", False)
    sim = Simulator(plant, "127.0.0.1", listener.port, clock=lambda: NOW, **options)  # type: ignore[arg-type]
    await sim.start()
    try:
        yield listener, sim
    finally:
        await sim.stop()
        await listener.close()


def gateway(
    mode: str = "once",
    registration: bytes = IMEI,
    *,
    heartbeat: bytes = HB,
    interval: float = 30.0,
    merge: float = 0.0,
    split: float = 0.0,
    split_delay: float = 0.02,
) -> SimPlant:
    """One DTU with a CL7331M-class meter (unit 1), a PZ96-class meter (2), a TCU (3), an env module (4)."""
    devices = [
        SimDevice("M1", 1, "cl7331m", "feeder", ct=80.0, rating_a=400.0),
        SimDevice("M2", 2, "acrel_pz96", "feeder", ct=50.0, rating_a=250.0),
        SimDevice("TCU", 3, "tcu_bwdk", "tcu"),
        SimDevice("ENV", 4, "env_io", "environment"),
    ]
    g = SimGateway(
        "G1", registration, mode, heartbeat, interval, 9600, devices,  # type: ignore[arg-type]
        p_heartbeat_merge=merge, p_split=split, split_delay=split_delay,
    )  # fmt: skip
    return SimPlant([g], seed=3)


# -- Modbus helpers ------------------------------------------------------------------------------


def _strip(buf: bytes, patterns: Sequence[bytes]) -> bytes | None:
    """Remove registration/heartbeat patterns from the head, as a listener must; None if partial."""
    changed = True
    while changed and buf:
        changed = False
        for p in patterns:
            if buf.startswith(p):
                buf, changed = buf[len(p) :], True
    if any(len(buf) < len(p) and p.startswith(buf) for p in patterns if buf):
        return None
    return buf


async def ask(conn: Conn, request: ModbusPDU, strip: Sequence[bytes] = (HB,), timeout: float = 3.0) -> ModbusPDU | None:
    """Send a Modbus request, return the decoded reply or None if nothing whole arrives in time."""

    def decoded(got: bytes) -> ModbusPDU | None:
        body = _strip(got, strip)
        return None if body is None else CLIENT.handleFrame(body, request.dev_id, 0)[1]

    conn.writer.write(CLIENT.buildFrame(request))
    return await conn.until(decoded, timeout)


def f32(regs: Sequence[int], at: int) -> float:
    return struct.unpack(">f", struct.pack(">HH", regs[at], regs[at + 1]))[0]


def u32(regs: Sequence[int], at: int) -> int:
    return regs[at] << 16 | regs[at + 1]


def s16(word: int) -> int:
    return word - 0x10000 if word & 0x8000 else word


# -- registration and heartbeats -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "registration", "on_connect", "prefix"),
    [
        ("once", IMEI, IMEI, b""),
        ("every", ICCID, ICCID + HB, ICCID),  # announces itself with a heartbeat
        ("both", HEX_ID, HEX_ID, HEX_ID),
    ],
)
async def test_registration_modes(mode, registration, on_connect, prefix):
    async with running(gateway(mode, registration)) as (listener, sim):
        conn = await listener.accept()
        assert await conn.read_until(on_connect) == on_connect
        conn.writer.write(CLIENT.buildFrame(ReadHoldingRegistersRequest(address=0, count=2, dev_id=1)))
        reply = await conn.gather(0.5)
        assert reply.startswith(prefix)
        _, pdu = CLIENT.handleFrame(reply[len(prefix) :], 1, 0)
        assert pdu is not None and len(pdu.registers) == 2
        assert sim.connected("G1")


async def test_heartbeat_only_when_idle():
    async with running(gateway("once", interval=0.5)) as (listener, _sim):
        conn = await listener.registered(IMEI)
        for _ in range(15):  # busy: back-to-back polls leave no idle interval
            conn.writer.write(CLIENT.buildFrame(ReadHoldingRegistersRequest(address=0, count=4, dev_id=1)))
            data = await conn.read(3.0)
            while len(data) < 13:
                data += await conn.read(3.0)
            assert HB not in data
            assert CLIENT.handleFrame(data, 1, 0)[1] is not None
        idle = await conn.read_until(HB + HB, timeout=5.0)  # idle: heartbeats, one per interval
        assert idle == HB + HB


async def test_heartbeat_glued_in_front_of_a_reply_that_is_split_in_two_segments():
    async with running(gateway("once", merge=1.0, split=1.0, split_delay=0.2)) as (listener, _sim):
        conn = await listener.registered(IMEI)
        conn.writer.write(CLIENT.buildFrame(ReadHoldingRegistersRequest(address=0, count=10, dev_id=1)))
        first = await conn.read()
        whole = first + await conn.gather(0.5)
        assert 0 < len(first) < len(whole) == len(HB) + 25  # 1 + 1 + 1 + 20 + 2 bytes of reply
        assert whole.startswith(HB) and CLIENT.handleFrame(whole[len(HB) :], 1, 0)[1] is not None


async def test_demo_plant_dtus_register_with_every_format():
    plant = demo_plant()
    for g in plant.gateways:
        g.p_split = g.p_heartbeat_merge = 0.0
    async with running(plant) as (listener, sim):
        first: dict[bytes, Conn] = {}
        for _ in range(4):
            conn = await listener.accept()
            first[await conn.gather(0.3)] = conn
        nb800_hello = ICCID + b"NB800:HB"  # it registers with its first packet, a heartbeat
        assert set(first) == {IMEI, HEX_ID, b"SR-ENV-01", nb800_hello}
        nb800 = first[nb800_hello]
        pdu = await ask(nb800, ReadHoldingRegistersRequest(address=0x1A, count=2, dev_id=3), strip=(ICCID,))
        assert pdu is not None
        lv = sim.readings("T2-LV-IN")
        assert f32(pdu.registers, 0) * 400 == pytest.approx(lv["P"], rel=1e-5)
        # the revenue meter at the incomer reads what the incomer's meter reads
        rev = first[HEX_ID]
        reply = await dlt645_read(rev, "202405170001", 0x02030000, strip=(HEX_ID,))
        assert reply is not None
        incomer = sim.readings("HV-IN")
        assert bcd_value(reply[4:7], 4, signed=True) == pytest.approx(incomer["P"] / 3000, abs=1e-4)


# -- Modbus values -------------------------------------------------------------------------------


async def test_modbus_reads_return_what_the_physics_says():
    async with running(gateway()) as (listener, sim):
        conn = await listener.registered(IMEI)
        r = sim.readings("M1")
        ct = 80.0
        pdu = await ask(conn, ReadHoldingRegistersRequest(address=0, count=0x36, dev_id=1))
        assert pdu is not None
        regs = pdu.registers
        assert f32(regs, 0x00) == pytest.approx(r["Ua"], rel=1e-6)
        assert f32(regs, 0x06) == pytest.approx(r["Uab"], rel=1e-6)
        assert f32(regs, 0x0C) * ct == pytest.approx(r["Ia"], rel=1e-6)
        assert f32(regs, 0x1A) * ct == pytest.approx(r["P"], rel=1e-6)
        assert f32(regs, 0x22) * ct == pytest.approx(r["Q"], rel=1e-6)
        assert f32(regs, 0x32) == pytest.approx(r["PF"], rel=1e-6)
        assert f32(regs, 0x34) == pytest.approx(r["F"], rel=1e-6)
        u = sum(f32(regs, a) for a in (0x06, 0x08, 0x0A)) / 3
        i = sum(f32(regs, a) for a in (0x0C, 0x0E, 0x10)) / 3 * ct
        assert math.sqrt(3) * u * i * f32(regs, 0x32) / 1000 == pytest.approx(r["P"], rel=0.02)
        energy = await ask(conn, ReadHoldingRegistersRequest(address=0x100, count=4, dev_id=1))
        assert energy is not None
        assert u32(energy.registers, 0) * 0.01 * ct == pytest.approx(r["EPimp"], abs=0.01 * ct)
        # an integer meter: raw values with a fixed decimal point and the CT ratio
        r2 = sim.readings("M2")
        acrel = await ask(conn, ReadHoldingRegistersRequest(address=0, count=0x31, dev_id=2))
        assert acrel is not None
        assert acrel.registers[0] == round(r2["Ua"] * 10)
        assert acrel.registers[6] == round(r2["Ia"] / 50 * 100)
        assert s16(acrel.registers[0x0C]) == round(r2["P"] / 50 * 1000)
        assert acrel.registers[0x30] & 1 == 1  # DI1: the breaker is closed
        # the temperature controller and the environment module
        tcu = await ask(conn, ReadHoldingRegistersRequest(address=0, count=0x11, dev_id=3))
        assert tcu is not None
        temps = sim.readings("TCU")
        assert s16(tcu.registers[0]) == round(temps["TA"] * 10)
        env = await ask(conn, ReadHoldingRegistersRequest(address=0, count=2, dev_id=4))
        assert env is not None
        assert s16(env.registers[0]) / 10 == pytest.approx(sim.readings("ENV")["temp"], abs=0.051)


async def test_registers_outside_the_map_are_an_illegal_address():
    async with running(gateway()) as (listener, _sim):
        conn = await listener.registered(IMEI)
        pdu = await ask(conn, ReadInputRegistersRequest(address=0, count=2, dev_id=1))  # the map is FC03
        assert pdu is not None and pdu.isError() and pdu.exception_code == 2
        pdu = await ask(conn, ReadHoldingRegistersRequest(address=0x2000, count=2, dev_id=1))
        assert pdu is not None and pdu.isError() and pdu.exception_code == 2
        pdu = await ask(conn, WriteSingleRegisterRequest(address=0, registers=[1], dev_id=1))  # read-only
        assert pdu is not None and pdu.isError() and pdu.exception_code == 2
        too_many = bytes([1, 3, 0, 0, 0, 126])  # more than 125 registers: the request is malformed
        conn.writer.write(too_many + FramerRTU.compute_CRC(too_many).to_bytes(2, "big"))
        reply = await conn.gather(0.4)
        assert reply[:3] == bytes([1, 0x83, 3])  # exception 03, illegal data value


async def test_relay_coil_write_operates_the_breaker():
    async with running(gateway()) as (listener, sim):
        conn = await listener.registered(IMEI)
        di = await ask(conn, ReadDiscreteInputsRequest(address=0, count=4, dev_id=1))
        assert di is not None and di.bits[:4] == [True, False, False, False]
        echo = await ask(conn, WriteSingleCoilRequest(address=0, bits=[False], dev_id=1))
        assert echo is not None and not echo.isError()
        assert not sim.breaker_closed("M1")
        di = await ask(conn, ReadDiscreteInputsRequest(address=0, count=1, dev_id=1))
        coil = await ask(conn, ReadCoilsRequest(address=0, count=1, dev_id=1))
        power = await ask(conn, ReadHoldingRegistersRequest(address=0x0C, count=16, dev_id=1))
        assert di is not None and coil is not None and power is not None
        assert di.bits[0] is False and coil.bits[0] is False
        assert f32(power.registers, 0) == 0.0 and f32(power.registers, 14) == 0.0  # Ia, P
        await ask(conn, WriteSingleCoilRequest(address=0, bits=[True], dev_id=1))
        assert sim.breaker_closed("M1")
        sim.open_breaker("M2")  # from Python: the meter's input follows
        acrel = await ask(conn, ReadHoldingRegistersRequest(address=0x30, count=1, dev_id=2))
        assert acrel is not None and acrel.registers[0] & 1 == 0


# -- silence and faults --------------------------------------------------------------------------


async def test_unknown_unit_and_dead_meter_are_silent_while_others_answer():
    async with running(gateway()) as (listener, sim):
        conn = await listener.registered(IMEI)
        assert await ask(conn, ReadHoldingRegistersRequest(address=0, count=2, dev_id=99), timeout=0.4) is None
        sim.inject(Fault(FaultKind.DEAD, "M1"))
        assert await ask(conn, ReadHoldingRegistersRequest(address=0, count=2, dev_id=1), timeout=0.4) is None
        assert await ask(conn, ReadHoldingRegistersRequest(address=0, count=2, dev_id=2)) is not None
        assert [f.kind for f in sim.clear("M1")] == [FaultKind.DEAD]
        assert await ask(conn, ReadHoldingRegistersRequest(address=0, count=2, dev_id=1)) is not None
        assert sim.bus("G1").stats.silent == 2


async def test_corrupt_checksums_garbage_and_slow_replies():
    async with running(gateway()) as (listener, sim):
        conn = await listener.registered(IMEI)
        request = CLIENT.buildFrame(ReadHoldingRegistersRequest(address=0, count=2, dev_id=1))
        sim.inject(Fault(FaultKind.CRC, "M1", rate=1.0))
        conn.writer.write(request)
        bad = await conn.gather(0.4)
        assert len(bad) == 9
        assert FramerRTU.compute_CRC(bad[:-2]) != int.from_bytes(bad[-2:], "big")
        sim.clear("M1", FaultKind.CRC)
        sim.inject(Fault(FaultKind.GARBAGE, "G1", rate=1.0))
        conn.writer.write(request)
        noisy = await conn.gather(0.4)
        assert len(noisy) > 9 and CLIENT.handleFrame(noisy[-9:], 1, 0)[1] is not None
        sim.clear("G1")
        sim.inject(Fault(FaultKind.SLOW, "M1", delay=0.2))
        assert await ask(conn, ReadHoldingRegistersRequest(address=0, count=2, dev_id=1)) is not None
        assert [f.kind for f in sim.faults.active()] == [FaultKind.SLOW]


async def test_plant_faults_show_on_the_wire():
    async with running(gateway()) as (listener, sim):
        conn = await listener.registered(IMEI)
        normal = sim.readings("M1")["P"]
        sim.inject(Fault(FaultKind.OVERLOAD, "M1", factor=2.0))
        pdu = await ask(conn, ReadHoldingRegistersRequest(address=0x1A, count=2, dev_id=1))
        assert pdu is not None and f32(pdu.registers, 0) * 80 == pytest.approx(2 * normal, rel=1e-5)
        sim.inject(Fault(FaultKind.OVERTEMP, "TCU", temperature=140.0))
        tcu = await ask(conn, ReadHoldingRegistersRequest(address=0, count=0x11, dev_id=3))
        assert tcu is not None
        assert s16(tcu.registers[1]) >= 1400 and tcu.registers[0x10] & 0b111 == 0b011  # fan, alarm, no trip
        sim.inject(Fault(FaultKind.DOOR, "ENV"))
        sim.inject(Fault(FaultKind.WATER, "ENV"))
        env = await ask(conn, ReadDiscreteInputsRequest(address=0, count=4, dev_id=4))
        assert env is not None and env.bits[:4] == [False, True, False, True]  # smoke, water, intrusion, door
        sim.clear("ENV")
        sim.clear("M1")
        env = await ask(conn, ReadDiscreteInputsRequest(address=0, count=4, dev_id=4))
        assert env is not None and env.bits[:4] == [False] * 4
        assert sim.readings("M1")["P"] == pytest.approx(normal)


async def test_dtu_disconnect_and_reconnect():
    async with running(gateway()) as (listener, sim):
        conn = await listener.registered(IMEI)
        sim.inject(Fault(FaultKind.DISCONNECT, "G1", reconnect_after=0.3))
        assert await conn.read() == b""  # EOF: the DTU hung up
        again = await listener.registered(IMEI)
        assert await ask(again, ReadHoldingRegistersRequest(address=0, count=2, dev_id=1)) is not None
        await again.close()  # the listener drops it: it dials again after a backoff of about 0.5 s
        await listener.registered(IMEI)
        assert sim.dtus["G1"].connects == 3


async def test_frozen_dtu_is_a_half_open_link():
    async with running(gateway(interval=0.2)) as (listener, sim):
        conn = await listener.registered(IMEI)
        assert await conn.read_until(HB)  # heartbeats flow while idle
        sim.inject(Fault(FaultKind.FREEZE, "G1"))
        await conn.gather(0.05)  # a heartbeat already on its way
        conn.writer.write(CLIENT.buildFrame(ReadHoldingRegistersRequest(address=0, count=2, dev_id=1)))
        assert await conn.gather(1.0) == b""  # no reply, no heartbeat, and no EOF either
        assert sim.connected("G1")
        sim.clear("G1", FaultKind.FREEZE)
        assert await ask(conn, ReadHoldingRegistersRequest(address=0, count=2, dev_id=1)) is not None


async def test_refused_connections_back_off_instead_of_spinning():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    sim = Simulator(gateway(), "127.0.0.1", port, clock=lambda: NOW, bus_timing=False)
    await sim.start()
    try:
        await asyncio.sleep(1.2)
        attempts = sim.dtus["G1"].attempts
        assert 1 <= attempts <= 4  # 0.5 s, then 1 s, then 2 s between tries (with jitter)
        assert sim.dtus["G1"].connects == 0
    finally:
        await sim.stop()
    assert not sim.connected("G1")


# -- DL/T645 -------------------------------------------------------------------------------------


def dlt645_frame(address: str, control: int, data: bytes) -> bytes:
    wire = bytes(int(address[k : k + 2], 16) for k in range(0, 12, 2))[::-1]
    body = b"\x68" + wire + b"\x68" + bytes([control, len(data)]) + bytes((b + 0x33) & 0xFF for b in data)
    return b"\xfe" * 4 + body + bytes([sum(body) & 0xFF, 0x16])


async def dlt645_exchange(
    conn: Conn, frame: bytes, strip: Sequence[bytes] = (), timeout: float = 3.0
) -> tuple[int, bytes] | None:
    """Send a frame; (control, DATA - 0x33) of the reply, or None if nothing comes."""

    def parsed(got: bytes) -> tuple[int, bytes] | None:
        body = _strip(got, strip)
        if body is None:
            return None
        body = body.lstrip(b"\xfe")
        if len(body) < 12 or len(body) < 12 + body[9]:
            return None
        n = body[9]
        assert body[0] == body[7] == 0x68 and body[11 + n] == 0x16
        assert sum(body[: 10 + n]) & 0xFF == body[10 + n]
        return body[8], bytes((b - 0x33) & 0xFF for b in body[10 : 10 + n])

    conn.writer.write(frame)
    return await conn.until(parsed, timeout)


async def dlt645_read(conn: Conn, address: str, di: int, strip: Sequence[bytes] = ()) -> bytes | None:
    """The value bytes of one data identifier (DI echoed first), or None."""
    got = await dlt645_exchange(conn, dlt645_frame(address, 0x11, di.to_bytes(4, "little")), strip)
    if got is None:
        return None
    control, data = got
    assert control == 0x91 and int.from_bytes(data[:4], "little") == di
    return data


def bcd_value(raw: bytes, decimals: int, signed: bool = False) -> float:
    """A BCD value, lowest byte first; the sign in the top bit of the highest byte if signed."""
    raw = bytearray(raw)
    negative = signed and bool(raw[-1] & 0x80)
    if signed:
        raw[-1] &= 0x7F
    digits = "".join(f"{b:02x}" for b in reversed(raw))
    value = int(digits) / 10**decimals
    return -value if negative else value


def revenue_plant() -> SimPlant:
    meter = SimDevice("REV", METER_ADDRESS, "dlt645_meter", "feeder", ct=40.0, rating_a=200.0)
    g = SimGateway("R1", HEX_ID, "once", HB, 30.0, 2400, [meter], p_heartbeat_merge=0.0, p_split=0.0)
    return SimPlant([g], seed=5)


async def test_dlt645_reads_are_answered():
    async with running(revenue_plant()) as (listener, sim):
        conn = await listener.registered(HEX_ID)
        r = sim.readings("REV")
        energy = await dlt645_read(conn, METER_ADDRESS, 0x00010000)
        assert energy is not None and len(energy) == 8
        assert bcd_value(energy[4:], 2) == pytest.approx(r["EPimp"] / 40, abs=0.006)
        volts = await dlt645_read(conn, METER_ADDRESS, 0x02010100)
        assert volts is not None and bcd_value(volts[4:], 1) == pytest.approx(r["Ua"], abs=0.051)
        amps = await dlt645_read(conn, METER_ADDRESS, 0x02020200)
        assert amps is not None and bcd_value(amps[4:], 3, signed=True) == pytest.approx(r["Ib"] / 40, abs=6e-4)
        block = await dlt645_read(conn, METER_ADDRESS, 0x0201FF00)  # all three phase voltages
        assert block is not None and len(block) == 4 + 6
        assert bcd_value(block[8:10], 1) == pytest.approx(r["Uc"], abs=0.051)
        when = await dlt645_read(conn, METER_ADDRESS, 0x04000102)
        assert when is not None and when[4:] == bytes([0x00, 0x30, 0x10])  # 10:30:00, ss mm hh


async def test_dlt645_errors_addresses_and_broadcasts():
    async with running(revenue_plant()) as (listener, _sim):
        conn = await listener.registered(HEX_ID)
        got = await dlt645_exchange(conn, dlt645_frame(METER_ADDRESS, 0x11, (0x12345678).to_bytes(4, "little")))
        assert got == (0xD1, b"\x02")  # abnormal reply: no such data
        got = await dlt645_exchange(conn, dlt645_frame("AAAAAAAAAAAA", 0x13, b""))
        assert got is not None and got[0] == 0x93 and got[1] == bytes.fromhex(METER_ADDRESS)[::-1]
        other = dlt645_frame("000000000999", 0x11, (0x00010000).to_bytes(4, "little"))
        assert await dlt645_exchange(conn, other, timeout=0.4) is None  # another meter's address
        sync = dlt645_frame("999999999999", 0x08, bytes([0, 30, 10, 3, 3, 0x25]))
        assert await dlt645_exchange(conn, sync, timeout=0.4) is None  # broadcasts get no reply
        got = await dlt645_exchange(conn, dlt645_frame(METER_ADDRESS, 0x14, b"\x00" * 12))
        assert got == (0xD4, b"\x04")  # writing needs a password we do not accept


# -- a real serial master: mbpoll through socat --------------------------------------------------


@pytest.mark.skipif(
    shutil.which("socat") is None or shutil.which("mbpoll") is None,
    reason="needs socat and mbpoll (Debian packages) to drive the bus like a serial master",
)
async def test_mbpoll_reads_a_bus_through_socat(tmp_path):
    async with running(gateway()) as (_listener, sim):
        port = await sim.serve_bus("G1")
        tty = tmp_path / "ttyS"
        socat = await asyncio.create_subprocess_exec(
            "socat", f"PTY,link={tty},raw,echo=0", f"TCP:127.0.0.1:{port}",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            for _ in range(200):
                if tty.exists():
                    break
                await asyncio.sleep(0.02)
            assert tty.exists(), "socat did not create its pty"
            mbpoll = await asyncio.create_subprocess_exec(
                "mbpoll", "-m", "rtu", "-a", "1", "-b", "9600", "-P", "none", "-t", "4:float", "-B",
                "-r", "1", "-c", "4", "-1", "-o", "2", str(tty),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            out, err = await asyncio.wait_for(mbpoll.communicate(), 30)
            assert mbpoll.returncode == 0, err.decode(errors="replace")
        finally:
            socat.terminate()
            await socat.wait()
        values = {int(m[1]): float(m[2]) for m in re.finditer(r"\[(\d+)\]:\s+(-?[\d.]+)", out.decode())}
        r = sim.readings("M1")
        assert sorted(values) == [1, 3, 5, 7]  # 1-based references of four floats
        expected = [r["Ua"], r["Ub"], r["Uc"], r["Uab"]]
        assert [values[k] for k in (1, 3, 5, 7)] == pytest.approx(expected, rel=1e-5)


# -- timing, scale, random faults ----------------------------------------------------------------


async def test_requests_with_bus_timing_on():
    async with running(gateway(), bus_timing=True) as (listener, sim):
        conn = await listener.registered(IMEI)
        for unit in (1, 2, 3, 4):
            assert await ask(conn, ReadHoldingRegistersRequest(address=0, count=2, dev_id=unit)) is not None
        assert sim.bus("G1").stats.replies == 4


async def test_scaled_plant_serves_every_gateway():
    async with running(scaled_plant(5, 4, "sdm630")) as (listener, sim):
        conns = [await listener.accept() for _ in range(5)]
        for conn in conns:
            name = await conn.gather(0.3)
            assert name.startswith(b"SIM-")
            for unit in (1, 4):
                pdu = await ask(conn, ReadInputRegistersRequest(address=0x34, count=2, dev_id=unit), strip=(b"hb",))
                assert pdu is not None
                device = f"{name.decode()}-{unit:02d}"
                assert f32(pdu.registers, 0) * 0.001 == pytest.approx(sim.readings(device)["P"], rel=1e-5)
        # a repeated read within one refresh interval comes from the reply cache
        await ask(conns[0], ReadInputRegistersRequest(address=0x34, count=2, dev_id=1), strip=(b"hb",))
        assert sum(b.stats.cache_hits for b in sim.buses.values()) >= 1


async def test_stop_closes_every_connection():
    listener = Listener()
    await listener.start()
    sim = Simulator(gateway(), "127.0.0.1", listener.port, clock=lambda: NOW, random_faults=True)
    await sim.start()
    conn = await listener.registered(IMEI)
    await sim.stop()
    assert await conn.read() == b""
    assert not sim.connected("G1")
    await listener.close()
