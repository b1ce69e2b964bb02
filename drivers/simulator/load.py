"""What a feeder draws: its daily curve scaled to its breaker, with noise and a drooping PF.

A feeder's peak current is a seeded 35-65 % of its breaker rating (feeders are sized with
margin); its power factor is a seeded 0.86-0.97 at full load and droops at light load, as
motor and transformer loads do.  A rail multi-circuit meter's feeder is split into single-
phase circuits, each with its own curve, sharing the feeder's three-phase capacity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from drivers.simulator.profile import LoadCurve, LocalClock, curve_for, drift, key_of, unit
from drivers.simulator.spec import SimDevice

SQRT3 = math.sqrt(3.0)
DEFAULT_RATING_A = 250.0


@dataclass(frozen=True, slots=True)
class Load:
    """One load: a curve, the active power at curve 1.0, and the power factor at full load."""

    curve: LoadCurve
    p_peak: float  # kW
    pf: float
    key: int

    def pq(self, seed: int, clock: LocalClock, t: float, factor: float = 1.0) -> tuple[float, float]:
        """Active and reactive power (kW, kvar) at plant time ``t``, times an overload ``factor``."""
        frac = self.curve.at(clock.hour(t), clock.weekend(t))
        frac *= 1.0 + 0.06 * drift(seed, self.key, t, 60.0) + 0.04 * drift(seed, self.key + 1, t, 900.0)
        frac = max(frac, 0.01)
        pf = self.pf - 0.06 * (1.0 - frac) + 0.01 * drift(seed, self.key + 2, t, 300.0)
        pf = min(0.99, max(0.6, pf))
        p = self.p_peak * frac * factor
        return p, p * math.sqrt(1.0 / (pf * pf) - 1.0)


def loads_for(seed: int, device: SimDevice, circuits: int = 0) -> list[Load]:
    """The loads behind a feeder's meter: one, or one per circuit of a rail meter."""
    rating = device.rating_a or DEFAULT_RATING_A
    if circuits > 0:
        loads = []
        for c in range(1, circuits + 1):
            key = key_of(device.id, c, "load")
            amps = 3.0 * rating / circuits  # single-phase circuits share three phases
            util = 0.35 + 0.3 * unit(seed, key, 1)
            pf = 0.88 + 0.09 * unit(seed, key, 2)
            curve = curve_for(seed, f"{device.id}.C{c}")
            loads.append(Load(curve, 0.23 * amps * util * pf, pf, key))
        return loads
    key = key_of(device.id, "load")
    util = 0.35 + 0.3 * unit(seed, key, 1)
    pf = 0.86 + 0.11 * unit(seed, key, 2)
    return [Load(curve_for(seed, device.id), SQRT3 * 0.4 * rating * util * pf, pf, key)]
