"""A meter's registers that remember: energy counters, time-of-use registers, demand.

Energy is the integral of power over plant time, taken lazily: when a meter is read, its
counters advance from the last reading with trapezoids of at most ``step`` seconds.  So a
counter only ever rises, equals ∫P dt whatever the polling pattern, and costs nothing while
nobody reads it.  Import energy is also booked into the meter's four time-of-use registers
(T1 sharp, T2 peak, T3 flat, T4 valley) by the local hour, so they add up to the total.
Demand is the usual 15-minute sliding average, modelled as a first-order lag.
"""

from __future__ import annotations

import math
from collections.abc import Callable

#: The meter's own tariff table by local hour: 0 = T1 sharp, 1 = T2 peak, 2 = T3 flat, 3 = T4 valley.
#: A typical industrial split; the site's tariff for costing is the application's business.
TARIFF_BY_HOUR = (3,) * 7 + (2,) + (1,) * 3 + (2,) * 6 + (1,) * 2 + (0,) * 2 + (1,) * 2 + (3,)
DEMAND_TAU = 900.0  # s: a 15-minute demand window

#: Integrand: power at t -> [P import, P export, Q import, Q export, circuit P...] (kW, kvar).
Integrand = Callable[[float], list[float]]


class EnergyCounter:
    """The counters of one meter (kWh, kvarh) and its demand (kW)."""

    def __init__(
        self,
        t: float,
        initial: list[float],
        integrand: Integrand,
        hour: Callable[[float], float],
        step: float = 60.0,
    ) -> None:
        self.t = t
        self.values = list(initial)  # same layout as the integrand
        self.integrand = integrand
        self.hour = hour
        self.step = step
        share = (0.08, 0.32, 0.35, 0.25)
        self.tariffs = [round(initial[0] * s, 2) for s in share]
        self.last = integrand(t)
        self.demand = self.last[0] - self.last[1]
        self.demand_max = max(self.demand, 0.0)

    def restart(self) -> None:
        """Re-evaluate the integrand at the last instant (after the plant changed state there)."""
        self.last = self.integrand(self.t)

    def settle(self, t: float) -> None:
        """Advance every counter to ``t`` (a time in the past of the counter is ignored)."""
        if t <= self.t:
            return
        n = max(1, math.ceil((t - self.t) / self.step))
        dt = (t - self.t) / n
        values, left = self.values, self.last
        lag = 1.0 - math.exp(-dt / DEMAND_TAU)
        for i in range(1, n + 1):
            ti = self.t + dt * i if i < n else t
            right = self.integrand(ti)
            for j in range(len(values)):
                values[j] += (left[j] + right[j]) * dt / 7200.0  # kW·s -> kWh, trapezoid
            tariff = TARIFF_BY_HOUR[int(self.hour(ti - dt / 2)) % 24]
            self.tariffs[tariff] += (left[0] + right[0]) * dt / 7200.0
            self.demand += (right[0] - right[1] - self.demand) * lag
            self.demand_max = max(self.demand_max, self.demand)
            left = right
        self.t, self.last = t, left
