"""Who is told about an alarm, on which channel, and when: routing and escalation.

Pure and clock-free: every call takes ``now`` (ms UTC), so tests drive it with any clock.  A
raise that a route matches (level, room, weekday, time of day in the site's zone) starts an
escalation *track*: each step's groups are told ``after`` minutes from the raise, the latest
step is repeated every ``repeat`` minutes, until an acknowledgement (or normal, shelving,
suppression, or a clear when the route says so) ends the track.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.alarms.model import Alarm, AlarmEvent, Change
from app.config.notifications import BROADCAST_KINDS, WEEKDAYS, NotificationSettings, Route, Step

log = logging.getLogger(__name__)

KEEP_DONE_MS = 24 * 3600 * 1000
ENDS = (Change.ACKED, Change.NORMAL, Change.SHELVED, Change.SUPPRESSED)
# Changes that put an alarm before the operator unacknowledged: a raise, a new level, and an
# alarm that comes back from shelving or suppression still standing (nobody was told while away).
STARTS = frozenset({Change.RAISED, Change.LEVEL, Change.UNSHELVED, Change.UNSUPPRESSED})


@dataclass(frozen=True, slots=True)
class Send:
    """One thing to tell: an event, to one recipient (or a group chat) on one channel."""

    event: AlarmEvent
    route: str
    step: int  # 0-based escalation step
    repeat: int  # 0 the first time, then 1, 2 ... for reminders
    channel: str
    recipient: str | None  # None: a group-chat channel (DingTalk, WeCom, webhook)
    address: str | None  # e-mail address or phone number; None for group chats or when unknown
    mentions: tuple[str, ...] = ()  # phones to @ in a group chat


@dataclass
class Track:
    """One alarm escalating on one route."""

    alarm: Alarm
    route: Route
    anchor: int  # ms the escalation counts from
    next_step: int = 0
    reached: int = -1  # the latest step started
    repeats: int = 0
    last: int = 0  # ms of the latest step start or reminder (scheduled time)
    groups_told: set[int] = field(default_factory=set)

    def next_time(self) -> int | None:
        """When this track next has something to tell, or None when it is finished."""
        steps = self.route.steps
        times = []
        if self.next_step < len(steps):
            times.append(self.anchor + int(steps[self.next_step].after * 60_000))
        if self.route.repeat > 0 and self.reached >= 0 and self.repeats < self.route.repeat_max:
            times.append(self.last + int(self.route.repeat * 60_000))
        return min(times) if times else None


class Planner:
    """Routes alarm events and keeps escalation tracks (one per alarm occurrence and route)."""

    def __init__(self, settings: NotificationSettings, tz: ZoneInfo) -> None:
        self.settings = settings
        self.tz = tz
        self.tracks: dict[tuple[int, str], Track] = {}

    # -- routing ---------------------------------------------------------------------------------
    def matches(self, route: Route, alarm: Alarm, now: int) -> bool:
        """Whether the route takes this alarm at this moment (site-local weekday and time of day)."""
        if int(alarm.level) not in route.levels:
            return False
        if route.rooms and alarm.room not in route.rooms:
            return False
        local = datetime.fromtimestamp(now / 1000, UTC).astimezone(self.tz)
        start, end, t = route.from_, route.to, local.time().replace(tzinfo=None)
        if start == end:
            day = local.weekday()
            inside = True
        elif start < end:
            day = local.weekday()
            inside = start <= t < end
        else:  # the window runs past midnight: its early-morning part belongs to the day before
            inside = t >= start or t < end
            day = local.weekday() if t >= start else (local.weekday() - 1) % 7
        return inside and WEEKDAYS[day] in route.days

    def on_event(self, ev: AlarmEvent, now: int) -> list[Send]:
        """What this event starts, ends or tells now."""
        out: list[Send] = []
        alarm = ev.alarm
        for key in [k for k in self.tracks if k[0] == alarm.id]:
            self.tracks[key].alarm = alarm
        if ev.change in STARTS and alarm.state.needs_ack:
            for route in self.settings.routes:
                key = (alarm.id, route.id)
                if key in self.tracks or Change.RAISED not in route.change_set:
                    continue
                if ev.change is Change.LEVEL and not self.matches(route, alarm, now):
                    continue
                if ev.change is not Change.LEVEL and not self.matches(route, alarm, now):
                    log.debug("alarm %s: route %s does not take it", alarm.id, route.id)
                    continue
                self.tracks[key] = Track(alarm=alarm, route=route, anchor=now, last=now)
                log.info("alarm %s (%s): escalation on route %s starts", alarm.id, alarm.key, route.id)
            out += self.due(now, only=alarm.id)
            return out
        # a later change: tell the people already told (or step 1's) when the route asks for it
        for route in self.settings.routes:
            if ev.change not in route.change_set:
                continue
            track = self.tracks.get((alarm.id, route.id))
            if track is not None:
                steps = sorted(track.groups_told) or [0]
            elif self.matches(route, alarm, now):
                steps = [0]
            else:
                continue
            for i in steps:
                out += self._sends(ev, route, i, 0)
        ends = ev.change in ENDS or not alarm.state.needs_ack
        for key in [k for k in self.tracks if k[0] == alarm.id]:
            if ends or (ev.change is Change.CLEARED and self.tracks[key].route.stop_on_clear):
                del self.tracks[key]
                log.info("alarm %s: escalation on route %s ends (%s)", alarm.id, key[1], ev.change)
        return out

    def due(self, now: int, only: int | None = None) -> list[Send]:
        """Steps and reminders whose time has come."""
        out: list[Send] = []
        for key, track in list(self.tracks.items()):
            if only is not None and key[0] != only:
                continue
            route = track.route
            ev = AlarmEvent(alarm=track.alarm, change=Change.RAISED, ts=track.alarm.raised_at,
                            value=track.alarm.value)
            while track.next_step < len(route.steps):
                at = track.anchor + int(route.steps[track.next_step].after * 60_000)
                if at > now:
                    break
                out += self._sends(ev, route, track.next_step, 0)
                track.groups_told.add(track.next_step)
                track.reached, track.last = track.next_step, at
                track.next_step += 1
            while (route.repeat > 0 and track.reached >= 0 and track.repeats < route.repeat_max
                   and track.last + int(route.repeat * 60_000) <= now):
                track.repeats += 1
                track.last += int(route.repeat * 60_000)
                out += self._sends(ev, route, track.reached, track.repeats)
            if track.next_time() is None and now - track.last > KEEP_DONE_MS:
                # kept a day after its last step so an acknowledgement still reaches everyone told
                del self.tracks[key]
        return out

    def next_due(self) -> int | None:
        """The earliest time ``due`` has something, or None."""
        times = [t for t in (tr.next_time() for tr in self.tracks.values()) if t is not None]
        return min(times) if times else None

    # -- fan-out ----------------------------------------------------------------------------------
    def _sends(self, ev: AlarmEvent, route: Route, index: int, repeat: int) -> list[Send]:
        step: Step = route.steps[index]
        people: list[str] = []
        for gid in step.groups:
            for m in self.settings.group(gid).members:
                if m not in people:
                    people.append(m)
        out = []
        for cid in step.channels:
            ch = self.settings.channel(cid)
            if not ch.enabled or int(ev.alarm.level) not in ch.levels:
                continue
            if ch.kind in BROADCAST_KINDS:
                phones = tuple(p for p in (self.settings.recipient(r).phone for r in people) if p)
                out.append(Send(ev, route.id, index, repeat, cid, None, None, phones))
                continue
            for rid in people:
                out.append(Send(ev, route.id, index, repeat, cid, rid, self.address(rid, cid)))
        return out

    def address(self, rid: str, cid: str) -> str | None:
        """Where this recipient is reached on this channel (its own override first)."""
        r = self.settings.recipient(rid)
        if cid in r.addresses:
            return r.addresses[cid]
        return r.email if self.settings.channel(cid).kind == "email" else r.phone
