"""Benchmark of the historian against its targets (measured here, never asserted in tests).

    python -m tests.bench.historian [--json bench-historian.json] [--no-postgres]

Targets: ingest >= 300 000 samples/s on SQLite (and what PostgreSQL gives), <= 8 bytes per
stored sample on SQLite (file size after close, WAL checkpointed, over samples stored), a trend
of one point over a year of 1 s data to 2 000 buckets <= 100 ms, a raw one-day query <= 20 ms.

The ingest data looks like a site: many points polled every second, a mix of float32 meter
registers with noise, scaled integer registers (230.1 V), energy counters and digital states,
handed over as lists of `Sample` the way acquisition does (and, separately, as numpy columns).
The year is generated straight into long-term storage with `Historian.import_history`, one
day per call.  PostgreSQL runs on a throwaway server with fsync on (tests/integration/pg.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from app.historian import Historian, PointInfo
from app.model import PointKind, Quality, Sample

DAY = 86_400_000
START = 1_735_689_600_000  # 2025-01-01 UTC


def site_points(n: int, deadband: float | None = None) -> list[PointInfo]:
    kinds = [PointKind.ANALOG, PointKind.ANALOG, PointKind.ANALOG, PointKind.COUNTER, PointKind.DIGITAL]
    return [PointInfo(f"D{i // 20:03d}.q{i % 20:02d}", kind=kinds[i % 5], deadband=deadband, max_interval_s=300)
            for i in range(n)]


def site_values(n_points: int, seconds: int, seed: int = 1) -> np.ndarray:
    """values[s, p]: realistic signals, by column kind (see site_points)."""
    rng = np.random.default_rng(seed)
    t = np.arange(seconds)[:, None]
    cols = np.arange(n_points)[None, :]
    load = 100 + 30 * np.sin(2 * np.pi * (t / 86_400 + cols / n_points))
    values = np.empty((seconds, n_points))
    kind = np.arange(n_points) % 5
    f32 = (load + rng.normal(0, 0.5, (seconds, n_points))).astype(np.float32).astype(np.float64)
    scaled = np.round((230 + rng.normal(0, 0.3, (seconds, n_points))) * 10) * 0.1
    counter = np.round(np.cumsum(rng.uniform(0, 0.02, (seconds, n_points)), axis=0), 2)
    digital = (np.cumsum(rng.random((seconds, n_points)) < 0.001, axis=0) % 2).astype(np.float64)
    for k, source in enumerate((f32, f32, scaled, counter, digital)):
        values[:, kind == k] = source[:, kind == k]
    return values


def disk_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def ingest(url: str | Path, n_points: int, seconds: int, arrays: bool,
           deadband: float | None = None) -> dict[str, float]:
    """Write ``seconds`` polls of ``n_points`` points, flush; then compact and merge everything."""
    points = site_points(n_points, deadband)
    names = [p.id for p in points]
    values = site_values(n_points, seconds)
    h = Historian(url, compact_interval=3600, compact_samples=10**9, max_pending=10**9,
                  clock=lambda: (START + seconds * 1000) / 1000)
    h.register_points(points)
    h.open()
    try:
        if arrays:
                batches = [(names, np.full(n_points, START + s * 1000), values[s]) for s in range(seconds)]
        else:
            batches = [
                [Sample(name, START + s * 1000, v, Quality.GOOD) for name, v in zip(names, values[s].tolist(),
                                                                                    strict=True)]
                for s in range(seconds)
            ]
        t = time.perf_counter()
        for batch in batches:
            if arrays:
                h.write_arrays(*batch)
            else:
                h.write(batch)
        h.flush(600)
        ingest_s = time.perf_counter() - t
        t = time.perf_counter()
        h.compact(merge=True)
        compact_s = time.perf_counter() - t
        stored = sum(len(h.raw_arrays(name, START, START + seconds * 1000)) for name in names)
    finally:
        h.close()
    n = n_points * seconds
    out = {"samples": n, "ingest_s": ingest_s, "samples_per_s": n / ingest_s,
           "compact_merge_s": compact_s, "compact_samples_per_s": n / compact_s,
           "sustained_samples_per_s": n / (ingest_s + compact_s)}
    out["stored"] = stored
    if isinstance(url, Path):
        out["bytes_per_sample"] = disk_bytes(url) / stored
    return out


def timed(fn: Callable[[], object], repeat: int = 7) -> tuple[float, object]:
    """Median wall time in ms over ``repeat`` runs (after one warm-up run) and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def year(path: Path) -> dict[str, float]:
    """One point, a year of 1 s data straight into long-term storage; then the two query targets."""
    rng = np.random.default_rng(5)
    end = START + 365 * DAY
    h = Historian(path, clock=lambda: end / 1000)
    h.open()
    try:
        t = time.perf_counter()
        level = 500.0
        for day in range(365):
            ts = START + day * DAY + np.arange(86_400, dtype=np.int64) * 1000
            values = (level + 50 * np.sin(np.arange(86_400) * 2 * np.pi / 86_400)
                      + rng.normal(0, 1, 86_400)).astype(np.float32).astype(np.float64)
            h.import_history(PointInfo("T1-LV-IN.P", "kW"), ts, values)
        import_s = time.perf_counter() - t
        trend_ms, trend = timed(lambda: h.history("T1-LV-IN.P", START, end, 2000))
        day_start = START + 200 * DAY
        raw_ms, raw = timed(lambda: h.raw("T1-LV-IN.P", day_start, day_start + DAY))
        raw_arrays_ms, _ = timed(lambda: h.raw_arrays("T1-LV-IN.P", day_start, day_start + DAY))
        day_trend_ms, _ = timed(lambda: h.history("T1-LV-IN.P", day_start, day_start + DAY, 2000))
        as_of_ms, _ = timed(lambda: h.as_of("T1-LV-IN.P", day_start + 12_345_678))
    finally:
        h.close()
    n = 365 * 86_400
    return {
        "samples": n,
        "import_s": import_s,
        "import_samples_per_s": n / import_s,
        "bytes_per_sample": disk_bytes(path) / n,
        "year_trend_2000_ms": trend_ms,
        "year_trend_buckets": len(trend.buckets),  # type: ignore[attr-defined]
        "raw_day_ms": raw_ms,
        "raw_day_samples": len(raw),  # type: ignore[arg-type]
        "raw_day_arrays_ms": raw_arrays_ms,
        "day_trend_2000_ms": day_trend_ms,
        "as_of_ms": as_of_ms,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=Path("bench-historian.json"), help="where to write results")
    parser.add_argument("--points", type=int, default=1000, help="points polled every second")
    parser.add_argument("--seconds", type=int, default=600, help="seconds of polls to ingest")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL ingest")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="switchroom-bench-") as tmp:
        folder = Path(tmp)
        results["sqlite_ingest_samples"] = ingest(folder / "samples.sqlite", args.points, args.seconds, False)
        results["sqlite_ingest_arrays"] = ingest(folder / "arrays.sqlite", args.points, args.seconds, True)
        results["sqlite_ingest_deadband"] = ingest(folder / "deadband.sqlite", args.points, args.seconds, False,
                                                   deadband=0.5)
        results["sqlite_year"] = year(folder / "year.sqlite")
    if not args.no_postgres:
        from tests.integration import pg

        try:
            server = pg.start_server(durable=True)
        except (RuntimeError, OSError) as exc:
            results["postgresql"] = {"skipped": str(exc)}
        else:
            try:
                results["postgresql_ingest_samples"] = ingest(server.database(), args.points, args.seconds, False)
                results["postgresql_ingest_arrays"] = ingest(server.database(), args.points, args.seconds, True)
            finally:
                server.stop()
    report(results)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


def report(results: dict[str, object]) -> None:
    rows = []
    for name in ("sqlite_ingest_samples", "sqlite_ingest_arrays", "sqlite_ingest_deadband",
                 "postgresql_ingest_samples", "postgresql_ingest_arrays"):
        r = results.get(name)
        if isinstance(r, dict):
            target = ">= 300 000/s"
            rows.append((f"{name}: ingest", f"{r['samples_per_s']:,.0f} samples/s", target))
            rows.append((f"{name}: compact+merge", f"{r['compact_samples_per_s']:,.0f} samples/s", ""))
            rows.append((f"{name}: sustained", f"{r['sustained_samples_per_s']:,.0f} samples/s", ""))
            if "bytes_per_sample" in r:
                rows.append((f"{name}: disk", f"{r['bytes_per_sample']:.2f} B/stored sample ({r['stored']:,} stored)",
                             "<= 8"))
    y = results.get("sqlite_year")
    if isinstance(y, dict):
        rows += [
            ("year: import (import_history)", f"{y['import_samples_per_s']:,.0f} samples/s", ""),
            ("year: disk", f"{y['bytes_per_sample']:.2f} B/sample", "<= 8"),
            ("year: trend to 2 000 buckets", f"{y['year_trend_2000_ms']:.1f} ms ({y['year_trend_buckets']} buckets)",
             "<= 100 ms"),
            ("one day raw (list of tuples)", f"{y['raw_day_ms']:.1f} ms ({y['raw_day_samples']} samples)",
             "<= 20 ms"),
            ("one day raw (numpy arrays)", f"{y['raw_day_arrays_ms']:.1f} ms", ""),
            ("one day trend to 2 000 buckets", f"{y['day_trend_2000_ms']:.1f} ms", ""),
            ("as_of one point", f"{y['as_of_ms']:.2f} ms", ""),
        ]
    if "postgresql" in results:
        rows.append(("postgresql", str(results["postgresql"]), ""))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'result':<36} target")
    for label, value, target in rows:
        print(f"{label:<{width}}  {value:<36} {target}")


if __name__ == "__main__":
    sys.exit(main())
