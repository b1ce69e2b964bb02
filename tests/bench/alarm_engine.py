"""Benchmark of the alarm engine against its target (measured here, never asserted in tests).

    python -m tests.bench.alarm_engine [--json bench-alarm-engine.json] [--devices 360] [--seconds 60]

Target: >= 200 000 samples evaluated per second on one core with 10 000 alarm conditions.

The synthetic site is a large switch room: multifunction meters (the cl7331m template, 52
quantities each) behind Modbus TCP gateways, each meter with the demo's kinds of rules —
voltage H/L, phase current H, frequency H/L, power factor L, THD H, breaker change of state,
a digital alarm state, overload, single-phase overload, unbalance, comm and stale — about 29
conditions per meter.  Every meter is polled once a second; a batch is one gateway's poll
(all quantities of its meters, as acquisition emits them).  Values are mostly normal with
noise; a few percent of the meters wander over a limit, trip a breaker or lose comm, so the
engine also raises, clears and floods.  Samples are built before the clock starts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from app.alarms.engine import AlarmEngine
from app.alarms.rules import compile_rules
from app.config import site_from_text
from app.model import Quality, Sample

START = 1_735_689_600_000  # 2025-01-01 UTC
PER_GATEWAY = 40

RULES = """\
alarms:
  flood: {count: 10, seconds: 10}
  rules:
    - {kind: limit, points: ["D*.U[abc]"], L: 213.9, H: 246.1, deadband: 2, on_delay: 5}
    - {kind: limit, points: ["D*.I[abc]"], H: {value: 380, level: 3}, HH: {value: 420, level: 2}, deadband: 5}
    - {kind: limit, points: ["D*.F"], L: 49.5, H: 50.5, deadband: 0.05}
    - {kind: limit, points: ["D*.PF"], L: {value: 0.85, level: 4}, deadband: 0.02, on_delay: 60}
    - {kind: limit, points: ["D*.THD_U[abc]", "D*.THD_I[abc]"], H: {value: 8, level: 4}, deadband: 0.5}
    - {kind: limit, points: ["D*.U_unb", "D*.I_unb"], H: {value: 10, level: 3}, deadband: 1}
    - {kind: change, points: ["D*.DI1"], level: 2}
    - {kind: state, points: ["D*.DI2"], level: 2}
    - {kind: overload, devices: ["D*"], basis: I, thresholds: {80: 3, 100: 2, 120: 1}, on_delay: 10}
    - {kind: phase_overload, devices: ["D*"], thresholds: {100: 2}}
    - {kind: unbalance, devices: ["D*"], percent: 15, min_load: 20, on_delay: 60}
    - {kind: comm, devices: "*", level: 2}
    - {kind: stale, devices: "*", level: 4}
    - {kind: comm, gateways: "*", level: 1}
"""


def site_text(devices: int) -> str:
    gateways = (devices + PER_GATEWAY - 1) // PER_GATEWAY
    lines = ["site: {name: Bench}", "gateways:"]
    lines += [f"  - {{id: G{g:02d}, kind: modbus_tcp, name: G{g}, host: 10.0.0.{g + 1}}}" for g in range(gateways)]
    lines.append("devices:")
    for i in range(devices):
        lines.append(f"  - {{id: D{i:04d}, name: M{i}, gateway: G{i // PER_GATEWAY:02d}, "
                     f"address: {i % PER_GATEWAY + 1}, template: cl7331m, rating: {{a: 400}}}}")  # fmt: skip
    return "\n".join(lines) + "\n" + RULES


NORMAL = {"Ua": 230.0, "Ub": 230.0, "Uc": 230.0, "Uab": 400.0, "Ubc": 400.0, "Uca": 400.0, "Ia": 200.0, "Ib": 205.0,
          "Ic": 195.0, "F": 50.0, "PF": 0.95, "U_unb": 1.0, "I_unb": 3.0, "DI1": 1.0, "DI2": 0.0}  # fmt: skip
NOISE = {"Ua": 1.5, "Ub": 1.5, "Uc": 1.5, "Ia": 3.0, "Ib": 3.0, "Ic": 3.0, "F": 0.02, "PF": 0.01}


def batches(quantities: list[str], devices: int, seconds: int, seed: int = 7) -> list[list[Sample]]:
    """One batch per gateway per second; a few meters misbehave for a while."""
    rng = random.Random(seed)
    out: list[list[Sample]] = []
    bad = set(rng.sample(range(devices), max(1, devices // 50)))  # 2 % wander over limits
    for sec in range(seconds):
        ts = START + sec * 1000
        for g0 in range(0, devices, PER_GATEWAY):
            batch: list[Sample] = []
            for i in range(g0, min(g0 + PER_GATEWAY, devices)):
                dev = f"D{i:04d}"
                quality = Quality.COMM_FAIL if i % 97 == 0 and 20 <= sec < 30 else Quality.GOOD
                stress = 1.0 + (0.3 * ((sec // 10) % 2) if i in bad else 0.0)
                for q in quantities:
                    base = NORMAL.get(q, 3.0 if q.startswith("THD") else 10.0 + len(q))
                    v = base + rng.gauss(0.0, NOISE.get(q, 0.1)) if q in NOISE else base
                    if q.startswith("I") and len(q) == 2:
                        v *= stress * (1.6 if i in bad and q == "Ib" and sec % 20 > 15 else 1.0)
                    if q == "DI1" and i in bad and sec % 15 == 14:
                        v = 0.0  # breaker trip
                    batch.append(Sample(f"{dev}.{q}", ts, v, quality))
            out.append(batch)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, default=Path("bench-alarm-engine.json"))
    ap.add_argument("--devices", type=int, default=360)
    ap.add_argument("--seconds", type=int, default=60)
    args = ap.parse_args(argv)

    t = time.perf_counter()
    site = site_from_text(site_text(args.devices), "bench.yaml")
    rules = compile_rules(site)
    compile_s = time.perf_counter() - t
    quantities = [p.quantity for p in site.points.values() if p.device == "D0000"]
    data = batches([q for q in quantities if q is not None], args.devices, args.seconds)
    n_samples = sum(len(b) for b in data)
    judged = sum(1 for b in data for x in b if x.point in rules.judges)

    engine = AlarmEngine(rules, clock=lambda: START)
    events = 0
    t = time.perf_counter()
    for i, batch in enumerate(data):
        events += len(engine.feed(batch))
        if i % ((args.devices + PER_GATEWAY - 1) // PER_GATEWAY) == 0:
            events += len(engine.tick(batch[0].ts))
    elapsed = time.perf_counter() - t

    # a storm: every meter's currents jump to 130 % of rating at once (thousands of alarms, one flood)
    storm = [[x._replace(ts=x.ts + 3_600_000, value=x.value * 2.6 if x.point[-2:] in ("Ia", "Ib", "Ic") else x.value)
              for x in batch] for batch in data[-(args.devices + PER_GATEWAY - 1) // PER_GATEWAY:]]  # fmt: skip
    storm_samples = sum(len(b) for b in storm)
    t = time.perf_counter()
    storm_events = sum(len(engine.feed(batch)) for batch in storm)
    storm_s = time.perf_counter() - t
    flood = engine.flood()

    result = {
        "conditions": len(rules.conditions),
        "rule_entries": len(site.file.alarms.rules),
        "points_with_rules": len(rules.judges),
        "devices": args.devices,
        "seconds_simulated": args.seconds,
        "samples": n_samples,
        "samples_with_rules": judged,
        "events": events,
        "active_at_end": len(engine.active()),
        "compile_s": round(compile_s, 3),
        "elapsed_s": round(elapsed, 3),
        "samples_per_s": round(n_samples / elapsed),
        "evaluated_per_s": round(judged / elapsed),
        "us_per_sample": round(elapsed / n_samples * 1e6, 3),
        "events_per_s": round(events / elapsed),
        "target_samples_per_s": 200_000,
        "storm_samples": storm_samples,
        "storm_events": storm_events,
        "storm_elapsed_s": round(storm_s, 4),
        "storm_events_per_s": round(storm_events / storm_s),
        "storm_flood_count": flood.count if flood is not None else 0,
    }
    width = max(len(k) for k in result)
    print(f"alarm engine, {result['conditions']} conditions on {args.devices} meters, {args.seconds} s of polls")
    for k, v in result.items():
        print(f"  {k:<{width}}  {v}")
    args.json.write_text(json.dumps(result, indent=2))
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
