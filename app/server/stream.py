"""WS /stream: live samples, alarm changes and link events to every logged-in client.

One subscription to the source serves every client (its callbacks run on the source's loop,
which is the server's).  Each sample is turned into its JSON text once, then coalesced per
client: a client holds the newest value of each point and is sent them at most every
`StreamLimits.interval_s`, so a client never receives more than ~10 sample messages a second
however fast the plant changes.  Alarm and link messages are not coalesced (each change
matters) but wait in a bounded queue.  What one client can hold is thus bounded (one text per
point plus `queue` messages): a client that cannot keep up — its queue overflows or a send
takes longer than `send_timeout_s` — is dropped with close code `CLOSE_TOO_SLOW` and a reason,
instead of the server's memory growing.  It reconnects and backfills from /history.

The stream checks its session every `session_check_s` without counting it as use (watching is
not working at the console): when it ends, by idle timeout, lifetime, logout or an
administrator's change, the socket closes with `CLOSE_SESSION_ENDED` (4401).

Messages: ``{"type": "samples", "items": [[id, ts, value, quality]...]}``,
``{"type": "alarm", "events": [AlarmEvent...]}`` and ``{"type": "link", "gateway", "state",
"detail", "peer", "ts"}`` (ts of a link event in seconds, as `LinkEvent` has it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from app.alarms.model import AlarmEvent
from app.api.codec import encode, sample_row
from app.auth import AuthError, Permission, PermissionDenied, Sessions
from app.model import Sample
from app.server.body import dumps
from app.sources.base import DataSource, Subscription
from drivers.link import LinkEvent

log = logging.getLogger(__name__)

CLOSE_SESSION_ENDED = 4401  # log in again
CLOSE_FORBIDDEN = 4403  # the user may not view
CLOSE_TOO_SLOW = 4008  # dropped: the client did not keep up; reconnect and backfill
CLOSE_GOING_AWAY = 1001  # the server stops


@dataclass(frozen=True, slots=True)
class StreamLimits:
    """How much the stream does for one client before it gives up on it."""

    interval_s: float = 0.1  # at most one samples message per interval
    queue: int = 1000  # alarm and link messages waiting to be sent to one client
    send_timeout_s: float = 10.0  # one message not taken by the client within this: too slow
    session_check_s: float = 1.0
    # a dropped client gets its close frame once it reads again; after this long it is cut off without
    close_timeout_s: float = 30.0


class StreamClient:
    """One connected client: its coalesced samples, its queue, and the task that sends them."""

    def __init__(self, ws: WebSocket, token: str, user: str, sessions: Sessions, limits: StreamLimits) -> None:
        self.ws = ws
        self.token = token
        self.user = user
        self.sessions = sessions
        self.limits = limits
        self.pending: dict[str, str] = {}  # point -> its newest sample as JSON text
        self.queue: deque[str] = deque()
        self.wake = asyncio.Event()
        self.closing: tuple[int, str] | None = None
        self.sent = 0

    def samples(self, rows: dict[str, str]) -> None:
        self.pending.update(rows)
        self.wake.set()

    def push(self, text: str) -> None:
        if len(self.queue) >= self.limits.queue:
            self.drop(CLOSE_TOO_SLOW, f"too slow: more than {self.limits.queue} messages waiting")
            return
        self.queue.append(text)
        self.wake.set()

    def drop(self, code: int, reason: str) -> None:
        """End this client's stream with ``code`` (the first reason given wins)."""
        if self.closing is None:
            self.closing = (code, reason)
            self.pending.clear()
            self.queue.clear()
        self.wake.set()

    async def _send(self, text: str) -> bool:
        try:
            await asyncio.wait_for(self.ws.send_text(text), self.limits.send_timeout_s)
        except TimeoutError:
            self.drop(CLOSE_TOO_SLOW, f"too slow: a message was not taken within {self.limits.send_timeout_s:g} s")
            return False
        self.sent += 1
        return True

    async def send_loop(self) -> None:
        """Send until the client is dropped, the session ends or the socket closes."""
        loop = asyncio.get_running_loop()
        limits = self.limits
        next_samples = 0.0
        next_check = loop.time() + limits.session_check_s
        while self.closing is None:
            now = loop.time()
            if now >= next_check:
                try:
                    user = self.sessions.check(self.token).user  # not counted as use
                    if not user.can(Permission.VIEW):
                        raise PermissionDenied(Permission.VIEW, None, user.name)
                except AuthError as exc:
                    code = CLOSE_FORBIDDEN if exc.status == 403 else CLOSE_SESSION_ENDED
                    self.drop(code, exc.message_en[:120])
                    break
                next_check = now + limits.session_check_s
            if self.queue:
                if not await self._send(self.queue.popleft()):
                    break
                continue
            if self.pending and now >= next_samples:
                items, self.pending = self.pending, {}
                if not await self._send('{"type":"samples","items":[' + ",".join(items.values()) + "]}"):
                    break
                next_samples = now + limits.interval_s
                continue
            timeout = next_check - now
            if self.pending:
                timeout = min(timeout, next_samples - now)
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), max(timeout, 0.0))


class StreamHub:
    """The source's one subscription, fanned out to every connected client."""

    def __init__(self, source: DataSource, sessions: Sessions, limits: StreamLimits) -> None:
        self.source = source
        self.sessions = sessions
        self.limits = limits
        self.clients: set[StreamClient] = set()
        self._subscription: Subscription | None = None

    def _attach(self, client: StreamClient) -> None:
        self.clients.add(client)
        if self._subscription is None:
            self._subscription = self.source.subscribe(self._on_samples, self._on_link, self._on_alarm)

    def _detach(self, client: StreamClient) -> None:
        self.clients.discard(client)
        if not self.clients and self._subscription is not None:
            self._subscription.close()
            self._subscription = None

    def _on_samples(self, batch: list[Sample]) -> None:
        rows = {s.point: dumps(sample_row(s)) for s in batch}
        for client in self.clients:
            client.samples(rows)

    def _on_alarm(self, events: list[AlarmEvent]) -> None:
        self._broadcast(dumps({"type": "alarm", "events": [encode(e) for e in events]}))

    def _on_link(self, event: LinkEvent) -> None:
        self._broadcast(dumps({"type": "link", **encode(event)}))

    def _broadcast(self, text: str) -> None:
        for client in list(self.clients):
            client.push(text)

    async def serve(self, ws: WebSocket, token: str) -> None:
        """Run one client's stream until it ends; the socket is closed with the reason."""
        await ws.accept()
        try:
            session = self.sessions.require(token, Permission.VIEW)
        except AuthError as exc:
            code = CLOSE_FORBIDDEN if exc.status == 403 else CLOSE_SESSION_ENDED
            await ws.close(code, exc.message_en[:120])
            return
        ws.state.user = session.user.name  # for the request log
        client = StreamClient(ws, token, session.user.name, self.sessions, self.limits)
        self._attach(client)
        sender = asyncio.create_task(client.send_loop(), name=f"stream to {session.user.name}")
        reader = asyncio.create_task(_read_until_closed(ws), name=f"stream from {session.user.name}")
        try:
            await asyncio.wait({sender, reader}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._detach(client)
            for task in (sender, reader):
                task.cancel()
            await asyncio.gather(sender, reader, return_exceptions=True)
        if sender.done() and not sender.cancelled() and sender.exception() is not None:
            exc = sender.exception()
            if not isinstance(exc, (WebSocketDisconnect, OSError, RuntimeError)):
                log.error("the stream to %s failed", client.user, exc_info=exc)
            client.drop(1011, "internal error")
        if client.closing is not None and ws.application_state is WebSocketState.CONNECTED:
            code, reason = client.closing
            log.info("stream to %s closed: %s %s", client.user, code, reason)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(code, reason), self.limits.close_timeout_s)

    async def close(self) -> None:
        """The server stops: every client is told (1001) and let go."""
        for client in list(self.clients):
            client.drop(CLOSE_GOING_AWAY, "the server is stopping")


async def _read_until_closed(ws: WebSocket) -> None:
    """Read (and ignore) what the client sends, to notice when it goes away."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return
