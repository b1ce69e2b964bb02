"""How a camera tile looks: the frame fitted with black bars, and the words over it.

Shared by the grid's tile and the full-screen view, so both say the same thing the same
way.  The frame is drawn from its numpy buffer through a QImage over it (no copy, no
per-pixel Python); it is scaled by the painter only when it is not already the size shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPixmap

from app.video.model import Frame, StreamState
from widgets.runtime import names_language

if TYPE_CHECKING:
    from widgets.video.tile import VideoTile

_BACKGROUND = QColor("#101418")
_TEXT = QColor("#ffffff")
_BOX = QColor(0, 0, 0, 150)
_STATE_COLOURS = {  # the state's box: green live, amber on the way, red refused
    StreamState.LIVE: QColor(46, 125, 50, 200),
    StreamState.CONNECTING: QColor(120, 120, 120, 200),
    StreamState.STOPPED: QColor(90, 90, 90, 200),
    StreamState.NO_SIGNAL: QColor(198, 40, 40, 210),
    StreamState.AUTH_FAILED: QColor(198, 40, 40, 210),
    StreamState.NOT_FOUND: QColor(198, 40, 40, 210),
    StreamState.ENDED: QColor(230, 81, 0, 210),
}
_BANNER = QColor(198, 40, 40, 225)


def frame_image(frame: Frame) -> QImage:
    """A QImage over ``frame``'s pixels, without a copy: valid while ``frame`` is referenced."""
    height, width = frame.image.shape[:2]
    return QImage(frame.image.data, width, height, frame.image.strides[0], QImage.Format.Format_RGB888)


def fit(frame_w: int, frame_h: int, area: QRectF) -> QRectF:
    """The largest rectangle of the frame's aspect inside ``area``, centred (black bars elsewhere)."""
    if frame_w <= 0 or frame_h <= 0 or area.isEmpty():
        return QRectF(area)
    scale = min(area.width() / frame_w, area.height() / frame_h)
    w, h = frame_w * scale, frame_h * scale
    return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)


def in_language(text: str) -> str:
    """The console's language's half of a "中文 / English" text (the core's details); the whole if not one."""
    zh, sep, en = text.partition(" / ")
    if not sep:
        return text
    return zh if names_language() == "zh" else en


def state_words(state: StreamState) -> str:
    """The state in the console's language now."""
    zh, en = state.words
    return zh if names_language() == "zh" else en


def paint_tile(painter: QPainter, area: QRectF, tile: VideoTile, ratio: float) -> None:
    """Paint ``tile``'s picture and overlay into ``area`` (the tile itself, or a full-screen view)."""
    painter.fillRect(area, _BACKGROUND)
    frame = tile.frame
    live = tile.status is not None and tile.status.state is StreamState.LIVE
    if frame is not None:
        image = frame_image(frame)
        height, width = frame.image.shape[:2]
        target = fit(width, height, area)
        if abs(target.width() * ratio - width) <= 1 and abs(target.height() * ratio - height) <= 1:
            # Scaled in the worker to this size already: a plain copy at a whole pixel, no scaling
            # (a fractional target rectangle would send every pixel through the scaler).
            image.setDevicePixelRatio(ratio)
            painter.drawImage(QPointF(round(target.x() * ratio) / ratio, round(target.y() * ratio) / ratio), image)
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, image)
        if not live:
            painter.fillRect(target, QColor(0, 0, 0, 140))  # an old picture, dimmed: not what is there now
    painter.drawPixmap(area.topLeft(), overlay(tile, area.size().toSize(), ratio, has_picture=frame is not None))


def overlay(tile: VideoTile, size: QSize, ratio: float, *, has_picture: bool) -> QPixmap:
    """The words over a tile as a transparent pixmap, drawn again only when they change.

    Painted 25 times a second per camera, the overlay would cost a few dozen painter calls
    each time, every one a release and re-take of the interpreter lock against nine decoding
    threads; its words change about once a second."""
    status = tile.status
    key = (size.width(), size.height(), ratio, has_picture, tile.camera, tile.camera and tile.camera.shown_name(),
           tile.banner, status.state if status is not None else None, tuple(tile.status_lines()))  # fmt: skip
    cached = tile.overlays.get((size.width(), size.height()))
    if cached is not None and cached[0] == key:
        return cached[1]
    pixmap = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_overlay(painter, QRectF(0, 0, size.width(), size.height()), tile, has_picture=has_picture)
    painter.end()
    if len(tile.overlays) > 2:  # the tile's own size and a full-screen view's
        tile.overlays.clear()
    tile.overlays[(size.width(), size.height())] = (key, pixmap)
    return pixmap


def _box(painter: QPainter, text: str, font: QFont, where: QPoint, colour: QColor, max_width: int,
         right: bool = False) -> int:
    """Text in a filled box with its top-left (or top-right) at ``where``; returns the box's height."""
    metrics = QFontMetrics(font)
    pad = max(4, metrics.height() // 5)
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(20, max_width - 2 * pad))
    w, h = metrics.horizontalAdvance(shown) + 2 * pad, metrics.height() + pad
    x = where.x() - w if right else where.x()
    rect = QRect(x, where.y(), w, h)
    painter.setFont(font)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(rect, 3, 3)
    painter.setPen(_TEXT)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), shown)
    return h


def paint_overlay(painter: QPainter, area: QRectF, tile: VideoTile, *, has_picture: bool) -> None:
    """Name top-left, the reason banner across the top, the state bottom-left; a hint in an empty cell."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = area.toRect()
    base = QFont(tile.font())
    size = max(8.0, min(14.0, rect.height() / 22, rect.width() / 26))  # a narrow cell gets smaller words
    base.setPointSizeF(size)
    margin = max(4, round(size * 0.5))
    inner = rect.width() - 2 * margin
    if tile.camera is None:
        painter.setFont(base)
        painter.setPen(QColor("#9aa4ad"))
        painter.drawText(rect.adjusted(margin, margin, -margin, -margin),
                         int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                         QCoreApplication.translate("VideoTile", "Drag a camera here"))  # fmt: skip
        return
    top = rect.top() + margin
    banner = tile.banner
    if banner:
        bold = QFont(base)
        bold.setBold(True)
        top += _box(painter, banner, bold, QPoint(rect.left() + margin, top), _BANNER, inner) + margin // 2
    name_font = QFont(base)
    name_font.setBold(True)
    _box(painter, tile.camera.shown_name(), name_font, QPoint(rect.left() + margin, top), _BOX, inner)
    status = tile.status
    state = status.state if status is not None else StreamState.CONNECTING
    colour = _BOX if state is StreamState.LIVE else _STATE_COLOURS.get(state, _BOX)
    lines = tile.status_lines()
    if not has_picture and state is not StreamState.LIVE:
        # Nothing to look at: why, large, in the middle (state words, the camera's answer, the retry).
        big = QFont(base)
        big.setPointSizeF(size * 1.25)
        big.setBold(True)
        _message(painter, lines, big, base, rect, colour, inner)
        return
    metrics = QFontMetrics(base)
    line = metrics.height() + max(4, metrics.height() // 5)
    _box(painter, " · ".join(lines), base, QPoint(rect.left() + margin, rect.bottom() - margin - line), colour, inner)


def _message(painter: QPainter, lines: list[str], first: QFont, rest: QFont, area: QRect, colour: QColor,
             max_width: int) -> None:
    """Lines in one box centred in ``area``: the first in ``first``, the others wrapped in ``rest``."""
    flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap)
    pad = max(6, QFontMetrics(rest).height() // 3)
    width = max_width - 2 * pad
    blocks: list[tuple[QFont, QRect, str]] = []
    for n, text in enumerate(lines):
        font = first if n == 0 else rest
        bounds = QFontMetrics(font).boundingRect(QRect(0, 0, width, 10_000), flags, text)
        blocks.append((font, bounds, text))
    box_w = min(max_width, max(b.width() for _, b, _ in blocks) + 2 * pad)
    box_h = sum(b.height() for _, b, _ in blocks) + 2 * pad + (len(blocks) - 1) * pad // 2
    box = QRect(area.left() + (area.width() - box_w) // 2, area.top() + max(0, (area.height() - box_h) // 2),
                box_w, box_h)  # fmt: skip
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(box, 4, 4)
    painter.setPen(_TEXT)
    y = box.top() + pad
    for font, bounds, text in blocks:
        painter.setFont(font)
        painter.drawText(QRect(box.left() + pad, y, box_w - 2 * pad, bounds.height()), flags, text)
        y += bounds.height() + pad // 2


