"""The rig the simulator tests share: a tiny listener written here, a test plant, wire helpers.

The listener below is a plain asyncio server (not drivers/dtu.py): it accepts the simulated
DTUs and reads what they send.  Modbus requests are built and replies decoded with pymodbus's
client-side framer; DL/T645 frames are built and read by hand from the standard.  The plant's
clock is frozen, so every value a meter returns can be compared with what the physics says.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from pymodbus.framer import FramerRTU
from pymodbus.pdu import DecodePDU, ModbusPDU

from drivers.simulator import SimDevice, SimGateway, SimPlant, Simulator

NOW = datetime(2025, 3, 3, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()
IMEI = b"866262045012340"
ICCID = b"89860412345678901234"
HEX_ID = bytes.fromhex("5352A0010003")
HB = b"HB!!"
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
