"""The simulated meters' Modbus answers over real loopback TCP, checked against the plant's physics."""

from __future__ import annotations

import math

import pytest
from pymodbus.framer import FramerRTU
from pymodbus.pdu.bit_message import ReadCoilsRequest, ReadDiscreteInputsRequest, WriteSingleCoilRequest
from pymodbus.pdu.register_message import (
    ReadHoldingRegistersRequest,
    ReadInputRegistersRequest,
    WriteSingleRegisterRequest,
)

from drivers.simulator import scaled_plant
from tests.integration.sim_fixtures import IMEI, ask, f32, gateway, running, s16, u32

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


# -- bus timing and scale ------------------------------------------------------------------------


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
