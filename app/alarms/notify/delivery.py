"""What happened to each message: a bounded in-memory log and a per-channel health summary.

Every attempt is one `Delivery` row (sent, retrying, failed, held for a digest, refused,
abandoned), so the console can show who was told what and when, and `ChannelStatus` says in
words which channel is broken since when ("SMS: modem not answering since 14:02").
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass


class Result(enum.StrEnum):
    """The outcome of one attempt."""

    SENT = "sent"
    RETRY = "retry"  # this attempt failed, another follows
    FAILED = "failed"  # the last attempt failed
    HELD = "held"  # over the rate limit: goes out in the next digest
    REFUSED = "refused"  # never tried: no address, or the channel's queue is full
    ABANDONED = "abandoned"  # still queued when the notifier stopped


@dataclass(frozen=True, slots=True)
class Delivery:
    """One attempt to tell one recipient about one or more alarms on one channel."""

    when: int  # ms UTC
    alarm_id: int  # the first alarm the message is about
    channel: str
    recipient: str  # recipient id, or "*" for a group chat
    result: Result
    detail: str  # what the far end said or what went wrong, free of secrets
    attempt: int = 1
    alarm_ids: tuple[int, ...] = ()  # every alarm the message covers (a digest has several)
    address: str | None = None


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    """How one channel is doing, for the console's status line."""

    channel: str
    kind: str
    state: str  # "ok", "failing", "idle" (nothing tried yet), "disabled"
    since: int | None  # ms UTC the current state began
    last_ok: int | None
    last_error: str
    queued: int
    text: str  # zh
    text_en: str


class DeliveryLog:
    """The newest ``size`` deliveries."""

    def __init__(self, size: int) -> None:
        self._rows: deque[Delivery] = deque(maxlen=size)

    def add(self, row: Delivery) -> None:
        """Record one attempt (the oldest falls out when full)."""
        self._rows.append(row)

    def rows(self, alarm_id: int | None = None, channel: str | None = None, limit: int | None = None) -> list[Delivery]:
        """Deliveries oldest first, optionally of one alarm or channel, the newest ``limit`` of them."""
        out = [r for r in self._rows if (alarm_id is None or alarm_id in r.alarm_ids or r.alarm_id == alarm_id)
               and (channel is None or r.channel == channel)]
        return out[-limit:] if limit else out
