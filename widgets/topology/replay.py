"""Post-fault replay (事故追忆): one single-line diagram as the plant was at a past time.

The operator picks a time (or opens it from an alarm) and steps through 5 minutes before to
10 minutes after it: values, breaker states and energisation come from the historian's as-of
query, asked through the bridge on the core loop — never on the GUI thread.  Slider drags are
coalesced (`app.diagram.replay.NewestOnly`): one query in flight at most, the newest wanted
time next, so a fast drag never queues hundreds of queries behind the hand.

An as-of query for a thousand points takes hundreds of milliseconds, so meanwhile the whole
window's samples are fetched once in the background (`app.diagram.replay.WindowValues`); from
then on a step is answered in memory and drawn at the next turn of the event loop (one drawing
per turn however fast the hand drags).  Times the held window does not reach (the last seconds
before now) are still asked as-of.

Nobody may mistake it for live: an amber REPLAY banner above, an amber frame round the
diagram with the shown time written on it, the time large in the site's timezone, and
`DiagramView.live` off (no change-of-state flashing; absent values show "—").
"""

from __future__ import annotations

import logging
import time
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimer, QTimeZone, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.alarms.journal import JournalEntry
from app.alarms.model import Alarm
from app.diagram.model import Diagram
from app.diagram.replay import (
    SETTLE_MS,
    NewestOnly,
    ReplayEvent,
    WindowValues,
    slider_position,
    slider_time,
    window_around,
    window_events,
    window_values,
)
from app.model import Sample
from app.sources.base import DataSource, SiteModel
from widgets.bridge import SourceBridge, describe
from widgets.topology.replay_events import ReplayEventList, site_time
from widgets.topology.runtime import DiagramView

log = logging.getLogger(__name__)

REPLAY_COLOUR = "#e08a00"  # amber: the colour of "not live" everywhere in this window
STEPS_S = (-60, -10, -1, 1, 10, 60)
SPEEDS = (1, 5, 20)


def _offset_text(delta_ms: int) -> str:
    """"+01:05" / "−00:03" (minutes:seconds from the chosen time)."""
    sign = "−" if delta_ms < 0 else "+"
    seconds = abs(delta_ms) // 1000
    return f"{sign}{seconds // 60:02d}:{seconds % 60:02d}"


class ReplayWindow(QWidget):
    """A diagram at a past time with a slider over the window round it.  Signal `shown(ts)` when a
    picture of time ``ts`` is on screen."""

    shown = Signal(object)  # int ms UTC (a Qt int is 32 bits)

    def __init__(self, bridge: SourceBridge, diagram: Diagram, site: SiteModel, at_ms: int, tz: ZoneInfo,
                 parent: QWidget | None = None, *, opened_at: Alarm | JournalEntry | None = None,
                 prefetch: bool = True) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.bridge = bridge
        self.diagram = diagram
        self.site = site
        self.tz = tz
        self.opened_at = opened_at
        self.at_ms = int(at_ms)
        self.start_ms, self.end_ms = window_around(self.at_ms)
        self.wanted_ms = self.at_ms
        self.shown_ms: int | None = None
        self.pending = NewestOnly()
        self.asked: list[int] = []  # every as-of time asked, in order (what a fast drag cost)
        self.outstanding = 0  # as-of queries out now; `most_outstanding` is the most ever at once
        self.most_outstanding = 0
        self._events_generation = 0
        self.prefetch = prefetch  # hold the window's samples in memory (False: every step asks as-of)
        self.held: WindowValues | None = None
        self.rendered = 0  # pictures drawn from the held window
        self._held_generation = 0
        self._render = QTimer(self)  # one picture from memory per event-loop turn, of the newest time
        self._render.setSingleShot(True)
        self._render.setInterval(0)
        self._render.timeout.connect(self._render_held)
        self._closed = False

        self.banner = QLabel(self)
        self.banner.setObjectName("replayBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setStyleSheet(f"QLabel#replayBanner {{ background: {REPLAY_COLOUR}; color: black; "
                                  "font-weight: bold; padding: 6px; }")  # fmt: skip
        font = self.banner.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.banner.setFont(font)

        self.time_label = QLabel(self)
        big = QFont(self.time_label.font())
        big.setPointSizeF(big.pointSizeF() * 2.2)
        big.setBold(True)
        self.time_label.setFont(big)
        self.time_label.setStyleSheet(f"color: {REPLAY_COLOUR};")
        self.offset_label = QLabel(self)
        self.zone_label = QLabel(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)

        self.frame = QFrame(self)
        self.frame.setObjectName("replayFrame")
        self.frame.setStyleSheet(f"QFrame#replayFrame {{ border: 5px solid {REPLAY_COLOUR}; }}")
        self.view = DiagramView(diagram, self.frame)
        self.view.live = False
        self.watched = sorted(self.view.watched)
        inner = QVBoxLayout(self.frame)
        inner.setContentsMargins(5, 5, 5, 5)
        inner.addWidget(self.view)
        self.stamp = QLabel(self.frame)  # the shown time written on the diagram itself
        self.stamp.setObjectName("replayStamp")
        self.stamp.setStyleSheet(f"QLabel#replayStamp {{ background: {REPLAY_COLOUR}; color: black; "
                                 "font-weight: bold; padding: 3px 8px; }")  # fmt: skip
        self.stamp.move(14, 14)  # the diagram's top-left corner, inside the frame
        self.stamp.raise_()

        self.event_list = ReplayEventList(site, tz, self)
        opened = opened_at.alarm_id if isinstance(opened_at, JournalEntry) else getattr(opened_at, "id", None)
        self.event_list.opened_alarm = opened
        self.event_list.jump_requested.connect(self._jump)
        self.event_list.refresh_requested.connect(self.load_events)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.frame)
        splitter.addWidget(self.event_list)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([950, 450])

        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setTracking(True)
        self.slider.setSingleStep(1)
        self.slider.setPageStep(60)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setTickInterval(60)
        self.slider.valueChanged.connect(self._slider_moved)
        self.start_label = QLabel(self)
        self.end_label = QLabel(self)
        slider_bar = QHBoxLayout()
        slider_bar.addWidget(self.start_label)
        slider_bar.addWidget(self.slider, 1)
        slider_bar.addWidget(self.end_label)

        self.step_buttons: dict[int, QPushButton] = {}
        controls = QHBoxLayout()
        for seconds in STEPS_S:
            button = QPushButton(self)
            button.clicked.connect(lambda _=False, s=seconds: self.step(s))
            self.step_buttons[seconds] = button
        for seconds in STEPS_S[:3]:
            controls.addWidget(self.step_buttons[seconds])
        self.play_button = QPushButton(self)
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._play_toggled)
        self.speed = QComboBox(self)
        for speed in SPEEDS:
            self.speed.addItem("", speed)
        self.speed.currentIndexChanged.connect(self._speed_changed)
        controls.addWidget(self.play_button)
        controls.addWidget(self.speed)
        for seconds in STEPS_S[3:]:
            controls.addWidget(self.step_buttons[seconds])
        controls.addStretch(1)
        self.pick_label = QLabel(self)
        zone = QTimeZone(tz.key.encode())
        self.picker = QDateTimeEdit(QDateTime.fromMSecsSinceEpoch(self.at_ms, zone), self)
        self.picker.setTimeZone(zone)
        self.picker.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.picker.setCalendarPopup(True)
        self.go_button = QPushButton(self)
        self.go_button.clicked.connect(lambda: self.recentre(self.picker.dateTime().toMSecsSinceEpoch()))
        controls.addWidget(self.pick_label)
        controls.addWidget(self.picker)
        controls.addWidget(self.go_button)

        self.player = QTimer(self)
        self.player.timeout.connect(self._play_tick)

        head = QHBoxLayout()
        head.addWidget(self.time_label)
        words = QVBoxLayout()
        words.addWidget(self.offset_label)
        words.addWidget(self.zone_label)
        head.addLayout(words)
        head.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(head)
        layout.addWidget(splitter, 1)
        layout.addLayout(slider_bar)
        layout.addLayout(controls)
        layout.addWidget(self.status)

        self.retranslate()
        self.resize(1400, 900)
        self._auto_fit = True
        self.view.installEventFilter(self)
        self.view.viewport().installEventFilter(self)
        self.recentre(self.at_ms)

    # -- words -------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every string of the window (again after a language switch)."""
        self.banner.setText(self.tr("REPLAY — the plant as it was at the time below, not live"))
        self.setWindowTitle(self.tr("Replay of %1").replace("%1", self.diagram.name or self.diagram.id))
        self.zone_label.setText(self.tr("Site time (%1)").replace("%1", self.tz.key))
        words = {(True, True): self.tr("−%1 min"), (True, False): self.tr("−%1 s"),
                 (False, True): self.tr("+%1 min"), (False, False): self.tr("+%1 s")}  # fmt: skip
        for seconds, button in self.step_buttons.items():
            minutes = abs(seconds) >= 60
            amount = abs(seconds) // 60 if minutes else abs(seconds)
            button.setText(words[(seconds < 0, minutes)].replace("%1", str(amount)))
            button.setToolTip(self.tr("Show the plant %1 seconds earlier").replace("%1", str(-seconds)) if seconds < 0
                              else self.tr("Show the plant %1 seconds later").replace("%1", str(seconds)))  # fmt: skip
        for i, speed in enumerate(SPEEDS):
            self.speed.setItemText(i, self.tr("%1× speed").replace("%1", str(speed)))
        self._play_words()
        self.pick_label.setText(self.tr("Another time:"))
        self.go_button.setText(self.tr("Show"))
        self._time_words()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _play_words(self) -> None:
        self.play_button.setText(self.tr("❚❚ Pause") if self.play_button.isChecked() else self.tr("▶ Play"))

    def _time_words(self) -> None:
        shown = self.shown_ms
        if shown is None:
            self.time_label.setText(self.tr("Loading…"))
            self.offset_label.setText("")
            self.stamp.setText(self.tr("REPLAY"))
        else:
            text = site_time(shown, self.tz)
            self.time_label.setText(text)
            self.offset_label.setText(self.tr("%1 from the chosen time %2")
                                      .replace("%1", _offset_text(shown - self.at_ms))
                                      .replace("%2", site_time(self.at_ms, self.tz)))  # fmt: skip
            self.stamp.setText(self.tr("REPLAY %1").replace("%1", text))
        self.stamp.adjustSize()
        self.start_label.setText(site_time(self.start_ms, self.tz)[11:19])
        self.end_label.setText(site_time(self.end_ms, self.tz)[11:19])

    # -- time --------------------------------------------------------------------------------------

    def limit_ms(self) -> int:
        """The latest time that can be shown: the window's end, or now (the future is not known yet)."""
        return min(self.end_ms, int(time.time() * 1000))

    def recentre(self, at_ms: int) -> None:
        """Choose another time: the window moves round it, its events are searched again."""
        self.at_ms = int(at_ms)
        self.start_ms, self.end_ms = window_around(self.at_ms)
        self.slider.blockSignals(True)
        self.slider.setRange(0, slider_position(self.start_ms, self.end_ms, self.end_ms))
        self.slider.blockSignals(False)
        self.held = None
        self.pending = NewestOnly()  # an answer still out belongs to the old window: dropped below
        self.load_events()
        self.set_time(self.at_ms)
        if self.prefetch:
            self._load_window()

    def set_time(self, ts_ms: int) -> None:
        """Show the plant at ``ts_ms`` (kept within the window and before now); the slider follows."""
        ts = max(self.start_ms, min(int(ts_ms), self.limit_ms()))
        self.slider.blockSignals(True)
        self.slider.setValue(slider_position(self.start_ms, self.end_ms, ts))
        self.slider.blockSignals(False)
        self._want(ts)

    def step(self, seconds: int) -> None:
        """Move by ``seconds`` from the time wanted last."""
        self.set_time(self.wanted_ms + seconds * 1000)

    def _slider_moved(self, position: int) -> None:
        ts = slider_time(self.start_ms, position)
        if ts > self.limit_ms():  # a hand cannot drag into the future: back to now
            self.set_time(ts)
            return
        self._want(ts)

    def _want(self, ts: int) -> None:
        self.wanted_ms = ts
        if self.held is not None and self.held.covers(ts):
            self._render.start()
            return
        ask = self.pending.want(ts)
        if ask is not None:
            self._ask(ask)

    def _render_held(self) -> None:
        held, ts = self.held, self.wanted_ms
        if self._closed or held is None or not held.covers(ts):
            return
        self.rendered += 1
        self._show(ts, held.at(ts))

    def _load_window(self) -> None:
        """Fetch the window's samples in the background; steps are answered from memory once they came."""
        self._held_generation += 1
        generation = self._held_generation
        points, start = self.watched, self.start_ms
        end = min(self.end_ms, int(time.time() * 1000) - SETTLE_MS)
        if end <= start:
            return

        def done(held: WindowValues | None) -> None:
            if self._closed or not shiboken6.isValid(self) or generation != self._held_generation:
                return
            self.held = held
            if held is not None and held.covers(self.wanted_ms) and self.outstanding == 0:
                self._render.start()

        def failed(exc: Exception) -> None:  # the as-of queries go on answering every step
            log.warning("replay window not held in memory: %s", describe(exc))

        self.bridge.request(lambda source: window_values(source, points, start, end), done, failed)

    def _ask(self, ts: int) -> None:
        ids = self.watched
        self.asked.append(ts)
        self.outstanding += 1
        self.most_outstanding = max(self.most_outstanding, self.outstanding)

        def query(source: DataSource):  # noqa: ANN202 - the source's coroutine
            return source.as_of(ids, ts)

        self.bridge.request(query, lambda values: self._answered(ts, values), self._failed)

    def _answered(self, ts: int, values: dict[str, Sample]) -> None:
        if self._closed or not shiboken6.isValid(self):
            return
        self.outstanding -= 1
        if self._to_memory() or self.pending.in_flight != ts:  # a later choice is answered otherwise
            return
        self._show(ts, values)
        self._next()

    def _failed(self, exc: Exception) -> None:
        if self._closed or not shiboken6.isValid(self):
            return
        self.outstanding -= 1
        log.error("replay query failed: %s", describe(exc))
        self.status.setText(self.tr("The past values cannot be read: %1").replace("%1", describe(exc)))
        if not self._to_memory():
            self._next()

    def _to_memory(self) -> bool:
        """The held window arrived while a query was out: what is wanted now is drawn from memory."""
        if self.held is None or not self.held.covers(self.wanted_ms):
            return False
        self.pending = NewestOnly()
        self._render.start()
        return True

    def _next(self) -> None:
        nxt = self.pending.answered()
        if nxt is not None:
            self._ask(nxt)

    def _show(self, ts: int, values: dict[str, Sample]) -> None:
        self.view.show_values(values)
        self.shown_ms = ts
        self._time_words()
        self.event_list.mark(ts)
        self.status.setText("" if values else self.tr("The historian holds no value of this diagram at this time."))
        self.shown.emit(ts)

    # -- playing -----------------------------------------------------------------------------------

    def play(self, speed: int = 1) -> None:
        """Play forward at ``speed`` (1, 5 or 20 seconds a second), one second at a time."""
        index = self.speed.findData(speed)
        if index >= 0:
            self.speed.setCurrentIndex(index)
        self.play_button.setChecked(True)

    def pause(self) -> None:
        """Stop playing."""
        self.play_button.setChecked(False)

    def _speed_changed(self, _index: int) -> None:
        self.player.setInterval(round(1000 / int(self.speed.currentData() or 1)))

    def _play_toggled(self, on: bool) -> None:
        self._speed_changed(self.speed.currentIndex())
        if on:
            self.player.start()
        else:
            self.player.stop()
        self._play_words()

    def _play_tick(self) -> None:
        if self.wanted_ms + 1000 > self.limit_ms():
            self.pause()
            return
        self.step(1)

    # -- events ------------------------------------------------------------------------------------

    def load_events(self) -> None:
        """Search the window's switch changes and alarms again (off the GUI thread)."""
        self._events_generation += 1
        generation = self._events_generation
        diagram, start, end = self.diagram, self.start_ms, self.end_ms
        self.event_list.searching()

        def done(events: list[ReplayEvent]) -> None:
            if not self._closed and shiboken6.isValid(self) and generation == self._events_generation:
                self.event_list.set_events(events)

        def failed(exc: Exception) -> None:
            if not self._closed and shiboken6.isValid(self) and generation == self._events_generation:
                self.event_list.failed(describe(exc))

        self.bridge.request(lambda source: window_events(source, diagram, start, end), done, failed)

    @property
    def events(self) -> list[ReplayEvent]:
        """The window's events as listed, oldest first."""
        return self.event_list.events

    def _jump(self, ts: int) -> None:
        self.pause()
        self.set_time(ts)

    # -- life --------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """The whole diagram stays in view as the window is sized, until the operator zooms."""
        if watched is self.view and event.type() == QEvent.Type.Resize and self._auto_fit:
            QTimer.singleShot(0, self._fit)
        elif watched is self.view.viewport() and event.type() == QEvent.Type.Wheel:
            self._auto_fit = False
        return super().eventFilter(watched, event)

    def _fit(self) -> None:
        """Like `DiagramView.fit`, with a margin: labels at the edge are not cut by the frame."""
        if not self._closed and shiboken6.isValid(self) and self._auto_fit:
            rect = self.view.diagram_scene.itemsBoundingRect()
            margin = 0.03 * max(rect.width(), rect.height())
            self.view.fitInView(rect.adjusted(-margin, -margin, margin, margin), Qt.AspectRatioMode.KeepAspectRatio)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Stop playing and stop following the model; late answers are dropped."""
        if not self._closed:
            self._closed = True
            self.player.stop()
            self._render.stop()
            self.view.detach()
        super().closeEvent(event)


def replay_alarm(bridge: SourceBridge, diagram: Diagram, site: SiteModel, alarm: Alarm | JournalEntry, tz: ZoneInfo,
                 parent: QWidget | None = None) -> ReplayWindow:  # fmt: skip
    """A replay window at the moment ``alarm`` was raised (an active alarm or a journal row), shown."""
    window = ReplayWindow(bridge, diagram, site, alarm.raised_at, tz, parent, opened_at=alarm)
    window.show()
    return window
