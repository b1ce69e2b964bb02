"""Acquisition rules that need a clock, not a plant: staleness, derived points and their quality."""

from __future__ import annotations

import math

from app.acquisition.derived import DerivedPoints
from app.acquisition.scan import FAIL_AFTER, STALE_PERIODS, BusScan, DevicePoll
from app.model import Quality, Sample
from drivers.link import Link
from drivers.modbus import ModbusRtu
from drivers.templates import load_library


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_device_not_refreshed_in_time_goes_stale_once():
    clock = Clock()
    emitted: list[list[Sample]] = []
    device = DevicePoll("F1", 1, load_library()["sdm630"], period=2.0)
    scan = BusScan("G1", ModbusRtu(Link("G1")), [device], emitted.append, timeout=1.0, clock=clock, wall_ms=lambda: 5)
    scan.check_stale()
    assert emitted == []  # never answered yet: nothing to call stale
    device.last_ok = clock.now
    device.last["Ua"] = 231.0
    clock.now += STALE_PERIODS * 2.0 + FAIL_AFTER * 1.0 - 0.1
    scan.check_stale()
    assert emitted == []
    clock.now += 0.2
    scan.check_stale()
    scan.check_stale()
    assert len(emitted) == 1
    stale = {s.point: s for s in emitted[0]}
    assert stale["F1.Ua"] == Sample("F1.Ua", 5, 231.0, Quality.STALE)
    assert {s.quality for s in emitted[0]} == {Quality.STALE}


def test_link_loss_marks_every_device_and_keeps_last_values():
    device = DevicePoll("F1", 1, load_library()["sdm630"], period=2.0)
    device.last["Ia"] = 12.5
    scan = BusScan("G1", ModbusRtu(Link("G1")), [device], lambda b: None, wall_ms=lambda: 7)
    lost = {s.point: s for s in scan.link_lost()}
    assert lost["F1.Ia"] == Sample("F1.Ia", 7, 12.5, Quality.COMM_FAIL)
    assert device.comm_fail


def test_device_ranges_follow_its_ratios():
    device = DevicePoll("F1", 1, load_library()["acrel_pz96"], period=1.0, pt=100.0, ct=40.0)
    pid, low, high = device.targets["Ia"]
    assert pid == "F1.Ia" and low <= 0 and high >= 40 * 5  # a 5 A secondary at CT 40


def test_derived_points_in_dependency_order_with_worst_quality():
    derived = DerivedPoints([
        ("X.total", "{A.P} + {B.P}"),
        ("X.rate", "{X.total} / 200 * 100"),
        ("X.bad", "{A.P} / {Z.P}"),
    ])  # fmt: skip
    assert derived.update([Sample("A.P", 1, 50.0, Quality.GOOD)]) == []  # B.P not known yet
    out = {s.point: s for s in derived.update([Sample("B.P", 2, 50.0, Quality.STALE)])}
    assert out["X.total"] == Sample("X.total", 2, 100.0, Quality.STALE)
    assert out["X.rate"] == Sample("X.rate", 2, 50.0, Quality.STALE)
    out = {s.point: s for s in derived.update([Sample("Z.P", 3, 0.0, Quality.GOOD)])}
    assert out["X.bad"].quality is Quality.BAD_VALUE  # division by zero is a bad value, not a crash
    out = {s.point: s for s in derived.update([Sample("A.P", 4, math.nan, Quality.COMM_FAIL)])}
    assert out["X.total"].quality is Quality.COMM_FAIL
