"""Our DL/T645 master against the PyPI ``dlt645`` meter, over real loopback TCP.

The meter is someone else's implementation of the standard (tests/integration/peers/
dlt645_peer.py explains how it is run and its quirks): values it encodes, our codec must
decode; frames we build, its parser must accept.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import pytest

from drivers.dlt645 import (
    Dlt645AbnormalReply,
    Dlt645Meter,
    parse_time_sync,
    time_sync_data,
)
from drivers.link import Link, LinkTimeout, open_tcp_link
from tests.integration.peers.dlt645_peer import ChoppingRelay, PackageMeter

ADDRESS = "000000000161"

#: (DI, value stored in the package meter, value our reader must return)
VALUES = [
    (0x00000000, 12345.67, 12345.67),  # combined active energy
    (0x00010000, 23456.78, 23456.78),  # import
    (0x00020000, 12.5, 12.5),  # export
    (0x00010100, 3456.01, 3456.01),  # import, tariff 1
    (0x02010100, 220.1, 220.1),  # Ua
    (0x02010200, 231.0, 231.0),
    (0x02010300, 0.0, 0.0),
    (0x02020100, 5.432, 5.432),  # Ia
    (0x02020200, -5.432, -5.432),  # Ib flowing backwards
    (0x02020300, 799.999, 799.999),  # the largest signed XXX.XXX
    (0x02030000, -1.2345, -1.2345),  # P total, exporting
    (0x02030100, 12.3456, 12.3456),
    (0x02040000, 0.5, 0.5),  # Q total
    (0x02040100, -0.25, -0.25),
    (0x02050000, 13.1, 13.1),  # S total
    (0x02060000, -0.866, -0.866),  # PF, capacitive
    (0x02060100, 0.999, 0.999),
    (0x02800002, 50.01, 50.01),  # F
    (0x02800001, -0.012, -0.012),  # neutral current
    (0x04000101, "24061506", "2024-06-15"),  # date; 2024-06-15 is a Saturday (6)
    (0x04000102, "123456", "12:34:56"),
    (0x04000401, ADDRESS, ADDRESS),  # the address as a parameter
]


@pytest.fixture(scope="module")
def meter() -> Iterator[PackageMeter]:
    peer = PackageMeter()
    peer.start()
    peer.set_address(ADDRESS)
    for di, stored, _ in VALUES:
        peer.set(di, stored)
    try:
        yield peer
    finally:
        peer.stop()


@pytest.fixture
async def link(meter: PackageMeter) -> AsyncIterator[Link]:
    link = await open_tcp_link("127.0.0.1", meter.port, "dlt645-peer")
    try:
        yield link
    finally:
        link.detach("test over")


@pytest.mark.parametrize(
    ("di", "expected"), [(di, want) for di, _, want in VALUES], ids=[f"{di:08X}" for di, _, _ in VALUES]
)
async def test_reads_values_the_package_meter_encodes(link: Link, di: int, expected: object) -> None:
    value = await Dlt645Meter(link).read(ADDRESS, di, timeout=3.0)
    assert value == expected
    assert type(value) is type(expected)


async def test_reads_many_values_in_a_row_on_one_link(link: Link) -> None:
    reader = Dlt645Meter(link)
    got = [await reader.read(ADDRESS, di) for di, _, _ in VALUES]
    assert got == [want for _, _, want in VALUES]
    assert link.stats.requests == link.stats.responses == len(VALUES)
    assert link.stats.noise_bytes == 0  # the package's 4 FE bytes belong to the frame, not noise


async def test_read_raw_returns_value_bytes_without_the_offset(link: Link) -> None:
    raw = await Dlt645Meter(link).read_raw(ADDRESS, 0x02010100)
    assert raw == bytes.fromhex("0122")  # 220.1 V: BCD 2201, lowest byte first


async def test_read_address_with_the_wildcard(link: Link) -> None:
    assert await Dlt645Meter(link).read_address() == ADDRESS


async def test_the_package_parses_our_requests(meter: PackageMeter, link: Link) -> None:
    before = len(meter.received)
    await Dlt645Meter(link).read(ADDRESS, 0x00010000)
    frame = meter.received[before]
    assert bytes(frame.preamble) == b"\xfe" * 4  # masters wake the bus with 4 FE bytes
    assert bytes(frame.addr) == bytes.fromhex("610100000000")
    assert frame.ctrl_code == 0x11
    assert bytes(frame.data) == bytes.fromhex("00000100")  # DI0..DI3 of 00010000


async def test_block_read_is_refused_with_no_data_requested(link: Link) -> None:
    """The package knows no block reads (DI1 = FF): it refuses with ERR bit 1."""
    with pytest.raises(Dlt645AbnormalReply) as caught:
        await Dlt645Meter(link).read(ADDRESS, 0x0201FF00)
    assert caught.value.err == 0x02
    assert caught.value.reasons == ("no data requested",)
    assert caught.value.reasons_zh == ("无请求数据",)
    assert "meter 000000000161 refused read data (11H): no data requested" in str(caught.value)


async def test_unknown_data_class_is_refused_with_other_error(link: Link) -> None:
    with pytest.raises(Dlt645AbnormalReply) as caught:
        await Dlt645Meter(link).read_raw(ADDRESS, 0x12345678)
    assert caught.value.reasons == ("other error",)


async def test_request_to_another_address_fails_typed(link: Link) -> None:
    """A real meter stays silent (timeout); the package answers ERR "other error" instead."""
    with pytest.raises((Dlt645AbnormalReply, LinkTimeout)):
        await Dlt645Meter(link).read("000000000162", 0x00010000, timeout=2.0)
    # The link is still usable afterwards.
    assert await Dlt645Meter(link).read(ADDRESS, 0x02800002) == 50.01


async def test_broadcast_time_sync_sets_the_meter_clock(meter: PackageMeter, link: Link) -> None:
    reader = Dlt645Meter(link)
    # This time reads the same in both byte orders, so the package's reversed reading of the
    # data (see peers/dlt645_peer.py) cannot hide whether the meter took it.
    when = datetime(2012, 12, 12, 12, 12, 12)
    await reader.broadcast_time_sync(when)
    # The meter handles frames in order and sends nothing back for a broadcast: once a later
    # read is answered, the broadcast has been processed.
    await reader.read(ADDRESS, 0x02800002)
    assert meter.service.time == when


async def test_broadcast_time_sync_is_sent_seconds_first(meter: PackageMeter, link: Link) -> None:
    reader = Dlt645Meter(link)
    when = datetime(2024, 6, 15, 8, 30, 59)
    before = len(meter.received)
    await reader.broadcast_time_sync(when)
    await reader.read(ADDRESS, 0x02800002)
    sync = meter.received[before]
    assert sync.ctrl_code == 0x08
    assert bytes(sync.addr) == b"\x99" * 6
    assert bytes(sync.data) == bytes.fromhex("593008150624") == time_sync_data(when)
    assert parse_time_sync(bytes(sync.data)) == when


async def test_follow_on_frames_are_read_and_joined() -> None:
    blocks = {
        0x0201FF00: ("XXX.X", (220.1, 221.2, 219.8)),
        0x0203FF00: ("XX.XXXX", (-3.5, -1.25, -1.0, -1.25)),
    }
    peer = PackageMeter(blocks)
    await asyncio.to_thread(peer.start)
    peer.set_address(ADDRESS)
    link = await open_tcp_link("127.0.0.1", peer.port, "dlt645-follow-on")
    try:
        reader = Dlt645Meter(link)
        assert await reader.read(ADDRESS, 0x0201FF00) == (220.1, 221.2, 219.8)
        assert await reader.read(ADDRESS, 0x0203FF00) == (-3.5, -1.25, -1.0, -1.25)
        # Block U: first frame + follow-ons 1, 2; block P: first frame + follow-ons 1, 2, 3.
        assert peer.service.follow_on_seqs == [1, 2, 1, 2, 3]
        assert link.stats.requests == 7
    finally:
        link.detach("test over")
        await asyncio.to_thread(peer.stop)


async def test_replies_behind_noise_and_cut_at_every_byte(meter: PackageMeter) -> None:
    # Noise with a stray 68 and a heartbeat, in front of every reply; each reply byte its own write.
    relay = ChoppingRelay(meter.port, noise=b"\x00\x68\x11www.usr.cn\xfe")
    port = await relay.start()
    link = await open_tcp_link("127.0.0.1", port, "dlt645-chopped")
    try:
        reader = Dlt645Meter(link)
        for di, _, want in VALUES[:8]:
            assert await reader.read(ADDRESS, di) == want
        assert await reader.read_address() == ADDRESS
        assert link.stats.noise_bytes > 0
    finally:
        link.detach("test over")
        await relay.stop()
