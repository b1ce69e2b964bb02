"""Independent RTSP servers on loopback for the video tests, started and stopped by the test.

* `GstServer`: GStreamer's RTSP server (Debian's python3 + gi, `gst_rtsp_server.py`) in a
  subprocess — SMPTE bars in H.264, optional Basic or Digest authentication; it can be killed
  and restarted on the same port, or frozen with SIGSTOP (a stuck camera).
* `rtsp_source`: PyPI `rtsp`'s own server (PyAV/libx264) serving frames we drew: a known
  pattern of colour blocks to check pixels against.

Each says why it is unavailable (`gst_missing`, `rtsp_missing`) so a test can skip with the reason.
"""

from __future__ import annotations

import functools
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import numpy as np

GST_PYTHON = "/usr/bin/python3"  # Debian's interpreter: GStreamer's bindings are Debian packages
GST_SCRIPT = Path(__file__).with_name("gst_rtsp_server.py")

#: The colour blocks of `pattern_frames` (RGB), left to right, each a quarter of the width.
BLOCKS = ((230, 30, 30), (30, 200, 30), (30, 30, 230), (240, 240, 240))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    """Poll `condition` until true or `timeout` s: a bound on waiting, never a timing assertion."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(step)
    return condition()


@functools.cache
def gst_missing() -> str | None:
    """Why GStreamer's RTSP server cannot run here, or None."""
    if not os.path.exists(GST_PYTHON):
        return f"{GST_PYTHON} is not installed"
    check = (
        "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0');"
        "from gi.repository import Gst, GstRtspServer; Gst.init(None);"
        "missing = [e for e in ('videotestsrc', 'x264enc', 'rtph264pay') if not Gst.ElementFactory.find(e)];"
        "print(' '.join(missing))"
    )
    try:
        done = subprocess.run([GST_PYTHON, "-c", check], check=False, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"GStreamer check failed: {exc}"
    if done.returncode != 0:
        return "GStreamer's RTSP server is not installed (gir1.2-gst-rtsp-server-1.0, python3-gst-1.0)"
    if done.stdout.strip():
        return f"GStreamer elements missing: {done.stdout.strip()} (gstreamer1.0-plugins-ugly for x264enc)"
    return None


class GstServer:
    """GStreamer's RTSP server serving SMPTE bars at rtsp://127.0.0.1:port/mount."""

    def __init__(
        self,
        port: int | None = None,
        *,
        mount: str = "/cam",
        user: str = "",
        password: str = "",
        auth: str = "basic",
        width: int = 320,
        height: int = 240,
        fps: int = 25,
        speed: int = 0,
        bitrate: int = 2000,
        udp_only: bool = False,
    ) -> None:
        self.port = port or free_port()
        self.mount, self.user, self.password, self.auth = mount, user, password, auth
        self.size, self.fps, self.speed, self.bitrate = (width, height), fps, speed, bitrate
        self.udp_only = udp_only
        self.process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 20.0) -> GstServer:
        command = [GST_PYTHON, str(GST_SCRIPT), "--port", str(self.port), "--mount", self.mount]
        command += ["--width", str(self.size[0]), "--height", str(self.size[1]), "--fps", str(self.fps)]
        command += ["--speed", str(self.speed), "--bitrate", str(self.bitrate)] + (
            ["--udp-only"] if self.udp_only else []
        )
        if self.user:
            command += ["--user", self.user, "--password", self.password, "--auth", self.auth]
        with tempfile.TemporaryFile("w+") as errors:  # a pipe nobody reads could fill and block the server
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
            line = self.process.stdout.readline() if self.process.stdout else ""
            if line.startswith("ready"):
                return self
            self.stop()
            errors.seek(0)
            error = errors.read()
            raise RuntimeError(f"GStreamer RTSP server did not start: {error.strip()[-500:]}")

    def url(self, mount: str | None = None, user: str | None = None, password: str | None = None) -> str:
        userinfo = ""
        if user is not None:
            userinfo = quote(user, safe="") + (":" + quote(password, safe="") if password is not None else "") + "@"
        return f"rtsp://{userinfo}127.0.0.1:{self.port}{mount or self.mount}"

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections stay open, nothing is sent — a stuck camera."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        """Kill the server at once (no TEARDOWN, sockets reset): a camera losing power."""
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(10)
            self._close_pipes()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._close_pipes()

    def _close_pipes(self) -> None:
        if self.process is not None and self.process.stdout:
            self.process.stdout.close()

    def __enter__(self) -> GstServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def rtsp_missing() -> str | None:
    try:
        import rtsp  # noqa: F401
    except ImportError as exc:
        return f"PyPI rtsp is not installed (pip install rtsp): {exc}"
    return None


def pattern_frames(width: int = 320, height: int = 240, count: int = 25) -> list[np.ndarray]:
    """RGB frames of four colour blocks (`BLOCKS`); a white square walks along the top band so
    consecutive frames differ (the encoder sends real motion) without touching the blocks."""
    frames = []
    quarter = width // 4
    for i in range(count):
        frame = np.zeros((height, width, 3), np.uint8)
        for k, colour in enumerate(BLOCKS):
            frame[height // 8 :, k * quarter : (k + 1) * quarter] = colour
        x = (i * (width - 16)) // max(1, count - 1)
        frame[4:20, x : x + 16] = 255
        frames.append(frame)
    return frames


def block_centres(width: int, height: int) -> list[tuple[int, int]]:
    """(row, column) of each block's centre in a picture of width x height."""
    quarter = width / 4
    row = int(height * (1 / 8 + 7 / 16))
    return [(row, int(quarter * (k + 0.5))) for k in range(4)]


@contextmanager
def rtsp_source(frames: list[np.ndarray], fps: int = 25, *, sprop: bool = True) -> Iterator[str]:
    """PyPI rtsp's server looping `frames`; yields its URL.  ``sprop=False``: its SDP leaves out
    the SPS/PPS (sprop-parameter-sets), as some cameras' do; they come in the stream only."""
    from rtsp.source import Source

    class WithoutParameterSets(Source):
        def _sdp(self) -> str:
            return re.sub(r";sprop-parameter-sets=[^\r\n]*", "", super()._sdp())

    port = free_port()
    kind = Source if sprop else WithoutParameterSets
    source = kind(f"rtsp://127.0.0.1:{port}/live", fps=fps, frame_buffer=frames)
    try:
        if not source.wait_ready(10) or not source.wait_encoding_started(10):
            raise RuntimeError("PyPI rtsp server did not start")
        yield f"rtsp://127.0.0.1:{port}/live"
    finally:
        source.close()
        # rtsp.Source stops its event loop but never closes it (a ResourceWarning in our tests).
        loop = source._loop
        if loop is not None and wait_for(lambda: not loop.is_running(), 5):
            loop.close()
