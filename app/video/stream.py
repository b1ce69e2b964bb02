"""One camera's live picture, decoded in its own thread; the viewer takes the newest frame.

A control room shows up to nine cameras beside the diagram; decoding must never touch the GUI
thread and a slow painter must never make memory grow.  So each `CameraStream` runs one worker
thread that opens the RTSP stream (`app.video.capture`), reads frames as fast as the camera
sends them and keeps only the newest one in a slot — scaled once, in the worker, to the size
of the pane that shows it.  Callbacks come from the worker: the GUI turns them into queued
signals and fetches `latest()` when it paints.

States are in words (`StreamState`).  A lost stream is reopened with exponential backoff and
jitter; a wrong password backs off to the longest wait at once (cameras lock an account that
keeps failing).  A stream that stops sending without closing (a frozen encoder, a half-open
TCP connection) is caught by the read timeout, `stall_s`, and reopened.

Stopping: `stop()` sets a flag and joins the worker for at most `timeout` seconds.  A worker
blocked inside OpenCV (an open, a read) cannot be interrupted from outside; it notices the
flag when that call returns: at most `open_timeout_s` (+ 3 s of probing after a failed open)
or `stall_s` later, releases the capture and ends.  A started stream is never left running.
"""

from __future__ import annotations

import collections
import logging
import random
import threading
import time
from collections.abc import Callable

import cv2
import numpy as np

from app.video.address import redact
from app.video.capture import now_ms, open_stream, to_frame, transports_for
from app.video.model import Frame, StreamState, StreamStatus

log = logging.getLogger(__name__)

FPS_WINDOW_S = 2.0  # the measured fps is over this many seconds of frames
FPS_REPORT_S = 1.0  # a LIVE status is renewed with the new fps this often
FIRST_FPS_FRAMES = 5  # the first LIVE says fps 0 (one frame); a first rate as soon as 5 have come
#: Frames must flow this long before the backoff starts again from its first wait: a camera
#: that ends its stream after every few frames is not called back every second for ever.
STEADY_S = 10.0


class CameraStream:
    """A camera's RTSP stream decoded in a worker thread, newest frame only."""

    def __init__(
        self,
        url: str,
        *,
        label: str = "",
        transport: str = "auto",
        open_timeout_s: float = 5.0,
        stall_s: float = 5.0,
        backoff_first_s: float = 1.0,
        backoff_most_s: float = 30.0,
        on_frame: Callable[[], None] | None = None,
        on_status: Callable[[StreamStatus], None] | None = None,
    ) -> None:
        transports_for(transport)  # refuses an unknown transport now, not in the worker
        self._url = url
        self._label = label or redact(url)
        self._transport = transport
        self._open_timeout_s = open_timeout_s
        self._stall_s = stall_s
        self._backoff_first_s = backoff_first_s
        self._backoff_most_s = max(backoff_most_s, backoff_first_s)
        self._on_frame = on_frame
        self._on_status = on_status
        self._lock = threading.Lock()
        self._target = (0, 0)
        self._latest: Frame | None = None
        self._decoded: tuple[np.ndarray, int, int] | None = None  # newest BGR picture, its seq, ms
        self._seq = 0
        self._status = StreamStatus(StreamState.STOPPED, now_ms())
        self._told = self._status  # the last status logged and given to on_status
        self._worker: threading.Thread | None = None
        self._stopping = threading.Event()

    # --- what the viewer sees -------------------------------------------------------------

    @property
    def label(self) -> str:
        return self._label

    @property
    def status(self) -> StreamStatus:
        return self._status

    @property
    def running(self) -> bool:
        worker = self._worker
        return worker is not None and worker.is_alive() and not self._stopping.is_set()

    def set_target_size(self, width: int, height: int) -> None:
        """The pane's size in device pixels; frames from now on fit inside it. (0, 0) = full size."""
        with self._lock:
            self._target = (max(0, int(width)), max(0, int(height)))

    def latest(self) -> Frame | None:
        """The newest frame, scaled to the target size; None before the first."""
        return self._latest

    def full_frame(self) -> Frame | None:
        """The newest frame at the camera's own resolution, converted now (snapshots are rare:
        the worker keeps a reference to the decoded picture, it does not convert every frame)."""
        with self._lock:
            decoded, latest = self._decoded, self._latest
        if decoded is None:
            return None
        bgr, seq, received_ms = decoded
        if latest is not None and latest.seq == seq and latest.image.shape[:2] == bgr.shape[:2]:
            return latest
        return to_frame(bgr, seq, received_ms)

    # --- life -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start decoding (no-op when already running)."""
        if self.running:
            return
        self._stopping = threading.Event()
        self._worker = threading.Thread(
            target=self._run, args=(self._stopping,), name=f"camera {self._label}", daemon=True
        )
        self._worker.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop decoding and join the worker for at most `timeout` s (see the module's note)."""
        self._stopping.set()
        worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout)
        if self._status.state is not StreamState.STOPPED:
            self._status = StreamStatus(StreamState.STOPPED, now_ms())  # the worker tells on_status

    # --- the worker -----------------------------------------------------------------------

    def _run(self, stopping: threading.Event) -> None:
        failures = 0
        while not stopping.is_set():
            self._set_status(StreamStatus(StreamState.CONNECTING, now_ms()), stopping)
            opened = open_stream(self._url, self._transport, self._open_timeout_s, self._stall_s)
            if opened.capture is None:
                status = opened.state, opened.detail
            else:
                try:
                    status, flowed_s = self._read(opened.capture, opened.transport, stopping)
                finally:
                    opened.capture.release()
                if flowed_s >= STEADY_S:
                    failures = 0
            if stopping.is_set():
                break
            delay = self._backoff(failures, status[0])
            failures += 1
            self._set_status(StreamStatus(status[0], now_ms(), detail=status[1], retry_in_s=delay), stopping)
            if stopping.wait(delay):
                break
        if self._stopping is stopping:  # not restarted meanwhile: say so, from the worker
            self._set_status(StreamStatus(StreamState.STOPPED, now_ms()))

    def _read(
        self, capture: cv2.VideoCapture, transport: str, stopping: threading.Event
    ) -> tuple[tuple[StreamState, str], float]:
        """Read until the stream fails or stop; (why it ended, seconds frames flowed)."""
        times: collections.deque[float] = collections.deque()
        last = opened_at = first = time.monotonic()
        reported = 0.0
        flowed = False
        while not stopping.is_set():
            ok, bgr = capture.read()
            if stopping.is_set():  # stopped (maybe restarted) while the read blocked: keep nothing
                break
            now = time.monotonic()
            quiet = now - last
            # A read that ran into the read timeout is a stuck stream even when the decoder hands
            # over what it still held (FFmpeg flushes a broken picture on the interrupt).
            if quiet >= self._stall_s * 0.9:
                if not flowed:
                    return (StreamState.NO_SIGNAL, _no_picture(now - opened_at, transport)), 0.0
                return (StreamState.NO_SIGNAL, _stuck(quiet)), last - first
            if not ok or bgr is None or not bgr.size:
                if not flowed:
                    return (StreamState.NO_SIGNAL, _no_picture(now - opened_at, transport)), 0.0
                ended = f"摄像机结束了视频流 / the camera ended the stream ({transport})"
                return (StreamState.ENDED, ended), last - first
            if not flowed:
                first = now
            last = now
            self._keep(bgr)
            times.append(now)
            while times and now - times[0] > FPS_WINDOW_S:
                times.popleft()
            first_rate = flowed and self._status.fps == 0.0 and len(times) >= FIRST_FPS_FRAMES
            if not flowed or first_rate or now - reported >= FPS_REPORT_S:
                fps = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
                height, width = bgr.shape[:2]
                since = self._status.since_ms if flowed else now_ms()
                way = f"RTSP over {transport.upper()}"
                live = StreamStatus(StreamState.LIVE, since, width, height, round(fps, 1), detail=way)
                self._set_status(live, stopping)
                flowed, reported = True, now
            if self._on_frame is not None:
                self._call(self._on_frame)
        return (StreamState.STOPPED, ""), (last - first) if flowed else 0.0

    def _keep(self, bgr: np.ndarray) -> None:
        """Put the new picture in the slot: the previous one is dropped, read or not."""
        self._seq += 1
        received = now_ms()
        with self._lock:
            box = self._target
        frame = to_frame(bgr, self._seq, received, box)
        with self._lock:
            self._decoded = (bgr, self._seq, received)
            self._latest = frame

    def _backoff(self, failures: int, state: StreamState) -> float:
        """Seconds before the next attempt: doubling from the first to the most, +-20 % jitter
        (nine cameras behind one switch that restarts do not all call back at once); a wrong
        password waits the longest at once."""
        if state == StreamState.AUTH_FAILED:
            return self._backoff_most_s
        base = min(self._backoff_most_s, self._backoff_first_s * 2 ** min(failures, 30))
        return round(min(self._backoff_most_s, base * random.uniform(0.8, 1.2)), 2)

    def _set_status(self, status: StreamStatus, stopping: threading.Event | None = None) -> None:
        if stopping is not None and stopping.is_set():
            return  # a stopped stream says STOPPED, not what its worker found on the way out
        previous, self._status, self._told = self._told, status, status
        if previous.state != status.state or previous.detail != status.detail:
            en = status.state.words[1]
            retry = f", retry in {status.retry_in_s:g} s" if status.retry_in_s is not None else ""
            size = f" {status.width}x{status.height}" if status.state == StreamState.LIVE else ""
            log.info(
                "camera %s (%s): %s%s%s %s",
                self._label, redact(self._url), en, size, retry, redact(status.detail),
            )  # fmt: skip
        if self._on_status is not None:
            self._call(self._on_status, status)

    def _call(self, callback: Callable[..., None], *args: object) -> None:
        """A viewer's callback; its failure is logged and never ends the capture."""
        try:
            callback(*args)
        except Exception:
            log.exception("camera %s: a frame or status callback failed", self._label)


def _no_picture(seconds: float, transport: str) -> str:
    return f"已连接但 {seconds:.0f} 秒内无图像 / connected, but no picture in {seconds:.0f} s ({transport})"


def _stuck(seconds: float) -> str:
    return f"{seconds:.0f} 秒无新图像，重新连接 / no frame for {seconds:.0f} s: stream stuck, reopening"
