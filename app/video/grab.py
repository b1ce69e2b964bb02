"""One picture from a camera, for the snapshot stored with an alarm.

An alarm's snapshot must be taken at the moment of the alarm, whether or not a pane shows the
camera, and must not hang the caller: `grab` opens the stream, reads the first decodable
frame and releases it within `timeout` seconds, or raises a VideoError that says why in the
operator's words (stored in the journal instead of a picture).
"""

from __future__ import annotations

import time

import cv2

from app.video.address import redact
from app.video.capture import now_ms, open_stream, to_frame
from app.video.errors import VideoError
from app.video.model import Frame, StreamState


def grab(url: str, timeout: float = 8.0, *, transport: str = "auto") -> Frame:
    """The first frame the camera at `url` sends, at its own size (RGB).

    Blocks the calling thread (never call it on the GUI thread) for at most about `timeout`
    seconds: each open and its first read get half the time left (OpenCV's open and read
    timeouts), the probe after a failed open what remains."""
    deadline = time.monotonic() + timeout
    opened = open_stream(url, transport, timeout, timeout, deadline)
    capture = opened.capture
    if capture is None:
        raise VideoError(opened.state, opened.detail)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ok, bgr = capture.read()
            if ok and bgr is not None and bgr.size:
                return to_frame(bgr, 1, now_ms())
            if not ok:
                break
    finally:
        capture.release()
    raise VideoError(
        StreamState.NO_SIGNAL,
        f"{timeout:g} 秒内未收到图像 / no picture within {timeout:g} s ({opened.transport}, {redact(url)})",
    )


def to_jpeg(frame: Frame, quality: int = 85) -> bytes:
    """The frame as JPEG bytes (what the alarm journal stores)."""
    bgr = cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR)
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise VideoError(StreamState.NO_SIGNAL, "JPEG 编码失败 / JPEG encoding failed")
    return data.tobytes()
