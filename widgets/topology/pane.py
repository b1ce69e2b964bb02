"""The single-line diagram pane of the console: pick a diagram of the site, watch it live.

The drawing comes through the DataSource (`diagram(id)`, so the same pane works on a cloud
source); it is parsed and checked against the symbol library on the source's loop, never on
the GUI thread, and a bad file is shown as its problems in words instead of a picture.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.diagram.fileformat import loads
from app.diagram.model import Diagram
from app.diagram.symbols import load_library
from app.model import Sample
from app.sources.base import DataSource, SiteModel
from widgets.bridge import SourceBridge, describe
from widgets.devices import emit
from widgets.runtime import names_language
from widgets.topology.runtime import DiagramView

log = logging.getLogger(__name__)


class DiagramPane(QWidget):
    """Diagram chooser + live view.  Signal `open_device(device id)` when a symbol is clicked."""

    open_device = Signal(str)

    def __init__(self, bridge: SourceBridge, site: SiteModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.site = site
        self.view: DiagramView | None = None
        self.chooser = QComboBox(self)
        self.fit_button = QPushButton(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar = QHBoxLayout()
        bar.addWidget(self.chooser, 1)
        bar.addWidget(self.fit_button)
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
        if site.diagrams:
            self.show_diagram(site.diagrams[0].id)

    def retranslate(self) -> None:
        """Every string of the pane (again after a language switch)."""
        self.fit_button.setText(self.tr("Fit"))
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
            return loads(text, load_library(), source=diagram_id)

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
        self.view = DiagramView(diagram, self)
        self.view.link_clicked.connect(self.show_diagram)
        self.view.symbol_clicked.connect(lambda _uuid, device: device and emit(self.open_device, device))
        self.body.addWidget(self.view, 1)
        self.message.hide()
        if self.bridge.latest:
            self.view.on_samples(dict(self.bridge.latest))
        QTimer.singleShot(0, self.view.fit)  # once the view has its size

    def _failed(self, exc: Exception) -> None:
        log.error("diagram not shown: %s", describe(exc))
        self.message.setText(self.tr("The diagram cannot be shown: %1").replace("%1", describe(exc)))
        self.message.show()

    def on_samples(self, batch: dict[str, Sample]) -> None:
        """A coalesced batch from the bridge."""
        if self.view is not None:
            self.view.on_samples(batch)
