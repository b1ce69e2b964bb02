"""The alarm engine: compiled rules + sample batches + operator actions -> ISA-18.2 alarm events.

Pure Python and synchronous: the DataSource calls `feed` with every sample batch, `link` with
every gateway link event and `tick` about once a second (delays, shelving expiry, flood end);
operator actions come as calls.  Time is never read behind the caller's back: samples carry
their time, actions and `tick` take ``now_ms`` (or the injected ``clock`` when omitted), so a
test drives hours of plant life in microseconds.

The state machine, per condition (one key = one alarm, see `app.alarms.rules`)::

    normal --raise--> active_unacked --ack--> active_acked --clear--> normal
                      active_unacked --clear--> cleared_unacked --ack--> normal
                      cleared_unacked --raise--> active_unacked            (same alarm id)

Shelving (timed, with a reason) and suppression (by condition, by an offline gateway, by a
maintenance flag) overlay the state shown (``shelved``, ``suppressed``) while the ISA state
underneath keeps moving; an alarm that clears while suppressed needs no acknowledgement.
Every transition returns exactly one `AlarmEvent`; the transition into ``normal`` is
``Change.NORMAL`` whatever caused it (a clear of an acknowledged alarm, or an acknowledgement
of a cleared one, which then carries the user and comment).  Events of shelved and
suppressed alarms are returned too (the journal keeps all) with that state, so notification
can tell them apart; nothing is dropped during a flood.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from app.alarms.condition import Condition
from app.alarms.flood import FloodSummary, FloodWatch
from app.alarms.judges import SuppressJudge
from app.alarms.model import Alarm, AlarmActionError, AlarmEvent, AlarmState, Change
from app.alarms.rules import RuleSet
from app.model import Sample
from drivers.link import LinkEvent, LinkState

log = logging.getLogger(__name__)

MAX_SHELVE_MINUTES = 7 * 24 * 60


def wall_ms() -> int:
    """Milliseconds since the epoch, UTC: the default clock."""
    return int(time.time() * 1000)


class AlarmEngine:
    """Judges samples against a `RuleSet` and keeps the active alarms.

    ``first_id`` is the id the next new alarm gets (after a restart: the journal's highest
    id + 1, or pass ``next_id`` to `restore`).  Not thread-safe: call it from one thread
    (the source's loop).
    """

    def __init__(self, rules: RuleSet, *, first_id: int = 1, clock: Callable[[], int] = wall_ms) -> None:
        self.clock = clock
        self._rules = rules
        self._judges = rules.judges
        self._next_id = first_id
        self._by_id: dict[int, Condition] = {}
        self._timers: set[Condition] = set()
        self._shelved: set[Condition] = set()
        self._maintenance: dict[str, str] = {}  # device -> who set it
        self._flood = FloodWatch(rules.flood_count, rules.flood_ms)
        self._out: list[AlarmEvent] = []
        self.samples_seen = 0

    # -- feeding ------------------------------------------------------------------------------------

    def feed(self, samples: Iterable[Sample]) -> list[AlarmEvent]:
        """Judge a batch of samples; the events it caused, in order."""
        out = self._out = []
        get = self._judges.get
        n = 0
        for s in samples:
            n += 1
            judges = get(s[0])
            if judges is None:
                continue
            for judge in judges:
                judge(s, self)
        self.samples_seen += n
        return out

    def link(self, event: LinkEvent, now_ms: int | None = None) -> list[AlarmEvent]:
        """A gateway's link went offline or came back (``event.ts`` in seconds is used when no ``now_ms``)."""
        out = self._out = []
        cond = self._rules.gateways.get(event.gateway)
        if cond is None:
            return out
        ts = now_ms if now_ms is not None else int(event.ts * 1000)
        if event.state is LinkState.OFFLINE:
            self.verdict(cond, True, ts, None)
        elif event.state is LinkState.ONLINE:
            self.verdict(cond, False, ts, None)
        return out

    def tick(self, now_ms: int | None = None) -> list[AlarmEvent]:
        """Let time pass: on/off-delays that ran out, shelving that expired, a flood that ended."""
        now = self.clock() if now_ms is None else now_ms
        out = self._out = []
        for cond in sorted(self._timers, key=lambda c: c.pending or 0):
            if cond.pending is None:
                self._timers.discard(cond)
                continue
            due = cond.pending + (cond.off_ms if cond.active else cond.on_ms)
            if now >= due:
                self._timers.discard(cond)
                cond.pending = None
                self._flip(cond, not cond.active, due, cond.value)
        for cond in sorted(self._shelved, key=lambda c: c.shelved_until or 0):
            if cond.shelved_until is not None and now >= cond.shelved_until:
                self._end_shelve(cond, cond.shelved_until, None)
        self._flood.expire(now)
        return out

    # -- what the judges call -------------------------------------------------------------------------

    def verdict(self, cond: Condition, truth: bool, ts: int, value: float | None) -> None:
        """``cond`` is ``truth`` at ``ts``: start, keep or finish its delay, or flip it."""
        cond.value = value
        if truth == cond.active:
            if cond.pending is not None:
                cond.pending = None
                self._timers.discard(cond)
            return
        delay = cond.on_ms if truth else cond.off_ms
        if delay:
            if cond.pending is None:
                cond.pending = ts
                self._timers.add(cond)
                return
            if ts - cond.pending < delay:
                return
            cond.pending = None
            self._timers.discard(cond)
        self._flip(cond, truth, ts, value)

    def block(self, cond: Condition, reason: str, words: str, on: bool, ts: int) -> None:
        """Suppress ``cond`` for ``reason`` or lift it; SUPPRESSED/UNSUPPRESSED when that changes the alarm."""
        was = bool(cond.blocks)
        if on:
            cond.blocks[reason] = words
        else:
            cond.blocks.pop(reason, None)
        if was != bool(cond.blocks) and cond.alarm is not None:
            self._emit(cond, Change.SUPPRESSED if on else Change.UNSUPPRESSED, ts, cond.value)

    # -- operator actions ------------------------------------------------------------------------------

    def acknowledge(self, alarm_id: int, user: str, comment: str | None = None,
                    now_ms: int | None = None) -> AlarmEvent:  # fmt: skip
        """Acknowledge one alarm; `AlarmActionError` when it is unknown or already acknowledged (API 409)."""
        now = self.clock() if now_ms is None else now_ms
        self._out = []
        cond = self._find(alarm_id)
        if cond.acked:
            a = cond.alarm
            by = f"（{a.acked_by}）" if a is not None and a.acked_by else ""
            by_en = f" by {a.acked_by}" if a is not None and a.acked_by else ""
            raise AlarmActionError(f"报警 {alarm_id} 已被确认{by}; alarm {alarm_id} is already acknowledged{by_en}")
        cond.acked = True
        change = Change.ACKED if cond.active else Change.NORMAL
        return self._emit(cond, change, now, cond.value, user, comment,
                          acked_at=now, acked_by=user, ack_comment=comment)  # fmt: skip

    def acknowledge_many(self, alarm_ids: Iterable[int], user: str, comment: str | None = None,
                         now_ms: int | None = None) -> list[AlarmEvent]:  # fmt: skip
        """Acknowledge several (the list's multi-select): those that can be; unknown or already
        acknowledged ones are skipped and logged, so one stale row never blocks the rest."""
        now = self.clock() if now_ms is None else now_ms
        out = []
        for alarm_id in alarm_ids:
            try:
                out.append(self.acknowledge(alarm_id, user, comment, now))
            except AlarmActionError as exc:
                log.info("acknowledge %s skipped: %s", alarm_id, exc)
        return out

    def shelve(self, alarm_id: int, minutes: float, reason: str, user: str,
               now_ms: int | None = None) -> AlarmEvent:  # fmt: skip
        """Shelve an alarm's condition for ``minutes`` with a reason; it comes back by itself."""
        now = self.clock() if now_ms is None else now_ms
        self._out = []
        cond = self._find(alarm_id)
        if not 0 < minutes <= MAX_SHELVE_MINUTES:
            raise AlarmActionError(
                f"搁置时间应为 1 分钟至 7 天; shelve for more than 0 and at most {MAX_SHELVE_MINUTES} minutes "
                f"(7 days), not {minutes:g}"
            )
        if not reason or not reason.strip():
            raise AlarmActionError("搁置须说明原因; give a reason to shelve an alarm")
        cond.shelved_until = now + int(minutes * 60_000)
        cond.shelve_reason = reason.strip()
        self._shelved.add(cond)
        return self._emit(cond, Change.SHELVED, now, cond.value, user, cond.shelve_reason)  # fmt: skip

    def unshelve(self, alarm_id: int, user: str, now_ms: int | None = None) -> AlarmEvent:
        """Take a shelved alarm back before its time."""
        now = self.clock() if now_ms is None else now_ms
        self._out = []
        cond = self._find(alarm_id)
        if cond.shelved_until is None:
            raise AlarmActionError(f"报警 {alarm_id} 未被搁置; alarm {alarm_id} is not shelved")
        ev = self._end_shelve(cond, now, user)
        assert ev is not None
        return ev

    def set_maintenance(self, device: str, on: bool, user: str, now_ms: int | None = None) -> list[AlarmEvent]:
        """Suppress (or release) every alarm of ``device`` while it is under maintenance."""
        now = self.clock() if now_ms is None else now_ms
        out = self._out = []
        if on:
            self._maintenance[device] = user
        else:
            self._maintenance.pop(device, None)
        for cond in self._rules.by_device.get(device, []):
            self.block(cond, f"maintenance:{device}", f"检修 maintenance ({user})", on, now)
        return out

    # -- what the console reads -------------------------------------------------------------------------

    def active(self) -> list[Alarm]:
        """Alarms on the active list (every state but normal), newest first."""
        alarms = [c.alarm for c in self._by_id.values() if c.alarm is not None]
        return sorted(alarms, key=lambda a: (a.raised_at, a.id), reverse=True)

    def get(self, alarm_id: int) -> Alarm | None:
        """One alarm of the active list, or None."""
        cond = self._by_id.get(alarm_id)
        return cond.alarm if cond is not None else None

    def flood(self) -> FloodSummary | None:
        """The flood in progress (count, per level, first-out, start), or None."""
        return self._flood.summary()

    @property
    def next_id(self) -> int:
        """The id the next new alarm will get."""
        return self._next_id

    @property
    def rules(self) -> RuleSet:
        """The rules being run."""
        return self._rules

    # -- reloading ---------------------------------------------------------------------------------------

    def replace_rules(self, rules: RuleSet, now_ms: int | None = None) -> list[AlarmEvent]:
        """Run new rules (limits edited at runtime) without a restart.

        Conditions whose key still exists keep their alarm, acknowledgement, shelving and running
        delays; a changed level is a ``Change.LEVEL`` event; alarms whose condition is gone are
        cleared (and leave the list once acknowledged).  Rate-of-change windows start afresh.
        """
        now = self.clock() if now_ms is None else now_ms
        out = self._out = []
        old = self._rules.conditions
        old_suppress = {j.when.text: j for j in self._rules.all_judges() if isinstance(j, SuppressJudge)}
        timers, shelved = set(), set()
        moved: list[tuple[Condition, Condition]] = []
        for key, cond in rules.conditions.items():
            prev = old.get(key)
            if prev is None:
                continue
            cond.adopt(prev)
            moved.append((prev, cond))
            if cond.pending is not None:
                timers.add(cond)
            if cond.shelved_until is not None:
                shelved.add(cond)
        for j in rules.all_judges():
            if isinstance(j, SuppressJudge) and j.when.text in old_suppress:
                prev_judge = old_suppress[j.when.text]
                j.on, j.values = prev_judge.on, dict(prev_judge.values)
        gone = [c for key, c in old.items() if key not in rules.conditions and c.alarm is not None]
        self._rules, self._judges = rules, rules.judges
        self._timers = timers  # delays of removed conditions end with them
        self._shelved = shelved | {c for c in self._shelved if c.key not in rules.conditions and c.alarm is not None}
        self._flood.count, self._flood.window_ms = rules.flood_count, rules.flood_ms
        for prev, cond in moved:
            if cond.alarm is not None:
                self._by_id[cond.alarm.id] = cond
                if cond.level != prev.level:
                    self._emit(cond, Change.LEVEL, now, cond.value, level=cond.level)
        self._reconcile_blocks(now)
        for cond in gone:
            cond.pending = None
            if cond.active:
                self._clear(cond, now, cond.value)
        return out

    def restore(self, alarms: Iterable[Alarm], next_id: int | None = None,
                now_ms: int | None = None) -> list[AlarmEvent]:  # fmt: skip
        """Re-seat the active alarms loaded from the journal after a restart; ids continue after them.

        An alarm whose rule no longer exists is cleared at once (and leaves when acknowledged);
        the others are judged again by the next samples (a condition gone while we were down
        clears after its off-delay).
        """
        now = self.clock() if now_ms is None else now_ms
        out = self._out = []
        top = self._next_id - 1
        orphans = []
        flood_top = 0
        for a in alarms:
            top = max(top, a.id)
            flood_top = max(flood_top, a.flood or 0)
            if a.state is AlarmState.NORMAL:
                continue
            cond = self._rules.conditions.get(a.key)
            if cond is None:
                cond = Condition(a.key, a.rule, a.kind, a.point, level=a.level, subject=("", ""), word="",
                                 device=a.device, room=a.room)  # fmt: skip
                orphans.append(cond)
            cond.alarm = a
            cond.active = a.cleared_at is None
            cond.acked = a.acked_at is not None
            cond.value = a.value
            if a.shelved_until is not None:
                cond.shelved_until, cond.shelve_reason = a.shelved_until, a.shelve_reason
                self._shelved.add(cond)
            self._by_id[a.id] = cond
        self._next_id = max(self._next_id, top + 1, next_id or 0)
        self._flood.next_group = max(self._flood.next_group, flood_top + 1)
        for j in self._rules.all_judges():
            j.reset()
        self._reconcile_blocks(now)
        for cond in orphans:
            if cond.active:
                self._clear(cond, now, cond.value)
        return out

    # -- transitions ----------------------------------------------------------------------------------------

    def _find(self, alarm_id: int) -> Condition:
        cond = self._by_id.get(alarm_id)
        if cond is None or cond.alarm is None:
            raise AlarmActionError(
                f"报警 {alarm_id} 不在活动列表中; "
                f"alarm {alarm_id} is not on the active list (unknown or back to normal)"
            )
        return cond

    def _flip(self, cond: Condition, truth: bool, ts: int, value: float | None) -> None:
        if truth:
            self._raise(cond, ts, value)
        else:
            self._clear(cond, ts, value)
        behind = self._rules.behind.get(cond.point) if self._rules.gateways.get(cond.point) is cond else None
        if behind:
            for dev_cond in behind:
                self.block(dev_cond, cond.key, cond.key, cond.active, ts)

    def _raise(self, cond: Condition, ts: int, value: float | None) -> None:
        cond.active = True
        cond.acked = False
        zh, en = cond.text(value)
        a = cond.alarm
        if a is None:
            a = Alarm(self._next_id, cond.key, cond.rule, cond.note or cond.point, cond.level,
                      AlarmState.ACTIVE_UNACKED, zh, en, value, ts, device=cond.device, room=cond.room,
                      kind=cond.kind)  # fmt: skip
            self._next_id += 1
            self._by_id[a.id] = cond
        else:  # re-alarm of a cleared, unacknowledged alarm: the same occurrence is active again
            a = a.evolve(cleared_at=None, message=zh, message_en=en, value=value)
        cond.alarm = a
        members = self._flood.raised(ts, cond, cond.level)
        if members:
            group = self._flood.current.id if self._flood.current is not None else None
            for m in members:
                if m.alarm is not None and m.alarm.flood != group:
                    m.alarm = m.alarm.evolve(flood=group)
        self._emit(cond, Change.RAISED, ts, value)
        if cond.momentary:
            self._clear(cond, ts, value)

    def _clear(self, cond: Condition, ts: int, value: float | None) -> None:
        cond.active = False
        if cond.alarm is None:
            return
        if cond.blocks:
            cond.acked = True  # suppressed: never the operator's to acknowledge
        self._emit(cond, Change.NORMAL if cond.acked else Change.CLEARED, ts, value, cleared_at=ts)

    def _end_shelve(self, cond: Condition, ts: int, user: str | None) -> AlarmEvent | None:
        cond.shelved_until = cond.shelve_reason = None
        self._shelved.discard(cond)
        if cond.alarm is None:
            return None
        return self._emit(cond, Change.UNSHELVED, ts, cond.value, user)

    def _reconcile_blocks(self, ts: int) -> None:
        """Set every condition's suppression from what holds now: conditions, offline gateways, maintenance."""
        want: dict[int, dict[str, str]] = {}
        conds = list(self._rules.conditions.values())
        for j in self._rules.all_judges():
            if isinstance(j, SuppressJudge) and j.on:
                for c in j.conds:
                    want.setdefault(id(c), {})[f"when:{j.when.text}"] = j.when.text
        for gid, gw in self._rules.gateways.items():
            if gw.active:
                for c in self._rules.behind.get(gid, []):
                    want.setdefault(id(c), {})[gw.key] = gw.key
        for device, user in self._maintenance.items():
            for c in self._rules.by_device.get(device, []):
                want.setdefault(id(c), {})[f"maintenance:{device}"] = f"检修 maintenance ({user})"
        for c in conds:
            blocks = want.get(id(c), {})
            was = bool(c.blocks)
            c.blocks = blocks
            if was != bool(blocks) and c.alarm is not None:
                self._emit(c, Change.SUPPRESSED if blocks else Change.UNSUPPRESSED, ts, c.value)

    def _emit(self, cond: Condition, change: Change, ts: int, value: float | None, user: str | None = None,
              comment: str | None = None, **fields: object) -> AlarmEvent:  # fmt: skip
        a = cond.alarm
        assert a is not None
        state = cond.state
        a = a.evolve(state=state, suppressed_by=cond.suppressed_by, shelved_until=cond.shelved_until,
                     shelve_reason=cond.shelve_reason, **fields)  # fmt: skip
        ev = AlarmEvent(a, change, ts, value, user, comment)
        self._out.append(ev)
        if state is AlarmState.NORMAL:
            cond.alarm = None
            self._by_id.pop(a.id, None)
        else:
            cond.alarm = a
        return ev
