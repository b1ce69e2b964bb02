"""Rate limiting per recipient and channel, and the digest that carries what the limit held back.

At most ``messages`` go to one recipient on one channel in any ``window`` seconds.  What comes
beyond that is held, and as soon as the window has room again it all goes out as ONE digest
message that lists the alarms and says how many there are: a flood reaches a person as a
handful of messages, and nothing is silently lost.  Pure: every call takes ``now`` (ms).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from app.alarms.model import AlarmEvent
from app.alarms.notify.plan import Send
from app.config.notifications import RateLimit


@dataclass(frozen=True, slots=True)
class Message:
    """What one channel worker delivers: one or more events (a digest) to one recipient."""

    channel: str
    recipient: str | None
    address: str | None
    events: tuple[AlarmEvent, ...]
    mentions: tuple[str, ...] = ()
    repeat: int = 0

    @property
    def digest(self) -> bool:
        """Whether it carries more than one event."""
        return len(self.events) > 1

    @property
    def alarm_ids(self) -> tuple[int, ...]:
        """The alarms it tells about, each once, in order."""
        return tuple(dict.fromkeys(e.alarm.id for e in self.events))


class Throttle:
    """Holds what exceeds a recipient's rate on a channel and releases it as digests."""

    def __init__(self, limits: Mapping[str, RateLimit]) -> None:
        self.limits = limits
        self._sent: dict[tuple[str, str], deque[int]] = {}
        self._held: dict[tuple[str, str], list[Send]] = {}

    @staticmethod
    def _key(send: Send) -> tuple[str, str]:
        return send.channel, send.recipient or "*"

    def _room(self, key: tuple[str, str], now: int) -> bool:
        limit = self.limits[key[0]]
        sent = self._sent.setdefault(key, deque())
        while sent and sent[0] <= now - int(limit.window * 1000):
            sent.popleft()
        return len(sent) < limit.messages

    def offer(self, send: Send, now: int) -> Message | None:
        """The message to send now, or None when the send was held for a digest."""
        key = self._key(send)
        if key not in self._held and self._room(key, now):
            self._sent[key].append(now)
            return Message(send.channel, send.recipient, send.address, (send.event,), send.mentions, send.repeat)
        self._held.setdefault(key, []).append(send)
        return None

    def held(self) -> int:
        """How many sends wait for a digest."""
        return sum(len(v) for v in self._held.values())

    def due(self, now: int) -> list[Message]:
        """Digests whose recipient has room again."""
        out = []
        for key in list(self._held):
            if not self._room(key, now):
                continue
            sends = self._held.pop(key)
            self._sent[key].append(now)
            out.append(self._merge(sends))
        return out

    def flush(self) -> list[Message]:
        """Everything held, as digests, regardless of the rate (for shutting down)."""
        out = [self._merge(s) for s in self._held.values()]
        self._held.clear()
        return out

    def next_due(self) -> int | None:
        """When the earliest held digest may go, or None."""
        times = []
        for key in self._held:
            sent = self._sent.get(key)
            times.append(sent[0] + int(self.limits[key[0]].window * 1000) if sent else 0)
        return min(times) if times else None

    @staticmethod
    def _merge(sends: list[Send]) -> Message:
        first = sends[0]
        mentions = tuple(dict.fromkeys(m for s in sends for m in s.mentions))
        return Message(first.channel, first.recipient, first.address, tuple(s.event for s in sends), mentions,
                       max(s.repeat for s in sends) if len(sends) == 1 else 0)
