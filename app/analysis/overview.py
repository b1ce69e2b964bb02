"""What the console's energy-analysis view shows for a set of meters over a range, computed off the GUI.

The daily energy by tariff period (stacked bars), the 15-minute load curve, and the figures a
manager reads beside them: energy and cost, maximum demand and when, load factor, peak/valley
ratio and what moving a tenth of the peak energy to the valley would save.  Several meters add
up (a room, a section); their flags are kept so the view can say where data is missing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from app.analysis.energy import Flag, Register
from app.analysis.load import load_stats, peak_shaving_saving, peak_valley_ratio
from app.analysis.tariff import Period, Tariff

QUARTER_MS = 15 * 60_000


@dataclass(frozen=True, slots=True)
class EnergyOverview:
    day_starts: np.ndarray  # ms UTC of each local day
    day_kwh: dict[Period, np.ndarray]  # per period, one value per day (NaN: no data)
    curve_ts: np.ndarray  # quarter hours
    curve_kw: np.ndarray  # average kW of each quarter hour (NaN: no data)
    energy_kwh: dict[Period, float]
    cost_yuan: float
    max_kw: float | None
    max_at_ms: int | None
    load_factor: float | None
    peak_valley: float | None
    shaving_10pct_yuan: float | None
    flags: Flag

    @property
    def total_kwh(self) -> float:
        return sum(self.energy_kwh.values())


def overview(registers: Iterable[Register], tariff: Tariff, start_ms: int, end_ms: int) -> EnergyOverview:
    """The sum of ``registers`` over [start, end)."""
    regs = list(registers)
    zone = tariff.timezone
    days = [start_ms]
    at = dt.datetime.fromtimestamp(start_ms / 1000, zone)
    while True:
        at = dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        ms = int(at.timestamp() * 1000)
        if ms >= end_ms:
            break
        days.append(ms)
    day_edges = np.asarray([*days, end_ms], dtype=np.int64)
    spans = list(tariff.spans(start_ms, end_ms))
    lo = np.asarray([s[0] for s in spans], dtype=np.int64)
    hi = np.asarray([s[1] for s in spans], dtype=np.int64)
    day_of_span = np.searchsorted(day_edges, lo, side="right") - 1
    prices = np.asarray([tariff.prices_on(dt.datetime.fromtimestamp(int(t) / 1000, zone).date()).energy[p]
                         for t, (_a, _b, p) in zip(lo.tolist(), spans, strict=True)])
    day_kwh = {p: np.full(len(days), np.nan) for p in Period}
    quarters = np.arange(start_ms, end_ms, QUARTER_MS, dtype=np.int64)
    curve = np.full(len(quarters), np.nan)
    cost = 0.0
    flags = Flag.NONE
    for reg in regs:
        got = reg.between(lo, hi)
        flags |= got.total()[1]
        known = ~np.isnan(got.kwh)
        cost += float((got.kwh[known] * prices[known]).sum())
        for k, (_a, _b, period) in enumerate(spans):
            if known[k]:
                row = day_kwh[period]
                d = day_of_span[k]
                row[d] = got.kwh[k] + (0.0 if math.isnan(row[d]) else row[d])
        q = reg.between(quarters, np.minimum(quarters + QUARTER_MS, end_ms)).kwh * (3_600_000 / QUARTER_MS)
        curve = np.where(np.isnan(curve), q, np.where(np.isnan(q), curve, curve + q))
    energy = {p: float(np.nansum(day_kwh[p])) for p in Period}
    stats = load_stats(quarters, curve)
    ratio = peak_valley_ratio(tariff, quarters, curve) if stats else None
    saving = peak_shaving_saving(energy, tariff.prices_on(dt.datetime.fromtimestamp(start_ms / 1000, zone).date()),
                                 0.1) if stats else None
    return EnergyOverview(np.asarray(days, dtype=np.int64), day_kwh, quarters, curve, energy, cost,
                          stats.max_kw if stats else None, stats.max_at_ms if stats else None,
                          stats.load_factor if stats else None, ratio, saving, flags)
