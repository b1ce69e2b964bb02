"""The console's copy of the active alarm list: the source's answer at start, then every event.

The list the operator sees must be the engine's list, never a guess: it starts from one
``alarms("active")`` answer and then follows the alarm events the bridge delivers, each of
which carries the alarm's full snapshot after the change, so applying one is replacing a
row (or removing it when the alarm went back to normal).  Events can reach the GUI before
or after that first answer; an event older than the answer is already in it and is skipped,
so the order in which the two arrive does not matter.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from app.alarms.model import Alarm, AlarmEvent, AlarmState, Change
from app.sources.base import DataSource

from .words import is_held


async def snapshot(source: DataSource) -> tuple[int, list[Alarm]]:
    """The active list and when it was read (ms UTC), run on the source's loop."""
    ts = int(time.time() * 1000)
    return ts, await source.alarms("active")


class ActiveAlarms(QObject):
    """Alarms on the active list by id; signals which ids changed after every delivery."""

    # set[int]: ids added, changed or removed by one delivery (for incremental table updates)
    changed = Signal(object)
    # list[Alarm]: alarms newly raised (or raised again) that need the operator
    raised = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.alarms: dict[int, Alarm] = {}
        self.loaded = False
        self._snapshot_ts: int | None = None
        self._early: list[AlarmEvent] = []

    def load(self, snapshot_ts: int, alarms: Iterable[Alarm]) -> None:
        """The source's active list as of ``snapshot_ts``; events that came earlier are re-applied if newer."""
        self._snapshot_ts = snapshot_ts
        self.loaded = True
        ids = set(self.alarms)
        self.alarms = {a.id: a for a in alarms if a.state.is_active_list}
        ids |= set(self.alarms)
        early, self._early = self._early, []
        self._apply(early, ids, [])

    def apply(self, events: list[AlarmEvent]) -> None:
        """Follow a delivery of alarm events (in the order they happened)."""
        if not self.loaded:
            self._early.extend(events)
        ids: set[int] = set()
        raised: list[Alarm] = []
        self._apply(events, ids, raised)

    def _apply(self, events: Iterable[AlarmEvent], ids: set[int], raised: list[Alarm]) -> None:
        since = self._snapshot_ts
        alarms = self.alarms
        for event in events:
            if since is not None and event.ts < since:
                continue  # already in the answer
            alarm = event.alarm
            ids.add(alarm.id)
            if event.change is Change.NORMAL or alarm.state is AlarmState.NORMAL:
                alarms.pop(alarm.id, None)
                continue
            alarms[alarm.id] = alarm
            if event.change is Change.RAISED or (
                event.change in (Change.UNSHELVED, Change.UNSUPPRESSED, Change.LEVEL) and alarm.state.needs_ack
            ):
                raised.append(alarm)
        if ids:
            self.changed.emit(ids)
        if raised:
            self.raised.emit(raised)

    # -- reading --------------------------------------------------------------------------------

    def get(self, alarm_id: int) -> Alarm | None:
        """The alarm with this id, if it is on the list."""
        return self.alarms.get(alarm_id)

    def counts(self) -> dict[int, int]:
        """Active alarms per level (shelved and suppressed ones are not counted)."""
        out = {1: 0, 2: 0, 3: 0, 4: 0}
        for a in self.alarms.values():
            if not is_held(a):
                out[int(a.level)] = out.get(int(a.level), 0) + 1
        return out

    def unacked(self, level: int | None = None) -> list[Alarm]:
        """Alarms the operator still has to acknowledge, most urgent and then newest first."""
        found = [a for a in self.alarms.values() if a.state.needs_ack and (level is None or int(a.level) == level)]
        found.sort(key=lambda a: (int(a.level), -a.raised_at, -a.id))
        return found

    def unacked_levels(self) -> set[int]:
        """The levels that have at least one unacknowledged alarm."""
        return {int(a.level) for a in self.alarms.values() if a.state.needs_ack}
