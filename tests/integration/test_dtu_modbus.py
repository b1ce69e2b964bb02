"""Modbus-RTU through our DTU listener to pymodbus as the bus, relayed by a fake DTU.

The whole field path of FIELD.md over real loopback sockets: a DTU dials our listener and
registers; we are bus master over its socket; pymodbus (an independent implementation)
answers as the meters.  The DTU's habits (heartbeats glued to replies, split segments,
registration in front of every packet) are switched on one by one.
"""

from __future__ import annotations

import struct

import pytest

from drivers.dtu import DtuListener, GatewaySpec, RegistrationMode
from drivers.link import LinkTimeout
from drivers.modbus import ModbusExceptionResponse, ModbusRtu
from tests.integration.peers.fake_dtu import DtuHabits, FakeDtu
from tests.integration.peers.modbus_pymodbus import meter_device, start_server

HEARTBEAT = b"www.usr.cn"


def floats(regs: list[int]) -> list[float]:
    """Big-endian float32 pairs, decoded independently of our register codec."""
    raw = b"".join(r.to_bytes(2, "big") for r in regs)
    return list(struct.unpack(f">{len(regs) // 2}f", raw))


@pytest.fixture
async def bus():
    devices = [meter_device(unit, [230.0 + unit, 231.5, 229.25, 50.0], [unit * 10, 7]) for unit in (1, 2, 3)]
    peer = await start_server(devices, rtu=True, silent=[3])
    yield peer
    await peer.stop()


async def dtu_and_link(bus_port: int, habits: DtuHabits, mode: RegistrationMode):
    listener = DtuListener([GatewaySpec("DTU-1", habits.registration, mode, heartbeat=HEARTBEAT)])
    _, port = await listener.start("127.0.0.1", 0)
    dtu = FakeDtu(port, bus_port, habits)
    await dtu.start()
    link = await listener.wait_online("DTU-1", 5)
    return listener, dtu, link


HABITS = {
    "plain": (DtuHabits(), RegistrationMode.ONCE),
    "heartbeat-before-reply": (
        DtuHabits(heartbeat=HEARTBEAT, heartbeat_before_reply=True),
        RegistrationMode.ONCE,
    ),
    "split-reply": (DtuHabits(split_reply=True), RegistrationMode.ONCE),
    "prefix-every-packet": (
        DtuHabits(registration=b"865328063137821", prefix_every_packet=True),
        RegistrationMode.BOTH,
    ),
    "all-at-once": (
        DtuHabits(
            heartbeat=HEARTBEAT, heartbeat_before_reply=True, split_reply=True, prefix_every_packet=True
        ),
        RegistrationMode.EVERY,
    ),
}


@pytest.mark.parametrize("habit", list(HABITS))
async def test_reads_every_unit_through_the_dtu(bus, habit):
    habits, mode = HABITS[habit]
    listener, dtu, link = await dtu_and_link(bus.port, habits, mode)
    try:
        master = ModbusRtu(link)
        for unit in (1, 2):
            regs = await master.read_registers(unit, 0, 8, function=4, timeout=2)
            assert floats(regs) == [230.0 + unit, 231.5, 229.25, 50.0]
            holding = await master.read_registers(unit, 100, 2, function=3, timeout=2)
            assert holding == [unit * 10, 7]
            bits = await master.read_bits(unit, 0, 4, function=2, timeout=2)
            assert bits == [False, True, True, False]
    finally:
        await dtu.stop()
        await listener.stop()


async def test_dead_unit_times_out_and_the_bus_keeps_answering(bus):
    listener, dtu, link = await dtu_and_link(bus.port, DtuHabits(), RegistrationMode.ONCE)
    try:
        master = ModbusRtu(link)
        assert await master.read_registers(1, 100, 1, timeout=2) == [10]
        with pytest.raises(LinkTimeout):
            await master.read_registers(3, 100, 1, timeout=0.3)
        assert await master.read_registers(2, 100, 1, timeout=2) == [20]
        with pytest.raises(ModbusExceptionResponse) as info:
            await master.read_registers(1, 5000, 2, timeout=2)
        assert info.value.code == 2
        await master.write_coil(2, 1, True, timeout=2)
        assert (await master.read_bits(2, 0, 3, function=1, timeout=2)) == [True, True, True]
        await master.write_registers(1, 100, [111, 222], timeout=2)
        assert await master.read_registers(1, 100, 2, timeout=2) == [111, 222]
    finally:
        await dtu.stop()
        await listener.stop()
