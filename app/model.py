"""Domain types every room of the application shares: samples, their quality, points.

A `Sample` is the unit of everything that flows: acquisition makes them, the historian stores
them, alarms judge them, the console draws them.  It is a NamedTuple because hundreds of
thousands are made per second; the quality travels with the value so that a number is never
shown or stored without saying whether it can be trusted.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import NamedTuple


class Quality(enum.IntEnum):
    """How far a value can be trusted (the names are the API's words)."""

    GOOD = 0
    STALE = 1  # not refreshed within its expected period; the last value is shown greyed
    COMM_FAIL = 2  # the device or its gateway does not answer
    BAD_VALUE = 3  # read, but outside the physically possible range

    @property
    def word(self) -> str:
        """The lower-case name used in the API and files: good, stale, comm_fail, bad_value."""
        return self.name.lower()

    @classmethod
    def from_word(cls, word: str) -> Quality:
        """Parse an API word; ValueError names the valid ones."""
        try:
            return cls[word.upper()]
        except KeyError:
            valid = ", ".join(q.word for q in cls)
            raise ValueError(f"{word!r} is not a quality ({valid})") from None


class Sample(NamedTuple):
    """One value of one point at one instant: ``(point_id, ts_ms UTC, value, quality)``."""

    point: str  # "DEVICE.QUANTITY", e.g. "T1-LV-IN.Ia"
    ts: int  # milliseconds since the Unix epoch, UTC
    value: float
    quality: Quality = Quality.GOOD


class PointKind(enum.StrEnum):
    """What a point's numbers mean, which decides how they are stored and aggregated."""

    ANALOG = "analog"
    DIGITAL = "digital"  # 0/1 states: breaker positions, alarms, door contacts
    COUNTER = "counter"  # cumulative registers (energy): deltas matter, not averages


@dataclass(frozen=True, slots=True)
class Point:
    """A named value of the plant: measured by a device's quantity, or derived by a formula."""

    id: str  # "DEVICE.QUANTITY" (measured) or the derived point's id
    name_zh: str
    name_en: str
    unit: str
    kind: PointKind
    device: str | None = None  # None for derived points
    quantity: str | None = None
    gateway: str | None = None
    room: str | None = None
    range: tuple[float, float] | None = None  # physical range at this device's ratios
    formula: str | None = None  # derived points only

    def name(self, lang: str) -> str:
        """The point's name in ``lang`` ("zh" or "en")."""
        return self.name_zh if lang.startswith("zh") else self.name_en
