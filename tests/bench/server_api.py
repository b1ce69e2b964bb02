"""Benchmark of the cloud API: requests per second of /points/latest and of /history bucket queries.

    python -m tests.bench.server_api [--json tests/artifacts/bench/server_api.json] [--seconds 5]
                                     [--clients 1,4,16] [--db URL]

The server runs as a service does, in its own process (`python -m app serve --simulate --http`):
the demo site's 971 points, polled by the simulated plant, the historian on SQLite (or ``--db``).
Before it starts, three days of 1 s history of five points are imported into its database, so
a trend query reads real rollups.  N concurrent clients (each an `httpx.AsyncClient` with
keep-alive, all in this process) call one route for ``--seconds``; the table gives requests/s,
latency percentiles, and the CPU the server process used meanwhile (100 % = one core).  The
clients share the machine with the server, so at high N the figures are the pair's, not the
server's alone: the server's CPU column tells which one was the limit.

Calls: ``latest``: `GET /points/latest` (all 971 points); ``history-3d``: a point's 3 days to
500 buckets (from the 1-minute rollups); ``history-1h``: a point's last hour to 300 buckets
(from raw samples).  Measured, never asserted in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path

import httpx
import numpy as np
import psutil

from app.config import load_site
from app.historian import Historian
from app.sources.direct import stored_points

ROOT = Path(__file__).resolve().parents[2]
DAY = 86_400_000
PASSWORD = "Bench-Server-Chief-9"  # the bench's own first administrator
HISTORY_POINTS = ["T1-LV-IN.Ia", "T1-LV-IN.P", "T2-LV-IN.Ia", "F1-01.Ia", "ENV-1.temp"]


def import_history(db: str, days: int, now_ms: int) -> int:
    """``days`` of 1 s samples of `HISTORY_POINTS`, ending a minute ago, straight into long-term storage."""
    site = load_site(None)
    infos = {p.id: p for p in stored_points(site)}
    h = Historian(db)
    h.register_points(infos.values())
    h.open()
    rng = np.random.default_rng(7)
    n = 0
    try:
        end = now_ms - 60_000
        for point in HISTORY_POINTS:
            for day in range(days):
                start = end - (days - day) * DAY
                ts = start + np.arange(86_400, dtype=np.int64) * 1000
                values = 300 + 80 * np.sin(np.arange(86_400) * 2 * np.pi / 86_400) + rng.normal(0, 2, 86_400)
                h.import_history(infos[point], ts, values)
                n += len(ts)
    finally:
        h.close()
    return n


class Server:
    """`python -m app serve --http` in a child process; its stderr is drained so it never blocks."""

    def __init__(self, db: str, data_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHROOM_ADMIN")}
        env.update(SWITCHROOM_ADMIN_PASSWORD=PASSWORD, SWITCHROOM_DATA=str(data_dir))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--simulate", "--no-bus-timing", "--listen", "127.0.0.1:0",
             "--http", "127.0.0.1:0", "--db", db, "--status-every", "3600"],
            stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
        self.tail: deque[str] = deque(maxlen=50)
        self.url: str | None = None
        self._found = threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.tail.append(line)
            if self.url is None and (m := re.search(r"cloud API at (\S+/api/v1)", line)):
                self.url = m.group(1)
                self._found.set()
        self._found.set()

    def wait(self, timeout: float = 120) -> str:
        self._found.wait(timeout)
        if self.url is None:
            raise RuntimeError("the server did not start:\n" + "".join(self.tail))
        return self.url

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def load(base: str, token: str, make_path, clients: int, seconds: float) -> dict[str, float]:
    """``clients`` concurrent clients calling ``make_path(i)`` for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds

    async def one(k: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"},
                                     timeout=60) as c:
            i = k
            while time.perf_counter() < stop_at:
                t = time.perf_counter()
                r = await c.get(make_path(i))
                latencies.append(time.perf_counter() - t)
                if r.status_code != 200:
                    errors += 1
                i += clients

    start = time.perf_counter()
    await asyncio.gather(*(one(k) for k in range(clients)))
    elapsed = time.perf_counter() - start
    ms = sorted(x * 1000 for x in latencies)
    return {"requests": len(ms), "errors": errors, "req_per_s": len(ms) / elapsed,
            "p50_ms": statistics.median(ms), "p95_ms": ms[int(0.95 * (len(ms) - 1))],
            "p99_ms": ms[int(0.99 * (len(ms) - 1))]}


async def bench(base: str, pid: int, clients_list: list[int], seconds: float) -> list[dict[str, object]]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        token = (await c.post("/auth/login", json={"username": "admin", "password": PASSWORD})).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        deadline = time.monotonic() + 90
        while len((await c.get("/points/latest", headers=auth)).json()) < 900:
            if time.monotonic() > deadline:
                raise RuntimeError("the plant did not answer within 90 s")
            await asyncio.sleep(0.5)
        points = len((await c.get("/points/latest", headers=auth)).json())
    now = int(time.time() * 1000)
    calls = {
        "latest": lambda i: "/points/latest",
        "history-3d": lambda i: (f"/points/{HISTORY_POINTS[i % len(HISTORY_POINTS)]}/history"
                                 f"?start={now - 3 * DAY}&end={now}&max_points=500"),
        "history-1h": lambda i: (f"/points/{HISTORY_POINTS[i % len(HISTORY_POINTS)]}/history"
                                 f"?start={now - 3_600_000}&end={now}&max_points=300"),
    }
    server = psutil.Process(pid)
    me = psutil.Process()
    rows = []
    for name, make_path in calls.items():
        for clients in clients_list:
            server.cpu_percent(None)
            me.cpu_percent(None)
            result = await load(base, token, make_path, clients, seconds)
            rows.append({"call": name, "clients": clients, "points": points if name == "latest" else 1, **result,
                         "server_cpu_pct": server.cpu_percent(None), "client_cpu_pct": me.cpu_percent(None)})
            print_row(rows[-1])
    return rows


HEADER = f"{'call':<12} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} " \
         f"{'server CPU':>10} {'client CPU':>10} {'errors':>6}"


def print_row(r: dict[str, object]) -> None:
    print(f"{r['call']:<12} {r['clients']:>7} {r['req_per_s']:>8.0f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
          f"{r['p99_ms']:>8.1f} {r['server_cpu_pct']:>9.0f}% {r['client_cpu_pct']:>9.0f}% {r['errors']:>6}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / "tests" / "artifacts" / "bench" / "server_api.json")
    parser.add_argument("--seconds", type=float, default=5.0, help="per call and number of clients")
    parser.add_argument("--clients", default="1,4,16", help="numbers of concurrent clients")
    parser.add_argument("--days", type=int, default=3, help="days of 1 s history imported per point")
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temporary folder)")
    args = parser.parse_args(argv)
    clients = [int(n) for n in args.clients.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "history.sqlite")
        t = time.perf_counter()
        imported = import_history(db, args.days, int(time.time() * 1000))
        print(f"imported {imported:,} samples of history in {time.perf_counter() - t:.1f} s")
        server = Server(db, Path(tmp))
        try:
            base = server.wait()
            print(f"server at {base} (pid {server.proc.pid}); {args.seconds:g} s per row\n")
            print(HEADER)
            rows = asyncio.run(bench(base, server.proc.pid, clients, args.seconds))
        finally:
            server.stop()
    results = {"bench": "server_api", "cpus": os.cpu_count(), "seconds_per_row": args.seconds,
               "history_days": args.days, "db": "sqlite" if not args.db else args.db.split(":")[0], "rows": rows}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
