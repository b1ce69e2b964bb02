"""The live half of `CloudSource`: the WebSocket `/stream`, reconnecting, and the backfill of outages.

A console on a server must not show a hole in a trend because the network dropped for a
minute, nor miss an alarm raised meanwhile.  So the stream reconnects by itself (exponential
backoff with jitter, so a hundred consoles do not knock on a restarted server in step) and,
once the socket is back, fetches what it missed from `/history` — every point, concurrently
with a bound — and hands it to the subscribers in time order *before* anything that arrived
live meanwhile (held in a queue until then), and the alarms raised while it was away from
`/alarms?state=all&since=`.  Live samples that the backfill already delivered are dropped, so
each subscriber sees every sample once, oldest first per point.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI

from app.alarms.model import Alarm, AlarmEvent, Change
from app.api.codec import CodecError, decode, sample_from_row
from app.model import Quality, Sample
from app.sources.cloud_http import ServerError
from app.sources.gap import Gap
from drivers.link import LinkEvent

log = logging.getLogger(__name__)

#: Backfill never reaches further back than this (a console off for a week reads trends instead).
MAX_BACKFILL_MS = 24 * 3600 * 1000
#: Wait after a reconnection before reading the gap: the server's historian commits at least once a
#: second (app.historian), so history then reaches the moment the live stream took over.
SETTLE_S = 1.5
#: Quality by its word, for reading a backfill's millions of samples without a call per sample.
_QUALITY = {q.word: q for q in Quality}
#: Close codes by which the server ends a stream for good: the session ended (4401), may not view (4403).
SESSION_CLOSE_CODES = (4401, 4403)
#: Points per many-point history call (`POST /points/history`) during a backfill.
HISTORY_CHUNK = 250
#: Samples per subscriber call while delivering a backfill (keeps one call's work bounded).
BACKFILL_BATCH = 5000


@dataclass
class Backoff:
    """Waits between reconnection attempts: ``first`` doubling up to ``most``, each ±``jitter``."""

    first: float = 0.5
    most: float = 30.0
    jitter: float = 0.2
    _next: float = field(default=0.0, init=False)

    def reset(self) -> None:
        self._next = 0.0

    def next(self) -> float:
        """The next wait in seconds (jittered so many clients do not retry in step)."""
        self._next = self.first if self._next == 0.0 else min(self._next * 2, self.most)
        return self._next * random.uniform(1 - self.jitter, 1 + self.jitter)


@dataclass
class StreamFigures:
    """What the stream has done, for the status bar and the benchmarks."""

    connects: int = 0
    outages: int = 0
    backfilled_samples: int = 0
    backfilled_alarms: int = 0
    bucketed_points: int = 0
    last_backfill_s: float = 0.0
    last_error: str = ""


class Expired(Exception):
    """The server refused the stream's token: the login is over, reconnecting would not help."""


class Stream:
    """Keeps `/stream` open, feeds the source's delivery callbacks, backfills after each outage.

    ``ws_url`` gives the stream's URL and the headers that carry the token (a bearer header, not
    ``?token=``: a URL ends up in access logs).  ``deliver_samples``, ``deliver_alarms`` and
    ``deliver_link`` are the source's own fan-out (they update its caches and call the
    subscribers); ``history`` (the `/history` answer as JSON, the shape of
    `app.api.codec.history_json`) and ``alarms_since`` ask the server over REST; ``last_ts``
    gives the newest timestamp delivered per point (the backfill's start).
    """

    def __init__(self, ws_url: Callable[[], tuple[str, dict[str, str]]], *,
                 points: Callable[[], list[str]],
                 last_ts: Callable[[str], int | None],
                 history: Callable[[str, int, int, int], Awaitable[dict[str, Any]]],
                 histories: Callable[[list[str], int, int, int], Awaitable[list[dict[str, Any]]]] | None = None,
                 alarms_since: Callable[[int], Awaitable[list[Alarm]]],
                 deliver_samples: Callable[[list[Sample]], None],
                 deliver_alarms: Callable[[list[AlarmEvent]], None],
                 deliver_link: Callable[[LinkEvent], None],
                 on_expired: Callable[[], None],
                 on_connected: Callable[[], Awaitable[None]] | None = None,
                 backoff: Backoff | None = None, concurrency: int = 8, max_points: int = 20_000,
                 settle_s: float = SETTLE_S) -> None:
        self._ws_url = ws_url
        self._points = points
        self._last_ts = last_ts
        self._history = history
        self._histories = histories
        self._alarms_since = alarms_since
        self._deliver_samples = deliver_samples
        self._deliver_alarms = deliver_alarms
        self._deliver_link = deliver_link
        self._on_expired = on_expired
        self._on_connected = on_connected
        self.backoff = backoff or Backoff()
        self.concurrency = concurrency
        self.max_points = max_points
        self.settle_s = settle_s
        self.connected = False
        self.down_since: int | None = None  # ms UTC the last connection ended (None: none yet)
        self.figures = StreamFigures()
        self._task: asyncio.Task[None] | None = None
        self._socket: Any = None
        self._up = asyncio.Event()  # set while live messages flow (after any backfill)

    # -- life --------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin connecting (in the background; `connected` tells when it is up)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="cloud-stream")

    @property
    def running(self) -> bool:
        """Connected or trying to (between `start` and `stop`)."""
        return self._task is not None and not self._task.done()

    async def wait_live(self, timeout: float) -> bool:
        """Wait until live messages flow (False when they do not within ``timeout`` seconds)."""
        try:
            await asyncio.wait_for(self._up.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        """Close the socket and stop reconnecting."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self.connected = False
        self._up.clear()

    async def drop(self) -> None:
        """Close the current socket as a network fault would (tests and benchmarks)."""
        if self._socket is not None:
            await self._socket.close()

    async def _run(self) -> None:
        while True:
            try:
                await self._connect_once()
            except Expired:
                log.warning("the server refused the stream's token: signed out")
                self.connected = False
                self._on_expired()
                return
            except asyncio.CancelledError:
                raise
            except (OSError, ConnectionClosed, TimeoutError, InvalidStatus, InvalidURI, CodecError) as exc:
                self.figures.last_error = str(exc) or type(exc).__name__
                log.info("stream to the server down: %s", self.figures.last_error)
            except Exception as exc:  # a bug must not end the console's live data for good
                self.figures.last_error = str(exc) or type(exc).__name__
                log.exception("stream failed")
            if self.connected or self.down_since is None:
                self.down_since = int(time.time() * 1000)
                self.figures.outages += 1
            self.connected = False
            wait = self.backoff.next()
            log.info("reconnecting to the server's stream in %.1f s", wait)
            await asyncio.sleep(wait)

    async def _connect_once(self) -> None:
        try:
            url, headers = self._ws_url()
            socket = await websockets.connect(url, additional_headers=headers, max_size=None, open_timeout=10,
                                              ping_interval=20, ping_timeout=20)
        except InvalidStatus as exc:
            if exc.response.status_code in (401, 403):
                raise Expired() from exc
            raise
        self._socket = socket
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        reader = asyncio.create_task(self._read(socket, queue), name="cloud-stream-reader")
        try:
            self.connected = True
            self.backoff.reset()
            self.figures.connects += 1
            if self._on_connected is not None:
                await self._on_connected()
            if self.down_since is not None:  # an outage, not the first connection: fill the gap first
                # The live queue holds what arrives from now on; history must reach back to this
                # moment, and the server's historian commits what it received once a second.
                await asyncio.sleep(self.settle_s)
                await self.backfill(self.down_since)
            self.down_since = None
            self._up.set()
            while True:
                message = await queue.get()
                if message is None:
                    break
                self._dispatch(message)
        finally:
            self._up.clear()
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
            self._socket = None
            with contextlib.suppress(Exception):
                await socket.close()
        if socket.close_code in SESSION_CLOSE_CODES:
            raise Expired(socket.close_reason or "")
        if reader.done() and not reader.cancelled() and reader.exception() is not None:
            raise reader.exception()  # type: ignore[misc]

    async def _read(self, socket: Any, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        """Move messages off the socket at once, so the server never waits on a slow backfill."""
        try:
            async for raw in socket:
                queue.put_nowait(orjson.loads(raw))
        except ConnectionClosed:
            pass  # how it closed is read from the socket's close code
        finally:
            queue.put_nowait(None)

    # -- messages ----------------------------------------------------------------------------

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind != "samples":
            log.debug("stream message: %.300s", message)
        if kind == "samples":
            batch = samples_from_rows(message.get("items", ()))
            last = self._last_ts
            fresh = [s for s in batch if (t := last(s.point)) is None or s.ts > t]  # backfill had the rest
            if fresh:
                self._deliver_samples(fresh)
        elif kind == "alarm":
            if "events" in message:
                events = decode(list[AlarmEvent], message["events"], "alarm.events")
            else:
                events = [decode(AlarmEvent, {k: v for k, v in message.items() if k != "type"}, "alarm")]
            if events:
                self._deliver_alarms(events)
        elif kind == "link":
            body = {k: v for k, v in message.items() if k != "type"}
            self._deliver_link(decode(LinkEvent, body, "link"))
        elif kind == "expired":
            raise Expired()
        else:
            log.debug("stream message of unknown type %r ignored", kind)

    # -- backfill ----------------------------------------------------------------------------

    async def backfill(self, down_since: int) -> None:
        """Deliver every sample recorded while the stream was down, in time order, then the alarms."""
        began = time.perf_counter()
        now = int(time.time() * 1000)
        floor = max(down_since - 60_000, now - MAX_BACKFILL_MS)
        gate = asyncio.Semaphore(self.concurrency)
        gap = Gap()

        def take(point: str, h: dict[str, Any]) -> None:
            last = self._last_ts(point)
            gap.add_json(point, h, -1 if last is None else last)

        def start_of(point: str) -> int:
            last = self._last_ts(point)
            return max(floor, last + 1) if last is not None else floor

        async def one(point: str) -> None:
            start = start_of(point)
            if start > now:
                return
            async with gate:
                take(point, await self._history(point, start, now, self.max_points))

        async def many(points: list[str]) -> None:
            """One call for a chunk of points over the earliest start among them (each filtered by its own)."""
            start = min(start_of(p) for p in points)
            async with gate:
                items = await self._histories(points, start, now, self.max_points)  # type: ignore[misc]
            for h in items:
                take(str(h["id"]), h)

        points = [p for p in self._points() if start_of(p) <= now]
        alarms_task = asyncio.create_task(self._alarms_since(down_since))
        try:
            if self._histories is not None and points:
                chunks = [points[k:k + HISTORY_CHUNK] for k in range(0, len(points), HISTORY_CHUNK)]
                try:
                    await many(chunks[0])  # a server without the many-point call says so here
                except (KeyError, ServerError):
                    log.info("the server has no many-point history call: one call per point")
                    self._histories = None
                    await asyncio.gather(*(one(p) for p in points))
                else:
                    await asyncio.gather(*(many(c) for c in chunks[1:]))
            else:
                await asyncio.gather(*(one(p) for p in points))
            alarms = await alarms_task
        finally:
            alarms_task.cancel()
        delivered = 0
        for batch in gap.batches(BACKFILL_BATCH):
            self._deliver_samples(batch)
            delivered += len(batch)
            await asyncio.sleep(0)  # the loop's other work (a console's requests) goes on meanwhile
        events = alarm_events_since(alarms, down_since)
        if events:
            self._deliver_alarms(events)
        took = time.perf_counter() - began
        f = self.figures
        f.backfilled_samples += delivered
        f.backfilled_alarms += len(events)
        f.bucketed_points += len(gap.bucketed)
        f.last_backfill_s = took
        if gap.bucketed:
            log.warning("backfill: the server bucketed the gap of %d points (e.g. %s): their trends show "
                        "one value per bucket for the outage", len(gap.bucketed), gap.bucketed[0])
        log.info("backfilled an outage of %.0f s: %d samples of %d points and %d alarm changes in %.2f s",
                 (now - down_since) / 1000, delivered, len(self._points()), len(events), took)


def samples_from_rows(rows: Any) -> list[Sample]:
    """`app.api.codec.sample_from_row` for a whole message: ~100,000 samples a second reach a console
    of a large site, so the rows are read in one comprehension; a row that does not fit falls back
    to the codec, which names what is wrong."""
    nan, quality = math.nan, _QUALITY
    try:
        return [Sample(p, ts, nan if v is None else float(v), quality[q]) for p, ts, v, q in rows]
    except (KeyError, TypeError, ValueError):
        return [sample_from_row(row) for row in rows]


def alarm_events_since(alarms: list[Alarm], since: int) -> list[AlarmEvent]:
    """The changes an outage hid, as the stream would have brought them, oldest first.

    Each alarm raised meanwhile is raised again for the subscribers, then acknowledged, cleared
    or returned to normal when its snapshot says that happened too; every event carries the
    alarm as it stands now, so a list keyed by alarm id ends in the right state.
    """
    events: list[AlarmEvent] = []
    for a in alarms:
        if a.raised_at >= since:
            events.append(AlarmEvent(a, Change.RAISED, a.raised_at, a.value))
        if a.acked_at is not None and a.acked_at >= since:
            events.append(AlarmEvent(a, Change.ACKED, a.acked_at, user=a.acked_by, comment=a.ack_comment))
        if a.cleared_at is not None and a.cleared_at >= since:
            events.append(AlarmEvent(a, Change.CLEARED, a.cleared_at))
    events.sort(key=lambda e: e.ts)
    return events
