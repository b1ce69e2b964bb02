"""Losses and load figures on small known data, against hand figures."""

from __future__ import annotations

import numpy as np
import pytest

from app.analysis.energy import Flag, Register
from app.analysis.load import (
    load_rate_distribution,
    load_stats,
    peak_shaving_saving,
    peak_valley_ratio,
    unbalance_percent,
)
from app.analysis.losses import loss_rate_words, section_loss, transformer_loss
from app.analysis.tariff import Period, tariff_from_mapping

H = 3_600_000
Q = 15 * 60_000
T0 = 1_772_294_400_000  # 2026-03-01 00:00 +08:00


def steady(kw: float, hours: int = 24, start: float = 0.0) -> Register:
    ts = np.arange(T0, T0 + hours * H + 1, Q)
    return Register(ts, start + kw * (ts - T0) / H)


def test_transformer_loss_against_its_nameplate():
    # LV out 600 kW, 0 kvar for 24 h on a 1000 kVA transformer: beta 0.6; P0 1.2 kW, Pk 10.3 kW
    # expected = 1.2 x 24 + 10.3 x 0.36 x 24 = 28.8 + 88.992 = 117.792 kWh; HV in 605 kW: loss 120 kWh
    lv, hv = steady(600.0), steady(605.0, start=1000.0)
    loss = transformer_loss("T1", hv, lv, T0, T0 + 24 * H, rated_kva=1000, no_load_loss_kw=1.2, load_loss_kw=10.3,
                            lv_reactive=steady(0.0), threshold_percent=3.0)
    assert loss.input_kwh == pytest.approx(605 * 24) and loss.output_kwh == pytest.approx(600 * 24)
    assert loss.loss_kwh == pytest.approx(120.0)
    assert loss.expected_kwh == pytest.approx(117.792)
    assert loss.unexplained_kwh == pytest.approx(2.208)
    assert loss.rate_percent == pytest.approx(100 * 120 / (605 * 24))
    assert not loss.over_threshold and loss.flags == Flag.NONE
    # without reactive energy the assumed power factor sets beta: 600 / 0.8 = 750 kVA -> beta 0.75
    guess = transformer_loss("T1", hv, lv, T0, T0 + 24 * H, rated_kva=1000, no_load_loss_kw=1.2,
                             load_loss_kw=10.3, power_factor=0.8)
    assert guess.expected_kwh == pytest.approx(28.8 + 10.3 * 0.5625 * 24)


def test_section_loss_flags_unmetered_energy():
    incomer = steady(1000.0)
    feeders = {"F1": steady(400.0), "F2": steady(350.0), "F3": steady(200.0)}
    loss = section_loss("LV1", incomer, feeders, T0, T0 + 24 * H, threshold_percent=2.0)
    assert loss.loss_kwh == pytest.approx(50 * 24) and loss.rate_percent == pytest.approx(5.0)
    assert loss.over_threshold
    assert loss_rate_words(loss) == ("损耗率 5.00% 超过阈值 2%", "loss rate 5.00 % above the threshold of 2 %")
    empty = section_loss("LV1", Register([], []), feeders, T0, T0 + H)
    assert empty.rate_percent is None and empty.loss_kwh is None and Flag.NO_DATA in empty.flags
    assert loss_rate_words(empty) == ("缺少电表读数，无法计算", "meter readings missing: not computed")
    idle = section_loss("LV1", steady(0.0), {"F1": steady(0.0)}, T0, T0 + H)
    assert idle.loss_kwh == 0.0 and idle.rate_percent is None and loss_rate_words(idle)[1] == "no energy in"


def test_load_figures():
    ts = np.arange(T0, T0 + 24 * H, H)
    kw = np.asarray([100.0] * 8 + [300.0] * 12 + [200.0] * 3 + [np.nan])
    stats = load_stats(ts, kw)
    assert (stats.max_kw, stats.max_at_ms, stats.min_kw) == (300.0, T0 + 8 * H, 100.0)
    assert stats.avg_kw == pytest.approx((800 + 3600 + 600) / 23)
    assert stats.load_factor == pytest.approx(stats.avg_kw / 300.0)
    assert load_stats(ts, np.full(24, np.nan)) is None
    dist = dict(load_rate_distribution(np.asarray([50, 150, 150, 950, 1000, 1200, np.nan]), 1000))
    assert dist["0-10%"] == pytest.approx(100 / 6) and dist["10-20%"] == pytest.approx(200 / 6)
    assert dist["90-100%"] == pytest.approx(100 / 6) and dist["100-110%"] == pytest.approx(100 / 6)
    assert dist[">=110%"] == pytest.approx(100 / 6) and len(dist) == 12
    u = unbalance_percent(np.asarray([100.0, 0.0]), np.asarray([90.0, 0.0]), np.asarray([80.0, 0.0]))
    assert u[0] == pytest.approx(20.0) and np.isnan(u[1])


def test_peak_valley_ratio_and_shaving():
    tariff = tariff_from_mapping({
        "seasons": [{"months": list(range(1, 13)), "periods": {"00:00": "valley", "08:00": "peak", "20:00": "flat"}}],
        "prices": [{"from": "2026-01-01", "energy": {"sharp": 1.5, "peak": 1.0, "flat": 0.6, "valley": 0.3}}]})
    ts = np.arange(T0, T0 + 24 * H, H)
    kw = np.asarray([100.0] * 8 + [400.0] * 12 + [200.0] * 4)
    assert peak_valley_ratio(tariff, ts, kw) == pytest.approx(4.0)
    energy = {Period.SHARP: 100.0, Period.PEAK: 1000.0, Period.FLAT: 500.0, Period.VALLEY: 800.0}
    # 10 % moved: 10 x (1.5 - 0.3) + 100 x (1.0 - 0.3) = 12 + 70
    assert peak_shaving_saving(energy, tariff.prices[0], 0.1) == pytest.approx(82.0)
    with pytest.raises(ValueError, match=r"0\.\.1"):
        peak_shaving_saving(energy, tariff.prices[0], 1.5)


def test_the_overview_adds_meters_and_splits_days_by_period():
    from app.analysis.overview import overview

    tariff = tariff_from_mapping({
        "seasons": [{"months": list(range(1, 13)), "periods": {"00:00": "valley", "08:00": "peak", "20:00": "flat"}}],
        "prices": [{"from": "2026-01-01", "energy": {"sharp": 1.5, "peak": 1.0, "flat": 0.6, "valley": 0.3}}]})
    view = overview([steady(100.0, 48), steady(50.0, 48)], tariff, T0, T0 + 48 * H)
    assert len(view.day_starts) == 2 and view.day_starts[1] == T0 + 24 * H
    assert view.day_kwh[Period.VALLEY].tolist() == pytest.approx([1200.0, 1200.0])  # 8 h x 150 kW
    assert view.day_kwh[Period.PEAK].tolist() == pytest.approx([1800.0, 1800.0])
    assert np.isnan(view.day_kwh[Period.SHARP]).all()  # no sharp hours in this tariff: nothing, not 0
    assert view.total_kwh == pytest.approx(150.0 * 48)
    assert view.cost_yuan == pytest.approx(2 * (1200 * 0.3 + 1800 * 1.0 + 600 * 0.6))
    assert view.max_kw == pytest.approx(150.0) and view.load_factor == pytest.approx(1.0)
    assert view.peak_valley == pytest.approx(1.0)
    assert view.shaving_10pct_yuan == pytest.approx(3600 * 0.1 * 0.7)
    assert view.curve_kw[:4].tolist() == pytest.approx([150.0] * 4) and view.flags == Flag.NONE
