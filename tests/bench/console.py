"""Benchmark of the operator console against issue 4's targets (measured here, never asserted).

    python -m tests.bench.console [--json bench-console.json] [--seconds 20] [--runs 3]

Targets: first live values on the demo site within 3 s of starting the process; on a synthetic
site of 50,000 points updating at 1 Hz the GUI thread busy at most 20 % of the time and never
stalled over 100 ms; at most 400 MB resident with an hour of history and trends of it open.

Every figure comes from a fresh process (`tests.bench.console_site`) with its own data and
settings folders, offscreen, so none warms another's caches and the user's files stay untouched:

* first values: ``python -m app``'s own main, timed from just before this script starts the
  process to the first paint of the device browser after it received a sample taken after the
  process started (the browser is observed, not changed).  Each run starts on an empty
  historian, so the values are live, not the last ones stored.  The untouched ``python -m app``
  is timed too, to its log line "direct source running" (it logs nothing when values show).
* busy: the main window, a real `SourceBridge`, and a synthetic `DataSource` emitting one
  sample per point per second in ten slices; a 5 ms timer on the GUI thread measures how late
  it runs (busy time, stalls) and the thread's CPU time is read from the OS.
* memory: an hour of 1 s history for all 971 demo points is imported first (another process),
  then the console runs the demo site with the simulator and four trends of three pens over the
  last hour; resident set size after ``--seconds`` of running.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.console_site import RESULT_MARK

ROOT = Path(__file__).resolve().parents[2]

TARGETS = {"first_values_s": 3.0, "busy_fraction": 0.20, "longest_stall_ms": 100.0, "rss_mb": 400.0}


class BenchFailed(RuntimeError):
    """A measured process ended without its figures."""


def child_env(folder: Path) -> dict[str, str]:
    """The environment of a measured process: offscreen, its own data and settings folders."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        SWITCHROOM_DATA=str(folder / "data"),
        XDG_CONFIG_HOME=str(folder / "config"),
        PYTHONUNBUFFERED="1",
    )
    return env


def measure(args: list[str], folder: Path, timeout: float) -> dict:
    """Run ``python -m tests.bench.console_site ARGS`` and return the figures it printed."""
    done = subprocess.run([sys.executable, "-m", "tests.bench.console_site", *args], check=False, cwd=ROOT,
                          env=child_env(folder), capture_output=True, text=True, timeout=timeout)  # fmt: skip
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK):])
    tail = "\n".join(done.stderr.splitlines()[-15:])
    raise BenchFailed(f"console_site {' '.join(args)} exited {done.returncode} without figures:\n{tail}")


def first_values(runs: int) -> dict:
    """Seconds from starting ``python -m app`` to live values painted in the device browser."""
    launch_to_paint, in_process = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-console-") as tmp:
            launched = time.time()
            r = measure(["first-values"], Path(tmp), timeout=60)
        if r.get("painted") is None:
            raise BenchFailed("the console closed before live values were painted")
        launch_to_paint.append(r["painted"] - launched)
        in_process.append(r["in_process_s"])
    return {
        "runs": runs,
        "launch_to_paint_s": launch_to_paint,
        "median_s": statistics.median(launch_to_paint),
        "max_s": max(launch_to_paint),
        "script_top_to_paint_median_s": statistics.median(in_process),
        "untouched_to_source_running_s": source_running(),
    }


def source_running() -> float | None:
    """The untouched ``python -m app``: seconds to its "direct source running" log line."""
    with tempfile.TemporaryDirectory(prefix="bench-console-") as tmp:
        launched = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "app"], cwd=ROOT, env=child_env(Path(tmp)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
        seen: float | None = None
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                if "direct source running" in line:
                    seen = time.monotonic() - launched
                    break
                if time.monotonic() - launched > 60:
                    break
        finally:
            if sys.platform == "win32":
                proc.terminate()
            else:
                proc.send_signal(signal.SIGINT)  # the console closes as from its menu
            try:
                proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
        return seen


def busy(seconds: float) -> dict:
    """GUI-thread busy fraction and stalls on 50,000 synthetic points at 1 Hz."""
    with tempfile.TemporaryDirectory(prefix="bench-console-") as tmp:
        return measure(["busy", "--seconds", str(seconds), "--warmup", "3"], Path(tmp), timeout=seconds + 120)


def memory(seconds: float) -> dict:
    """Resident memory of the console on the demo site after an hour of history."""
    with tempfile.TemporaryDirectory(prefix="bench-console-") as tmp:
        imported = measure(["history"], Path(tmp), timeout=300)
        figures = measure(["memory", "--seconds", str(seconds)], Path(tmp), timeout=seconds + 120)
    return {**imported, **figures}


def verdict(value: float | None, target: float) -> str:
    """"ok" when the figure meets its target (at most), else "MISSED"."""
    if value is None:
        return "n/a"
    return "ok" if value <= target else "MISSED"


def table(results: dict) -> str:
    """The figures against their targets, one line each."""
    fv, b, m = results["first_values"], results["busy"], results["memory"]
    rows = [
        ("first live values (launch -> paint, median)", f"{fv['median_s']:.2f} s", "<= 3 s",
         verdict(fv["median_s"], TARGETS["first_values_s"])),
        ("  worst of the runs", f"{fv['max_s']:.2f} s", "", ""),
        ("  untouched python -m app: source running", "n/a" if fv["untouched_to_source_running_s"] is None
         else f"{fv['untouched_to_source_running_s']:.2f} s", "", ""),
        ("50k points @1 Hz: GUI busy fraction", f"{100 * b.get('busy_fraction', float('nan')):.1f} %", "<= 20 %",
         verdict(b.get("busy_fraction"), TARGETS["busy_fraction"])),
        ("  longest stall", f"{b.get('longest_stall_ms', float('nan')):.0f} ms", "<= 100 ms",
         verdict(b.get("longest_stall_ms"), TARGETS["longest_stall_ms"])),
        ("  stalls over 100 ms", str(b.get("stalls_over_100ms", "n/a")), "", ""),
        ("  GUI thread CPU", f"{100 * b.get('gui_cpu_fraction', float('nan')):.1f} %", "", ""),
        ("  samples shown / sent", f"{b.get('samples_shown', 0)} / {b.get('samples_sent', 0)}", "", ""),
        ("demo + 1 h history + 4 trends: RSS", f"{m['rss_mb']:.0f} MB", "<= 400 MB",
         verdict(m["rss_mb"], TARGETS["rss_mb"])),
        ("  peak RSS while running", f"{m['peak_rss_mb']:.0f} MB", "", ""),
        ("  trend pens with their hour loaded", f"{m['pens_with_history']} / {m['pens']}", "", ""),
    ]  # fmt: skip
    return "\n".join(f"{name:<46}{value:>18}  {target:<10}{mark}" for name, value, target, mark in rows)


def main(argv: list[str] | None = None) -> int:
    """Run the three measurements, print the table, write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.console", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=Path("bench-console.json"), help="where to write the figures")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the busy and memory runs")
    parser.add_argument("--runs", type=int, default=3, help="start-ups timed for the first values")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        results = {
            "first_values": first_values(max(1, args.runs)),
            "busy": busy(args.seconds),
            "memory": memory(args.seconds),
        }
    except (BenchFailed, subprocess.TimeoutExpired) as exc:
        print(f"the console bench could not measure: {exc}", file=sys.stderr)
        return 1
    results["targets"] = TARGETS
    results["bench_s"] = time.perf_counter() - started
    print(table(results))
    args.json.write_text(json.dumps(results, indent=2))
    print(f"figures written to {args.json} ({results['bench_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
