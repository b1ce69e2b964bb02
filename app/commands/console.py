"""The operator console on a site (the demo site, simulated, by default).

Without options it opens the console window (widgets/launch.py).  ``--text`` keeps the text
console for machines without a screen: it starts the DTU listener on loopback, the site's
simulated plant in the same process, polls every device by its template, one bus at a time
as RS-485 demands, and redraws a table of values with their state.  ``--cycles N`` polls N
full rounds, prints the table and exits (for scripts and tests).  ``--cloud URL`` opens the
window on a SwitchRoom server instead (`app.sources.cloud.CloudSource`): the same screens, the
server's site, its users.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

from app.acquisition.site_scan import gateway_specs
from app.commands.probe import format_value
from app.config import Site, SiteError, load_site
from app.simulation import plant_from_site
from drivers.dtu import DtuListener
from drivers.link import Link, LinkDown, LinkEvent
from drivers.reading import read_device
from drivers.simulator import Simulator
from drivers.templates import Template

#: Quantities the table shows per device category (the rest are polled all the same).
SHOWN: dict[str, tuple[str, ...]] = {
    "multifunction_meter": ("Ua", "Ia", "P", "Q", "PF", "F", "EPimp"),
    "revenue_meter": ("Ua", "Ia", "P", "PF", "F", "EPimp"),
    "rail_meter": ("C1.I", "C1.P", "C2.I", "C2.P"),
    "temperature_controller": ("TA", "TB", "TC", "fan", "alarm", "trip"),
    "environment": ("temp", "humidity", "smoke", "water", "door", "intrusion"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The console's options."""
    parser.add_argument("--site", metavar="FILE", help="site file (default: the demo site)")
    parser.add_argument("--db", metavar="URL", help="history database (default: a file in the user's data folder)")
    parser.add_argument(
        "--simulate", action="store_true", help="also run the site's simulated plant (always on for the demo)"
    )
    parser.add_argument("--text", action="store_true", help="the text view instead of the window")
    parser.add_argument("--cycles", type=int, default=0, help="poll N rounds, print once and exit (0: run on)")
    parser.add_argument("--speedup", type=float, default=1.0, help="run the simulated plant's clock faster")
    parser.add_argument("--no-bus-timing", action="store_true", help="answer at once instead of at baud rate")
    parser.add_argument("--cloud", metavar="URL",
                        help="open the console on a SwitchRoom server (http(s)://HOST:PORT) instead of a site file")
    parser.add_argument("--user", metavar="NAME", help="with --cloud: the user name to sign in as (asked otherwise)")


def run(args: argparse.Namespace) -> int:
    """The window, or the text view until Ctrl-C (or for --cycles rounds)."""
    if args.cloud:
        if args.text or args.cycles or args.site or args.db:
            print("--cloud shows the server's site in the window: --site, --db, --text and --cycles do not apply",
                  file=sys.stderr)
            return 2
        from widgets.launch import run_cloud_console  # noqa: PLC0415 - the one door up to widgets, as below

        return run_cloud_console(args.cloud, getattr(args, "user", None))
    if not (args.text or args.cycles):
        # The one place `app` reaches up into `widgets` (an import-linter exception): Qt is
        # loaded only when a window is wanted.
        from widgets.launch import run_console  # noqa: PLC0415

        return run_console(args.site, args.db, simulate=args.simulate or args.site is None)
    try:
        site = load_site(args.site)
    except SiteError as exc:
        print(f"The site file cannot be used:\n{exc}", file=sys.stderr)
        return 2
    return asyncio.run(live(site, args.cycles, sys.stdout, speedup=args.speedup, bus_timing=not args.no_bus_timing))


@dataclass
class DeviceRow:
    """The newest state of one device in the live table."""

    gateway: str
    device: str
    template: Template
    pt: float = 1.0
    ct: float = 1.0
    values: dict[str, float] = field(default_factory=dict)
    state: str = "waiting"
    updated: float = 0.0


async def poll_gateway(link: Link, rows: list[DeviceRow], addresses: dict[str, int | str], cycles: int) -> None:
    """Poll the devices of one bus in turn, forever or for ``cycles`` rounds."""
    done = 0
    while cycles <= 0 or done < cycles:
        if not link.online:
            for row in rows:
                row.state = "gateway offline"
            await asyncio.sleep(0.5)
            continue
        for row in rows:
            try:
                reading = await read_device(
                    link, row.template, addresses[row.device], pt=row.pt, ct=row.ct, timeout=3.0
                )
            except LinkDown:
                break
            row.values.update(reading.values)
            if reading.complete:
                row.state = "ok" if not reading.out_of_range else "out of range"
            elif reading.values:
                row.state = f"partial: {next(iter(reading.errors.values()))}"
            else:
                row.state = f"no reply: {next(iter(reading.errors.values()))}"
            row.updated = time.time()
        else:
            done += 1
            if cycles <= 0:
                await asyncio.sleep(1.0)


def render(rows: list[DeviceRow], events: list[str]) -> str:
    """The live table as text."""
    lines = [f"SwitchRoom demo site — {time.strftime('%Y-%m-%d %H:%M:%S')}  (Ctrl-C to stop)", ""]
    for row in rows:
        shown = SHOWN.get(row.template.category, ())
        cells = []
        for qid in shown:
            if qid in row.values:
                q = row.template.quantity(qid)
                cells.append(f"{qid}={format_value(row.values[qid], q.kind)}{q.unit}")
        lines.append(f"{row.gateway:6} {row.device:10} {row.state[:40]:40} {'  '.join(cells)}")
    if events:
        lines += ["", "link events:", *events[-5:]]
    return "\n".join(lines)


async def live(site: Site, cycles: int, out: TextIO, *, speedup: float = 1.0, bus_timing: bool = True) -> int:
    """Listener + simulator + pollers; prints the table until stopped (or after ``cycles`` rounds)."""
    plant = plant_from_site(site)
    listener = DtuListener(gateway_specs(site))
    events: list[str] = []

    def on_event(e: LinkEvent) -> None:
        events.append(f"{time.strftime('%H:%M:%S')} {e.gateway} {e.state} {e.detail}".rstrip())

    listener.subscribe(on_event)
    host, port = await listener.start("127.0.0.1", 0)
    simulator = Simulator(plant, host, port, bus_timing=bus_timing, speedup=speedup)
    await simulator.start()
    rows_by_gateway: dict[str, list[DeviceRow]] = {}
    addresses: dict[str, int | str] = {}
    for g in plant.gateways:
        rows_by_gateway[g.id] = [DeviceRow(g.id, d.id, site.templates[d.id], d.pt, d.ct) for d in g.devices]
        addresses.update({d.id: d.address for d in g.devices})
    all_rows = [r for rows in rows_by_gateway.values() for r in rows]
    pollers: list[asyncio.Task[None]] = []
    try:
        await asyncio.gather(*(listener.wait_online(g, 30) for g in rows_by_gateway))
        pollers += [
            asyncio.create_task(poll_gateway(listener.link(g), rows, addresses, cycles))
            for g, rows in rows_by_gateway.items()
        ]
        if cycles > 0:
            await asyncio.gather(*pollers)
            print(render(all_rows, events), file=out)
            return 0 if all(r.state == "ok" for r in all_rows) else 1
        tty = out.isatty()
        while True:
            await asyncio.sleep(1.0)
            text = render(all_rows, events)
            out.write(("\x1b[H\x1b[2J" + text) if tty else text + "\n\n")
            out.flush()
    finally:
        for task in pollers:
            task.cancel()
        await asyncio.gather(*pollers, return_exceptions=True)
        with contextlib.suppress(Exception):
            await simulator.stop()
        await listener.stop()
