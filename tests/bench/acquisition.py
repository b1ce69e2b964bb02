"""End-to-end benchmark: decode + scheduler + historian, with the simulated plant in another process.

Run: ``python -m tests.bench.acquisition [--gateways 100] [--seconds 10] [--json PATH]``

A synthetic site of N DTU gateways with one SDM630-style meter each.  Every meter is polled as
fast as its bus allows with one 40-register FC04 read (20 float32 quantities, so 20 samples a
poll), through the whole chain a real site uses: `DirectSource` -> `SiteScan` -> `BusScan` ->
Modbus-RTU over the DTU listener -> template decoding -> samples with quality -> derived points
-> the historian's writer thread (SQLite, deadband 0 = store on change).  This process is pinned
to one core; the simulator (``python -m app simulate``) runs on the other with bus timing off.

Target (issue 3): >= 8,000 polls/s of 40-register reads (~160,000 samples/s) on one core.
It prints a table and writes JSON; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from app.config import site_from_text
from app.process import tune_collector
from app.sources.direct import DirectSource
from drivers.templates import Block
from tests.bench.drivers import REGISTERS, pin, start_simulator, stop_simulator

TEMPLATE = "sdm630"


def synthetic_site(gateways: int) -> str:
    """A site file matching the simulator's scaled plant: SIM-0001.. each with one meter at unit 1."""
    lines = ["site: {name: Bench site, timezone: Asia/Shanghai}", "gateways:"]
    for g in range(1, gateways + 1):
        gid = f"SIM-{g:04d}"
        lines.append(f"  - {{id: {gid}, name: {gid}, registration: {{id: {gid}}}, heartbeat: {{text: hb}}, timeout: 5}}")  # noqa: E501
    lines.append("devices:")
    for g in range(1, gateways + 1):
        gid = f"SIM-{g:04d}"
        lines.append(f"  - {{id: {gid}-01, name: M, gateway: {gid}, address: 1, template: {TEMPLATE}, poll: 0.1}}")
    return "\n".join(lines) + "\n"


async def measure(gateways: int, seconds: float, db: Path) -> dict[str, float]:
    site = site_from_text(synthetic_site(gateways), "bench.yaml")
    source = DirectSource(site, db, listen=("127.0.0.1", 0))
    samples = [0]
    source.subscribe(lambda batch: samples.__setitem__(0, samples[0] + len(batch)))
    await source.start()
    assert source.scan is not None and source.address is not None
    sim = start_simulator(source.address[1], gateways, 1, bus_timing=False)
    try:
        for bus in source.scan.scans.values():
            for d in bus.devices:
                quantities = tuple(
                    q for q in d.template.quantities if q.address is not None and q.address + 2 <= REGISTERS
                )
                d.blocks = [Block(4, 0, REGISTERS, quantities)]
                d.period = 0.0  # as fast as the bus answers
        end = time.monotonic() + 60 + gateways * 0.05
        while source.status().gateways_online < gateways:
            if time.monotonic() > end:
                raise TimeoutError(f"only {source.status().gateways_online} of {gateways} gateways registered")
            await asyncio.sleep(0.2)
        await asyncio.sleep(2.0)  # warm-up
        polls0 = sum(b.polls for b in source.scan.scans.values())
        samples0, written0 = samples[0], source.historian.status.written
        cpu0, t0 = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        polls = sum(b.polls for b in source.scan.scans.values()) - polls0
        got = samples[0] - samples0
        source.historian.flush(30)
        written = source.historian.status.written - written0
        failures = sum(b.failures for b in source.scan.scans.values())
    finally:
        await source.stop()
        stop_simulator(sim)
    return {
        "gateways": gateways,
        "polls_per_s": polls / wall,
        "samples_per_s": got / wall,
        "stored_per_s": written / wall,
        "cpu_us_per_poll": cpu / polls * 1e6 if polls else float("nan"),
        "cpu_fraction": cpu / wall,
        "failed_polls": failures,
    }


def main() -> int:
    """Run, print, write JSON."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.acquisition", description=__doc__.split("\n\n")[0])
    parser.add_argument("--gateways", default="100", help="gateway counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", default="bench-acquisition.json")
    args = parser.parse_args()
    pin(0, 0)
    tune_collector()  # as `python -m app` does
    rows = []
    for n in (int(x) for x in args.gateways.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            r = asyncio.run(measure(n, args.seconds, Path(tmp) / "history.sqlite"))
        rows.append(r)
        print(f"{n:>5} gateways: {r['polls_per_s']:>7.0f} polls/s  {r['samples_per_s']:>8.0f} samples/s  "
              f"{r['stored_per_s']:>8.0f} stored/s  {r['cpu_us_per_poll']:.0f} µs CPU/poll  "
              f"CPU {r['cpu_fraction']:.0%}  failed polls {r['failed_polls']}", flush=True)  # fmt: skip
    print("\n| figure | measured | target |\n| --- | --- | --- |")
    for r in rows:
        print(f"| end-to-end polls/s, {r['gateways']} gateways | {r['polls_per_s']:.0f} | >= 8000 |")
        print(f"| samples/s | {r['samples_per_s']:.0f} | ~160000 |")
    Path(args.json).write_text(json.dumps({"acquisition": rows}, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
