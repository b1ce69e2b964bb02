"""Benchmark of the console's alarm side (issue 5), measured here, never asserted in tests.

    python -m tests.bench.alarm_console [--json bench-alarm-console.json] [--devices 300] [--latency 200]

A generated site of ``--devices`` meters (cl7331m, 51 points each) with a level-2 state rule on
each meter's four digital inputs runs in a real `DirectSource` (no field connections: samples go
in through the source's own sample path, `DirectSource._on_samples`, on its loop, as acquisition
hands them over) behind a real `SourceBridge` and the whole `MainWindow`.

* latency: one alarm at a time (DI1 of meters 0.. ``--latency``), from the moment its sample
  enters the source to the moment the banner holds it (`AlarmConsole._refresh` has handed the
  banner its lines; the paint follows in the same turn of the event loop); p50/p99/max.
  Target p99 <= 100 ms.
* flood: 1,000 new alarms within one second (ten batches of 100, 100 ms apart); the longest GUI
  stall (`BusyProbe` of tests.bench.console_site: a 5 ms timer's lateness), busy share, and
  whether the journal holds all 1,000 raises afterwards.  Target: no stall > 100 ms, 1,000/1,000.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from app.alarms.model import JournalQuery
from app.config.site import site_from_text
from app.model import Quality, Sample
from app.process import tune_collector
from app.sources.direct import DirectSource
from tests.bench.console_site import BusyProbe
from widgets import settings
from widgets.bridge import SourceBridge
from widgets.main_window import MainWindow

PER_GATEWAY = 30
FLOOD = 1000


def site_text(devices: int) -> str:
    """Meters on Modbus TCP gateways that never connect; one state rule per digital input."""
    gateways = (devices + PER_GATEWAY - 1) // PER_GATEWAY
    lines = ["site: {name: {zh: 报警台架, en: Alarm bench}}", "gateways:"]
    lines += [f"  - {{id: G{g:02d}, kind: modbus_tcp, name: G{g}, host: 127.0.0.1, port: 9}}" for g in range(gateways)]
    lines.append("devices:")
    for i in range(devices):
        lines.append(f"  - {{id: D{i:04d}, name: {{zh: 表{i}, en: Meter {i}}}, gateway: G{i // PER_GATEWAY:02d}, "
                     f"address: {i % PER_GATEWAY + 1}, template: cl7331m}}")  # fmt: skip
    lines += ["alarms:", "  flood: {count: 50, seconds: 10}", "  rules:",
              '    - {id: di, kind: state, points: ["D*.DI[1234]"], level: 2}']  # fmt: skip
    return "\n".join(lines) + "\n"


def spin(seconds: float) -> None:
    """Run the GUI's event loop for ``seconds``."""
    loop = QEventLoop()
    QTimer.singleShot(max(0, int(seconds * 1000)), loop.quit)
    loop.exec()


def wait_until(pred: Callable[[], bool], timeout: float) -> bool:
    """Run the event loop until ``pred()`` or ``timeout`` seconds."""
    end = time.perf_counter() + timeout
    while not pred():
        if time.perf_counter() > end:
            return False
        spin(0.002)
    return True


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, default=Path("bench-alarm-console.json"))
    ap.add_argument("--devices", type=int, default=300)
    ap.add_argument("--latency", type=int, default=200, help="alarms raised one at a time for the latency")
    ap.add_argument("--rate-hz", type=float, default=10.0, help="the bridge's deliveries per second (console: 10)")
    args = ap.parse_args(argv)
    if args.devices * 4 < args.latency + FLOOD:
        ap.error(f"--devices must give at least {args.latency + FLOOD} digital inputs (4 per meter)")
    logging.basicConfig(level=logging.WARNING)
    tune_collector()  # as `python -m app` does
    workdir = Path(tempfile.mkdtemp(prefix="bench-alarm-console-"))
    settings.use_file(workdir / "settings.ini")
    os.environ["SWITCHROOM_DATA"] = str(workdir)
    site = site_from_text(site_text(args.devices), "bench.yaml")

    app = QApplication.instance() or QApplication(sys.argv[:1])
    sources: list[DirectSource] = []

    def factory() -> DirectSource:
        source = DirectSource(site, workdir / "h.sqlite", listen=("127.0.0.1", 0))
        sources.append(source)
        return source

    bridge = SourceBridge(factory, rate_hz=args.rate_hz)
    window = MainWindow(bridge, ZoneInfo("Asia/Shanghai"))
    window.resize(1600, 1000)
    window.show()
    bridge.start()
    if not wait_until(lambda: bridge.running and window.alarm_list is not None if hasattr(window, "alarm_list")
                      else False, 60):  # fmt: skip
        print("the source did not start within 60 s", file=sys.stderr)
        return 1
    console = window.alarms
    spin(1.0)

    # Every refresh notes when each alarm first reaches the banner.
    shown: dict[str, float] = {}
    original = console._refresh

    def refresh() -> None:
        original()
        now = time.perf_counter()
        for alarm in console.banner.unacked:
            shown.setdefault(alarm.point, now)

    console._refresh = refresh  # type: ignore[method-assign]
    entered: dict[str, float] = {}

    def push(samples: list[Sample]) -> None:
        def on_loop(source: DirectSource) -> None:
            now = time.perf_counter()
            for s in samples:
                if s.value:  # the raise, not the quiet value before it
                    entered[s.point] = now
            source._on_samples(samples)

        bridge.request(on_loop, lambda _: None)

    def sample(point: str, value: float) -> Sample:
        return Sample(point, int(time.time() * 1000), value, Quality.GOOD)

    # -- latency ----------------------------------------------------------------------------------
    points = [f"D{i:04d}.DI1" for i in range(args.latency)]
    push([sample(p, 0.0) for i in range(args.devices) for p in (f"D{i:04d}.DI{k}" for k in (1, 2, 3, 4))])
    spin(0.5)
    latencies: list[float] = []
    missed = 0
    for n, point in enumerate(points):
        push([sample(point, 1.0)])
        if wait_until(lambda p=point: p in shown, 5.0):
            latencies.append((shown[point] - entered[point]) * 1000)
        else:
            missed += 1
        spin(0.011 + (n % 7) * 0.013)  # spread the raises over the bridge's delivery phase

    # -- flood ------------------------------------------------------------------------------------
    flood_points = [f"D{i:04d}.DI{k}" for k in (2, 3, 4) for i in range(args.devices)]
    flood_points += [f"D{i:04d}.DI1" for i in range(args.latency, args.devices)]
    flood_points = flood_points[:FLOOD]
    probe = BusyProbe()
    probe.start()
    spin(0.5)
    flood_start_ms = int(time.time() * 1000)
    begin = time.perf_counter()
    for k in range(10):
        push([sample(p, 1.0) for p in flood_points[k * 100 : (k + 1) * 100]])
        spin(0.1)
    all_shown = wait_until(lambda: all(p in console.active.alarms_by_point for p in flood_points)
                           if hasattr(console.active, "alarms_by_point") else
                           len({a.point for a in console.active.alarms.values()} & set(flood_points)) == FLOOD,
                           30)  # fmt: skip
    shown_after = time.perf_counter() - begin
    spin(1.0)
    end = time.perf_counter()
    busy_s, longest_s, stalls = probe.window(begin, end)
    found: list = []
    bridge.request(lambda s: s.alarm_journal(JournalQuery(start=flood_start_ms, changes=("raised",), limit=5000)),
                   found.extend)  # fmt: skip
    wait_until(lambda: bool(found), 30)
    in_journal = len({r.point for r in found} & set(flood_points))
    list_rows = window.alarm_list.active_model.rowCount()
    flood = console.flood

    window.close()
    bridge.stop()
    settings.use_file(None)

    results = {
        "devices": args.devices,
        "points": len(site.points),
        "latency_alarms": len(latencies),
        "latency_missed": missed,
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "latency_p99_ms": round(pct(latencies, 0.99), 1) if latencies else None,
        "latency_max_ms": round(max(latencies), 1) if latencies else None,
        "bridge_rate_hz": bridge.rate_hz,
        "flood_alarms": FLOOD,
        "flood_all_on_console": all_shown,
        "flood_on_console_after_s": round(shown_after, 2),
        "flood_longest_stall_ms": round(longest_s * 1000, 1),
        "flood_stalls_over_100ms": stalls,
        "flood_gui_busy_pct": round(100 * busy_s / (end - begin), 1),
        "flood_in_journal": in_journal,
        "flood_summary_count": flood.count if flood is not None else None,
        "alarm_list_rows": list_rows,
    }
    targets = {
        "latency_p99_ms": "<= 100 ms",
        "flood_longest_stall_ms": "<= 100 ms",
        "flood_in_journal": f"{FLOOD}",
    }
    width = max(len(k) for k in results)
    print(f"{'measure':<{width}}  {'result':<12} target")
    for key, value in results.items():
        print(f"{key:<{width}}  {value!s:<12} {targets.get(key, '')}")
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
