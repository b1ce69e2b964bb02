"""Daily load curves and smooth noise: what makes a simulated feeder look like a real one.

Everything here is a pure function of (seed, device, time), so a plant evaluated twice at the
same instant gives the same numbers whatever happened in between, and an energy counter can
be checked against the integral of the power it counts.  Noise is "value noise": random knots
at a fixed period, interpolated smoothly, so power has no jumps and integrates cleanly.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_MASK = (1 << 64) - 1


class ProfileError(ValueError):
    """A time zone or curve parameter the simulator cannot use."""


def key_of(*parts: str | int) -> int:
    """A stable 32-bit key for a device (and a purpose): str hashes are salted per process."""
    return zlib.crc32("\x1f".join(str(p) for p in parts).encode())


def _mix(x: int) -> int:
    # splitmix64 finaliser: cheap, well-distributed, the same on every platform
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


_KNOTS: dict[tuple[int, int, int], float] = {}
_KNOTS_MAX = 1 << 16


def jitter(seed: int, key: int, k: int) -> float:
    """A deterministic pseudo-random number in [-1, 1) for knot ``k`` of stream (seed, key).

    Memoised: a plant reads the same few knots thousands of times between two of them.
    """
    knot = (seed, key, k)
    v = _KNOTS.get(knot)
    if v is None:
        if len(_KNOTS) >= _KNOTS_MAX:
            _KNOTS.clear()
        x = _mix(((seed & 0xFFFFFFFF) << 32) ^ key ^ _mix(k & _MASK))
        v = _KNOTS[knot] = (x >> 11) * (2.0 / (1 << 53)) - 1.0
    return v


def unit(seed: int, key: int, k: int = 0) -> float:
    """Like `jitter` but in [0, 1): for picking parameters."""
    return (jitter(seed, key, k) + 1.0) * 0.5


def drift(seed: int, key: int, t: float, period: float) -> float:
    """Smooth noise in [-1, 1] with knots every ``period`` seconds (C1-continuous)."""
    x = t / period
    k = math.floor(x)
    f = x - k
    a = jitter(seed, key, k)
    b = jitter(seed, key, k + 1)
    return a + (b - a) * f * f * (3.0 - 2.0 * f)


def _bump(hour: float, centre: float, width: float) -> float:
    d = abs(hour - centre) % 24.0
    d = min(d, 24.0 - d)  # the evening peak wraps round midnight
    return math.exp(-0.5 * (d / width) ** 2)


def _box(hour: float, start: float, end: float, ramp: float) -> float:
    rise = 1.0 / (1.0 + math.exp(-(hour - start) / ramp))
    fall = 1.0 / (1.0 + math.exp((hour - end) / ramp))
    return rise * fall


@dataclass(frozen=True, slots=True)
class LoadCurve:
    """A feeder's normalised daily shape: 1.0 at its busiest hour of a working day."""

    kind: str
    valley: float  # night base load, fraction of peak
    plateau: float  # working-hours level above the valley
    day_start: float  # local hours
    day_end: float
    morning: float  # bump amplitudes and their centres (local hours)
    morning_at: float
    midday: float
    midday_at: float
    evening: float
    evening_at: float
    weekend: float  # multiplier on Saturdays and Sundays
    norm: float = 1.0

    def raw(self, hour: float) -> float:
        """The un-normalised shape at a local hour."""
        return (
            self.valley
            + self.plateau * _box(hour, self.day_start, self.day_end, 0.6)
            + self.morning * _bump(hour, self.morning_at, 0.9)
            + self.midday * _bump(hour, self.midday_at, 1.3)
            + self.evening * _bump(hour, self.evening_at, 1.5)
        )

    def at(self, hour: float, weekend: bool = False) -> float:
        """The load fraction (0..1) at a local hour."""
        v = self.raw(hour) / self.norm
        return v * self.weekend if weekend else v


# kind: valley, plateau, day start/end, morning, midday, evening (amplitude, centre), weekend
_KINDS: dict[str, tuple[float, float, float, float, float, float, float, float, float, float, float]] = {
    "office": (0.22, 0.55, 8.5, 18.0, 0.15, 9.5, 0.25, 14.5, 0.10, 19.0, 0.45),
    "residential": (0.30, 0.10, 7.0, 22.0, 0.30, 7.5, 0.20, 12.0, 0.75, 20.0, 1.10),
    "production": (0.40, 0.50, 7.5, 17.5, 0.10, 8.5, 0.15, 11.0, 0.05, 18.5, 0.60),
    "hvac": (0.15, 0.35, 9.0, 19.0, 0.05, 9.0, 0.55, 14.5, 0.20, 18.0, 0.70),
    "lighting": (0.35, 0.05, 8.0, 17.0, 0.05, 6.5, 0.05, 12.0, 0.80, 20.5, 1.00),
    "commercial": (0.20, 0.45, 9.5, 21.5, 0.05, 10.0, 0.30, 12.5, 0.35, 19.5, 1.15),
}
KINDS = tuple(_KINDS)


def curve_for(seed: int, device_id: str) -> LoadCurve:
    """The device's own curve: a kind picked by seed and id, each parameter nudged a little."""
    key = key_of(device_id, "curve")
    kind = KINDS[int(unit(seed, key, 0) * len(KINDS)) % len(KINDS)]
    v, pl, ds, de, mo, mo_at, mi, mi_at, ev, ev_at, we = _KINDS[kind]

    def nudge(i: int, x: float, rel: float) -> float:
        return x * (1.0 + rel * jitter(seed, key, i))

    def shift(i: int, h: float) -> float:
        return h + 0.5 * jitter(seed, key, i)

    curve = LoadCurve(
        kind=kind,
        valley=nudge(1, v, 0.2),
        plateau=nudge(2, pl, 0.2),
        day_start=shift(3, ds),
        day_end=shift(4, de),
        morning=nudge(5, mo, 0.3),
        morning_at=shift(6, mo_at),
        midday=nudge(7, mi, 0.3),
        midday_at=shift(8, mi_at),
        evening=nudge(9, ev, 0.3),
        evening_at=shift(10, ev_at),
        weekend=nudge(11, we, 0.1),
    )
    peak = max(curve.raw(h / 4.0) for h in range(96))
    return LoadCurve(**{**_fields(curve), "norm": peak})


def _fields(curve: LoadCurve) -> dict[str, float | str]:
    return {name: getattr(curve, name) for name in LoadCurve.__slots__}


class LocalClock:
    """Epoch seconds to the site's local hour of day and weekday (tariffs and habits are local).

    The UTC offset is looked up once per hour of epoch time: zoneinfo is exact but not free.
    """

    def __init__(self, tz: str) -> None:
        try:
            self._zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ProfileError(f"unknown time zone {tz!r}") from exc
        self._bucket = -1
        self._offset = 0.0

    def local(self, t: float) -> float:
        """Seconds since the epoch, shifted to local wall-clock time."""
        bucket = int(t // 3600)
        if bucket != self._bucket:
            off = datetime.fromtimestamp(bucket * 3600, self._zone).utcoffset()
            self._offset = off.total_seconds() if off is not None else 0.0
            self._bucket = bucket
        return t + self._offset

    def hour(self, t: float) -> float:
        """Local hour of day, 0.0 <= h < 24.0."""
        return (self.local(t) % 86400.0) / 3600.0

    def weekend(self, t: float) -> bool:
        """Saturday or Sunday, local time (1970-01-01 was a Thursday)."""
        return (int(self.local(t) // 86400) + 3) % 7 >= 5

    def datetime(self, t: float) -> datetime:
        """The local date and time, for a meter's clock."""
        return datetime.fromtimestamp(t, self._zone)
