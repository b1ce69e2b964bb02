"""The simulated cameras' test picture, and the machine-readable time stamp drawn in it.

A test or a benchmark must be able to tell from a received picture that the right camera is
on the pane, that it moves, and how old it is.  So the picture has four bands, top to bottom:

- title (0 .. 12 % of the height): the camera's id and the wall clock as text (ASCII only:
  OpenCV's Hershey fonts have no Chinese glyphs);
- colour bars (12 .. 50 %): eight bars of known colour at known places, `bar_colours()`;
- motion (50 .. 80 %): a box sweeping left and right, one lap every four seconds, so a frozen
  picture is visible to the eye;
- stamp (80 .. 100 %): the frame's wall-clock time (ms since the epoch, UTC) as a 48-bit code
  of black and white blocks, 4 rows x 14 columns over the full width.  Each row starts with a
  guard block (white, black, white, black down the rows), carries 12 bits, and ends with an even
  parity block.  The blocks are large (1/14 of the width, 1/20 of the height), so the code
  survives H.264 and scaling the picture down to a quarter; `read_stamp()` decodes it from a
  picture of any size that shows the whole frame (not cropped or letterboxed).

numpy and cv2 only: drivers never import Qt.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import NamedTuple

import cv2
import numpy as np

TITLE = (0.0, 0.12)
BARS = (0.12, 0.50)
MOTION = (0.50, 0.80)
STAMP = (0.80, 1.0)

STAMP_BITS = 48
_ROWS, _DATA = 4, 12  # 4 rows of 12 data bits: 48 bits
_COLS = _DATA + 2  # guard, data..., parity
_MIN_CONTRAST = 60.0  # luma between the white and the black guards, or it is not a stamp
_LAP_MS = 4000  # the moving box's lap

_BAR_RGB = (
    ("white", (255, 255, 255)),
    ("yellow", (255, 255, 0)),
    ("cyan", (0, 255, 255)),
    ("green", (0, 255, 0)),
    ("magenta", (255, 0, 255)),
    ("red", (255, 0, 0)),
    ("blue", (0, 0, 255)),
    ("black", (0, 0, 0)),
)


class Bar(NamedTuple):
    """One colour bar: its colour and its box as fractions of the picture's width and height."""

    name: str
    rgb: tuple[int, int, int]
    x0: float
    y0: float
    x1: float
    y1: float

    def centre(self, width: int, height: int) -> tuple[int, int]:
        """The bar's centre in pixels of a ``width`` x ``height`` picture (where to sample it)."""
        return int((self.x0 + self.x1) / 2 * width), int((self.y0 + self.y1) / 2 * height)


def bar_colours() -> list[Bar]:
    """The eight bars left to right, with the colour a decoder should show (within H.264's error)."""
    n = len(_BAR_RGB)
    return [Bar(name, rgb, i / n, BARS[0], (i + 1) / n, BARS[1]) for i, (name, rgb) in enumerate(_BAR_RGB)]


def stamp_bits(t_ms: int) -> np.ndarray:
    """The 4 x 14 block pattern (1 white, 0 black) that encodes ``t_ms``."""
    if not 0 <= t_ms < 1 << STAMP_BITS:
        raise ValueError(f"time stamp {t_ms} does not fit {STAMP_BITS} bits")
    cells = np.zeros((_ROWS, _COLS), np.uint8)
    for r in range(_ROWS):
        cells[r, 0] = 1 - r % 2
        for c in range(_DATA):
            bit = STAMP_BITS - 1 - (r * _DATA + c)
            cells[r, 1 + c] = (t_ms >> bit) & 1
        cells[r, _COLS - 1] = int(cells[r, 1 : 1 + _DATA].sum()) % 2
    return cells


def _edges(n: int, start: float, end: float, size: int) -> list[int]:
    return [round((start + (end - start) * i / n) * size) for i in range(n + 1)]


@lru_cache(maxsize=8)
def _background(width: int, height: int) -> np.ndarray:
    """The parts that never change: title and motion backgrounds, colour bars."""
    img = np.zeros((height, width, 3), np.uint8)
    img[: round(TITLE[1] * height)] = (32, 32, 48)
    for bar in bar_colours():
        x0, x1 = round(bar.x0 * width), round(bar.x1 * width)
        y0, y1 = round(bar.y0 * height), round(bar.y1 * height)
        img[y0:y1, x0:x1] = bar.rgb
    img[round(MOTION[0] * height) : round(MOTION[1] * height)] = (40, 40, 40)
    img.setflags(write=False)
    return img


def _clock_text(t_ms: int, tz: tzinfo | None) -> str:
    try:
        when = datetime.fromtimestamp(t_ms / 1000, tz or UTC)
    except (ValueError, OverflowError, OSError):  # beyond datetime's years: the stamp still carries it
        return "----"
    zone = when.strftime("%z") if tz is not None else "UTC"
    return when.strftime("%Y-%m-%d %H:%M:%S.") + f"{t_ms % 1000:03d} {zone}"


def render(name: str, t_ms: int, width: int, height: int, *, tz: tzinfo | None = None, seq: int = 0) -> np.ndarray:
    """The test picture of camera ``name`` at wall time ``t_ms`` (ms UTC): RGB uint8, height x width x 3."""
    if width < 32 or height < 32:
        raise ValueError(f"a test picture needs at least 32 x 32 pixels, not {width} x {height}")
    img = _background(width, height).copy()
    font = cv2.FONT_HERSHEY_SIMPLEX
    title_h = round(TITLE[1] * height)
    scale = max(0.25, title_h * 0.5 / 22)
    thick = max(1, round(scale * 2))
    base = round(title_h * 0.72)
    ascii_name = name.encode("ascii", "replace").decode("ascii")
    cv2.putText(img, ascii_name, (round(width * 0.02), base), font, scale, (255, 255, 255), thick, cv2.LINE_AA)
    clock = _clock_text(t_ms, tz)
    (tw, _), _ = cv2.getTextSize(clock, font, scale * 0.8, thick)
    cv2.putText(img, clock, (width - tw - round(width * 0.02), base), font, scale * 0.8, (255, 255, 0), thick)
    # the moving box: a triangle wave across the motion band
    m0, m1 = round(MOTION[0] * height), round(MOTION[1] * height)
    side = max(4, round((m1 - m0) * 0.6))
    phase = (t_ms % _LAP_MS) / _LAP_MS
    x = round((1 - abs(2 * phase - 1)) * (width - side))
    y = m0 + ((m1 - m0) - side) // 2
    img[y : y + side, x : x + side] = (255, 160, 0)
    cv2.putText(img, f"#{seq}", (round(width * 0.02), m1 - thick * 4), font, scale * 0.7, (200, 200, 200), thick)
    _draw_stamp(img, t_ms)
    return img


def _draw_stamp(img: np.ndarray, t_ms: int) -> None:
    height, width = img.shape[:2]
    cells = stamp_bits(t_ms)
    ys = _edges(_ROWS, STAMP[0], STAMP[1], height)
    xs = _edges(_COLS, 0.0, 1.0, width)
    for r in range(_ROWS):
        for c in range(_COLS):
            img[ys[r] : ys[r + 1], xs[c] : xs[c + 1]] = 255 if cells[r, c] else 0


def _cell_means(gray: np.ndarray) -> np.ndarray:
    """The mean luma of the middle of each block (its edges are blurred by coding and scaling)."""
    height, width = gray.shape
    ys = _edges(_ROWS, STAMP[0], STAMP[1], height)
    xs = _edges(_COLS, 0.0, 1.0, width)
    means = np.zeros((_ROWS, _COLS))
    for r in range(_ROWS):
        y0, y1 = _middle(ys[r], ys[r + 1], height)
        for c in range(_COLS):
            x0, x1 = _middle(xs[c], xs[c + 1], width)
            means[r, c] = float(gray[y0:y1, x0:x1].mean())
    return means


def _middle(a: int, b: int, limit: int) -> tuple[int, int]:
    span = b - a
    lo, hi = a + span // 4, b - span // 4
    if hi <= lo:
        lo = min(max((a + b) // 2, 0), limit - 1)
        hi = lo + 1
    return lo, hi


def read_stamp(image_rgb: np.ndarray) -> int | None:
    """The wall-clock ms UTC stamped in a test picture of any size; None if none can be read.

    None when the guards are not there (not a test picture, or a cropped one) or a row's parity
    fails (the code was damaged).
    """
    if image_rgb.ndim == 3:
        gray = cv2.cvtColor(np.ascontiguousarray(image_rgb[:, :, :3]), cv2.COLOR_RGB2GRAY)
    elif image_rgb.ndim == 2:
        gray = image_rgb
    else:
        return None
    if gray.shape[0] < 2 * _ROWS / (STAMP[1] - STAMP[0]) or gray.shape[1] < _COLS:
        return None
    means = _cell_means(gray.astype(np.float32))
    guards = means[:, 0]
    white, black = guards[0::2], guards[1::2]
    if float(white.min()) - float(black.max()) < _MIN_CONTRAST:
        return None
    threshold = (float(white.mean()) + float(black.mean())) / 2
    bits = means > threshold
    value = 0
    for r in range(_ROWS):
        if bool(bits[r, 0]) != (r % 2 == 0):
            return None
        data = bits[r, 1 : 1 + _DATA]
        if int(data.sum()) % 2 != int(bits[r, _COLS - 1]):
            return None
        for b in data:
            value = (value << 1) | int(b)
    return value
