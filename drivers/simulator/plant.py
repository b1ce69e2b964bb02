"""Plant physics: the numbers a simulated switch room's meters would show at a given instant.

The model is the one-line diagram of `spec.SimPlant` with a few physical rules, chosen so the
data hangs together the way an engineer checks it:

* a feeder's active power follows its own daily load curve (`profile`) with smooth noise;
  its power factor droops at light load; Q and S follow from P and PF; currents from
  P = √3·U·I·PF, split over the phases with a small fixed unbalance;
* an LV section's voltage is the transformer's no-load voltage minus a drop proportional to
  its loading; a transformer's LV incomer carries the sum of its section's feeders plus small
  LV losses (`LV_LOSS`); with the bus tie closed the energised transformers share both
  sections and the tie carries what the other section draws;
* the HV side adds transformer losses: no-load ``P0`` plus load loss ``Pk·β²`` (β = S/Sr),
  and reactive ``Q0 + uk·Sr·β²``; the incomer is the sum of its transformers; a revenue meter
  measures exactly what its upstream measures;
* energy counters integrate power over plant time (trapezoids of at most `step` seconds), so
  they only rise and equal ∫P dt; an open breaker stops everything downstream of it;
* winding temperatures follow the transformer's losses with a first-order thermal time
  constant (`TAU`), a fan that switches with hysteresis, alarm and trip thresholds of a
  BWDK-style controller; the room's temperature and humidity drift with the time of day.

Everything is a function of plant time and the seed, except the integrators (energy,
temperature) which advance lazily to the time they are read at; any change of state (a
breaker, an overload) first brings every integrator up to that instant, so the past is never
re-evaluated with the new state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from drivers.simulator.counters import EnergyCounter
from drivers.simulator.load import SQRT3, Load, loads_for
from drivers.simulator.profile import LocalClock, drift, jitter, key_of, unit
from drivers.simulator.spec import SimDevice, SimPlant
from drivers.simulator.thermal import ALARM_C, CORE_FACTOR, FAN_ON, PHASE_FACTORS, TRIP_C, Winding

LV_LOSS = 0.004  # busbar and cable losses of an LV section, fraction of the load's P and Q
P0_KW = 1.2  # no-load loss of a 1000 kVA dry-type transformer
PK_KW = 8.1  # its load loss at rated current
I0 = 0.008  # no-load reactive power, fraction of the rating
UK = 0.06  # short-circuit impedance: reactive load loss is uk·Sr·β²
HV_KV = 10.0
LV_NO_LOAD = 237.0  # V phase, the usual +2.5 % tap of a 10/0.4 kV transformer
LV_DROP = 7.0  # V phase drop at rated load
ENV_DIGITALS = ("smoke", "water", "intrusion", "door")

BREAKER_ROLES = frozenset({"incomer", "transformer_hv", "transformer_lv", "feeder", "bus_tie"})
METER_ROLES = frozenset({"incomer", "transformer_hv", "transformer_lv", "feeder", "bus_tie", "revenue"})


class PlantError(ValueError):
    """An operation the plant cannot do (no such device, no breaker there, ...)."""


@dataclass(frozen=True, slots=True)
class Flow:
    """Three-phase power through a measuring point, and the voltage it sees."""

    p: float  # kW, positive into the load
    q: float  # kvar
    u: tuple[float, float, float]  # phase voltages, V (0 when dead)


class Plant:
    """The physics of one `SimPlant`; ``readings(device, t)`` is all a meter needs."""

    def __init__(
        self,
        spec: SimPlant,
        *,
        start: float,
        circuits: Mapping[str, int] | None = None,
        step: float = 60.0,
    ) -> None:
        spec.validate()
        self.spec = spec
        self.seed = spec.seed
        self.step = step
        self.clock = LocalClock(spec.tz)
        self.devices: dict[str, SimDevice] = spec.devices()
        self.circuits = {
            k: n
            for k, n in (circuits or {}).items()
            if n > 0 and k in self.devices and self.devices[k].role == "feeder"
        }
        self.breakers: dict[str, bool] = {
            d.id: d.role != "bus_tie" for d in self.devices.values() if d.role in BREAKER_ROLES
        }
        self.overload: dict[str, float] = {}
        self.overtemp: dict[str, float] = {}
        self.digitals: dict[str, dict[str, bool]] = {
            d.id: dict.fromkeys(ENV_DIGITALS, False) for d in self.devices.values() if d.role == "environment"
        }
        self._loads: dict[str, list[Load]] = {
            d.id: loads_for(self.seed, d, self.circuits.get(d.id, 0))
            for d in self.devices.values()
            if d.role == "feeder"
        }
        self._children: dict[str, list[str]] = {}
        for d in self.devices.values():
            if d.upstream is not None and d.role not in ("revenue", "tcu", "bus_tie"):
                self._children.setdefault(d.upstream, []).append(d.id)
        self._memo: dict[tuple[str, float], object] = {}
        self._groups: dict[str, tuple[str, ...]] = {}
        self._regroup()
        self._counters: dict[str, EnergyCounter] = {}
        self._windings: dict[str, Winding] = {}
        for d in self.devices.values():
            if d.role in METER_ROLES:
                self._counters[d.id] = self._new_counter(d, start)
            elif d.role == "tcu":
                self._windings[d.id] = Winding(start, lambda t, tcu=d: self._loss_ratio(tcu, t), self.room_temp, step)

    # -- topology ----------------------------------------------------------------------------------

    def _regroup(self) -> None:
        """LV sections joined by closed bus ties form one group."""
        lvs = [d.id for d in self.devices.values() if d.role == "transformer_lv"]
        parent = {lv: lv for lv in lvs}

        def find(x: str) -> str:
            while parent[x] != x:
                x = parent[x]
            return x

        for d in self.devices.values():
            if d.role == "bus_tie" and self.breakers[d.id]:
                assert d.upstream is not None and d.tie_to is not None
                parent[find(d.upstream)] = find(d.tie_to)
        members: dict[str, list[str]] = {}
        for lv in lvs:
            members.setdefault(find(lv), []).append(lv)
        self._groups = {lv: tuple(members[find(lv)]) for lv in lvs}

    def energised(self, device_id: str) -> bool:
        """Whether every breaker from the device up to the top of its chain is closed."""
        d: SimDevice | None = self._device(device_id)
        while d is not None:
            if not self.breakers.get(d.id, True):
                return False
            d = self.devices[d.upstream] if d.upstream is not None else None
        return True

    def _device(self, device_id: str) -> SimDevice:
        try:
            return self.devices[device_id]
        except KeyError:
            raise PlantError(f"there is no device {device_id!r} in the plant") from None

    def _rating(self, lv_or_hv: str) -> float:
        d = self.devices[lv_or_hv]
        if d.rating_kva:
            return d.rating_kva
        up = self.devices.get(d.upstream or "")
        if d.role == "transformer_lv" and up is not None and up.role == "transformer_hv" and up.rating_kva:
            return up.rating_kva
        for child in self._children.get(d.id, ()):
            rating = self.devices[child].rating_kva
            if rating:
                return rating
        return 1000.0

    # -- instantaneous values ----------------------------------------------------------------------

    def _memoised(self, key: tuple[str, float], compute: object) -> object:
        memo = self._memo
        if key in memo:
            return memo[key]
        if len(memo) > 8192:
            memo.clear()
        value = compute()  # type: ignore[operator]
        memo[key] = value
        return value

    def _feeder_live(self, d: SimDevice) -> bool:
        if not self.breakers[d.id]:
            return False
        if d.upstream is None:
            return True
        return any(self.energised(lv) for lv in self._groups[d.upstream])

    def circuit_pq(self, device_id: str, t: float) -> list[tuple[float, float]]:
        """P and Q (kW, kvar) of each circuit of a feeder (one entry for an ordinary feeder)."""
        d = self._device(device_id)
        if d.role != "feeder":
            raise PlantError(f"{device_id} is a {d.role}, not a feeder")

        def compute() -> list[tuple[float, float]]:
            live = self._feeder_live(d)
            factor = self.overload.get(device_id, 1.0)
            if not live:
                return [(0.0, 0.0)] * len(self._loads[device_id])
            return [load.pq(self.seed, self.clock, t, factor) for load in self._loads[device_id]]

        return self._memoised((device_id, t), compute)  # type: ignore[return-value]

    def _group(self, lv: str, t: float) -> dict[str, object]:
        """Load, losses and each source's share of the LV group ``lv`` belongs to, at ``t``."""
        members = self._groups[lv]

        def compute() -> dict[str, object]:
            p = q = 0.0
            loads: dict[str, tuple[float, float]] = {}
            for m in members:
                mp = mq = 0.0
                for child in self._children.get(m, ()):
                    if self.devices[child].role == "feeder":
                        for cp, cq in self.circuit_pq(child, t):
                            mp += cp
                            mq += cq
                loads[m] = (mp * (1 + LV_LOSS), mq * (1 + LV_LOSS))
                p += mp
                q += mq
            sources = [m for m in members if self.energised(m)]
            n = len(sources)
            share = (p * (1 + LV_LOSS) / n, q * (1 + LV_LOSS) / n) if n else (0.0, 0.0)
            return {"members": members, "loads": loads, "sources": sources, "share": share, "p": p, "q": q}

        return self._memoised(("\x00group:" + members[0], t), compute)  # type: ignore[return-value]

    def hv_volts(self, t: float) -> float:
        """HV line-to-line voltage in V while energised (the grid's own slow wander)."""
        return HV_KV * 1000.0 * (1.0 + 0.008 * drift(self.seed, 11, t, 1800.0) + 0.002 * drift(self.seed, 12, t, 45.0))

    def frequency(self, t: float) -> float:
        """Grid frequency, Hz."""
        return 50.0 + 0.03 * drift(self.seed, 13, t, 40.0) + 0.01 * drift(self.seed, 14, t, 7.0)

    def _phase_volts(self, key: int, base: float, t: float) -> tuple[float, float, float]:
        wobble = 1.0 + 0.002 * drift(self.seed, key, t, 30.0)
        return tuple(  # type: ignore[return-value]
            base * wobble * (1.0 + 0.004 * jitter(self.seed, key, ph)) for ph in (1, 2, 3)
        )

    def _lv_volts(self, lv: str | None, t: float) -> tuple[float, float, float]:
        if lv is None:
            return self._phase_volts(15, 230.0, t)  # a stand-alone feeder: a stiff public supply
        g = self._group(lv, t)
        sources: list[str] = g["sources"]  # type: ignore[assignment]
        if not sources:
            return (0.0, 0.0, 0.0)
        sp, sq = g["share"]  # type: ignore[misc]
        beta = sum(math.hypot(sp, sq) / self._rating(s) for s in sources) / len(sources)
        hv = self.devices[sources[0]].upstream
        ratio = self.hv_volts(t) / (HV_KV * 1000.0) if hv is not None else 1.0
        return self._phase_volts(key_of(g["members"][0], "u"), LV_NO_LOAD * ratio - LV_DROP * beta, t)  # type: ignore[index]

    def flow(self, device_id: str, t: float) -> Flow:
        """P, Q and phase voltages at a measuring device at plant time ``t``."""
        d = self._device(device_id)
        return self._memoised(("\x00flow:" + device_id, t), lambda: self._flow(d, t))  # type: ignore[return-value]

    def _flow(self, d: SimDevice, t: float) -> Flow:
        role = d.role
        if role == "feeder":
            pq = self.circuit_pq(d.id, t)
            return Flow(sum(p for p, _ in pq), sum(q for _, q in pq), self._lv_volts(d.upstream, t))
        if role == "transformer_lv":
            g = self._group(d.id, t)
            p, q = g["share"] if d.id in g["sources"] else (0.0, 0.0)  # type: ignore[misc,operator]
            return Flow(p, q, self._lv_volts(d.id, t))
        if role == "bus_tie":
            assert d.tie_to is not None
            if not self.breakers[d.id]:
                return Flow(0.0, 0.0, self._lv_volts(d.upstream, t))
            g = self._group(d.tie_to, t)
            lp, lq = g["loads"][d.tie_to]  # type: ignore[index]
            sp, sq = g["share"] if d.tie_to in g["sources"] else (0.0, 0.0)  # type: ignore[misc,operator]
            return Flow(lp - sp, lq - sq, self._lv_volts(d.tie_to, t))
        if role == "revenue":
            if d.upstream is None:
                return Flow(0.0, 0.0, (0.0, 0.0, 0.0))
            return self.flow(d.upstream, t)
        if role in ("transformer_hv", "incomer"):
            if not self.energised(d.id):
                return Flow(0.0, 0.0, (0.0, 0.0, 0.0))
            p = q = 0.0
            for child in self._children.get(d.id, ()):
                c = self.flow(child, t)
                p += c.p
                q += c.q
            if role == "transformer_hv":
                lp, lq = self.losses(d.id, t)
                p += lp
                q += lq
            u = self.hv_volts(t) / SQRT3
            return Flow(p, q, self._phase_volts(key_of(d.id, "u"), u, t))
        return Flow(0.0, 0.0, (0.0, 0.0, 0.0))

    def losses(self, device_id: str, t: float) -> tuple[float, float]:
        """Losses (kW, kvar) between a meter and what it feeds.

        For an LV incomer: its share of the section's busbar/cable losses; for a
        transformer's HV meter: the transformer's no-load and load losses.
        """
        d = self._device(device_id)
        if d.role == "transformer_lv":
            g = self._group(d.id, t)
            if d.id not in g["sources"]:  # type: ignore[operator]
                return 0.0, 0.0
            n = len(g["sources"])  # type: ignore[arg-type]
            return g["p"] * LV_LOSS / n, g["q"] * LV_LOSS / n  # type: ignore[operator]
        if d.role == "transformer_hv":
            if not self.energised(d.id):
                return 0.0, 0.0
            rating = self._rating(d.id)
            p = q = 0.0
            for child in self._children.get(d.id, ()):
                c = self.flow(child, t)
                p += c.p
                q += c.q
            beta2 = (p * p + q * q) / (rating * rating)
            scale = rating / 1000.0
            return P0_KW * scale**0.75 + PK_KW * scale**0.8 * beta2, I0 * rating + UK * rating * beta2
        return 0.0, 0.0

    def loading(self, transformer_id: str, t: float) -> float:
        """β = S/Sr of the transformer that an LV or HV meter (or its TCU) belongs to."""
        d = self._device(transformer_id)
        if d.role == "tcu" and d.upstream is not None:
            d = self.devices[d.upstream]
        if d.role not in ("transformer_lv", "transformer_hv"):
            raise PlantError(f"{transformer_id} is not a transformer meter or controller")
        f = self.flow(d.id, t)
        return math.hypot(f.p, f.q) / self._rating(d.id)

    def room_temp(self, t: float) -> float:
        """The switch room's air temperature, °C: warmest mid-afternoon."""
        h = self.clock.hour(t)
        return 26.0 + 2.5 * math.sin((h - 9.0) / 24.0 * 2 * math.pi) + 0.3 * drift(self.seed, 21, t, 600.0)

    def room_humidity(self, t: float) -> float:
        """Relative humidity, %: the mirror image of temperature."""
        h = self.clock.hour(t)
        return 50.0 - 6.0 * math.sin((h - 9.0) / 24.0 * 2 * math.pi) + 1.0 * drift(self.seed, 22, t, 900.0)

    # -- integrators -------------------------------------------------------------------------------

    def _new_counter(self, d: SimDevice, start: float) -> EnergyCounter:
        key = key_of(d.id, "energy")
        scale = {"feeder": 2e5, "bus_tie": 5e4}.get(d.role, 2e6)
        values = [round(1000.0 + scale * unit(self.seed, key, 1), 2), 0.0]
        values += [round(values[0] * (0.3 + 0.2 * unit(self.seed, key, 2)), 2), 0.0]
        values += [round(5000.0 * unit(self.seed, key, 10 + c), 2) for c in range(self.circuits.get(d.id, 0))]
        return EnergyCounter(start, values, lambda t: self._integrand(d, t), self.clock.hour, self.step)

    def _integrand(self, d: SimDevice, t: float) -> list[float]:
        f = self.flow(d.id, t)
        v = [max(f.p, 0.0), max(-f.p, 0.0), max(f.q, 0.0), max(-f.q, 0.0)]
        if self.circuits.get(d.id):
            v += [p for p, _ in self.circuit_pq(d.id, t)]
        return v

    def _transformer_energised(self, tcu: SimDevice) -> bool:
        """A transformer is warm whenever its HV side is live, loaded or not."""
        up = self.devices.get(tcu.upstream or "")
        if up is None:
            return False
        if up.role == "transformer_lv" and up.upstream is not None:
            up = self.devices[up.upstream]
        return self.energised(up.id)

    def _loss_ratio(self, tcu: SimDevice, t: float) -> float:
        """The transformer's losses over its rated losses (what heats the windings)."""
        if not self._transformer_energised(tcu):
            return 0.0
        beta = self.loading(tcu.id, t)
        scale = self._rating(tcu.upstream or "") / 1000.0
        p0, pk = P0_KW * scale**0.75, PK_KW * scale**0.8
        return (p0 + pk * beta * beta) / (p0 + pk)

    def settle(self, t: float) -> None:
        """Bring every integrator up to ``t`` (before a change of state at ``t``)."""
        for counter in self._counters.values():
            counter.settle(t)
        for winding in self._windings.values():
            winding.settle(t)

    def _changed(self) -> None:
        """After a change of state: forget memoised values, restart every integrand."""
        self._memo.clear()
        self._regroup()
        for counter in self._counters.values():
            counter.restart()

    # -- operations --------------------------------------------------------------------------------

    def set_breaker(self, device_id: str, closed: bool, t: float) -> None:
        """Open or close the breaker a meter sits on."""
        d = self._device(device_id)
        if d.id not in self.breakers:
            raise PlantError(f"{device_id} ({d.role}) has no breaker to operate")
        if self.breakers[d.id] == closed:
            return
        self.settle(t)
        self.breakers[d.id] = closed
        self._changed()

    def set_overload(self, device_id: str, factor: float | None, t: float) -> None:
        """Multiply a feeder's current by ``factor`` (None: back to normal)."""
        d = self._device(device_id)
        if d.role != "feeder":
            raise PlantError(f"{device_id} is a {d.role}: only a feeder can be overloaded")
        if factor is not None and not 0 < factor <= 20:
            raise PlantError(f"overload factor {factor} is outside 0..20")
        self.settle(t)
        if factor is None:
            self.overload.pop(device_id, None)
        else:
            self.overload[device_id] = factor
        self._changed()

    def set_overtemp(self, device_id: str, temperature: float | None) -> None:
        """Hold a temperature controller's windings at ``temperature`` °C (None: release)."""
        d = self._device(device_id)
        if d.role != "tcu":
            raise PlantError(f"{device_id} is a {d.role}, not a temperature controller")
        if temperature is None:
            self.overtemp.pop(device_id, None)
        else:
            self.overtemp[device_id] = temperature

    def set_digital(self, device_id: str, name: str, on: bool) -> None:
        """Set one of an environment unit's digital inputs (smoke, water, intrusion, door)."""
        d = self._device(device_id)
        if d.role != "environment":
            raise PlantError(f"{device_id} is a {d.role}, not an environment unit")
        if name not in ENV_DIGITALS:
            raise PlantError(f"{name!r} is not one of {', '.join(ENV_DIGITALS)}")
        self.digitals[device_id][name] = on

    # -- what a meter shows ------------------------------------------------------------------------

    def readings(self, device_id: str, t: float) -> dict[str, float]:
        """Every quantity the device's physics knows, by the templates' quantity ids."""
        d = self._device(device_id)
        if d.role in METER_ROLES:
            return self._meter_readings(d, t)
        if d.role == "tcu":
            return self._tcu_readings(d, t)
        return self._env_readings(d, t)

    def _meter_readings(self, d: SimDevice, t: float) -> dict[str, float]:
        f = self.flow(d.id, t)
        c = self._counters[d.id]
        c.settle(t)
        ua, ub, uc = f.u
        out: dict[str, float] = _three_phase(f.p, f.q, f.u, self._split(d.id))
        live = ua > 0
        key = key_of(d.id, "thd")
        out.update(
            Uab=math.sqrt(ua * ua + ub * ub + ua * ub),
            Ubc=math.sqrt(ub * ub + uc * uc + ub * uc),
            Uca=math.sqrt(uc * uc + ua * ua + uc * ua),
            F=self.frequency(t) if live else 0.0,
            EPimp=c.values[0],
            EPexp=c.values[1],
            EQimp=c.values[2],
            EQexp=c.values[3],
            EP=c.values[0] + c.values[1],
            EPimp_T1=c.tariffs[0],
            EPimp_T2=c.tariffs[1],
            EPimp_T3=c.tariffs[2],
            EPimp_T4=c.tariffs[3],
            Pdmd=c.demand,
            Pdmd_max=c.demand_max,
            breaker=1.0 if self.breakers.get(d.id, True) else 0.0,
        )
        for ph, i in zip("abc", range(3), strict=True):
            out["THD_U" + ph] = (1.8 + 0.4 * drift(self.seed, key + i, t, 600.0)) if live else 0.0
            out["THD_I" + ph] = (7.0 + 2.0 * drift(self.seed, key + 3 + i, t, 300.0)) if out["I" + ph] > 0 else 0.0
        n = self.circuits.get(d.id, 0)
        if n:
            pq = self.circuit_pq(d.id, t)
            for i, (p, q) in enumerate(pq, start=1):
                s = math.hypot(p, q)
                out[f"C{i}.P"] = p
                out[f"C{i}.Q"] = q
                out[f"C{i}.S"] = s
                out[f"C{i}.PF"] = p / s if s > 0 else 1.0
                out[f"C{i}.I"] = s * 1000.0 / ua if live else 0.0
                out[f"C{i}.U"] = ua
                out[f"C{i}.EPimp"] = c.values[3 + i]
        return out

    def _split(self, device_id: str) -> tuple[float, float, float]:
        key = key_of(device_id, "split")
        a, b = 0.03 * jitter(self.seed, key, 1), 0.03 * jitter(self.seed, key, 2)
        return 1.0 + a, 1.0 + b, 1.0 - a - b

    def _tcu_readings(self, d: SimDevice, t: float) -> dict[str, float]:
        w = self._windings[d.id]
        w.settle(t)
        amb = self.room_temp(t)
        key = key_of(d.id, "t")
        temps = [amb + w.rise * k + 0.3 * drift(self.seed, key + i, t, 120.0) for i, k in enumerate(PHASE_FACTORS)]
        forced = self.overtemp.get(d.id)
        if forced is not None:
            temps = [max(x, forced + off) for x, off in zip(temps, (-2.0, 0.0, -1.0), strict=True)]
        hottest = max(temps)
        return {
            "TA": temps[0],
            "TB": temps[1],
            "TC": temps[2],
            "Tcore": amb + w.rise * CORE_FACTOR,
            "Tmax": hottest,
            "fan": 1.0 if w.fan or hottest >= FAN_ON else 0.0,
            "alarm": 1.0 if hottest >= ALARM_C else 0.0,
            "trip": 1.0 if hottest >= TRIP_C else 0.0,
            "sensor_fault": 0.0,
            "fan_fault": 0.0,
        }

    def _env_readings(self, d: SimDevice, t: float) -> dict[str, float]:
        out = {"temp": self.room_temp(t), "humidity": self.room_humidity(t)}
        for name, on in self.digitals.get(d.id, {}).items():
            out[name] = 1.0 if on else 0.0
        return out


def _three_phase(
    p: float, q: float, u: tuple[float, float, float], split: tuple[float, float, float]
) -> dict[str, float]:
    """Per-phase and total P, Q, S, PF and I from the totals and a current split."""
    out: dict[str, float] = {}
    s_total = 0.0
    for ph, uph, k in zip("abc", u, split, strict=True):
        pp, qq = p / 3.0 * k, q / 3.0 * k
        ss = math.hypot(pp, qq)
        s_total += ss
        out["U" + ph] = uph
        out["I" + ph] = ss * 1000.0 / uph if uph > 0 else 0.0
        out["P" + ph] = pp
        out["Q" + ph] = qq
        out["S" + ph] = ss
        out["PF" + ph] = pp / ss if ss > 0 else 1.0
    out["P"], out["Q"], out["S"] = p, q, s_total
    out["PF"] = p / s_total if s_total > 0 else 1.0
    ia, ib, ic = out["Ia"], out["Ib"], out["Ic"]
    out["I"] = i_mean = (ia + ib + ic) / 3.0
    out["U"] = u_mean = (u[0] + u[1] + u[2]) / 3.0
    # neutral current: the phasor sum of three currents 120° apart (in phase with their voltage)
    out["I0"] = math.sqrt(max(ia * ia + ib * ib + ic * ic - ia * ib - ib * ic - ic * ia, 0.0))
    out["U_unb"] = max(abs(x - u_mean) for x in u) / u_mean * 100.0 if u_mean > 0 else 0.0
    out["I_unb"] = max(abs(x - i_mean) for x in (ia, ib, ic)) / i_mean * 100.0 if i_mean > 0 else 0.0
    return out
