"""The console benchmark's measured process: one measurement per run, its figures as one JSON line.

    python -m tests.bench.console_site first-values | busy | memory [--seconds S]

`tests.bench.console` starts this module in a fresh process for each figure, with its own data
folder (SWITCHROOM_DATA) and settings folder (XDG_CONFIG_HOME), so one figure never warms the
caches, fills the memory or moves the layout of another, and nothing touches the user's files.

* ``first-values`` runs the real ``python -m app`` entry (`app.__main__.main`) unchanged; the
  only addition is an observer that notes when the device browser first receives a live sample
  (taken after this process started) and when its tree is next painted.  Nothing in the console
  logs that moment, so it cannot be read from the log.
* ``busy`` opens the whole main window on a synthetic site of 50,000 points (`SyntheticSource`)
  through a real `SourceBridge` and measures how long the GUI thread is awake between waits in
  its event loop (`QAbstractEventDispatcher.awake` / `aboutToBlock`), its CPU time, and stalls
  (`widgets.runtime.StallWatchdog`).
* ``history`` imports an hour of 1 s history for every demo point into the historian (its own
  process, so the import's memory is not counted); ``memory`` then opens the console on it as
  `widgets.launch.run_console` does (demo site, simulator in-process), four trends of the last
  hour, and reads the resident set size.
"""

from __future__ import annotations

import time

STARTED_PERF = time.perf_counter()  # before Qt is imported: the in-process start of the clock
STARTED_WALL = time.time()  # samples stamped after this are live, not read back from history

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Iterable  # noqa: E402

import numpy as np  # noqa: E402
import psutil  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: Prefix of the one line of figures the parent reads from this process's stdout.
RESULT_MARK = "BENCH-RESULT "

log = logging.getLogger("bench.console")


def report(figures: dict[str, object]) -> None:
    """Hand the figures to the parent process."""
    print(RESULT_MARK + json.dumps(figures), flush=True)


# -- 1. first live values ----------------------------------------------------------------------


def first_values() -> int:
    """Run `python -m app`'s own main; note when live values first reach the browser and are painted.

    The window is closed once they are painted; if they never are, the parent's timeout ends
    this process (the console offers no hook to give up on its own without changing it).
    """
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from app.__main__ import main
    from widgets.devices import DeviceBrowser
    from widgets.main_window import MainWindow

    marks: dict[str, float] = {}
    original = DeviceBrowser.on_samples

    class PaintSeen(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and "painted" not in marks and "applied" in marks:
                marks["painted"] = time.time()
                marks["painted_perf"] = time.perf_counter() - STARTED_PERF
                QTimer.singleShot(0, close_all)
            return False

    seen = PaintSeen()

    def observed(self: DeviceBrowser, batch: dict) -> None:
        original(self, batch)
        if "applied" not in marks and any(s.ts >= STARTED_WALL * 1000 for s in batch.values()):
            marks["applied"] = time.time()
            marks["live_points"] = float(sum(1 for s in batch.values() if s.ts >= STARTED_WALL * 1000))
            self.tree.viewport().installEventFilter(seen)
            self.tree.viewport().update()

    def close_all() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, MainWindow):
                w.close()

    DeviceBrowser.on_samples = observed  # type: ignore[method-assign]
    code = main([])
    report({
        "exit_code": code,
        "applied": marks.get("applied"),
        "painted": marks.get("painted"),
        "live_points": marks.get("live_points", 0),
        "in_process_s": marks.get("painted_perf"),
    })
    return 0


# -- 2. a synthetic site of 50,000 points at 1 Hz -----------------------------------------------


def synthetic_source_class() -> type:
    """`SyntheticSource`, built on import of the app layer (kept out of the module's import time)."""
    from app.alarms.model import AlarmActionError
    from app.historian import History
    from app.model import Quality, Sample
    from app.sources.base import (
        DataSource,
        DeviceInfo,
        GatewayInfo,
        PointInfo,
        RoomInfo,
        SamplesCallback,
        SiteModel,
        SourceStatus,
        Subscription,
    )

    class SyntheticSource(DataSource):
        """A site of ``devices`` x ``per_device`` analog points, each sampled once a second.

        Samples go out in ``slices`` batches spread over each second, as a scan of many buses
        delivers them, never all at once.
        """

        kind = "direct"

        def __init__(self, devices: int = 500, per_device: int = 100, gateways: int = 25, rooms: int = 5,
                     slices: int = 10) -> None:
            rooms_ = [RoomInfo(f"R{r}", f"配电室{r}", f"Room {r}") for r in range(rooms)]
            gws = [GatewayInfo(f"G{g:02d}", f"网关{g}", "dtu", "online", None, f"R{g % rooms}")
                   for g in range(gateways)]
            devs = [DeviceInfo(f"D{d:03d}", f"表计{d}", "multifunction_meter", f"G{d % gateways:02d}",
                               f"R{(d % gateways) % rooms}", "ok", "bench", "feeder", None, f"Meter {d}")
                    for d in range(devices)]
            self.ids = [f"D{d:03d}.q{q:02d}" for d in range(devices) for q in range(per_device)]
            pts = [PointInfo(pid, pid.split(".")[0], f"量{pid}", f"Quantity {pid}", "A", "analog") for pid in self.ids]
            self._site = SiteModel("合成站", "Synthetic site", "Asia/Shanghai", rooms_, gws, devs, pts)
            self._subs: list[SamplesCallback] = []
            self._slices = slices
            self._task: asyncio.Task[None] | None = None
            self._latest: dict[str, Sample] = {}
            self._phase = np.linspace(0, 2 * math.pi, len(self.ids), endpoint=False)
            self.sent = 0
            self._started = time.monotonic()

        async def start(self) -> None:
            self._task = asyncio.create_task(self._emit(), name="synthetic-site")

        async def stop(self) -> None:
            if self._task is not None:
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)

        async def _emit(self) -> None:
            n = len(self.ids)
            step = math.ceil(n / self._slices)
            period = 1.0 / self._slices
            loop = asyncio.get_running_loop()
            next_at = loop.time()
            k = 0
            while True:
                lo = (k % self._slices) * step
                now_s = time.time()
                ts = int(now_s * 1000)
                values = 100.0 + 10.0 * np.sin(now_s / 60.0 + self._phase[lo:lo + step])
                batch = [Sample(pid, ts, float(v), Quality.GOOD) for pid, v in zip(self.ids[lo:lo + step], values,
                                                                                    strict=True)]
                for s in batch:
                    self._latest[s.point] = s
                for callback in list(self._subs):
                    callback(batch)
                self.sent += len(batch)
                k += 1
                next_at += period
                await asyncio.sleep(max(0.0, next_at - loop.time()))

        def site(self) -> SiteModel:
            return self._site

        def subscribe(self, on_samples: SamplesCallback, on_link: Callable | None = None,
                      on_alarm: Callable | None = None) -> Subscription:
            self._subs.append(on_samples)
            return Subscription(lambda: self._subs.remove(on_samples))

        async def latest(self, ids: Iterable[str] | None = None) -> list[Sample]:
            return list(self._latest.values()) if ids is None else [self._latest[i] for i in ids if i in self._latest]

        async def history(self, point: str, start: int, end: int, max_points: int = 2000) -> History:
            return History(point, "A", True)

        async def as_of(self, ids: Iterable[str], ts: int) -> dict[str, Sample]:
            return {}

        # A site without alarm rules: the alarm calls answer as a real source with none would.
        async def alarms(self, state: str = "active", since: int | None = None, limit: int | None = None) -> list:
            return []

        async def alarm_journal(self, query: object) -> list:
            return []

        async def acknowledge(self, alarm_ids: Iterable[int], user: str, comment: str | None = None) -> list:
            raise AlarmActionError("no such alarm")

        async def shelve(self, alarm_id: int, minutes: float, reason: str, user: str) -> object:
            raise AlarmActionError("no such alarm")

        async def unshelve(self, alarm_id: int, user: str) -> object:
            raise AlarmActionError("no such alarm")

        def flood(self) -> None:
            return None

        def notification_status(self) -> list:
            return []

        async def diagram(self, diagram_id: str) -> str:
            raise KeyError(f"this synthetic site has no diagram {diagram_id!r}")

        async def save_diagram(self, diagram_id: str, text: str, base_revision: int | None, user: str) -> int:
            raise KeyError(f"this synthetic site has no diagram {diagram_id!r}")

        def _no_users(self, *_args: object, **_kwargs: object) -> object:
            raise RuntimeError("this synthetic site has no users")

        async def needs_first_admin(self) -> bool:
            return False

        def current_login(self) -> None:
            return None

        async def audit(self, *_args: object, **_kwargs: object) -> list:
            return []

        async def logout(self) -> None:
            return None

        create_first_admin = login = change_password = users = create_user = update_user = delete_user = _no_users

        async def point_limits(self, point: str) -> tuple:
            return None, "site"

        async def set_point_limits(self, point: str, limits: object, user: str) -> None:
            raise AlarmActionError("this synthetic site has no alarm rules")

        async def revert_point_limits(self, point: str, user: str) -> None:
            raise AlarmActionError("this synthetic site has no alarm rules")

        async def fault_records(self, alarm_id: int | None = None, since: int | None = None) -> list:
            return []

        async def fault_record(self, record_id: int) -> dict:
            return {}

        def status(self) -> SourceStatus:
            return SourceStatus("direct", True, len(self._site.gateways), len(self._site.gateways), len(self.ids),
                                self.sent, "ok", time.monotonic() - self._started)

    return SyntheticSource


class BusyProbe:
    """How long the GUI thread was kept from its event loop, from a fast timer's lateness.

    A precise timer ticks every ``interval_ms`` on the GUI thread; whatever delays a tick beyond
    its interval was work on that thread (or a wait for the interpreter lock: equally lost to the
    operator).  Summed, that is the busy time; each delay is a stall.  `window` reads the figures
    from another thread, so a stall still going on at the end is counted too, and a console
    that is blocked for longer than the run still gives its figures on time.  (Qt's dispatcher
    signals `awake`/`aboutToBlock` would miss timer handlers: they run after the wait, between
    the two.)
    """

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.interval_s = interval_ms / 1000
        self.lates: list[tuple[float, float]] = []  # (tick time, delay) of ticks later than 1 ms
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Start ticking (on the GUI thread)."""
        self._last = time.perf_counter()
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        late = now - self._last - self.interval_s
        if late > 0.001:
            self.lates.append((now, late))
        self._last = now

    def window(self, begin: float, end: float) -> tuple[float, float, int]:
        """Busy seconds, longest stall (s) and stalls over 100 ms within ``[begin, end]``."""
        spans = [(max(at - late, begin), at) for at, late in list(self.lates) if at > begin]
        ongoing = end - self._last - self.interval_s
        if ongoing > 0.001:
            spans.append((max(self._last + self.interval_s, begin), end))
        lengths = [max(0.0, min(b, end) - a) for a, b in spans]
        return sum(lengths), max(lengths, default=0.0), sum(1 for x in lengths if x > 0.1)


def busy(seconds: float, warmup_s: float, points: int = 50_000) -> int:
    """The whole main window on ``points`` synthetic points at 1 Hz: GUI busy fraction and stalls.

    A watcher thread times the run, reads the probe and the GUI thread's CPU time, reports and
    ends the process: a GUI thread that cannot keep up must not make the bench run for ever.
    """
    import threading
    from zoneinfo import ZoneInfo

    from app.process import tune_collector
    from widgets import runtime
    from widgets.bridge import SourceBridge
    from widgets.main_window import MainWindow

    tune_collector()  # as `python -m app` does
    app = runtime.make_application(sys.argv[:1])
    runtime.install_message_handler()
    source_class = synthetic_source_class()
    gc_pauses: list[float] = []
    gc_began = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_began[0] = time.perf_counter()
        else:
            gc_pauses.append(time.perf_counter() - gc_began[0])

    import gc

    gc.callbacks.append(on_gc)
    holder: list = []

    def make() -> object:
        holder.append(source_class(devices=max(1, points // 100)))
        return holder[0]

    bridge = SourceBridge(make)
    window = MainWindow(bridge, ZoneInfo("Asia/Shanghai"))
    probe = BusyProbe()
    gui_thread = threading.main_thread().native_id
    started = threading.Event()
    counts = {"batches": 0, "samples": 0}
    marks: dict[str, float] = {}

    def on_started() -> None:
        marks["started"] = time.perf_counter()
        started.set()

    def on_batch(batch: dict) -> None:
        counts["batches"] += 1
        counts["samples"] += len(batch)

    def gui_cpu() -> float:
        times = next((t for t in psutil.Process().threads() if t.id == gui_thread), None)
        return times.user_time + times.system_time if times is not None else float("nan")

    def watch() -> None:
        figures: dict[str, object] = {"points": 0}
        if not started.wait(60):
            figures["error"] = "the source did not start within 60 s"
        else:
            figures["points"] = len(bridge.site().points)
            time.sleep(warmup_s)
            begin, cpu0, seen0 = time.perf_counter(), gui_cpu(), dict(counts)
            time.sleep(seconds)
            end, cpu1, seen1 = time.perf_counter(), gui_cpu(), dict(counts)
            busy_s, longest_s, stalls = probe.window(begin, end)
            figures.update(
                seconds=end - begin,
                busy_fraction=busy_s / (end - begin),
                longest_stall_ms=longest_s * 1000,
                stalls_over_100ms=stalls,
                gui_cpu_fraction=(cpu1 - cpu0) / (end - begin),
                batches_shown=seen1["batches"] - seen0["batches"],
                samples_shown=seen1["samples"] - seen0["samples"],
                samples_sent=holder[0].sent if holder else 0,
                rss_mb=psutil.Process().memory_info().rss / 2**20,
                longest_gc_ms=max(gc_pauses, default=0.0) * 1000,
            )
        report(figures)
        os._exit(0)  # the GUI thread may be deep in a batch: do not wait for it

    bridge.started.connect(on_started)
    bridge.samples.connect(on_batch)
    window.show()
    probe.start()
    bridge.start()
    threading.Thread(target=watch, name="bench-watch", daemon=True).start()
    app.exec()
    return 0


# -- 3. memory after an hour of history --------------------------------------------------------


def import_hour(db_url: str, end_ms: int) -> int:
    """An hour of 1 s history for every demo point, stored as the historian keeps it; returns samples."""
    from app.config import load_site
    from app.historian import Historian
    from app.model import PointKind
    from app.sources.direct import storage_policy, stored_points

    site = load_site(None)
    historian = Historian(db_url, policy=storage_policy(site))
    infos = stored_points(site)
    historian.register_points(infos)
    historian.open()
    ts = end_ms - 3_600_000 + np.arange(3600, dtype=np.int64) * 1000
    rng = np.random.default_rng(4)
    total = 0
    try:
        for i, info in enumerate(infos):
            if info.kind is PointKind.COUNTER:
                values = np.round(1000 + np.cumsum(rng.uniform(0, 0.05, ts.size)), 2)
            elif info.kind is PointKind.DIGITAL:
                values = (np.cumsum(rng.random(ts.size) < 0.002) % 2).astype(np.float64)
            else:
                values = 100 + 20 * np.sin(np.arange(ts.size) / 600 + i) + rng.normal(0, 0.5, ts.size)
            historian.import_history(info, ts, values)
            total += ts.size
    finally:
        historian.close()
    return total


def memory(seconds: float) -> int:
    """RSS of the console on the demo site with an hour of history and four trends of the last hour."""
    from PySide6.QtCore import QTimer

    from app.config import load_site
    from app.paths import default_db_url
    from app.sources.direct import DirectSource
    from widgets import runtime
    from widgets.bridge import SourceBridge
    from widgets.main_window import MainWindow

    db_url = default_db_url("demo")
    app = runtime.make_application(sys.argv[:1])
    runtime.install_message_handler()
    site = load_site(None)
    bridge = SourceBridge(lambda: DirectSource(site, db_url, listen=("127.0.0.1", 0), simulate=True))
    window = MainWindow(bridge, site.tz)
    figures: dict[str, object] = {"rss_before_start_mb": psutil.Process().memory_info().rss / 2**20}
    peak = [0.0]

    def open_trends() -> None:
        points = [p.id for p in bridge.site().points]
        chosen = [p for p in points if p.endswith((".Ia", ".P"))][:12] or points[:12]
        for k in range(4):
            view = window.open_trend(chosen[3 * k])
            for extra in chosen[3 * k + 1:3 * k + 3]:
                view.add_pen(extra)
            view.set_live(3600)
        figures["pens"] = sum(len(v.pens()) for v in window.trends)
        QTimer.singleShot(int(seconds * 1000), finish)

    def sample_rss() -> None:
        peak[0] = max(peak[0], psutil.Process().memory_info().rss / 2**20)

    def finish() -> None:
        loaded = [v.pen(p).series.fetched is not None for v in window.trends for p in v.pens()]
        figures.update(
            rss_mb=psutil.Process().memory_info().rss / 2**20,
            peak_rss_mb=max(peak[0], psutil.Process().memory_info().rss / 2**20),
            pens_with_history=sum(loaded),
            live_points=len(bridge.latest),
        )
        window.close()

    bridge.started.connect(open_trends)
    ticker = QTimer()
    ticker.timeout.connect(sample_rss)
    ticker.start(500)
    window.show()
    bridge.start()
    QTimer.singleShot(int((seconds + 60) * 1000), window.close)
    app.exec()
    bridge.stop()
    report(figures)
    return 0


def history() -> int:
    """Fill the demo historian in the data folder with the last hour (before `memory` runs)."""
    from app.paths import default_db_url

    t0 = time.perf_counter()
    imported = import_hour(default_db_url("demo"), int(time.time() * 1000))
    report({"imported_samples": imported, "import_s": time.perf_counter() - t0})
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one measurement (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.console_site")
    parser.add_argument("what", choices=("first-values", "busy", "history", "memory"))
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to measure (busy, memory)")
    parser.add_argument("--points", type=int, default=50_000, help="size of the synthetic site (busy)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds after the first batch before measuring")
    args = parser.parse_args(argv)
    if args.what == "first-values":
        return first_values()
    if args.what == "busy":
        return busy(args.seconds, args.warmup, args.points)
    if args.what == "history":
        return history()
    return memory(args.seconds)


if __name__ == "__main__":
    raise SystemExit(main())
