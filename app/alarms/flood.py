"""Alarm floods: more than N alarms raised within M seconds become one group with a first-out.

When a breaker trips, a transformer drops out and thirty alarms follow within seconds; the
operator needs the first one (the cause) and a count, not thirty lines in a row.  A flood
starts when the ``count + 1``-th alarm is raised within ``window_ms``; every alarm of the
window and every later one gets the flood's group id; the flood ends after a quiet
``window_ms`` without a new alarm.  Nothing is dropped: grouping only labels alarms.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace

from app.alarms.condition import Condition
from app.alarms.model import Alarm, Level


@dataclass
class FloodSummary:
    """What the banner shows during a flood."""

    id: int
    started_at: int  # ms UTC: the raise time of the first-out alarm
    first_out: Alarm  # the first alarm of the flood: most likely the cause
    count: int = 0  # alarms raised in the flood so far
    per_level: dict[Level, int] = field(default_factory=dict)
    last_at: int = 0  # ms UTC of the newest alarm in it


class FloodWatch:
    """Counts raises in a sliding window and groups them once they are too many."""

    def __init__(self, count: int = 10, window_ms: int = 10_000, first_group: int = 1) -> None:
        self.count = count
        self.window_ms = window_ms
        self.next_group = first_group
        self.recent: deque[tuple[int, Condition]] = deque()
        self.current: FloodSummary | None = None
        self._first: Condition | None = None

    def raised(self, ts: int, cond: Condition, level: Level) -> list[Condition]:
        """Note a raise; returns the conditions to label with the current group (empty: no flood)."""
        recent = self.recent
        recent.append((ts, cond))
        while recent and ts - recent[0][0] >= self.window_ms:
            recent.popleft()
        flood = self.current
        if flood is not None:
            flood.count += 1
            flood.per_level[level] = flood.per_level.get(level, 0) + 1
            flood.last_at = ts
            return [cond]
        if len(recent) <= self.count:
            return []
        members = [c for _, c in recent]
        first = members[0]
        assert first.alarm is not None
        flood = self.current = FloodSummary(self.next_group, recent[0][0], first.alarm, last_at=ts)
        self._first = first
        self.next_group += 1
        for c in members:
            lv = c.level
            flood.count += 1
            flood.per_level[lv] = flood.per_level.get(lv, 0) + 1
        return members

    def expire(self, now: int) -> bool:
        """End the flood after a quiet window; True when it ended."""
        flood = self.current
        if flood is not None and now - flood.last_at >= self.window_ms:
            self.current = None
            self._first = None
            self.recent.clear()
            return True
        return False

    def summary(self) -> FloodSummary | None:
        """The current flood with its first-out alarm as it stands now, or None."""
        flood = self.current
        if flood is None:
            return None
        if self._first is not None and self._first.alarm is not None:
            flood.first_out = self._first.alarm
        return replace(flood, per_level=dict(flood.per_level))
