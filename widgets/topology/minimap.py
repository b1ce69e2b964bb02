"""A minimap of a large diagram: the whole drawing small, the canvas's view as a frame, click to go there.

It shows a picture of the canvas's scene scaled to fit, and draws the frame of what the canvas
shows over it.  Drawing a thousand symbols small costs tens of milliseconds, so the picture is
taken again only a moment after the drawing stops changing (not on every step of a drag) and a
moving frame only repaints the cached picture.  The frame is recomputed when the canvas paints
(scroll, zoom, resize all end in a paint) and the minimap repaints only when it moved.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen, QPixmap, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView, QWidget

FRAME = QColor("#1e88e5")
#: How long the drawing must be still before the picture is taken again.
SETTLE_MS = 300


class Minimap(QGraphicsView):
    """The canvas's scene, fitted; a frame for the canvas's visible area; click or drag to centre the canvas there."""

    def __init__(self, canvas: QGraphicsView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.drawing = canvas.scene()
        self.setScene(QGraphicsScene(self.drawing.sceneRect(), self))  # empty: the picture is our background
        self.picture = QPixmap()
        self.visible_area = QRectF()
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.take_picture)
        self.drawing.changed.connect(lambda _regions: self._settle.start())
        self.setInteractive(False)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(160, 110)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(self.tr("Click or drag to show that part of the diagram."))
        canvas.viewport().installEventFilter(self)
        canvas.horizontalScrollBar().valueChanged.connect(self._follow)
        canvas.verticalScrollBar().valueChanged.connect(self._follow)
        self.drawing.sceneRectChanged.connect(self._scene_rect)
        self._follow()

    def _scene_rect(self, rect: QRectF) -> None:
        self.scene().setSceneRect(rect)
        self._fit()

    def _fit(self) -> None:
        self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self.take_picture()
        self._follow()

    def take_picture(self) -> None:
        """Draw the diagram at the minimap's scale once; repaints reuse it."""
        self._settle.stop()
        source = self.scene().sceneRect()
        target = self.mapFromScene(source).boundingRect()
        ratio = self.devicePixelRatioF()
        if target.width() < 1 or target.height() < 1:
            return
        picture = QPixmap(round(target.width() * ratio), round(target.height() * ratio))
        picture.setDevicePixelRatio(ratio)
        picture.fill(self.drawing.backgroundBrush().color())
        p = QPainter(picture)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.drawing.render(p, QRectF(0, 0, target.width(), target.height()), source)
        p.end()
        self.picture = picture
        self.viewport().update()

    def drawBackground(self, p: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt's name
        """The cached picture of the diagram over its scene rectangle."""
        p.fillRect(rect, self.drawing.backgroundBrush())
        if not self.picture.isNull():
            p.drawPixmap(self.scene().sceneRect(), self.picture, QRectF(self.picture.rect()))

    def _follow(self, *_args: object) -> None:
        """Take the canvas's visible area again; repaint only when it moved."""
        area = self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()
        if area != self.visible_area:
            self.visible_area = area
            self.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Paint, QEvent.Type.Resize):
            self._follow()
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._fit()

    def drawForeground(self, p: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt's name
        """The canvas's visible area as a frame (a fixed on-screen width at any scale)."""
        if self.visible_area.isEmpty():
            return
        fill = QColor(FRAME)
        fill.setAlpha(40)
        p.setPen(QPen(FRAME, 2.0 / max(self.transform().m11(), 1e-6)))
        p.setBrush(fill)
        p.drawRect(self.visible_area)

    def _centre_at(self, event: QMouseEvent) -> None:
        self.canvas.centerOn(self.mapToScene(event.position().toPoint()))
        self._follow()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self._centre_at(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._centre_at(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        """The wheel zooms the canvas, not the map (the map always shows everything)."""
        zoom = getattr(self.canvas, "zoom", None)
        if zoom is not None:
            zoom(1.2 if event.angleDelta().y() > 0 else 1 / 1.2)
        event.accept()
