"""Trend frame time: 8 pens x 1M points each, panning and zooming.

The arrays are fed straight to the pens (`Pen.series.load_arrays`), not through a historian:
this measures drawing (clipToView + peak downsampling), the worst case a bucket query avoids.

A frame is setXRange + processEvents: the view is shown (on the offscreen platform too), so
processEvents updates the curves and paints the plot once into the window's backing store,
which is what a screen shows.  An event filter counts the paints to prove it.  The old
definition also grabbed the plot afterwards, which paints everything a second time; it is
still reported ("+ grab") so figures stay comparable.  A last run marks a stale minute in
every hour of every pen, so the curves carry NaN gaps and the grey lines have something to draw.
Prints p50/p99 and writes JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from app.model import Quality
from app.sources.base import PointInfo
from widgets.trends import TrendView

PENS, POINTS, FRAMES = 8, 1_000_000, 120


class PaintCount(QObject):
    """Counts paint events of the plot's viewport."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Count, never consume."""
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _load(app: QApplication, view: TrendView, ts: np.ndarray, gaps: bool) -> None:
    rng = np.random.default_rng(1)
    quality = np.zeros(POINTS, np.uint8)
    if gaps:
        quality[(np.arange(POINTS) % 3600) < 60] = int(Quality.STALE)  # a stale minute every hour
    for i, point in enumerate(view.pens()):
        pen = view.pen(point)
        values = np.cumsum(rng.normal(0, 1, POINTS)) + 100 * i
        pen.series.load_arrays(ts, values, quality, int(ts[0]), int(ts[-1]))
        pen.dirty = True
    view.set_range(int(ts[0]), int(ts[-1]))
    view.flush()
    app.processEvents()


def _run(app: QApplication, view: TrendView, paints: PaintCount, ts: np.ndarray,
         span_of: Callable[[int], float]) -> dict[str, float]:
    full = (ts[-1] - ts[0]) / 1000
    frames, grabbed = [], []
    painted = 0  # paints inside the frames (grab's own paint is not counted)
    for k in range(FRAMES):
        span = span_of(k)
        x0 = ts[0] / 1000 + (k * full / FRAMES) % (full - span + 1)
        before = paints.count
        start = time.perf_counter()
        view.viewbox.setXRange(x0, x0 + span, padding=0)
        app.processEvents()
        frames.append((time.perf_counter() - start) * 1000)
        painted += paints.count - before
        view.plot_widget.grab()
        grabbed.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": float(np.percentile(frames, 50)), "p99_ms": float(np.percentile(frames, 99)),
            "grab_p50_ms": float(np.percentile(grabbed, 50)), "grab_p99_ms": float(np.percentile(grabbed, 99)),
            "paints_per_frame": painted / FRAMES}


def main() -> int:
    """Run the bench; the JSON goes next to the other bench results (or the path in argv[1])."""
    app = QApplication.instance() or QApplication(sys.argv)
    infos = {f"P{i}.x": PointInfo(f"P{i}.x", f"P{i}", f"点{i}", f"Point {i}", "kW" if i % 2 else "A", "analog")
             for i in range(PENS)}
    view = TrendView(lambda *_args: None, infos.get, ZoneInfo("Asia/Shanghai"), clock=lambda: 1.7e9 + POINTS)
    view.resize(1600, 800)
    view.show()
    paints = PaintCount()
    view.plot_widget.viewport().installEventFilter(paints)
    t0 = 1_700_000_000_000
    ts = t0 + np.arange(POINTS, dtype=np.int64) * 1000
    for point in infos:
        view.add_pen(point)
    full = (ts[-1] - ts[0]) / 1000
    results = {}
    _load(app, view, ts, gaps=False)
    results["pan"] = _run(app, view, paints, ts, lambda k: full / 4)
    results["zoom"] = _run(app, view, paints, ts, lambda k: full / (1.05 ** (k % 60)))
    _load(app, view, ts, gaps=True)
    results["pan, stale gaps"] = _run(app, view, paints, ts, lambda k: full / 4)
    print(f"{'trend 8 pens x 1M points':<24}{'p50 ms':>9}{'p99 ms':>9}{'paints':>8}"
          f"{'+grab p50':>11}{'+grab p99':>11}   target <= 33 ms")
    for name, r in results.items():
        print(f"{name:<24}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['paints_per_frame']:>8.2f}"
              f"{r['grab_p50_ms']:>11.1f}{r['grab_p99_ms']:>11.1f}")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "trends.json"
    out.write_text(json.dumps({"pens": PENS, "points": POINTS, "frames": FRAMES, **results}, indent=2))
    view.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
