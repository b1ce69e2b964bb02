"""The single-line diagram in operate mode: live values, switch positions, energisation colours,
change-of-state flashing and alarms on the symbols.

Fed the bridge's coalesced sample batches (≤ 10 a second).  Only the points the diagram binds
are kept; the energisation is traced again only when a switching device's point changed (the
tracer's fixed connectivity is built once, see `app.diagram.energise.Network`), and items are
redrawn only when their look changed — so a thousand bound values at 1 Hz cost little.

A switch that changes position while live flashes until the operator acknowledges the change
(a trip must not go unseen because nobody was looking); a symbol whose device or points are
in alarm carries a badge in the most urgent level's colour, blinking until acknowledged.  One
timer blinks everything of the view in step, and runs only while something blinks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QMouseEvent, QPainter, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsView,
    QMenu,
    QStyleOptionGraphicsItem,
    QWidget,
)

from app.alarms.model import Alarm, AlarmEvent, AlarmState
from app.diagram.energise import DEAD as DEAD_SECTION
from app.diagram.energise import Energisation, Energy, Network, Section, SwitchState
from app.diagram.model import Diagram, PlacedSymbol
from app.diagram.symbols import SWITCH_KINDS
from app.model import Quality, Sample
from widgets.alarms.words import LEVEL_FILL, LEVEL_TEXT, level_word, message
from widgets.runtime import names_language
from widgets.topology.painting import Look, paint_alarm_mark, section_colour
from widgets.topology.scene import DiagramScene, SymbolItem

#: Half a blink period: everything that blinks is lit 500 ms and dark 500 ms (1 Hz).
BLINK_MS = 500

#: Which section colours a symbol whose terminals are in several (`Energisation.symbol`'s order).
_RANK = {Energy.FAULT: 3, Energy.LIVE: 2, Energy.EARTHED: 1, Energy.DEAD: 0}

#: States in which an alarm is shown on its symbol (shelved and suppressed ones are held out of the way).
SHOWN_STATES = (AlarmState.ACTIVE_UNACKED, AlarmState.ACTIVE_ACKED, AlarmState.CLEARED_UNACKED)


class AlarmMark(QGraphicsItem):
    """The alarm badge at a symbol's top-right corner; a child of the `SymbolItem`, so it moves
    with it, goes with it, and a click on it is a click on the symbol."""

    SIZE = 16.0  # screen pixels: as visible on a thousand-symbol overview as zoomed in

    def __init__(self, owner: SymbolItem) -> None:
        super().__init__(owner)
        self.setZValue(10)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.level = 4
        self.blinking = False
        self.lit = True
        self.texts: list[str] = []

    def show_alarms(self, alarms: list[Alarm]) -> None:
        """Take the symbol's shown alarms (at least one): colour, blinking and tooltip."""
        owner = self.parentItem()
        box = owner.boundingRect().adjusted(2, 2, -2, -2) if owner is not None else QRectF()
        self.setPos(box.right(), box.top())  # the badge is centred on the corner
        level = min(int(a.level) for a in alarms)
        blinking = any(a.state.needs_ack for a in alarms)
        ordered = sorted(alarms, key=lambda a: (int(a.level), -a.raised_at))
        line = QCoreApplication.translate("DiagramView", "%1: %2")
        texts = [line.replace("%1", level_word(a.level)).replace("%2", message(a)) for a in ordered]
        if (level, blinking) != (self.level, self.blinking):
            self.level, self.blinking = level, blinking
            self.lit = True
            self.update()
        if texts != self.texts:
            self.texts = texts
            self.setToolTip("\n".join(texts))

    def set_phase(self, lit: bool) -> None:
        """One half of the view's blink: dark only while blinking (unacknowledged)."""
        lit = lit or not self.blinking
        if lit != self.lit:
            self.lit = lit
            self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(-self.SIZE / 2, -self.SIZE / 2, self.SIZE, self.SIZE)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        fill = LEVEL_FILL.get(self.level, LEVEL_FILL[4])
        paint_alarm_mark(p, self.boundingRect(), fill, LEVEL_TEXT.get(self.level, QColor("white")), self.lit)


class DiagramView(QGraphicsView):
    """One diagram, live.

    Signals: `symbol_clicked(uuid, device)` (left click, not a pan), `link_clicked(diagram id)`,
    `changes_pending(count)` with the number of switch changes not yet acknowledged.
    """

    symbol_clicked = Signal(str, str)
    link_clicked = Signal(str)
    changes_pending = Signal(int)

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
        self._probes: dict[str, tuple[str, ...]] = {}
        self._find_probes()
        self.live = True  # False in replay: no change-of-state flashing, values come from `show_values`
        self.values: dict[str, Sample] = {}
        self.watched = set(self.network.points) | set(self.diagram_scene.values)
        self.energisation: Energisation = self.network.trace({})
        # change-of-state flashing: the last known position of each switch, and what awaits an ack
        self.changed: set[str] = set()
        self._known: dict[str, SwitchState] = {}
        # alarms on symbols: the shown alarms by id, which symbols each concerns, the badges
        self.alarms: dict[int, Alarm] = {}
        self._targets: dict[int, set[str]] = {}
        self.marks: dict[str, AlarmMark] = {}
        self._evented: dict[int, tuple[int, Alarm]] = {}  # since the last `set_alarms`: (event ts, snapshot)
        self._by_device: dict[str, set[str]] = {}
        self._by_point: dict[str, set[str]] = {}
        self._index()
        self._phase = True
        self._blink = QTimer(self)
        self._blink.setInterval(BLINK_MS)
        self._blink.timeout.connect(self._toggle)
        self._pressed_at: QPoint | None = None
        diagram.subscribe(self._model_changed)
        self._cache_items()
        self._apply_looks()

    # -- data -----------------------------------------------------------------------------------

    def on_samples(self, batch: dict[str, Sample]) -> None:
        """A coalesced batch: keep the bound points, retrace when a switch moved, relabel."""
        mine = batch.keys() & self.watched
        if not mine:
            return
        retrace = False
        values = self.values
        states = self.network.points
        labels = self.diagram_scene.values
        for pid in mine:
            sample = batch[pid]
            old = values.get(pid)
            if old is not None and old.value == sample.value and old.quality is sample.quality:
                values[pid] = sample  # nothing to redraw: the newer stamp is all that changed
                continue
            values[pid] = sample
            if pid in states:
                retrace = True
            texts = labels.get(pid)
            if texts:
                good = sample.quality is Quality.GOOD
                for text in texts:
                    text.show_value(text.label.text(sample.value), good)
        if retrace:
            self.energisation = self.network.trace(values)
            self._note_changes()
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
        self._known.clear()  # back to live, the first value is the new reference, not a change
        self._apply_looks()

    def _note_changes(self) -> None:
        """Switches whose known position differs from the last known one flash (live only).

        Unknown (a point not answering) is not a position: a breaker that was closed, went
        unknown and is closed again did not change.  The first known position after opening
        or after replay is only remembered.
        """
        added = False
        for uuid, state in self.energisation.switch_states.items():
            if state is SwitchState.UNKNOWN:
                continue
            before = self._known.get(uuid)
            self._known[uuid] = state
            if self.live and before is not None and before is not state and uuid not in self.changed:
                self.changed.add(uuid)
                added = True
        if added:
            self.changes_pending.emit(len(self.changed))
            self._blink_as_needed()

    def acknowledge_changes(self, uuids: Iterable[str] | None = None) -> None:
        """The operator has seen these switch changes (all when ``uuids`` is None): stop flashing them."""
        gone = set(self.changed) if uuids is None else self.changed.intersection(uuids)
        if not gone:
            return
        self.changed -= gone
        for uuid in gone:
            item = self.diagram_scene.symbols.get(uuid)
            if item is not None:
                item.set_look(replace(item.look, flash=False))
        self.changes_pending.emit(len(self.changed))
        self._blink_as_needed()

    def _apply_looks(self) -> None:
        """Every symbol's and wire's look from the trace (a state change: about 5 ms for 1,000 symbols)."""
        e = self.energisation
        fg, bg = self.diagram_scene.fg, self.diagram_scene.bg
        colours: dict[Section, QColor] = {}

        def colour(section: Section) -> QColor:
            found = colours.get(section)
            if found is None:
                found = colours[section] = section_colour(section, fg)
            return found

        for uuid, item in self.diagram_scene.symbols.items():
            sections = [e.terminal(uuid, t) for t in self._probes.get(uuid, ())]
            section = max(sections, key=lambda x: _RANK[x.energy], default=DEAD_SECTION)
            item.set_look(self._look(item, e, colour(section), bg))
        for uuid, wire in self.diagram_scene.wires.items():
            wire.set_colour(colour(e.wire(self.diagram, uuid)))

    def _look(self, item: SymbolItem, e: Energisation, colour: QColor, bg: QColor) -> Look:
        placed = item.placed
        symbol = self.diagram.symbols[placed.symbol]
        if symbol.kind not in SWITCH_KINDS:
            return Look(colour, bg)
        state = e.switch_states.get(placed.uuid, SwitchState.UNKNOWN)
        bad = any(
            (s := self.values.get(point)) is not None and s.quality is not Quality.GOOD
            for key, point in placed.bindings.items() if symbol.state_binding(key)
        )  # fmt: skip
        return Look(colour, bg, str(state), bad, placed.uuid in self.changed and self._phase)

    def _find_probes(self) -> None:
        """One terminal per distinct node of each symbol: a busbar's dozens of terminals are one node.

        The symbol's colour is the most telling section at its terminals (as
        `Energisation.symbol` says); asking each node once makes a recolour cheap.
        """
        self._probes = {}
        node_of = self.network.node_of
        for placed in self.diagram.placed:
            symbol = self.diagram.symbols[placed.symbol]
            seen: dict[int | None, str] = {}
            for t in symbol.terminals_for(placed.length):
                seen.setdefault(node_of.get((placed.uuid, t.id)), t.id)
            self._probes[placed.uuid] = tuple(seen.values())

    # -- alarms ---------------------------------------------------------------------------------

    def set_alarms(self, alarms: list[Alarm]) -> None:
        """The whole active list (at opening, from ``source.alarms()``): badges follow it.

        The list answers a request; alarm events that arrived while it was on its way are
        newer than it and win (an alarm acknowledged meanwhile must not blink again).
        """
        newer = self._evented
        self._evented = {}
        merged = {a.id: a for a in alarms}
        for alarm_id, (ts, alarm) in newer.items():
            listed = merged.get(alarm_id)
            if listed is None or ts >= _changed_at(listed):
                merged[alarm_id] = alarm
        self._show_only(list(merged.values()))

    def _show_only(self, alarms: list[Alarm]) -> None:
        touched = set().union(*self._targets.values()) if self._targets else set()
        self.alarms.clear()
        self._targets.clear()
        for alarm in alarms:
            touched |= self._take(alarm)
        self._refresh_marks(touched)

    def on_alarm_events(self, events: list[AlarmEvent]) -> None:
        """Alarm changes as the bridge delivers them (in order): raise, ack, clear, normal, shelve."""
        touched: set[str] = set()
        for event in events:
            self._evented[event.alarm.id] = (event.ts, event.alarm)
            touched |= self._take(event.alarm)
        self._refresh_marks(touched)

    def _take(self, alarm: Alarm) -> set[str]:
        """Keep (or drop) one alarm snapshot; the symbols whose badge may change."""
        touched = self._targets.pop(alarm.id, set())
        self.alarms.pop(alarm.id, None)
        if alarm.state in SHOWN_STATES:
            targets = self._targets_of(alarm)
            if targets:
                self.alarms[alarm.id] = alarm
                self._targets[alarm.id] = targets
                touched |= targets
        return touched

    def _targets_of(self, alarm: Alarm) -> set[str]:
        found = set(self._by_point.get(alarm.point, ()))
        for device in (alarm.device, alarm.point):  # a comm alarm names the device as its point
            if device:
                found |= self._by_device.get(device, set())
        return found

    def symbol_alarms(self, uuid: str) -> list[Alarm]:
        """The alarms shown on symbol ``uuid``, most urgent first."""
        shown = [self.alarms[i] for i, targets in self._targets.items() if uuid in targets]
        return sorted(shown, key=lambda a: (int(a.level), -a.raised_at))

    def _refresh_marks(self, uuids: Iterable[str]) -> None:
        for uuid in uuids:
            item = self.diagram_scene.symbols.get(uuid)
            alarms = self.symbol_alarms(uuid)
            mark = self.marks.get(uuid)
            if not alarms or item is None:
                if mark is not None:
                    del self.marks[uuid]
                    if mark.scene() is not None:
                        mark.scene().removeItem(mark)
                continue
            if mark is None:
                mark = self.marks[uuid] = AlarmMark(item)
            mark.show_alarms(alarms)
            mark.set_phase(self._phase)
        self._blink_as_needed()

    def _cache_items(self) -> None:
        """Each item keeps its drawing as a pixmap, redrawn only when it changes.

        A batch changes a hundred labels scattered over the whole diagram, and the repaint
        that follows covers most of it: without the cache every symbol, wire and label in
        that area is drawn again from its shapes, ten times a second.
        """
        mode = QGraphicsItem.CacheMode.DeviceCoordinateCache
        for item in self.diagram_scene.items():
            if item.cacheMode() is not mode:
                item.setCacheMode(mode)

    def _index(self) -> None:
        """Which symbols a device or a point belongs to (bound states and value labels)."""
        self._by_device.clear()
        self._by_point.clear()
        for placed in self.diagram.placed:
            if placed.device:
                self._by_device.setdefault(placed.device, set()).add(placed.uuid)
            for point in _points_of(placed):
                self._by_point.setdefault(point, set()).add(placed.uuid)

    # -- blinking -------------------------------------------------------------------------------

    def _blink_as_needed(self) -> None:
        """Run the one blink timer only while a switch flashes or a badge is unacknowledged."""
        needed = bool(self.changed) or any(m.blinking for m in self.marks.values())
        if needed and not self._blink.isActive():
            self._phase = True
            self._blink.start()
        elif not needed and self._blink.isActive():
            self._blink.stop()
            self._phase = True

    def _toggle(self) -> None:
        self._phase = not self._phase
        for uuid in self.changed:
            item = self.diagram_scene.symbols.get(uuid)
            if item is not None:
                item.set_look(replace(item.look, flash=self._phase))
        for mark in self.marks.values():
            mark.set_phase(self._phase)

    # -- the model ------------------------------------------------------------------------------

    def _model_changed(self, _change: object) -> None:
        """An edit changed the connectivity: rebuild it, then trace with what is known."""
        self.network = Network(self.diagram)
        self._find_probes()
        self.watched = set(self.network.points) | set(self.diagram_scene.values)
        self.energisation = self.network.trace(self.values)
        self.changed &= set(self.diagram_scene.symbols)
        self._index()
        self._cache_items()
        for mark in self.marks.values():  # the symbol may be gone or drawn by a new item: rebuild
            if mark.scene() is not None:
                mark.scene().removeItem(mark)
        self.marks.clear()
        alarms = list(self.alarms.values())
        self.alarms.clear()
        self._targets.clear()
        self._show_only(alarms)
        self._apply_looks()

    def detach(self) -> None:
        """Stop following the model and blinking."""
        self._blink.stop()
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

    def symbol_at(self, pos: QPoint) -> SymbolItem | None:
        """The symbol under viewport position ``pos`` (through its labels and badge)."""
        item = self.itemAt(pos)
        while item is not None and not isinstance(item, SymbolItem):
            item = item.parentItem()
        return item

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Remember where a press began: a drag pans, only a click opens a faceplate."""
        self._pressed_at = event.position().toPoint()
        super().mousePressEvent(event)
        if event.button() is Qt.MouseButton.RightButton:
            event.accept()  # the right button is the view's: its context menu follows

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """A left click on a symbol asks for its faceplate; on a link, for the other diagram."""
        pos = event.position().toPoint()
        pressed, self._pressed_at = self._pressed_at, None
        moved = pressed is not None and (pos - pressed).manhattanLength() >= QApplication.startDragDistance()
        if event.button() is Qt.MouseButton.LeftButton and not moved:
            item = self.itemAt(pos)
            while item is not None and not isinstance(item, SymbolItem) and item.data(0) is None:
                item = item.parentItem()
            if isinstance(item, SymbolItem):
                self.symbol_clicked.emit(item.placed.uuid, item.placed.device)
            elif item is not None and item.data(0):
                self.link_clicked.emit(str(item.data(0)))
        super().mouseReleaseEvent(event)
        if event.button() is Qt.MouseButton.RightButton:
            event.accept()

    def context_menu(self, pos: QPoint) -> QMenu:
        """The right-click menu at viewport ``pos``: acknowledge this symbol's change, or all."""
        menu = QMenu(self)
        item = self.symbol_at(pos)
        if item is not None:
            uuid = item.placed.uuid
            name = item.placed.name or self.diagram.symbols[item.placed.symbol].name(names_language())
            faceplate = menu.addAction(
                QCoreApplication.translate("DiagramView", "Open the faceplate of %1").replace("%1", name))
            faceplate.triggered.connect(lambda: self.symbol_clicked.emit(uuid, item.placed.device))
            if uuid in self.changed:
                one = menu.addAction(
                    QCoreApplication.translate("DiagramView", "Acknowledge the change of %1").replace("%1", name))
                one.triggered.connect(lambda: self.acknowledge_changes([uuid]))
        every = menu.addAction(QCoreApplication.translate("DiagramView", "Acknowledge all changes (%1)")
                               .replace("%1", str(len(self.changed))))
        every.setEnabled(bool(self.changed))
        every.triggered.connect(lambda: self.acknowledge_changes(None))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt's name
        """Right click: the acknowledge menu."""
        menu = self.context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()


def _changed_at(alarm: Alarm) -> int:
    """When the snapshot last changed, as far as it tells."""
    return max(t for t in (alarm.raised_at, alarm.acked_at, alarm.cleared_at) if t is not None)


def _points_of(placed: PlacedSymbol) -> set[str]:
    """The points a symbol shows: its bound states and its value labels."""
    return {p for p in placed.bindings.values() if p} | {label.point for label in placed.labels}
