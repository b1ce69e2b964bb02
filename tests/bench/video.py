"""Benchmark of the video pane (issue 8): glass-to-pane latency, CPU per stream, a 9-camera grid.

    python -m tests.bench.video [--json tests/artifacts/bench/video.json] [--seconds 20] [--minutes 10]

The cameras are the simulator's (`drivers.simulator.camera`), served from a child process so
their H.264 encoding is not counted as the console's CPU.  Their picture carries its own
wall-clock time as a block code (`camera_pattern.read_stamp`).

* Latency, for one 1080p and one 720p camera at 25 fps in a 1-cell pane of 960 x 540: at every
  third new frame painted, the tile is grabbed right after (the same frame: its painted pixels),
  the stamp is read from the picture area, and compared with the wall clock taken when the
  paint ended.  Glass to pane = painted - stamped; it includes the camera's encoding, RTSP,
  FFmpeg's decoding, the scaling in the worker and the queued signal to the GUI.
* CPU per stream: the stream's worker thread (decoding and scaling) and the whole process, as
  a fraction of one core, over the measured seconds.
* A 9-camera grid at 720p (nine sessions of one simulated camera: one encoder, nine decoders) in
  a 1600 x 900 pane: the GUI thread's busy fraction, how many goes the frames were handed over in
  (`widgets.video.pump`: at most 60 a second) as `tests.bench.console_site.BusyProbe`
  measures it (target <= 25 %), frames painted per second, and the process's memory (RSS)
  sampled every 10 s for --minutes; growth is the last sample minus the first.

Measured, never asserted in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import psutil
from PySide6.QtCore import QEventLoop, QRectF, QTimer
from PySide6.QtGui import QImage, QPaintEvent
from PySide6.QtWidgets import QApplication

from app.process import limit_malloc_arenas
from app.sources.base import CameraInfo
from drivers.simulator.camera_pattern import read_stamp
from tests.bench.console_site import BusyProbe
from widgets.video.overlay import fit
from widgets.video.pane import VideoPane
from widgets.video.tile import VideoTile
from widgets.video.urls import via_thread

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"busy_fraction": 0.25}
OPTIONS = {"open_timeout_s": 5.0, "stall_s": 5.0, "backoff_first_s": 0.5, "backoff_most_s": 2.0}
SAMPLE_EVERY = 3  # grab every third new frame for its stamp (a grab repaints: not every frame)


# -- the cameras, in a child process ----------------------------------------------------------


def _serve(width: int, height: int, fps: float, ready: multiprocessing.connection.Connection) -> None:
    from drivers.simulator import SimCamera
    from drivers.simulator.camera_thread import serve_in_thread

    with serve_in_thread([SimCamera("CAM", "cam", width=width, height=height, fps=fps)]) as server:
        ready.send(server.url("CAM"))
        ready.recv()  # until the bench says stop


@contextlib.contextmanager
def camera(width: int, height: int, fps: float) -> Iterator[str]:
    """A simulated camera served by a child process; yields its URL."""
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(target=_serve, args=(width, height, fps, theirs), daemon=True)
    child.start()
    try:
        if not ours.poll(30):
            raise RuntimeError("the camera server did not start")
        yield ours.recv()
    finally:
        with contextlib.suppress(OSError):
            ours.send("stop")
        child.join(15)
        if child.is_alive():
            child.kill()


# -- the pane ---------------------------------------------------------------------------------


class Watch:
    """Wall clock at the end of each paint of a new frame, per tile (patched into VideoTile).

    Only the last painted frame is kept per tile: keeping them all would be the bench's own leak."""

    def __init__(self) -> None:
        self.last: dict[VideoTile, tuple[float, object]] = {}
        self.counts: dict[VideoTile, int] = {}
        self.paint_s = 0.0
        self.paints = 0
        self.on_new: Callable[[VideoTile], None] | None = None
        original = VideoTile.paintEvent
        watch = self

        def paint(tile: VideoTile, event: QPaintEvent) -> None:
            t = time.perf_counter()
            before = tile.frames_painted
            original(tile, event)
            watch.paint_s += time.perf_counter() - t
            watch.paints += 1
            if tile.frames_painted != before:
                watch.last[tile] = (time.time() * 1000, tile.frame)
                watch.counts[tile] = watch.counts.get(tile, 0) + 1
                if watch.on_new is not None:
                    watch.on_new(tile)

        VideoTile.paintEvent = paint  # type: ignore[method-assign]

    def reset(self) -> None:
        """Count from now."""
        self.counts.clear()
        self.paint_s, self.paints = 0.0, 0


def picture_of(tile: VideoTile) -> np.ndarray | None:
    """The tile's painted picture area (the fitted frame, no bars) as RGB pixels."""
    frame = tile.frame
    if frame is None:
        return None
    image = tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes()).reshape(
        image.height(), image.bytesPerLine())  # fmt: skip
    pixels = rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3)
    h, w = frame.image.shape[:2]
    area = fit(w, h, QRectF(tile.rect())).toRect()
    return pixels[area.top() : area.bottom() + 1, area.left() : area.right() + 1].copy()


def make_pane(n: int, url: str, size: tuple[int, int]) -> VideoPane:
    cameras = [CameraInfo(f"CAM-{i + 1}", f"摄像机{i + 1}", f"Camera {i + 1}") for i in range(n)]

    async def url_for(camera_id: str) -> str:
        return url

    pane = VideoPane(cameras, via_thread(url_for), stream_options=OPTIONS)
    pane.list_action.setChecked(False)
    pane.set_grid_size(1 if n == 1 else 4 if n <= 4 else 9)
    for cell, c in enumerate(cameras):
        pane.grid.put(cell, c.id)
    pane.resize(*size)
    pane.show()
    return pane


def run_for(app: QApplication, seconds: float) -> None:
    """Turn the GUI loop for ``seconds`` (a loop of its own: Qt 6's quit() would close the windows)."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def wait_live(app: QApplication, tiles: list[VideoTile], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if all(t.frames_painted >= 5 for t in tiles):
            return
        time.sleep(0.01)
    raise RuntimeError("the tiles did not go live: " + "; ".join(t.status_text() for t in tiles))


def thread_cpu(native_id: int) -> float:
    """CPU seconds of one thread of this process so far."""
    for t in psutil.Process().threads():
        if t.id == native_id:
            return t.user_time + t.system_time
    return 0.0


# -- the measurements -------------------------------------------------------------------------


def latency(app: QApplication, width: int, height: int, fps: float, seconds: float, warmup: float) -> dict:
    """One camera in a 960 x 540 tile: glass-to-pane latency and CPU."""
    watch = Watch()
    with camera(width, height, fps) as url:
        pane = make_pane(1, url, (960, 540 + pane_chrome()))
        tile = pane.grid.tiles[0]
        wait_live(app, [tile])
        run_for(app, warmup)
        stream = tile.stream
        assert stream is not None, (tile.status_text(), tile.isVisible(), tile._on_screen)
        worker = stream._worker  # the bench reads its thread's CPU time
        assert worker is not None and worker.native_id is not None
        glass: list[float] = []
        decoded: list[float] = []
        unread = 0

        def sample(painted: VideoTile) -> None:
            nonlocal unread
            if watch.counts.get(painted, 0) % SAMPLE_EVERY:
                return
            painted_ms, frame = watch.last[painted]
            if frame is not painted.frame:
                return
            picture = picture_of(painted)  # the same frame, painted again: its pixels
            stamp = read_stamp(picture) if picture is not None else None
            if stamp is None:
                unread += 1
                return
            glass.append(painted_ms - stamp)
            decoded.append(painted_ms - frame.received_ms)

        # Read right after the paint, outside it (a grab inside a paint would recurse).
        watch.on_new = lambda painted: QTimer.singleShot(0, lambda: sample(painted))
        watch.reset()
        process = psutil.Process()
        cpu0, worker0, gui0 = sum(process.cpu_times()[:2]), thread_cpu(worker.native_id), time.thread_time()
        t0 = time.perf_counter()
        run_for(app, seconds)
        span = time.perf_counter() - t0
        cpu1, worker1, gui1 = sum(process.cpu_times()[:2]), thread_cpu(worker.native_id), time.thread_time()
        status = tile.status
        frames = watch.counts.get(tile, 0)
        watch.on_new = None
        pane.shutdown()
        pane.close()
    return {
        "resolution": f"{width}x{height}",
        "camera_fps": fps,
        "tile_px": f"{tile.width()}x{tile.height()}",
        "frames_painted_per_s": frames / span,
        "stream_fps": status.fps if status else 0.0,
        "samples": len(glass),
        "unreadable_stamps": unread,
        "glass_to_pane_median_ms": statistics.median(glass) if glass else float("nan"),
        "glass_to_pane_p95_ms": float(np.percentile(glass, 95)) if glass else float("nan"),
        "glass_to_pane_max_ms": max(glass, default=float("nan")),
        "decoded_to_painted_median_ms": statistics.median(decoded) if decoded else float("nan"),
        "decode_thread_cpu": (worker1 - worker0) / span,
        "gui_thread_cpu": (gui1 - gui0) / span,
        "process_cpu": (cpu1 - cpu0) / span,
    }


def pane_chrome() -> int:
    """Height of the pane's toolbar (the tile gets the rest)."""
    return 32


def grid(app: QApplication, fps: float, seconds: float, minutes: float, warmup: float) -> dict:
    """Nine 720p streams in a 1600 x 900 pane: GUI busy fraction, paints, memory over time."""
    watch = Watch()
    with camera(1280, 720, fps) as url:
        pane = make_pane(9, url, (1600, 900))
        tiles = pane.grid.visible_tiles()
        wait_live(app, tiles, timeout=120)
        run_for(app, warmup)
        probe = BusyProbe()
        probe.start()
        process = psutil.Process()
        watch.reset()
        deliveries0 = pane.grid.pump.deliveries
        rss: list[tuple[float, int]] = [(0.0, process.memory_info().rss)]
        t0 = time.perf_counter()
        cpu0, gui0 = sum(process.cpu_times()[:2]), time.thread_time()
        busy_window = {"begin": t0, "end": t0 + seconds}

        def sample_rss() -> None:
            rss.append((time.perf_counter() - t0, process.memory_info().rss))

        rss_timer = QTimer()
        rss_timer.setInterval(10_000)
        rss_timer.timeout.connect(sample_rss)
        rss_timer.start()
        stop = threading.Event()

        def progress() -> None:  # a line a minute: a long run is not a hang
            while not stop.wait(60):
                print(f"  {(time.perf_counter() - t0) / 60:.0f} min, RSS {rss[-1][1] / 2**20:.0f} MiB", flush=True)

        threading.Thread(target=progress, daemon=True).start()
        total = max(seconds, minutes * 60)
        run_for(app, total)
        stop.set()
        span = time.perf_counter() - t0
        cpu1, gui1 = sum(process.cpu_times()[:2]), time.thread_time()
        sample_rss()
        busy_s, _, _ = probe.window(busy_window["begin"], busy_window["end"])
        whole_busy_s, whole_longest_s, whole_stalls = probe.window(t0, t0 + span)
        painted = sum(watch.counts.values())
        deliveries = pane.grid.pump.deliveries - deliveries0
        states = [t.status.state.value if t.status else "?" for t in tiles]
        pane.shutdown()
        pane.close()
    first, last = rss[0][1], rss[-1][1]
    return {
        "cameras": 9,
        "resolution": "1280x720",
        "camera_fps": fps,
        "seconds": span,
        "busy_fraction_first_s": busy_s / seconds,
        "busy_fraction": whole_busy_s / span,
        "longest_stall_ms": whole_longest_s * 1000,
        "stalls_over_100ms": whole_stalls,
        "frames_painted_per_s": painted / span,
        "repaint_passes_per_s": deliveries / span,
        "paint_mean_ms": watch.paint_s / watch.paints * 1000 if watch.paints else 0.0,
        "gui_thread_cpu": (gui1 - gui0) / span,
        "process_cpu": (cpu1 - cpu0) / span,
        "rss_first_mib": first / 2**20,
        "rss_last_mib": last / 2**20,
        "rss_max_mib": max(r for _, r in rss) / 2**20,
        "rss_growth_mib": (last - first) / 2**20,
        "rss_samples_mib": [(round(t), round(r / 2**20, 1)) for t, r in rss],
        "states_at_end": states,
    }


def table(results: dict) -> str:
    """The figures, one line each, with the target where there is one."""
    rows: list[tuple[str, str, str]] = []
    for r in results["latency"]:
        rows += [
            (f"{r['resolution']} @ {r['camera_fps']:g} fps in a {r['tile_px']} tile", "", ""),
            ("  glass to pane median / p95 / max",
             f"{r['glass_to_pane_median_ms']:.0f} / {r['glass_to_pane_p95_ms']:.0f} / "
             f"{r['glass_to_pane_max_ms']:.0f} ms ({r['samples']} frames)", ""),
            ("  decoded to painted median", f"{r['decoded_to_painted_median_ms']:.1f} ms", ""),
            ("  frames painted", f"{r['frames_painted_per_s']:.1f} /s (stream {r['stream_fps']:.1f} fps)", ""),
            ("  CPU: decode thread / GUI thread / process",
             f"{100 * r['decode_thread_cpu']:.0f} / {100 * r['gui_thread_cpu']:.0f} / "
             f"{100 * r['process_cpu']:.0f} % of a core", ""),
        ]  # fmt: skip
    g = results.get("grid")
    if g:
        ok = "ok" if g["busy_fraction"] <= TARGETS["busy_fraction"] else "MISSED"
        rows += [
            (f"9 x {g['resolution']} @ {g['camera_fps']:g} fps, {g['seconds'] / 60:.1f} min", "", ""),
            ("  GUI thread busy fraction", f"{100 * g['busy_fraction']:.1f} %", f"<= 25 %  {ok}"),
            ("  longest stall / stalls over 100 ms", f"{g['longest_stall_ms']:.0f} ms / {g['stalls_over_100ms']}", ""),
            ("  frames painted (all tiles)",
             f"{g['frames_painted_per_s']:.0f} /s, {g['paint_mean_ms']:.2f} ms each", ""),
            ("  handed to the GUI in", f"{g['repaint_passes_per_s']:.0f} goes /s", ""),
            ("  CPU: GUI thread / process",
             f"{100 * g['gui_thread_cpu']:.0f} / {100 * g['process_cpu']:.0f} % of a core", ""),
            ("  RSS first / last / max",
             f"{g['rss_first_mib']:.0f} / {g['rss_last_mib']:.0f} / {g['rss_max_mib']:.0f} MiB", ""),
            ("  RSS growth", f"{g['rss_growth_mib']:+.1f} MiB", ""),
        ]  # fmt: skip
    return "\n".join(f"{name:<46}{value:>48}  {target}" for name, value, target in rows)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.video", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / "tests" / "artifacts" / "bench" / "video.json",
                        help="where to write the figures")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds measured per latency run")
    parser.add_argument("--minutes", type=float, default=10.0, help="minutes the 9-camera grid runs (memory)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds live before measuring")
    parser.add_argument("--fps", type=float, default=25.0, help="the latency cameras' frame rate")
    parser.add_argument("--grid-fps", type=float, default=25.0, help="the 9-camera grid's frame rate")
    parser.add_argument("--skip-latency", action="store_true", help="only the 9-camera grid")
    parser.add_argument("--skip-grid", action="store_true", help="only the latency runs")
    args = parser.parse_args(argv)
    limit_malloc_arenas()  # as `python -m app` does before its threads start
    app = QApplication.instance() or QApplication(["video-bench"])
    results: dict = {"latency": [], "targets": TARGETS}
    if not args.skip_latency:
        for width, height in ((1920, 1080), (1280, 720)):
            results["latency"].append(latency(app, width, height, args.fps, args.seconds, args.warmup))
    if not args.skip_grid:
        results["grid"] = grid(app, args.grid_fps, args.seconds, args.minutes, args.warmup)
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
