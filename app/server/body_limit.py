"""A cap on request bodies, checked before anything reads them whole.

FastAPI reads a JSON body completely before validating it, and `POST /auth/login` needs no
token: without a cap anyone could make the server hold any amount of memory.  A declared
``Content-Length`` over the cap is refused at once (413); a chunked body is counted as it
arrives and cut off at the cap.  Diagram files, the largest thing a client sends, are a few
hundred kilobytes; `MAX_BODY` leaves room for a plant a hundred times the demo's.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.server.body import dumps
from app.server.errors import error_body

MAX_BODY = 32 * 1024 * 1024


class TooLarge(Exception):
    """The body grew past the cap while it was being read."""


class BodyLimit:
    """ASGI middleware: 413 for an HTTP request body over ``limit`` bytes."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def _refuse(self, send: Send) -> None:
        body = dumps(error_body("too_large", f"the request body is larger than {self.limit} bytes")).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await self._refuse(send)
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge()
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except TooLarge:
            if not started:
                await self._refuse(send)
