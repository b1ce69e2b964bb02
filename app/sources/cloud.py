"""CloudSource: the plant as our server shows it — REST for questions, a WebSocket for live data.

The console runs the same screens on a `DirectSource` and on this; the contract tests run
against both.  Everything happens on the source's event loop (the console's bridge runs
`start()` and every call there): an `httpx.AsyncClient` with pooled connections for REST
(`app.sources.cloud_http`), the `websockets` client for `/stream` with reconnection and
backfill (`app.sources.cloud_stream`).  Shapes travel through `app.api.codec`, the module the
server answers with, so the two ends cannot drift.

Signing in and starting.  The server wants a token for everything but `/health`, and the
bridge reads `site()` right after `start()`.  So a console gives the source its credentials
(``credentials=(name, password)``) or a token it already holds (``token=``) when it makes it:
`start()` then signs in, fetches `/site` and the latest values and opens the stream, and the
console's startup order (bridge.start(), then the window) works unchanged.  Without either,
`start()` only checks `/health`; `site()` raises `NotSignedIn` until `login()`, which fetches
the site and opens the stream the same way (a login dialog shown before any view needs the site).

``backfill_concurrency`` bounds the history requests in flight after an outage: the server
answers on one loop, so more than a few only make the HTTP pool's bookkeeping grow (bench
tests/bench/cloud_stream.py: 8 in flight took 9.4 s where 16 took 13.7 s).

When the server says the token is no longer good (401), `current_login()` becomes None, every
call raises `SessionExpired`, and the stream stops until the next `login()`.  While the stream
is down, `status().connected` is False and its ``db`` words say so, for the status bar.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from app.alarms.fault_store import FaultRecordHeader
from app.alarms.flood import FloodSummary
from app.alarms.journal import JournalEntry
from app.alarms.limits import LimitSpec
from app.alarms.model import Alarm, AlarmEvent, JournalQuery
from app.alarms.notify import ChannelStatus
from app.api.codec import decode, history_from_json, sample_from_object, sample_from_row
from app.auth import AuditEntry, Role, SessionExpired, User
from app.historian import History
from app.model import Sample
from app.sources.accounts import Login
from app.sources.base import (
    AlarmCallback,
    DataSource,
    LinkCallback,
    SamplesCallback,
    SiteModel,
    SourceStatus,
    Subscribers,
    Subscription,
)
from app.sources.cloud_cameras import CameraCalls
from app.sources.cloud_http import ApiClient, ServerUnreachable
from app.sources.cloud_stream import Backoff, Stream
from drivers.link import LinkEvent, LinkState

log = logging.getLogger(__name__)

#: How often `/status`, `/alarms/flood` and `/notifications` are read for the status bar, in seconds.
STATUS_PERIOD_S = 2.0


class NotSignedIn(SessionExpired):
    """A question that needs the server's data before anyone signed in (a `SessionExpired`: log in)."""

    def __init__(self) -> None:
        super().__init__("尚未登录服务器", "not signed in to the server")


class CloudSource(CameraCalls, DataSource):
    """A client of the cloud API (shared/API.md and the server's OpenAPI document)."""

    kind = "cloud"

    def __init__(self, url: str, *, credentials: tuple[str, str] | None = None, token: str | None = None,
                 timeout: float = 10.0, backoff: Backoff | None = None, backfill_concurrency: int = 8,
                 status_period: float = STATUS_PERIOD_S) -> None:
        self.url = url
        self._timeout = timeout
        self._credentials = credentials
        self._token = token
        self.api = ApiClient(url, timeout=timeout, on_expired=self._expired,
                             connections=max(backfill_concurrency, 4))
        self._login: Login | None = None
        self._site: SiteModel | None = None
        self._latest: dict[str, Sample] = {}
        self._subscribers = Subscribers()
        self._status: dict[str, Any] = {}
        self._flood: FloodSummary | None = None
        self._channels: list[ChannelStatus] = []
        self._status_period = status_period
        self._status_task: asyncio.Task[None] | None = None
        self.stream = Stream(
            self._ws_url, points=lambda: list(self._latest_ids()), last_ts=self._last_ts,
            history=self._history_json, histories=self._histories_json,
            alarms_since=lambda since: self.alarms("all", since, None),
            deliver_samples=self._on_samples, deliver_alarms=self._on_alarms, deliver_link=self._on_link,
            on_expired=self._expired, on_connected=self._refresh_latest, backoff=backoff,
            concurrency=backfill_concurrency,
        )

    # -- life ----------------------------------------------------------------------------------

    async def start(self) -> None:
        """Check the server answers; sign in with what the constructor was given and go online."""
        health = await self.api.call("GET", "/health", auth=False)
        if isinstance(health, dict):
            self._status.update(health)
        try:
            if self._credentials is not None:
                await self.login(*self._credentials)
            elif self._token is not None:
                self.api.token = self._token
                me = await self.api.call("GET", "/auth/me")
                self._login = login_from_json({"token": self._token, **me} if "user" in me else
                                              {"token": self._token, "user": me, "expires_at": 0})
                await self._go_online()
        except BaseException:
            await self.stop()
            raise
        log.info("cloud source on %s: %s", self.api.base, "signed in" if self._login else "waiting for a login")

    async def stop(self) -> None:
        """Close the stream and the connections (nothing is recorded here: the server keeps it all)."""
        await self._go_offline()
        await self.api.close()

    async def _go_online(self) -> None:
        """Signed in: the site, the newest values, then the stream and the status poll."""
        self._site = decode(SiteModel, await self.api.call("GET", "/site"), "site")
        await self._refresh_latest()
        self.stream.start()
        if self._status_task is None or self._status_task.done():
            self._status_task = asyncio.create_task(self._poll_status(), name="cloud-status")
        # Subscribers get everything "from now on", as from a DirectSource: wait for the stream
        # (a server whose stream does not come up still answers questions; the status bar says so).
        if not await self.stream.wait_live(self._timeout):
            log.warning("the server's stream is not up yet; live values follow when it is")

    async def _go_offline(self) -> None:
        task, self._status_task = self._status_task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await self.stream.stop()

    def _expired(self) -> None:
        """The server no longer takes the token: forget the login, stop the stream (the console asks again)."""
        if self._login is not None:
            log.warning("the server ended the session of %s: log in again", self._login.user.name)
        self._login = None
        self.api.token = None
        with contextlib.suppress(RuntimeError):  # no loop: stopping anyway
            asyncio.get_running_loop().create_task(self._go_offline())

    def _ws_url(self) -> tuple[str, dict[str, str]]:
        """The stream's URL, and the token as a bearer header (never in the URL, which servers log)."""
        base = self.api.base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        return f"{base}/stream", {"Authorization": f"Bearer {self.api.token or ''}"}

    async def _refresh_latest(self) -> None:
        """The server's newest value of every point into the cache (at sign-in and every reconnect).

        A cached sample is only replaced by a newer one, so the backfill still starts where the
        subscribers' data ended."""
        rows = await self.api.call("GET", "/points/latest")
        latest = self._latest
        for s in (sample_from_object(r) for r in rows):
            if s.point not in latest:
                latest[s.point] = s

    async def _poll_status(self) -> None:
        while True:
            try:
                status, flood, channels = await asyncio.gather(
                    self.api.call("GET", "/status"), self.api.call("GET", "/alarms/flood"),
                    self.api.call("GET", "/notifications"))
                self._status.update(status or {})
                self._flood = decode(FloodSummary | None, flood, "flood")  # type: ignore[arg-type]
                self._channels = decode(list[ChannelStatus], channels or [], "notifications")
            except SessionExpired:
                return
            except Exception as exc:  # the server away: the stream says so, the poll tries again
                log.debug("status poll failed: %s", exc)
            await asyncio.sleep(self._status_period)

    # -- the stream ---------------------------------------------------------------------------

    def _latest_ids(self) -> Iterable[str]:
        site = self._site
        return (p.id for p in site.points) if site is not None else self._latest.keys()

    def _last_ts(self, point: str) -> int | None:
        s = self._latest.get(point)
        return None if s is None else s.ts

    def _on_samples(self, batch: list[Sample]) -> None:
        latest = self._latest
        for s in batch:
            latest[s.point] = s
        self._subscribers.send_samples(batch)

    def _on_link(self, event: LinkEvent) -> None:
        site = self._site
        if site is not None and event.state in (LinkState.ONLINE, LinkState.OFFLINE):
            state = "online" if event.state is LinkState.ONLINE else "offline"
            gateways = [dataclasses.replace(g, state=state, last_seen=int(event.ts * 1000))
                        if g.id == event.gateway else g for g in site.gateways]
            self._site = dataclasses.replace(site, gateways=gateways)
            # the status bar follows at once rather than at the next /status poll
            self._status["gateways_online"] = sum(1 for g in gateways if g.state == "online")
        self._subscribers.send_link(event)

    def _on_alarms(self, events: list[AlarmEvent]) -> None:
        self._subscribers.send_alarms(events)

    def subscribe(
        self,
        on_samples: SamplesCallback,
        on_link: LinkCallback | None = None,
        on_alarm: AlarmCallback | None = None,
    ) -> Subscription:
        """Every sample batch, link event and alarm change from the server's stream, on the source's loop."""
        return self._subscribers.add(on_samples, on_link, on_alarm)

    # -- queries ------------------------------------------------------------------------------

    def site(self) -> SiteModel:
        """The site as fetched at sign-in, gateway states kept current by the stream's link events."""
        if self._site is None:
            raise NotSignedIn()
        return self._site

    async def latest(self, ids: Iterable[str] | None = None) -> list[Sample]:
        """Newest samples from the cache the stream keeps (refreshed from the server at each connect)."""
        if self._login is None:
            raise NotSignedIn()
        if ids is None:
            return list(self._latest.values())
        latest = self._latest
        return [latest[i] for i in ids if i in latest]

    async def history(self, point: str, start: int, end: int, max_points: int = 2000) -> History:
        """Raw or bucketed history, as the server's historian answers it."""
        return history_from_json(await self._history_json(point, start, end, max_points))

    async def histories(self, points: Iterable[str], start: int, end: int, max_points: int = 2000,
                        rows: bool = True) -> list[History]:
        """Many points' histories, 250 per call of ``POST /points/history`` (the server leaves out
        points its site does not have)."""
        wanted = list(dict.fromkeys(points))
        out: list[History] = []
        for i in range(0, len(wanted), 250):
            data = await self.api.call("POST", "/points/history", json={
                "ids": wanted[i:i + 250], "start": start, "end": end, "max_points": max_points})
            out.extend(history_from_json(h) for h in data["items"])
        return out

    async def _histories_json(self, points: list[str], start: int, end: int, max_points: int) -> list[dict[str, Any]]:
        data = await self.api.call("POST", "/points/history",
                                   json={"ids": points, "start": start, "end": end, "max_points": max_points,
                                         "shape": "columns"})
        return data["items"]

    async def _history_json(self, point: str, start: int, end: int, max_points: int) -> dict[str, Any]:
        return await self.api.call("GET", f"/points/{quote(point, safe='')}/history",
                                   params={"start": start, "end": end, "max_points": max_points})

    async def as_of(self, ids: Iterable[str], ts: int) -> dict[str, Sample]:
        """Each point's value at ``ts``."""
        wanted = list(ids)
        if not wanted:
            return {}
        data = await self.api.call("GET", "/points/as-of", params={"ids": ",".join(wanted), "ts": ts})
        items = data.values() if isinstance(data, dict) else data  # {id: sample} or a list of samples
        out = {}
        for item in items:
            s = sample_from_object(item) if isinstance(item, dict) else sample_from_row(item)
            out[s.point] = s
        return out

    def status(self) -> SourceStatus:
        """The server's last `/status` figures; ``connected`` while the stream is up."""
        st = self._status
        up = self.stream.connected
        db = str(st.get("db", "ok"))
        if not up:
            db = ("与服务器的连接中断，正在重连 / connection to the server lost, reconnecting"
                  if self._login is not None else "未登录服务器 / not signed in to the server")
        return SourceStatus(
            kind=self.kind,
            connected=up,
            gateways_online=int(st.get("gateways_online", 0) or 0),
            gateways_total=int(st.get("gateways_total", 0) or 0),
            points=int(st.get("points", 0) or 0),
            samples_written=int(st.get("samples_written", 0) or 0),
            db=db,
            uptime_s=float(st.get("uptime_s", 0.0) or 0.0),
            notify=str(st.get("notify", "ok")),
        )

    # -- alarms -------------------------------------------------------------------------------

    async def alarms(self, state: str = "active", since: int | None = None, limit: int | None = None) -> list[Alarm]:
        """`GET /alarms`."""
        data = await self.api.call("GET", "/alarms", params={"state": state, "since": since, "limit": limit})
        return decode(list[Alarm], data, "alarms")

    async def alarm_journal(self, query: JournalQuery) -> list[JournalEntry]:
        """`GET /alarms/journal` with the query's fields (lists comma-separated)."""
        params: dict[str, Any] = {}
        for f in dataclasses.fields(query):
            value = getattr(query, f.name)
            if isinstance(value, tuple):
                if value:
                    params[f.name] = ",".join(map(str, value))
            elif value is not None:
                params[f.name] = value
        return decode(list[JournalEntry], await self.api.call("GET", "/alarms/journal", params=params), "journal")

    async def acknowledge(self, alarm_ids: Iterable[int], user: str, comment: str | None = None) -> list[Alarm]:
        """Acknowledge as the signed-in user (the server takes the user from the token, not ``user``)."""
        ids = list(alarm_ids)
        if len(ids) == 1:
            data = await self.api.call("POST", f"/alarms/{ids[0]}/ack", json={"comment": comment})
            return [decode(Alarm, data, "alarm")]
        data = await self.api.call("POST", "/alarms/ack", json={"ids": ids, "comment": comment})
        return decode(list[Alarm], data, "alarms")

    async def shelve(self, alarm_id: int, minutes: float, reason: str, user: str) -> Alarm:
        """Shelve for a while, with a reason."""
        data = await self.api.call("POST", f"/alarms/{alarm_id}/shelve", json={"minutes": minutes, "reason": reason})
        return decode(Alarm, data, "alarm")

    async def unshelve(self, alarm_id: int, user: str) -> Alarm:
        """Return a shelved alarm now."""
        return decode(Alarm, await self.api.call("POST", f"/alarms/{alarm_id}/unshelve"), "alarm")

    def flood(self) -> FloodSummary | None:
        """The flood as the status poll last saw it."""
        return self._flood

    async def point_limits(self, point: str) -> tuple[LimitSpec | None, str]:
        """`GET /points/{id}/limits`: ``{"limits", "origin"}``."""
        data = await self.api.call("GET", f"/points/{quote(point, safe='')}/limits")
        return data.get("limits"), str(data.get("origin", "site"))

    async def set_point_limits(self, point: str, limits: LimitSpec | None, user: str) -> None:
        """`PUT /points/{id}/limits` ``{"limits"}``."""
        await self.api.call("PUT", f"/points/{quote(point, safe='')}/limits", json={"limits": limits})

    async def revert_point_limits(self, point: str, user: str) -> None:
        """`DELETE /points/{id}/limits`: back to the site file's."""
        await self.api.call("DELETE", f"/points/{quote(point, safe='')}/limits")

    async def diagram(self, diagram_id: str) -> str:
        """The diagram file's text."""
        data = await self.api.call("GET", f"/diagrams/{quote(diagram_id, safe='')}", text=True)
        return data

    async def save_diagram(self, diagram_id: str, text: str, base_revision: int | None, user: str) -> int:
        """`PUT /diagrams/{id}`; the revision stored."""
        data = await self.api.call("PUT", f"/diagrams/{quote(diagram_id, safe='')}",
                                   json={"text": text, "base_revision": base_revision})
        return int(data["revision"]) if isinstance(data, dict) else int(data)

    # -- users and the audit log: the server's ------------------------------------------------

    async def needs_first_admin(self) -> bool:
        """Never from a console: the server makes its first administrator from its own environment."""
        return False

    async def create_first_admin(self, name: str, password: str, display_name: str = "") -> User:
        """Refused: the server's first administrator comes from SWITCHROOM_ADMIN_PASSWORD or a password file."""
        raise PermissionError("服务器的第一个管理员由服务器自己创建 / the server creates its first administrator "
                              "itself (SWITCHROOM_ADMIN_PASSWORD or --admin-password-file)")

    async def login(self, name: str, password: str) -> Login:
        """`POST /auth/login`; then the site, the latest values and the stream."""
        data = await self.api.call("POST", "/auth/login", json={"username": name, "password": password}, auth=False)
        login = login_from_json(data)
        self.api.token = login.token
        self._login = login
        if self._site is None or not self.stream.running:
            await self._go_online()
        return login

    async def logout(self) -> None:
        """`POST /auth/logout`; the stream stops."""
        login, self._login = self._login, None
        await self._go_offline()
        if login is not None:
            with contextlib.suppress(SessionExpired, ServerUnreachable):
                await self.api.call("POST", "/auth/logout")
        self.api.token = None

    def current_login(self) -> Login | None:
        """Who is signed in (None before a login and once the server ended the session)."""
        return self._login

    async def change_password(self, old: str, new: str) -> None:
        """`POST /auth/password`."""
        await self.api.call("POST", "/auth/password", json={"old": old, "new": new})

    async def users(self) -> list[User]:
        """`GET /users`."""
        return [user_from_json(u) for u in await self.api.call("GET", "/users")]

    async def create_user(self, name: str, role: Role | str, password: str, rooms: Iterable[str] = (),
                          display_name: str = "") -> User:
        """`POST /users`."""
        data = await self.api.call("POST", "/users", json={
            "name": name, "role": str(role), "password": password, "rooms": list(rooms),
            "display_name": display_name})
        return user_from_json(data)

    async def update_user(self, name: str, *, role: Role | str | None = None, rooms: Iterable[str] | None = None,
                          display_name: str | None = None, enabled: bool | None = None,
                          password: str | None = None, unlock: bool = False) -> User:
        """`PATCH /users/{name}` with what is given."""
        body: dict[str, Any] = {"role": str(role) if role is not None else None,
                                "rooms": list(rooms) if rooms is not None else None,
                                "display_name": display_name, "enabled": enabled, "password": password,
                                "unlock": unlock or None}
        data = await self.api.call("PATCH", f"/users/{quote(name, safe='')}",
                                   json={k: v for k, v in body.items() if v is not None})
        return user_from_json(data)

    async def delete_user(self, name: str) -> None:
        """`DELETE /users/{name}`."""
        await self.api.call("DELETE", f"/users/{quote(name, safe='')}")

    async def audit(self, since: int | None = None, until: int | None = None, user: str | None = None,
                    actions: Iterable[str] | None = None, limit: int = 1000) -> list[AuditEntry]:
        """`GET /audit`."""
        params = {"since": since, "until": until, "user": user, "limit": limit,
                  "actions": ",".join(map(str, actions)) if actions else None}
        return decode(list[AuditEntry], await self.api.call("GET", "/audit", params=params), "audit")

    def notification_status(self) -> list[ChannelStatus]:
        """The channels as the status poll last saw them."""
        return list(self._channels)

    async def fault_records(self, alarm_id: int | None = None, since: int | None = None) -> list[FaultRecordHeader]:
        """`GET /fault-records`."""
        data = await self.api.call("GET", "/fault-records", params={"alarm_id": alarm_id, "since": since})
        return decode(list[FaultRecordHeader], data, "fault records")

    async def fault_record(self, record_id: int) -> dict[str, list[Sample]]:
        """`GET /fault-records/{id}`: ``{point: [[id, ts, value, quality]...]}``."""
        data = await self.api.call("GET", f"/fault-records/{record_id}")
        samples = data.get("samples", data) if isinstance(data, dict) else data
        return {point: [sample_from_row(r) if isinstance(r, list) else sample_from_object(r) for r in rows]
                for point, rows in samples.items()}


def user_from_json(data: dict[str, Any]) -> User:
    """A `User` from the API's user object (permissions are the role's, not sent back)."""
    fields = {f.name for f in dataclasses.fields(User)}
    return decode(User, {k: v for k, v in data.items() if k in fields}, "user")


def login_from_json(data: dict[str, Any]) -> Login:
    """A `Login` from `POST /auth/login`'s answer."""
    return Login(str(data["token"]), user_from_json(data["user"]), int(data.get("expires_at") or 0))


async def sign_in(url: str, name: str, password: str, *, timeout: float = 10.0) -> tuple[Login, SiteModel]:
    """Log in to a server and read its site, without opening a stream.

    For a console that asks for the password before its window exists: the window needs the
    site's time zone, and the `CloudSource` the bridge then makes is given the token
    (``CloudSource(url, token=login.token)``), so the person signs in once.
    """
    api = ApiClient(url, timeout=timeout)
    try:
        login = login_from_json(await api.call("POST", "/auth/login", json={"username": name, "password": password},
                                               auth=False))
        api.token = login.token
        site = decode(SiteModel, await api.call("GET", "/site"), "site")
    finally:
        await api.close()
    return login, site
