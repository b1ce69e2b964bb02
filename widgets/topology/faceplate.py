"""A symbol's faceplate: everything the console knows about one device, opened from the diagram.

An operator who sees a breaker flash or a badge blink clicks it and, without leaving the
diagram, reads the device's points (value, unit, quality), its state, its alarms (and
acknowledges them), the last hour of its main measurements, and which cameras look at it.
Everything comes through the `SourceBridge`: the alarm list, the hour of history and the
acknowledgement are requests answered later on the GUI thread, values follow the bridge's
coalesced batches — the faceplate never waits on the plant.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.alarms.model import Alarm, AlarmEvent, AlarmState
from app.diagram.energise import switch_state
from app.diagram.model import Diagram, PlacedSymbol
from app.diagram.symbols import SWITCH_KINDS
from app.model import Quality, Sample
from app.sources.base import CameraInfo, DataSource, PointInfo, SiteModel
from widgets.alarms.operator import operator_name
from widgets.alarms.words import LEVEL_FILL, LEVEL_TEXT, level_word, local_time, message, state_word, value_text
from widgets.bridge import SourceBridge, describe
from widgets.runtime import names_language
from widgets.topology.runtime import DiagramView
from widgets.trends.palette import next_colour

#: How far back the small trend reaches, and how many points of it are fetched per pen.
TREND_SPAN_MS = 3_600_000
TREND_POINTS = 400
#: At most this many pens: the faceplate's trend is a glance, the trend pane is for study.
MAIN_POINTS = 3


def _name(zh: str, en: str) -> str:
    return (zh or en) if names_language() == "zh" else (en or zh)


class Faceplate(QDialog):
    """One placed symbol's device: points, state, alarms, an hour of trend, cameras.

    Signals: `open_trend(point id)`, `show_camera(camera id)`, `acknowledge_change(symbol uuid)`
    (the diagram's flashing is the view's; `open_faceplate` wires it).
    """

    open_trend = Signal(str)
    show_camera = Signal(str)
    acknowledge_change = Signal(str)

    def __init__(
        self, bridge: SourceBridge, diagram: Diagram, uuid: str, site: SiteModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.diagram = diagram
        self.uuid = uuid
        self.site = site
        placed = diagram.items[uuid]
        assert isinstance(placed, PlacedSymbol), f"{uuid} is not a placed symbol"
        self.placed: PlacedSymbol = placed
        self.symbol = diagram.symbols[placed.symbol]
        self.tz = ZoneInfo(site.timezone) if site.timezone else ZoneInfo("UTC")
        devices = {d.id: d for d in site.devices}
        self.device = devices.get(placed.device) if placed.device else None
        self.points: list[PointInfo] = self._points_shown()
        self.main_points: list[str] = self._main_points()
        self.cameras: list[CameraInfo] = self._cameras()
        self.alarms: dict[int, Alarm] = {}
        self.values: dict[str, Sample] = {p.id: s for p in self.points if (s := bridge.latest.get(p.id)) is not None}
        self.change_pending = False
        self._open = True
        self._rows = {p.id: i for i, p in enumerate(self.points)}
        self._trend: dict[str, tuple[list[float], list[float], pg.PlotDataItem]] = {}
        self._build()
        self.retranslate()
        self._show_values(self.values)
        self._show_state()
        bridge.samples.connect(self._on_samples)
        bridge.alarm_events.connect(self._on_alarm_events)
        bridge.request(lambda s: s.alarms("active"), self._guarded(self._got_alarms), self._guarded(self._failed))
        self._fetch_trend()

    # -- what is shown ----------------------------------------------------------------------------

    def _points_shown(self) -> list[PointInfo]:
        """The device's points in the site's order, then any other point the symbol binds or labels."""
        infos = {p.id: p for p in self.site.points}
        shown = [p for p in self.site.points if self.device is not None and p.device == self.device.id]
        have = {p.id for p in shown}
        bound = list(self.placed.bindings.values()) + [label.point for label in self.placed.labels]
        for pid in bound:
            if pid and pid not in have:
                have.add(pid)
                shown.append(infos.get(pid) or PointInfo(pid, None, pid, pid, "", ""))
        return shown

    def _main_points(self) -> list[str]:
        """The analog points worth a trend: those the symbol labels first, then the device's own."""
        analog = [p.id for p in self.points if p.kind == "analog"]
        labelled = [label.point for label in self.placed.labels if label.point in analog]
        ordered = list(dict.fromkeys(labelled + analog))
        return ordered[:MAIN_POINTS]

    def _cameras(self) -> list[CameraInfo]:
        """Cameras linked to the device first, then those linked to its room, then those standing in it."""
        if self.device is None:
            return []
        room = self.device.room
        named = [c for c in self.site.cameras if self.device.id in c.devices]
        linked = [c for c in self.site.cameras if c not in named and room and room in c.rooms]
        standing = [c for c in self.site.cameras if c not in named and c not in linked and room and c.room == room]
        return named + linked + standing

    def _build(self) -> None:
        self.title = QLabel(self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel(self)
        self.state_label = QLabel(self)
        self.change_label = QLabel(self)
        self.change_button = QPushButton(self)
        self.change_button.clicked.connect(lambda: self.acknowledge_change.emit(self.uuid))
        change_row = QHBoxLayout()
        change_row.addWidget(self.state_label)
        change_row.addStretch(1)
        change_row.addWidget(self.change_label)
        change_row.addWidget(self.change_button)

        self.points_box = QGroupBox(self)
        self.table = QTableWidget(len(self.points), 4, self.points_box)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for row, info in enumerate(self.points):
            self.table.setItem(row, 0, QTableWidgetItem())
            value = QTableWidgetItem("—")
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, value)
            self.table.setItem(row, 2, QTableWidgetItem(info.unit))
            self.table.setItem(row, 3, QTableWidgetItem("—"))
        QVBoxLayout(self.points_box).addWidget(self.table)

        self.alarms_box = QGroupBox(self)
        self.alarm_table = QTableWidget(0, 4, self.alarms_box)
        self.alarm_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.alarm_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.alarm_table.verticalHeader().hide()
        alarm_header = self.alarm_table.horizontalHeader()
        alarm_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 3):
            alarm_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.comment = QLineEdit(self.alarms_box)
        self.ack_button = QPushButton(self.alarms_box)
        self.ack_button.clicked.connect(self.acknowledge_alarms)
        self.alarm_note = QLabel(self.alarms_box)
        ack_row = QHBoxLayout()
        ack_row.addWidget(self.comment, 1)
        ack_row.addWidget(self.ack_button)
        alarms_layout = QVBoxLayout(self.alarms_box)
        alarms_layout.addWidget(self.alarm_table)
        alarms_layout.addLayout(ack_row)
        alarms_layout.addWidget(self.alarm_note)

        self.trend_box = QGroupBox(self)
        offset = datetime.now(self.tz).utcoffset()  # the site's clock, not this computer's
        west = -int(offset.total_seconds()) if offset is not None else 0
        axis = pg.DateAxisItem(orientation="bottom", utcOffset=west)
        self.plot = pg.PlotWidget(self.trend_box, axisItems={"bottom": axis})
        self.plot.setMinimumHeight(160)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.legend = self.plot.addLegend(offset=(5, 5))
        self.trend_button = QPushButton(self.trend_box)
        self.trend_button.clicked.connect(self._open_trend)
        self.trend_button.setEnabled(bool(self.points))
        trend_layout = QVBoxLayout(self.trend_box)
        trend_layout.addWidget(self.plot, 1)
        trend_row = QHBoxLayout()
        self.trend_note = QLabel(self.trend_box)
        trend_row.addWidget(self.trend_note, 1)
        trend_row.addWidget(self.trend_button)
        trend_layout.addLayout(trend_row)

        self.cameras_box = QGroupBox(self)
        self.camera_list = QListWidget(self.cameras_box)
        self.camera_list.setMaximumHeight(90)
        for camera in self.cameras:
            item = QListWidgetItem(camera.id)  # named in `retranslate`
            item.setData(Qt.ItemDataRole.UserRole, camera.id)
            self.camera_list.addItem(item)
        if self.cameras:
            self.camera_list.setCurrentRow(0)
        self.camera_button = QPushButton(self.cameras_box)
        self.camera_button.setEnabled(bool(self.cameras))
        self.camera_button.clicked.connect(self._show_camera)
        self.camera_note = QLabel(self.cameras_box)
        cameras_layout = QVBoxLayout(self.cameras_box)
        cameras_layout.addWidget(self.camera_list)
        cameras_layout.addWidget(self.camera_note)
        cameras_layout.addWidget(self.camera_button, 0, Qt.AlignmentFlag.AlignRight)
        self.camera_list.setVisible(bool(self.cameras))
        self.camera_note.setVisible(not self.cameras)

        grid = QGridLayout()
        grid.addWidget(self.points_box, 0, 0, 2, 1)
        grid.addWidget(self.trend_box, 0, 1)
        grid.addWidget(self.cameras_box, 1, 1)
        grid.addWidget(self.alarms_box, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(change_row)
        layout.addLayout(grid, 1)
        self.set_change_pending(False)
        self._apply_theme()
        self.resize(980, 720)

    def retranslate(self) -> None:
        """Every string of the faceplate (again after a language switch)."""
        designation = self.placed.name or self.symbol.name(names_language())
        self.setWindowTitle(self.tr("Faceplate: %1").replace("%1", designation))
        self.title.setText(designation)
        if self.device is not None:
            kind = self.symbol.name(names_language())
            device = self.tr("%1 (%2), %3").replace("%1", _name(self.device.name, self.device.name_en))
            self.subtitle.setText(device.replace("%2", self.device.id).replace("%3", kind))
        else:
            self.subtitle.setText(self.tr("%1, not bound to a device: its bound points only.")
                                  .replace("%1", self.symbol.name(names_language())))  # fmt: skip
        self.change_label.setText(self.tr("This switch changed state and the change is not acknowledged."))
        self.change_button.setText(self.tr("Acknowledge change"))
        self.points_box.setTitle(self.tr("Points"))
        self.table.setHorizontalHeaderLabels([self.tr("Point"), self.tr("Value"), self.tr("Unit"), self.tr("Quality")])
        for row, info in enumerate(self.points):
            self.table.item(row, 0).setText(_name(info.name, info.name_en))
            self.table.item(row, 0).setToolTip(info.id)
        self.alarms_box.setTitle(self.tr("Alarms"))
        self.alarm_table.setHorizontalHeaderLabels([self.tr("Level"), self.tr("State"), self.tr("Message"),
                                                    self.tr("Raised")])  # fmt: skip
        self.comment.setPlaceholderText(self.tr("Comment (optional)"))
        self.ack_button.setText(self.tr("Acknowledge"))
        self.trend_box.setTitle(self.tr("Last hour"))
        self.trend_button.setText(self.tr("Open trend"))
        self.trend_note.setText("" if self.main_points else self.tr("This device has no analog points to trend."))
        infos = {p.id: p for p in self.points}
        for pid, (_xs, _ys, line) in self._trend.items():
            label = self.legend.getLabel(line)
            if label is not None:
                label.setText(self._pen_name(infos[pid]))
        for row, camera in enumerate(self.cameras):
            self.camera_list.item(row).setText(f"{camera.id}  {_name(camera.name, camera.name_en)}")
        self.cameras_box.setTitle(self.tr("Cameras"))
        self.camera_button.setText(self.tr("Show camera"))
        self.camera_note.setText(self.tr("No camera covers this device."))
        self._show_state()
        self._show_alarms()

    def _apply_theme(self) -> None:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        background, foreground = ("#1b1d21", "#d4d4d4") if dark else ("#ffffff", "#333333")
        self.plot.setBackground(background)
        self.legend.setLabelTextColor(foreground)
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setPen(foreground)
            self.plot.getAxis(axis).setTextPen(foreground)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a language switch and a light/dark palette switch."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._apply_theme()

    # -- values and state -------------------------------------------------------------------------

    def _on_samples(self, batch: dict[str, Sample]) -> None:
        mine = {pid: batch[pid] for pid in batch.keys() & self._rows.keys()}
        if mine:
            self.values.update(mine)
            self._show_values(mine)
            self._show_state()
            self._extend_trend(mine)

    def _show_values(self, samples: dict[str, Sample]) -> None:
        grey = QBrush(self.palette().color(QPalette.ColorRole.PlaceholderText))
        for pid, sample in samples.items():
            row = self._rows.get(pid)
            if row is None:
                continue
            value = self.table.item(row, 1)
            value.setText(value_text(sample.value))
            value.setToolTip(local_time(sample.ts, self.tz))
            if sample.quality is Quality.GOOD:
                value.setData(Qt.ItemDataRole.ForegroundRole, None)  # the palette's text: follows the theme
            else:
                value.setForeground(grey)
            self.table.item(row, 3).setText(self._quality_word(sample.quality))

    def _quality_word(self, quality: Quality) -> str:
        return {
            Quality.GOOD: self.tr("good"),
            Quality.STALE: self.tr("stale"),
            Quality.COMM_FAIL: self.tr("no communication"),
            Quality.BAD_VALUE: self.tr("bad value"),
        }.get(quality, quality.word)

    def state_text(self) -> str:
        """The symbol's state in words ("" for symbols without states)."""
        if self.symbol.kind not in SWITCH_KINDS:
            return ""
        state, _why = switch_state(self.symbol, self.placed, self.values)
        words = {
            "closed": self.tr("closed"),
            "open": self.tr("open"),
            "withdrawn": self.tr("withdrawn"),
            "unknown": self.tr("unknown"),
        }
        return self.tr("State: %1").replace("%1", words.get(str(state), str(state)))

    def _show_state(self) -> None:
        text = self.state_text()
        self.state_label.setText(text)
        self.state_label.setVisible(bool(text))

    def set_change_pending(self, pending: bool) -> None:
        """Whether the symbol flashes for a change not yet acknowledged (the view tells)."""
        self.change_pending = pending
        self.change_label.setVisible(pending)
        self.change_button.setVisible(pending)

    # -- alarms -----------------------------------------------------------------------------------

    def _mine(self, alarm: Alarm) -> bool:
        device = self.device.id if self.device is not None else None
        return alarm.point in self._rows or (device is not None and device in (alarm.device, alarm.point))

    def _got_alarms(self, alarms: list[Alarm]) -> None:
        for alarm in alarms:
            if self._mine(alarm) and alarm.id not in self.alarms:  # an event that came first is newer
                self.alarms[alarm.id] = alarm
        self._show_alarms()

    def _on_alarm_events(self, events: list[AlarmEvent]) -> None:
        changed = False
        for event in events:
            alarm = event.alarm
            if not self._mine(alarm):
                continue
            changed = True
            if alarm.state is AlarmState.NORMAL:
                self.alarms.pop(alarm.id, None)
            else:
                self.alarms[alarm.id] = alarm
        if changed:
            self._show_alarms()

    def shown_alarms(self) -> list[Alarm]:
        """The device's alarms on the list, most urgent and newest first."""
        return sorted(self.alarms.values(), key=lambda a: (int(a.level), -a.raised_at))

    def _show_alarms(self) -> None:
        alarms = self.shown_alarms()
        self.alarm_table.setRowCount(len(alarms))
        for row, alarm in enumerate(alarms):
            level = QTableWidgetItem(level_word(alarm.level))
            level.setBackground(LEVEL_FILL.get(int(alarm.level), LEVEL_FILL[4]))
            level.setForeground(LEVEL_TEXT.get(int(alarm.level), LEVEL_TEXT[4]))
            level.setData(Qt.ItemDataRole.UserRole, alarm.id)
            cells = (level, QTableWidgetItem(state_word(alarm.state)), QTableWidgetItem(message(alarm)),
                     QTableWidgetItem(local_time(alarm.raised_at, self.tz)))  # fmt: skip
            for column, cell in enumerate(cells):
                self.alarm_table.setItem(row, column, cell)
        waiting = [a for a in alarms if a.state.needs_ack]
        self.ack_button.setEnabled(bool(waiting))
        self.comment.setEnabled(bool(waiting))
        if not alarms:
            self.alarm_note.setText(self.tr("No active alarms."))
        elif waiting:
            self.alarm_note.setText(self.tr("Waiting for acknowledgement: %1.").replace("%1", str(len(waiting))))
        else:
            self.alarm_note.setText(self.tr("All alarms are acknowledged."))

    def acknowledge_alarms(self) -> None:
        """Acknowledge the selected alarms that wait for it (all of them when none is selected)."""
        rows = {index.row() for index in self.alarm_table.selectionModel().selectedRows()}
        alarms = self.shown_alarms()
        chosen = [alarms[r] for r in sorted(rows) if r < len(alarms)] or alarms
        ids = [a.id for a in chosen if a.state.needs_ack]
        if not ids:
            return
        user, comment = operator_name(), self.comment.text().strip() or None
        self.ack_button.setEnabled(False)
        self.bridge.request(lambda s: s.acknowledge(ids, user=user, comment=comment),
                            self._guarded(self._acknowledged), self._guarded(self._failed))  # fmt: skip

    def _acknowledged(self, alarms: list[Alarm]) -> None:
        for alarm in alarms:
            if alarm.state is AlarmState.NORMAL:
                self.alarms.pop(alarm.id, None)
            elif self._mine(alarm):
                self.alarms[alarm.id] = alarm
        self.comment.clear()
        self._show_alarms()

    def _failed(self, exc: Exception) -> None:
        self.alarm_note.setText(self.tr("The source did not answer: %1").replace("%1", describe(exc)))
        self._show_alarms_enabled()

    def _show_alarms_enabled(self) -> None:
        self.ack_button.setEnabled(any(a.state.needs_ack for a in self.alarms.values()))

    # -- trend ------------------------------------------------------------------------------------

    def _fetch_trend(self) -> None:
        end = int(time.time() * 1000)
        start = end - TREND_SPAN_MS
        self._follow_time(end / 1000)
        infos = {p.id: p for p in self.points}
        used: set[str] = set()
        for pid in self.main_points:
            colour = next_colour(used)
            used.add(colour)
            line = self.plot.plot([], [], pen=pg.mkPen(colour, width=1.5), name=self._pen_name(infos[pid]))
            self._trend[pid] = ([], [], line)

            def ask(source: DataSource, point: str = pid) -> Any:
                return source.history(point, start, end, TREND_POINTS)

            self.bridge.request(ask, self._guarded(lambda h, point=pid: self._got_history(point, h)),
                                self._guarded(self._trend_failed))  # fmt: skip

    @staticmethod
    def _pen_name(info: PointInfo) -> str:
        name = _name(info.name, info.name_en)
        return f"{name} ({info.unit})" if info.unit else name

    def _got_history(self, point: str, history: Any) -> None:
        xs, ys, line = self._trend[point]
        if history.raw:
            got = [(ts / 1000, v) for ts, v, _q in history.samples]
        else:
            got = [(b[0] / 1000, b[3]) for b in history.buckets]
        later = [(x, y) for x, y in zip(xs, ys, strict=True) if not got or x > got[-1][0]]
        merged = got + later
        xs[:] = [x for x, _ in merged]
        ys[:] = [y for _, y in merged]
        line.setData(xs, ys)

    def _trend_failed(self, exc: Exception) -> None:
        self.trend_note.setText(self.tr("The history could not be read: %1").replace("%1", describe(exc)))

    def _extend_trend(self, samples: dict[str, Sample]) -> None:
        for pid, sample in samples.items():
            if pid in self._trend and sample.quality is Quality.GOOD:
                xs, ys, line = self._trend[pid]
                x = sample.ts / 1000
                if not xs or x > xs[-1]:
                    xs.append(x)
                    ys.append(float(sample.value))
                    line.setData(xs, ys)
                    self._follow_time(x)

    def _follow_time(self, now_s: float) -> None:
        """Always the last hour up to now, however little of it the historian holds."""
        self.plot.setXRange(now_s - TREND_SPAN_MS / 1000, now_s, padding=0.01)

    def _open_trend(self) -> None:
        """The selected point's trend (the first main point when none is selected)."""
        row = self.table.currentRow()
        point = self.points[row].id if 0 <= row < len(self.points) else None
        point = point or (self.main_points[0] if self.main_points else self.points[0].id)
        self.open_trend.emit(point)

    # -- cameras ----------------------------------------------------------------------------------

    def _show_camera(self) -> None:
        item = self.camera_list.currentItem() or self.camera_list.item(0)
        if item is not None:
            self.show_camera.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    # -- life -------------------------------------------------------------------------------------

    def _guarded(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        """An answer that may come after the faceplate was closed: dropped then."""

        def call(result: Any) -> None:
            if self._open and isValid(self):
                fn(result)

        return call

    def done(self, result: int) -> None:
        """Closed: stop following the bridge."""
        self._stop()
        super().done(result)

    def _stop(self) -> None:
        if self._open:
            self._open = False
            self.bridge.samples.disconnect(self._on_samples)
            self.bridge.alarm_events.disconnect(self._on_alarm_events)


def open_faceplate(
    view: DiagramView, bridge: SourceBridge, uuid: str, site: SiteModel, parent: QWidget | None = None
) -> Faceplate:
    """A faceplate for symbol ``uuid`` of ``view``, wired to the view's change flashing; shown, not modal.

    It deletes itself when closed.  The caller connects `open_trend` and `show_camera`.
    """
    plate = Faceplate(bridge, view.diagram, uuid, site, parent)
    plate.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    plate.set_change_pending(uuid in view.changed)
    plate.acknowledge_change.connect(lambda u: view.acknowledge_changes([u]))

    def follow(_count: int) -> None:
        if isValid(plate):
            plate.set_change_pending(uuid in view.changed)

    view.changes_pending.connect(follow)
    plate.destroyed.connect(lambda: _disconnect(view, follow))
    plate.show()
    return plate


def _disconnect(view: DiagramView, slot: Callable[[int], None]) -> None:
    with contextlib.suppress(RuntimeError, TypeError):  # the view went first
        view.changes_pending.disconnect(slot)
