"""The diagram for the drawings archive: PNG, SVG or PDF, black on white, with a title block.

The archive wants the drawing, not the screen: so the export draws the model afresh in a scene
of its own (light colours whatever the console's theme, no selection marks, no terminal
markers, no live values) and adds a title block (drawing, room, revision, when) in the lower
right corner as drawing sheets have.  SVG and PDF are vector (crisp at any print size); PNG is
rendered at `PNG_SCALE` pixels per scene pixel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication as App  # short: lupdate reads App.translate(context, text)
from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtSvg import QSvgGenerator

from app.diagram.model import Diagram
from app.diagram.symbols import SWITCH_KINDS
from widgets.topology.painting import Look
from widgets.topology.scene import DiagramScene

PNG_SCALE = 2.0
FORMATS = ("png", "svg", "pdf")


@dataclass(frozen=True, slots=True)
class TitleBlock:
    """What the sheet's title block says."""

    site: str
    drawing: str
    revision: int
    printed: str  # date and time, already in the site's timezone and words


class ExportError(OSError):
    """The file could not be written (the message says which and why)."""


def _scene(diagram: Diagram) -> DiagramScene:
    black, white = QColor("#000000"), QColor("#ffffff")
    scene = DiagramScene(diagram, black, white)
    for texts in scene.values.values():  # live values belong to the screen, not the drawing
        for text in texts:
            text.setVisible(False)
    for item in scene.symbols.values():  # switches as drawn on paper: open shape, black outline
        if diagram.symbols[item.placed.symbol].kind in SWITCH_KINDS:
            item.set_look(Look(black, white, "open", plain=True))
    return scene


def _title_block(p: QPainter, area: QRectF, title: TitleBlock, unit: float) -> None:
    """A ruled box of four rows in the lower right corner of ``area`` (``unit`` = one row's height)."""
    rows = [(App.translate("DiagramExport", "Site"), title.site),
            (App.translate("DiagramExport", "Drawing"), title.drawing),
            (App.translate("DiagramExport", "Revision"), str(title.revision)),
            (App.translate("DiagramExport", "Printed"), title.printed)]
    w, h = 14 * unit, unit * len(rows)
    box = QRectF(area.right() - w, area.bottom() - h, w, h)
    p.save()
    p.setPen(QPen(QColor("#000000"), unit * 0.05))
    p.setBrush(QColor("#ffffff"))
    p.drawRect(box)
    font = QFont()
    font.setPixelSize(max(1, round(unit * 0.55)))
    p.setFont(font)
    for i, (key, value) in enumerate(rows):
        row = QRectF(box.left(), box.top() + i * unit, w, unit)
        if i:
            p.drawLine(row.topLeft(), row.topRight())
        p.drawText(row.adjusted(unit * 0.3, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, key)
        p.drawText(row.adjusted(4 * unit, 0, -unit * 0.3, 0), Qt.AlignmentFlag.AlignVCenter, value)
    p.drawLine(box.left() + 3.7 * unit, box.top(), box.left() + 3.7 * unit, box.bottom())
    p.restore()


def export_drawing(diagram: Diagram, path: Path, title: TitleBlock) -> Path:
    """Write ``diagram`` to ``path`` as PNG, SVG or PDF (by its suffix); returns the path.
    Raises `ExportError` in words when the format is unknown or the file cannot be written."""
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise ExportError(App.translate("DiagramExport", "Unknown export format '%1': choose .png, .svg or .pdf.")
                          .replace("%1", path.suffix))
    scene = _scene(diagram)
    try:
        source = scene.itemsBoundingRect()
        unit = max(source.height(), source.width()) / 60  # title block rows scale with the drawing
        margin = unit * 2
        sheet = source.adjusted(-margin, -margin, margin, margin + 5 * unit)
        if kind == "pdf":
            _pdf(scene, source, sheet, path, title, unit)
        else:
            target = QRectF(0, 0, sheet.width(), sheet.height())
            if kind == "svg":
                device = QSvgGenerator()
                device.setFileName(str(path))
                device.setSize(QSize(round(sheet.width()), round(sheet.height())))
                device.setViewBox(target)
                device.setTitle(title.drawing)
                device.setDescription(f"{title.site} — {title.drawing} r{title.revision} ({title.printed})")
                _paint(device, scene, source, sheet, target, title, unit)
            else:
                image = QImage(round(sheet.width() * PNG_SCALE), round(sheet.height() * PNG_SCALE),
                               QImage.Format.Format_RGB32)
                image.fill(QColor("#ffffff"))
                _paint(image, scene, source, sheet, QRectF(image.rect()), title, unit)
                if not image.save(str(path)):
                    raise ExportError(App.translate("DiagramExport", "The drawing could not be written to %1.")
                                      .replace("%1", str(path)))
    finally:
        scene.detach()
        scene.deleteLater()
    if not path.exists() or path.stat().st_size == 0:
        raise ExportError(App.translate("DiagramExport", "The drawing could not be written to %1.")
                          .replace("%1", str(path)))
    return path


def _paint(device: object, scene: DiagramScene, source: QRectF, sheet: QRectF, target: QRectF,
           title: TitleBlock, unit: float) -> None:
    p = QPainter(device)  # type: ignore[call-overload]
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        scale = target.width() / sheet.width()
        p.fillRect(target, QColor("#ffffff"))
        drawn = QRectF((source.left() - sheet.left()) * scale, (source.top() - sheet.top()) * scale,
                       source.width() * scale, source.height() * scale)
        scene.render(p, drawn, source, Qt.AspectRatioMode.KeepAspectRatio)
        p.scale(scale, scale)
        inner = QRectF(0, 0, sheet.width(), sheet.height()).adjusted(unit, unit, -unit, -unit)
        p.setPen(QPen(QColor("#000000"), unit * 0.08))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(inner)  # the sheet's frame
        _title_block(p, inner, title, unit)
    finally:
        p.end()


def _pdf(scene: DiagramScene, source: QRectF, sheet: QRectF, path: Path, title: TitleBlock, unit: float) -> None:
    """A3 landscape (portrait for a tall drawing), the drawing fitted inside 10 mm margins."""
    writer = QPdfWriter(str(path))
    writer.setTitle(title.drawing)
    writer.setCreator("SwitchRoom")
    writer.setResolution(300)
    portrait = sheet.height() > sheet.width()
    layout = QPageLayout(QPageSize(QPageSize.PageSizeId.A3),
                         QPageLayout.Orientation.Portrait if portrait else QPageLayout.Orientation.Landscape,
                         QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter)
    writer.setPageLayout(layout)
    page = QSizeF(writer.width(), writer.height())
    scale = min(page.width() / sheet.width(), page.height() / sheet.height())
    target = QRectF(0, 0, sheet.width() * scale, sheet.height() * scale)
    _paint(writer, scene, source, sheet, target, title, unit)
