"""The overview (监控总览): the few numbers an operator watches all shift, for the site and per room.

Transformers (load rate, winding temperatures, state), incomer power and today's energy,
active alarms by level, gateways and devices online, and the room's environment.  Numbers are
big and their colour is their state — normal, warning, alarm, or no data — never decoration.
Everything is computed from the newest samples the bridge delivers; only the points shown
here are kept, and the ~50 labels are refreshed when one of them changed.

Today's energy is "counter now minus the counter's first value of the local day".  The first
value comes from the ``first_of_day`` callable (the main window answers it from the source's
history through the bridge); until it answers, or without it, the first value seen since the
console started is used and the caption says "since HH:MM", so the number never claims more
than it knows.  At local midnight the first sample of the new day becomes the baseline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.model import Quality, Sample
from app.sources.base import DeviceInfo, SiteModel, SourceStatus
from widgets.devices import emit
from widgets.runtime import names_language

FirstOfDay = Callable[[list[str], Callable[[dict[str, float]], None]], None]

NORMAL, WARN, ALARM, NO_DATA = "normal", "warn", "alarm", "no_data"
STATE_COLOURS = {NORMAL: "#2e7d32", WARN: "#ef6c00", ALARM: "#c62828", NO_DATA: "#8a8a8a"}
LOAD_WARN, LOAD_ALARM = 85.0, 100.0  # % of rating
WINDING_WARN, WINDING_ALARM = 120.0, 130.0  # °C: dry-type class F controllers alarm at 130 °C
ENV_DIGITALS = ("smoke", "water", "door", "intrusion")
_MISSING = Sample("", 0, math.nan, Quality.STALE)  # what `on_samples` reads for a point not in a batch


class ValueLabel(QLabel):
    """A big number bound to a point: its colour is its state, double-click opens its trend."""

    double_clicked = Signal(str)

    def __init__(self, point: str = "", parent: QWidget | None = None, *, size: int = 20) -> None:
        super().__init__("—", parent)
        self.point = point
        self.state = NO_DATA
        font = QFont(self.font())
        font.setPointSize(size)
        font.setBold(True)
        self.setFont(font)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.show_value("—", NO_DATA)

    def show_value(self, text: str, state: str, *, emphasis: bool = False) -> None:
        """Show ``text`` in the colour of ``state``; ``emphasis`` underlines it (the hottest winding)."""
        self.state = state
        self.setText(text)
        underline = "text-decoration: underline;" if emphasis else ""
        self.setStyleSheet(f"color: {STATE_COLOURS[state]}; {underline}")

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Every value opens its trend on double-click."""
        if self.point:
            emit(self.double_clicked, self.point)
        super().mouseDoubleClickEvent(event)


@dataclass
class _Transformer:
    device: DeviceInfo
    load_point: str  # the derived load rate, or the apparent power S when there is none
    load_is_rate: bool
    rating_kva: float | None
    temps: list[str]  # TA, TB, TC of its temperature controller
    alarm: str | None
    trip: str | None
    name: QLabel
    load: ValueLabel
    temp_labels: list[ValueLabel]
    state: QLabel


@dataclass
class _Counter:
    """Today's energy of one counter: its baseline, and whether it came from history."""

    baseline: float | None = None
    day: date | None = None
    from_history: bool = False
    since: str = ""


class OverviewView(QWidget):
    """The 监控总览 pane.  Slots: `on_samples`, `on_status`, `on_gateway_state`, `set_alarm_counts`."""

    open_trend = Signal(str)

    def __init__(
        self,
        site: SiteModel,
        parent: QWidget | None = None,
        *,
        first_of_day: FirstOfDay | None = None,
        ratings_kva: Mapping[str, float] | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.site = site
        self._follow_ui = lang is None  # names follow the console's language, also when it is switched
        self.lang = lang or names_language()
        self.tz = ZoneInfo(site.timezone)
        self.values: dict[str, Sample] = {}
        self.gateway_online = {g.id: g.state == "online" for g in site.gateways}
        self.device_state = {d.id: d.state for d in site.devices}
        self.alarm_counts: dict[int, int] = {1: 0, 2: 0, 3: 0}
        self.status: SourceStatus | None = None
        self._point_ids = {p.id for p in site.points}
        self._device_of = {p.id: p.device for p in site.points if p.device}
        self._points_of: dict[str, list[str]] = {}
        for p in site.points:
            if p.device:
                self._points_of.setdefault(p.device, []).append(p.id)
        self._units = {p.id: p.unit for p in site.points}
        self._ratings = dict(ratings_kva or {})
        self._watched: set[str] = set()
        self._counters: dict[str, _Counter] = {}
        self._labels: list[ValueLabel] = []
        self._captions: list[tuple[QLabel, Callable[[], str]]] = []
        self._build()
        self.retranslate()
        self.refresh()
        if first_of_day is not None and self._counters:
            first_of_day(sorted(self._counters), self._on_first_of_day)

    # -- building -----------------------------------------------------------------------------

    def _name(self, zh: str, en: str) -> str:
        return zh if self.lang.startswith("zh") or not en else en

    def _value(self, point: str, parent: QWidget, size: int = 20) -> ValueLabel:
        label = ValueLabel(point, parent, size=size)
        label.double_clicked.connect(self._open)
        if point:
            self._watched.add(point)
        self._labels.append(label)
        return label

    def _text(self, parent: QWidget, words: Callable[[], str]) -> QLabel:
        """A caption whose words are set (again) by `retranslate`."""
        label = QLabel(parent)
        label.setWordWrap(True)  # a long room or device name wraps instead of being cut
        self._captions.append((label, words))
        return label

    def _tile(self, grid: QGridLayout, row: int, col: int, caption: Callable[[], str], value: QWidget) -> None:
        box = QFrame(grid.parentWidget())
        box.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(8, 4, 8, 4)
        inner.addWidget(self._text(box, caption))
        inner.addWidget(value)
        grid.addWidget(box, row, col)

    def _point(self, device: str, quantity: str) -> str:
        pid = f"{device}.{quantity}"
        return pid if pid in self._point_ids else ""

    def _build(self) -> None:
        content = QWidget(self)
        layout = QVBoxLayout(content)
        layout.setSpacing(10)
        self.site_box = QGroupBox(content)
        layout.addWidget(self.site_box)
        self._build_site(self.site_box)
        self.rooms: dict[str, QGroupBox] = {}
        self.transformers: list[_Transformer] = []
        self.incomers: dict[str, tuple[ValueLabel, ValueLabel]] = {}
        self.environment: dict[str, ValueLabel] = {}
        self.room_counts: dict[str, QLabel] = {}
        for room in self.site.rooms:
            box = QGroupBox(content)
            self.rooms[room.id] = box
            self._build_room(box, room.id)
            layout.addWidget(box)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _build_site(self, box: QGroupBox) -> None:
        grid = QGridLayout(box)
        self.site_power = self._value("", box, 24)
        self.site_energy = self._value("", box, 24)
        self.gateways_label = self._value("", box, 24)
        self.devices_label = self._value("", box, 24)
        self.source_label = QLabel(box)
        self._tile(grid, 0, 0, lambda: self.tr("Incoming power (kW)"), self.site_power)
        self._tile(grid, 0, 1, lambda: self._energy_caption(list(self._counters)), self.site_energy)
        self._tile(grid, 0, 2, lambda: self.tr("Gateways online"), self.gateways_label)
        self._tile(grid, 0, 3, lambda: self.tr("Devices answering / silent / no data"), self.devices_label)
        alarms = QFrame(box)
        alarms.setFrameShape(QFrame.Shape.StyledPanel)
        self.alarm_row = QHBoxLayout(alarms)
        self.alarm_row.setContentsMargins(8, 4, 8, 4)
        self.alarm_title = self._text(alarms, lambda: self.tr("Active alarms"))
        self.alarm_row.addWidget(self.alarm_title)
        self.alarm_labels: dict[int, tuple[QLabel, ValueLabel]] = {}
        grid.addWidget(alarms, 1, 0, 1, 3)
        grid.addWidget(self.source_label, 1, 3)
        self._alarm_level_widgets()

    def _alarm_level_widgets(self) -> None:
        for level in sorted(self.alarm_counts):
            if level in self.alarm_labels:
                continue
            caption = QLabel(self.alarm_row.parentWidget())
            value = self._value("", self.alarm_row.parentWidget(), 20)
            self.alarm_labels[level] = (caption, value)
            self.alarm_row.addWidget(caption)
            self.alarm_row.addWidget(value)
            caption.setText(self.tr("Level %1").replace("%1", str(level)))

    def _build_room(self, box: QGroupBox, room: str) -> None:
        grid = QGridLayout(box)
        row = 0
        devices = [d for d in self.site.devices if d.room == room]
        tcus = {d.upstream: d for d in self.site.devices if d.role == "tcu"}
        for dev in (d for d in devices if d.role == "transformer_lv"):
            self._build_transformer(box, grid, row, dev, tcus.get(dev.id))
            row += 1
        col = 0
        for dev in (d for d in devices if d.role == "incomer"):
            power = self._value(self._point(dev.id, "P"), box, 24)
            energy = self._value(self._point(dev.id, "EPimp"), box, 24)
            if energy.point:
                self._counters[energy.point] = _Counter()
            self.incomers[dev.id] = (power, energy)
            name = (dev.name, dev.name_en)
            self._tile(grid, row, col, lambda n=name: self.tr("%1: power (kW)").replace("%1", self._name(*n)), power)
            self._tile(grid, row, col + 1, lambda n=name, p=energy.point: self._energy_caption([p], n), energy)
            col += 2
        if col:
            row += 1
        col = 0
        for dev in (d for d in devices if d.role == "environment"):
            for quantity, caption in self._environment_captions().items():
                pid = self._point(dev.id, quantity)
                if not pid:
                    continue
                label = self._value(pid, box, 18)
                self.environment[pid] = label
                self._tile(grid, row + col // 6, col % 6, caption, label)
                col += 1
        if col:
            row += (col + 5) // 6
        counts = QLabel(box)
        self.room_counts[room] = counts
        grid.addWidget(counts, row, 0, 1, 6)

    def _environment_captions(self) -> dict[str, Callable[[], str]]:
        return {
            "temp": lambda: self.tr("Room temperature (°C)"),
            "humidity": lambda: self.tr("Humidity (%RH)"),
            "smoke": lambda: self.tr("Smoke detector"),
            "water": lambda: self.tr("Water leak"),
            "door": lambda: self.tr("Door"),
            "intrusion": lambda: self.tr("Intrusion detector"),
        }

    def _build_transformer(self, box: QGroupBox, grid: QGridLayout, row: int, dev: DeviceInfo,
                           tcu: DeviceInfo | None) -> None:  # fmt: skip
        prefix = dev.id.split("-")[0]
        derived = next((p for p in (f"{dev.id}.load_rate", f"{prefix}.load_rate") if p in self._point_ids), "")
        load_point = derived or self._point(dev.id, "S")
        temps = [self._point(tcu.id, q) for q in ("TA", "TB", "TC")] if tcu is not None else []
        temps = [t for t in temps if t]
        frame = QFrame(box)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QGridLayout(frame)
        name = QLabel(frame)
        name_font = QFont(name.font())
        name_font.setPointSize(13)
        name_font.setBold(True)
        name.setFont(name_font)
        state = QLabel(frame)
        state.setFont(name_font)
        load = self._value(load_point, frame, 26)
        inner.addWidget(name, 0, 0, 1, 2)
        inner.addWidget(state, 0, 2, 1, 3, Qt.AlignmentFlag.AlignRight)
        as_rate = bool(derived) or dev.id in self._ratings
        inner.addWidget(self._text(frame, lambda r=as_rate: self.tr("Load rate (%)") if r
                                   else self.tr("Apparent power (kVA)")), 1, 0)  # fmt: skip
        inner.addWidget(load, 2, 0)
        temp_labels = []
        for i, (pid, phase) in enumerate(zip(temps, "ABC", strict=False)):
            inner.addWidget(self._text(frame, lambda ph=phase: self.tr("Winding %1 (°C)").replace("%1", ph)), 1, i + 2)
            label = self._value(pid, frame, 20)
            inner.addWidget(label, 2, i + 2)
            temp_labels.append(label)
        grid.addWidget(frame, row, 0, 1, 6)
        alarm = self._point(tcu.id, "alarm") if tcu is not None else ""
        trip = self._point(tcu.id, "trip") if tcu is not None else ""
        self._watched.update(p for p in (alarm, trip) if p)
        self.transformers.append(_Transformer(dev, load_point, bool(derived), self._ratings.get(dev.id), temps,
                                              alarm or None, trip or None, name, load, temp_labels, state))  # fmt: skip

    # -- words --------------------------------------------------------------------------------

    def _energy_caption(self, points: list[str], name: tuple[str, str] | None = None) -> str:
        counters = [self._counters[p] for p in points if p in self._counters]
        partial = [c for c in counters if c.baseline is not None and not c.from_history]
        if partial:
            since = min(c.since for c in partial)
            if name is not None:
                return self.tr("%1: energy since %2 (kWh)").replace("%1", self._name(*name)).replace("%2", since)
            return self.tr("Energy since %1 (kWh)").replace("%1", since)
        if name is not None:
            return self.tr("%1: today's energy (kWh)").replace("%1", self._name(*name))
        return self.tr("Today's energy (kWh)")

    def retranslate(self) -> None:
        """Set every caption (again, after a language or a baseline change)."""
        self.site_box.setTitle(self._name(self.site.name, self.site.name_en))
        for room in self.site.rooms:
            self.rooms[room.id].setTitle(self._name(room.name, room.name_en))
        for label, words in self._captions:
            label.setText(words())
        for level, (caption, _value) in self.alarm_labels.items():
            caption.setText(self.tr("Level %1").replace("%1", str(level)))
        for t in self.transformers:
            t.name.setText(self._name(t.device.name, t.device.name_en))

    def set_language(self, lang: str) -> None:
        """Names in ``lang`` ("zh" or "en")."""
        self.lang = lang
        self.retranslate()
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            if self._follow_ui:
                self.lang = names_language()
            self.retranslate()
            self.refresh()
        super().changeEvent(event)

    # -- slots --------------------------------------------------------------------------------

    def on_samples(self, batch: dict[str, Sample]) -> None:
        """A coalesced batch: keep what this view shows, follow device states, redraw if needed.

        A big site sends tens of thousands of samples a second and this view shows a few dozen,
        so the per-sample work is kept in C: the watched points are a set intersection, and
        device states are looked at only for samples that are not good and for devices not yet
        known to answer (a device answers when a point of it arrives good, and falls silent
        when one arrives comm_fail).
        """
        devices = self.device_state
        changed = False
        for device in [d for d, state in devices.items() if state != "ok"]:
            if any(batch.get(p, _MISSING).quality is Quality.GOOD for p in self._points_of.get(device, ())):
                devices[device] = "ok"
                changed = True
        for pid in [pid for pid, s in batch.items() if s.quality is Quality.COMM_FAIL]:
            device = self._device_of.get(pid)
            if device is not None and devices.get(device) != "comm_fail":
                devices[device] = "comm_fail"
                changed = True
        for pid in batch.keys() & self._watched:
            sample = batch[pid]
            self.values[pid] = sample
            changed = True
            if pid in self._counters:
                self._follow_counter(pid, sample)
        if changed:
            self.refresh()

    def on_status(self, status: SourceStatus) -> None:
        """The source's health, once a second."""
        self.status = status
        self.refresh()

    def on_gateway_state(self, gateway_id: str, online: bool) -> None:
        """A gateway connected or was lost."""
        if gateway_id in self.gateway_online:
            self.gateway_online[gateway_id] = online
            self.refresh()

    def set_alarm_counts(self, counts: dict[int, int]) -> None:
        """Active alarms by level (the alarm engine's numbers); levels not given count zero."""
        self.alarm_counts = {level: 0 for level in self.alarm_counts} | dict(counts)
        self._alarm_level_widgets()
        self.refresh()

    def _open(self, point: str) -> None:
        emit(self.open_trend, point)

    # -- today's energy -----------------------------------------------------------------------

    def _local(self, ts_ms: int) -> datetime:
        return datetime.fromtimestamp(ts_ms / 1000, self.tz)

    def _follow_counter(self, pid: str, sample: Sample) -> None:
        counter = self._counters[pid]
        if sample.quality is not Quality.GOOD or not math.isfinite(sample.value):
            return
        local = self._local(sample.ts)
        if counter.baseline is None or (counter.day is not None and local.date() > counter.day):
            new_day = counter.day is not None
            counter.baseline = sample.value
            counter.day = local.date()
            counter.from_history = new_day  # the first sample after midnight is the day's first value
            counter.since = local.strftime("%H:%M")
            self.retranslate()

    def _on_first_of_day(self, firsts: dict[str, float]) -> None:
        """The first value of the local day per counter, from the source's history."""
        today = datetime.now(self.tz).date()
        for pid, value in firsts.items():
            counter = self._counters.get(pid)
            if counter is not None and math.isfinite(value):
                seen = self.values.get(pid)  # the day the history was asked for is the day of the data
                day = self._local(seen.ts).date() if seen is not None else today
                counter.baseline, counter.day, counter.from_history = value, day, True
        self.retranslate()
        self.refresh()

    # -- drawing ------------------------------------------------------------------------------

    def _sample(self, pid: str) -> Sample | None:
        return self.values.get(pid) if pid else None

    @staticmethod
    def _quality_state(sample: Sample | None) -> str | None:
        """NO_DATA for a value that cannot be trusted, else None (judge the number)."""
        if sample is None or sample.quality is not Quality.GOOD or not math.isfinite(sample.value):
            return NO_DATA
        return None

    def _number(self, label: ValueLabel, decimals: int) -> float | None:
        sample = self._sample(label.point)
        if sample is None or not math.isfinite(sample.value):
            label.show_value("—", NO_DATA)
            return None
        state = self._quality_state(sample) or NORMAL
        label.show_value(f"{sample.value:.{decimals}f}", state)
        return sample.value if state != NO_DATA else None

    def refresh(self) -> None:
        """Redraw every number from the newest values (cheap: a few dozen labels)."""
        for t in self.transformers:
            self._draw_transformer(t)
        total_power: list[float] = []
        total_energy: list[float] = []
        power_known = energy_known = True
        for power, energy in self.incomers.values():
            p = self._number(power, 1)
            power_known &= p is not None
            if p is not None:
                total_power.append(p)
            e = self._draw_energy(energy)
            energy_known &= e is not None
            if e is not None:
                total_energy.append(e)
        self._draw_total(self.site_power, total_power, power_known)
        self._draw_total(self.site_energy, total_energy, energy_known)
        for pid, label in self.environment.items():
            self._draw_environment(pid, label)
        self._draw_counts()

    @staticmethod
    def _draw_total(label: ValueLabel, parts: list[float], complete: bool) -> None:
        if not parts:
            label.show_value("—", NO_DATA)
        else:  # a sum with a missing part is shown, but greyed: it is not the whole site
            label.show_value(f"{sum(parts):.1f}", NORMAL if complete else NO_DATA)

    def _draw_energy(self, label: ValueLabel) -> float | None:
        sample = self._sample(label.point)
        counter = self._counters.get(label.point)
        if sample is None or counter is None or counter.baseline is None or self._quality_state(sample):
            label.show_value("—", NO_DATA)
            return None
        today = max(sample.value - counter.baseline, 0.0)
        label.show_value(f"{today:.1f}", NORMAL)
        return today

    def _draw_transformer(self, t: _Transformer) -> None:
        load_state = NO_DATA
        sample = self._sample(t.load_point)
        if self._quality_state(sample) is None and sample is not None:
            if t.load_is_rate or t.rating_kva:
                rate = sample.value if t.load_is_rate else sample.value / float(t.rating_kva or 1.0) * 100.0
                load_state = ALARM if rate >= LOAD_ALARM else WARN if rate >= LOAD_WARN else NORMAL
                t.load.show_value(f"{rate:.1f}", load_state)
            else:
                load_state = NORMAL
                t.load.show_value(f"{sample.value:.0f}", NORMAL)
        else:
            t.load.show_value("—", NO_DATA)
        temps = [self._sample(p) for p in t.temps]
        good = [s.value for s in temps if self._quality_state(s) is None and s is not None]
        hottest = max(good) if good else None
        for label, s in zip(t.temp_labels, temps, strict=True):
            if self._quality_state(s) is not None or s is None:
                label.show_value("—", NO_DATA)
                continue
            state = ALARM if s.value >= WINDING_ALARM else WARN if s.value >= WINDING_WARN else NORMAL
            label.show_value(f"{s.value:.1f}", state, emphasis=s.value == hottest)
        trip, alarm = self._sample(t.trip or ""), self._sample(t.alarm or "")
        if trip is not None and trip.quality is Quality.GOOD and trip.value:
            words, state = self.tr("Tripped on temperature"), ALARM
        elif alarm is not None and alarm.quality is Quality.GOOD and alarm.value:
            words, state = self.tr("Over-temperature alarm"), ALARM
        elif load_state == NO_DATA or (t.temps and len(good) < len(t.temps)):
            words, state = self.tr("No data"), NO_DATA
        elif load_state == ALARM:
            words, state = self.tr("Overloaded"), ALARM
        elif load_state == WARN or (hottest is not None and hottest >= WINDING_WARN):
            words, state = self.tr("High load or temperature"), WARN
        else:
            words, state = self.tr("Normal"), NORMAL
        t.state.setText(words)
        t.state.setStyleSheet(f"color: {STATE_COLOURS[state]};")

    def _draw_environment(self, pid: str, label: ValueLabel) -> None:
        quantity = pid.rsplit(".", 1)[1]
        if quantity not in ENV_DIGITALS:
            self._number(label, 1)
            return
        sample = self._sample(pid)
        if self._quality_state(sample) is not None or sample is None:
            label.show_value(self.tr("No data"), NO_DATA)
            return
        words = {
            "smoke": (self.tr("Clear"), self.tr("Smoke!")),
            "water": (self.tr("Dry"), self.tr("Water leak!")),
            "door": (self.tr("Closed"), self.tr("Open")),
            "intrusion": (self.tr("Clear"), self.tr("Intrusion!")),
        }[quantity]
        on = bool(sample.value)
        label.show_value(words[on], ALARM if on else NORMAL)

    def _draw_counts(self) -> None:
        online = sum(self.gateway_online.values())
        total = len(self.gateway_online)
        self.gateways_label.show_value(f"{online} / {total}", NORMAL if online == total else ALARM)
        states = list(self.device_state.values())
        ok, silent = states.count("ok"), states.count("comm_fail")
        unknown = len(states) - ok - silent
        self.devices_label.show_value(f"{ok} / {silent} / {unknown}", ALARM if silent else WARN if unknown else NORMAL)
        for level, (_caption, value) in self.alarm_labels.items():
            count = self.alarm_counts.get(level, 0)
            value.show_value(str(count), NORMAL if count == 0 else ALARM if level == 1 else WARN)
        for room, label in self.room_counts.items():
            gateways = [g.id for g in self.site.gateways if g.room == room]
            devices = [d.id for d in self.site.devices if d.room == room]
            label.setText(self.tr("Gateways online: %1 of %2 · devices answering: %3 of %4")
                          .replace("%1", str(sum(self.gateway_online[g] for g in gateways)))
                          .replace("%2", str(len(gateways)))
                          .replace("%3", str(sum(self.device_state[d] == "ok" for d in devices)))
                          .replace("%4", str(len(devices))))  # fmt: skip
        status = self.status
        if status is None:
            self.source_label.setText("")
        elif not status.connected:
            self.source_label.setText(self.tr("Data source not running"))
            self.source_label.setStyleSheet(f"color: {STATE_COLOURS[ALARM]};")
        elif status.db != "ok":
            self.source_label.setText(self.tr("Database: %1").replace("%1", status.db))
            self.source_label.setStyleSheet(f"color: {STATE_COLOURS[WARN]};")
        else:
            self.source_label.setText(self.tr("Data source running"))
            self.source_label.setStyleSheet(f"color: {STATE_COLOURS[NORMAL]};")
