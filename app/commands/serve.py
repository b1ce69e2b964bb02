"""Run a site headless: DTU listener, acquisition and historian as a service, and the cloud API.

``python -m app serve --site FILE [--db URL] [--listen HOST:PORT] [--simulate]
[--http HOST:PORT [--tls-cert FILE --tls-key FILE] [--cors ORIGIN]... [--admin-password-file FILE]]``.
With ``--http`` the same process serves the cloud API (shared/API.md, app.server) over the
site's DirectSource.  The HTTP API does not start while no administrator exists and none is
given (environment ``SWITCHROOM_ADMIN_PASSWORD`` or ``--admin-password-file``): there is no
built-in password.  Stops cleanly on Ctrl-C or SIGTERM: HTTP first, then the source with the
last batch committed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import ssl
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.auth import AuthError, Sessions, UserStore, ensure_first_admin
from app.commands.probe import UsageError, parse_host_port
from app.commands.stopping import stop_on_signals
from app.config import SiteError, load_site
from app.historian import HistorianError
from app.paths import data_dir, default_db_url
from app.process import settle_after_start
from app.sources.direct import DirectSource

if TYPE_CHECKING:
    from app.server.runner import HttpServer

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The server's options."""
    parser.add_argument("--site", metavar="FILE", help="site file (default: the demo site)")
    parser.add_argument("--db", metavar="URL", help="history database: a SQLite path/URL or postgresql+psycopg://...")
    parser.add_argument("--listen", metavar="HOST:PORT", help="where DTUs dial in (default: the site file's)")
    parser.add_argument("--simulate", action="store_true", help="also run the site's simulated plant")
    parser.add_argument("--no-bus-timing", action="store_true", help="simulated buses answer at once")
    parser.add_argument("--status-every", type=float, default=60.0, help="log a status line every N seconds")
    parser.add_argument("--reports", metavar="DIR",
                        help="scheduled reports' folder (jobs.json, templates.json; default: in the data folder)")
    http = parser.add_argument_group("cloud API")
    http.add_argument("--http", metavar="HOST:PORT", help="serve the cloud API and the mobile page here")
    http.add_argument("--tls-cert", metavar="FILE", help="TLS certificate chain (PEM): serve HTTPS")
    http.add_argument("--tls-key", metavar="FILE", help="the certificate's private key (PEM)")
    http.add_argument("--cors", metavar="ORIGIN", action="append", default=[],
                      help="let browser pages from ORIGIN call the API (repeat for more; default: none)")
    http.add_argument("--admin-password-file", metavar="FILE",
                      help="the first administrator's password, when no administrator exists yet "
                           "(or set SWITCHROOM_ADMIN_PASSWORD)")


def run(args: argparse.Namespace) -> int:
    """Load the site, run until stopped."""
    if args.verbose == 0:
        logging.getLogger().setLevel(logging.INFO)  # a service says what it does
    try:
        site = load_site(args.site)
        listen = parse_host_port(args.listen) if args.listen else None
        api = api_options(args)
    except SiteError as exc:
        print(f"serve: the site file cannot be used:\n{exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    db_url = args.db or default_db_url()
    users = None
    if api is not None:
        users = UserStore(db_url)
        try:
            created = ensure_first_admin(users, password_file=args.admin_password_file)
        except AuthError as exc:  # NoAdministrator, PasswordRejected, AuthUnavailable
            users.close()
            print(f"serve: the cloud API cannot start: {exc.message} / {exc.message_en}", file=sys.stderr)
            return 2
        if created is not None:
            log.warning("first administrator %r created from the given password", created.name)
    source = DirectSource(site, db_url, listen=listen, simulate=args.simulate,
                          bus_timing=not args.no_bus_timing,
                          reports=Path(args.reports) if args.reports else data_dir() / "reports")  # fmt: skip
    try:
        return asyncio.run(serve(source, args.status_every, api, users))
    except HistorianError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    except HttpUnavailable as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"serve: cannot listen for DTUs: {exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        if users is not None:
            users.close()


class HttpUnavailable(Exception):
    """The cloud API cannot listen where it was asked to (address in use, no permission, bad certificate)."""


@dataclass(frozen=True)
class ApiOptions:
    """What ``--http`` and its companions ask for."""

    host: str
    port: int
    tls_cert: Path | None
    tls_key: Path | None
    cors: tuple[str, ...]


def api_options(args: argparse.Namespace) -> ApiOptions | None:
    """The cloud API's options (None without ``--http``); `UsageError` in words for what does not fit."""
    if not args.http:
        if args.tls_cert or args.tls_key or args.cors:
            raise UsageError("--tls-cert, --tls-key and --cors go with --http HOST:PORT")
        return None
    host, port = parse_host_port(args.http)
    if bool(args.tls_cert) != bool(args.tls_key):
        raise UsageError("HTTPS needs both --tls-cert and --tls-key")
    for path in (args.tls_cert, args.tls_key):
        if path and not Path(path).is_file():
            raise UsageError(f"there is no file {path}")
    for origin in args.cors:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise UsageError(f"--cors takes an origin like https://console.example.com, not {origin!r}")
    return ApiOptions(host, port, Path(args.tls_cert) if args.tls_cert else None,
                      Path(args.tls_key) if args.tls_key else None, tuple(args.cors))


async def start_http(source: DirectSource, api: ApiOptions, users: UserStore) -> HttpServer:
    """The cloud API on the running loop, over ``source``."""
    from app.server import create_app  # noqa: PLC0415 - FastAPI and uvicorn load only when the API is served
    from app.server.runner import HttpServer, log_requests_as_json  # noqa: PLC0415

    log_requests_as_json()
    app = create_app(source, users, Sessions(), cors_origins=api.cors)
    try:
        http = HttpServer(app, api.host, api.port, certfile=api.tls_cert, keyfile=api.tls_key)
        await http.start()
    except (OSError, ssl.SSLError) as exc:
        raise HttpUnavailable(f"cannot serve the cloud API on {api.host}:{api.port}: "
                              f"{getattr(exc, 'strerror', None) or exc}") from exc
    log.info("cloud API at %s/api/v1 (OpenAPI document: %s/api/v1/openapi.json)", http.url, http.url)
    return http


async def serve(source: DirectSource, status_every: float, api: ApiOptions | None = None,
                users: UserStore | None = None) -> int:
    """Start the source (and the cloud API), log status now and then, stop on a signal: HTTP first."""
    stop = stop_on_signals()
    await source.start()
    http: HttpServer | None = None
    try:
        if api is not None:
            assert users is not None
            http = await start_http(source, api, users)
        settle_after_start()
        host, port = source.address or ("?", 0)
        log.info("serving site %s: DTUs dial %s:%s, history in %s", source.site_config.name.en, host, port,
                 source.historian.where)  # fmt: skip
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), status_every)
            if http is not None and http.task is not None and http.task.done():
                log.error("the cloud API stopped by itself; stopping the server")
                return 1
            s = source.status()
            log.info("status: %d/%d gateways online, %d points, %d samples written, database %s",
                     s.gateways_online, s.gateways_total, s.points, s.samples_written, s.db)  # fmt: skip
    finally:
        try:
            if http is not None:
                await http.stop()
                log.info("cloud API stopped")
        finally:
            await source.stop()
            log.info("stopped; everything received is committed")
    return 0
