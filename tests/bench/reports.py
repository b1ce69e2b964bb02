"""Benchmark of the energy reports (issue 9): 200 meters to Excel, a month of 15 minutes and a year of days.

    python -m tests.bench.reports [--meters 200] [--json tests/artifacts/bench/reports.json]

Targets: the monthly 15-minute energy report of 200 meters to xlsx in <= 10 s with a peak
memory <= 300 MB; a yearly daily-energy report of 200 meters from the rollups in <= 3 s.  Also
measured: the yearly meter-reading report, whose split by tariff period reads hourly rollups.
Measured here, never asserted in tests.

The meters' import-energy registers are stored in a real SQLite `Historian` (a year of
15-minute readings each, imported with `Historian.import_history`, which also builds the
rollups), behind the cloud bench's `SyntheticPlant` source (its `histories` is the
historian's, as DirectSource's is).  Each report is timed from the first history read to the
workbook's rename: `app.reports.energy.energy_report` (reading, correcting, splitting by
tariff period) and `app.reports.excel.write_report`.  Peak memory is the process's resident
set, sampled every 10 ms during the report, above what it was before.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

from app.analysis.tariff import tariff_from_mapping
from app.historian import Historian, PointInfo, StoragePolicy
from app.process import tune_collector
from app.reports.energy import Meter, energy_report
from app.reports.excel import write_report
from tests.bench.cloud_stream import SyntheticPlant

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"month_15m_s": 10.0, "month_15m_peak_mb": 300.0, "year_daily_s": 3.0}
ZONE = dt.timezone(dt.timedelta(hours=8))
QUARTER = 15 * 60_000
TARIFF = {
    "pf_standard": 0.90,
    "seasons": [{"name": "all", "months": list(range(1, 13)),
                 "periods": {"00:00": "valley", "08:00": "flat", "10:00": "peak", "11:00": "sharp", "12:00": "flat",
                             "18:00": "peak", "21:00": "flat", "23:00": "valley"}}],
    "prices": [{"from": "2025-01-01", "energy": {"sharp": 1.2, "peak": 1.0, "flat": 0.6, "valley": 0.3},
                "demand_per_kw": 40}],
}


def local_ms(year: int, month: int, day: int = 1) -> int:
    return int(dt.datetime(year, month, day, tzinfo=ZONE).timestamp() * 1000)


def fill(historian: Historian, ids: list[str], start: int, end: int) -> None:
    """15-minute register readings of every meter: a daily load shape with noise, growing monotonically."""
    ts = np.arange(start - QUARTER, end + QUARTER + 1, QUARTER, dtype=np.int64)
    hour = ((ts // 3_600_000) + 8) % 24
    shape = np.where((hour >= 8) & (hour < 22), 1.0, 0.35)
    rng = np.random.default_rng(7)
    for i, pid in enumerate(ids):
        kw = (50 + i % 40 * 10) * shape * rng.uniform(0.9, 1.1, len(ts))
        historian.import_history(PointInfo(pid, "kWh"), ts, 10_000.0 + np.cumsum(kw * 0.25))


class PeakRss:
    """The resident set's high-water mark above the start, sampled every 10 ms in a thread."""

    def __init__(self) -> None:
        self.me = psutil.Process()
        self.base = self.me.memory_info().rss
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.me.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.me.memory_info().rss)

    @property
    def mb(self) -> float:
        return (self.peak - self.base) / 1e6


async def run(meters: int, folder: Path, data: Path | None) -> dict[str, object]:
    store = (data or folder) / f"history-{meters}.sqlite"
    filled = store.exists()
    historian = Historian(store, policy=StoragePolicy(day_offset_min=480))  # the site's day
    historian.open()
    plant = SyntheticPlant(meters, per_device=1, historian=historian)  # ids D000.q00 ... one per meter
    ids = plant.ids
    year_start, year_end = local_ms(2025, 1), local_ms(2026, 1)
    t = time.perf_counter()
    if not filled:
        fill(historian, ids, year_start, year_end)
    figures: dict[str, object] = {"meters": meters, "fill_s": round(time.perf_counter() - t, 1),
                                  "samples_stored": meters * ((year_end - year_start) // QUARTER + 3)}
    tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
    chosen = [Meter(pid.split(".")[0], f"电表 {pid.split('.')[0]}", pid) for pid in ids]
    for label, start, end, interval, by_period in (
            ("month_15m", local_ms(2025, 3), local_ms(2025, 4), "15m", True),
            ("year_daily", year_start, year_end, "day", False),  # the daily-energy report
            ("year_readings", year_start, year_end, "day", True)):  # with the year's split by period (hourly)
        out = folder / f"{label}.xlsx"
        with PeakRss() as rss:
            t = time.perf_counter()
            report = await energy_report(plant, tariff, chosen, start, end, interval, by="bench",  # type: ignore[arg-type]
                                         by_period=by_period)
            read_s = time.perf_counter() - t
            write_report(report, out)
            took = time.perf_counter() - t
        figures[f"{label}_s"] = round(took, 2)
        figures[f"{label}_read_s"] = round(read_s, 2)
        figures[f"{label}_peak_mb"] = round(rss.mb, 1)
        figures[f"{label}_file_mb"] = round(out.stat().st_size / 1e6, 2)
    historian.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meters", type=int, default=200)
    parser.add_argument("--data", type=Path, help="keep the filled historian in this folder and reuse it")
    parser.add_argument("--json", type=Path, default=ROOT / "tests" / "artifacts" / "bench" / "reports.json")
    args = parser.parse_args()
    tune_collector()
    with tempfile.TemporaryDirectory(prefix="switchroom-bench-") as folder:
        figures = asyncio.run(run(args.meters, Path(folder), args.data))
    figures["targets"] = TARGETS
    figures["cpus"] = psutil.cpu_count()
    width = max(len(k) for k in figures)
    print(f"\nenergy reports: {args.meters} meters")
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
