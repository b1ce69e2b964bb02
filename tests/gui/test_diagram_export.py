"""Export for the drawings archive: PNG, SVG and PDF files that real readers open, black on white."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from app.diagram.fileformat import load
from app.diagram.symbols import load_library
from widgets.topology.export import ExportError, TitleBlock, export_drawing

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
TITLE = TitleBlock("演示配电站", "低压配电室 lv-room", 3, "2026-11-25 16:00")


@pytest.fixture
def diagram():
    return load(ROOT / "resources" / "diagrams" / "lv-room.json", load_library())


def test_png_is_the_drawing_on_white_with_its_title_block(qtbot, diagram, tmp_path):
    path = export_drawing(diagram, tmp_path / "lv-room.png", TITLE)
    image = QImage(str(path))
    assert image.width() > 1000 and image.height() > 500
    assert image.pixelColor(3, 3) == QColor("#ffffff")  # white paper, whatever the console's theme
    dark = sum(1 for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
               if image.pixelColor(x, y).lightness() < 100)
    assert dark > 200  # symbols, wires, frame and title block are drawn
    image.save(str(ARTIFACTS / "diagram_export.png"))
    assert not diagram._observers  # the export's own scene let go of the model


def test_svg_is_vector_and_names_the_drawing(qtbot, diagram, tmp_path):
    path = export_drawing(diagram, tmp_path / "lv-room.svg", TITLE)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    text = path.read_text("utf-8")
    assert "低压配电室 lv-room" in text and ("<path" in text or "<polyline" in text)


def test_pdf_is_one_a3_page(qtbot, diagram, tmp_path):
    path = export_drawing(diagram, tmp_path / "lv-room.pdf", TITLE)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + \
        data.count(b"/Type/Page") >= 1
    assert b"/MediaBox" in data


def test_an_unknown_format_or_unwritable_place_is_said_in_words(qtbot, diagram, tmp_path):
    with pytest.raises(ExportError, match=r"choose \.png, \.svg or \.pdf"):
        export_drawing(diagram, tmp_path / "lv-room.bmp", TITLE)
    with pytest.raises(ExportError, match="could not be written"):
        export_drawing(diagram, tmp_path / "no-such-folder" / "lv-room.png", TITLE)
