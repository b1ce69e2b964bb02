"""The simulated DTUs over real loopback TCP: registration, heartbeats, dialling and hanging up.

Against the test's own listener (tests/integration/sim_fixtures.py), not drivers/dtu.py.
"""

from __future__ import annotations

import asyncio
import socket

import pytest
from pymodbus.pdu.register_message import ReadHoldingRegistersRequest

from drivers.simulator import Simulator, demo_plant
from tests.integration.sim_fixtures import (
    CLIENT,
    HB,
    HEX_ID,
    ICCID,
    IMEI,
    NOW,
    Conn,
    Listener,
    ask,
    bcd_value,
    dlt645_read,
    f32,
    gateway,
    running,
)

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


# -- dialling and hanging up ---------------------------------------------------------------------


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
