"""One alarm condition: what it judges (static, from the rule) and where it stands (runtime state).

A condition is one key (``T1-TCU.TA:HH``, ``F1-01:overload:100``, ``DTU-1:comm``): it is
true or false, becomes an `Alarm` when it turns true, and carries the ISA-18.2 base state
(active? acknowledged?) plus what holds it out of the operator's way (shelving, suppression).
The engine owns the transitions; judges (`app.alarms.judges`) only say "true" or "false".
Conditions are plain slotted objects because the engine touches them for every sample.
"""

from __future__ import annotations

from collections.abc import Callable

from app.alarms.model import Alarm, AlarmState, Level
from app.alarms.texts import message

Detail = Callable[["Condition", "float | None"], tuple[str, str]]


def _no_detail(cond: Condition, value: float | None) -> tuple[str, str]:
    return "", ""


class Condition:
    """One alarm condition of the compiled rules; a `RuleSet` must not be shared by two engines."""

    __slots__ = (
        "acked", "active", "alarm", "blocks", "detail", "device", "gateway", "key", "kind", "level", "momentary",
        "note", "off_ms", "on_ms", "pending", "point", "room", "rule", "shelve_reason", "shelved_until",
        "subject", "value", "word",
    )  # fmt: skip

    def __init__(
        self,
        key: str,
        rule: str,
        kind: str,
        point: str,
        *,
        level: int,
        subject: tuple[str, str],
        word: str,
        detail: Detail = _no_detail,
        device: str | None = None,
        room: str | None = None,
        gateway: str | None = None,
        on_delay: float = 0.0,
        off_delay: float = 0.0,
        momentary: bool = False,
    ) -> None:
        self.key = key
        self.rule = rule
        self.kind = kind
        self.point = point
        self.level = Level(level)
        self.subject = subject
        self.word = word
        self.detail = detail
        self.device = device
        self.room = room
        self.gateway = gateway  # device comm conditions: the gateway whose loss suppresses them
        self.on_ms = int(on_delay * 1000)
        self.off_ms = int(off_delay * 1000)
        self.momentary = momentary  # an event (a breaker changed): raised and cleared at once
        # -- runtime ------------------------------------------------------------------------------
        self.active = False  # the condition holds (after its on-delay); ISA "active"
        self.acked = True  # nothing to acknowledge until it is raised
        self.alarm: Alarm | None = None  # the occurrence on the active list
        self.pending: int | None = None  # when the truth last differed from `active` (delay running)
        self.value: float | None = None  # the value last judged
        self.note: str | None = None  # what a judge adds for the message (the phase that is over)
        self.blocks: dict[str, str] = {}  # suppression reasons: key -> words
        self.shelved_until: int | None = None
        self.shelve_reason: str | None = None

    def __repr__(self) -> str:
        return f"Condition({self.key!r}, active={self.active}, acked={self.acked})"

    def text(self, value: float | None) -> tuple[str, str]:
        """The message for ``value`` in both languages."""
        return message(self.subject, self.word, self.detail(self, value))

    @property
    def state(self) -> AlarmState:
        """Where the condition's alarm stands: normal once cleared and acknowledged, else its ISA state,
        overlaid by shelving and then suppression."""
        if not self.active and self.acked:
            return AlarmState.NORMAL
        if self.shelved_until is not None:
            return AlarmState.SHELVED
        if self.blocks:
            return AlarmState.SUPPRESSED
        if self.active:
            return AlarmState.ACTIVE_ACKED if self.acked else AlarmState.ACTIVE_UNACKED
        return AlarmState.CLEARED_UNACKED

    @property
    def suppressed_by(self) -> str | None:
        """The first reason it is suppressed (a gateway's alarm key, a condition, maintenance)."""
        return next(iter(self.blocks.values()), None) if self.blocks else None

    def adopt(self, old: Condition) -> None:
        """Take over the runtime state of the same key from a previous rule set (limits edited at runtime)."""
        self.active, self.acked, self.alarm = old.active, old.acked, old.alarm
        self.pending, self.value, self.note = old.pending, old.value, old.note
        self.shelved_until, self.shelve_reason = old.shelved_until, old.shelve_reason
        self.blocks = {k: v for k, v in old.blocks.items() if k.startswith("maintenance:")}
