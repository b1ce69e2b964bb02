"""The simulated DL/T645 revenue meter over real loopback TCP: reads, errors, addresses, broadcasts."""

from __future__ import annotations

import pytest

from drivers.simulator import SimDevice, SimGateway, SimPlant
from tests.integration.sim_fixtures import HB, HEX_ID, bcd_value, dlt645_exchange, dlt645_frame, dlt645_read, running

METER_ADDRESS = "000000000161"


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
