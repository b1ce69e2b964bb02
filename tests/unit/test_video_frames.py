"""Frames scaled once to fit the pane, RGB, and JPEG snapshots (issue 8)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from app.video.capture import ffmpeg_options, fit_inside, to_frame, transports_for
from app.video.grab import to_jpeg


@pytest.mark.parametrize(
    ("size", "box", "expected"),
    [
        ((1920, 1080), (640, 480), (640, 360)),  # width-bound
        ((1920, 1080), (400, 400), (400, 225)),
        ((1280, 720), (100, 300), (100, 56)),
        ((320, 240), (1920, 1080), (320, 240)),  # never scaled up
        ((1920, 1080), (0, 0), (1920, 1080)),  # (0, 0): the camera's own size
    ],
)
def test_fit_inside_keeps_the_aspect(size, box, expected) -> None:
    assert fit_inside(*size, *box) == expected


def test_to_frame_turns_bgr_into_rgb_and_scales_once() -> None:
    bgr = np.zeros((240, 320, 3), np.uint8)
    bgr[:, :160] = (255, 0, 0)  # blue in OpenCV's order
    bgr[:, 160:] = (0, 0, 255)  # red
    frame = to_frame(bgr, 7, 123, (160, 160))
    assert frame.image.shape == (120, 160, 3) and frame.image.flags.c_contiguous
    assert (frame.source_width, frame.source_height, frame.seq, frame.received_ms) == (320, 240, 7, 123)
    assert tuple(frame.image[60, 20]) == (0, 0, 255)
    assert tuple(frame.image[60, 140]) == (255, 0, 0)


def test_jpeg_snapshot_decodes_to_the_same_picture() -> None:
    bgr = np.zeros((240, 320, 3), np.uint8)
    bgr[:, :160] = (0, 200, 0)
    frame = to_frame(bgr, 1, 0)
    data = to_jpeg(frame, quality=90)
    assert data[:2] == b"\xff\xd8"
    back = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert back.shape == (240, 320, 3)
    assert np.abs(back[120, 40].astype(int) - (0, 200, 0)).max() < 12


def test_transports_and_options() -> None:
    assert transports_for("auto") == ("tcp", "udp")
    assert transports_for("udp") == ("udp",)
    with pytest.raises(ValueError):
        transports_for("http")
    assert ffmpeg_options("udp").startswith("rtsp_transport;udp|")


@pytest.mark.parametrize("size", [(640, 360), (633, 356), (400, 225), (300, 169), (954, 536)])
@pytest.mark.parametrize("period", [2, 4])
def test_shrink_averages_fine_detail_as_inter_area_does(size, period) -> None:
    """Black and white stripes (a fence, a cable tray) shrunk 2x or more for a pane: as even as
    INTER_AREA leaves them, never the moire of plain sampling.  (Under 2x, 1080p into a
    954 x 536 tile here, the rest is bilinear: only the average is kept.)"""
    from app.video.capture import shrink

    bgr = np.zeros((1080, 1920, 3), np.uint8)
    for i in range(period // 2):
        bgr[:, i::period] = 255
    small = shrink(bgr, size)
    area = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
    nearest = cv2.resize(bgr, size, interpolation=cv2.INTER_NEAREST)
    assert small.shape == area.shape == (size[1], size[0], 3)
    assert abs(small.mean() - 127.5) < 3
    assert nearest.std() > 100  # the pattern does alias when sampled: the test can fail
    if 1920 / size[0] >= 2:
        assert small.std() <= area.std() + 3, (small.std(), area.std())


def test_options_gate_shares_a_value_and_serves_other_values_in_turn() -> None:
    """Opens with the same FFmpeg options run together; a different value waits for them, and a
    later open with the first value waits behind it (no starving the UDP fallback)."""
    import os
    import threading

    from app.video.capture import OPTIONS_VARIABLE, _OptionsGate

    before = os.environ.get(OPTIONS_VARIABLE)
    gate = _OptionsGate()
    seen: list[tuple[str, str]] = []
    release_a = threading.Event()

    def open_with(name: str, value: str, hold: threading.Event | None = None) -> None:
        with gate.using(value):
            seen.append((name, os.environ[OPTIONS_VARIABLE]))
            if hold is not None:
                assert hold.wait(10)

    a = threading.Thread(target=open_with, args=("a", "tcp", release_a))
    a.start()
    assert _wait(lambda: seen == [("a", "tcp")])
    b = threading.Thread(target=open_with, args=("b", "tcp"))  # same value: joins a at once
    b.start()
    b.join(10)
    assert seen == [("a", "tcp"), ("b", "tcp")]
    c = threading.Thread(target=open_with, args=("c", "udp"))  # other value: waits for a
    c.start()
    assert _wait(lambda: len(gate._waiting) == 1)
    d = threading.Thread(target=open_with, args=("d", "tcp"))  # came after c: waits behind it
    d.start()
    assert _wait(lambda: len(gate._waiting) == 2)
    assert len(seen) == 2
    release_a.set()
    for t in (a, c, d):
        t.join(10)
    assert seen[2:] == [("c", "udp"), ("d", "tcp")]
    assert os.environ.get(OPTIONS_VARIABLE) == before  # left as found once no open is in flight


def _wait(condition, timeout: float = 10.0) -> bool:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end and not condition():
        time.sleep(0.01)
    return condition()
