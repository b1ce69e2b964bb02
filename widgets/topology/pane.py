"""The single-line diagram pane of the console: pick a diagram of the site, watch it live.

The drawing comes through the DataSource (`diagram(id)`, so the same pane works on a cloud
source); it is parsed and checked against the symbol library on the source's loop, never on
the GUI thread, and a bad file is shown as its problems in words instead of a picture.
From here an operator opens a symbol's faceplate (click), acknowledges switch changes,
replays the diagram at a past time, and an engineer opens the editor; a save there reloads
the diagram here.
"""

from __future__ import annotations

import logging
import time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.alarms.model import Alarm, AlarmEvent
from app.auth import Permission
from app.diagram.fileformat import dumps, loads
from app.diagram.model import Diagram
from app.diagram.replay import AFTER_MS
from app.diagram.symbols import SymbolLibrary, load_library
from app.model import Sample
from app.sources.base import DataSource, SiteModel
from widgets.auth.permissions import allowed
from widgets.auth.permissions import current as current_permissions
from widgets.bridge import SourceBridge, describe
from widgets.devices import emit
from widgets.runtime import names_language
from widgets.topology.editor import DiagramEditor, open_editor
from widgets.topology.faceplate import open_faceplate
from widgets.topology.replay import ReplayWindow
from widgets.topology.runtime import DiagramView

log = logging.getLogger(__name__)


class DiagramPane(QWidget):
    """Diagram chooser + live view.  Signal `open_device(device id)` when a symbol is clicked."""

    open_device = Signal(str)
    open_trend = Signal(str)  # a point id (faceplate's "Open trend")
    show_camera = Signal(str)  # a camera id (faceplate's "Show camera")

    def __init__(self, bridge: SourceBridge, site: SiteModel, parent: QWidget | None = None,
                 tz: ZoneInfo | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.site = site
        self.tz = tz or ZoneInfo(site.timezone)
        self.view: DiagramView | None = None
        self.library: SymbolLibrary | None = None
        self.windows: list[QWidget] = []  # editors and replays opened from here (kept alive while open)
        self.chooser = QComboBox(self)
        self.fit_button = QPushButton(self)
        self.changes_label = QLabel(self)
        self.ack_button = QPushButton(self)
        self.replay_button = QPushButton(self)
        self.edit_button = QPushButton(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.changes_label.setStyleSheet("color: #b26a00; font-weight: bold")
        self.changes_label.hide()
        self.ack_button.hide()
        self.ack_button.clicked.connect(lambda: self.view.acknowledge_changes() if self.view is not None else None)
        self.replay_button.clicked.connect(lambda _=False: self.replay())
        self.edit_button.clicked.connect(lambda _=False: self.edit())
        bar = QHBoxLayout()
        bar.addWidget(self.chooser, 1)
        bar.addWidget(self.changes_label)
        bar.addWidget(self.ack_button)
        bar.addWidget(self.fit_button)
        bar.addWidget(self.replay_button)
        bar.addWidget(self.edit_button)
        self.body = QVBoxLayout()
        self.body.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(self.body, 1)
        for d in site.diagrams:
            self.chooser.addItem("", d.id)
        self.chooser.currentIndexChanged.connect(self._chosen)
        self.fit_button.clicked.connect(lambda: self.view.fit() if self.view is not None else None)
        self.retranslate()
        permissions = current_permissions()
        if permissions is not None:  # a console with logins: editing needs edit_site
            permissions.bind(self.edit_button.setEnabled, Permission.EDIT_SITE)
        if site.diagrams:
            self.show_diagram(site.diagrams[0].id)

    def retranslate(self) -> None:
        """Every string of the pane (again after a language switch)."""
        self.fit_button.setText(self.tr("Fit"))
        self.ack_button.setText(self.tr("Acknowledge changes"))
        self.replay_button.setText(self.tr("Replay…"))
        self.replay_button.setToolTip(self.tr("Show this diagram as the plant was at a past time (post-fault replay)"))
        self.edit_button.setText(self.tr("Edit…"))
        self.edit_button.setToolTip(self.tr("Open this diagram in the editor"))
        if self.view is not None:
            self._changes_pending(len(self.view.changed))
        english = names_language() == "en"
        for i, d in enumerate(self.site.diagrams):
            self.chooser.setItemText(i, (d.name_en if english else d.name) or d.id)
        if not self.site.diagrams:
            self.message.setText(self.tr("This site has no single-line diagram yet."))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _chosen(self, index: int) -> None:
        diagram_id = self.chooser.itemData(index)
        if diagram_id:
            self.show_diagram(str(diagram_id))

    def show_diagram(self, diagram_id: str) -> None:
        """Load ``diagram_id`` off the GUI thread and show it live."""
        self.message.setText(self.tr("Loading the diagram %1…").replace("%1", diagram_id))
        self.message.show()

        async def fetch(source: DataSource) -> Diagram:
            text = await source.diagram(diagram_id)
            if self.library is None:
                self.library = load_library()  # read once, off the GUI thread; the editor's palette uses it
            return loads(text, self.library, source=diagram_id)

        self.bridge.request(fetch, self._loaded, self._failed)
        index = self.chooser.findData(diagram_id)
        if index >= 0 and index != self.chooser.currentIndex():
            self.chooser.blockSignals(True)
            self.chooser.setCurrentIndex(index)
            self.chooser.blockSignals(False)

    def _loaded(self, diagram: Diagram) -> None:
        if self.view is not None:
            self.view.detach()
            self.view.deleteLater()
        self.view = view = DiagramView(diagram, self)
        view.link_clicked.connect(self.show_diagram)
        view.symbol_clicked.connect(self._symbol_clicked)
        view.changes_pending.connect(self._changes_pending)
        self._changes_pending(0)
        self.body.addWidget(view, 1)
        self.message.hide()
        if self.bridge.latest:
            view.on_samples(dict(self.bridge.latest))

        async def active(source: DataSource) -> list[Alarm]:
            return await source.alarms("active")

        self.bridge.request(active, lambda alarms: view.set_alarms(alarms) if view is self.view else None,
                            lambda exc: log.warning("alarms for the diagram not loaded: %s", describe(exc)))
        QTimer.singleShot(0, view.fit)  # once the view has its size

    def _symbol_clicked(self, uuid: str, device: str) -> None:
        """The device follows in the browser; the symbol's faceplate opens."""
        if device:
            emit(self.open_device, device)
        if self.view is not None:
            plate = open_faceplate(self.view, self.bridge, uuid, self.site, self)
            plate.open_trend.connect(self.open_trend)
            plate.show_camera.connect(self.show_camera)

    def _changes_pending(self, count: int) -> None:
        self.changes_label.setVisible(count > 0)
        self.ack_button.setVisible(count > 0)
        self.changes_label.setText(self.tr("%1 switch change(s) not acknowledged").replace("%1", str(count)))

    def on_alarm_events(self, events: list[AlarmEvent]) -> None:
        """Alarm changes from the bridge: marks on the symbols."""
        if self.view is not None:
            self.view.on_alarm_events(events)

    def current(self) -> str | None:
        """The id of the diagram shown."""
        return self.view.diagram.id if self.view is not None else None

    def _keep(self, window: QWidget) -> None:
        self.windows.append(window)
        window.destroyed.connect(lambda _=None, w=window: self.windows.remove(w) if w in self.windows else None)

    def edit(self, diagram_id: str | None = None) -> None:
        """Open the editor on a diagram (the one shown by default); a save reloads it here."""
        did = diagram_id or self.current()
        if did is None or self.library is None or not allowed(Permission.EDIT_SITE):
            return

        def opened(editor: DiagramEditor) -> None:
            self._keep(editor)
            editor.saved.connect(lambda saved: self.show_diagram(saved) if saved == self.current() else None)
            editor.show()

        open_editor(self.bridge, self.site, did, self.library, self.tz, self.window(), opened)

    def replay(self, at_ms: int | None = None) -> ReplayWindow | None:
        """Post-fault replay of the diagram shown, at ``at_ms`` (default: ten minutes ago, so the slider
        reaches now); the window's date-time field picks any other time."""
        if self.view is None:
            return None
        when = at_ms if at_ms is not None else int(time.time() * 1000) - AFTER_MS
        copy = loads(dumps(self.view.diagram), self.view.diagram.symbols, source=self.view.diagram.id)
        window = ReplayWindow(self.bridge, copy, self.site, when, self.tz, None)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._keep(window)
        window.show()
        return window

    def _failed(self, exc: Exception) -> None:
        log.error("diagram not shown: %s", describe(exc))
        self.message.setText(self.tr("The diagram cannot be shown: %1").replace("%1", describe(exc)))
        self.message.show()

    def on_samples(self, batch: dict[str, Sample]) -> None:
        """A coalesced batch from the bridge."""
        if self.view is not None:
            self.view.on_samples(batch)
