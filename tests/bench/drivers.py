"""Benchmark of the field drivers: polls per second, CPU per poll, bus scan efficiency, memory per link.

Run: ``python -m tests.bench.drivers [--seconds 5] [--links 1,10,100,1000] [--json PATH]``

* Throughput: our DTU listener and Modbus-RTU master in this process, pinned to one core; the
  plant simulator in a separate process (``python -m app simulate``) on the other core, with
  bus timing off, so what is measured is the listener's own cost.  Every link has one poller
  reading a 40-register block (FC04) and decoding it to physical values, as the scheduler will.
* Scan efficiency: one bus of 8 meters at 9600 baud with bus timing on; the measured scan
  cycle against the RS-485 theoretical minimum (11 bits a character, 3.5-character gaps, the
  simulator's configured turnaround) from `drivers.simulator.BusTiming`.
* Memory: resident memory of this process before the listener starts and with 1,000 DTUs
  registered and idle.

Targets (issue 2): >= 8,000 polls/s on one core; >= 90 % scan efficiency; <= 200 MB for 1,000 links.
It prints a table and writes JSON; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

from drivers.dtu import DtuListener, GatewaySpec, RegistrationMode
from drivers.link import Link, LinkError
from drivers.modbus import ModbusRtu
from drivers.simulator import BusTiming, scaled_plant
from drivers.simulator.spec import SimPlant
from drivers.templates import Block, load_library

TEMPLATE = "sdm630"
REGISTERS = 40


def specs_of(plant: SimPlant) -> list[GatewaySpec]:
    """The listener's view of the simulated plant's DTUs."""
    return [
        GatewaySpec(g.id, g.registration, RegistrationMode(g.register_mode), g.heartbeat, g.heartbeat_interval)
        for g in plant.gateways
    ]


def block_of_40() -> tuple[Block, object]:
    """One FC04 read of registers 0-39 and the quantities it holds."""
    template = load_library()[TEMPLATE]
    quantities = tuple(q for q in template.quantities if q.address is not None and q.address + 2 <= REGISTERS)
    return Block(4, 0, REGISTERS, quantities), template


def pin(pid: int, cpu: int) -> None:
    """Keep a process on one core, where the OS allows it."""
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(pid, {cpu % (os.cpu_count() or 1)})


def start_simulator(port: int, gateways: int, devices: int, *, bus_timing: bool) -> subprocess.Popen[bytes]:
    """The simulator as a separate process, on the other core."""
    cmd = [sys.executable, "-m", "app", "simulate", "--connect", f"127.0.0.1:{port}",
           "--gateways", str(gateways), "--devices", str(devices), "--template", TEMPLATE]  # fmt: skip
    if not bus_timing:
        cmd.append("--no-bus-timing")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    pin(proc.pid, 1)
    return proc


def stop_simulator(proc: subprocess.Popen[bytes]) -> None:
    """Ask the simulator to stop; kill it if it does not."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


async def wait_all_online(listener: DtuListener, timeout: float) -> None:
    """Until every gateway registered (raises TimeoutError with how many did)."""
    end = time.monotonic() + timeout
    while True:
        online = sum(link.online for link in listener.links.values())
        if online == len(listener.links):
            return
        if time.monotonic() > end:
            raise TimeoutError(f"only {online} of {len(listener.links)} gateways registered in {timeout:g} s")
        await asyncio.sleep(0.1)


async def poller(link: Link, stop: asyncio.Event, counts: list[int], block: Block, template: object) -> None:
    """Read the 40-register block of unit 1 on ``link`` until stopped; count polls and errors."""
    master = ModbusRtu(link)
    while not stop.is_set():
        try:
            words = await master.read_registers(1, block.address, block.count, function=4, timeout=5.0)
            template.decode_block(block, words)  # type: ignore[attr-defined]
            counts[0] += 1
        except LinkError:
            counts[1] += 1
            await asyncio.sleep(0.05)


async def throughput(n_links: int, seconds: float) -> dict[str, float]:
    """Polls/s and listener CPU µs/poll with ``n_links`` DTUs, one meter each."""
    plant = scaled_plant(n_links, 1, TEMPLATE)
    gc.collect()
    rss_before = psutil.Process().memory_info().rss
    listener = DtuListener(specs_of(plant))
    _, port = await listener.start("127.0.0.1", 0, backlog=4096)
    sim = start_simulator(port, n_links, 1, bus_timing=False)
    try:
        await wait_all_online(listener, 60 + n_links * 0.05)
        await asyncio.sleep(1.0)
        gc.collect()
        rss_idle = psutil.Process().memory_info().rss
        block, template = block_of_40()
        stop = asyncio.Event()
        counts = [0, 0]
        tasks = [asyncio.create_task(poller(link, stop, counts, block, template)) for link in listener.links.values()]
        await asyncio.sleep(min(2.0, seconds / 2))  # warm-up: caches, connection buffers
        polls0, cpu0, t0 = counts[0], time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        polls, cpu, wall = counts[0] - polls0, time.process_time() - cpu0, time.perf_counter() - t0
        stop.set()
        await asyncio.gather(*tasks)
        return {
            "links": n_links,
            "polls_per_s": polls / wall,
            "cpu_us_per_poll": cpu / polls * 1e6 if polls else float("nan"),
            "cpu_fraction": cpu / wall,
            "errors": counts[1],
            "rss_idle_mb": rss_idle / 2**20,
            "rss_delta_mb": (rss_idle - rss_before) / 2**20,
        }
    finally:
        await listener.stop()
        stop_simulator(sim)


async def scan_efficiency(devices: int, cycles: int) -> dict[str, float]:
    """Measured scan cycle of one 9600-baud bus against its theoretical minimum."""
    plant = scaled_plant(1, devices, TEMPLATE)
    baud = plant.gateways[0].baud
    listener = DtuListener(specs_of(plant))
    _, port = await listener.start("127.0.0.1", 0)
    sim = start_simulator(port, 1, devices, bus_timing=True)
    try:
        await wait_all_online(listener, 30)
        link = next(iter(listener.links.values()))
        master = ModbusRtu(link)
        units = [int(d.address) for d in plant.gateways[0].devices]
        for unit in units:  # warm-up
            await master.read_registers(unit, 0, REGISTERS, function=4, timeout=5.0)
        t0 = time.perf_counter()
        for _ in range(cycles):
            for unit in units:
                await master.read_registers(unit, 0, REGISTERS, function=4, timeout=5.0)
        measured = (time.perf_counter() - t0) / cycles
        timing = BusTiming(baud)
        theory = devices * timing.exchange(8, 5 + 2 * REGISTERS)
        return {"devices": devices, "baud": baud, "turnaround_ms": timing.turnaround_s * 1e3,
                "cycle_ms": measured * 1e3, "theory_ms": theory * 1e3, "efficiency": theory / measured}  # fmt: skip
    finally:
        await listener.stop()
        stop_simulator(sim)


def main() -> int:
    """Run the benchmarks, print the table, write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.drivers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring time per link count")
    parser.add_argument("--links", default="1,10,100,1000", help="link counts, comma-separated")
    parser.add_argument("--scan-cycles", type=int, default=5, help="scan cycles for the efficiency figure")
    parser.add_argument("--json", default="bench-drivers.json", help="where to write the figures")
    args = parser.parse_args()
    pin(0, 0)
    results: dict[str, object] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    rows = []
    for n in (int(x) for x in args.links.split(",")):
        rows.append(asyncio.run(throughput(n, args.seconds)))
        r = rows[-1]
        print(f"{r['links']:>5} links: {r['polls_per_s']:>8.0f} polls/s  {r['cpu_us_per_poll']:>6.1f} µs CPU/poll  "
              f"CPU {r['cpu_fraction']:.0%}  errors {r['errors']}  RSS idle {r['rss_idle_mb']:.0f} MB "
              f"(+{r['rss_delta_mb']:.1f} MB for the links)", flush=True)  # fmt: skip
    results["throughput"] = rows
    scan = asyncio.run(scan_efficiency(8, args.scan_cycles))
    results["scan"] = scan
    print(f"scan of {scan['devices']} meters at {scan['baud']} baud: {scan['cycle_ms']:.1f} ms measured, "
          f"{scan['theory_ms']:.1f} ms theoretical -> {scan['efficiency']:.1%} efficiency", flush=True)  # fmt: skip
    print()
    print("| figure | measured | target |")
    print("| --- | --- | --- |")
    for r in rows:
        print(f"| polls/s, {r['links']} links | {r['polls_per_s']:.0f} | >= 8000 |")
        print(f"| listener CPU per poll, {r['links']} links | {r['cpu_us_per_poll']:.1f} µs | (<= 125 µs) |")
    print(f"| scan efficiency, 8 meters at 9600 baud | {scan['efficiency']:.1%} | >= 90 % |")
    biggest = max(rows, key=lambda r: r["links"])
    print(f"| listener RSS with {biggest['links']} idle links | {biggest['rss_idle_mb']:.0f} MB "
          f"(+{biggest['rss_delta_mb']:.1f} MB) | <= 200 MB |")  # fmt: skip
    Path(args.json).write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
