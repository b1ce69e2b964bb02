"""The shapes a camera stream shows the rest of the program: its state in words and its frames.

A control-room operator must see *why* a tile is black — the camera refused the password, the
stream ended, nothing answers — not a generic "error", so every state carries words in both
languages.  A `Frame` is the newest picture only: a stream never queues frames for a viewer
that is slower than the camera.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np


class StreamState(enum.StrEnum):
    """Where a camera stream is; the tile shows it in words."""

    STOPPED = "stopped"  # not started, or stopped (a hidden pane stops decoding)
    CONNECTING = "connecting"  # opening the RTSP session (first time or after a loss)
    LIVE = "live"  # frames arrive
    NO_SIGNAL = "no_signal"  # nothing answers at the address, or no frame for too long
    AUTH_FAILED = "auth_failed"  # the camera refused the user name or password (RTSP 401)
    NOT_FOUND = "not_found"  # the camera answers but has no such stream (RTSP 404)
    ENDED = "ended"  # the camera ended the stream (it will be reopened)

    @property
    def words(self) -> tuple[str, str]:
        """(Chinese, English) for the tile and the status bar."""
        return _WORDS[self]


_WORDS: dict[StreamState, tuple[str, str]] = {
    StreamState.STOPPED: ("已停止", "stopped"),
    StreamState.CONNECTING: ("正在连接…", "connecting…"),
    StreamState.LIVE: ("实时", "live"),
    StreamState.NO_SIGNAL: ("无信号", "no signal"),
    StreamState.AUTH_FAILED: ("认证失败（用户名或密码错误）", "authentication failed (wrong user name or password)"),
    StreamState.NOT_FOUND: ("摄像机无此视频流", "the camera has no such stream"),
    StreamState.ENDED: ("视频流已结束", "stream ended"),
}


@dataclass(frozen=True, slots=True)
class StreamStatus:
    """A stream's state with what the operator needs to judge it."""

    state: StreamState
    since_ms: int  # wall-clock ms UTC the stream entered this state
    width: int = 0  # of the camera's picture (LIVE)
    height: int = 0
    fps: float = 0.0  # measured over the last seconds (LIVE)
    detail: str = ""  # e.g. "RTSP 401 Unauthorized", "connection refused"; never a URL with credentials
    retry_in_s: float | None = None  # when the next reconnection attempt comes (not LIVE)


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded picture: RGB, uint8, shape (height, width, 3), C-contiguous."""

    image: np.ndarray
    seq: int  # counts frames of this stream from 1; a viewer repaints only when it changes
    received_ms: int  # wall-clock ms UTC the frame was decoded
    source_width: int  # the camera's picture size (the image may be scaled for the pane)
    source_height: int
