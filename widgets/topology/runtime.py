"""The single-line diagram in operate mode: live values, switch positions and energisation colours.

Fed the bridge's coalesced sample batches (≤ 10 a second).  Only the points the diagram binds
are kept; the energisation is traced again only when a switching device's point changed (the
tracer's fixed connectivity is built once, see `app.diagram.energise.Network`), and items are
redrawn only when their look changed — so a thousand bound values at 1 Hz cost little.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPalette, QWheelEvent
from PySide6.QtWidgets import QGraphicsView, QWidget

from app.diagram.energise import Energisation, Network, SwitchState
from app.diagram.model import Diagram
from app.diagram.symbols import SWITCH_KINDS
from app.model import Quality, Sample
from widgets.topology.painting import Look, section_colour
from widgets.topology.scene import DiagramScene, SymbolItem


class DiagramView(QGraphicsView):
    """One diagram, live.  Signals: `symbol_clicked(uuid, device)`, `link_clicked(diagram id)`."""

    symbol_clicked = Signal(str, str)
    link_clicked = Signal(str)

    def __init__(self, diagram: Diagram, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diagram = diagram
        fg = self.palette().color(QPalette.ColorRole.WindowText)
        bg = self.palette().color(QPalette.ColorRole.Base)
        self.diagram_scene = DiagramScene(diagram, fg, bg, self)
        self.setScene(self.diagram_scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.network = Network(diagram)
        self.live = True  # False in replay: no change-of-state flashing, values come from `show_values`
        self.values: dict[str, Sample] = {}
        self.watched = set(self.network.points) | set(self.diagram_scene.values)
        self.energisation: Energisation = self.network.trace({})
        diagram.subscribe(self._model_changed)
        self._apply_looks()

    # -- data -----------------------------------------------------------------------------------

    def on_samples(self, batch: dict[str, Sample]) -> None:
        """A coalesced batch: keep the bound points, retrace when a switch moved, relabel."""
        mine = batch.keys() & self.watched
        if not mine:
            return
        retrace = False
        for pid in mine:
            sample = batch[pid]
            old = self.values.get(pid)
            self.values[pid] = sample
            if pid in self.network.points and (old is None or old.value != sample.value
                                               or old.quality is not sample.quality):  # fmt: skip
                retrace = True
            for text in self.diagram_scene.values.get(pid, ()):
                good = sample.quality is Quality.GOOD
                text.show_value(text.label.text(sample.value), good)
        if retrace:
            self.energisation = self.network.trace(self.values)
            self._apply_looks()

    def show_values(self, values: dict[str, Sample]) -> None:
        """Show exactly these values (replay at a past time): a bound point absent from ``values``
        had no value then and shows "—"; switch states and energisation are traced from them."""
        self.values = {pid: s for pid, s in values.items() if pid in self.watched}
        for pid, texts in self.diagram_scene.values.items():
            sample = self.values.get(pid)
            for text in texts:
                if sample is None:
                    text.show_value("—", False)
                else:
                    text.show_value(text.label.text(sample.value), sample.quality is Quality.GOOD)
        self.energisation = self.network.trace(self.values)
        self._apply_looks()

    def _apply_looks(self) -> None:
        e = self.energisation
        fg, bg = self.diagram_scene.fg, self.diagram_scene.bg
        for item in self.diagram_scene.symbols.values():
            item.set_look(self._look(item, e, fg, bg))
        for uuid, wire in self.diagram_scene.wires.items():
            wire.set_colour(section_colour(e.wire(self.diagram, uuid), fg))

    def _look(self, item: SymbolItem, e: Energisation, fg: QColor, bg: QColor) -> Look:
        placed = item.placed
        symbol = self.diagram.symbols[placed.symbol]
        colour = section_colour(e.symbol(self.diagram, placed.uuid), fg)
        if symbol.kind not in SWITCH_KINDS:
            return Look(colour, bg)
        state = e.switch_states.get(placed.uuid, SwitchState.UNKNOWN)
        bad = any(
            (s := self.values.get(point)) is not None and s.quality is not Quality.GOOD
            for key, point in placed.bindings.items() if symbol.state_binding(key)
        )  # fmt: skip
        return Look(colour, bg, str(state), bad)

    def _model_changed(self, _change: object) -> None:
        """An edit changed the connectivity: rebuild it, then trace with what is known."""
        self.network = Network(self.diagram)
        self.watched = set(self.network.points) | set(self.diagram_scene.values)
        self.energisation = self.network.trace(self.values)
        self._apply_looks()

    def detach(self) -> None:
        """Stop following the model."""
        self.diagram.unsubscribe(self._model_changed)
        self.diagram_scene.detach()

    # -- the operator's hands -------------------------------------------------------------------

    def fit(self) -> None:
        """The whole diagram in view."""
        self.fitInView(self.diagram_scene.itemsBoundingRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        """Zoom about the cursor."""
        factor = 1.2 if event.angleDelta().y() > 0 else 1 / 1.2
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.scale(factor, factor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """A click on a symbol asks for its faceplate; on a link, for the other diagram."""
        item = self.itemAt(event.position().toPoint())
        while item is not None and not isinstance(item, SymbolItem) and item.data(0) is None:
            item = item.parentItem()
        if isinstance(item, SymbolItem):
            self.symbol_clicked.emit(item.placed.uuid, item.placed.device)
        elif item is not None and item.data(0):
            self.link_clicked.emit(str(item.data(0)))
        super().mouseReleaseEvent(event)
