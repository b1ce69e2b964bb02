"""Run the plant simulator: simulated DTUs dial a listener and answer on their simulated buses.

Point it at a console or server (`--connect HOST:PORT`) to play the demo plant, or a scaled
plant of many identical gateways for benchmarks (`--gateways 1000 --devices 1`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from app.commands.probe import UsageError, parse_host_port
from app.commands.stopping import stop_on_signals
from app.config import SiteError, load_site
from app.simulation import plant_from_site
from drivers.simulator import Simulator, scaled_plant
from drivers.simulator.spec import SimPlant, SpecError

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The simulator's options."""
    parser.add_argument("--connect", required=True, metavar="HOST:PORT", help="the DTU listener to dial")
    parser.add_argument("--site", metavar="FILE", help="site file whose plant to play (default: the demo site)")
    parser.add_argument("--gateways", type=int, default=0, help="a scaled plant of N gateways instead of the demo")
    parser.add_argument("--devices", type=int, default=1, help="devices per gateway of the scaled plant")
    parser.add_argument("--template", default="sdm630", help="device template of the scaled plant")
    parser.add_argument("--no-bus-timing", action="store_true", help="answer at once instead of at baud rate")
    parser.add_argument("--speedup", type=float, default=1.0, help="run the plant's clock N times faster")
    parser.add_argument("--random-faults", action="store_true", help="play occasional faults and recoveries")
    parser.add_argument("--seconds", type=float, default=0.0, help="stop after N seconds (0: run until stopped)")


def run(args: argparse.Namespace) -> int:
    """Build the plant and run the simulator until Ctrl-C, SIGTERM or --seconds."""
    try:
        host, port = parse_host_port(args.connect)
        if args.gateways > 0:
            plant = scaled_plant(args.gateways, args.devices, args.template)
        else:
            plant = plant_from_site(load_site(args.site))
        plant.validate()
    except (UsageError, SiteError, SpecError, KeyError, ValueError) as exc:
        print(f"simulate: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(simulate(plant, host, port, args))


async def simulate(plant: SimPlant, host: str, port: int, args: argparse.Namespace) -> int:
    """Start, wait for a stop request, stop cleanly."""
    simulator = Simulator(
        plant,
        host,
        port,
        bus_timing=not args.no_bus_timing,
        speedup=args.speedup,
        random_faults=args.random_faults,
    )
    stop = stop_on_signals()
    await simulator.start()
    n_devices = sum(len(g.devices) for g in plant.gateways)
    print(
        f"simulating {len(plant.gateways)} gateways with {n_devices} devices, dialling {host}:{port}",
        flush=True,
    )
    for camera_id, url in simulator.camera_urls().items():
        print(f"camera {camera_id}: {url}", flush=True)
    try:
        if args.seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), args.seconds)
        else:
            await stop.wait()
    finally:
        await simulator.stop()
    return 0
