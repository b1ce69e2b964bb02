"""The diagram editor window: canvas, palette, properties, layers and minimap around one undo stack.

Everything an engineer does is a command on `stack` (see `widgets.topology.commands`), so undo,
redo, the unsaved-changes mark in the title (Qt's ``[*]``) and autosave all follow from the
stack's clean state.  Saving goes through the DataSource (`save_diagram`: checked, atomic,
revision kept, a concurrent save refused), never straight to a file, so the same editor saves
to a cloud server.  While there are unsaved changes the drawing is autosaved every
`AUTOSAVE_MS` to a recovery slot (`app.diagram.recovery`), written off the GUI thread; the slot
is offered back when the editor next opens after a crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QWidget,
)

from app.diagram.drawings import DrawingConflict
from app.diagram.fileformat import dumps, loads
from app.diagram.model import Diagram
from app.diagram.recovery import Recovered, RecoveryFile
from app.diagram.symbols import Symbol
from app.paths import data_dir
from app.sources.base import DataSource, SiteModel
from widgets.alarms.operator import operator_name
from widgets.bridge import SourceBridge, describe
from widgets.runtime import names_language
from widgets.topology.canvas import EditorCanvas
from widgets.topology.export import ExportError, TitleBlock, export_drawing
from widgets.topology.layers import LayerPanel
from widgets.topology.minimap import Minimap
from widgets.topology.palette import SymbolPalette
from widgets.topology.properties import PropertiesPanel

log = logging.getLogger(__name__)

AUTOSAVE_MS = 30_000
_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="diagram-autosave")  # in order, off the GUI


def _t(text: str) -> str:
    return QCoreApplication.translate("DiagramEditor", text)


def ask_restore(parent: QWidget | None, diagram_id: str, when: str) -> bool:
    """Ask whether to restore an autosave found from a session that ended without saving."""
    answer = QMessageBox.question(
        parent, _t("Recover the diagram"),
        _t("The diagram %1 has unsaved changes autosaved at %2: the editor was closed "
           "without saving them. Restore them?").replace("%1", diagram_id).replace("%2", when),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Yes)
    return answer == QMessageBox.StandardButton.Yes


def ask_unsaved(parent: QWidget, diagram_id: str) -> QMessageBox.StandardButton:
    """Save, discard or cancel closing an editor with unsaved changes."""
    return QMessageBox.question(
        parent, _t("Unsaved changes"), _t("The diagram %1 has unsaved changes. Save them?").replace("%1", diagram_id),
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save)


def recovery_slot(site: SiteModel, diagram_id: str, folder: Path | None = None) -> RecoveryFile:
    """Where this site's diagram is autosaved."""
    return RecoveryFile(folder or data_dir() / "autosave", site.name_en or site.name, diagram_id)


class DiagramEditor(QMainWindow):
    """Edit one diagram.  Signal `saved(diagram id)` after a save the source accepted."""

    saved = Signal(str)

    def __init__(self, bridge: SourceBridge, site: SiteModel, diagram: Diagram, library: Mapping[str, Symbol],
                 tz: ZoneInfo, base_revision: int | None = None, recovered: bool = False,
                 autosave_folder: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.bridge, self.site, self.diagram, self.tz = bridge, site, diagram, tz
        self.base_revision = diagram.version if base_revision is None else base_revision
        self.recovered = recovered  # restored from an autosave: unsaved until saved, whatever the stack says
        self.slot = recovery_slot(site, diagram.id, autosave_folder)
        self.stack = QUndoStack(self)
        self.canvas = EditorCanvas(diagram, self.stack, library, self)
        self.canvas.language = names_language()
        self.palette_panel = SymbolPalette(library, names_language(), self)
        self.properties = PropertiesPanel(diagram, self.stack, site, self)
        self.layers = LayerPanel(diagram, self.stack, self)
        self.minimap = Minimap(self.canvas, self)
        self.setCentralWidget(self.canvas)
        self._docks: dict[str, QDockWidget] = {}
        self._dock("palette", self.palette_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("minimap", self.minimap, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("properties", self.properties, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("layers", self.layers, Qt.DockWidgetArea.RightDockWidgetArea)
        self.problems_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.problems_label)
        self._saving = False
        self._autosaved_index = -1
        self._actions: dict[str, QAction] = {}
        self._make_actions()
        self.canvas.selection_changed.connect(self._selected)
        self.canvas.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.palette_panel.chosen.connect(self.canvas.place)
        self.properties.problems_changed.connect(self._problems)
        self.stack.cleanChanged.connect(self._title)
        self.stack.indexChanged.connect(self._title)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        self.retranslate()
        self._problems(self.properties.problem_count())
        self.resize(1400, 860)
        self._fitted = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """The drawing fills the canvas the first time the window has its size."""
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self.resizeDocks([self._docks["palette"], self._docks["properties"]], [240, 450],
                             Qt.Orientation.Horizontal)
            self.resizeDocks([self._docks["palette"], self._docks["minimap"], self._docks["properties"],
                              self._docks["layers"]], [self.height() - 260, 200, self.height() - 260, 200],
                             Qt.Orientation.Vertical)
            QTimer.singleShot(0, self.canvas.fit)

    # ------------------------------------------------------------------ building

    def _dock(self, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(self)
        dock.setObjectName(f"editor-{name}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        self._docks[name] = dock

    def _act(self, key: str, slot: Callable[[], object], shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(self)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self._actions[key] = action
        return action

    def _make_actions(self) -> None:
        c = self.canvas
        undo, redo = self.stack.createUndoAction(self), self.stack.createRedoAction(self)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Y")])
        self._actions["undo"], self._actions["redo"] = undo, redo
        self._act("save", self.save, QKeySequence.StandardKey.Save)
        self._act("save_copy", self.save_copy)
        self._act("export", self.export)
        self._act("close", self.close)
        self._act("text", c.add_text)
        for edge in ("left", "hcentre", "right", "top", "vcentre", "bottom"):
            self._act(f"align_{edge}", lambda e=edge: c.align(e))
        self._act("distribute_h", lambda: c.distribute("h"))
        self._act("distribute_v", lambda: c.distribute("v"))
        self._act("rotate", lambda: c.rotate_selected(1))
        self._act("flip", c.flip_selected)
        self._act("zoom_in", lambda: c.zoom(1.25), QKeySequence.StandardKey.ZoomIn)
        self._act("zoom_out", lambda: c.zoom(0.8), QKeySequence.StandardKey.ZoomOut)
        self._act("fit", c.fit, "Ctrl+0")
        snap = self._act("snap", lambda: setattr(c, "snap", self._actions["snap"].isChecked()))
        snap.setCheckable(True)
        snap.setChecked(c.snap)
        bar = self.menuBar()
        self._menus = {name: bar.addMenu("") for name in ("file", "edit", "insert", "arrange", "view")}
        self._menus["file"].addActions([self._actions[k] for k in ("save", "save_copy", "export")])
        self._menus["file"].addSeparator()
        self._menus["file"].addAction(self._actions["close"])
        self._menus["edit"].addActions([undo, redo])
        self._menus["insert"].addAction(self._actions["text"])
        arrange = self._menus["arrange"]
        arrange.addActions([self._actions[k] for k in ("rotate", "flip")])
        arrange.addSeparator()
        arrange.addActions([self._actions[f"align_{e}"] for e in ("left", "hcentre", "right", "top", "vcentre",
                                                                  "bottom")])
        arrange.addSeparator()
        arrange.addActions([self._actions["distribute_h"], self._actions["distribute_v"]])
        self._menus["view"].addActions([self._actions[k] for k in ("zoom_in", "zoom_out", "fit", "snap")])
        # the toolbar's undo/redo keep short words; the Edit menu's name the step ("Undo Move")
        short_undo, short_redo = self._act("short_undo", self.stack.undo), self._act("short_redo", self.stack.redo)
        short_undo.setEnabled(self.stack.canUndo())
        short_redo.setEnabled(self.stack.canRedo())
        self.stack.canUndoChanged.connect(short_undo.setEnabled)
        self.stack.canRedoChanged.connect(short_redo.setEnabled)
        tools = QToolBar(self)
        tools.setObjectName("editor-tools")
        tools.addActions([self._actions[k] for k in ("save", "short_undo", "short_redo")])
        tools.addSeparator()
        tools.addActions([self._actions[k] for k in ("rotate", "flip")])
        tools.addSeparator()
        tools.addActions([self._actions[k] for k in ("zoom_in", "zoom_out", "fit", "snap")])
        tools.addSeparator()
        tools.addAction(self._actions["export"])
        self.addToolBar(tools)
        self.tools = tools

    def retranslate(self) -> None:
        """Every string of the window (again after a language switch)."""
        names = {
            "save": self.tr("&Save"), "save_copy": self.tr("Save a &copy as file…"),
            "export": self.tr("&Export…"), "close": self.tr("&Close"), "text": self.tr("Free &text"),
            "align_left": self.tr("Align left"), "align_hcentre": self.tr("Align centres horizontally"),
            "align_right": self.tr("Align right"), "align_top": self.tr("Align top"),
            "align_vcentre": self.tr("Align centres vertically"), "align_bottom": self.tr("Align bottom"),
            "distribute_h": self.tr("Distribute horizontally"), "distribute_v": self.tr("Distribute vertically"),
            "rotate": self.tr("Rotate (R)"), "flip": self.tr("Flip (F)"), "zoom_in": self.tr("Zoom in"),
            "zoom_out": self.tr("Zoom out"), "fit": self.tr("Fit"), "snap": self.tr("Snap to grid"),
        }
        for key, text in names.items():
            self._actions[key].setText(text)
        self._actions["short_undo"].setText(self.tr("Undo"))
        self._actions["short_redo"].setText(self.tr("Redo"))
        for key, text in (("file", self.tr("&File")), ("edit", self.tr("&Edit")), ("insert", self.tr("&Insert")),
                          ("arrange", self.tr("&Arrange")), ("view", self.tr("&View"))):
            self._menus[key].setTitle(text)
        for key, text in (("palette", self.tr("Symbols")), ("minimap", self.tr("Overview map")),
                          ("properties", self.tr("Properties")), ("layers", self.tr("Layers"))):
            self._docks[key].setWindowTitle(text)
        self.tools.setWindowTitle(self.tr("Drawing tools"))
        self._title()
        self._problems(self.properties.problem_count())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.palette_panel.set_language(names_language())
        super().changeEvent(event)

    # ------------------------------------------------------------------ state

    @property
    def dirty(self) -> bool:
        """Unsaved changes exist."""
        return self.recovered or not self.stack.isClean()

    def _title(self, *_: object) -> None:
        name = self.diagram.name or self.diagram.id
        self.setWindowTitle(self.tr("Edit diagram %1 (%2), revision %3[*] — SwitchRoom")
                            .replace("%1", name).replace("%2", self.diagram.id)
                            .replace("%3", str(self.base_revision)))
        self.setWindowModified(self.dirty)

    def _problems(self, count: int) -> None:
        if count:
            self.problems_label.setText(self.tr("%1 binding problem(s): see Properties").replace("%1", str(count)))
            self.problems_label.setStyleSheet("color: #c62828; font-weight: bold")
        else:
            self.problems_label.setText(self.tr("All bindings valid"))
            self.problems_label.setStyleSheet("")

    def _selected(self, uuids: list[str]) -> None:
        self.properties.show_items(uuids)
        self.layers.set_selection(uuids)

    # ------------------------------------------------------------------ saving

    def _text(self, revision: int) -> str:
        keep = self.diagram.version
        self.diagram.version = revision
        try:
            return dumps(self.diagram)
        finally:
            self.diagram.version = keep

    def save(self, on_done: Callable[[bool], None] | None = None) -> None:
        """Store the drawing as the next revision through the DataSource (off the GUI thread)."""
        if self._saving:
            return
        self._saving = True
        revision = self.base_revision + 1
        text, base, user, did = self._text(revision), self.base_revision, operator_name(), self.diagram.id
        index = self.stack.index()
        self.statusBar().showMessage(self.tr("Saving…"))

        def done(stored: int) -> None:
            self._saving = False
            self.diagram.version = self.base_revision = stored
            self.recovered = False
            if self.stack.index() == index:
                self.stack.setClean()
            _writer.submit(self.slot.discard)
            self.statusBar().showMessage(self.tr("Saved as revision %1.").replace("%1", str(stored)), 8000)
            self._title()
            self.saved.emit(did)
            if on_done is not None:
                on_done(True)

        def failed(exc: Exception) -> None:
            self._saving = False
            self.statusBar().clearMessage()
            if isinstance(exc, DrawingConflict):
                text_ = self.tr("Someone else saved this diagram while you were editing it. Your drawing was "
                                "not saved; save it as a copy and merge the changes by hand.")
            else:
                text_ = self.tr("The diagram was not saved: %1").replace("%1", describe(exc))
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Not saved"), text_, QMessageBox.StandardButton.Ok,
                              self)
            copy = box.addButton(self.tr("Save a copy as file…"), QMessageBox.ButtonRole.ActionRole)
            box.setDetailedText(describe(exc))
            box.finished.connect(lambda _r: self.save_copy() if box.clickedButton() is copy else None)
            box.open()
            if on_done is not None:
                on_done(False)

        async def call(source: DataSource) -> int:
            return await source.save_diagram(did, text, base, user)

        self.bridge.request(call, done, failed)

    def save_copy(self, path: str | None = None) -> Path | None:
        """Write the drawing to a file of the engineer's choice (it stays unsaved in the site)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save a copy of the diagram"),
                                                  f"{self.diagram.id}.json", self.tr("Diagrams (*.json)"))
            if not path:
                return None
        target = Path(path)
        try:
            target.write_text(self._text(self.base_revision + 1), "utf-8")
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Not saved"), self.tr("The copy could not be written: %1")
                                .replace("%1", f"{target}: {exc.strerror or exc}"))
            return None
        self.statusBar().showMessage(self.tr("A copy was written to %1.").replace("%1", str(target)), 8000)
        return target

    def autosave(self) -> None:
        """Keep the unsaved drawing in the recovery slot (only when it changed since the last autosave)."""
        if not self.dirty or self.stack.index() == self._autosaved_index:
            return
        self._autosaved_index = self.stack.index()
        text, base, slot = self._text(self.base_revision + 1), self.base_revision, self.slot
        future = _writer.submit(slot.write, text, base)
        future.add_done_callback(lambda f: f.exception() and log.error(
            "the diagram %s could not be autosaved: %s", self.diagram.id, f.exception()))

    # ------------------------------------------------------------------ export

    def title_block(self) -> TitleBlock:
        """The archive sheet's title block for this drawing."""
        site = self.site.name if names_language() == "zh" else (self.site.name_en or self.site.name)
        printed = datetime.now(self.tz).strftime("%Y-%m-%d %H:%M")
        return TitleBlock(site, f"{self.diagram.name or self.diagram.id} ({self.diagram.id})",
                          self.base_revision, printed)

    def export(self, path: str | None = None) -> Path | None:
        """PNG, SVG or PDF of the drawing for the archive."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export the drawing"), f"{self.diagram.id}.pdf",
                self.tr("PDF (*.pdf);;SVG (*.svg);;PNG image (*.png)"))
            if not path:
                return None
        try:
            written = export_drawing(self.diagram, Path(path), self.title_block())
        except ExportError as exc:
            QMessageBox.warning(self, self.tr("Not exported"), str(exc))
            return None
        self.statusBar().showMessage(self.tr("The drawing was exported to %1.").replace("%1", str(written)), 8000)
        return written

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Unsaved changes: save, discard (the autosave goes too) or stay."""
        if self.dirty:
            answer = ask_unsaved(self, self.diagram.id)
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save:
                event.ignore()
                self.save(lambda ok: ok and self.close())
                return
            _writer.submit(self.slot.discard)
            self.recovered = False
            self.stack.setClean()
        self.autosave_timer.stop()
        self.stack.disconnect(self)  # the stack speaks while it is destroyed with us: nobody left to listen
        self.canvas.detach()
        self.properties.detach()
        self.layers.detach()
        super().closeEvent(event)


def open_editor(bridge: SourceBridge, site: SiteModel, diagram_id: str, library: Mapping[str, Symbol],
                tz: ZoneInfo, parent: QWidget | None, on_open: Callable[[DiagramEditor], None],
                autosave_folder: Path | None = None,
                ask: Callable[[QWidget | None, str, str], bool] = ask_restore) -> None:
    """Fetch and parse the diagram (and any autosave from a session that ended without saving) off the
    GUI thread, ask whether to restore the autosave, then open the editor."""
    slot = recovery_slot(site, diagram_id, autosave_folder)

    async def fetch(source: DataSource) -> tuple[Diagram, Recovered | None, Diagram | str | None]:
        text = await source.diagram(diagram_id)
        loop = asyncio.get_running_loop()
        diagram = await loop.run_in_executor(_writer, lambda: loads(text, library, source=diagram_id))
        found = await loop.run_in_executor(_writer, slot.read)
        restored: Diagram | str | None = None
        if found is not None:
            try:
                restored = await loop.run_in_executor(_writer, lambda: loads(found.text, library, source=diagram_id))
            except ValueError as exc:  # an autosave that no longer opens: said, not restored
                restored = describe(exc)
        return diagram, found, restored

    def got(result: tuple[Diagram, Recovered | None, Diagram | str | None]) -> None:
        diagram, found, restored = result
        base, recovered = diagram.version, False
        if found is not None:
            when = datetime.fromtimestamp(found.saved_at, tz).strftime("%Y-%m-%d %H:%M:%S")
            if ask(parent, diagram_id, when):
                if isinstance(restored, Diagram):
                    diagram, recovered = restored, True
                    base = found.base_revision if found.base_revision is not None else base
                else:
                    QMessageBox.warning(parent, _t("Recover the diagram"), str(restored))
            else:
                _writer.submit(slot.discard)
        editor = DiagramEditor(bridge, site, diagram, library, tz, base, recovered, autosave_folder, parent)
        editor.setWindowFlag(Qt.WindowType.Window)
        on_open(editor)

    def failed(exc: Exception) -> None:
        QMessageBox.warning(parent, _t("Edit diagram"), describe(exc))

    bridge.request(fetch, got, failed)
