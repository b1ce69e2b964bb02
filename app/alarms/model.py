"""The alarm vocabulary every part of alarm handling shares: levels, states, alarms, events.

The engine makes `AlarmEvent`s, the journal stores them, notification routes them and the
console draws them; this module is the contract between those rooms so that each can be
built and tested alone.  Words and numbers are those of the cloud API (shared/API.md):
levels 1 critical … 4 notice; states after ISA-18.2 plus ``shelved`` and ``suppressed``.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, replace
from typing import Any


class Level(enum.IntEnum):
    """How urgent an alarm is; 1 is the most urgent (the API's numbers)."""

    CRITICAL = 1
    MAJOR = 2
    MINOR = 3
    NOTICE = 4


class AlarmState(enum.StrEnum):
    """Where an alarm stands (ISA-18.2).

    ``active_unacked → active_acked → normal`` and ``active_unacked → cleared_unacked → normal``;
    a shelved or suppressed alarm is held out of the operator's way and returns by itself.
    """

    ACTIVE_UNACKED = "active_unacked"
    ACTIVE_ACKED = "active_acked"
    CLEARED_UNACKED = "cleared_unacked"
    NORMAL = "normal"
    SHELVED = "shelved"
    SUPPRESSED = "suppressed"

    @property
    def is_active_list(self) -> bool:
        """Whether an alarm in this state belongs on the active list (all but ``normal``)."""
        return self is not AlarmState.NORMAL

    @property
    def needs_ack(self) -> bool:
        """Whether the operator still has to acknowledge it."""
        return self in (AlarmState.ACTIVE_UNACKED, AlarmState.CLEARED_UNACKED)


class Change(enum.StrEnum):
    """What happened to an alarm: one journal row per change."""

    RAISED = "raised"  # the condition became true (after its on-delay)
    ACKED = "acked"
    CLEARED = "cleared"  # the condition went away (after its off-delay and deadband)
    NORMAL = "normal"  # acknowledged and cleared: it leaves the active list
    SHELVED = "shelved"
    UNSHELVED = "unshelved"  # the shelving time ran out or an operator took it back
    SUPPRESSED = "suppressed"
    UNSUPPRESSED = "unsuppressed"
    LEVEL = "level"  # the same alarm moved to another level (e.g. H became HH)


@dataclass(frozen=True, slots=True)
class Alarm:
    """One occurrence of one alarm condition, as the active list and ``GET /alarms`` show it.

    ``key`` names the condition (rule and limit, e.g. ``"T1-TCU.Ta:HH"``) and is stable across
    occurrences; ``id`` names this occurrence and is what acknowledge and shelve take.
    ``point`` is the point it judges, or the device/gateway id for communication alarms.
    """

    id: int
    key: str
    rule: str
    point: str
    level: Level
    state: AlarmState
    message: str  # Simplified Chinese, for the operator
    message_en: str
    value: float | None
    raised_at: int  # ms UTC
    device: str | None = None
    room: str | None = None
    kind: str = ""  # the rule kind: limit, rate, change, state, comm, stale, overload, ...
    acked_at: int | None = None
    acked_by: str | None = None
    ack_comment: str | None = None
    cleared_at: int | None = None
    shelved_until: int | None = None
    shelve_reason: str | None = None
    suppressed_by: str | None = None  # the alarm key or condition that suppresses this one
    flood: int | None = None  # id of the flood group it was raised in, if any

    def to_json(self) -> dict[str, Any]:
        """The API's JSON object (level as its number, state as its word)."""
        out = asdict(self)
        out["level"] = int(self.level)
        out["state"] = str(self.state)
        return out

    def evolve(self, **changes: Any) -> Alarm:
        """A copy with ``changes`` applied (alarms are immutable snapshots)."""
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class AlarmEvent:
    """One change of one alarm: what the subscription delivers and the journal stores.

    ``alarm`` is the snapshot after the change; ``ts`` when it happened (ms UTC); ``value``
    the point's value at that moment; ``user`` and ``comment`` for operator actions.
    """

    alarm: Alarm
    change: Change
    ts: int
    value: float | None = None
    user: str | None = None
    comment: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The WebSocket message body: ``{"type": "alarm", "alarm": {...}, ...}``."""
        return {
            "type": "alarm",
            "alarm": self.alarm.to_json(),
            "change": str(self.change),
            "ts": self.ts,
            "value": self.value,
            "user": self.user,
            "comment": self.comment,
        }


class AlarmActionError(Exception):
    """An operator action that cannot be done, in words (e.g. already acknowledged: API 409)."""


@dataclass(frozen=True, slots=True)
class JournalQuery:
    """A search of the alarm journal, as the alarm list's history tab and the API ask it.

    Every filter given must match; tuples mean "any of these".  Times are ms UTC with
    ``start <= ts < end``.  ``text`` matches the Chinese or English message, the point id or
    the comment.  A frozen value so the cloud client can send it and the server rebuild it.
    """

    start: int | None = None
    end: int | None = None
    points: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    states: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()
    text: str | None = None
    alarm_id: int | None = None
    limit: int = 1000
    offset: int = 0
