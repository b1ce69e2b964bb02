"""Acquisition end to end: the demo site's simulated plant dials in; samples and their qualities come out.

Real sockets, the real simulator (an independent Modbus implementation), the real listener and
drivers; faults are injected into the simulator the way they happen in the field.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import math

import pytest

from app.acquisition import SiteScan
from app.config import load_site, site_from_text
from app.model import Quality, Sample
from app.simulation import plant_from_site
from drivers.link import LinkEvent, LinkState
from drivers.simulator import Fault, FaultKind, Simulator


class Collected:
    """What the scan emitted, with helpers to wait for a condition."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.events: list[LinkEvent] = []

    def __call__(self, batch: list[Sample]) -> None:
        self.samples.extend(batch)

    def latest(self) -> dict[str, Sample]:
        return {s.point: s for s in self.samples}

    async def until(self, condition, timeout: float = 20.0) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not condition():
            if loop.time() > end:
                raise AssertionError("condition not reached in time")
            await asyncio.sleep(0.05)


@pytest.fixture
async def plant():
    site = load_site()
    got = Collected()
    scan = SiteScan(site, got, on_link=got.events.append, listen=("127.0.0.1", 0))
    host, port = await scan.start()
    for bus in scan.scans.values():  # poll every second so failures and recoveries show quickly
        for d in bus.devices:
            d.period = 1.0
    sim = Simulator(plant_from_site(site), host, port, bus_timing=False)
    await sim.start()
    yield site, scan, sim, got
    await sim.stop()
    await scan.stop()


async def test_every_point_of_the_site_arrives_good(plant):
    site, scan, _, got = plant
    await got.until(lambda: set(site.points) <= set(got.latest()))
    latest = got.latest()
    bad = {p: s.quality for p, s in latest.items() if s.quality is not Quality.GOOD}
    assert not bad
    assert all(state.online for state in scan.gateways.values())
    ia, s_kva = latest["T1-LV-IN.Ia"].value, latest["T1-LV-IN.S"].value
    assert 0 < ia < site.devices["T1-LV-IN"].rating.a
    # Derived points come computed from their inputs.
    assert math.isclose(latest["T1.load_rate"].value, s_kva / 10, rel_tol=0.05)
    assert latest["ENV-1.smoke"].value == 0.0


async def test_dead_meter_becomes_comm_fail_while_its_bus_keeps_going(plant):
    _, _, sim, got = plant
    await got.until(lambda: "F1-03.Ia" in got.latest())
    sim.inject(Fault(FaultKind.DEAD, "F1-03"))
    await got.until(lambda: got.latest()["F1-03.Ia"].quality is Quality.COMM_FAIL)
    mark = len(got.samples)
    await got.until(lambda: sum(s.point == "F1-04.Ia" for s in got.samples[mark:]) >= 2)
    assert all(s.quality is Quality.GOOD for s in got.samples[mark:] if s.point.startswith("F1-04."))
    last_good = [s for s in got.samples[:mark] if s.point == "F1-03.Ia" and s.quality is Quality.GOOD][-1]
    assert got.latest()["F1-03.Ia"].value == last_good.value  # comm_fail carries the last known value
    sim.clear("F1-03")
    await got.until(lambda: got.latest()["F1-03.Ia"].quality is Quality.GOOD)


async def test_gateway_loss_marks_all_its_points_at_once_and_recovers(plant):
    site, scan, sim, got = plant
    await got.until(lambda: set(site.points) <= set(got.latest()))
    sim.inject(Fault(FaultKind.DISCONNECT, "DTU-2", reconnect_after=1.5))
    await got.until(lambda: any(e.gateway == "DTU-2" and e.state is LinkState.OFFLINE for e in got.events))
    dtu2 = [p for p, pt in site.points.items() if pt.gateway == "DTU-2"]
    latest = got.latest()
    assert all(latest[p].quality is Quality.COMM_FAIL for p in dtu2)
    assert latest["T2.load_rate"].quality is Quality.COMM_FAIL  # derived from a lost point
    assert latest["T1-LV-IN.Ia"].quality is Quality.GOOD
    assert not scan.gateways["DTU-2"].online
    await got.until(lambda: all(got.latest()[p].quality is Quality.GOOD for p in dtu2))
    assert scan.gateways["DTU-2"].online


async def test_frozen_dtu_is_detected_by_the_watchdog():
    text = load_site().path.read_text(encoding="utf-8").replace(
        "heartbeat: {text: ping, interval: 30}", "heartbeat: {text: ping, interval: 0.4}"
    )
    site = site_from_text(text)
    got = Collected()
    scan = SiteScan(site, got, on_link=got.events.append, listen=("127.0.0.1", 0))
    host, port = await scan.start()
    sim = Simulator(plant_from_site(site), host, port, bus_timing=False)
    await sim.start()
    try:
        await got.until(lambda: "ENV-1.temp" in got.latest())
        sim.inject(Fault(FaultKind.FREEZE, "DTU-4"))
        await got.until(lambda: got.latest()["ENV-1.temp"].quality is Quality.COMM_FAIL)
        offline = [e for e in got.events if e.gateway == "DTU-4" and e.state is LinkState.OFFLINE]
        assert offline
    finally:
        await sim.stop()
        await scan.stop()


async def test_refused_register_block_is_bad_value_not_comm_fail():
    """A template whose map the device lacks: the device is alive, only those values are bad."""
    site = load_site()
    got = Collected()
    scan = SiteScan(site, got, listen=("127.0.0.1", 0))
    host, port = await scan.start()
    f105 = next(d for d in scan.scans["DTU-1"].devices if d.device == "F1-05")
    # Move the block holding F (an SDM630's frequency) far outside the meter's map, as a wrong
    # template would: the meter answers ILLEGAL DATA ADDRESS.
    i = next(i for i, b in enumerate(f105.blocks) if any(q.id == "F" for q in b.quantities))
    f105.blocks[i] = dataclasses.replace(f105.blocks[i], address=4000)
    sim = Simulator(plant_from_site(site), host, port, bus_timing=False)
    await sim.start()
    try:
        await got.until(lambda: "F1-05.F" in got.latest() and "F1-05.Ua" in got.latest())
        latest = got.latest()
        assert latest["F1-05.F"].quality is Quality.BAD_VALUE
        assert latest["F1-05.Ua"].quality is Quality.GOOD
        counts = collections.Counter(s.quality for s in got.samples if s.point.startswith("F1-05."))
        assert Quality.COMM_FAIL not in counts
    finally:
        await sim.stop()
        await scan.stop()
