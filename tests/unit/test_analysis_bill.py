"""Energy, time-of-use split, demand, power factor and the bill on a generated month, against hand figures.

The month (March 2026, Asia/Shanghai) of 15-minute readings of an energy register: 100 kW in
valley hours and 200 kW otherwise, a 400 kW half hour on the 10th, reactive power half the
active.  The register starts near its top and rolls over on the 1st, is reset on the 5th at
03:07, the meter is replaced on the 20th at 09:05 (recorded), and readings are missing on the
25th from 06:00 to 09:00.  Every expected figure below is worked out by hand from that story.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from app.analysis.bill import month_range, monthly_bill
from app.analysis.demand import max_demand
from app.analysis.energy import Flag, Register, Replacement
from app.analysis.power_factor import adjustment_percent, monthly_power_factor
from app.analysis.tariff import Period, TariffError, tariff_from_mapping

ZONE = "Asia/Shanghai"
DAY_PERIODS = {"00:00": "valley", "08:00": "flat", "10:00": "peak", "11:00": "sharp", "12:00": "flat",
               "18:00": "peak", "21:00": "flat", "23:00": "valley"}
TARIFF = {
    "pf_standard": 0.90,
    "seasons": [{"name": "all year", "months": list(range(1, 13)), "periods": DAY_PERIODS}],
    "prices": [
        {"from": "2026-01-01", "energy": {"sharp": 1.2, "peak": 1.0, "flat": 0.6, "valley": 0.3}, "demand_per_kw": 40},
        {"from": "2026-03-16", "energy": {"sharp": 1.2, "peak": 1.0, "flat": 0.6, "valley": 0.25},
         "demand_per_kw": 40},
    ],
}
ROLLOVER = 1_000_000.0
MIN = 60_000


def local_ms(day: int, hour: int, minute: int = 0) -> int:
    return int(dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp() * 1000)


def true_power_kw(ts_ms: int) -> float:
    local = dt.datetime.fromtimestamp(ts_ms / 1000, dt.timezone(dt.timedelta(hours=8)))
    minute = local.hour * 60 + local.minute
    if local.day == 10 and 14 * 60 <= minute < 14 * 60 + 30:
        return 400.0
    return 100.0 if minute < 8 * 60 or minute >= 23 * 60 else 200.0


def generated_month() -> tuple[np.ndarray, np.ndarray, np.ndarray, Replacement]:
    """Readings every 15 min from Mar 1 00:00 to Apr 1 00:00 (local), as the meters would give them."""
    start, end = local_ms(1, 0), local_ms(31, 0) + 24 * 3_600_000
    minutes = np.arange(start, end + 1, MIN, dtype=np.int64)
    kw = np.asarray([true_power_kw(int(t)) for t in minutes[:-1]])
    true = np.concatenate(([0.0], np.cumsum(kw / 60.0)))  # kWh consumed since the start, minute by minute
    at = {int(t): e for t, e in zip(minutes.tolist(), true.tolist(), strict=True)}
    reset, swap = local_ms(5, 3, 7), local_ms(20, 9, 5)
    ts, active = [], []
    for t in range(start, end + 1, 15 * MIN):
        if local_ms(25, 6) < t < local_ms(25, 9):
            continue  # the gap
        if t < reset:
            value = (999_000.0 + at[t]) % ROLLOVER  # rolls over when it passes 1,000,000
        elif t < swap:
            value = at[t] - at[reset]  # the reset cleared it at 03:07
        else:
            value = 500.0 + at[t] - at[swap]
        ts.append(t)
        active.append(value)
    # the old meter's last value: counted from the reset to the swap
    replacement = Replacement(swap, old_final=at[swap] - at[reset], new_initial=500.0)
    reactive = np.asarray([at[t] * 0.5 for t in ts])  # a clean reactive register
    return np.asarray(ts), np.asarray(active), reactive, replacement


@pytest.fixture(scope="module")
def month():
    ts, active, reactive, replacement = generated_month()
    tariff = tariff_from_mapping(TARIFF, ZONE)
    a = Register(ts, active, rollover=ROLLOVER, replacements=[replacement])
    q = Register(ts, reactive, rollover=ROLLOVER)
    return tariff, a, q


# Hand figures.  A day: valley 9 h x 100 = 900 kWh, flat 10 h x 200 = 2000, peak 4 h x 200 = 800, sharp 200.
RESET_LOSS = 25.0  # the 03:00-03:15 step of the 5th (valley, 100 kW) is unknown: booked 0
# The gap 06:00-09:00 of the 25th holds 200 (valley) + 200 (flat) = 400 kWh, spread evenly over 3 h:
# valley gets 2/3 x 400 = 266.67 (truth 200), flat 133.33 (truth 200).
GAP_VALLEY = 400.0 * 2 / 3 - 200.0
VALLEY = 31 * 900 - RESET_LOSS + GAP_VALLEY
FLAT = 31 * 2000 + 100 - GAP_VALLEY  # + the burst's extra 100 kWh on the 10th (14:00-14:30, flat)
PEAK = 31 * 800
SHARP = 31 * 200


def test_energy_by_period_keeps_totals_through_rollover_reset_replacement_and_gap(month):
    tariff, a, _q = month
    start, end = month_range(tariff, 2026, 3)
    energy, flags = a.by_period(tariff, start, end)
    assert energy[Period.VALLEY] == pytest.approx(VALLEY, abs=1e-6)
    assert energy[Period.FLAT] == pytest.approx(FLAT, abs=1e-6)
    assert energy[Period.PEAK] == pytest.approx(PEAK, abs=1e-6)
    assert energy[Period.SHARP] == pytest.approx(SHARP, abs=1e-6)
    assert flags == Flag.GAP | Flag.RESET | Flag.ROLLOVER | Flag.REPLACED


def test_quarter_hours_carry_their_flags(month):
    _tariff, a, _q = month
    q = a.intervals(local_ms(1, 0), local_ms(31, 0) + 24 * 3_600_000, 15 * MIN)
    assert len(q.kwh) == 31 * 96
    at = {int(s): (k, Flag(int(f))) for s, k, f in zip(q.starts, q.kwh, q.flags, strict=True)}
    assert at[local_ms(5, 3, 0)] == (0.0, Flag.RESET)
    assert at[local_ms(20, 9, 0)] == (pytest.approx(50.0), Flag.REPLACED)
    assert at[local_ms(10, 14, 15)] == (pytest.approx(100.0), Flag.NONE)
    gap = [at[local_ms(25, 6) + k * 15 * MIN] for k in range(12)]
    assert all(f == Flag.GAP and k == pytest.approx(400 / 12) for k, f in gap)
    rolled = [t for t, (_k, f) in at.items() if Flag.ROLLOVER in f]
    # 999,000 + 800 kWh of valley by 08:00 + 200 kWh of flat: the register passes 1,000,000 at 09:00
    assert rolled == [local_ms(1, 8, 45)] and at[rolled[0]][0] == pytest.approx(50.0)
    total, flags = q.total()
    assert total == pytest.approx(VALLEY + FLAT + PEAK + SHARP)
    assert flags == Flag.GAP | Flag.RESET | Flag.ROLLOVER | Flag.REPLACED


def test_no_readings_means_no_energy_not_zero(month):
    _tariff, a, _q = month
    before = a.intervals(local_ms(1, 0) - 3_600_000, local_ms(1, 0), 15 * MIN)
    assert np.isnan(before.kwh).all() and all(Flag(int(f)) == Flag.NO_DATA for f in before.flags)
    assert before.total() == (0.0, Flag.NO_DATA)
    assert Flag.NO_DATA.words == ("无数据", "no data")
    assert Register([], []).intervals(0, 3_600_000, 900_000).total()[1] == Flag.NO_DATA


def test_max_demand_slides_over_minutes(month):
    tariff, a, _q = month
    kw, at = max_demand(a, *month_range(tariff, 2026, 3))
    assert kw == pytest.approx(400.0) and at == local_ms(10, 14, 15)
    # a window half over the burst: 300 kW average
    half = max_demand(a, local_ms(10, 13, 52), local_ms(10, 14, 7))
    assert half is not None and half[0] == pytest.approx((8 * 200 + 7 * 400) / 15)


def test_power_factor_rounds_half_up_and_follows_the_tables():
    assert monthly_power_factor(100.0, 0.0) == 1.0
    assert monthly_power_factor(0.0, 5.0) is None
    # cos phi = 0.885 exactly rounds up (Python's round would give 0.88)
    p, q = 0.885, math.sqrt(1 - 0.885**2)
    assert monthly_power_factor(p * 1000, q * 1000) == 0.89
    table = {0.90: {1.0: -0.75, 0.95: -0.75, 0.94: -0.6, 0.9: 0.0, 0.89: 0.5, 0.7: 10.0, 0.65: 15.0, 0.6: 25.0},
             0.85: {1.0: -1.1, 0.93: -0.95, 0.9: -0.5, 0.86: -0.1, 0.65: 10.0, 0.6: 15.0, 0.59: 17.0},
             0.80: {0.92: -1.3, 0.91: -1.15, 0.9: -1.0, 0.79: 0.5, 0.6: 10.0, 0.55: 15.0, 0.5: 25.0}}
    for standard, rows in table.items():
        for pf, percent in rows.items():
            assert adjustment_percent(pf, standard) == pytest.approx(percent), (standard, pf)
    with pytest.raises(ValueError, match=r"0\.90, 0\.85, 0\.80"):
        adjustment_percent(0.9, 0.95)


def test_the_month_bill_itemised(month):
    tariff, a, q = month
    bill = monthly_bill(a, tariff, 2026, 3, reactive=q)
    # valley price 0.30 until the 15th, 0.25 from the 16th: the reset (5th) is in the first half, the gap (25th)
    # in the second
    valley_yuan = (15 * 900 - RESET_LOSS) * 0.3 + (16 * 900 + GAP_VALLEY) * 0.25
    assert bill.energy_yuan[Period.VALLEY] == pytest.approx(valley_yuan)
    assert bill.energy_yuan[Period.FLAT] == pytest.approx(FLAT * 0.6)
    assert bill.energy_yuan[Period.PEAK] == pytest.approx(PEAK * 1.0)
    assert bill.energy_yuan[Period.SHARP] == pytest.approx(SHARP * 1.2)
    assert (bill.basic_kind, bill.basic_quantity, bill.basic_yuan) == ("demand", pytest.approx(400.0),
                                                                        pytest.approx(16_000.0))
    # reactive = half the TRUE active energy (121,000 kWh), active metered 120,975: cos phi 0.8944 -> 0.89 -> +0.5 %
    assert bill.reactive_kvarh == pytest.approx(60_500.0)
    assert (bill.power_factor, bill.pf_percent) == (0.89, 0.5)
    energy_yuan = valley_yuan + FLAT * 0.6 + PEAK + SHARP * 1.2
    assert bill.pf_yuan == pytest.approx((energy_yuan + 16_000) * 0.005)
    assert bill.total_yuan == pytest.approx((energy_yuan + 16_000) * 1.005)
    assert Flag.RESET in bill.flags and Flag.GAP in bill.flags


def test_capacity_charge_instead_of_demand():
    t = tariff_from_mapping({**TARIFF, "prices": [{"from": "2026-01-01", "capacity_per_kva": 25,
                                                   "energy": {"sharp": 1, "peak": 1, "flat": 1, "valley": 1}}]})
    ts = np.arange(month_range(t, 2026, 3)[0], month_range(t, 2026, 3)[1] + 1, 15 * MIN)
    bill = monthly_bill(Register(ts, np.arange(len(ts)) * 10.0), t, 2026, 3, capacity_kva=2000)
    assert (bill.basic_kind, bill.basic_yuan) == ("capacity", 50_000.0)
    assert bill.energy_total_kwh == pytest.approx((len(ts) - 1) * 10.0)
    assert bill.power_factor is None and bill.pf_yuan == 0.0


@pytest.mark.parametrize(("change", "words"), [
    ({"seasons": [{"months": [1, 2], "periods": DAY_PERIODS}]}, "no season covers month(s) 3"),
    ({"seasons": [{"months": list(range(1, 13)), "periods": {"08:00": "flat"}}]}, 'start at "00:00"'),
    ({"seasons": [{"months": list(range(1, 13)), "periods": {"00:00": "cheap"}}]}, "'cheap' is not a period"),
    ({"seasons": [{"months": list(range(1, 13)), "periods": {"25:00": "flat"}}]}, "not a time of day"),
    ({"pf_standard": 0.95}, "0.90, 0.85 and 0.80"),
    ({"prices": [{"from": "2026-13-01", "energy": {}}]}, "is not a date"),
    ({"prices": [{"from": "2026-01-01", "energy": {"sharp": 1, "peak": 1, "flat": 1}}]}, "energy.valley"),
    ({"timezone": "Mars/Olympus"}, "is not a time zone"),
    ({"colour": "red"}, "unknown key"),
])
def test_a_bad_tariff_is_named(change, words):
    with pytest.raises(TariffError, match=words.replace("(", r"\(").replace(")", r"\)")):
        tariff_from_mapping({**TARIFF, **change}, ZONE)


def test_periods_follow_local_time_and_prices_their_dates(month):
    tariff, _a, _q = month
    assert tariff.period_at(local_ms(3, 11, 30)) is Period.SHARP
    assert tariff.period_at(local_ms(3, 23, 59)) is Period.VALLEY
    assert tariff.price_at(local_ms(16, 2)) == (Period.VALLEY, 0.25)
    spans = list(tariff.spans(local_ms(3, 22), local_ms(4, 9)))
    assert [(p.value, (hi - lo) // MIN) for lo, hi, p in spans] == [("flat", 60), ("valley", 60), ("valley", 480),
                                                                     ("flat", 60)]
    with pytest.raises(TariffError, match="no prices are in force on 2025-12-31"):
        tariff.prices_on(dt.date(2025, 12, 31))


def test_resold_energy_gives_revenue_and_margin(month):
    from app.reports.energy import Meter, reading_table

    tariff, a, _q = month
    resold = tariff_from_mapping({**TARIFF, "resale": [{"name": "充电桩", "devices": ["EV"], "price": 1.5}]}, ZONE)
    start, end = month_range(tariff, 2026, 3)
    table = reading_table(resold, [Meter("EV", "充电桩", "EV.EPimp"), Meter("X", "照明", "X.EPimp")],
                          {"EV.EPimp": a}, start, end)
    keys = [c.key for c in table.columns]
    ev, other = (dict(zip(keys, row, strict=True)) for row in table.rows)
    total = VALLEY + FLAT + PEAK + SHARP
    assert ev["revenue"] == pytest.approx(total * 1.5) and ev["margin"] == pytest.approx(total * 1.5 - ev["cost"])
    assert other["revenue"] is None and other["kwh"] is None  # no readings, not resold
    with pytest.raises(TariffError, match="either price"):
        tariff_from_mapping({**TARIFF, "resale": [{"name": "x", "devices": ["EV"]}]}, ZONE)
    with pytest.raises(TariffError, match="already resold"):
        tariff_from_mapping({**TARIFF, "resale": [{"name": "x", "devices": ["EV"], "price": 1},
                                                  {"name": "y", "devices": ["EV"], "price": 2}]}, ZONE)


def test_hourly_rollups_are_no_gap_but_a_missing_hour_is():
    from app.historian import History
    from app.reports.energy import register_of

    hour = 3_600_000
    buckets = [(k * hour, 100.0 * k, 100.0 * k + 99, 0.0, 100.0 * k + 99) for k in range(48) if k != 30]
    reg = register_of(History("M.EPimp", "kWh", False, [], buckets, hour))
    day1, day2 = reg.between([0, 24 * hour], [24 * hour, 47 * hour]).flags.tolist()  # the last reading: 47 h
    assert Flag(day1) == Flag.NONE and Flag(day2) == Flag.GAP  # hour 30 is missing: its day says so
    assert reg.between([0], [24 * hour]).kwh[0] == pytest.approx(2400.0)
