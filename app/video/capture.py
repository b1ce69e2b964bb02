"""Opening an RTSP stream with OpenCV's FFmpeg backend, and turning its pictures into Frames.

OpenCV reads FFmpeg's RTSP options from one process-wide environment variable,
OPENCV_FFMPEG_CAPTURE_OPTIONS, at every open.  Two streams opening at once with different
transports (one falling back to UDP) would read each other's value, so the variable is set
under `_OptionsGate`: opens wanting the same options run together (nine cameras connect at
once), an open wanting other options waits until those in flight have read theirs.

When an open fails OpenCV cannot say why; `open_stream` asks the camera with `probe`, so the
tile says "authentication failed" rather than "no signal", and a wrong password is never
retried over UDP.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import cv2
import numpy as np

from app.video.model import Frame, StreamState
from app.video.probe import probe

OPTIONS_VARIABLE = "OPENCV_FFMPEG_CAPTURE_OPTIONS"
#: Low latency: no demuxer buffering (fflags nobuffer), at most 0.5 s of demuxing delay, no RTP
#: reordering queue (FFmpeg logs "setting jitter buffer size to 0"; cameras send no B-frames),
#: and 0.5 s of stream analysis at open instead of FFmpeg's own estimate: the first picture of
#: a 720p stream came 1.2 s after the open began instead of 2.2 s (the popup on an alarm has 4 s),
#: with or without the SPS/PPS in the SDP.  All are options of avformat_open_input (`ffmpeg -h
#: demuxer=rtsp`, `-h full`).  The decoder's `flags;low_delay` is left out: OpenCV opens the
#: decoder without this dictionary, so FFmpeg would silently ignore it.
LOW_LATENCY = "fflags;nobuffer|max_delay;500000|reorder_queue_size;0|analyzeduration;500000"
TRANSPORTS = ("tcp", "udp")
PROBE_TIMEOUT_S = 3.0


def ffmpeg_options(transport: str) -> str:
    """The OPENCV_FFMPEG_CAPTURE_OPTIONS value for one open over `transport` ('tcp' or 'udp')."""
    return f"rtsp_transport;{transport}|{LOW_LATENCY}"


def transports_for(transport: str) -> tuple[str, ...]:
    """'auto' tries TCP (passes firewalls and NAT, no lost packets) then UDP."""
    if transport == "auto":
        return TRANSPORTS
    if transport not in TRANSPORTS:
        raise ValueError(f"transport must be 'tcp', 'udp' or 'auto', not {transport!r}")
    return (transport,)


class _OptionsGate:
    """Holds the environment variable at one value while opens using that value are in flight.

    Opens wanting the value already set join those in flight, unless an open wanting another
    value came first: that one goes next (first come, first served between values), so a UDP
    fallback is not starved by nine cameras reconnecting over TCP."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._value: str | None = None
        self._users = 0
        self._waiting: list[tuple[int, str]] = []  # (ticket, value) of opens not yet let in
        self._tickets = 0
        self._outside: str | None = None  # the variable's value before our opens set it

    def _may_enter(self, ticket: int, value: str) -> bool:
        if self._users and self._value != value:
            return False
        return all(v == value for t, v in self._waiting if t < ticket)

    @contextmanager
    def using(self, value: str) -> Iterator[None]:
        with self._cond:
            ticket, self._tickets = self._tickets, self._tickets + 1
            self._waiting.append((ticket, value))
            self._cond.wait_for(lambda: self._may_enter(ticket, value))
            self._waiting.remove((ticket, value))
            if self._value is None:
                self._outside = os.environ.get(OPTIONS_VARIABLE)
            if self._value != value:
                os.environ[OPTIONS_VARIABLE] = value
                self._value = value
            self._users += 1
            self._cond.notify_all()  # those queued behind with the same value may follow
        try:
            yield
        finally:
            with self._cond:
                self._users -= 1
                if not self._users and not self._waiting:  # leave the process as we found it
                    _restore(self._outside)
                    self._value = None
                self._cond.notify_all()


def _restore(value: str | None) -> None:
    if value is None:
        os.environ.pop(OPTIONS_VARIABLE, None)
    else:
        os.environ[OPTIONS_VARIABLE] = value


_GATE = _OptionsGate()


def open_capture(url: str, transport: str, open_timeout_s: float, read_timeout_s: float) -> cv2.VideoCapture | None:
    """An opened capture, or None.  Blocks at most about `open_timeout_s` (FFmpeg's interrupt
    callback checks OpenCV's open timeout); each later read blocks at most `read_timeout_s`."""
    params = [
        cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, max(1, int(open_timeout_s * 1000)),
        cv2.CAP_PROP_READ_TIMEOUT_MSEC, max(1, int(read_timeout_s * 1000)),
    ]  # fmt: skip
    with _GATE.using(ffmpeg_options(transport)):
        capture = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
    if not capture.isOpened():
        capture.release()
        return None
    capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the FFmpeg backend ignores it; others keep one frame
    return capture


@dataclass(frozen=True, slots=True)
class Opened:
    """What `open_stream` got: a capture (and the transport that worked), or why not."""

    capture: cv2.VideoCapture | None
    transport: str = ""
    state: StreamState = StreamState.CONNECTING
    detail: str = ""


def open_stream(
    url: str, transport: str, open_timeout_s: float, read_timeout_s: float, deadline: float | None = None
) -> Opened:
    """Open over each transport in turn; after a failure ask the camera why (`probe`), and stop
    at AUTH_FAILED or NOT_FOUND: another transport cannot help, and retrying a wrong password
    locks accounts.

    With a `deadline` (monotonic) everything fits before it: each open and the first read get
    at most half the time left, the probe at most what is left after the open."""
    state, detail, tried = StreamState.NO_SIGNAL, "", []
    for way in transports_for(transport):
        open_s, read_s, probe_s = open_timeout_s, read_timeout_s, min(PROBE_TIMEOUT_S, open_timeout_s)
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0.1:
                break
            open_s, read_s = min(open_s, left / 2), min(read_s, left / 2)
        capture = open_capture(url, way, open_s, read_s)
        if capture is not None:
            return Opened(capture, way, StreamState.LIVE)
        tried.append(way)
        if not detail:
            if deadline is not None:
                probe_s = min(probe_s, max(0.1, deadline - time.monotonic()))
            state, detail = probe(url, timeout=probe_s)
            if state in (StreamState.AUTH_FAILED, StreamState.NOT_FOUND):
                return Opened(None, way, state, detail)
    if state == StreamState.LIVE or not detail:  # RTSP answers, but no picture came
        state = StreamState.NO_SIGNAL
        how = "/".join(tried) or "-"
        detail = f"摄像机应答但无法打开视频流 / the camera answers but the stream would not open ({how})"
        if not tried:
            detail = "超时 / out of time before the stream could be opened"
    return Opened(None, "", state, detail)


def fit_inside(width: int, height: int, box_w: int, box_h: int) -> tuple[int, int]:
    """The size of a width x height picture scaled to fit inside box_w x box_h, aspect kept.

    Never larger than the picture: a pane bigger than the camera is filled by the painter;
    scaling up here would only cost memory.  (0, 0) means the picture's own size."""
    if box_w <= 0 or box_h <= 0 or (width <= box_w and height <= box_h):
        return width, height
    scale = min(box_w / width, box_h / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def shrink(bgr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """`bgr` reduced to `size` (width, height): without moire, and cheaply enough for nine.

    INTER_AREA averages whole source pixels (no moire on a fence or a cable tray) but is only
    fast for a whole-number factor: 1080p to 633 x 356 took 10.5 ms against 2.0 ms to 640 x 360
    here, and 720p to a 2 x 2 tile (954 x 536) 10.8 ms: 27 % of a core at 25 fps, per camera.
    So the whole-number part of the reduction is INTER_AREA's (its fast path) and what is left,
    under 2x, INTER_LINEAR's (1 ms): the smooth scaling the painter would otherwise do.  Under
    2x bilinear can beat with one-pixel detail; a camera's lens and encoder leave little of it.
    """
    height, width = bgr.shape[:2]
    if size == (width, height):
        return bgr
    step = min(width // size[0], height // size[1])
    if width == size[0] * step and height == size[1] * step:
        return cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
    if step >= 2:
        bgr = cv2.resize(bgr, (width // step, height // step), interpolation=cv2.INTER_AREA)
    return cv2.resize(bgr, size, interpolation=cv2.INTER_LINEAR)


def to_frame(bgr: np.ndarray, seq: int, received_ms: int, box: tuple[int, int] = (0, 0)) -> Frame:
    """An RGB Frame of an OpenCV BGR picture, scaled once (`shrink`) to fit inside `box`."""
    height, width = bgr.shape[:2]
    rgb = cv2.cvtColor(shrink(bgr, fit_inside(width, height, *box)), cv2.COLOR_BGR2RGB)
    return Frame(image=rgb, seq=seq, received_ms=received_ms, source_width=width, source_height=height)


def now_ms() -> int:
    return time.time_ns() // 1_000_000
