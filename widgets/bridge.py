"""SourceBridge: the one door between the GUI thread and the plant's event loop.

The core (a `DataSource` and everything under it) runs on one asyncio loop in a thread this
bridge owns, so a slow gateway, a database commit or a burst of samples never freezes the
console.  What crosses the door:

* samples, merged per point on the loop (newest wins) and handed to the GUI thread by a
  QTimer at most ``rate_hz`` times a second.  The timer lives on the GUI side on purpose:
  when the GUI is busy, batches simply grow instead of queued signals piling up in Qt's
  event queue, so the console never falls behind the plant — it skips ahead;
* link events, the source's status (once a second), errors in words, and the moment the
  source has started — each posted through a queued signal so that every slot and every
  callback runs on the GUI thread, never on the core thread;
* requests (`request`): a coroutine run on the loop with `asyncio.run_coroutine_threadsafe`,
  its result or error delivered later on the GUI thread.  Widgets never block on the core.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import inspect
import logging
import math
import re
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from app.alarms.model import AlarmEvent
from app.model import Sample
from app.sources.base import DataSource, SiteModel, Subscription
from drivers.link import LinkEvent

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How often the source's status is read for the status bar, in seconds.
STATUS_PERIOD_S = 1.0

#: The "[Errno 98] " / "[WinError 10048] " head of an OSError's text: a number, not words.
_ERRNO = re.compile(r"^\[(?:Errno|WinError) -?\d+\]\s*")


class SourceNotRunning(RuntimeError):
    """A request or query reached the bridge while its source was not (or no longer) running."""


def describe(exc: BaseException) -> str:
    """An exception in words for a person: its message, or its kind when it has none."""
    text = str(exc).strip()
    if isinstance(exc, OSError):
        text = _ERRNO.sub("", text) or (exc.strerror or "")
    return text or type(exc).__name__


#: An alarm delivery this large means a flood: the next one waits FLOOD_GAP_S instead of 1/rate_hz.
FLOOD_BATCH = 50
FLOOD_GAP_S = 0.3


class SourceBridge(QObject):
    """Runs a `DataSource` on a core thread and turns what it does into Qt signals."""

    # {point_id: Sample}: newest per point, at most rate_hz times a second.  Declared as object: a
    # dict signal argument is converted to a QVariantMap and back, ~4 ms per 5,000 samples.
    samples = Signal(object)
    link_event = Signal(object)  # drivers.link.LinkEvent
    # list[app.alarms.model.AlarmEvent] in the order they happened; none is ever dropped or merged.
    # Delivered as soon as the GUI loop turns, not on the sample tick: an alarm must reach the
    # banner within 100 ms (issue 5).  Deliveries are still at most rate_hz a second: the first
    # alarm after a quiet spell goes at once, a flood arrives as a few large batches.
    alarm_events = Signal(object)
    status = Signal(object)  # app.sources.base.SourceStatus, once a second
    error = Signal(str)  # something failed in the core, in words
    started = Signal()  # the source started; site() is valid from now

    # Private: a zero-argument callable to run on the GUI thread (emitted from the core thread).
    _post = Signal(object)

    def __init__(
        self,
        factory: Callable[[], DataSource],
        parent: QObject | None = None,
        *,
        rate_hz: float = 10.0,
    ) -> None:
        super().__init__(parent)
        if not rate_hz > 0:
            raise ValueError(f"the sample rate must be a positive number of batches per second, not {rate_hz!r}")
        self._factory = factory
        self.rate_hz = rate_hz
        self.latest: dict[str, Sample] = {}
        self._pending: dict[str, Sample] = {}
        self._pending_alarms: list[AlarmEvent] = []
        self._alarms_posted = False
        self._alarms_last = -1e9  # monotonic time of the last alarm delivery
        self._alarms_gap = 1.0 / rate_hz  # the least time until the next one
        self._alarm_timer = QTimer(self)
        self._alarm_timer.setSingleShot(True)
        self._alarm_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._alarm_timer.timeout.connect(self._deliver_alarms)
        self._pending_lock = threading.Lock()
        self._site: SiteModel | None = None
        self._source: DataSource | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop_requested: asyncio.Event | None = None
        self._ready: asyncio.Future[bool] | None = None
        self._outstanding: dict[concurrent.futures.Future[Any], Coroutine[Any, Any, Any]] = {}
        self._outstanding_lock = threading.Lock()
        self._stopped = False
        self._post.connect(self._run_posted, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # coarse timers may fire early: a cap needs precise
        self._timer.setInterval(max(1, round(1000.0 / rate_hz)))
        self._timer.timeout.connect(self._deliver)

    # -- life (GUI thread) --------------------------------------------------------------------

    def start(self) -> None:
        """Start the core thread and the source on it; returns at once (watch `started`/`error`)."""
        if self._thread is not None:
            raise RuntimeError("this bridge was already started; make a new one to start again")
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._stop_requested = asyncio.Event()
        self._ready = loop.create_future()
        self._thread = threading.Thread(target=self._run_core, name="switchroom-core", daemon=False)
        self._timer.start()
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the source (everything received is committed) and join the core thread.

        Idempotent, and safe when the start failed or never happened.  This is the one call
        that may block the GUI thread, at shutdown, for as long as the source takes to stop.
        """
        self._timer.stop()
        self._alarm_timer.stop()
        thread, loop, event = self._thread, self._loop, self._stop_requested
        if thread is None or loop is None or event is None:
            self._stopped = True
            return
        if not self._stopped:
            self._stopped = True
            # RuntimeError: the loop already ended (the start failed), nothing to stop.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)
        thread.join(timeout)
        if thread.is_alive():
            log.warning("the data source did not stop within %.0f s; leaving its thread behind", timeout)
        with self._pending_lock:  # nothing is delivered after stop(): widgets may be going away
            self._pending.clear()
            self._pending_alarms.clear()

    def site(self) -> SiteModel:
        """The site's structure as it was when the source started (valid after `started`)."""
        if self._site is None:
            raise SourceNotRunning("the data source has not started yet, so the site is not known")
        return self._site

    @property
    def running(self) -> bool:
        """True between `started` and `stop()`."""
        return self._site is not None and not self._stopped

    def request(
        self,
        call: Callable[[DataSource], Awaitable[T]],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run ``call(source)`` on the core loop; ``on_done``/``on_error`` run later on the GUI thread.

        ``call`` may also be a plain function (it then runs on the loop, like `site()` or
        `status()` must).  Without ``on_error`` a failure is reported through `error`.
        Requests made before `started` wait for the start; after `stop()` they fail with
        `SourceNotRunning`.
        """
        loop = self._loop
        if loop is None or self._stopped:
            self._fail_later(on_error, SourceNotRunning("the data source is not running"))
            return
        coro = self._call(call)
        with self._outstanding_lock:  # held so the core's cleanup cannot miss this request
            try:
                future = asyncio.run_coroutine_threadsafe(coro, loop)
            except RuntimeError:  # the loop is closed
                coro.close()
                self._fail_later(on_error, SourceNotRunning("the data source is not running"))
                return
            self._outstanding[future] = coro
        future.add_done_callback(lambda f: self._answered(f, on_done, on_error))

    # -- GUI-thread side ------------------------------------------------------------------------

    @Slot(object)
    def _run_posted(self, fn: Callable[[], None]) -> None:
        fn()

    @Slot()
    def _deliver(self) -> None:
        self._deliver_now()

    def _deliver_now(self) -> None:
        with self._pending_lock:
            batch, self._pending = self._pending, {}
        if batch:
            self.latest.update(batch)
            self.samples.emit(batch)

    def _alarms_due(self) -> None:
        """Alarm events wait: deliver them now, or when the last delivery is 1/rate_hz old."""
        wait = self._alarms_last + self._alarms_gap - time.monotonic()
        if wait > 0:
            if not self._alarm_timer.isActive():
                self._alarm_timer.start(max(1, math.ceil(wait * 1000)))
            return
        self._deliver_alarms()

    @Slot()
    def _deliver_alarms(self) -> None:
        with self._pending_lock:
            alarms, self._pending_alarms = self._pending_alarms, []
            self._alarms_posted = False
        if alarms and not self._stopped:
            self._alarms_last = time.monotonic()
            # In a flood every delivery re-sorts and repaints the alarm list: take them in fewer,
            # larger batches (the banner's first line was shown long ago).
            self._alarms_gap = (FLOOD_GAP_S if len(alarms) >= FLOOD_BATCH else 1.0 / self.rate_hz)
            self.alarm_events.emit(alarms)

    def _fail_later(self, on_error: Callable[[Exception], None] | None, exc: Exception) -> None:
        """Report a failure on a later turn of the GUI loop, as a request's answer always is."""
        self._post.emit(lambda: self._report(on_error, exc))

    def _report(self, on_error: Callable[[Exception], None] | None, exc: Exception) -> None:
        if on_error is not None:
            on_error(exc)
        else:
            self.error.emit(self.tr("A request to the data source failed: {0}").format(describe(exc)))

    def _on_started(self, site: SiteModel) -> None:
        if self._stopped:
            return
        self._site = site
        self.started.emit()

    def _on_start_failed(self, exc: BaseException) -> None:
        self.error.emit(self.tr("The data source could not start: {0}").format(describe(exc)))

    def _on_core_failed(self, exc: BaseException) -> None:
        self.error.emit(self.tr("The data source stopped working: {0}").format(describe(exc)))

    # -- core side (any thread but the GUI's) ----------------------------------------------------

    def _post_from_core(self, fn: Callable[[], None]) -> None:
        try:
            self._post.emit(fn)
        except RuntimeError:  # the Qt object is gone (application shutting down)
            log.debug("bridge deleted; dropped a message from the core")

    def _answered(
        self,
        future: concurrent.futures.Future[Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None,
    ) -> None:
        with self._outstanding_lock:
            self._outstanding.pop(future, None)
        if future.cancelled():
            exc: Exception = SourceNotRunning("the data source stopped before it answered")
            self._post_from_core(lambda: self._report(on_error, exc))
            return
        error = future.exception()
        if error is None:
            result = future.result()
            self._post_from_core(lambda: on_done(result))
        elif isinstance(error, Exception):
            self._post_from_core(lambda: self._report(on_error, error))
        else:  # a BaseException (the loop shutting down): the source is gone
            gone = SourceNotRunning("the data source stopped before it answered")
            self._post_from_core(lambda: self._report(on_error, gone))

    def _run_core(self) -> None:
        """Body of the core thread: the loop runs the source until `stop()` asks it to end."""
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main())
        except Exception as exc:  # a bug in the core's own life cycle: say so, keep the GUI alive
            log.exception("the core loop failed")
            self._post_from_core(lambda e=exc: self._on_core_failed(e))
        finally:
            try:
                _cancel_all_tasks(loop)
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                loop.close()
                with self._outstanding_lock:
                    left, self._outstanding = self._outstanding, {}
                for future, coro in left.items():  # scheduled too late to run: answer them all the same
                    coro.close()
                    future.cancel()

    async def _main(self) -> None:
        assert self._stop_requested is not None and self._ready is not None
        try:
            source = self._factory()
            self._source = source
            subscription = source.subscribe(self._on_samples, self._on_link, self._on_alarm)
        except Exception as exc:
            self._start_failed(exc)
            return
        try:
            await source.start()
        except Exception as exc:
            subscription.close()
            self._start_failed(exc)
            return
        try:
            await self._run(source, subscription)
        finally:
            subscription.close()
            await source.stop()
            log.info("data source stopped")

    async def _run(self, source: DataSource, subscription: Subscription) -> None:
        assert self._stop_requested is not None and self._ready is not None
        site = source.site()
        self._merge_missing(await source.latest())
        self._ready.set_result(True)
        self._post_from_core(lambda: self._on_started(site))
        status = asyncio.create_task(self._status_loop(source), name="bridge-status")
        try:
            await self._stop_requested.wait()
        finally:
            status.cancel()
            await asyncio.gather(status, return_exceptions=True)

    def _start_failed(self, exc: Exception) -> None:
        assert self._ready is not None
        log.error("the data source could not start: %s", describe(exc), exc_info=exc)
        self._ready.set_exception(SourceNotRunning(f"the data source could not start: {describe(exc)}"))
        self._ready.exception()  # retrieved here, so asyncio does not complain when nobody waits
        self._post_from_core(lambda: self._on_start_failed(exc))

    async def _call(self, call: Callable[[DataSource], Any]) -> Any:
        assert self._ready is not None
        await asyncio.shield(self._ready)
        source = self._source
        assert source is not None
        result = call(source)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def _status_loop(self, source: DataSource) -> None:
        while True:
            try:
                current = source.status()
            except Exception:  # a broken status must not end the status bar's updates
                log.exception("reading the source's status failed")
            else:
                self._post_from_core(lambda s=current: self.status.emit(s))
            await asyncio.sleep(STATUS_PERIOD_S)

    def _on_samples(self, batch: list[Sample]) -> None:
        with self._pending_lock:
            pending = self._pending
            for s in batch:
                pending[s.point] = s

    def _on_alarm(self, events: list[AlarmEvent]) -> None:
        with self._pending_lock:
            self._pending_alarms.extend(events)
            post = not self._alarms_posted
            self._alarms_posted = True
        if post:
            self._post_from_core(self._alarms_due)

    def _merge_missing(self, samples: list[Sample]) -> None:
        """Samples known before the stream began, unless the stream already brought newer ones."""
        with self._pending_lock:
            for s in samples:
                self._pending.setdefault(s.point, s)

    def _on_link(self, event: LinkEvent) -> None:
        self._post_from_core(lambda: self.link_event.emit(event))


def _cancel_all_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is still running on the loop and let it finish, as `asyncio.run` does."""
    tasks = asyncio.all_tasks(loop)
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            log.error("a core task failed while stopping", exc_info=task.exception())
