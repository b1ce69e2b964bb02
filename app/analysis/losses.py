"""Losses: what goes into a transformer or a bus section and does not come out of it metered.

Transformer loss is HV in minus LV out, compared with what its nameplate predicts — the
no-load loss every hour it is energised plus the load loss in proportion to the square of its
load (P0·h + Pk·Σβ²·Δt).  A section's loss is its incomer minus the sum of its feeders; beyond
the small technical loss of busbars and cables, it is energy that is not metered (a feeder
without a meter, a bypass, theft: 管理损耗).  Each figure is flagged when its loss rate passes
the threshold the manager set.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from app.analysis.energy import Flag, Register

QUARTER_MS = 15 * 60_000


@dataclass(frozen=True, slots=True)
class Loss:
    """One loss figure over a range."""

    name: str
    input_kwh: float
    output_kwh: float
    expected_kwh: float | None  # the nameplate's prediction (transformers), else None
    threshold_percent: float
    flags: Flag

    @property
    def complete(self) -> bool:
        """Every meter involved has readings over the whole range (gaps are spread, not missing)."""
        return Flag.NO_DATA not in self.flags

    @property
    def loss_kwh(self) -> float | None:
        """In minus out; None when a meter lacks readings (a difference with a missing side is no loss)."""
        return self.input_kwh - self.output_kwh if self.complete else None

    @property
    def rate_percent(self) -> float | None:
        """Loss over input; None when nothing went in or a meter lacks readings."""
        loss = self.loss_kwh
        return None if loss is None or self.input_kwh <= 0 else 100.0 * loss / self.input_kwh

    @property
    def unexplained_kwh(self) -> float | None:
        """Loss beyond the nameplate's prediction (transformers)."""
        loss = self.loss_kwh
        return None if self.expected_kwh is None or loss is None else loss - self.expected_kwh

    @property
    def over_threshold(self) -> bool:
        rate = self.rate_percent
        return rate is not None and rate > self.threshold_percent


def transformer_loss(name: str, hv: Register, lv: Register, start_ms: int, end_ms: int, *,
                     rated_kva: float | None = None, no_load_loss_kw: float | None = None,
                     load_loss_kw: float | None = None, lv_reactive: Register | None = None,
                     power_factor: float = 0.9, threshold_percent: float = 3.0) -> Loss:
    """HV in minus LV out, and the nameplate's expected loss computed per quarter hour.

    The load factor β of each quarter hour is its apparent power over the rating: from the LV
    active and reactive energy when a reactive register is given, else from the active energy
    and ``power_factor``.  A quarter hour without readings adds no expected loss (and the
    figure carries NO_DATA).
    """
    into, into_flags = hv.between([start_ms], [end_ms]).total()
    out, out_flags = lv.between([start_ms], [end_ms]).total()
    flags = into_flags | out_flags
    expected = None
    if rated_kva and no_load_loss_kw is not None and load_loss_kw is not None:
        q = lv.intervals(start_ms, end_ms, QUARTER_MS)
        hours = (q.ends - q.starts) / 3_600_000.0
        kw = q.kwh / hours
        if lv_reactive is not None:
            kvar = lv_reactive.between(q.starts, q.ends).kwh / hours
            kva = np.hypot(kw, kvar)
        else:
            kva = kw / power_factor
        covered = ~np.isnan(kva)
        if covered.any():
            beta = kva[covered] / rated_kva
            expected = float(no_load_loss_kw * hours[covered].sum() + load_loss_kw * (beta**2 * hours[covered]).sum())
    return Loss(name, into, out, expected, threshold_percent, flags)


def section_loss(name: str, incomer: Register, feeders: Mapping[str, Register], start_ms: int, end_ms: int, *,
                 threshold_percent: float = 2.0) -> Loss:
    """The incomer's energy minus the sum of its feeders' over [start, end)."""
    into, flags = incomer.between([start_ms], [end_ms]).total()
    out = 0.0
    for register in feeders.values():
        kwh, f = register.between([start_ms], [end_ms]).total()
        out += kwh
        flags |= f
    return Loss(name, into, out, None, threshold_percent, flags)


def loss_rate_words(loss: Loss) -> tuple[str, str]:
    """A report's remark: (Chinese, English)."""
    if not loss.complete:
        return "缺少电表读数，无法计算", "meter readings missing: not computed"
    rate = loss.rate_percent
    if rate is None or math.isnan(rate):
        return "无输入电量", "no energy in"
    if loss.over_threshold:
        return (f"损耗率 {rate:.2f}% 超过阈值 {loss.threshold_percent:g}%",
                f"loss rate {rate:.2f} % above the threshold of {loss.threshold_percent:g} %")
    return f"损耗率 {rate:.2f}%", f"loss rate {rate:.2f} %"
