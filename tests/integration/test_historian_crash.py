"""No data loss: a process ingesting a known sequence is killed (SIGKILL) mid-stream, then reopened.

The child (this module run with ``child``) writes sample i = (T0 + i s, value i) in small
batches and prints how many samples the historian reports committed, and how many of those are
still batches (not yet compacted).  The parent kills it without warning once both chunks and
batches exist (so the kill finds chunks, rollups and the batch log to rebuild from), reopens the
database and checks: it opens cleanly, the samples are exactly
0..K-1 with K at least the last count the child reported (nothing committed is lost, and what is
missing is only the tail that was never committed), and the rollups agree with the samples.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

from app.historian import Historian, PointInfo
from app.model import Sample

T0 = 1_780_000_000_000 - 86_400_000
ROOT = Path(__file__).resolve().parents[2]
COMMITS_BEFORE_KILL = 3


def child(url: str) -> None:
    """Ingest 0, 1, 2, ... forever, reporting what is committed (run in a subprocess)."""
    h = Historian(url, commit_interval=1.0, compact_interval=2.5, clock=lambda: (T0 + 3_600_000) / 1000)
    h.register_points([PointInfo("K.seq", deadband=None)])
    h.open()
    i = 0
    reported = -1
    while True:
        h.write([Sample("K.seq", T0 + k * 1000, float(k)) for k in range(i, i + 250)])
        i += 250
        written = h.status.written
        if written != reported:
            print(f"COMMITTED {written} {h._recent.count()}", flush=True)
            reported = written
        time.sleep(0.01)


def _lines(stream, out: queue.Queue) -> None:
    for line in stream:
        out.put(line.strip())
    out.put(None)


def test_kill_9_during_ingest_loses_nothing_committed(db_url):
    code = f"from tests.integration.test_historian_crash import child; child({db_url!r})"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
    committed: list[int] = []
    both = False  # seen a moment with chunks and batches at once
    try:
        while len([c for c in committed if c > 0]) < COMMITS_BEFORE_KILL or not both:
            line = lines.get(timeout=30)  # a guard against a hung child, not a speed requirement
            assert line is not None, f"the child ended early: {proc.stderr.read()}"
            if line.startswith("COMMITTED "):
                written, uncompacted = (int(x) for x in line.split()[1:])
                committed.append(written)
                both = 0 < uncompacted < written
    finally:
        proc.kill()  # SIGKILL: no cleanup, no close, no flush
        proc.wait(30)
        proc.stdout.close()
        proc.stderr.close()
    last_reported = committed[-1]

    h = Historian(db_url, compact_interval=3600, clock=lambda: (T0 + 3_600_000) / 1000)
    h.open()
    try:
        got = h.raw_arrays("K.seq", T0, T0 + 10**9)
        k = len(got)
        assert k >= last_reported, f"{last_reported} samples were reported committed, {k} came back"
        assert np.array_equal(got.value, np.arange(k, dtype=np.float64))
        assert np.array_equal(got.ts, T0 + np.arange(k, dtype=np.int64) * 1000)
        assert not got.quality.any()
        # the rollups hold exactly the samples that came back (compacted ones and rebuilt ones)
        trend = h.history("K.seq", T0, T0 + k * 1000, max_points=max(1, k // 60 // 2))
        assert sum(round((b[2] - b[1]) + 1) for b in trend.buckets) == k  # consecutive integers per bucket
        assert trend.buckets[-1][4] == k - 1
        h.compact(merge=True)
        assert np.array_equal(h.raw_arrays("K.seq", T0, T0 + 10**9).value, np.arange(k, dtype=np.float64))
        assert h.status.ok
    finally:
        h.close()
