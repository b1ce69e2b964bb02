"""One simulated camera's H.264 encoder: renders the test picture and encodes it, in a thread.

x264 at 1080p takes milliseconds per frame; on the simulator's event loop that would delay
every simulated DTU, so the work runs in a thread of its own and hands each access unit to
the loop.  It runs only while someone watches (`CameraServer` starts it on the first PLAY and
stops it when the last viewer leaves): an idle camera costs nothing.

Encoding is what an IP camera's low-latency profile does: libx264, preset ultrafast, tune
zerolatency (no frame delay, no B-frames), constrained baseline, a keyframe every second with
SPS and PPS in front of it, and a keyframe on demand when a new viewer starts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from fractions import Fraction

import av
import cv2

from drivers.simulator.camera_pattern import render
from drivers.simulator.rtp import NAL_IDR, NAL_PPS, NAL_SPS, nal_type, split_annexb
from drivers.simulator.spec import SimCamera

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccessUnit:
    """One encoded picture: its NAL units and the wall time it shows (ms UTC, also in its stamp)."""

    nals: list[bytes]
    wall_ms: int
    keyframe: bool
    seq: int


def _codec(camera: SimCamera, *, global_header: bool = False) -> av.VideoCodecContext:
    ctx = av.CodecContext.create("libx264", "w")
    assert isinstance(ctx, av.VideoCodecContext)
    ctx.width, ctx.height, ctx.pix_fmt = camera.width, camera.height, "yuv420p"
    ctx.time_base = Fraction(1, 1000)
    ctx.framerate = Fraction(camera.fps).limit_denominator(1000)
    if global_header:
        ctx.flags |= av.codec.context.Flags.global_header
    keyint = max(1, round(camera.fps))
    ctx.options = {
        "preset": "ultrafast",
        "tune": "zerolatency",
        "profile": "baseline",
        "forced-idr": "1",
        "threads": "1",
        "x264-params": f"keyint={keyint}:min-keyint={keyint}:scenecut=0:repeat-headers=1:bframes=0",
    }
    ctx.open()
    return ctx


def parameter_sets(camera: SimCamera) -> tuple[bytes, bytes]:
    """The SPS and PPS the camera's encoder will use (for the SDP's sprop-parameter-sets).

    Opening x264 with a global header yields them without encoding a picture: about 10 ms,
    so the server calls this in a thread, once per camera.
    """
    ctx = _codec(camera, global_header=True)
    try:
        nals = split_annexb(bytes(ctx.extradata or b""))
    finally:
        del ctx
    sps = next((n for n in nals if nal_type(n) == NAL_SPS), None)
    pps = next((n for n in nals if nal_type(n) == NAL_PPS), None)
    if sps is None or pps is None:
        raise RuntimeError(f"camera {camera.id}: libx264 gave no SPS/PPS")
    return sps, pps


class CameraEncoder:
    """Renders and encodes ``camera``'s picture at its frame rate in a thread while started.

    ``deliver`` is called from the encoder's thread with each access unit; the server passes a
    function that hands it to its event loop.  ``keyframe()`` asks for the next picture to be
    an IDR (a new viewer starts there).
    """

    def __init__(
        self,
        camera: SimCamera,
        deliver: Callable[[AccessUnit], None],
        *,
        tz: tzinfo | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.camera = camera
        self._deliver = deliver
        self._tz = tz
        self._clock = clock
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._want_key = threading.Event()
        self.frames = 0  # encoded since construction: tests see whether it runs
        self.error: str | None = None

    @property
    def running(self) -> bool:
        """Whether the encoding thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start encoding (no-op while running); the first picture is a keyframe."""
        if self.running and not self._stop.is_set():
            self._want_key.set()
            return
        self._stop = threading.Event()
        self._want_key.set()
        self._thread = threading.Thread(target=self._run, args=(self._stop,), name=f"camera-{self.camera.id}")
        self._thread.daemon = True
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end after the picture in hand (returns at once; `join` waits)."""
        self._stop.set()

    def join(self, timeout: float = 5.0) -> None:
        """Wait for the thread to end (call from a thread, not the event loop)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def keyframe(self) -> None:
        """Make the next picture an IDR with SPS and PPS in front."""
        self._want_key.set()

    def _run(self, stop: threading.Event) -> None:
        cam = self.camera
        try:
            ctx = _codec(cam)
        except (av.FFmpegError, ValueError) as exc:
            self.error = str(exc)
            log.error("camera %s: cannot open the H.264 encoder / 无法打开H.264编码器: %s", cam.id, exc)
            return
        period = 1.0 / cam.fps
        next_at = started = time.monotonic()
        seq = pts = 0
        try:
            while not stop.is_set():
                wall_ms = int(self._clock() * 1000)
                image = render(cam.id, wall_ms, cam.width, cam.height, tz=self._tz, seq=seq)
                frame = av.VideoFrame.from_ndarray(cv2.cvtColor(image, cv2.COLOR_RGB2YUV_I420), format="yuv420p")
                pts = max(pts + 1, int((time.monotonic() - started) * 1000))  # rising, whatever the wall clock does
                frame.pts = pts
                if self._want_key.is_set():
                    self._want_key.clear()
                    frame.pict_type = av.video.frame.PictureType.I
                for packet in ctx.encode(frame):
                    nals = split_annexb(bytes(packet))
                    key = any(nal_type(n) == NAL_IDR for n in nals)
                    self.frames += 1
                    self._deliver(AccessUnit(nals, wall_ms, key, seq))
                seq += 1
                next_at += period
                delay = next_at - time.monotonic()
                if delay < -period:  # fell behind (CPU starved): skip, do not burst
                    next_at = time.monotonic()
                elif delay > 0:
                    stop.wait(delay)
        except Exception as exc:  # a dead encoder must say why, not vanish
            self.error = str(exc)
            log.exception("camera %s: encoding failed / 编码失败", cam.id)
        finally:
            del ctx
