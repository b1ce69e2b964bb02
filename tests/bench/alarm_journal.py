"""Benchmark of the alarm journal and fault recording (measured here, never asserted in tests).

    python -m tests.bench.alarm_journal [--json bench-alarm-journal.json] [--rows 100000] [--no-postgres]

* flood: 1 000 alarm events handed to `AlarmJournal.append` as one batch -> time to commit
  (issue 5: a flood of 1 000 alarms in one second, the journal holds all of them);
* search over ``--rows`` journal rows: by text (Chinese and English), by level and time window,
  count for paging, the active list;
* fault recording: `FaultRecorder.feed` cost per sample and ring memory for 1 000 points and
  for 50 000 points at 1 Hz with a 5-minute pre-window; time to store one record's pre-window.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from app.alarms.fault_record import FaultConfig, FaultRecorder, FaultStore
from app.alarms.journal import AlarmJournal
from app.alarms.model import Alarm, AlarmEvent, AlarmState, Change, Level
from app.model import Sample

T0 = 1_780_000_000_000
WORDS = [("温度过高", "over-temperature"), ("电流越上限", "current HIGH"), ("开关变位", "breaker tripped"),
         ("通信中断", "communication lost"), ("烟感报警", "smoke detected"), ("水浸报警", "water leak")]


def events(n: int, start_id: int = 1, t0: int = T0, step_ms: int = 1) -> list[AlarmEvent]:
    out = []
    for k in range(n):
        i = start_id + k
        zh, en = WORDS[i % len(WORDS)]
        device = f"D{i % 500:03d}"
        a = Alarm(i, f"{device}.q{i % 7}:H", f"{device}.q{i % 7}:H", f"{device}.q{i % 7}", Level(1 + i % 4),
                  AlarmState.ACTIVE_UNACKED if i % 3 else AlarmState.NORMAL, f"{device} {zh}", f"{device} {en}",
                  float(i), t0 + k * step_ms, device=device, room=f"R{i % 4}", kind="limit")
        out.append(AlarmEvent(a, Change.RAISED if i % 3 else Change.NORMAL, t0 + k * step_ms, float(i)))
    return out


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def journal(url: str | Path, rows: int) -> dict[str, object]:
    j = AlarmJournal(url)
    j.open()
    try:
        flood = events(1000)
        t = time.perf_counter()
        j.append(flood)
        flood_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        j.append(events(1000, start_id=1001, t0=T0 + 1000))  # a second flood: statements compiled, pages warm
        warm_ms = (time.perf_counter() - t) * 1000
        assert j.count() == 2000
        t = time.perf_counter()
        for k in range(2000, rows, 5000):  # a long history: one event every 10 s
            j.append(events(min(5000, rows - k), start_id=k + 1, t0=T0 + k * 10_000, step_ms=10_000))
        fill_s = time.perf_counter() - t
        total = j.count()
        end = T0 + rows * 10_000
        out: dict[str, object] = {"rows": total, "flood_1000_commit_ms": flood_ms, "flood_1000_warm_ms": warm_ms,
                                  "fill_events_per_s": (total - 2000) / fill_s if fill_s else 0.0}
        out["text_zh_ms"], r = timed(lambda: j.search(text="开关变位", limit=200))
        out["text_zh_hits"] = len(r)  # type: ignore[arg-type]
        out["text_en_ms"], _ = timed(lambda: j.search(text="SMOKE", limit=200))
        out["text_rare_ms"], r = timed(lambda: j.search(text="D123 ", limit=200))  # scans everything
        out["level_day_ms"], r = timed(lambda: j.search(levels=[1, 2], start_ms=end - 86_400_000, end_ms=end,
                                                        limit=1000))
        out["level_day_hits"] = len(r)  # type: ignore[arg-type]
        out["level_all_page10_ms"], _ = timed(lambda: j.search(levels=[1], limit=100, offset=1000))
        out["count_level_ms"], _ = timed(lambda: j.count(levels=[1]))
        out["point_ms"], _ = timed(lambda: j.search(point="D042.q0", limit=200))
        out["active_list_ms"], r = timed(lambda: j.alarms("active", limit=1000))
        out["active_restore_ms"], r = timed(j.active_alarms, repeat=1)
        out["active_alarms"] = len(r)  # type: ignore[arg-type]
        return out
    finally:
        j.close()


def ring(n_points: int, seconds: int = 300) -> dict[str, float]:
    """Fill the ring with ``seconds`` polls of ``n_points`` points; memory and feed cost."""
    names = [f"D{i // 40:05d}.q{i % 40:02d}" for i in range(n_points)]
    tracemalloc.start()
    recorder = FaultRecorder(None, FaultConfig(), points=names)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    batch_size = 40  # one device's poll: what acquisition hands over per batch
    feeds = 0
    t = time.perf_counter()
    for s in range(seconds):
        ts = T0 + s * 1000
        for b in range(0, n_points, batch_size):
            recorder.feed([Sample(p, ts, 1.0 + s) for p in names[b : b + batch_size]])
            feeds += 1
    elapsed = time.perf_counter() - t
    samples = n_points * seconds
    # while records are open the feed also collects their post-window
    for d in range(10):
        a = Alarm(d + 1, "k", "r", names[d * 40], Level.CRITICAL, AlarmState.ACTIVE_UNACKED, "m", "m", 1.0,
                  T0 + seconds * 1000, device=f"D{d:05d}")
        recorder.trigger(a, names[d * 40 : d * 40 + 80])
    t = time.perf_counter()
    for s in range(seconds, seconds + 60):
        ts = T0 + s * 1000
        for b in range(0, n_points, batch_size):
            recorder.feed([Sample(p, ts, 1.0 + s) for p in names[b : b + batch_size]])
    open_elapsed = time.perf_counter() - t
    return {
        "points": n_points,
        "capacity_per_point": recorder.ring.capacity,
        "ring_mb": recorder.ring.nbytes / 1e6,
        "allocated_mb": held / 1e6,
        "feed_us_per_sample": elapsed / samples * 1e6,
        "feed_us_per_batch": elapsed / feeds * 1e6,
        "feed_us_per_sample_10_open_records": open_elapsed / (n_points * 60) * 1e6,
    }


def fault_store(url: str | Path) -> dict[str, float]:
    """One record of 80 points: pre-window (5 min at 1 Hz) stored at once, then 2 min post in 12 writes."""
    names = [f"T1.q{i:02d}" for i in range(40)] + [f"INC.q{i:02d}" for i in range(40)]
    recorder = FaultRecorder(FaultStore(url), FaultConfig(), points=names, clock=lambda: T0 / 1000)
    recorder.open()
    try:
        for s in range(300):
            recorder.feed([Sample(p, T0 + s * 1000, 230.0 + s * 0.01) for p in names])
        a = Alarm(1, "T1.q00:HH", "r", "T1.q00", Level.CRITICAL, AlarmState.ACTIVE_UNACKED, "m", "m", 1.0,
                  T0 + 299_000, device="T1")
        recorder.trigger(a, names)
        t = time.perf_counter()
        stored = recorder.write_pending()
        pre_ms = (time.perf_counter() - t) * 1000
        post = []
        for s in range(300, 430):
            recorder.feed([Sample(p, T0 + s * 1000, 230.0 + s * 0.01) for p in names])
            if s % 10 == 0:
                t = time.perf_counter()
                recorder.write_pending()
                post.append((time.perf_counter() - t) * 1000)
        recorder.write_pending()
        (head,) = recorder.records()
        t = time.perf_counter()
        got = recorder.record(head.id)
        read_ms = (time.perf_counter() - t) * 1000
        return {"pre_samples": stored, "pre_write_ms": pre_ms, "post_write_ms_median": statistics.median(post),
                "record_samples": sum(len(v) for v in got.values()), "record_read_ms": read_ms}
    finally:
        recorder.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=Path("bench-alarm-journal.json"), help="where to write results")
    parser.add_argument("--rows", type=int, default=100_000, help="journal rows to search over")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="switchroom-bench-") as tmp:
        results["sqlite_journal"] = journal(Path(tmp) / "journal.sqlite", args.rows)
        results["sqlite_fault_store"] = fault_store(Path(tmp) / "faults.sqlite")
    results["ring_1000"] = ring(1000)
    results["ring_50000"] = ring(50_000, seconds=300)
    if not args.no_postgres:
        from tests.integration import pg

        try:
            server = pg.start_server(durable=True)
        except (RuntimeError, OSError) as exc:
            results["postgresql"] = {"skipped": str(exc)}
        else:
            try:
                results["postgresql_journal"] = journal(server.database(), args.rows)
                results["postgresql_fault_store"] = fault_store(server.database())
            finally:
                server.stop()
    report(results)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


def report(results: dict[str, object]) -> None:
    rows: list[tuple[str, str, str]] = []
    for db in ("sqlite", "postgresql"):
        r = results.get(f"{db}_journal")
        if isinstance(r, dict):
            rows += [
                (f"{db}: flood of 1 000 events, one append", f"{r['flood_1000_commit_ms']:.1f} ms", "<= 1 s"),
                (f"{db}: second flood of 1 000", f"{r['flood_1000_warm_ms']:.1f} ms", "<= 1 s"),
                (f"{db}: rows searched", f"{r['rows']:,}", ""),
                (f"{db}: text search zh (200 newest)", f"{r['text_zh_ms']:.1f} ms", ""),
                (f"{db}: text search en, any case", f"{r['text_en_ms']:.1f} ms", ""),
                (f"{db}: text search, rare word", f"{r['text_rare_ms']:.1f} ms", ""),
                (f"{db}: levels 1-2, last day", f"{r['level_day_ms']:.1f} ms ({r['level_day_hits']} rows)", ""),
                (f"{db}: level 1, page 11", f"{r['level_all_page10_ms']:.1f} ms", ""),
                (f"{db}: count level 1", f"{r['count_level_ms']:.1f} ms", ""),
                (f"{db}: one point", f"{r['point_ms']:.1f} ms", ""),
                (f"{db}: active list (1 000)", f"{r['active_list_ms']:.1f} ms", ""),
                (f"{db}: restore {r['active_alarms']:,} active", f"{r['active_restore_ms']:.1f} ms", ""),
            ]
        f = results.get(f"{db}_fault_store")
        if isinstance(f, dict):
            rows += [
                (f"{db}: fault record pre-window store", f"{f['pre_write_ms']:.1f} ms ({f['pre_samples']:,} samples)",
                 ""),
                (f"{db}: fault record post write (10 s)", f"{f['post_write_ms_median']:.1f} ms", ""),
                (f"{db}: fault record read", f"{f['record_read_ms']:.1f} ms ({f['record_samples']:,} samples)", ""),
            ]
    for name in ("ring_1000", "ring_50000"):
        r = results.get(name)
        if isinstance(r, dict):
            rows += [
                (f"ring {r['points']:,} points x 5 min: memory", f"{r['ring_mb']:.1f} MB ({r['capacity_per_point']} "
                 f"samples/point)", ""),
                (f"ring {r['points']:,} points: feed", f"{r['feed_us_per_sample']:.2f} us/sample "
                 f"({r['feed_us_per_batch']:.0f} us per 40-sample batch)", ""),
                (f"ring {r['points']:,} points: feed, 10 records open",
                 f"{r['feed_us_per_sample_10_open_records']:.2f} us/sample", ""),
            ]
    if "postgresql" in results:
        rows.append(("postgresql", str(results["postgresql"]), ""))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'result':<44} target")
    for label, value, target in rows:
        print(f"{label:<{width}}  {value:<44} {target}")


if __name__ == "__main__":
    sys.exit(main())
