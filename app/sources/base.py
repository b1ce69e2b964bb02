"""DataSource: the one interface through which the console, reports and server see a plant.

Two implementations satisfy it: `DirectSource` (drivers, acquisition and historian in this
process) and `CloudSource` (a client of our own server's API).  Everything above — the
console's views, the reports, the server itself — is written against this class only, and
the same contract tests run against both, so anything the console does in direct mode it
does in cloud mode.

Shapes follow the cloud API (shared/API.md): times are integers in ms UTC, qualities are
`Quality`, history (`app.historian.History`) is either raw samples or buckets
``(ts, min, max, avg, last)``.
Callbacks registered with `subscribe` run on the source's event loop; the GUI's bridge
coalesces them before they reach the GUI thread.
"""

from __future__ import annotations

import abc
import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from app.alarms.fault_store import FaultRecordHeader
from app.alarms.flood import FloodSummary
from app.alarms.journal import JournalEntry
from app.alarms.limits import LimitSpec
from app.alarms.model import Alarm, AlarmEvent, JournalQuery
from app.alarms.notify import ChannelStatus
from app.auth import AuditEntry, Role, User
from app.historian import History
from app.historian.errors import UnknownPoint
from app.model import Sample
from app.sources.accounts import Login
from app.video.credentials import UnknownCamera
from app.video.snapshot_store import NoSnapshot, SnapshotInfo
from drivers.link import LinkEvent

log = logging.getLogger(__name__)

SamplesCallback = Callable[[list[Sample]], None]
LinkCallback = Callable[[LinkEvent], None]
AlarmCallback = Callable[[list[AlarmEvent]], None]


@dataclass(frozen=True, slots=True)
class RoomInfo:
    """A room as the API lists it."""

    id: str
    name: str
    name_en: str


@dataclass(frozen=True, slots=True)
class GatewayInfo:
    """A gateway and its state right now."""

    id: str
    name: str
    kind: str  # "dtu" | "modbus_tcp"
    state: str  # "online" | "offline"
    last_seen: int | None  # ms UTC
    room: str | None = None


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A device and whether it answers."""

    id: str
    name: str
    type: str  # the template's category
    gateway: str
    room: str | None
    state: str  # "ok" | "comm_fail" | "unknown"
    template: str = ""
    role: str | None = None  # incomer, transformer_lv, feeder, tcu, environment, ... (site file)
    upstream: str | None = None
    name_en: str = ""
    rating_kva: float | None = None  # nameplate (site file): load rates and losses measure against it
    no_load_loss_kw: float | None = None
    load_loss_kw: float | None = None
    #: Recorded register changes: (quantity id, ms UTC, old register's last value, new one's first).
    meter_changes: tuple[tuple[str, int, float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class PointInfo:
    """A point as the API lists it."""

    id: str
    device: str | None
    name: str
    name_en: str
    unit: str
    kind: str
    rollover: float | None = None  # counters: the value the register wraps at (its template's range)


@dataclass(frozen=True, slots=True)
class DiagramInfo:
    """A single-line diagram of the site: its id and room (its drawing comes from `DataSource.diagram`)."""

    id: str
    room: str | None = None
    name: str = ""  # Chinese; the id when the site file gives none
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class CameraInfo:
    """A camera of the site as the console may know it: never its URL or credentials.

    ``room`` is where it stands; ``rooms``, ``devices`` and ``rules`` are what it is linked to
    (`app.video.linkage`), ``popup_levels`` the alarm levels that pop it up, ``snapshot``
    whether those alarms get a stored frame.  Its URL comes from `DataSource.camera_url`.
    """

    id: str
    name: str
    name_en: str
    room: str | None = None
    devices: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    popup_levels: tuple[int, ...] = (1, 2)
    snapshot: bool = True


@dataclass(frozen=True, slots=True)
class SiteModel:
    """What `GET /site` returns: the plant's structure and the state of its parts."""

    name: str
    name_en: str
    timezone: str
    rooms: list[RoomInfo]
    gateways: list[GatewayInfo]
    devices: list[DeviceInfo]
    points: list[PointInfo]
    diagrams: list[DiagramInfo] = field(default_factory=list)
    cameras: list[CameraInfo] = field(default_factory=list)
    #: The site file's tariff section as written (periods, seasons, prices; `app.analysis.tariff`
    #: reads it): reports and the energy analysis price energy with it in both modes.
    tariff: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The API's JSON object."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """What `GET /health` reports and the console's status bar shows."""

    kind: str  # "direct" | "cloud"
    connected: bool  # cloud: the server answers; direct: the core is running
    gateways_online: int
    gateways_total: int
    points: int
    samples_written: int
    db: str  # "ok" or what is wrong, in words
    uptime_s: float
    # "ok", or the notification channels failing now, in words (Chinese; English after " / ")
    notify: str = "ok"


class Subscription:
    """Handle of a subscription; `close()` stops the callbacks."""

    def __init__(self, close: Callable[[], None]) -> None:
        self._close: Callable[[], None] | None = close

    def close(self) -> None:
        """Stop receiving callbacks (idempotent)."""
        if self._close is not None:
            self._close()
            self._close = None


class Subscribers:
    """The subscribers of one source and the hand-out to them, the same for every implementation.

    A broken subscriber is logged and skipped: it must never stop the plant's data reaching the
    others (the console, the server's stream, the alarm notifier all subscribe).
    """

    def __init__(self) -> None:
        self.samples: list[SamplesCallback] = []
        self.links: list[LinkCallback] = []
        self.alarms: list[AlarmCallback] = []

    def add(self, on_samples: SamplesCallback, on_link: LinkCallback | None = None,
            on_alarm: AlarmCallback | None = None) -> Subscription:
        """`DataSource.subscribe`: register the callbacks; the handle takes them off again."""
        self.samples.append(on_samples)
        if on_link is not None:
            self.links.append(on_link)
        if on_alarm is not None:
            self.alarms.append(on_alarm)

        def close() -> None:
            for subs, callback in ((self.samples, on_samples), (self.links, on_link),
                                   (self.alarms, on_alarm)):  # fmt: skip
                if callback is not None and callback in subs:
                    subs.remove(callback)  # type: ignore[arg-type]

        return Subscription(close)

    @staticmethod
    def _each(callbacks: list[Callable[[Any], None]], what: Any, kind: str) -> None:
        for callback in list(callbacks):
            try:
                callback(what)
            except Exception:  # one broken subscriber must not stop the plant's data
                log.exception("a %s subscriber failed", kind)

    def send_samples(self, batch: list[Sample]) -> None:
        """Hand a sample batch to every sample subscriber."""
        self._each(self.samples, batch, "sample")  # type: ignore[arg-type]

    def send_link(self, event: LinkEvent) -> None:
        """Hand a link event to every link subscriber."""
        self._each(self.links, event, "link-event")  # type: ignore[arg-type]

    def send_alarms(self, events: list[AlarmEvent]) -> None:
        """Hand alarm changes to every alarm subscriber."""
        self._each(self.alarms, events, "alarm")  # type: ignore[arg-type]


class DataSource(abc.ABC):
    """The plant as the console sees it; coroutines run on the source's own event loop."""

    kind: str = ""

    @abc.abstractmethod
    async def start(self) -> None:
        """Start acquiring (direct) or connect (cloud)."""

    @abc.abstractmethod
    async def stop(self) -> None:
        """Stop; whatever was received is recorded before this returns."""

    @abc.abstractmethod
    def site(self) -> SiteModel:
        """The site's structure with the current state of gateways and devices."""

    @abc.abstractmethod
    def subscribe(
        self,
        on_samples: SamplesCallback,
        on_link: LinkCallback | None = None,
        on_alarm: AlarmCallback | None = None,
    ) -> Subscription:
        """Receive every sample batch (and link events, and alarm changes) from now on."""

    @abc.abstractmethod
    async def latest(self, ids: Iterable[str] | None = None) -> list[Sample]:
        """The newest sample of each point (all points when ``ids`` is None)."""

    @abc.abstractmethod
    async def history(self, point: str, start: int, end: int, max_points: int = 2000) -> History:
        """A point's history in ``[start, end]``: raw when it holds at most ``max_points`` samples."""

    async def histories(self, points: Iterable[str], start: int, end: int, max_points: int = 2000,
                        rows: bool = True) -> list[History]:
        """Many points' histories over one range, in the order asked (each point once); a point the
        source does not know is left out.  ``rows=False`` allows raw samples as arrays instead of
        tuples (`History.series`; read them with `History.columns`), for an answer sent as columns.

        A console's backfill after an outage asks for the whole site at once.  This default asks
        `history` point by point, eight at a time; a source with a cheaper way (one read of the
        historian, one call to the server) overrides it.
        """
        gate = asyncio.Semaphore(8)

        async def one(point: str) -> History | None:
            async with gate:
                try:
                    return await self.history(point, start, end, max_points)
                except UnknownPoint:
                    return None

        found = await asyncio.gather(*(one(p) for p in dict.fromkeys(points)))
        return [h for h in found if h is not None]

    @abc.abstractmethod
    async def as_of(self, ids: Iterable[str], ts: int) -> dict[str, Sample]:
        """What each point's value was at ``ts`` (the last sample at or before it)."""

    @abc.abstractmethod
    def status(self) -> SourceStatus:
        """Health figures for the status bar and /health."""

    # -- alarms (issue 5; GET /alarms, POST /alarms/{id}/ack|shelve) ----------------------------

    @abc.abstractmethod
    async def alarms(self, state: str = "active", since: int | None = None, limit: int | None = None) -> list[Alarm]:
        """Alarm occurrences, newest raised first: ``active`` (all but normal) or ``all``."""

    @abc.abstractmethod
    async def alarm_journal(self, query: JournalQuery) -> list[JournalEntry]:
        """Journal rows (every change of every alarm) matching ``query``, newest first."""

    @abc.abstractmethod
    async def acknowledge(self, alarm_ids: Iterable[int], user: str, comment: str | None = None) -> list[Alarm]:
        """Acknowledge alarms; `AlarmActionError` when none of them could be (e.g. already acknowledged)."""

    @abc.abstractmethod
    async def shelve(self, alarm_id: int, minutes: float, reason: str, user: str) -> Alarm:
        """Shelve an alarm for ``minutes`` with a reason; it returns by itself."""

    @abc.abstractmethod
    async def unshelve(self, alarm_id: int, user: str) -> Alarm:
        """Take a shelved alarm back before its time."""

    @abc.abstractmethod
    def flood(self) -> FloodSummary | None:
        """The alarm flood going on now, if any (for the banner's summary)."""

    @abc.abstractmethod
    async def point_limits(self, point: str) -> tuple[LimitSpec | None, str]:
        """A point's alarm limits in force and their origin, ``"site"`` (the file) or ``"runtime"``."""

    @abc.abstractmethod
    async def set_point_limits(self, point: str, limits: LimitSpec | None, user: str) -> None:
        """Change a point's limits at runtime (None: none); they run at once and survive a restart."""

    @abc.abstractmethod
    async def revert_point_limits(self, point: str, user: str) -> None:
        """Go back to the site file's limits for ``point``."""

    @abc.abstractmethod
    async def diagram(self, diagram_id: str) -> str:
        """A diagram's file (the versioned JSON of `app.diagram.fileformat`); KeyError names an unknown id."""

    @abc.abstractmethod
    async def save_diagram(self, diagram_id: str, text: str, base_revision: int | None, user: str) -> int:
        """Store an edited diagram (checked like opening it); returns the revision stored.
        Raises `DiagramFileError` for a drawing that would not open, `DrawingConflict` when someone
        saved a newer revision since ``base_revision``, OSError when it cannot be written."""

    # -- users and the audit log: local users in direct mode, the server's in cloud mode --------

    @abc.abstractmethod
    async def needs_first_admin(self) -> bool:
        """No administrator exists yet (the console asks for the first one; never a default password)."""

    @abc.abstractmethod
    async def create_first_admin(self, name: str, password: str, display_name: str = "") -> User:
        """Create the first administrator; refused (`UserConflict`) once one exists."""

    @abc.abstractmethod
    async def login(self, name: str, password: str) -> Login:
        """Sign in; `BadCredentials`, `AccountLocked` or `AccountDisabled` in words otherwise."""

    @abc.abstractmethod
    async def logout(self) -> None:
        """Sign out the signed-in user."""

    @abc.abstractmethod
    def current_login(self) -> Login | None:
        """Who is signed in now (None before a login and after the session expired)."""

    @abc.abstractmethod
    async def change_password(self, old: str, new: str) -> None:
        """The signed-in user changes their password (`PasswordRejected` says why not)."""

    @abc.abstractmethod
    async def users(self) -> list[User]:
        """Every user (needs manage_users)."""

    @abc.abstractmethod
    async def create_user(self, name: str, role: Role | str, password: str, rooms: Iterable[str] = (),
                          display_name: str = "") -> User:
        """A new user (needs manage_users)."""

    @abc.abstractmethod
    async def update_user(self, name: str, *, role: Role | str | None = None, rooms: Iterable[str] | None = None,
                          display_name: str | None = None, enabled: bool | None = None,
                          password: str | None = None, unlock: bool = False) -> User:
        """Change what is given of a user (needs manage_users); returns the user as stored."""

    @abc.abstractmethod
    async def delete_user(self, name: str) -> None:
        """Remove a user (needs manage_users; never the last enabled administrator)."""

    @abc.abstractmethod
    async def audit(self, since: int | None = None, until: int | None = None, user: str | None = None,
                    actions: Iterable[str] | None = None, limit: int = 1000) -> list[AuditEntry]:
        """The audit log, newest first: who did what, when, from where, with what result."""

    @abc.abstractmethod
    def notification_status(self) -> list[ChannelStatus]:
        """Each notification channel's state: ok, failing since when and why (in both languages)."""

    @abc.abstractmethod
    async def fault_records(self, alarm_id: int | None = None, since: int | None = None) -> list[FaultRecordHeader]:
        """Fault records (full-resolution captures around alarms), newest first."""

    @abc.abstractmethod
    async def fault_record(self, record_id: int) -> dict[str, list[Sample]]:
        """One fault record's samples per point, oldest first (opened as a trend)."""

    # -- cameras (issue 8) ----------------------------------------------------------------------
    # Defaults for a source without cameras (the benches' synthetic plants): every camera id is
    # unknown and no alarm has a snapshot.  Both real sources override all three.

    async def camera_url(self, camera_id: str) -> str:
        """The camera's RTSP URL with its credentials, to play it (never logged or shown: `redact`).

        Direct: the site file's URL with the password from the environment variable its
        ``password_env`` names (`PasswordNotSet`, in words naming the variable, when it is not
        set).  Cloud: the server's answer, which needs ``view`` in the camera's room and is
        audited as ``camera.view``.  `UnknownCamera` (a KeyError) for an id the site lacks.
        """
        raise UnknownCamera(camera_id)

    async def alarm_snapshots(self, alarm_id: int) -> list[SnapshotInfo]:
        """The pictures taken when alarm ``alarm_id`` was raised (one per linked camera), without their bytes."""
        return []

    async def snapshots_of(self, alarm_ids: Iterable[int]) -> list[SnapshotInfo]:
        """`alarm_snapshots` of many alarms in one call (the alarm list marks the alarms that have one)."""
        return []

    async def snapshot_info(self, snapshot_id: int) -> SnapshotInfo:
        """One snapshot's description; `NoSnapshot` (a KeyError, in words) when there is none with that id."""
        raise NoSnapshot(snapshot_id)

    async def alarm_snapshot(self, snapshot_id: int) -> bytes:
        """One snapshot's JPEG; `NoSnapshot` (a KeyError, in words: the camera's reason) when it has no picture."""
        raise NoSnapshot(snapshot_id)
