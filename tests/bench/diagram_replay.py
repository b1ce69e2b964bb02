"""Benchmark of the post-fault replay (issue 6): a replay step to a new time.

    python -m tests.bench.diagram_replay [--json tests/artifacts/bench/diagram_replay.json] [--steps 200]

Target: one step <= 200 ms — the historian's as-of query for every point the diagram shows,
`DiagramView.show_values` (labels, switch states, energisation retraced) and the repaint of
the whole fitted diagram.  Measured, never asserted in tests.

The plant is the 1,000-symbol diagram of `tests.bench.diagram.build_plant` (10 sections of 19
feeders) with value labels on the feeders and transformers: about 1,000 bound points, ~420 of
them switch states.  An hour of their history at 1 s (3.6 million samples) is written with
`app.historian` straight, as `tests.bench.historian` does: switch states flip now and then,
analog values drift with noise; stored with the site's rules (digital on change, analog with a
deadband, at least every 300 s), then compacted and merged into long-term chunks — a replay
looks at the past.  Steps go to random times of the hour (the operator picks an event) and
one second at a time (stepping, playing); the query is timed apart from the painting.

The replay window answers steps in two ways, both measured: an as-of query per step (the first
picture, and times the held window does not reach), and from the window's samples held in
memory (`app.diagram.replay.WindowValues`, fetched once per window in the background: its
loading time is reported) — the way stepping, playing and dragging are answered.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtWidgets import QApplication

from app.diagram.model import Diagram, ValueLabel
from app.diagram.replay import AFTER_MS, BEFORE_MS, WINDOW_POINTS, WindowValues, state_points
from app.diagram.symbols import load_library
from app.historian import Historian, PointInfo
from app.model import PointKind
from tests.bench.diagram import build_plant, normal_values
from widgets.topology.runtime import DiagramView

ROOT = Path(__file__).resolve().parents[2]
TARGET_MS = 200.0
START = 1_735_689_600_000  # 2025-01-01 UTC
HOUR_S = 3600

#: Value labels per symbol name prefix: point suffixes; about 1,000 points on the 10 x 19 plant.
LABELS = {"QF-F": ("I", "P", "U"), "T": ("Ta", "load")}


def labelled_plant(sections: int, feeders: int) -> Diagram:
    """`build_plant` with value labels on feeder breakers and transformers."""
    diagram = build_plant(load_library(), sections, feeders)
    for placed in list(diagram.placed):
        prefix = next((p for p in LABELS if placed.name.startswith(p) and placed.name[len(p):][:1].isdigit()), None)
        if prefix is None:
            continue
        labels = tuple(ValueLabel(f"{placed.name}.{suffix}", ".1f", "", (2.5, 1.0 + i)) for i, suffix in
                       enumerate(LABELS[prefix]))  # fmt: skip
        diagram.edit(placed.uuid, labels=labels)
    return diagram


def write_history(h: Historian, diagram: Diagram, seconds: int, seed: int = 3) -> tuple[list[str], int]:
    """An hour of 1 s polls of every bound point; returns the points and the samples written."""
    states = sorted(state_points(diagram))
    analog = sorted({lab.point for p in diagram.placed for lab in p.labels})
    normal = normal_values(diagram)
    h.register_points([PointInfo(p, kind=PointKind.DIGITAL, deadband=0, max_interval_s=300) for p in states]
                      + [PointInfo(p, "A", deadband=0.5, max_interval_s=300) for p in analog])  # fmt: skip
    rng = np.random.default_rng(seed)
    flips = rng.random((seconds, len(states))) < 1 / 1800  # each switch changes about twice an hour
    digital = (np.array([normal.get(p, 0) for p in states]) + np.cumsum(flips, axis=0)) % 2
    base = rng.uniform(20, 400, len(analog))
    drift = np.cumsum(rng.normal(0, 0.3, (seconds, len(analog))), axis=0)
    values = np.hstack([digital, base + drift + rng.normal(0, 0.4, (seconds, len(analog)))])
    names = states + analog
    for s in range(seconds):
        h.write_arrays(names, np.full(len(names), START + s * 1000), values[s])
    h.flush(600)
    h.compact(merge=True)
    return names, seconds * len(names)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def stats(values: list[float]) -> dict[str, float]:
    return {"p50_ms": statistics.median(values), "p95_ms": percentile(values, 95), "max_ms": max(values)}


def summary(rows: list[tuple[float, float, float, int]]) -> dict[str, object]:
    """Per-part statistics of timed steps: (query, show_values, repaint, values found)."""
    return {
        "step": stats([q + s + p for q, s, p, _n in rows]), "query": stats([r[0] for r in rows]),
        "show_values": stats([r[1] for r in rows]), "repaint": stats([r[2] for r in rows]),
        "values_found": min(r[3] for r in rows),
    }  # fmt: skip


def measure(sections: int, feeders: int, steps: int, seconds: int) -> dict[str, object]:
    app = QApplication.instance() or QApplication([])
    diagram = labelled_plant(sections, feeders)
    with tempfile.TemporaryDirectory(prefix="switchroom-bench-") as tmp:
        end = START + seconds * 1000
        h = Historian(Path(tmp) / "replay.sqlite", compact_interval=3600, compact_samples=10**9, max_pending=10**9,
                      clock=lambda: end / 1000)  # fmt: skip
        h.open()
        try:
            t = time.perf_counter()
            names, written = write_history(h, diagram, seconds)
            write_s = time.perf_counter() - t
            view = DiagramView(diagram)
            view.live = False
            view.resize(1600, 1000)
            view.show()
            app.processEvents()
            view.fit()
            app.processEvents()
            watched = sorted(view.watched)
            rng = np.random.default_rng(11)
            random_times = [int(t) for t in rng.integers(START + 300_000, end, steps)]
            first = int(rng.integers(START + 300_000, end - steps * 1000))
            walk_times = [first + i * 1000 for i in range(steps)]

            def step(ts: int) -> tuple[float, float, float, int]:
                t0 = time.perf_counter()
                values = h.as_of_many(watched, ts)
                t1 = time.perf_counter()
                view.show_values(values)
                app.processEvents()  # the scene's change notices reach the view
                t2 = time.perf_counter()
                view.viewport().repaint()  # the whole fitted diagram painted now (an upper bound)
                t3 = time.perf_counter()
                return (t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000, len(values)

            step(random_times[0])  # warm-up: first paint, caches
            out: dict[str, object] = {}
            for name, times in (("random", random_times), ("one_second_steps", walk_times)):
                rows = [step(ts) for ts in times]
                out[name] = summary(rows)

            # the window held in memory: loaded once (as `window_values` does through the source)
            at = int(rng.integers(START + BEFORE_MS, end - AFTER_MS))
            w_start, w_end = at - BEFORE_MS, at + AFTER_MS
            t = time.perf_counter()
            before = h.as_of_many(watched, w_start)
            steps_in = {p: h.history(p, w_start, w_end + 1, WINDOW_POINTS).samples for p in watched}
            held = WindowValues.of(w_start, w_end, before, steps_in)
            load_ms = (time.perf_counter() - t) * 1000
            agree = all(held.at(ts) == h.as_of_many(watched, ts) for ts in (w_start, at, w_end))

            def held_step(ts: int) -> tuple[float, float, float, int]:
                t0 = time.perf_counter()
                values = held.at(ts)
                t1 = time.perf_counter()
                view.show_values(values)
                app.processEvents()
                t2 = time.perf_counter()
                view.viewport().repaint()
                t3 = time.perf_counter()
                return (t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000, len(values)

            in_window = [int(t) for t in rng.integers(w_start, w_end, steps)]
            walk = [at + i * 1000 for i in range(min(steps, AFTER_MS // 1000))]
            out["held_random"] = summary([held_step(ts) for ts in in_window])
            out["held_one_second_steps"] = summary([held_step(ts) for ts in walk])
            out["held_window"] = {"load_ms": load_ms, "samples": sum(len(v[0]) for v in held.series.values()),
                                  "agrees_with_as_of": agree}  # fmt: skip
            view.close()
        finally:
            h.close()
    return {
        "symbols": len(diagram.placed), "points": len(names), "watched": len(watched),
        "state_points": len(state_points(diagram)), "history_s": seconds, "samples_written": written,
        "write_compact_s": write_s, "steps": steps, "target_ms": TARGET_MS, **out,
    }  # fmt: skip


def report(r: dict[str, object]) -> None:
    print(f"diagram: {r['symbols']} symbols, {r['watched']} bound points ({r['state_points']} switch states); "
          f"history: {r['history_s']} s x {r['points']} points = {r['samples_written']:,} samples "
          f"(written, compacted and merged in {r['write_compact_s']:.1f} s)")  # fmt: skip
    print(f"\n{'replay step (ms)':<42} {'p50':>8} {'p95':>8} {'max':>8}  target")
    titles = {"random": "as-of query: random times", "one_second_steps": "as-of query: 1 s steps",
              "held_random": "held window: random times", "held_one_second_steps": "held window: 1 s steps"}
    for kind, title in titles.items():
        block = r[kind]
        assert isinstance(block, dict)
        for part in ("step", "query", "show_values", "repaint"):
            s = block[part]
            target = f"<= {TARGET_MS:.0f} ms" if part == "step" else ""
            label = title if part == "step" else f"  {'as_of' if part == 'query' and 'held' not in kind else part}"
            print(f"{label:<42} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} {s['max_ms']:>8.1f}  {target}")
        print(f"{'  values found per step (least)':<42} {block['values_found']:>8}")
    w = r["held_window"]
    assert isinstance(w, dict)
    print(f"held window (15 min): loaded once in {w['load_ms']:.0f} ms, {w['samples']:,} samples, "
          f"answers as the as-of query: {w['agrees_with_as_of']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / "tests" / "artifacts" / "bench" / "diagram_replay.json",
                        help="where to write results")  # fmt: skip
    parser.add_argument("--steps", type=int, default=200, help="steps of each kind to time")
    parser.add_argument("--seconds", type=int, default=HOUR_S, help="seconds of history")
    parser.add_argument("--sections", type=int, default=10, help="LV sections (transformers)")
    parser.add_argument("--feeders", type=int, default=19, help="feeders per LV section")
    args = parser.parse_args(argv)
    results = measure(args.sections, args.feeders, args.steps, args.seconds)
    report(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
