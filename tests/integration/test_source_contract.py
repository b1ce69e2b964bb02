"""The DataSource contract, end to end: simulator -> listener -> acquisition -> historian -> queries.

Written against `DataSource` only: each test runs on a DirectSource and on a CloudSource that
reads the same DirectSource through the real server on a loopback port (``kind``), and each on
SQLite and on a real throwaway PostgreSQL server.  A test that drives the plant (a gateway
fault) reaches the simulator through `behind(source)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from pathlib import Path

import pytest

from app.config import load_site
from app.diagram.drawings import DrawingConflict
from app.diagram.fileformat import DiagramFileError, dumps, loads
from app.diagram.symbols import load_library
from app.model import Quality, Sample
from app.sources.direct import DirectSource
from drivers.link import LinkState
from drivers.simulator import Fault, FaultKind
from tests.integration.cloud_rig import as_kind, behind


async def until(condition, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not await condition():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)


def fast_polls(source: DirectSource) -> None:
    assert source.scan is not None
    for bus in source.scan.scans.values():
        for d in bus.devices:
            d.period = 1.0


@contextlib.asynccontextmanager
async def running(db_url: str, kind: str = "direct"):
    """A started DirectSource on the demo site with its simulated plant.

    A context manager inside each test rather than an async-generator fixture: stopping the
    simulator from pytest-asyncio's fixture teardown was seen to hang (its DTU tasks' waits
    never woke there), while the same stop inside the test body is immediate.
    """
    src = DirectSource(load_site(), db_url, listen=("127.0.0.1", 0), simulate=True, bus_timing=False)
    await src.start()
    fast_polls(src)
    try:
        async with as_kind(kind, src) as source:
            yield source
    finally:
        await src.stop()


@pytest.fixture(params=["direct", "cloud"])
def kind(request) -> str:
    return request.param


@pytest.fixture
def started(db_url, kind):
    return running(db_url, kind)


async def test_site_model(started):
    async with started as source:
        site = source.site()
        assert site.timezone == "Asia/Shanghai"
        assert {g.id for g in site.gateways} == {"DTU-1", "DTU-2", "DTU-3", "DTU-4"}
        assert len(site.devices) == 22
        ids = {p.id for p in site.points}
        assert {"T1-LV-IN.Ia", "ENV-1.smoke", "T1.load_rate", "REV-1.EPimp"} <= ids
        ia = next(p for p in site.points if p.id == "T1-LV-IN.Ia")
        assert (ia.unit, ia.kind, ia.device) == ("A", "analog", "T1-LV-IN")
        json = site.to_json()
        assert set(json) >= {"rooms", "gateways", "devices", "points"}


async def test_live_samples_latest_history_and_as_of(started):
    async with started as source:
        batches: list[list[Sample]] = []
        sub = source.subscribe(batches.append)
        everything = {p.id for p in source.site().points}

        async def all_latest() -> bool:  # a cloud source may know every point's value before its first batch
            return bool(batches) and {s.point for s in await source.latest()} >= everything

        await until(all_latest)
        assert batches and all(isinstance(s, Sample) for s in batches[0])
        latest = {s.point: s for s in await source.latest(["T1-LV-IN.Ia", "ENV-1.temp"])}
        assert latest["T1-LV-IN.Ia"].quality is Quality.GOOD
        start = int(time.time() * 1000) - 60_000

        async def stored() -> bool:
            h = await source.history("T1-LV-IN.Ia", start, int(time.time() * 1000), 2000)
            return len(h.samples) >= 2

        await until(stored)
        h = await source.history("T1-LV-IN.Ia", start, int(time.time() * 1000), 2000)
        assert h.raw and h.unit == "A"
        ts, value, quality = h.samples[-1]
        assert quality is Quality.GOOD and value > 0
        assert all(a[0] <= b[0] for a, b in zip(h.samples, h.samples[1:], strict=False))
        past = await source.as_of(["T1-LV-IN.Ia"], ts)
        assert past["T1-LV-IN.Ia"].value == value
        few = await source.history("T1-LV-IN.Ia", start, int(time.time() * 1000), 1)
        assert not few.raw and len(few.buckets) <= 1
        # many points at once (a backfill): each as alone, in the order asked, unknown ones left out
        many = await source.histories(["T1-LV-IN.Ia", "NO.SUCH", "ENV-1.temp", "T1-LV-IN.Ia"], start, ts + 1, 2000)
        assert [m.point for m in many] == ["T1-LV-IN.Ia", "ENV-1.temp"]
        assert many[0] == await source.history("T1-LV-IN.Ia", start, ts + 1, 2000)
        assert many[0].samples[-1] == (ts, value, quality)
        sub.close()
        n = len(batches)
        await asyncio.sleep(1.5)
        assert len(batches) == n  # closed subscriptions get nothing more


async def test_gateway_loss_and_return_are_seen_and_recorded(started):
    async with started as source:
        events = []
        source.subscribe(lambda batch: None, events.append)

        async def online() -> bool:
            return source.status().gateways_online == 4

        await until(online)
        plant = behind(source)
        assert plant.simulator is not None
        plant.simulator.inject(Fault(FaultKind.DISCONNECT, "DTU-4", reconnect_after=2.0))

        async def offline() -> bool:
            return any(e.gateway == "DTU-4" and e.state is LinkState.OFFLINE for e in events)

        await until(offline)
        assert {s.point: s for s in await source.latest(["ENV-1.temp"])}["ENV-1.temp"].quality is Quality.COMM_FAIL
        assert next(g for g in source.site().gateways if g.id == "DTU-4").state == "offline"

        async def good_again() -> bool:
            return (await source.latest(["ENV-1.temp"]))[0].quality is Quality.GOOD

        await until(good_again)
        start = int(time.time() * 1000) - 60_000

        async def comm_fail_stored() -> bool:
            h = await source.history("ENV-1.temp", start, int(time.time() * 1000), 5000)
            qualities = [q for _, _, q in h.samples]
            return Quality.COMM_FAIL in qualities and qualities[-1] is Quality.GOOD

        await until(comm_fail_stored)
        status = source.status()
        assert status.gateways_online == 4 and status.db == "ok" and status.samples_written > 0


async def test_restart_keeps_what_was_recorded(db_url, kind):
    site = load_site()
    first = DirectSource(site, db_url, listen=("127.0.0.1", 0), simulate=True, bus_timing=False)
    await first.start()
    try:
        async with as_kind(kind, first) as source:

            async def have() -> bool:
                return any(s.point == "HV-IN.P" for s in await source.latest())

            await until(have)
            before = {s.point: s for s in await source.latest(["HV-IN.P"])}["HV-IN.P"]
    finally:
        await first.stop()  # commits the last batch
    second = DirectSource(site, db_url, listen=("127.0.0.1", 0), simulate=False)
    await second.start()
    try:
        async with as_kind(kind, second) as source:
            after = {s.point: s for s in await source.latest(["HV-IN.P"])}
            assert after["HV-IN.P"].ts >= before.ts - 300_000  # stored within the max interval
            h = await source.history("HV-IN.P", before.ts - 60_000, before.ts + 1, 2000)
            assert any(ts == before.ts and v == before.value for ts, v, _ in h.samples)
    finally:
        await second.stop()


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """The demo site file and its diagrams in a folder the test may write."""
    root = Path(__file__).resolve().parents[2] / "resources"
    (tmp_path / "sites").mkdir()
    shutil.copy(root / "sites" / "demo.yaml", tmp_path / "sites" / "demo.yaml")
    shutil.copytree(root / "diagrams", tmp_path / "diagrams")
    return tmp_path / "sites" / "demo.yaml"


async def test_a_diagram_saved_through_the_source_is_what_it_serves_next(tmp_path, site_copy, kind):
    """The editor's save path: the source checks, stores with a new revision and serves it back;
    a stale revision and a broken drawing are refused and change nothing."""
    direct = DirectSource(load_site(site_copy), f"sqlite:///{tmp_path / 'h.sqlite'}",
                          listen=("127.0.0.1", 0), simulate=False)
    await direct.start()
    try:
        async with as_kind(kind, direct) as src:
            text = await src.diagram("hv-room")
            library = load_library()
            diagram = loads(text, library)
            base = diagram.version
            diagram.name, diagram.version = "高压室（改）", base + 1
            assert await src.save_diagram("hv-room", dumps(diagram), base, "engineer") == base + 1
            assert loads(await src.diagram("hv-room"), library).name == "高压室（改）"
            with pytest.raises(DrawingConflict):
                await src.save_diagram("hv-room", dumps(diagram), base, "engineer")
            with pytest.raises(DiagramFileError):
                await src.save_diagram("hv-room", "{}", base + 1, "engineer")
            with pytest.raises(KeyError):
                await src.save_diagram("nowhere", dumps(diagram), None, "engineer")
            assert loads(await src.diagram("hv-room"), library).version == base + 1
    finally:
        await direct.stop()
