"""The demo diagram as people see it: operate and edit mode, light and dark, in Chinese.

Screenshots for looking at (tests/artifacts/diagram_*_{light,dark}_zh.png), with checks that the
parts a person relies on are there: live values on the labels, the Chinese words of the
console, the editor's panels filled.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication

from app.config import load_site
from app.sources.direct import DirectSource
from widgets import runtime, settings
from widgets.bridge import SourceBridge
from widgets.launch import dark_palette
from widgets.main_window import MainWindow
from widgets.topology.editor import DiagramEditor

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_demo_diagram_in_operate_and_edit_mode(qtbot, tmp_path, theme):
    app = QApplication.instance()
    light = app.palette()
    settings.use_file(tmp_path / "settings.ini")
    runtime.load_translations(app, "zh_CN")
    if theme == "dark":
        app.setPalette(dark_palette())
    bridge = SourceBridge(lambda: DirectSource(load_site(), tmp_path / "h.sqlite", listen=("127.0.0.1", 0),
                                               simulate=True, bus_timing=False))
    window = MainWindow(bridge, ZoneInfo("Asia/Shanghai"))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    try:
        with qtbot.waitSignal(bridge.started, timeout=30_000):
            bridge.start()
        pane = window.diagrams
        window.views.setCurrentWidget(pane)
        assert pane.chooser.itemText(2) == "低压配电室一次系统图"
        pane.show_diagram("lv-room")
        qtbot.waitUntil(lambda: pane.view is not None and pane.view.diagram.id == "lv-room", timeout=15_000)
        view = pane.view
        texts = [t for ts in view.diagram_scene.values.values() for t in ts]
        qtbot.waitUntil(lambda: sum(t.text() != "—" for t in texts) > len(texts) // 2, timeout=30_000)
        assert pane.edit_button.text() == "编辑…" and pane.replay_button.text() == "事故追忆…"
        qtbot.wait(300)
        window.grab().save(str(ARTIFACTS / f"diagram_operate_{theme}_zh.png"))
        pane.edit_button.click()
        qtbot.waitUntil(lambda: any(isinstance(w, DiagramEditor) for w in pane.windows), timeout=15_000)
        editor = next(w for w in pane.windows if isinstance(w, DiagramEditor))
        qtbot.addWidget(editor)
        editor.resize(1600, 950)
        qf = next(p for p in editor.diagram.placed if p.name == "QF1-01")
        editor.canvas.select([qf.uuid])
        qtbot.wait(400)
        assert editor.properties.isVisible() and editor.properties.title.text() == "QF1-01"
        assert "lv-room" in editor.windowTitle()
        assert editor._menus["file"].title() == "文件(&F)"
        editor.grab().save(str(ARTIFACTS / f"diagram_edit_{theme}_zh.png"))
        editor.close()
    finally:
        window.close()
        bridge.stop()
        app.setPalette(light)
        runtime.load_translations(app, "en")
        settings.use_file(None)
