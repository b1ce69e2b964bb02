"""The alarm desk of a DirectSource: engine, journal, fault recording and notification on one loop.

The engine is pure and synchronous; this module gives it a life.  On the source's event loop it
judges every sample batch and link event, ticks once a second (delays, shelving expiry, flood
end), hands events to subscribers and to notification at once, and queues them for the journal.
Database work — journal rows, fault records — runs on one dedicated thread each, in order, so a
slow or failing database never holds up the loop and a flood of a thousand alarms is one
transaction.  When the journal cannot be written, its rows wait in memory (the journal keeps them
for a retry) and `status` says so in words.

After a restart the active alarms come back from the journal and ids continue after the highest
one, so an acknowledgement made before the restart is never asked for again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from app.alarms.engine import AlarmEngine, wall_ms
from app.alarms.fault_record import FaultConfig, FaultRecorder
from app.alarms.fault_store import FaultRecordHeader, FaultStore
from app.alarms.flood import FloodSummary
from app.alarms.journal import AlarmJournal, JournalEntry
from app.alarms.limits import LimitSpec, LimitStore, limit_rule, spec_of
from app.alarms.model import Alarm, AlarmActionError, AlarmEvent, Change, JournalQuery
from app.alarms.notify import ChannelStatus, Notifier
from app.alarms.rules import compile_rules, site_limits
from app.config import Site, load_site
from app.model import Sample
from drivers.link import LinkEvent

log = logging.getLogger(__name__)

AlarmSink = Callable[[list[AlarmEvent]], None]
TICK_S = 1.0
FAULT_SLICE = 8  # fault records stored per transaction
FAULT_PAUSE_S = 0.01  # between slices: the GUI thread gets the interpreter lock


class AlarmCore:
    """Alarm handling for one site on one event loop (see the module docstring).

    ``publish`` receives every batch of events on the loop (the source's subscribers);
    ``sinks`` too (notification).  Call `start` and `stop` on the loop; `feed` and `link` from
    the loop's callbacks.
    """

    def __init__(
        self,
        site: Site,
        db_url: str | Path,
        publish: AlarmSink,
        *,
        fault: FaultConfig | None = None,
        clock: Callable[[], int] = wall_ms,
    ) -> None:
        self.site = site
        self.publish = publish
        self.sinks: list[AlarmSink] = []
        self.clock = clock
        self.engine = AlarmEngine(compile_rules(site), clock=clock)
        f = site.file
        self.notifier = Notifier(
            f.notifications,
            site_name=(f.site.name.zh, f.site.name.en),
            timezone=f.site.timezone,
            rooms={r.id: (r.name.zh, r.name.en) for r in f.rooms},
        )
        self.sinks.append(self.notifier.submit)
        self.journal = AlarmJournal(db_url)
        self.limit_store = LimitStore(db_url)
        self.limits: dict[str, LimitSpec | None] = {}  # runtime changes in force, by point
        self._site_stamp = _stamp(site.path)
        self._points_of: dict[str, list[str]] | None = None  # point ids by device, for fault records
        self.fault_config = fault or fault_config(site)
        self.recorder = FaultRecorder(FaultStore(db_url), self.fault_config, points=site.points)
        self._journal_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alarm-journal")
        self._fault_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fault-record")
        self._unwritten: list[AlarmEvent] = []
        self._writing: asyncio.Future[int] | None = None
        self._faults_writing: asyncio.Future[int] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.journal_error = ""

    # -- life ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the journal and fault store, bring back the active alarms, start ticking."""
        loop = self._loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._journal_thread, self.journal.open)
        await loop.run_in_executor(self._journal_thread, self.limit_store.open)
        self.limits = await loop.run_in_executor(self._journal_thread, self.limit_store.current)
        if self.limits:
            self.engine.replace_rules(compile_rules(self.site, self.limits))
            log.info("alarm limits changed at runtime in force for %d points", len(self.limits))
        await loop.run_in_executor(self._fault_thread, self.recorder.open)
        active = await loop.run_in_executor(self._journal_thread, self.journal.active_alarms)
        top = await loop.run_in_executor(self._journal_thread, self.journal.max_alarm_id)
        self._deliver(self.engine.restore(active, next_id=top + 1))
        if active:
            log.info("%d active alarms restored from the journal; next alarm id %d", len(active), self.engine.next_id)
        await self.notifier.start()
        self._ticker = loop.create_task(self._tick_loop(), name="alarm-tick")

    async def stop(self) -> None:
        """Stop ticking; commit every event and fault record still waiting; close the databases."""
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        await self.notifier.stop()
        loop = asyncio.get_running_loop()
        if self._writing is not None:
            await asyncio.gather(self._writing, return_exceptions=True)
        if self._unwritten:
            events, self._unwritten = self._unwritten, []
            await loop.run_in_executor(self._journal_thread, self._write_journal, events)
        if self._faults_writing is not None:
            await asyncio.gather(self._faults_writing, return_exceptions=True)
        await loop.run_in_executor(self._fault_thread, self.recorder.close)
        await loop.run_in_executor(self._journal_thread, self.journal.close)
        await loop.run_in_executor(self._journal_thread, self.limit_store.close)
        self._journal_thread.shutdown(wait=True)
        self._fault_thread.shutdown(wait=True)

    # -- the stream (on the loop) -------------------------------------------------------------

    def feed(self, batch: list[Sample]) -> None:
        """Judge a batch and keep it in the fault recorder's ring."""
        self.recorder.feed(batch)
        events = self.engine.feed(batch)
        if events:
            self._deliver(events)

    def link(self, event: LinkEvent) -> None:
        """A gateway's link changed."""
        events = self.engine.link(event)
        if events:
            self._deliver(events)

    def _deliver(self, events: list[AlarmEvent]) -> None:
        if not events:
            return
        self._trigger_records(events)
        self._unwritten.extend(events)
        self._flush_journal()
        for sink in (self.publish, *self.sinks):
            try:
                sink(events)
            except Exception:  # a broken subscriber or channel must not stop alarm handling
                log.exception("an alarm subscriber failed")

    def _trigger_records(self, events: list[AlarmEvent]) -> None:
        levels = self.fault_config.levels
        for e in events:
            if e.change is Change.RAISED and int(e.alarm.level) in levels:
                points = self.record_points(e.alarm)
                if points and self.recorder.trigger(e.alarm, points, e.ts):
                    log.info("fault record started for alarm %d (%s): %d points", e.alarm.id, e.alarm.key, len(points))

    def record_points(self, alarm: Alarm) -> list[str]:
        """The points a fault record of ``alarm`` captures: its device's and its upstream incomer's."""
        devices = self.site.devices
        by_device = self._points_of
        if by_device is None:  # built once per site: a flood asks this a thousand times
            by_device = self._points_of = {}
            for p in self.site.points.values():
                if p.device is not None:
                    by_device.setdefault(p.device, []).append(p.id)
        points: list[str] = []
        device = alarm.device or (self.site.points[alarm.point].device if alarm.point in self.site.points else None)
        if device is not None and device in devices:
            points += by_device.get(device, [])
            upstream = devices[device].upstream
            if upstream is not None:
                points += by_device.get(upstream, [])
        if not points and alarm.point in self.site.points:
            points = [alarm.point]
        return points

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            try:
                self._deliver(self.engine.tick())
                self._check_site_file()
                self.recorder.tick()
                self._flush_faults()
                if self._unwritten and self._writing is None:
                    self._flush_journal()  # a retry after a failed write
            except Exception:  # the ticker must outlive any one failure
                log.exception("alarm tick failed")

    # -- database work (one thread each, in order) --------------------------------------------

    def _flush_journal(self) -> None:
        if self._writing is not None or not self._unwritten or self._loop is None:
            return
        events, self._unwritten = self._unwritten, []
        future = self._loop.run_in_executor(self._journal_thread, self._write_journal, events)
        self._writing = future
        future.add_done_callback(self._journal_written)

    def _write_journal(self, events: list[AlarmEvent]) -> int:
        """Append; a failed append keeps the rows inside the journal, retried with the next batch."""
        try:
            self.journal.append(events)
            if self.journal.pending:
                self.journal.retry()
        except Exception as exc:
            self.journal_error = str(exc)
            log.error("alarm journal not written, %d changes kept for a retry: %s", len(events), exc)
            return 0
        self.journal_error = ""
        return len(events)

    def _journal_written(self, future: asyncio.Future[int]) -> None:
        self._writing = None
        if not future.cancelled() and future.exception() is not None:
            log.error("alarm journal writer failed: %s", future.exception())
        if self._unwritten:
            self._flush_journal()

    def _write_faults(self) -> int:
        """Store waiting fault records in slices, pausing between them.

        Encoding a record is many short numpy and Python steps; a flood's hundreds of records in
        one go keep the interpreter lock so busy that the GUI thread waits for it (a flood of
        1,000 alarms stalled the console 170 ms).  Slices with a pause let it in.
        """
        stored = self.recorder.write_pending(limit=FAULT_SLICE)
        while self.recorder.has_pending:
            time.sleep(FAULT_PAUSE_S)
            stored += self.recorder.write_pending(limit=FAULT_SLICE)
        return stored

    def _flush_faults(self) -> None:
        if self._faults_writing is not None or not self.recorder.has_pending or self._loop is None:
            return
        future = self._loop.run_in_executor(self._fault_thread, self._write_faults)
        self._faults_writing = future

        def done(f: asyncio.Future[int]) -> None:
            self._faults_writing = None
            if not f.cancelled() and f.exception() is not None:
                log.error("fault records not stored (kept for a retry): %s", f.exception())

        future.add_done_callback(done)

    # -- queries and actions (the DataSource's alarm calls) ------------------------------------

    def active(self) -> list[Alarm]:
        """The active list, newest first."""
        return self.engine.active()

    def flood(self) -> FloodSummary | None:
        """The flood going on now."""
        return self.engine.flood()

    async def alarms(self, state: str = "active", since: int | None = None, limit: int | None = None) -> list[Alarm]:
        """``GET /alarms``: active from the engine (always current), all from the journal."""
        if state == "active":
            alarms = [a for a in self.engine.active() if since is None or a.raised_at >= since]
            return alarms[:limit] if limit is not None else alarms
        if state != "all":
            raise ValueError(f"state must be 'active' or 'all', not {state!r}")
        await self._settled()
        return await self._read(lambda: self.journal.alarms("all", since, limit))

    async def search(self, q: JournalQuery) -> list[JournalEntry]:
        """Journal rows matching ``q``, newest first."""
        await self._settled()
        return await self._read(lambda: self.journal.search(
            start_ms=q.start, end_ms=q.end, point=q.points or None, device=q.devices or None,
            room=q.rooms or None, levels=q.levels or None, states=q.states or None, changes=q.changes or None,
            text=q.text, alarm_id=q.alarm_id, limit=q.limit, offset=q.offset,
        ))  # fmt: skip

    def acknowledge(self, alarm_ids: Iterable[int], user: str, comment: str | None = None) -> list[Alarm]:
        """Acknowledge; AlarmActionError when not one of them could be."""
        ids = list(alarm_ids)
        if len(ids) == 1:
            events = [self.engine.acknowledge(ids[0], user, comment)]
        else:
            events = self.engine.acknowledge_many(ids, user, comment)
            if not events:
                raise AlarmActionError("none of these alarms needs an acknowledgement")
        self._deliver(events)
        return [e.alarm for e in events]

    def shelve(self, alarm_id: int, minutes: float, reason: str, user: str) -> Alarm:
        """Shelve for ``minutes``."""
        event = self.engine.shelve(alarm_id, minutes, reason, user)
        self._deliver([event])
        return event.alarm

    def unshelve(self, alarm_id: int, user: str) -> Alarm:
        """Take a shelved alarm back."""
        event = self.engine.unshelve(alarm_id, user)
        self._deliver([event])
        return event.alarm

    def reload(self, site: Site) -> list[AlarmEvent]:
        """Run the rules of an edited site file without a restart (alarm states are kept)."""
        events = self.engine.replace_rules(compile_rules(site, self.limits))
        self.site = site
        self._points_of = None
        self._deliver(events)
        log.info("alarm rules reloaded: %d conditions", len(self.engine.rules.conditions))
        return events

    # -- limits changed at runtime --------------------------------------------------------------

    def point_limits(self, point: str) -> tuple[LimitSpec | None, str]:
        """A point's limits in force and where they come from: ``"runtime"`` or ``"site"``."""
        if point not in self.site.points:
            raise AlarmActionError(f"这个站没有测点 {point} / this site has no point {point}")
        if point in self.limits:
            return self.limits[point], "runtime"
        rule = site_limits(self.site, point)
        return (spec_of(rule) if rule is not None else None), "site"

    async def set_limits(self, point: str, limits: LimitSpec | None, user: str) -> list[AlarmEvent]:
        """Store a point's new limits (None: none at all) and run them at once; states are kept."""
        if point not in self.site.points:
            raise AlarmActionError(f"这个站没有测点 {point} / this site has no point {point}")
        if limits is not None:
            limit_rule(point, limits)  # refused in words before anything is stored
        change = await self._read(lambda: self.limit_store.set(point, limits, user))
        self.limits[point] = change.new
        log.info("alarm limits of %s changed by %s: %s -> %s", point, user, change.old, change.new)
        return self.reload(self.site)

    async def revert_limits(self, point: str, user: str) -> list[AlarmEvent]:
        """Go back to the site file's limits for ``point``."""
        await self._read(lambda: self.limit_store.revert(point, user))
        self.limits.pop(point, None)
        log.info("alarm limits of %s back to the site file's (by %s)", point, user)
        return self.reload(self.site)

    def _check_site_file(self) -> None:
        """An engineer saved the site file: run its alarm rules without a restart (bad files are refused)."""
        path = self.site.path
        stamp = _stamp(path)
        if path is None or stamp == self._site_stamp or self._loop is None:
            return
        self._site_stamp = stamp
        future = self._loop.run_in_executor(self._journal_thread, load_site, path)

        def loaded(f: asyncio.Future[Site]) -> None:
            exc = f.exception()
            if exc is not None:
                log.error("the site file %s was changed but cannot be used; the alarm rules in force stay: %s",
                          path, exc)  # fmt: skip
                return
            try:
                self.reload(f.result())
            except Exception:
                log.exception("reloading the alarm rules of %s failed; the rules in force stay", path)

        future.add_done_callback(loaded)

    async def fault_records(self, alarm_id: int | None = None, since: int | None = None) -> list[FaultRecordHeader]:
        """Fault records, newest first."""
        await self._faults_settled()
        return await self._read(lambda: self.recorder.records(alarm_id, since), self._fault_thread)

    async def fault_record(self, record_id: int) -> dict[str, list[Sample]]:
        """One record's samples per point."""
        await self._faults_settled()
        return await self._read(lambda: self.recorder.record(record_id), self._fault_thread)

    async def _settled(self) -> None:
        """Let events already raised reach the journal first, so a search right after sees them."""
        self._flush_journal()
        if self._writing is not None:
            await asyncio.gather(self._writing, return_exceptions=True)

    async def _faults_settled(self) -> None:
        self._flush_faults()
        if self._faults_writing is not None:
            await asyncio.gather(self._faults_writing, return_exceptions=True)

    async def _read(self, call: Callable[[], Any], thread: ThreadPoolExecutor | None = None) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(thread or self._journal_thread, call)

    def deliveries(self) -> list[ChannelStatus]:
        """Each notification channel's state (the console shows the failing ones)."""
        return self.notifier.status()

    def status_words(self) -> str:
        """"ok", or what is wrong with alarm storage, in words."""
        return self.journal_error or "ok"


def _stamp(path: Path | None) -> tuple[int, int] | None:
    """What tells a changed site file: its modification time and size."""
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def fault_config(site: Site) -> FaultConfig:
    """Fault recording settings from the site file's ``alarms.fault_recording``.

    The ring is sized for the fastest poll of the site, so the minutes before an alarm are all
    there at full resolution whatever the device.
    """
    spec = site.file.alarms.fault_recording
    fastest = min((d.poll for d in site.devices.values() if d.enabled), default=1.0)
    return FaultConfig(
        levels=frozenset(spec.levels), pre_minutes=spec.before, post_minutes=spec.after,
        rate_hz=max(0.01, 1.0 / fastest),
    )  # fmt: skip
