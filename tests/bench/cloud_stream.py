"""Benchmark of the cloud stream (issue 7): 20 consoles on a 5,000-point site at 1 Hz, and a backfill.

    python -m tests.bench.cloud_stream [--clients 20] [--points 5000] [--seconds 30] [--historian]
                                       [--json tests/artifacts/bench/cloud_stream.json]

Targets: end-to-end lag p99 <= 500 ms (a sample's timestamp at the plant to the CloudSource
subscriber's callback), and the backfill of a 10-minute outage of every point <= 5 s.
Measured here, never asserted in tests.

The server runs in its own process (`serve`, below) as `python -m app serve --http` would: the
real `create_app` under the real runner (`app.server.runner.HttpServer`), over `SyntheticPlant`
— 5,000 analog points sampled once a second, in ten slices spread over each second as a scan
of many buses delivers them (the console bench's synthetic site).  Its history is computed
from the same formula the live values follow, so a backfill measures the API, the network
path and the client, not a database's disk.  With ``--historian`` the plant instead keeps
eleven minutes of its samples (written before the clients connect) and everything it sends
in a real SQLite `Historian`, which answers the history as it does behind DirectSource.  The
server's CPU time is read with psutil.

The clients run in this process, all on one loop: real `CloudSource`s signed in as the
bench's administrator (a password made for the run), each subscribed with a callback that
notes ``now - sample.ts`` for every sample.  The server coalesces each client's samples to at
most ten messages a second, so up to 100 ms of the lag is that coalescing by design.

Backfill: one client's stream is taken down, its newest-value cache set 10 minutes back for
every point, and the stream's own `backfill` (what runs after a reconnect) fetches the gap of
all 5,000 points (raw: 600 samples each) with `POST /points/history`, 250 points a call, with
its concurrency bound, delivering 3,000,000 samples to its subscriber in time order.  The
client asks for columns (``"shape": "columns"``), which the historian answers from its arrays
without a tuple per sample.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from array import array
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import psutil

from app.alarms.fault_store import FaultRecordHeader
from app.alarms.flood import FloodSummary
from app.alarms.journal import JournalEntry
from app.alarms.limits import LimitSpec
from app.alarms.model import Alarm, AlarmActionError, JournalQuery
from app.alarms.notify import ChannelStatus
from app.auth import AuditEntry, Role, User
from app.historian import Historian, History
from app.historian import PointInfo as HistPoint
from app.historian.aio import AsyncHistory
from app.historian.block import Series
from app.model import Quality, Sample
from app.process import tune_collector
from app.sources.accounts import Login
from app.sources.base import (
    AlarmCallback,
    DataSource,
    DeviceInfo,
    GatewayInfo,
    LinkCallback,
    PointInfo,
    RoomInfo,
    SamplesCallback,
    SiteModel,
    SourceStatus,
    Subscription,
)

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"lag_p99_ms": 500.0, "backfill_10min_s": 5.0}
READY = "BENCH-SERVER-READY "
ADMIN = "bench-admin"
SLICES = 10
PREFILL_S = 660  # with --historian: eleven minutes of history stored before the clients connect


def value_at(index: int, ts: int) -> float:
    """The synthetic plant's value of point ``index`` at ``ts`` (live and history agree)."""
    return round(100.0 + 10.0 * math.sin(ts / 60_000.0 + index * 0.001), 3)


class SyntheticPlant(DataSource):
    """``points`` analog points, each sampled once a second at its slice's offset; no alarm rules.

    Users and sessions are the server's own (its `UserStore`), so the plant has none: the
    account calls say so.  Questions about alarms get the true answer for a plant without
    alarm rules: nothing.
    """

    kind = "direct"

    def __init__(self, points: int = 5000, per_device: int = 100, historian: Historian | None = None) -> None:
        self.historian = historian
        self._queries = AsyncHistory(historian) if historian is not None else None
        devices = math.ceil(points / per_device)
        self.ids = [f"D{i // per_device:03d}.q{i % per_device:02d}" for i in range(points)]
        self.index = {pid: i for i, pid in enumerate(self.ids)}
        rooms = [RoomInfo("R0", "配电室", "Room")]
        gateways = [GatewayInfo("G00", "网关", "dtu", "online", None, "R0")]
        devs = [DeviceInfo(f"D{d:03d}", f"表计{d}", "multifunction_meter", "G00", "R0", "ok", "bench", "feeder",
                           None, f"Meter {d}") for d in range(devices)]
        pts = [PointInfo(pid, pid.split(".")[0], f"量{pid}", f"Quantity {pid}", "A", "analog") for pid in self.ids]
        self._site = SiteModel("合成站", "Synthetic site", "Asia/Shanghai", rooms, gateways, devs, pts)
        self._subs: list[SamplesCallback] = []
        self._latest: dict[str, Sample] = {}
        self._task: asyncio.Task[None] | None = None
        self.sent = 0
        self._started = time.monotonic()

    def _slice_of(self, i: int) -> int:
        return i * SLICES // len(self.ids)

    async def start(self) -> None:
        if self.historian is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._fill, PREFILL_S)
        self._task = asyncio.create_task(self._emit(), name="synthetic-plant")

    def _fill(self, seconds: int) -> None:
        """The ``seconds`` before now into the historian, as the plant would have sent them."""
        assert self.historian is not None
        self.historian.register_points([HistPoint(pid, "A", deadband=None) for pid in self.ids])
        offsets = np.asarray([self._slice_of(i) * (1000 // SLICES) for i in range(len(self.ids))], dtype=np.int64)
        index = np.arange(len(self.ids))
        first = int(time.time()) * 1000 - seconds * 1000
        for k in range(seconds):
            ts = first + k * 1000 + offsets
            values = np.round(100.0 + 10.0 * np.sin(ts / 60_000.0 + index * 0.001), 3)
            self.historian.write_arrays(self.ids, ts, values)
        self.historian.flush(600)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _emit(self) -> None:
        n = len(self.ids)
        step = math.ceil(n / SLICES)
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        k = 0
        while True:
            lo = (k % SLICES) * step
            ts = int(time.time() * 1000)
            batch = [Sample(pid, ts, value_at(lo + j, ts), Quality.GOOD)
                     for j, pid in enumerate(self.ids[lo:lo + step])]
            for s in batch:
                self._latest[s.point] = s
            if self.historian is not None:
                self.historian.write(batch)
            for callback in list(self._subs):
                callback(batch)
            self.sent += len(batch)
            k += 1
            next_at += 1.0 / SLICES
            await asyncio.sleep(max(0.0, next_at - loop.time()))

    def subscribe(self, on_samples: SamplesCallback, on_link: LinkCallback | None = None,
                  on_alarm: AlarmCallback | None = None) -> Subscription:
        self._subs.append(on_samples)
        return Subscription(lambda: self._subs.remove(on_samples))

    def site(self) -> SiteModel:
        return self._site

    async def latest(self, ids: Iterable[str] | None = None) -> list[Sample]:
        if ids is None:
            return list(self._latest.values())
        return [self._latest[i] for i in ids if i in self._latest]

    async def history(self, point: str, start: int, end: int, max_points: int = 2000) -> History:
        if self._queries is not None:
            return await self._queries.history(point, start, end, max_points)
        i = self.index[point]
        offset = self._slice_of(i) * (1000 // SLICES)
        first = (start - offset + 999) // 1000 * 1000 + offset
        stamps = np.arange(first, end + 1, 1000, dtype=np.int64)
        if len(stamps) > max_points:
            raise ValueError("the bench asks for raw history only")
        # value_at over the whole range at once, and the historian's own Series to tuples: a
        # database's read comes back as arrays, not as a Python call per sample.
        values = np.round(100.0 + 10.0 * np.sin(stamps / 60_000.0 + i * 0.001), 3)
        return History(point, "A", True, Series(stamps, values, np.zeros(len(stamps), dtype=np.uint8)).tuples())

    async def histories(self, points: Iterable[str], start: int, end: int, max_points: int = 2000,
                        rows: bool = True) -> list[History]:
        if self._queries is not None:  # as DirectSource: one read of the historian
            return await self._queries.histories(list(points), start, end, max_points, rows)
        return await super().histories(points, start, end, max_points, rows)

    async def as_of(self, ids: Iterable[str], ts: int) -> dict[str, Sample]:
        return {p: Sample(p, ts, value_at(self.index[p], ts), Quality.GOOD) for p in ids if p in self.index}

    def status(self) -> SourceStatus:
        return SourceStatus("direct", True, 1, 1, len(self.ids), self.sent, "ok", time.monotonic() - self._started)

    async def alarms(self, state: str = "active", since: int | None = None, limit: int | None = None) -> list[Alarm]:
        return []

    async def alarm_journal(self, query: JournalQuery) -> list[JournalEntry]:
        return []

    async def acknowledge(self, alarm_ids: Iterable[int], user: str, comment: str | None = None) -> list[Alarm]:
        raise AlarmActionError("the synthetic plant has no alarms")

    async def shelve(self, alarm_id: int, minutes: float, reason: str, user: str) -> Alarm:
        raise AlarmActionError("the synthetic plant has no alarms")

    async def unshelve(self, alarm_id: int, user: str) -> Alarm:
        raise AlarmActionError("the synthetic plant has no alarms")

    def flood(self) -> FloodSummary | None:
        return None

    async def point_limits(self, point: str) -> tuple[LimitSpec | None, str]:
        return None, "site"

    async def set_point_limits(self, point: str, limits: LimitSpec | None, user: str) -> None:
        raise ValueError("the synthetic plant has no alarm rules")

    async def revert_point_limits(self, point: str, user: str) -> None:
        raise ValueError("the synthetic plant has no alarm rules")

    async def diagram(self, diagram_id: str) -> str:
        raise KeyError(f"the synthetic plant has no diagram {diagram_id!r}")

    async def save_diagram(self, diagram_id: str, text: str, base_revision: int | None, user: str) -> int:
        raise KeyError(f"the synthetic plant has no diagram {diagram_id!r}")

    def _no_users(self) -> RuntimeError:
        return RuntimeError("the server keeps the users; the synthetic plant has none")

    async def needs_first_admin(self) -> bool:
        raise self._no_users()

    async def create_first_admin(self, name: str, password: str, display_name: str = "") -> User:
        raise self._no_users()

    async def login(self, name: str, password: str) -> Login:
        raise self._no_users()

    async def logout(self) -> None:
        raise self._no_users()

    def current_login(self) -> Login | None:
        return None

    async def change_password(self, old: str, new: str) -> None:
        raise self._no_users()

    async def users(self) -> list[User]:
        raise self._no_users()

    async def create_user(self, name: str, role: Role | str, password: str, rooms: Iterable[str] = (),
                          display_name: str = "") -> User:
        raise self._no_users()

    async def update_user(self, name: str, **changes: object) -> User:  # type: ignore[override]
        raise self._no_users()

    async def delete_user(self, name: str) -> None:
        raise self._no_users()

    async def audit(self, since: int | None = None, until: int | None = None, user: str | None = None,
                    actions: Iterable[str] | None = None, limit: int = 1000) -> list[AuditEntry]:
        raise self._no_users()

    def notification_status(self) -> list[ChannelStatus]:
        return []

    async def fault_records(self, alarm_id: int | None = None, since: int | None = None) -> list[FaultRecordHeader]:
        return []

    async def fault_record(self, record_id: int) -> dict[str, list[Sample]]:
        raise KeyError(f"there is no fault record {record_id}")


# -- the server process ------------------------------------------------------------------------


def serve(points: int, password: str, folder: Path, stored: bool) -> int:
    """The server process: the synthetic plant behind the real API until stdin closes."""
    from argon2 import profiles

    from app.auth import Argon2Hasher, Sessions, UserStore
    from app.server.app import create_app
    from app.server.runner import HttpServer

    tune_collector()  # as `python -m app serve` does

    async def main() -> None:
        historian = None
        if stored:
            historian = Historian(folder / "history.sqlite")
            historian.open()
        plant = SyntheticPlant(points, historian=historian)
        await plant.start()
        users = UserStore(f"sqlite:///{(folder / 'users.sqlite').as_posix()}", hasher=Argon2Hasher(profiles.CHEAPEST))
        users.create_first_admin(ADMIN, password, "bench", "bench")
        app = create_app(plant, users, Sessions(), mobile_dir=None, cors_origins=())
        server = HttpServer(app, "127.0.0.1", 0)
        _, port = await server.start()
        print(READY + str(port), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # the parent closes it to stop
        await server.stop()
        await plant.stop()
        users.close()
        if historian is not None:
            historian.close()

    asyncio.run(main())
    return 0


# -- the clients ---------------------------------------------------------------------------------


def percentile(values: array, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def measure(url: str, password: str, clients: int, seconds: float, server: psutil.Process,
                  concurrency: int) -> dict[str, object]:
    from app.sources.cloud import CloudSource
    from app.sources.cloud_stream import Backoff

    sources = [CloudSource(url, credentials=(ADMIN, password), backoff=Backoff(0.5, 30.0), timeout=60.0,
                           backfill_concurrency=concurrency) for _ in range(clients)]
    lags = array("d")
    recording = False

    def note(batch: list[Sample]) -> None:
        if recording:
            now = time.time() * 1000
            lags.extend([now - s.ts for s in batch])

    for s in sources:
        s.subscribe(note)
    t0 = time.perf_counter()
    await asyncio.gather(*(s.start() for s in sources))
    connect_s = time.perf_counter() - t0
    await asyncio.sleep(5)  # warm up: every client streaming
    me = psutil.Process()
    server_cpu0, my_cpu0 = server.cpu_times(), me.cpu_times()
    wall0 = time.perf_counter()
    recording = True
    await asyncio.sleep(seconds)
    recording = False
    wall = time.perf_counter() - wall0
    server_cpu1, my_cpu1 = server.cpu_times(), me.cpu_times()
    connected = sum(1 for s in sources if s.status().connected)
    for s in sources[1:]:
        await s.stop()
    figures: dict[str, object] = {
        "clients": clients, "clients_connected": connected, "connect_all_s": round(connect_s, 2),
        "samples_received_per_s": round(len(lags) / wall),
        "lag_p50_ms": round(percentile(lags, 0.50), 1), "lag_p99_ms": round(percentile(lags, 0.99), 1),
        "lag_max_ms": round(max(lags), 1) if lags else None,
        "server_cpu_percent": round(100 * ((server_cpu1.user + server_cpu1.system)
                                           - (server_cpu0.user + server_cpu0.system)) / wall, 1),
        "clients_cpu_percent": round(100 * ((my_cpu1.user + my_cpu1.system) - (my_cpu0.user + my_cpu0.system))
                                     / wall, 1),
    }
    figures.update(await backfill(sources[0], server))
    await sources[0].stop()
    return figures


async def backfill(source: object, server: psutil.Process) -> dict[str, object]:
    """Take the stream down, set every point's newest value 10 minutes back, and time the backfill."""
    from app.sources.cloud import CloudSource

    assert isinstance(source, CloudSource)
    await source.stream.stop()
    now = int(time.time() * 1000)
    since = now - 600_000
    cache = source._latest  # the cache the stream keeps: the backfill starts where it ends
    for point, s in list(cache.items()):
        cache[point] = Sample(point, since, s.value, s.quality)
    got = [0]
    order_ok = [True]
    last = [0]

    def count(batch: list[Sample]) -> None:
        got[0] += len(batch)
        if batch[0].ts < last[0]:
            order_ok[0] = False
        last[0] = batch[-1].ts

    sub = source.subscribe(count)
    me = psutil.Process()
    server_cpu0, my_cpu0 = server.cpu_times(), me.cpu_times()
    t0 = time.perf_counter()
    await source.stream.backfill(since)
    took = time.perf_counter() - t0
    server_cpu1, my_cpu1 = server.cpu_times(), me.cpu_times()
    sub.close()
    f = source.stream.figures
    return {"backfill_points": len(cache), "backfill_samples": got[0], "backfill_10min_s": round(took, 2),
            "backfill_in_time_order": order_ok[0], "backfill_bucketed_points": f.bucketed_points,
            "backfill_concurrency": source.stream.concurrency,
            "backfill_server_cpu_s": round((server_cpu1.user + server_cpu1.system)
                                           - (server_cpu0.user + server_cpu0.system), 2),
            "backfill_client_cpu_s": round((my_cpu1.user + my_cpu1.system) - (my_cpu0.user + my_cpu0.system), 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "serve"])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=8, help="the backfill's bound on requests in flight")
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--historian", action="store_true",
                        help="the plant keeps its samples in a real historian (SQLite), which answers history")
    parser.add_argument("--json", type=Path, default=ROOT / "tests" / "artifacts" / "bench" / "cloud_stream.json")
    args = parser.parse_args()
    if args.mode == "serve":
        return serve(args.points, os.environ["BENCH_ADMIN_PASSWORD"], args.folder, args.historian)
    tune_collector()  # as `python -m app` does in the console's process
    password = "Bench-" + secrets.token_urlsafe(12)  # made for this run, never a default
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "BENCH_ADMIN_PASSWORD": password}
        command = [sys.executable, "-m", "tests.bench.cloud_stream", "serve", "--points", str(args.points),
                   "--folder", folder, *(["--historian"] if args.historian else [])]
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                env=env, cwd=ROOT, text=True)
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line.startswith(READY):
                print("the bench server did not start", file=sys.stderr)
                return 1
            url = f"http://127.0.0.1:{int(line[len(READY):])}"
            figures = asyncio.run(measure(url, password, args.clients, args.seconds, psutil.Process(proc.pid),
                                          args.concurrency))
        finally:
            with contextlib.suppress(Exception):
                assert proc.stdin is not None
                proc.stdin.close()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGTERM)
                proc.wait(10)
    figures["history_from"] = "historian (SQLite)" if args.historian else "formula"
    figures["points"] = args.points
    figures["seconds"] = args.seconds
    figures["targets"] = TARGETS
    figures["cpus"] = os.cpu_count()
    width = max(len(k) for k in figures)
    print(f"\ncloud stream: {args.clients} clients, {args.points} points at 1 Hz")
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
