"""Maximum demand: the highest average power over a sliding 15-minute window, and when it occurred.

The demand charge of a two-part tariff bills the month's maximum demand as the meter measures
it: the average power over 15 minutes, the window sliding minute by minute.  From a cumulative
register that is ``(E(t) - E(t - 15 min)) × 4`` at each whole minute.
"""

from __future__ import annotations

import numpy as np

from app.analysis.energy import Register

WINDOW_MS = 15 * 60_000
STEP_MS = 60_000


def max_demand(register: Register, start_ms: int, end_ms: int, window_ms: int = WINDOW_MS,
               step_ms: int = STEP_MS) -> tuple[float, int] | None:
    """(kW, end of the window in ms UTC) of the highest window ending in (start + window, end]; None
    when no full window is covered by readings."""
    first = start_ms + window_ms
    if end_ms < first:
        return None
    ends = np.arange(first - (first % step_ms) + (step_ms if first % step_ms else 0), end_ms + 1, step_ms,
                     dtype=np.int64)
    if not len(ends):
        return None
    kw = (register.energy_at(ends) - register.energy_at(ends - window_ms)) * (3_600_000 / window_ms)
    if np.isnan(kw).all():
        return None
    i = int(np.nanargmax(kw))
    return float(kw[i]), int(ends[i])
