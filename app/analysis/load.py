"""Load analysis: curves, load factor, transformer load rate and its distribution, unbalance, peak shaving.

The figures an energy manager reads to size transformers and shift load: how full a
transformer runs and how often (the distribution of its load rate), how flat the load is (load
factor = average / maximum), how much more it draws in peak than in valley hours, how unequal
its phases are, and what moving part of the peak energy to the valley would save at the
tariff's prices.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from app.analysis.tariff import Period, PriceSet, Tariff

#: Load-rate bins in percent of the rating: [0,10), [10,20) ... [90,100), [100,110), >= 110.
RATE_BINS = (*range(0, 111, 10), float("inf"))


@dataclass(frozen=True, slots=True)
class LoadStats:
    max_kw: float
    max_at_ms: int
    min_kw: float
    avg_kw: float

    @property
    def load_factor(self) -> float | None:
        """Average over maximum (0..1); None without load."""
        return None if self.max_kw <= 0 else self.avg_kw / self.max_kw


def load_stats(ts: np.ndarray, kw: np.ndarray) -> LoadStats | None:
    """Of a load curve (NaN where unknown); None when it has no value."""
    ts, kw = np.asarray(ts), np.asarray(kw, dtype=np.float64)
    known = ~np.isnan(kw)
    if not known.any():
        return None
    i = int(np.nanargmax(kw))
    return LoadStats(float(kw[i]), int(ts[i]), float(np.nanmin(kw)), float(np.nanmean(kw)))


def load_rate_distribution(kva: np.ndarray, rated_kva: float) -> list[tuple[str, float]]:
    """Share of the time (percent) in each load-rate bin: ("0-10%", 12.5), ... (">=110%", 0.0)."""
    rate = 100.0 * np.asarray(kva, dtype=np.float64) / rated_kva
    rate = rate[~np.isnan(rate)]
    counts, _ = np.histogram(rate, bins=np.asarray(RATE_BINS, dtype=np.float64))
    total = max(int(counts.sum()), 1)
    labels = [f"{int(lo)}-{int(hi)}%" for lo, hi in itertools.pairwise(RATE_BINS[:-1])]
    labels.append(f">={int(RATE_BINS[-2])}%")
    return [(label, 100.0 * int(n) / total) for label, n in zip(labels, counts.tolist(), strict=True)]


def unbalance_percent(ia: np.ndarray, ib: np.ndarray, ic: np.ndarray) -> np.ndarray:
    """Three-phase current unbalance per instant, (Imax - Imin) / Imax × 100 (NaN when all are 0)."""
    phases = np.vstack([ia, ib, ic]).astype(np.float64)
    top, bottom = phases.max(axis=0), phases.min(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(top > 0, 100.0 * (top - bottom) / top, np.nan)


def peak_valley_ratio(tariff: Tariff, ts: np.ndarray, kw: np.ndarray) -> float | None:
    """Average load in sharp and peak periods over the average in valley periods."""
    periods = np.asarray([tariff.period_at(int(t)) for t in np.asarray(ts).tolist()])
    kw = np.asarray(kw, dtype=np.float64)
    high = kw[np.isin(periods, [Period.SHARP, Period.PEAK]) & ~np.isnan(kw)]
    low = kw[(periods == Period.VALLEY) & ~np.isnan(kw)]
    if not len(high) or not len(low) or low.mean() <= 0:
        return None
    return float(high.mean() / low.mean())


def peak_shaving_saving(energy: Mapping[Period, float], prices: PriceSet, share: float) -> float:
    """Yuan saved if ``share`` (0..1) of the sharp and peak energy were used in valley hours instead."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"the share of peak energy to move is 0..1, not {share}")
    valley = prices.energy[Period.VALLEY]
    return sum(energy.get(p, 0.0) * share * (prices.energy[p] - valley) for p in (Period.SHARP, Period.PEAK))
