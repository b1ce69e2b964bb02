"""Benchmark of the single-line diagram in operate mode (issue 6): 1,000 bound values at 1 Hz.

    python -m tests.bench.diagram_live [--json tests/artifacts/bench/diagram_live.json] [--seconds 20]

Target: the GUI thread busy at most 20 % of the time (and, as the console's rule, no stall
over 100 ms).  Measured, never asserted in tests.

A 1,000-symbol plant (`tests.bench.diagram.build_plant`, 10 sections of 19 feeders) with about
1,000 value labels is shown whole (fitted) in a `DiagramView` of 1600 x 1000, offscreen.  Ten
times a second a coalesced batch of 100 changed values arrives, as the `SourceBridge` hands
them over (every label's point changes once a second); every two seconds a feeder breaker
opens or closes (retrace, recolour, a change that flashes until acknowledged: the blink timer
runs for the whole run), and alarms are raised on some symbols.  The batches are made before
the clock starts: on the console they are made on the core thread, not the GUI's.

Busy time is what a 5 ms precise timer on the GUI thread measures as its lateness
(`tests.bench.console_site.BusyProbe`, the console bench's method): everything that keeps the
thread from its event loop — the batch handler, the blink, the repaint.  The handler's and the
viewport repaint's own times are reported beside it, and the thread's CPU time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication

from app.alarms.model import Alarm, AlarmEvent, AlarmState, Change, Level
from app.diagram.model import Diagram, ValueLabel
from app.diagram.symbols import load_library
from app.model import Quality, Sample
from tests.bench.console_site import BusyProbe
from tests.bench.diagram import build_plant, normal_values
from widgets.topology.runtime import DiagramView

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"busy_fraction": 0.20, "longest_stall_ms": 100.0}
RATE_HZ = 10  # the bridge's batches per second

#: Labels per symbol name prefix: (point suffix, format, unit); ~1,000 on the 10 x 19 plant.
LABELS = {
    "QF-F": (("I", ".0f", "A"), ("P", ".1f", "kW")),
    "CT-F": (("Ib", ".0f", "A"),),
    "L-F": (("E", ".0f", "kWh"), ("pf", ".2f", "")),
    "T": (("Ta", ".0f", "°C"), ("Tb", ".0f", "°C"), ("Tc", ".0f", "°C"), ("load", ".0f", "%"), ("P", ".0f", "kW")),
}


def label_plant(sections: int, feeders: int) -> tuple[Diagram, list[str]]:
    """The bench plant with value labels stacked beside its feeders and transformers; the labelled points."""
    diagram = build_plant(load_library(), sections, feeders)
    points: list[str] = []
    for placed in list(diagram.placed):
        prefix = next((p for p in LABELS if placed.name.startswith(p) and placed.name[len(p) :][:1].isdigit()), None)
        if prefix is None:
            continue
        labels = tuple(ValueLabel(f"{placed.name}.{suffix}", fmt, unit, (1.6, 0.7 * i))
                       for i, (suffix, fmt, unit) in enumerate(LABELS[prefix]))  # fmt: skip
        diagram.edit(placed.uuid, labels=labels)
        points += [label.point for label in labels]
    return diagram, points


def make_batches(points: list[str], switches: list[str], seconds: float, start_ms: int) -> list[dict[str, Sample]]:
    """Every batch the run will deliver: each label's point once a second, a breaker every 2 s."""
    per = math.ceil(len(points) / RATE_HZ)
    batches: list[dict[str, Sample]] = []
    closed = dict.fromkeys(switches, 1.0)
    for n in range(int(seconds * RATE_HZ)):
        ts = start_ms + n * (1000 // RATE_HZ)
        chunk = points[(n % RATE_HZ) * per : (n % RATE_HZ + 1) * per]
        batch = {p: Sample(p, ts, 100.0 + 50.0 * math.sin(n / 7 + i) + n * 0.01, Quality.GOOD)
                 for i, p in enumerate(chunk)}  # fmt: skip
        if n % (2 * RATE_HZ) == 5:
            sw = switches[(n // (2 * RATE_HZ)) % len(switches)]
            closed[sw] = 1.0 - closed[sw]
            batch[sw] = Sample(sw, ts, closed[sw], Quality.GOOD)
        batches.append(batch)
    return batches


class TimedView(DiagramView):
    """The view with its viewport repaints timed."""

    paint_s = 0.0
    paints = 0

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        t = time.perf_counter()
        super().paintEvent(event)
        self.paint_s += time.perf_counter() - t
        self.paints += 1


def measure(seconds: float, warmup: float, sections: int, feeders: int) -> dict[str, object]:
    app = QApplication.instance() or QApplication(["diagram-live"])
    diagram, points = label_plant(sections, feeders)
    values = normal_values(diagram)
    switches = sorted(p for p in values if p.startswith("QF-F") and p.endswith(".pos"))
    start_ms = 1_764_000_000_000
    batches = make_batches(points, switches, warmup + seconds + 1, start_ms)
    view = TimedView(diagram)
    view.resize(1600, 1000)
    view.show()
    view.fit()
    view.on_samples({p: Sample(p, start_ms - 1000, v, Quality.GOOD) for p, v in values.items()})
    alarm_points = [f"QF-F{s}-1.I" for s in range(1, sections + 1)]
    probe = BusyProbe()
    figures: dict[str, object] = {}
    state = {"n": 0, "handler_s": 0.0, "handler_max_s": 0.0, "samples": 0}
    marks: dict[str, float] = {}
    handler_times: list[float] = []

    def feed() -> None:
        n = state["n"]
        if n >= len(batches):
            return
        state["n"] = n + 1
        batch = batches[n]
        t = time.perf_counter()
        view.on_samples(batch)
        if n % RATE_HZ == 3:  # an alarm raised once a second on some feeder, as a plant in trouble would
            point = alarm_points[(n // RATE_HZ) % len(alarm_points)]
            level = Level(1 + (n // RATE_HZ) % 4)
            a = Alarm(n, f"{point}:H", "bench", point, level, AlarmState.ACTIVE_UNACKED, "电流高", "current high",
                      150.0, start_ms + n * 100)  # fmt: skip
            view.on_alarm_events([AlarmEvent(a, Change.RAISED, a.raised_at)])
        took = time.perf_counter() - t
        if "begin" in marks:
            handler_times.append(took)
            state["samples"] += len(batch)

    def begin() -> None:
        marks["begin"] = time.perf_counter()
        marks["cpu0"] = time.thread_time()
        view.paint_s, view.paints = 0.0, 0

    def end() -> None:
        marks["end"] = time.perf_counter()
        marks["cpu1"] = time.thread_time()
        app.quit()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1000 // RATE_HZ)
    timer.timeout.connect(feed)
    QTimer.singleShot(int(warmup * 1000), begin)
    QTimer.singleShot(int((warmup + seconds) * 1000), end)
    probe.start()
    timer.start()
    app.exec()
    timer.stop()
    span = marks["end"] - marks["begin"]
    busy_s, longest_s, stalls = probe.window(marks["begin"], marks["end"])
    figures.update(
        symbols=len(diagram.placed),
        labels=sum(len(p.labels) for p in diagram.placed),
        bound_points=len(view.watched),
        seconds=span,
        batches=len(handler_times),
        samples=state["samples"],
        samples_per_s=state["samples"] / span,
        switch_changes=len(view.changed),
        alarm_marks=len(view.marks),
        busy_fraction=busy_s / span,
        longest_stall_ms=longest_s * 1000,
        stalls_over_100ms=stalls,
        gui_cpu_fraction=(marks["cpu1"] - marks["cpu0"]) / span,
        handler_fraction=sum(handler_times) / span,
        handler_median_ms=statistics.median(handler_times) * 1000 if handler_times else float("nan"),
        handler_max_ms=max(handler_times, default=0.0) * 1000,
        paint_fraction=view.paint_s / span,
        paints=view.paints,
        paint_mean_ms=view.paint_s / view.paints * 1000 if view.paints else 0.0,
    )
    view.detach()
    return figures


def verdict(value: float, target: float) -> str:
    """ "ok" when the figure meets its target (at most), else "MISSED"."""
    return "ok" if value <= target else "MISSED"


def table(r: dict[str, object]) -> str:
    """The figures against their targets, one line each."""
    rows = [
        ("diagram", f"{r['symbols']} symbols, {r['labels']} labels, {r['bound_points']} bound points", "", ""),
        ("fed", f"{r['samples_per_s']:.0f} values/s in {r['batches']} batches", "", ""),
        ("  switch changes flashing / alarm badges", f"{r['switch_changes']} / {r['alarm_marks']}", "", ""),
        ("GUI thread busy fraction", f"{100 * r['busy_fraction']:.1f} %", "<= 20 %",
         verdict(r["busy_fraction"], TARGETS["busy_fraction"])),
        ("  longest stall", f"{r['longest_stall_ms']:.0f} ms", "<= 100 ms",
         verdict(r["longest_stall_ms"], TARGETS["longest_stall_ms"])),
        ("  stalls over 100 ms", str(r["stalls_over_100ms"]), "", ""),
        ("  GUI thread CPU", f"{100 * r['gui_cpu_fraction']:.1f} %", "", ""),
        ("  in on_samples (+ alarm events)", f"{100 * r['handler_fraction']:.1f} %", "", ""),
        ("  batch handler median / max", f"{r['handler_median_ms']:.2f} / {r['handler_max_ms']:.1f} ms", "", ""),
        ("  viewport repaint", f"{100 * r['paint_fraction']:.1f} %", "", ""),
        ("  repaints, mean", f"{r['paints']}, {r['paint_mean_ms']:.1f} ms", "", ""),
    ]  # fmt: skip
    return "\n".join(f"{name:<42}{value:>44}  {target:<10}{mark}" for name, value, target, mark in rows)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.diagram_live", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / "tests" / "artifacts" / "bench" / "diagram_live.json",
                        help="where to write the figures")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to measure")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds fed before measuring")
    parser.add_argument("--sections", type=int, default=10, help="LV sections (transformers)")
    parser.add_argument("--feeders", type=int, default=19, help="feeders per LV section")
    args = parser.parse_args(argv)
    results = measure(args.seconds, args.warmup, args.sections, args.feeders)
    results["targets"] = TARGETS
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
