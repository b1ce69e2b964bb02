"""The commissioning probe as an engineer runs it: a real process, a DTU dialling in, a meter behind it.

The meter is pymodbus (an independent implementation) holding SDM630 float32 input registers;
the DTU is a relay that registers with an IMEI and glues heartbeats to replies.
"""

from __future__ import annotations

import asyncio
import socket
import sys

from pymodbus.simulator import DataType, SimData, SimDevice

from drivers.templates import load_library
from tests.integration.peers.fake_dtu import DtuHabits, FakeDtu
from tests.integration.peers.modbus_pymodbus import start_server

IMEI = "865328063137821"
VALUES = {"Ua": 231.2, "Ub": 229.8, "Uc": 230.4, "Ia": 52.5, "P": 35.125, "PF": 0.93, "F": 50.02, "EPimp": 123456.5}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sdm630_unit(unit: int) -> SimDevice:
    template = load_library()["sdm630"]
    floats = [0.0] * 40
    for qid, value in VALUES.items():
        q = template.quantity(qid)
        floats[q.address // 2] = q.raw_for(value)
    return SimDevice(unit, simdata=[SimData(0, values=floats, datatype=DataType.FLOAT32)])


async def run_probe(*args: str, habits: DtuHabits | None, bus_port: int) -> tuple[int, str, str]:
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        "probe",
        "--listen",
        f"127.0.0.1:{port}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    dtu = None
    try:
        assert proc.stdout is not None
        first = await asyncio.wait_for(proc.stdout.readline(), 30)
        if habits is not None:
            assert b"listening on" in first, first
            dtu = FakeDtu(port, bus_port, habits)
            await dtu.start()
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        return proc.returncode or 0, first.decode() + out.decode(), err.decode()
    finally:
        if dtu is not None:
            await dtu.stop()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_probe_reads_a_meter_behind_a_dtu():
    peer = await start_server([sdm630_unit(7)], rtu=True)
    try:
        habits = DtuHabits(registration=IMEI.encode(), heartbeat=b"www.usr.cn", heartbeat_before_reply=True)
        code, out, err = await run_probe(
            "--template", "sdm630", "--address", "7", "--id", IMEI, "--id-format", "imei",
            "--heartbeat", "www.usr.cn", "--lang", "en", "--wait", "30",
            habits=habits, bus_port=peer.port,
        )  # fmt: skip
    finally:
        await peer.stop()
    assert code == 0, out + err
    assert f"gateway '{IMEI}' registered" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "231.2" in lines["Ua"] and " V " in lines["Ua"] and lines["Ua"].endswith("ok")
    assert "35.125" in lines["P"] and "kW" in lines["P"]
    assert "0.93" in lines["PF"]
    assert "123456.5" in lines["EPimp"] and "kWh" in lines["EPimp"]
    assert "25 of 25 quantities read, 0 out of range" in out


async def test_probe_reports_a_dead_meter_and_exits_1():
    peer = await start_server([sdm630_unit(7)], rtu=True, silent=[7])
    try:
        code, out, _ = await run_probe(
            "--template", "sdm630", "--address", "7", "--timeout", "0.3", "--wait", "30", "--lang", "zh",
            habits=DtuHabits(registration=b"ANY-DTU-9"), bus_port=peer.port,
        )  # fmt: skip
    finally:
        await peer.stop()
    assert code == 1
    assert "gateway 'ANY-DTU-9' registered" in out
    assert "A相电压" in out and "no reply within 0.3 s" in out
    assert "0 of 25 quantities read" in out


async def test_probe_usage_errors_are_words_not_tracebacks():
    for args, expected in [
        (("--template", "nosuch", "--address", "1"), "no device template 'nosuch'; there are: "),
        (("--template", "sdm630", "--address", "300"), "a Modbus unit id is 1-247, not '300'"),
        (("--template", "dlt645_meter", "--address", "12"), "a DL/T645 meter address has 12 digits"),
        (("--template", "sdm630", "--address", "1", "--id", "123", "--id-format", "imei"), "an IMEI has 15 digits"),
    ]:
        code, out, err = await run_probe(*args, habits=None, bus_port=0)
        assert code == 2, (args, out, err)
        assert expected in err and "Traceback" not in err
