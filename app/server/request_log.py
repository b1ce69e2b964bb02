"""One JSON log line per request, and the last word on a failure nobody expected.

The line has the method, the path (never the query string: a WebSocket's token travels there),
the status, the time taken in ms, the user when the request had a valid token, and the
client's address — never a token or a password.  An exception no route handled becomes a 500
with a generic message; its traceback goes to the log, never to the client.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.server.body import dumps
from app.server.errors import INTERNAL_MESSAGE, error_body

log = logging.getLogger("app.server.access")
errors_log = logging.getLogger("app.server")


class RequestLog:
    """ASGI middleware around the whole API."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        started = time.perf_counter()
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "websocket.accept":
                status = 101
            elif message["type"] == "websocket.close" and not status:
                status = 403  # closed before accepting: the handshake was refused
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            errors_log.exception("unexpected failure on %s %s", scope.get("method", "WS"), scope.get("path"))
            if scope["type"] == "http" and not status:
                body = dumps(error_body("internal", INTERNAL_MESSAGE)).encode()
                await send({"type": "http.response.start", "status": 500,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
            status = status or 500
        finally:
            client = scope.get("client")
            line = {"method": scope.get("method", "WS"), "path": scope.get("path", ""), "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                    "user": state.get("user"), "client": client[0] if client else None}
            log.info(json.dumps(line, ensure_ascii=False))
