"""DirectSource: the plant read in this process — drivers, acquisition and historian on one loop.

`SiteScan` produces samples on the event loop; each batch updates the latest-value table,
goes to the historian's writer thread (which never blocks the loop) and to every subscriber.
Queries run in a small thread pool, never on the loop.  With ``simulate=True`` the site's
simulated plant runs on the same loop and dials the listener over loopback: the embedded
demo and the tests need nothing else.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from app.acquisition import SiteScan
from app.alarms.core import AlarmCore
from app.alarms.fault_store import FaultRecordHeader
from app.alarms.flood import FloodSummary
from app.alarms.journal import JournalEntry
from app.alarms.limits import LimitSpec
from app.alarms.model import Alarm, AlarmActionError, AlarmEvent, JournalQuery
from app.alarms.notify import ChannelStatus
from app.auth import Action, AuditEntry, Permission, Result, Role, User
from app.config import Site
from app.diagram.drawings import DrawingConflict, save_drawing
from app.diagram.symbols import load_library
from app.historian import AsyncHistory, Historian, History, StoragePolicy
from app.historian import PointInfo as StoredPoint
from app.model import PointKind, Sample
from app.reports.runner import start_reports
from app.reports.schedule import ReportScheduler
from app.simulation import plant_from_site
from app.sources.accounts import Accounts, Login
from app.sources.base import (
    AlarmCallback,
    CameraInfo,
    DataSource,
    DeviceInfo,
    DiagramInfo,
    GatewayInfo,
    LinkCallback,
    PointInfo,
    RoomInfo,
    SamplesCallback,
    SiteModel,
    SourceStatus,
    Subscribers,
    Subscription,
)
from app.sources.direct_cameras import CameraDesk
from app.video.snapshots import AlarmSnapshots
from drivers.link import LinkEvent
from drivers.simulator import Simulator

log = logging.getLogger(__name__)

_RETENTION_KEYS = {"raw": "raw", "m1": "1m", "m15": "15m", "h1": "1h", "d1": "1d"}


def storage_policy(site: Site) -> StoragePolicy:
    """Retention from the site file; daily rollups cut at the site's local midnight."""
    retention = site.file.historian.retention
    days = {_RETENTION_KEYS[k]: getattr(retention, k) for k in _RETENTION_KEYS}
    offset = datetime.now(site.tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return StoragePolicy(retention_days=days, day_offset_min=minutes)


def stored_points(site: Site) -> list[StoredPoint]:
    """How each point of the site is stored: deadband by unit, a maximum interval for continuity."""
    settings = site.file.historian
    out = []
    for p in site.points.values():
        deadband = 0.0 if p.kind is not PointKind.ANALOG else settings.deadband.get(p.unit, 0.0)
        out.append(StoredPoint(p.id, p.unit, p.kind, deadband, settings.max_interval))
    return out


class DirectSource(CameraDesk, DataSource):
    """Field I/O, acquisition and the historian in this process."""

    kind = "direct"

    def __init__(
        self,
        site: Site,
        db_url: str | Path,
        *,
        listen: tuple[str, int] | None = None,
        simulate: bool = False,
        bus_timing: bool = True,
        random_faults: bool = False,
        speedup: float = 1.0,
        reports: Path | None = None,
    ) -> None:
        self.site_config = site
        self.reports_dir = reports  # scheduled reports' jobs and templates (None: no schedule runs here)
        self.reports: ReportScheduler | None = None
        self.db_url = db_url
        self.listen = listen
        self.simulate = simulate
        self._sim_options = {"bus_timing": bus_timing, "random_faults": random_faults, "speedup": speedup}
        self.historian = Historian(db_url, policy=storage_policy(site))
        self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="history-query")
        self._queries = AsyncHistory(self.historian, self._executor)
        self.scan: SiteScan | None = None
        self.simulator: Simulator | None = None
        self._latest: dict[str, Sample] = {}
        self._subscribers = Subscribers()
        self.alarm_core = AlarmCore(site, db_url, self._on_alarms)
        # pictures of linked alarms, with the cameras of the site file the alarm desk runs (it reloads edits)
        self.snapshots = AlarmSnapshots(lambda: self.alarm_core.site.file.cameras, db_url)
        self.alarm_core.sinks.append(self.snapshots.submit)
        self.accounts = Accounts(db_url, self._executor)
        self._started = 0.0
        self.address: tuple[str, int] | None = None

    # -- life ----------------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the historian, start listening and scanning (and the simulator when asked)."""
        loop = asyncio.get_running_loop()
        self.historian.register_points(stored_points(self.site_config))
        try:
            await loop.run_in_executor(self._executor, self.historian.open)
            self._latest.update(await self._queries.latest(list(self.site_config.points)))
            await self.snapshots.start()
            await self.alarm_core.start()  # before the first sample: active alarms come back first
            self.scan = SiteScan(self.site_config, self._on_samples, on_link=self._on_link, listen=self.listen)
            self.address = await self.scan.start()
            if self.simulate:
                host, port = self.address
                dial = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
                self.simulator = Simulator(plant_from_site(self.site_config), dial, port, **self._sim_options)
                await self.simulator.start()
        except BaseException:
            await self.stop()
            raise
        self._started = time.monotonic()
        if self.reports_dir is not None:
            self.reports = start_reports(self, self.site_config, self.reports_dir)
        log.info("direct source running: %d points, history in %s", len(self.site_config.points), self.historian.where)

    async def stop(self) -> None:
        """Stop field I/O, then commit everything received and close the historian."""
        self.snapshots.refuse()
        if self.reports is not None:
            await self.reports.stop()
            self.reports = None
        if self.scan is not None:  # first: the simulator's hang-ups must not read as comm loss
            await self.scan.stop()
            self.scan = None
        if self.simulator is not None:
            await self.simulator.stop()
            self.simulator = None
        try:
            await self.alarm_core.stop()
        finally:
            await self.snapshots.stop()  # the pictures under way are stored first (each within its timeout)
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._executor, self.accounts.close)
            await loop.run_in_executor(self._executor, self.historian.close)
            self._executor.shutdown(wait=False)

    def reports_changed(self) -> None:
        """The schedule was edited: the report scheduler looks at it again now."""
        if self.reports is not None:
            self.reports.changed()

    # -- the stream ---------------------------------------------------------------------------

    def _on_samples(self, batch: list[Sample]) -> None:
        latest = self._latest
        for s in batch:
            latest[s.point] = s
        self.historian.write(batch)
        try:
            self.alarm_core.feed(batch)
        except Exception:  # a rule that throws must not stop the plant's data reaching anyone
            log.exception("alarm handling failed on a sample batch")
        self._subscribers.send_samples(batch)

    def _on_link(self, event: LinkEvent) -> None:
        try:
            self.alarm_core.link(event)
        except Exception:
            log.exception("alarm handling failed on a link event")
        self._subscribers.send_link(event)

    def _on_alarms(self, events: list[AlarmEvent]) -> None:
        self._subscribers.send_alarms(events)

    def subscribe(
        self,
        on_samples: SamplesCallback,
        on_link: LinkCallback | None = None,
        on_alarm: AlarmCallback | None = None,
    ) -> Subscription:
        """Every sample batch, link event and alarm change from now on, called on the source's loop."""
        return self._subscribers.add(on_samples, on_link, on_alarm)

    # -- queries ------------------------------------------------------------------------------

    def site(self) -> SiteModel:
        """The site's structure with the state of its gateways and devices right now."""
        f = self.site_config.file
        tz = self.site_config.tz
        scan = self.scan
        states = scan.gateways if scan is not None else {}
        device_state: dict[str, str] = {}
        if scan is not None:
            for bus in scan.scans.values():
                for d in bus.devices:
                    device_state[d.device] = "comm_fail" if d.comm_fail else ("ok" if d.last_ok else "unknown")
        gateways = []
        for g in f.gateways:
            st = states.get(g.id)
            gateways.append(GatewayInfo(g.id, g.name.zh, g.kind, "online" if st and st.online else "offline",
                                        st.last_seen if st else None, g.room))  # fmt: skip
        return SiteModel(
            name=f.site.name.zh,
            name_en=f.site.name.en,
            timezone=f.site.timezone,
            rooms=[RoomInfo(r.id, r.name.zh, r.name.en) for r in f.rooms],
            gateways=gateways,
            devices=[
                DeviceInfo(
                    d.id,
                    d.name.zh,
                    self.site_config.templates[d.id].category,
                    d.gateway,
                    d.room,
                    device_state.get(d.id, "unknown"),
                    d.template,
                    d.role,
                    d.upstream,
                    d.name.en,
                    d.rating.kva,
                    d.rating.no_load_loss_kw,
                    d.rating.load_loss_kw,
                    tuple((c.point, _ms(c.at, tz), c.old_final, c.new_initial) for c in d.meter_changes),
                )
                for d in f.devices
            ],
            points=[
                PointInfo(p.id, p.device, p.name_zh, p.name_en, p.unit, p.kind.value,
                          p.range[1] if p.kind is PointKind.COUNTER and p.range else None)
                for p in self.site_config.points.values()
            ],
            diagrams=[DiagramInfo(d.id, d.room, d.name.zh if d.name else d.id, d.name.en if d.name else d.id)
                      for d in f.diagrams],
            cameras=[CameraInfo(c.id, c.name.zh, c.name.en, c.room, tuple(c.devices), tuple(c.rooms), tuple(c.rules),
                                tuple(c.popup_levels), c.snapshot) for c in f.cameras],
            tariff=_json_ready(f.tariff),
        )

    async def latest(self, ids: Iterable[str] | None = None) -> list[Sample]:
        """Newest samples, from memory (everything received since start, or stored before)."""
        if ids is None:
            return list(self._latest.values())
        latest = self._latest
        return [latest[i] for i in ids if i in latest]

    async def history(self, point: str, start: int, end: int, max_points: int = 2000) -> History:
        """Raw or bucketed history, from the historian's thread pool."""
        return await self._queries.history(point, start, end, max_points)

    async def histories(self, points: Iterable[str], start: int, end: int, max_points: int = 2000,
                        rows: bool = True) -> list[History]:
        """Many points' histories in one read of the historian (points it does not know are left out)."""
        return await self._queries.histories(list(points), start, end, max_points, rows)

    async def as_of(self, ids: Iterable[str], ts: int) -> dict[str, Sample]:
        """Each point's value at ``ts``."""
        return await self._queries.as_of_many(list(ids), ts)

    def status(self) -> SourceStatus:
        """Health figures: gateways, points, what was written, the database's state."""
        states = self.scan.gateways if self.scan is not None else {}
        h = self.historian.status
        return SourceStatus(
            kind=self.kind,
            connected=self.scan is not None,
            gateways_online=sum(1 for s in states.values() if s.online),
            gateways_total=len(self.site_config.file.gateways),
            points=len(self.site_config.points),
            samples_written=h.written,
            db=_db_words(h.ok, h.message, self.alarm_core.status_words()),
            uptime_s=time.monotonic() - self._started if self._started else 0.0,
            notify=_notify_words(self.alarm_core.deliveries()),
        )

    # -- alarms -------------------------------------------------------------------------------

    async def alarms(self, state: str = "active", since: int | None = None, limit: int | None = None) -> list[Alarm]:
        """Active alarms from the engine, all of them from the journal."""
        return await self.alarm_core.alarms(state, since, limit)

    async def alarm_journal(self, query: JournalQuery) -> list[JournalEntry]:
        """The journal, searched on its own thread."""
        return await self.alarm_core.search(query)

    async def acknowledge(self, alarm_ids: Iterable[int], user: str, comment: str | None = None, *,
                          address: str | None = None) -> list[Alarm]:
        """Acknowledge on the loop (the engine's thread); the journal follows; the audit log says who."""
        ids = list(alarm_ids)
        target = "alarm " + ",".join(map(str, ids))
        await self.accounts.check(user, Permission.ACKNOWLEDGE, Action.ACKNOWLEDGE, target, address)
        try:
            done = self.alarm_core.acknowledge(ids, user, comment)
        except AlarmActionError as exc:
            await self.accounts.record(Action.ACKNOWLEDGE, user, target, str(exc), Result.REFUSED, address)
            raise
        await self.accounts.record(Action.ACKNOWLEDGE, user, target, comment or "", Result.OK, address)
        return done

    async def shelve(self, alarm_id: int, minutes: float, reason: str, user: str, *,
                     address: str | None = None) -> Alarm:
        """Shelve for a while, with a reason."""
        await self.accounts.check(user, Permission.SHELVE, Action.SHELVE, f"alarm {alarm_id}", address)
        try:
            done = self.alarm_core.shelve(alarm_id, minutes, reason, user)
        except AlarmActionError as exc:
            await self.accounts.record(Action.SHELVE, user, f"alarm {alarm_id}", str(exc), Result.REFUSED,
                                       address)
            raise
        await self.accounts.record(Action.SHELVE, user, f"alarm {alarm_id}", f"{minutes:g} min: {reason}",
                                   Result.OK, address)
        return done

    async def unshelve(self, alarm_id: int, user: str, *, address: str | None = None) -> Alarm:
        """Return a shelved alarm now."""
        await self.accounts.check(user, Permission.SHELVE, Action.UNSHELVE, f"alarm {alarm_id}", address)
        try:
            done = self.alarm_core.unshelve(alarm_id, user)
        except AlarmActionError as exc:
            await self.accounts.record(Action.UNSHELVE, user, f"alarm {alarm_id}", str(exc), Result.REFUSED,
                                       address)
            raise
        await self.accounts.record(Action.UNSHELVE, user, f"alarm {alarm_id}", "", Result.OK, address)
        return done

    def flood(self) -> FloodSummary | None:
        """The alarm flood going on, if any."""
        return self.alarm_core.flood()

    async def point_limits(self, point: str) -> tuple[LimitSpec | None, str]:
        """A point's limits in force and where they come from."""
        return self.alarm_core.point_limits(point)

    async def set_point_limits(self, point: str, limits: LimitSpec | None, user: str, *,
                               address: str | None = None) -> None:
        """Change a point's limits now (stored, then run; alarm states are kept)."""
        await self.accounts.check(user, Permission.EDIT_ALARM_RULES, Action.LIMIT_CHANGE, point, address)
        await self.alarm_core.set_limits(point, limits, user)
        await self.accounts.record(Action.LIMIT_CHANGE, user, point, repr(limits), Result.OK, address)

    async def revert_point_limits(self, point: str, user: str, *, address: str | None = None) -> None:
        """Back to the site file's limits."""
        await self.accounts.check(user, Permission.EDIT_ALARM_RULES, Action.LIMIT_CHANGE, point, address)
        await self.alarm_core.revert_limits(point, user)
        await self.accounts.record(Action.LIMIT_CHANGE, user, point, "back to the site file's limits", Result.OK,
                                   address)

    async def diagram(self, diagram_id: str) -> str:
        """A diagram file of the site, read off the loop (paths are relative to the site file)."""
        path = self._diagram_path(diagram_id)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, path.read_text, "utf-8")
        except OSError as exc:
            raise OSError(f"the diagram {diagram_id!r} cannot be read from {path}: {exc.strerror or exc}") from exc

    def _diagram_path(self, diagram_id: str) -> Path:
        ref = next((d for d in self.site_config.file.diagrams if d.id == diagram_id), None)
        if ref is None:
            raise KeyError(f"this site has no diagram {diagram_id!r}")
        base = self.site_config.path.parent if self.site_config.path is not None else Path.cwd()
        return (base / ref.file).resolve()

    async def save_diagram(self, diagram_id: str, text: str, base_revision: int | None, user: str, *,
                           address: str | None = None) -> int:
        """Write the site's diagram file off the loop: checked, atomic, previous revision kept."""
        path = self._diagram_path(diagram_id)
        await self.accounts.check(user, Permission.EDIT_SITE, Action.DIAGRAM_EDIT, f"diagram {diagram_id}", address)
        loop = asyncio.get_running_loop()
        try:
            revision = await loop.run_in_executor(
                self._executor, save_drawing, path, text, load_library(), diagram_id, base_revision)
        except (ValueError, DrawingConflict, OSError) as exc:
            await self.accounts.record(Action.DIAGRAM_EDIT, user, f"diagram {diagram_id}", str(exc)[:500],
                                       Result.REFUSED if isinstance(exc, DrawingConflict) else Result.FAILED, address)
            raise
        await self.accounts.record(Action.DIAGRAM_EDIT, user, f"diagram {diagram_id}", f"revision {revision}",
                                   Result.OK, address)
        log.info("diagram %s saved as revision %s by %s", diagram_id, revision, user or "?")
        return revision

    # -- users and the audit log (app.sources.accounts) -----------------------------------------

    async def needs_first_admin(self) -> bool:
        """No administrator exists yet: the console asks for the first one."""
        return await self.accounts.needs_first_admin()

    async def create_first_admin(self, name: str, password: str, display_name: str = "") -> User:
        """Create the first administrator (refused once one exists)."""
        return await self.accounts.create_first_admin(name, password, display_name)

    async def login(self, name: str, password: str) -> Login:
        """Sign in (lockout after repeated failures; every attempt audited)."""
        return await self.accounts.sign_in(name, password)

    async def logout(self) -> None:
        """Sign out the console's user."""
        await self.accounts.sign_out()

    def current_login(self) -> Login | None:
        """Who is signed in, kept alive by calling (None once the session expired)."""
        return self.accounts.touch()

    async def change_password(self, old: str, new: str) -> None:
        """The signed-in user changes their own password."""
        await self.accounts.change_password(old, new)

    async def users(self) -> list[User]:
        """Every user (needs manage_users)."""
        return await self.accounts.users()

    async def create_user(self, name: str, role: Role | str, password: str, rooms: Iterable[str] = (),
                          display_name: str = "") -> User:
        """A new user (needs manage_users)."""
        return await self.accounts.create_user(name, role, password, rooms, display_name)

    async def update_user(self, name: str, *, role: Role | str | None = None, rooms: Iterable[str] | None = None,
                          display_name: str | None = None, enabled: bool | None = None,
                          password: str | None = None, unlock: bool = False) -> User:
        """Change a user (needs manage_users)."""
        return await self.accounts.update_user(name, role=role, rooms=rooms, display_name=display_name,
                                               enabled=enabled, password=password, unlock=unlock)

    async def delete_user(self, name: str) -> None:
        """Remove a user (needs manage_users; never the last administrator)."""
        await self.accounts.delete_user(name)

    async def audit(self, since: int | None = None, until: int | None = None, user: str | None = None,
                    actions: Iterable[str] | None = None, limit: int = 1000) -> list[AuditEntry]:
        """Who did what when, newest first."""
        return await self.accounts.audit(since, until, user, actions, limit)

    def notification_status(self) -> list[ChannelStatus]:
        """Each notification channel's state."""
        return self.alarm_core.deliveries()

    async def fault_records(self, alarm_id: int | None = None, since: int | None = None) -> list[FaultRecordHeader]:
        """Fault records, newest first."""
        return await self.alarm_core.fault_records(alarm_id, since)

    async def fault_record(self, record_id: int) -> dict[str, list[Sample]]:
        """One fault record's samples."""
        return await self.alarm_core.fault_record(record_id)


def _notify_words(channels: list[ChannelStatus]) -> str:
    """"ok", or each failing notification channel's own words (both languages)."""
    failing = [c for c in channels if c.state == "failing"]
    if not failing:
        return "ok"
    return "；".join(c.text for c in failing) + " / " + "; ".join(c.text_en for c in failing)


def _db_words(historian_ok: bool, historian_words: str, alarm_words: str) -> str:
    """The database's state for the status bar: "ok" or every problem, in words."""
    problems = [w for w in ((historian_words if not historian_ok else ""),
                            ("" if alarm_words == "ok" else alarm_words)) if w]  # fmt: skip
    return "; ".join(problems) or "ok"


def _ms(at: datetime, tz: ZoneInfo) -> int:
    """ms UTC of a site-file time (local to the site unless it carries an offset)."""
    return int((at if at.tzinfo is not None else at.replace(tzinfo=tz)).timestamp() * 1000)


def _json_ready(value: Any) -> Any:
    """The site file's tariff section with dates as ISO text, as the API carries it."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
