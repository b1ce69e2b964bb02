"""Benchmark of camera capture (issue 8): CPU per stream, decoding to the newest frame only.

    python -m tests.bench.video_capture [--server sim|gst] [--seconds 20]
        [--json tests/artifacts/bench/video_capture.json]

One `CameraStream` at a time reads an H.264 stream at 25 fps from an RTSP server in another
process, for 720p and 1080p, scaled to a 3 x 3 grid's tile, to a 2 x 2 grid's tile, and kept
at full size.  The server: the simulator's own camera (`drivers.simulator.camera`, the demo's:
a moving test picture with its wall time stamped in it, so the age of the newest frame when
it reaches the slot is measured too) or GStreamer's RTSP server
(`tests.integration.gst_rtsp_server`: SMPTE bars scrolling 4 pixels a frame, x264
zerolatency at 2 / 4 Mbit/s, a key frame a second).  CPU is this process's
(user + system, psutil) over `--seconds` after a warm-up: decoding, BGR->RGB and the one
scale — the whole cost of a stream to the console.  A core is 100 %.  The server's CPU is
in its own process and not counted.  Measured, never asserted in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import psutil

from app.video.stream import CameraStream
from tests.integration.rtsp_peers import GstServer, gst_missing, wait_for

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}
BITRATE_KBPS = {"720p": 2000, "1080p": 4000}  # what IP cameras send on their main stream
SPEED = 4  # pixels a frame the bars scroll: every frame changes, as a camera's noise makes it
#: A 3 x 3 grid's tile and a 2 x 2 grid's on a 1920 x 1080 screen (borders and captions off),
#: and the camera's own size (one pane at full resolution, or a snapshot).
PANES = {"3x3 tile 626x352": (626, 352), "2x2 tile 954x536": (954, 536), "full size": (0, 0)}
FPS = 25
WARM_UP_S = 3.0
SERVERS = {
    "sim": "the simulator's camera (drivers.simulator.camera, PyAV libx264), separate process",
    "gst": "GStreamer RTSP server (videotestsrc smpte scrolling 4 px/frame, x264enc zerolatency, "
    "2 Mbit/s 720p, 4 Mbit/s 1080p), separate process",
}


def serve_sim(width: int, height: int) -> None:
    """Child process: the simulator's camera server until stdin closes."""
    from drivers.simulator import SimCamera
    from drivers.simulator.camera_thread import serve_in_thread

    with serve_in_thread([SimCamera("BENCH", "bench", port=0, width=width, height=height, fps=FPS)]) as server:
        print(server.url("BENCH"), flush=True)
        sys.stdin.read()


@contextlib.contextmanager
def sim_server(width: int, height: int) -> Iterator[tuple[str, psutil.Process]]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.video_capture", "--serve-sim", str(width), str(height)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url = child.stdout.readline().strip() if child.stdout else ""
        if not url.startswith("rtsp://"):
            raise RuntimeError("the simulator's camera server did not start")
        yield url, psutil.Process(child.pid)
    finally:
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)


@contextlib.contextmanager
def gst_server(name: str, width: int, height: int) -> Iterator[tuple[str, psutil.Process]]:
    with GstServer(width=width, height=height, fps=FPS, speed=SPEED, bitrate=BITRATE_KBPS[name]) as server:
        assert server.process is not None
        yield server.url(), psutil.Process(server.process.pid)


def stamp_reader():
    try:
        from drivers.simulator.camera_pattern import read_stamp
    except ImportError:
        return None
    return read_stamp


def measure(url: str, pane: tuple[int, int], seconds: float, server: psutil.Process, stamped: bool) -> dict:
    cam = CameraStream(url, label="bench", stall_s=5.0)
    cam.set_target_size(*pane)
    cam.start()
    try:
        if not wait_for(lambda: (f := cam.latest()) is not None and f.seq > 5, 30):
            raise RuntimeError(f"no frames from {url}: {cam.status}")
        time.sleep(WARM_UP_S)
        me = psutil.Process()
        read_stamp = stamp_reader() if stamped else None
        ages: list[int] = []
        cpu0, wall0, seq0 = sum(me.cpu_times()[:2]), time.monotonic(), cam.latest().seq
        server0 = sum(server.cpu_times()[:2])
        end = wall0 + seconds
        while time.monotonic() < end:
            time.sleep(0.5)
            if read_stamp is not None:
                # The stamp is read here, not by the worker: its cost stays out of the CPU figure
                # only approximately (a few ms a sample, 2 samples a second).
                full = cam.full_frame()
                stamp = read_stamp(full.image) if full is not None else None
                if stamp is not None:
                    ages.append(full.received_ms - stamp)
        cpu1, wall1, frame = sum(me.cpu_times()[:2]), time.monotonic(), cam.latest()
        server1 = sum(server.cpu_times()[:2])
        status = cam.status
    finally:
        cam.stop()
    wall = wall1 - wall0
    ages.sort()
    return {
        "cpu_percent": round(100 * (cpu1 - cpu0) / wall, 1),
        "server_cpu_percent": round(100 * (server1 - server0) / wall, 1),
        "frame_age_ms_median": ages[len(ages) // 2] if ages else None,
        "frame_age_ms_max": ages[-1] if ages else None,
        "frames_per_s": round((frame.seq - seq0) / wall, 1),
        "status_fps": status.fps,
        "frame_shape": list(frame.image.shape),
        "rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.video_capture", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / "tests" / "artifacts" / "bench" / "video_capture.json")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--server", choices=("sim", "gst"), default="sim" if stamp_reader() else "gst")
    parser.add_argument("--serve-sim", nargs=2, type=int, metavar=("WIDTH", "HEIGHT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_sim:
        serve_sim(*args.serve_sim)
        return 0
    missing = gst_missing() if args.server == "gst" else None
    if missing:
        print(f"cannot run: {missing}", file=sys.stderr)
        return 2
    rows = []
    for name, (width, height) in SIZES.items():
        serving = sim_server(width, height) if args.server == "sim" else gst_server(name, width, height)
        with serving as (url, server):
            for pane_name, pane in PANES.items():
                result = measure(url, pane, args.seconds, server, args.server == "sim")
                rows.append({"stream": name, "width": width, "height": height, "pane": pane_name, **result})
                print(f"  {name} {pane_name}: {result}", flush=True)
    print()
    print(
        f"{'stream':<7} {'pane':<17} {'CPU % of a core':>16} {'frames/s':>9} {'status fps':>11} {'RSS MB':>7} "
        f"{'age ms med/max':>15} {'server CPU %':>13}"
    )
    for r in rows:
        age = f"{r['frame_age_ms_median']}/{r['frame_age_ms_max']}" if r["frame_age_ms_median"] is not None else "-"
        print(
            f"{r['stream']:<7} {r['pane']:<17} {r['cpu_percent']:>16.1f} {r['frames_per_s']:>9.1f} "
            f"{r['status_fps']:>11.1f} {r['rss_mb']:>7.1f} {age:>15} {r['server_cpu_percent']:>13.1f}"
        )
    results = {
        "bench": "video_capture",
        "server": SERVERS[args.server],
        "fps_served": FPS,
        "seconds": args.seconds,
        "opencv": cv2.__version__,
        "cpu_count": psutil.cpu_count(),
        "machine": platform.machine(),
        "rows": rows,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
