"""The diagram editor window end to end, on a real source serving a writable copy of the demo site.

An engineer opens the LV room, adds a breaker, sees the unsaved mark, saves through the DataSource
(a new revision on disk), exports the archive drawing, and after a "crash" (the window destroyed
without closing) gets the autosaved drawing back.  A save over someone else's newer revision is
refused with the drawing kept.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.config import load_site
from app.diagram.fileformat import dumps, load, loads
from app.diagram.symbols import load_library
from app.sources.direct import DirectSource
from widgets.bridge import SourceBridge
from widgets.topology import editor as editor_module
from widgets.topology.editor import DiagramEditor, open_editor

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def no_modal_questions(monkeypatch):
    """An editor left with unsaved changes at teardown discards them instead of asking (a modal box
    would wait for a person forever)."""
    monkeypatch.setattr(editor_module, "ask_unsaved", lambda *_: QMessageBox.StandardButton.Discard)


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    (tmp_path / "sites").mkdir()
    shutil.copy(ROOT / "resources" / "sites" / "demo.yaml", tmp_path / "sites" / "demo.yaml")
    shutil.copytree(ROOT / "resources" / "diagrams", tmp_path / "diagrams")
    return tmp_path / "sites" / "demo.yaml"


@pytest.fixture
def bridge(qtbot, tmp_path, site_copy):
    b = SourceBridge(lambda: DirectSource(load_site(site_copy), tmp_path / "h.sqlite", listen=("127.0.0.1", 0),
                                          simulate=False))
    with qtbot.waitSignal(b.started, timeout=30_000):
        b.start()
    yield b
    b.stop()


def opened(qtbot, bridge, tmp_path, ask=lambda *_: False) -> DiagramEditor:
    got: list[DiagramEditor] = []
    open_editor(bridge, bridge.site(), "lv-room", load_library(), TZ, None, got.append,
                autosave_folder=tmp_path / "autosave", ask=ask)
    qtbot.waitUntil(lambda: bool(got), timeout=15_000)
    editor = got[0]
    qtbot.addWidget(editor)
    editor.resize(1500, 900)
    editor.show()
    return editor


def test_edit_save_export_and_the_unsaved_mark(qtbot, bridge, tmp_path, site_copy):
    editor = opened(qtbot, bridge, tmp_path)
    file = site_copy.parent.parent / "diagrams" / "lv-room.json"
    base = editor.base_revision
    assert not editor.isWindowModified() and "lv-room" in editor.windowTitle()
    uuid = editor.canvas.place("breaker_fixed", (20.0, 40.0))
    assert editor.isWindowModified()
    with qtbot.waitSignal(editor.saved, timeout=15_000):
        editor.save()
    assert not editor.isWindowModified() and editor.stack.isClean()
    on_disk = load(file, load_library())
    assert uuid in on_disk.items and on_disk.version == base + 1 == editor.base_revision
    assert (file.parent / ".revisions" / f"lv-room.r{base}.json").exists()
    editor.stack.undo()  # undo after a save is an unsaved change again
    assert editor.isWindowModified()
    editor.stack.redo()
    assert not editor.isWindowModified()
    editor.canvas.select([next(p.uuid for p in editor.diagram.placed if p.name == "QF1-01")])
    qtbot.wait(50)
    pdf = editor.export(str(tmp_path / "lv-room.pdf"))
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    editor.grab().save(str(ARTIFACTS / "diagram_editor.png"))
    editor.close()
    reopened = opened(qtbot, bridge, tmp_path)  # what was saved is what the next editor opens
    assert uuid in reopened.diagram.items and reopened.base_revision == base + 1
    assert not reopened.isWindowModified()
    reopened.close()


def test_a_crash_leaves_an_autosave_that_the_next_editor_restores(qtbot, bridge, tmp_path):
    editor = opened(qtbot, bridge, tmp_path)
    uuid = editor.canvas.place("load", (30.0, 45.0))
    editor.autosave()
    slot = editor.slot.path
    qtbot.waitUntil(slot.exists, timeout=5_000)
    editor.autosave_timer.stop()
    editor.setAttribute(editor_module.Qt.WidgetAttribute.WA_DeleteOnClose, False)
    editor.hide()  # the "crash": no close, no save, no discard
    editor.stack.disconnect(editor)
    editor.closeEvent = lambda event: event.accept()  # its teardown close must not discard the autosave
    asked: list[str] = []
    again = opened(qtbot, bridge, tmp_path, ask=lambda _p, did, when: asked.append(did) or True)
    assert asked == ["lv-room"]
    assert uuid in again.diagram.items and again.recovered and again.isWindowModified()
    with qtbot.waitSignal(again.saved, timeout=15_000):
        again.save()
    qtbot.waitUntil(lambda: not slot.exists(), timeout=5_000)
    assert not again.isWindowModified()
    again.close()


def test_closing_with_unsaved_changes_asks_and_discard_drops_the_autosave(qtbot, bridge, tmp_path, monkeypatch):
    editor = opened(qtbot, bridge, tmp_path)
    editor.canvas.place("load", (30.0, 45.0))
    editor.autosave()
    qtbot.waitUntil(editor.slot.path.exists, timeout=5_000)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(editor_module, "ask_unsaved", lambda *_: answers.pop(0))
    assert not editor.close()  # cancelled: still open, still unsaved
    assert editor.isVisible() and editor.isWindowModified()
    assert editor.close()
    qtbot.waitUntil(lambda: not editor.slot.path.exists(), timeout=5_000)


def test_a_save_over_a_newer_revision_is_refused_and_the_drawing_kept(qtbot, bridge, tmp_path, site_copy):
    editor = opened(qtbot, bridge, tmp_path)
    file = site_copy.parent.parent / "diagrams" / "lv-room.json"
    theirs = loads(file.read_text("utf-8"), load_library())
    theirs.name, theirs.version = "别人的修改", theirs.version + 1
    file.write_text(dumps(theirs), "utf-8")  # another engineer saved meanwhile
    editor.canvas.place("load", (30.0, 45.0))
    editor.save()
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()),
                    timeout=15_000)
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert "Someone else saved" in box.text()
    box.close()
    assert load(file, load_library()).name == "别人的修改"
    assert editor.isWindowModified()
    editor.stack.setClean()
    editor.close()
