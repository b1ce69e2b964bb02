"""The simulated cameras' test picture: the time stamp survives coding and scaling, the bars are where they say.

The glass-to-pane latency bench and the video tests read the stamp from a decoded picture that
has been through H.264 (blocking, blur) and scaled to the pane: these are the same damages
applied without a network (JPEG at low quality, a Gaussian blur, H.264 through PyAV, resize).
"""

from __future__ import annotations

from fractions import Fraction

import av
import cv2
import numpy as np
import pytest

from drivers.simulator.camera_pattern import STAMP_BITS, bar_colours, read_stamp, render, stamp_bits

T = 1_795_631_073_202  # a wall time in ms (late 2026)


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def h264_round_trip(images: list[np.ndarray]) -> list[np.ndarray]:
    """Encode with x264 at a low bit rate and decode again (what the camera and the client do)."""
    h, w = images[0].shape[:2]
    enc = av.CodecContext.create("libx264", "w")
    enc.width, enc.height, enc.pix_fmt = w, h, "yuv420p"
    enc.time_base = Fraction(1, 15)
    enc.options = {"preset": "ultrafast", "tune": "zerolatency", "crf": "40"}
    dec = av.CodecContext.create("h264", "r")
    out = []
    for i, img in enumerate(images):
        frame = av.VideoFrame.from_ndarray(img, format="rgb24").reformat(format="yuv420p")
        frame.pts = i
        for packet in enc.encode(frame):
            out += [f.to_ndarray(format="rgb24") for f in dec.decode(packet)]
    for packet in enc.encode(None):
        out += [f.to_ndarray(format="rgb24") for f in dec.decode(packet)]
    return out


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720), (320, 240)])
@pytest.mark.parametrize("factor", [1, 2, 4])
def test_stamp_survives_jpeg_blur_and_scaling(size, factor):
    w, h = size
    img = render("CAM-1", T, w, h)
    damaged = cv2.GaussianBlur(jpeg(img, 25), (5, 5), 0)
    small = cv2.resize(damaged, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    assert read_stamp(small) == T
    nearest = cv2.resize(damaged, (w // factor, h // factor), interpolation=cv2.INTER_NEAREST)
    assert read_stamp(nearest) == T


def test_stamp_survives_h264_and_quarter_size():
    stamps = [T + i * 67 for i in range(5)]
    decoded = h264_round_trip([render("CAM-2", t, 640, 360, seq=i) for i, t in enumerate(stamps)])
    assert len(decoded) == len(stamps)
    for t, img in zip(stamps, decoded, strict=True):
        assert read_stamp(img) == t
        assert read_stamp(cv2.resize(img, (160, 90), interpolation=cv2.INTER_AREA)) == t


@pytest.mark.parametrize("t", [0, 1, (1 << STAMP_BITS) - 1, 0xA5A5A5A5A5A5, T])
def test_stamp_round_trip_of_edge_values(t):
    assert read_stamp(render("X", t, 320, 240)) == t


def test_stamp_code_has_guards_and_parity():
    cells = stamp_bits(T)
    assert cells.shape == (4, 14)
    assert list(cells[:, 0]) == [1, 0, 1, 0]
    assert all(int(row[1:].sum()) % 2 == 0 for row in cells)  # data + parity is even
    with pytest.raises(ValueError, match="48 bits"):
        stamp_bits(1 << STAMP_BITS)


def test_no_stamp_in_other_pictures():
    assert read_stamp(np.zeros((240, 320, 3), np.uint8)) is None
    assert read_stamp(np.full((240, 320, 3), 255, np.uint8)) is None
    noise = np.random.default_rng(1).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    assert read_stamp(noise) is None
    assert read_stamp(np.zeros((4, 4, 3), np.uint8)) is None


def test_damaged_stamp_is_refused_not_misread():
    img = render("CAM-1", T, 320, 240)
    h, w = img.shape[:2]
    y = int(0.80 * h + 0.05 * h * 0.5)  # the middle of the first row of blocks
    x = int(w * 5.5 / 14)  # the middle of its fifth data block
    img[y - 4 : y + 4, x - 8 : x + 8] = 255 - img[y, x]  # flip one bit
    assert read_stamp(img) is None


def test_bars_are_where_bar_colours_says():
    bars = bar_colours()
    assert [b.name for b in bars][:3] == ["white", "yellow", "cyan"]
    for w, h in ((1280, 720), (320, 240)):
        img = render("CAM-1", T, w, h)
        for bar in bars:
            x, y = bar.centre(w, h)
            assert tuple(int(v) for v in img[y, x]) == bar.rgb, bar.name
            assert 0 <= bar.x0 < bar.x1 <= 1 and 0 <= bar.y0 < bar.y1 <= 1


def test_picture_moves():
    a, b = render("CAM-1", T, 320, 240), render("CAM-1", T + 1000, 320, 240)
    motion = slice(int(0.5 * 240), int(0.8 * 240))
    assert np.abs(a[motion].astype(int) - b[motion].astype(int)).sum() > 0
    assert a.dtype == np.uint8 and a.shape == (240, 320, 3)
