"""Injected faults seen from the wire: silent and dead meters, bad frames, plant events, link faults."""

from __future__ import annotations

import pytest
from pymodbus.framer import FramerRTU
from pymodbus.pdu.bit_message import ReadDiscreteInputsRequest
from pymodbus.pdu.register_message import ReadHoldingRegistersRequest

from drivers.simulator import Fault, FaultKind
from tests.integration.sim_fixtures import CLIENT, HB, IMEI, ask, f32, gateway, running, s16

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
