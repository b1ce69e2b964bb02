"""Trend frame time: 8 pens x 1M points each, panning and zooming.

The arrays are fed straight to the pens (`Pen.series.load_arrays`), not through a historian:
this measures drawing (clipToView + peak downsampling), the worst case a bucket query avoids.
A frame is one setXRange + processEvents + grab of the plot.  Prints p50/p99 and writes JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from app.sources.base import PointInfo
from widgets.trends import TrendView

PENS, POINTS, FRAMES = 8, 1_000_000, 120


def main() -> int:
    """Run the bench; the JSON goes next to the other bench results (or the path in argv[1])."""
    app = QApplication.instance() or QApplication(sys.argv)
    infos = {f"P{i}.x": PointInfo(f"P{i}.x", f"P{i}", f"点{i}", f"Point {i}", "kW" if i % 2 else "A", "analog")
             for i in range(PENS)}
    view = TrendView(lambda *_args: None, infos.get, ZoneInfo("Asia/Shanghai"), clock=lambda: 1.7e9 + POINTS)
    view.resize(1600, 800)
    view.show()
    t0 = 1_700_000_000_000
    ts = t0 + np.arange(POINTS, dtype=np.int64) * 1000
    rng = np.random.default_rng(1)
    for i, point in enumerate(infos):
        pen = view.add_pen(point)
        values = np.cumsum(rng.normal(0, 1, POINTS)) + 100 * i
        pen.series.load_arrays(ts, values, np.zeros(POINTS, np.uint8), int(ts[0]), int(ts[-1]))
        pen.dirty = True
    view.set_range(int(ts[0]), int(ts[-1]))
    view.flush()
    app.processEvents()
    full = (ts[-1] - ts[0]) / 1000
    results = {}
    for name, span_of in (("pan", lambda k: full / 4), ("zoom", lambda k: full / (1.05 ** (k % 60)))):
        times = []
        for k in range(FRAMES):
            span = span_of(k)
            x0 = ts[0] / 1000 + (k * full / FRAMES) % (full - span + 1)
            start = time.perf_counter()
            view.viewbox.setXRange(x0, x0 + span, padding=0)
            app.processEvents()
            view.plot_widget.grab()
            times.append((time.perf_counter() - start) * 1000)
        results[name] = {"p50_ms": float(np.percentile(times, 50)), "p99_ms": float(np.percentile(times, 99))}
    print(f"{'trend 8 pens x 1M points':<28}{'p50 ms':>10}{'p99 ms':>10}   target <= 33 ms")
    for name, r in results.items():
        print(f"{name:<28}{r['p50_ms']:>10.1f}{r['p99_ms']:>10.1f}")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "trends.json"
    out.write_text(json.dumps({"pens": PENS, "points": POINTS, "frames": FRAMES, **results}, indent=2))
    view.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
