"""Plant physics of the simulator: the numbers hang together the way an engineer checks them.

Times are injected (plant time is an argument), so every test is deterministic; the plant
starts on a Monday at midnight in Asia/Shanghai.
"""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from drivers.simulator import (
    BusTiming,
    Fault,
    FaultError,
    Plant,
    PlantError,
    SimDevice,
    SimGateway,
    SimPlant,
    Simulator,
    SimulatorError,
    SpecError,
    demo_plant,
    scaled_plant,
)
from drivers.simulator.counters import TARIFF_BY_HOUR
from drivers.simulator.plant import LV_LOSS
from drivers.simulator.thermal import ALARM_C, TRIP_C
from drivers.templates import load_library

T0 = datetime(2025, 3, 3, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()  # a Monday
HOUR = 3600.0
METERS = ("HV-IN", "T1-HV", "T2-HV", "T1-LV-IN", "T2-LV-IN", "F1-01", "F1-03", "F2-02", "F2-05")
HOURS = (3.0, 7.5, 11.0, 14.0, 19.5, 22.0)


def _plant(seed: int = 0, step: float = 60.0, start: float = T0) -> Plant:
    """The demo plant, its integrators starting at ``start`` (late starts save integrating)."""
    library = load_library()
    spec = demo_plant(seed)
    circuits = {
        d.id: library[d.template].circuits
        for g in spec.gateways
        for d in g.devices
        if library[d.template].category == "rail_meter"
    }
    return Plant(spec, start=start, circuits=circuits, step=step)


def _feeders(plant: Plant, lv: str) -> list[str]:
    return [d.id for d in plant.devices.values() if d.role == "feeder" and d.upstream == lv]


@pytest.mark.parametrize("hour", HOURS)
def test_power_is_sqrt3_u_i_pf_at_every_meter(hour):
    t = T0 + hour * HOUR
    plant = _plant(start=t)
    for device_id in METERS:
        r = plant.readings(device_id, t)
        u_ll = (r["Uab"] + r["Ubc"] + r["Uca"]) / 3
        i = (r["Ia"] + r["Ib"] + r["Ic"]) / 3
        assert r["P"] > 0, device_id
        assert math.sqrt(3) * u_ll * i * r["PF"] / 1000 == pytest.approx(r["P"], rel=0.02), device_id
        assert math.hypot(r["P"], r["Q"]) == pytest.approx(r["S"], rel=1e-9)
        assert r["Pa"] + r["Pb"] + r["Pc"] == pytest.approx(r["P"], rel=1e-9)
        assert 0.6 <= r["PF"] <= 1.0
        assert 49.9 < r["F"] < 50.1


@pytest.mark.parametrize("hour", HOURS)
def test_voltages_are_nominal(hour):
    t = T0 + hour * HOUR
    plant = _plant(start=t)
    for device_id in ("F1-01", "F2-04", "T1-LV-IN"):
        r = plant.readings(device_id, t)
        for ph in ("Ua", "Ub", "Uc"):
            assert 220 < r[ph] < 242, (device_id, ph)
        assert r["Uab"] == pytest.approx(math.sqrt(3) * r["Ua"], rel=0.01)
    hv = plant.readings("HV-IN", t)
    assert hv["Uab"] == pytest.approx(10_000, rel=0.02)


@pytest.mark.parametrize("hour", HOURS)
def test_each_level_sums_the_one_below(hour):
    t = T0 + hour * HOUR
    plant = _plant(start=t)
    for n in (1, 2):
        lv = f"T{n}-LV-IN"
        feeders = sum(plant.flow(f, t).p for f in _feeders(plant, lv))
        loss_p, _ = plant.losses(lv, t)
        assert plant.flow(lv, t).p - loss_p == pytest.approx(feeders, rel=1e-9)
        assert loss_p == pytest.approx(feeders * LV_LOSS, rel=1e-9)  # small: a fraction of a percent
        hv_loss_p, hv_loss_q = plant.losses(f"T{n}-HV", t)
        assert plant.flow(f"T{n}-HV", t).p == pytest.approx(plant.flow(lv, t).p + hv_loss_p, rel=1e-9)
        assert 1.2 < hv_loss_p < 1.2 + 8.1  # no-load loss plus a part of the load loss
        assert hv_loss_q > 0
    incomer = plant.flow("HV-IN", t).p
    assert incomer == pytest.approx(plant.flow("T1-HV", t).p + plant.flow("T2-HV", t).p, rel=1e-9)
    assert plant.flow("REV-1", t).p == incomer
    assert plant.flow("BUS-TIE", t).p == 0.0  # normally open


def test_transformer_losses_grow_with_the_square_of_the_load():
    plant = _plant()
    night, evening = T0 + 3 * HOUR, T0 + 19.5 * HOUR
    beta_n, beta_e = plant.loading("T1-HV", night), plant.loading("T1-HV", evening)
    load_loss_n = plant.losses("T1-HV", night)[0] - 1.2
    load_loss_e = plant.losses("T1-HV", evening)[0] - 1.2
    assert beta_e > beta_n
    assert load_loss_e / load_loss_n == pytest.approx((beta_e / beta_n) ** 2, rel=0.02)


def test_daily_curve_has_a_night_valley_and_day_peaks():
    plant = _plant()
    p = {h: plant.flow("HV-IN", T0 + h * HOUR).p for h in (3.0, 10.5, 14.0, 19.5)}
    assert p[3.0] < 0.7 * p[10.5]
    assert p[3.0] < 0.7 * p[19.5]
    assert max(p.values()) < 2000  # two 1000 kVA transformers are not overloaded
    # feeders have curves of their own, not one shape scaled
    shapes = {round(plant.flow(f, T0 + 19.5 * HOUR).p / plant.flow(f, T0 + 10.5 * HOUR).p, 3) for f in METERS[5:]}
    assert len(shapes) > 1


def test_bus_tie_lets_one_transformer_carry_both_sections():
    t = T0 + 11 * HOUR
    plant = _plant(start=t)
    section_2 = sum(plant.flow(f, t).p for f in _feeders(plant, "T2-LV-IN")) * (1 + LV_LOSS)
    both = plant.flow("T1-LV-IN", t).p + plant.flow("T2-LV-IN", t).p
    plant.set_breaker("T2-LV-IN", False, t)
    assert plant.readings("F2-01", t)["P"] == 0.0  # section 2 is dead with its incomer open
    plant.set_breaker("BUS-TIE", True, t)
    assert plant.flow("T2-LV-IN", t).p == 0.0
    assert plant.flow("T1-LV-IN", t).p == pytest.approx(both, rel=1e-9)
    assert plant.flow("BUS-TIE", t).p == pytest.approx(section_2, rel=1e-9)
    assert plant.readings("F2-01", t)["P"] > 0
    assert plant.readings("F2-01", t)["Ua"] > 220


def test_open_breakers_stop_current_and_energy_downstream():
    t = T0 + 10 * HOUR
    plant = _plant(start=t)
    before = plant.flow("T1-LV-IN", t).p
    f = plant.readings("F1-01", t)
    plant.set_breaker("F1-01", False, t)
    r = plant.readings("F1-01", t)
    assert (r["P"], r["Ia"], r["Ib"], r["Ic"], r["breaker"]) == (0.0, 0.0, 0.0, 0.0, 0.0)
    assert r["Ua"] > 220  # the bus is still live: only the feeder is off
    assert plant.flow("T1-LV-IN", t).p == pytest.approx(before - f["P"] * (1 + LV_LOSS), rel=1e-9)
    later = plant.readings("F1-01", t + 2 * HOUR)
    assert later["EPimp"] == pytest.approx(r["EPimp"], abs=1e-9)  # energy stops
    plant.set_breaker("F1-01", True, t + 2 * HOUR)
    assert plant.readings("F1-01", t + 3 * HOUR)["EPimp"] > r["EPimp"]

    plant.set_breaker("HV-IN", False, t + 3 * HOUR)
    for device_id in ("HV-IN", "T1-HV", "T2-LV-IN", "F2-03", "REV-1"):
        dead = plant.readings(device_id, t + 3 * HOUR)
        assert dead["P"] == 0.0 and dead["Ia"] == 0.0 and dead["Ua"] == 0.0 and dead["F"] == 0.0, device_id
    assert plant.readings("HV-IN", t + 3 * HOUR)["breaker"] == 0.0
    assert plant.readings("T1-HV", t + 3 * HOUR)["breaker"] == 1.0  # its own breaker is still closed


def test_energy_is_monotonic_and_the_integral_of_power():
    plant = _plant(step=60.0)
    start = plant.readings("F1-03", T0)["EPimp"]
    last = start
    for k in range(1, 37):  # six hours, read every ten minutes
        e = plant.readings("F1-03", T0 + k * 600.0)["EPimp"]
        assert e >= last
        last = e
    # independent integral of P with Simpson's rule on 10 s steps
    n, h = 2160, 10.0
    total = sum((1 if i in (0, n) else 4 if i % 2 else 2) * plant.flow("F1-03", T0 + i * h).p for i in range(n + 1))
    integral = total * h / 3 / 3600.0
    assert last - start == pytest.approx(integral, rel=2e-3)
    # the four time-of-use registers book the same energy
    r = plant.readings("F1-03", T0 + 6 * HOUR)
    tou = r["EPimp_T1"] + r["EPimp_T2"] + r["EPimp_T3"] + r["EPimp_T4"]
    assert r["EPimp"] - start == pytest.approx(tou - _tou_at_start(plant, start), rel=1e-6)
    assert TARIFF_BY_HOUR[3] == 3 and len(TARIFF_BY_HOUR) == 24


def _tou_at_start(plant: Plant, start: float) -> float:
    return sum(round(start * s, 2) for s in (0.08, 0.32, 0.35, 0.25))


def test_energy_does_not_depend_on_how_often_it_is_read():
    often, rarely = _plant(), _plant()
    for k in range(1, 121):
        often.readings("T2-LV-IN", T0 + k * 60.0)
    a = often.readings("T2-LV-IN", T0 + 2 * HOUR)["EPimp"]
    b = rarely.readings("T2-LV-IN", T0 + 2 * HOUR)["EPimp"]
    assert a == pytest.approx(b, rel=1e-6)


def test_rail_meter_circuits_sum_to_the_feeder():
    t = T0 + 11 * HOUR
    plant = _plant(start=t)
    r = plant.readings("F2-06", t)
    circuits = [r[f"C{n}.P"] for n in range(1, 41)]
    assert sum(circuits) == pytest.approx(r["P"], rel=1e-9)
    assert all(p > 0 for p in circuits)
    assert r["C1.I"] == pytest.approx(r["C1.P"] / r["C1.PF"] * 1000 / r["Ua"], rel=1e-9)


def test_winding_temperatures_follow_load_with_a_lag():
    t = T0 + 10 * HOUR
    normal, loaded = _plant(start=t), _plant(start=t)
    base = normal.readings("T1-TCU", t)
    assert 30 < base["TA"] < 110
    assert base["TB"] > base["TA"] > base["TC"]  # the middle limb runs hottest
    for f in _feeders(loaded, "T1-LV-IN"):
        loaded.set_overload(f, 1.6, t)
    just_after = loaded.readings("T1-TCU", t + 60)["TB"]
    hour_later = loaded.readings("T1-TCU", t + HOUR)["TB"]
    assert just_after < base["TB"] + 5  # a thermal time constant, not a step
    assert hour_later > normal.readings("T1-TCU", t + HOUR)["TB"] + 5
    # the other transformer is not affected
    assert loaded.readings("T2-TCU", t + HOUR)["TA"] == pytest.approx(normal.readings("T2-TCU", t + HOUR)["TA"])


def test_transformer_cools_to_the_room_when_switched_off():
    t = T0 + 10 * HOUR
    plant = _plant(start=t)
    plant.set_breaker("T1-HV", False, t)
    r = plant.readings("T1-TCU", t + 6 * HOUR)
    room = plant.room_temp(t + 6 * HOUR)
    assert r["TA"] == pytest.approx(room, abs=2.0)


def test_over_temperature_sets_alarm_and_trip():
    t = T0 + 10 * HOUR
    plant = _plant(start=t)
    r = plant.readings("T1-TCU", t)
    assert (r["alarm"], r["trip"]) == (0.0, 0.0)
    plant.set_overtemp("T1-TCU", ALARM_C + 5)
    r = plant.readings("T1-TCU", t)
    assert r["TB"] >= ALARM_C and (r["alarm"], r["trip"], r["fan"]) == (1.0, 0.0, 1.0)
    plant.set_overtemp("T1-TCU", TRIP_C + 5)
    assert plant.readings("T1-TCU", t)["trip"] == 1.0
    plant.set_overtemp("T1-TCU", None)
    assert plant.readings("T1-TCU", t)["alarm"] == 0.0


def test_environment_is_a_normal_room_until_something_happens():
    plant = _plant()
    for hour in HOURS:
        r = plant.readings("ENV-1", T0 + hour * HOUR)
        assert 20 < r["temp"] < 32
        assert 40 < r["humidity"] < 60
        assert r["smoke"] == r["water"] == r["door"] == r["intrusion"] == 0.0
    plant.set_digital("ENV-1", "door", True)
    assert plant.readings("ENV-1", T0)["door"] == 1.0


def test_deterministic_with_a_seed():
    a, b, c = _plant(seed=7, step=600), _plant(seed=7, step=600), _plant(seed=8, step=600)
    times = [T0 + h * HOUR for h in HOURS]
    for t in times:
        assert a.readings("F1-02", t) == b.readings("F1-02", t)
        assert a.readings("T1-TCU", t) == b.readings("T1-TCU", t)
    assert a.readings("F1-02", times[-1] + 60) != c.readings("F1-02", times[-1] + 60)


def test_plant_refuses_what_it_cannot_do():
    plant = _plant()
    with pytest.raises(PlantError, match="no device 'NOPE'"):
        plant.readings("NOPE", T0)
    with pytest.raises(PlantError, match="no breaker"):
        plant.set_breaker("T1-TCU", False, T0)
    with pytest.raises(PlantError, match="only a feeder"):
        plant.set_overload("T1-LV-IN", 2.0, T0)
    with pytest.raises(PlantError, match="outside"):
        plant.set_overload("F1-01", -1.0, T0)
    with pytest.raises(PlantError, match="not a temperature controller"):
        plant.set_overtemp("F1-01", 150.0)
    with pytest.raises(PlantError, match="one of"):
        plant.set_digital("ENV-1", "fire", True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: setattr(p.gateways[0].devices[5], "upstream", "F1-01"), "expected transformer_lv"),
        (lambda p: setattr(p.gateways[0].devices[5], "upstream", "NOPE"), "not a device"),
        (lambda p: setattr(p.gateways[0].devices[5], "address", 300), "outside 1..247"),
        (lambda p: setattr(p.gateways[0].devices[5], "role", "boss"), "role 'boss'"),
        (lambda p: setattr(p.gateways[0].devices[6], "address", 11), "used by two devices"),
        (lambda p: setattr(p.gateways[0], "register_mode", "never"), "register_mode"),
        (lambda p: setattr(p.gateways[0], "registration", b""), "1..40 bytes"),
        (lambda p: setattr(p.gateways[1], "id", "DTU-1"), "used twice"),
        (lambda p: setattr(p.gateways[2].devices[0], "address", "12345"), "12 decimal digits"),
        (lambda p: setattr(p, "tz", "Mars/Olympus"), "time zone"),
    ],
)
def test_bad_specs_are_refused_with_a_reason(change, message):
    spec = demo_plant()
    change(spec)
    with pytest.raises((SpecError, ValueError), match=message):
        Plant(spec, start=T0)


def test_demo_plant_exercises_every_registration_format_and_mode():
    spec = demo_plant()
    regs = {g.id: g.registration for g in spec.gateways}
    assert regs["DTU-1"].isdigit() and len(regs["DTU-1"]) == 15  # IMEI
    assert regs["DTU-2"].startswith(b"89") and len(regs["DTU-2"]) == 20  # ICCID
    assert not regs["DTU-3"].isascii() or not regs["DTU-3"].decode("latin-1").isprintable()  # raw hex
    assert regs["DTU-4"].isascii() and not regs["DTU-4"].isdigit()  # an ASCII id
    assert {g.register_mode for g in spec.gateways} == {"once", "every", "both"}
    ids = set(spec.devices())
    expected = {"HV-IN", "REV-1", "T1-HV", "T1-LV-IN", "T1-TCU", "T2-HV", "T2-LV-IN", "T2-TCU", "BUS-TIE", "ENV-1"}
    assert expected | {f"F{s}-0{n}" for s in (1, 2) for n in range(1, 7)} == ids
    assert {g.baud for g in spec.gateways if any(d.id == "REV-1" for d in g.devices)} == {2400}


def test_scaled_plant_for_benchmarks():
    spec = scaled_plant(3, 5, "cl7331m")
    assert len(spec.gateways) == 3 and all(len(g.devices) == 5 for g in spec.gateways)
    assert len({g.registration for g in spec.gateways}) == 3
    rev = scaled_plant(1, 2, "dlt645_meter")
    assert rev.gateways[0].baud == 2400 and rev.gateways[0].devices[0].address == "000001000001"
    with pytest.raises(SpecError, match="no device template"):
        scaled_plant(1, 1, "nope")
    with pytest.raises(SpecError, match="one RS-485 bus"):
        scaled_plant(1, 33, "cl7331m")


def test_simulator_clock_runs_the_plant_at_speedup():
    now = [1_000_000.0]
    sim = Simulator(demo_plant(), "127.0.0.1", 9, clock=lambda: now[0], speedup=60.0, start=T0 + 10 * HOUR)
    first = sim.readings("F1-01")
    assert sim.readings("F1-01") == first  # a frozen clock is a frozen plant
    now[0] += 60.0  # one real minute is an hour of plant time
    assert sim.plant_time() == pytest.approx(T0 + 11 * HOUR)
    assert sim.readings("F1-01")["EPimp"] > first["EPimp"]
    sim.open_breaker("F1-01")
    assert sim.readings("F1-01")["P"] == 0.0 and not sim.breaker_closed("F1-01")
    sim.close_breaker("F1-01")
    assert sim.readings("F1-01")["P"] > 0


def test_simulator_refuses_bad_requests():
    with pytest.raises(SimulatorError, match="speedup"):
        Simulator(demo_plant(), "127.0.0.1", 9, speedup=0)
    bad = demo_plant()
    bad.gateways[0].devices[0].template = "no-such-template"
    with pytest.raises(SimulatorError, match="no device template 'no-such-template'"):
        Simulator(bad, "127.0.0.1", 9)
    mixed = SimPlant(
        [
            SimGateway(
                "G",
                b"G",
                devices=[
                    SimDevice("A", 1, "cl7331m", "environment"),
                    SimDevice("B", "000000000001", "dlt645_meter", "environment"),
                ],
            )
        ]
    )
    with pytest.raises(SimulatorError, match="mixes Modbus and DL/T645"):
        Simulator(mixed, "127.0.0.1", 9)
    sim = Simulator(demo_plant(), "127.0.0.1", 9)
    with pytest.raises(SimulatorError, match="no device 'X'"):
        sim.readings("X")
    with pytest.raises(FaultError, match="needs a gateway"):
        sim.inject(Fault("freeze", "F1-01"))
    with pytest.raises(FaultError, match="needs a device"):
        sim.inject(Fault("dead", "DTU-1"))
    with pytest.raises(FaultError, match="only a feeder"):
        sim.inject(Fault("overload", "ENV-1"))
    with pytest.raises(FaultError, match="unknown fault kind"):
        Fault("lightning", "F1-01")
    with pytest.raises(FaultError, match="rate=2"):
        Fault("crc", "F1-01", rate=2)
    with pytest.raises(PlantError, match="no breaker"):
        sim.open_breaker("ENV-1")


async def test_serve_bus_refuses_an_unknown_gateway():
    sim = Simulator(demo_plant(), "127.0.0.1", 9, clock=lambda: T0)
    with pytest.raises(SimulatorError, match="no gateway 'G9'"):
        await sim.serve_bus("G9")
    await sim.stop()


async def test_random_faults_are_valid_and_recoverable():
    sim = Simulator(demo_plant(), "127.0.0.1", 9, clock=lambda: T0)
    kinds = set()
    for _ in range(60):
        fault = sim._random_fault()
        kinds.add(fault.kind)
        sim.inject(fault)
        assert sim.clear(fault) == [fault]
    assert len(kinds) >= 6
    assert sim.faults.active() == []
    await sim.stop()


def test_bus_timing_model():
    t = BusTiming(9600, 0.010)
    char = 11 / 9600  # 11 bits a character
    assert t.char_s == pytest.approx(char)
    assert t.gap_s == pytest.approx(3.5 * char)
    # read 40 registers: 8-byte request, 85-byte reply, two 3.5-character gaps, the turnaround
    assert t.exchange(8, 85) == pytest.approx(93 * char + 7 * char + 0.010)
    assert t.unanswered(8) == pytest.approx(11.5 * char)
    assert BusTiming(115200).gap_s == pytest.approx(0.00175)
    with pytest.raises(ValueError, match="baud"):
        BusTiming(50)
