"""A month's electricity bill from the meter registers and the tariff, itemised as the utility's.

energy charge (each time-of-use period's energy × its price on that day) + basic charge (max
demand × price per kW, or installed capacity × price per kVA) + the power-factor adjustment on
their sum (`app.analysis.power_factor`).  Amounts are in yuan, rounded to the fen only for
display, so the items add up exactly to the total.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from app.analysis.demand import max_demand
from app.analysis.energy import Flag, Register
from app.analysis.power_factor import adjustment_percent, monthly_power_factor
from app.analysis.tariff import Period, Tariff


@dataclass(frozen=True, slots=True)
class Bill:
    start_ms: int
    end_ms: int
    energy_kwh: dict[Period, float]
    energy_yuan: dict[Period, float]
    basic_kind: str | None  # "demand" (per kW of max demand), "capacity" (per kVA) or None
    basic_quantity: float  # kW or kVA
    basic_yuan: float
    max_demand_kw: float | None
    max_demand_at_ms: int | None
    reactive_kvarh: float | None
    power_factor: float | None  # the month's, rounded to 0.01 half up
    pf_percent: float  # + surcharge, - rebate
    pf_yuan: float
    flags: Flag = field(default=Flag.NONE)

    @property
    def energy_total_kwh(self) -> float:
        return sum(self.energy_kwh.values())

    @property
    def energy_total_yuan(self) -> float:
        return sum(self.energy_yuan.values())

    @property
    def total_yuan(self) -> float:
        return self.energy_total_yuan + self.basic_yuan + self.pf_yuan


def month_range(tariff: Tariff, year: int, month: int) -> tuple[int, int]:
    """[first instant, first instant of the next month) of a local calendar month, ms UTC."""
    start = dt.datetime(year, month, 1, tzinfo=tariff.timezone)
    nxt = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tariff.timezone)
    return int(start.timestamp() * 1000), int(nxt.timestamp() * 1000)


def monthly_bill(active: Register, tariff: Tariff, year: int, month: int, *, reactive: Register | None = None,
                 capacity_kva: float | None = None) -> Bill:
    """The bill of one local calendar month; prices change on their own dates within it, the basic
    charge uses the set in force on the month's first day."""
    start, end = month_range(tariff, year, month)
    spans = list(tariff.spans(start, end))
    got = active.between([s[0] for s in spans], [s[1] for s in spans])
    energy = dict.fromkeys(Period, 0.0)
    money = dict.fromkeys(Period, 0.0)
    for (lo, _hi, period), kwh in zip(spans, got.kwh.tolist(), strict=True):
        if not math.isnan(kwh):
            day = dt.datetime.fromtimestamp(lo / 1000, tariff.timezone).date()
            energy[period] += kwh
            money[period] += kwh * tariff.prices_on(day).energy[period]
    flags = got.total()[1]
    prices = tariff.prices_on(dt.date(year, month, 1))
    peak = max_demand(active, start, end)
    kind, quantity, basic = None, 0.0, 0.0
    if prices.demand_per_kw is not None:
        kind, quantity = "demand", (peak[0] if peak else 0.0)
        basic = quantity * prices.demand_per_kw
    elif prices.capacity_per_kva is not None and capacity_kva is not None:
        kind, quantity = "capacity", capacity_kva
        basic = quantity * prices.capacity_per_kva
    kvarh = pf = None
    percent = 0.0
    if reactive is not None:
        r = reactive.between([start], [end])
        kvarh = None if math.isnan(r.kwh[0]) else float(r.kwh[0])
        flags |= Flag(int(r.flags[0]))
        if kvarh is not None:
            pf = monthly_power_factor(sum(energy.values()), kvarh)
            if pf is not None and tariff.pf_standard is not None:
                percent = adjustment_percent(pf, tariff.pf_standard)
    pf_yuan = (sum(money.values()) + basic) * percent / 100.0
    return Bill(start, end, energy, money, kind, quantity, basic, peak[0] if peak else None,
                peak[1] if peak else None, kvarh, pf, percent, pf_yuan, flags)
