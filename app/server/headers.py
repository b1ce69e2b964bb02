"""Security headers on every HTTP answer of the server.

The mobile page is served by the same server that holds the plant's API, so a script injected
into it could act with an operator's token.  The page is written to need nothing inline (no
inline scripts, styles or handlers), so a strict Content-Security-Policy costs nothing and
closes that door; ``nosniff``, no referrer and no framing do the rest.  API answers get the
same headers: they are JSON and never meant to be rendered or framed.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """ASGI middleware adding `HEADERS` to each HTTP response (WebSockets pass untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        # the API's own documentation page (Swagger UI) loads its scripts from elsewhere: no CSP there
        headers = HEADERS[1:] if scope.get("path", "").endswith("/docs") else HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in headers if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
