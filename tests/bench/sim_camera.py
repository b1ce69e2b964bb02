"""Benchmark of the simulator's cameras (issue 8): what one simulated camera costs to serve.

    python -m tests.bench.sim_camera [--json tests/artifacts/bench/sim_camera.json] [--seconds 20]

For 720p and 1080p at 15 fps: the camera server runs in a child process (so its CPU is its
own), one OpenCV client (FFmpeg backend, RTSP over TCP) in this process reads every frame for
``--seconds``.  psutil gives the server's process CPU (render + x264 + RTP; percent of one core)
and the client's (decoding), first with nobody watching (idle: the encoder must not run) and
then with the client.  Also printed: the frames the client got per second, and how old each
picture was when OpenCV handed it over (now minus the wall time stamped in the picture) — a
rough glass-to-client latency of the simulator plus FFmpeg's buffering, not the console's.
Measured, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import cv2
import psutil

from drivers.simulator import SimCamera
from drivers.simulator.camera_pattern import read_stamp
from drivers.simulator.camera_thread import serve_in_thread

ROOT = Path(__file__).resolve().parents[2]
SIZES = ((1280, 720), (1920, 1080))


def serve(size: str, fps: float) -> int:
    """Child mode: serve one camera, print its port, run until stdin closes."""
    width, height = (int(v) for v in size.split("x"))
    with serve_in_thread([SimCamera("CAM-1", "cam1", port=0, width=width, height=height, fps=fps)]) as server:
        print(f"PORT {server.port}", flush=True)
        sys.stdin.read()
        print(f"FRAMES {server.frames('CAM-1')}", flush=True)
    return 0


def cpu_percent(process: psutil.Process, seconds: float) -> float:
    before = process.cpu_times()
    time.sleep(seconds)
    after = process.cpu_times()
    return 100.0 * ((after.user - before.user) + (after.system - before.system)) / seconds


def measure(width: int, height: int, fps: float, seconds: float) -> dict[str, float | int | str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.sim_camera", "--serve", f"{width}x{height}", "--fps", str(fps)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        port = int(child.stdout.readline().split()[1])
        server = psutil.Process(child.pid)
        idle = cpu_percent(server, 5.0)
        os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = "rtsp_transport;tcp"
        cap = cv2.VideoCapture(f"rtsp://127.0.0.1:{port}/cam1", cv2.CAP_FFMPEG)
        if not cap.isOpened():
            raise RuntimeError("OpenCV could not open the simulated camera")
        for _ in range(int(fps)):  # past the first keyframe and FFmpeg's probing
            cap.read()
        me = psutil.Process()
        s0, c0, t0 = server.cpu_times(), me.cpu_times(), time.monotonic()
        frames, ages, unread = 0, [], 0
        while time.monotonic() - t0 < seconds:
            ok, bgr = cap.read()
            if not ok:
                raise RuntimeError("the stream stopped")
            frames += 1
            stamp = read_stamp(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            if stamp is None:
                unread += 1
            else:
                ages.append(time.time() * 1000 - stamp)
        elapsed = time.monotonic() - t0
        s1, c1 = server.cpu_times(), me.cpu_times()
        cap.release()
        child.stdin.close()
        child.wait(20)
    finally:
        if child.poll() is None:
            child.kill()
    return {
        "size": f"{width}x{height}",
        "fps": fps,
        "seconds": round(elapsed, 1),
        "server_idle_cpu_pct": round(idle, 1),
        "server_cpu_pct": round(100 * ((s1.user - s0.user) + (s1.system - s0.system)) / elapsed, 1),
        "client_cpu_pct": round(100 * ((c1.user - c0.user) + (c1.system - c0.system)) / elapsed, 1),
        "frames_per_s": round(frames / elapsed, 2),
        "stamp_age_median_ms": round(statistics.median(ages), 1) if ages else float("nan"),
        "stamp_age_p95_ms": round(statistics.quantiles(ages, n=20)[-1], 1) if len(ages) > 20 else float("nan"),
        "stamps_unread": unread,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / "tests" / "artifacts" / "bench" / "sim_camera.json")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--fps", type=float, default=15.0)
    parser.add_argument("--serve", metavar="WxH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.serve, args.fps)
    rows = [measure(w, h, args.fps, args.seconds) for w, h in SIZES]
    header = (
        f"{'size':>10} {'fps':>4} {'idle %':>7} {'server %':>9} {'client %':>9} "
        f"{'got fps':>8} {'age ms':>7} {'p95 ms':>7} {'unread':>6}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['size']:>10} {r['fps']:>4g} {r['server_idle_cpu_pct']:>7} {r['server_cpu_pct']:>9} "
            f"{r['client_cpu_pct']:>9} {r['frames_per_s']:>8} {r['stamp_age_median_ms']:>7} "
            f"{r['stamp_age_p95_ms']:>7} {r['stamps_unread']:>6}"
        )
    results = {
        "bench": "sim_camera",
        "cpu_count": os.cpu_count(),
        "note": "CPU in percent of one core; server = render + libx264 + RTP in its own process",
        "rows": rows,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
