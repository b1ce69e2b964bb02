"""Run a site headless: DTU listener, acquisition and historian as a service.

``python -m app serve --site FILE [--db URL] [--listen HOST:PORT] [--simulate]``.  Stops
cleanly on Ctrl-C or SIGTERM with the last batch committed.  The HTTP API of the cloud
(shared/API.md) is served by a later version of this command.
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
from app.historian import HistorianError
from app.paths import default_db_url
from app.process import settle_after_start
from app.sources.direct import DirectSource

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The server's options."""
    parser.add_argument("--site", metavar="FILE", help="site file (default: the demo site)")
    parser.add_argument("--db", metavar="URL", help="history database: a SQLite path/URL or postgresql+psycopg://...")
    parser.add_argument("--listen", metavar="HOST:PORT", help="where DTUs dial in (default: the site file's)")
    parser.add_argument("--simulate", action="store_true", help="also run the site's simulated plant")
    parser.add_argument("--no-bus-timing", action="store_true", help="simulated buses answer at once")
    parser.add_argument("--status-every", type=float, default=60.0, help="log a status line every N seconds")


def run(args: argparse.Namespace) -> int:
    """Load the site, run until stopped."""
    if args.verbose == 0:
        logging.getLogger().setLevel(logging.INFO)  # a service says what it does
    try:
        site = load_site(args.site)
        listen = parse_host_port(args.listen) if args.listen else None
    except SiteError as exc:
        print(f"serve: the site file cannot be used:\n{exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    source = DirectSource(site, args.db or default_db_url(), listen=listen, simulate=args.simulate,
                          bus_timing=not args.no_bus_timing)  # fmt: skip
    try:
        return asyncio.run(serve(source, args.status_every))
    except HistorianError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"serve: cannot listen for DTUs: {exc.strerror or exc}", file=sys.stderr)
        return 2


async def serve(source: DirectSource, status_every: float) -> int:
    """Start the source, log status now and then, stop on a signal."""
    stop = stop_on_signals()
    await source.start()
    settle_after_start()
    host, port = source.address or ("?", 0)
    log.info("serving site %s: DTUs dial %s:%s, history in %s", source.site_config.name.en, host, port,
             source.historian.where)  # fmt: skip
    try:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), status_every)
            s = source.status()
            log.info("status: %d/%d gateways online, %d points, %d samples written, database %s",
                     s.gateways_online, s.gateways_total, s.points, s.samples_written, s.db)  # fmt: skip
    finally:
        await source.stop()
        log.info("stopped; everything received is committed")
    return 0
