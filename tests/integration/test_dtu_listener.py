"""The DTU listener over real loopback sockets, with scripted DTUs that misbehave as real ones do.

Each fake DTU here is a plain asyncio TCP client; its "bus" is a script of bytes to answer
with, so every pitfall of FIELD.md can be staged exactly: heartbeats glued to replies,
registration prefixes, split and merged segments, late replies, duplicate ids, silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import ClassVar

import pytest

from drivers.dtu import (
    DtuListener,
    GatewaySpec,
    RegistrationError,
    RegistrationFormat,
    RegistrationMode,
    describe_id,
    registration_bytes,
)
from drivers.link import FrameError, LinkDown, LinkEvent, LinkState, LinkTimeout

IMEI = "865328063137821"  # a valid Luhn check digit
HEARTBEAT = b"www.usr.cn"


def fixed(n: int):
    """A frame reader for replies of exactly n bytes starting with 0x01 (skips other bytes as noise)."""

    def reader(buf: bytearray):
        start = buf.find(b"\x01")
        if start < 0:
            return None
        return (start, start + n) if len(buf) - start >= n else None

    return reader


class FakeDtu:
    """A DTU client: registers, then lets the test decide what the 'bus' answers."""

    opened: ClassVar[list[FakeDtu]] = []

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        FakeDtu.opened.append(self)

    @classmethod
    async def dial(cls, port: int, registration: bytes | None) -> FakeDtu:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        dtu = cls(reader, writer)
        if registration is not None:
            writer.write(registration)
            await writer.drain()
        return dtu

    async def request(self, n: int = 8) -> bytes:
        return await asyncio.wait_for(self.reader.readexactly(n), 5)

    async def send(self, *chunks: bytes, gap: float = 0.02) -> None:
        for chunk in chunks:
            self.writer.write(chunk)
            await self.writer.drain()
            await asyncio.sleep(gap)

    async def closed(self) -> bool:
        try:
            data = await asyncio.wait_for(self.reader.read(100), 5)
        except (ConnectionError, TimeoutError):
            return True
        finally:
            self.close()
        return data == b""

    def close(self) -> None:
        self.writer.close()

    @classmethod
    async def close_all(cls) -> None:
        for dtu in cls.opened:
            dtu.writer.close()
            with contextlib.suppress(ConnectionError):
                await dtu.writer.wait_closed()
        cls.opened.clear()


@pytest.fixture
async def site():
    specs = [
        GatewaySpec("DTU-1", registration_bytes(IMEI, "imei"), heartbeat=HEARTBEAT),
        GatewaySpec(
            "DTU-2",
            registration_bytes("89860412345678901234", "iccid"),
            mode=RegistrationMode.EVERY,
            heartbeat=b"\xfe\xfe",
            heartbeat_interval=0.2,
        ),
        GatewaySpec("DTU-3", registration_bytes("A1 B2 C3 D4", "hex"), heartbeat=HEARTBEAT, idle_timeout=0.4),
    ]
    listener = DtuListener(specs, registration_timeout=0.5, flap_limit=3, flap_window=30)
    events: list[LinkEvent] = []
    listener.subscribe(events.append)
    _, port = await listener.start("127.0.0.1", 0)
    yield listener, port, events
    await FakeDtu.close_all()
    await listener.stop()


REQUEST = b"\x01\x03\x00\x00\x00\x01\x84\x0a"
REPLY = b"\x01\x03\x02\x00\x2a\x38\x5b"


async def test_registers_and_exchanges_once_mode(site):
    listener, port, events = site
    dtu = await FakeDtu.dial(port, IMEI.encode())
    link = await listener.wait_online("DTU-1", 5)
    assert [e.state for e in events] == [LinkState.ONLINE]
    task = asyncio.create_task(link.exchange(REQUEST, fixed(len(REPLY)), 2))
    assert await dtu.request() == REQUEST
    await dtu.send(REPLY)
    assert await task == REPLY
    dtu.close()


async def test_heartbeat_in_front_of_reply_and_split_heartbeat(site):
    listener, port, _ = site
    dtu = await FakeDtu.dial(port, IMEI.encode())
    link = await listener.wait_online("DTU-1", 5)
    # Heartbeat glued to the reply in one segment; the reply starts with no 0x01 in the heartbeat,
    # so only stripping makes the frame the head of the buffer.
    task = asyncio.create_task(link.exchange(REQUEST, lambda b: (0, 7) if len(b) >= 7 else None, 2))
    await dtu.request()
    await dtu.send(HEARTBEAT + REPLY)
    assert await task == REPLY
    # A heartbeat split across segments, then a reply split across two more.
    task = asyncio.create_task(link.exchange(REQUEST, lambda b: (0, 7) if len(b) >= 7 else None, 2))
    await dtu.request()
    await dtu.send(HEARTBEAT[:4], HEARTBEAT[4:] + REPLY[:3], REPLY[3:])
    assert await task == REPLY
    assert link.stats.stripped >= 2
    dtu.close()


async def test_registration_prefixed_to_every_packet(site):
    listener, port, _ = site
    reg = b"89860412345678901234"
    dtu = await FakeDtu.dial(port, reg)
    link = await listener.wait_online("DTU-2", 5)
    for payload in (reg + REPLY, reg + b"\xfe\xfe" + REPLY):
        task = asyncio.create_task(link.exchange(REQUEST, lambda b: (0, 7) if len(b) >= 7 else None, 2))
        await dtu.request()
        await dtu.send(payload)
        assert await task == REPLY
    dtu.close()


async def test_every_mode_dtu_registers_with_its_first_heartbeat():
    listener = DtuListener(
        [GatewaySpec("NB", b"89860412345678901234", RegistrationMode.EVERY, b"NB:HB", heartbeat_interval=2.0)],
        registration_timeout=0.2,
    )
    assert listener.registration_deadline == 3.0  # 1.5 heartbeat intervals, not 0.2 s
    _, port = await listener.start("127.0.0.1", 0)
    try:
        dtu = await FakeDtu.dial(port, None)
        await asyncio.sleep(0.5)  # silent for longer than registration_timeout: still welcome
        await dtu.send(b"89860412345678901234NB:HB")
        link = await listener.wait_online("NB", 5)
        task = asyncio.create_task(link.exchange(REQUEST, fixed(7), 2))
        await dtu.request()
        await dtu.send(b"89860412345678901234" + REPLY)
        assert await task == REPLY
        assert link.stats.stripped >= 2
    finally:
        await FakeDtu.close_all()
        await listener.stop()


async def test_merged_segments_and_late_reply_is_not_taken_for_the_next(site):
    listener, port, _ = site
    dtu = await FakeDtu.dial(port, IMEI.encode())
    link = await listener.wait_online("DTU-1", 5)
    with pytest.raises(LinkTimeout, match=r"no reply within 0\.2 s"):
        task = asyncio.create_task(link.exchange(REQUEST, fixed(7), 0.2))
        await dtu.request()
        await task
    late = b"\x01\x03\x02\x00\x07\xf9\x86"
    await dtu.send(late)  # arrives between exchanges: flushed before the next request
    await asyncio.sleep(0.05)
    task = asyncio.create_task(link.exchange(REQUEST, fixed(7), 2))
    await dtu.request()
    await dtu.send(REPLY + b"\x01\x03\x02\x00\x08")  # merged with the start of something else
    assert await task == REPLY
    assert link.stats.timeouts == 1
    dtu.close()


async def test_reader_error_ends_the_exchange(site):
    listener, port, _ = site
    dtu = await FakeDtu.dial(port, IMEI.encode())
    link = await listener.wait_online("DTU-1", 5)

    def strict(buf: bytearray):
        if buf[:1] != b"\x01":
            raise FrameError("not a reply from unit 1")
        return (0, 7) if len(buf) >= 7 else None

    task = asyncio.create_task(link.exchange(REQUEST, strict, 2))
    await dtu.request()
    await dtu.send(b"\x02garbage")
    with pytest.raises(FrameError, match="unit 1"):
        await task
    dtu.close()


async def test_unknown_id_refused_and_logged_once(site, caplog):
    listener, port, events = site
    caplog.set_level(logging.WARNING, logger="drivers.dtu")
    for _ in range(3):
        dtu = await FakeDtu.dial(port, b"NOT-OURS-1234")
        assert await dtu.closed()
    refused = [e for e in events if e.state is LinkState.REFUSED]
    assert len(refused) == 1 and refused[0].gateway == "NOT-OURS-1234"
    assert sum("NOT-OURS-1234" in r.getMessage() for r in caplog.records) == 1
    assert not any(link.online for link in listener.links.values())


async def test_silent_or_partial_registration_times_out(site):
    _, port, events = site
    silent = await FakeDtu.dial(port, None)
    partial = await FakeDtu.dial(port, IMEI.encode()[:7])
    assert await silent.closed()
    assert await partial.closed()
    reasons = sorted(e.detail for e in events if e.state is LinkState.REFUSED)
    assert reasons[0].startswith("incomplete registration id")
    assert reasons[1].startswith("no registration packet within 0.5 s")


async def test_duplicate_registration_newest_wins(site):
    listener, port, events = site
    first = await FakeDtu.dial(port, IMEI.encode())
    link = await listener.wait_online("DTU-1", 5)
    second = await FakeDtu.dial(port, IMEI.encode())
    assert await first.closed()
    assert link.online
    assert [e.state for e in events] == [LinkState.ONLINE, LinkState.REPLACED, LinkState.ONLINE]
    task = asyncio.create_task(link.exchange(REQUEST, fixed(7), 2))
    assert await second.request() == REQUEST
    await second.send(REPLY)
    assert await task == REPLY
    second.close()


async def test_flapping_ids_are_held_and_reported(site):
    listener, port, events = site
    dtus = []
    for _ in range(6):
        dtus.append(await FakeDtu.dial(port, IMEI.encode()))
        await asyncio.sleep(0.05)
    flaps = [e for e in events if e.state is LinkState.FLAPPING]
    assert len(flaps) == 1 and "cloned configuration" in flaps[0].detail
    assert listener.link("DTU-1").online
    for dtu in dtus:
        dtu.close()


async def test_half_open_link_closed_by_watchdog(site):
    listener, port, events = site
    dtu = await FakeDtu.dial(port, bytes.fromhex("A1B2C3D4"))
    link = await listener.wait_online("DTU-3", 5)
    # The DTU now says nothing at all, as a socket behind a dropped NAT flow would.
    assert await dtu.closed()
    assert not link.online
    offline = [e for e in events if e.state is LinkState.OFFLINE]
    assert "half-open" in offline[0].detail
    with pytest.raises(LinkDown):
        await link.exchange(REQUEST, fixed(7), 1)


async def test_heartbeats_keep_an_idle_link_alive(site):
    listener, port, _ = site
    dtu = await FakeDtu.dial(port, bytes.fromhex("A1B2C3D4"))
    link = await listener.wait_online("DTU-3", 5)
    for _ in range(8):  # 0.8 s of heartbeats every 0.1 s, twice the watchdog limit
        await dtu.send(HEARTBEAT, gap=0.1)
    assert link.online
    dtu.close()


async def test_disconnect_mid_exchange_raises_link_down_and_reconnect_recovers(site):
    listener, port, events = site
    dtu = await FakeDtu.dial(port, IMEI.encode())
    link = await listener.wait_online("DTU-1", 5)
    task = asyncio.create_task(link.exchange(REQUEST, fixed(7), 5))
    await dtu.request()
    dtu.close()
    with pytest.raises(LinkDown):
        await task
    dtu = await FakeDtu.dial(port, IMEI.encode())
    await listener.wait_online("DTU-1", 5)
    task = asyncio.create_task(link.exchange(REQUEST, fixed(7), 2))
    await dtu.request()
    await dtu.send(REPLY)
    assert await task == REPLY
    assert [e.state for e in events] == [LinkState.ONLINE, LinkState.OFFLINE, LinkState.ONLINE]
    dtu.close()


async def test_accept_unknown_for_commissioning():
    listener = DtuListener(accept_unknown=True)
    _, port = await listener.start("127.0.0.1", 0)
    try:
        dtu = await FakeDtu.dial(port, b"G480-SN-0042")
        link = await listener.wait_online(None, 5)
        assert link.name == "G480-SN-0042"
        task = asyncio.create_task(link.exchange(REQUEST, fixed(7), 2))
        await dtu.request()
        await dtu.send(b"G480-SN-0042" + REPLY)  # a DTU that prefixes every packet
        assert await task == REPLY
    finally:
        await FakeDtu.close_all()
        await listener.stop()


def test_registration_formats():
    assert registration_bytes(IMEI, RegistrationFormat.IMEI) == IMEI.encode()
    assert registration_bytes("de:ad:be:ef", "hex") == b"\xde\xad\xbe\xef"
    assert registration_bytes("89860412345678901234", "iccid") == b"89860412345678901234"
    with pytest.raises(RegistrationError, match="check digit"):
        registration_bytes("865328063137822", "imei")
    with pytest.raises(RegistrationError, match="15 digits"):
        registration_bytes("12345", "imei")
    with pytest.raises(RegistrationError, match="starting with 89"):
        registration_bytes("12860412345678901234", "iccid")
    with pytest.raises(RegistrationError, match="not hex"):
        registration_bytes("xyz", "hex")
    with pytest.raises(RegistrationError, match="at most 40"):
        registration_bytes("A" * 41, "ascii")
    assert describe_id(b"\x01\x02") == "01 02"
    assert describe_id(b"DTU-7") == "DTU-7"


def test_conflicting_configuration_is_refused():
    with pytest.raises(ValueError, match="same registration id"):
        DtuListener([GatewaySpec("A", b"X1"), GatewaySpec("B", b"X1")])
    with pytest.raises(ValueError, match="declared twice"):
        DtuListener([GatewaySpec("A", b"X1"), GatewaySpec("A", b"X2")])
