"""uvicorn inside the loop the DirectSource runs on: one process, one loop, one plant.

The stream's callbacks come from the source on this loop and the routes await the source's
coroutines on it, so nothing crosses threads.  uvicorn's own signal handling is switched off:
the command owns SIGINT/SIGTERM and stops HTTP first (the listener closes, open requests
finish, streams close with 1012), then the source with everything committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import uvicorn
from fastapi import FastAPI

log = logging.getLogger(__name__)

GRACEFUL_S = 5  # open requests get this long to finish when the server stops
WS_MAX_MESSAGE = 1 << 20  # clients send (almost) nothing on the stream


_TOKEN = re.compile(r"(token=)[^&\s\"']+")


class RedactTokens(logging.Filter):
    """Hide ``token=...`` in uvicorn's own log lines (it logs a WebSocket's path with its query string)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _TOKEN.sub(r"\1***", record.msg)
        return True


def redact_uvicorn_logs() -> None:
    """Put `RedactTokens` on uvicorn's loggers (once)."""
    for name in ("uvicorn.error", "uvicorn.access", "uvicorn"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers (the command has them and decides the order of stopping)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket for ``host:port`` (port 0: any free one); OSError says why not.

    Made with the protocol number IPPROTO_TCP on purpose: asyncio sets TCP_NODELAY only on sockets
    that carry it, and the accepted connections inherit it from this one.  Without it (as
    `socket.create_server` makes them) every small answer waits ~40 ms for Nagle and a delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind((host, port))
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


class HttpServer:
    """An ASGI app served by uvicorn in the running loop; TLS when given a certificate and key."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 8080, *,
                 certfile: str | Path | None = None, keyfile: str | Path | None = None,
                 sock: socket.socket | None = None, graceful_s: int = GRACEFUL_S) -> None:
        if (certfile is None) != (keyfile is None):
            raise ValueError("TLS needs both a certificate and its key")
        redact_uvicorn_logs()
        self.app = app
        self.host, self.port = host, port
        self.tls = certfile is not None
        self._sock = sock
        self.config = uvicorn.Config(
            app, host=host, port=port, lifespan="on", log_config=None, access_log=False,
            ws="websockets-sansio", ws_max_size=WS_MAX_MESSAGE, proxy_headers=False, server_header=False,
            timeout_graceful_shutdown=graceful_s, ssl_certfile=certfile, ssl_keyfile=keyfile,
        )  # fmt: skip
        self.server = _Server(self.config)
        self.task: asyncio.Task[None] | None = None
        self.address: tuple[str, int] | None = None

    @property
    def url(self) -> str:
        """The API's base URL (``.../api/v1`` not included)."""
        assert self.address is not None, "start() first"
        host, port = self.address
        shown = f"[{host}]" if ":" in host else host
        return f"{'https' if self.tls else 'http'}://{shown}:{port}"

    async def start(self) -> tuple[str, int]:
        """Listen and serve; returns the bound address.  OSError when the address cannot be had."""
        sock = self._sock or listening_socket(self.host, self.port)
        self._sock = sock
        self.address = sock.getsockname()[:2]
        self.task = asyncio.create_task(self.server.serve(sockets=[sock]), name="http")
        while not self.server.started:
            if self.task.done():
                self.task.result()  # its exception, if it had one
                raise RuntimeError("the HTTP server stopped while starting (see the log)")
            await asyncio.sleep(0.01)
        return self.address

    async def stop(self) -> None:
        """Stop listening, let open requests finish (at most the grace time), close the streams."""
        if self.task is None:
            return
        self.server.should_exit = True
        try:
            await self.task
        finally:
            self.task = None
            if self._sock is not None:
                self._sock.close()


class JsonLines(logging.Formatter):
    """A log record as one JSON object per line: what a log collector reads without a parser of ours."""

    def format(self, record: logging.LogRecord) -> str:
        try:
            fields = json.loads(record.getMessage())
            if not isinstance(fields, dict):
                fields = {"message": fields}
        except ValueError:
            fields = {"message": record.getMessage()}
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"
        return json.dumps({"ts": stamp, "level": record.levelname.lower(), "logger": record.name, **fields},
                          ensure_ascii=False)


def log_requests_as_json(stream: object = None) -> logging.Handler:
    """Send the request log (``app.server.access``) as JSON lines to stderr (or ``stream``), on its own."""
    handler = logging.StreamHandler(stream)  # type: ignore[arg-type]
    handler.setFormatter(JsonLines())
    access = logging.getLogger("app.server.access")
    access.handlers[:] = [handler]
    access.setLevel(logging.INFO)
    access.propagate = False
    return handler
