"""Winding temperatures of a dry-type transformer, as its BWDK-style controller reports them.

The winding's rise over the room follows the transformer's losses with a first-order lag:
steady-state rise = ``RISE_K`` × (losses / rated losses)^0.8, reached with time constant
``TAU``; forced air (the fan) takes it down to ``FAN_FACTOR`` of that.  The controller starts
the fan at ``FAN_ON`` and stops it below ``FAN_OFF``, alarms at ``ALARM_C`` and trips at
``TRIP_C`` (its usual factory settings).  The middle limb (B) runs a little hotter, the core
a little cooler.  The state advances lazily, in steps of at most ``step`` seconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable

RISE_K = 90.0  # K: winding rise at rated losses, natural air (class F insulation)
FAN_FACTOR = 0.7  # forced air
TAU = 1800.0  # s: winding thermal time constant
FAN_ON, FAN_OFF, ALARM_C, TRIP_C = 80.0, 60.0, 130.0, 150.0  # °C
PHASE_FACTORS = (1.0, 1.07, 0.97)  # A, B (middle limb), C
CORE_FACTOR = 0.75


def steady_rise(loss_ratio: float, fan: bool) -> float:
    """Steady-state winding rise (K) at ``loss_ratio`` = losses / rated losses."""
    return RISE_K * max(loss_ratio, 0.0) ** 0.8 * (FAN_FACTOR if fan else 1.0)


class Winding:
    """The thermal state of one transformer's windings and its fan."""

    def __init__(
        self,
        t: float,
        loss_ratio: Callable[[float], float],
        ambient: Callable[[float], float],
        step: float = 60.0,
    ) -> None:
        self.loss_ratio = loss_ratio
        self.ambient = ambient
        self.step = step
        self.t = t
        self.rise = steady_rise(loss_ratio(t), fan=False)
        self.fan = self.hottest(t) >= FAN_ON
        if self.fan:
            self.rise = steady_rise(loss_ratio(t), fan=True)

    def hottest(self, t: float) -> float:
        """The hottest phase, °C, at the current state."""
        return self.ambient(t) + self.rise * max(PHASE_FACTORS)

    def settle(self, t: float) -> None:
        """Advance the state to ``t``; the fan switches with hysteresis along the way."""
        if t <= self.t:
            return
        n = max(1, math.ceil((t - self.t) / self.step))
        dt = (t - self.t) / n
        decay = 1.0 - math.exp(-dt / TAU)
        for i in range(1, n + 1):
            ti = self.t + dt * i if i < n else t
            self.rise += (steady_rise(self.loss_ratio(ti), self.fan) - self.rise) * decay
            hottest = self.hottest(ti)
            if hottest >= FAN_ON:
                self.fan = True
            elif hottest < FAN_OFF:
                self.fan = False
        self.t = t
