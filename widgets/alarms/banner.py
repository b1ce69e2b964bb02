"""The alarm banner: the always-visible strip at the top of the main window.

It shows the most urgent unacknowledged alarms (a few lines: time, level, device, message in
the console's language, value), coloured by level and flashing until acknowledged; the count
per level; during a flood, the flood's summary with its first-out alarm; the mute button of
the horn with the time the mute has left.  Clicking a line offers to acknowledge it or open
its point's trend.  Nothing is hidden by the banner: the alarm list holds every alarm.

One timer flashes every line (a flag flipped twice a second and a repaint), not one per row.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from app.alarms.flood import FloodSummary
from app.alarms.model import Alarm

from .sound import AlarmSound
from .words import LEVEL_FILL, LEVEL_TEXT, level_word, local_time, message, value_text

MAX_LINES = 3  # lines of alarms the banner shows; the list has all of them
FLASH_MS = 500


class BannerLine(QWidget):
    """One alarm in the banner, painted by hand so that flashing is a repaint, not a restyle."""

    clicked = Signal(int)  # the alarm's id

    def __init__(self, banner: AlarmBanner) -> None:
        super().__init__(banner)
        self.banner = banner
        self.alarm: Alarm | None = None
        self.text = ""
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(QFontMetrics(self.font()).height() + 8)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """A line of text with a little air."""
        return QSize(400, QFontMetrics(self.font()).height() + 8)

    def show_alarm(self, alarm: Alarm | None, text: str) -> None:
        """Show ``alarm`` (None: hide the line)."""
        self.alarm = alarm
        self.text = text
        self.setToolTip(text)
        self.setVisible(alarm is not None)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Filled with the level's colour, or outlined in it in the dark half of a flash."""
        alarm = self.alarm
        if alarm is None:
            return
        level = int(alarm.level)
        fill, ink = LEVEL_FILL.get(level, QColor("#777777")), LEVEL_TEXT.get(level, QColor("#ffffff"))
        p = QPainter(self)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        lit = self.banner.flash_on or not alarm.state.needs_ack
        if lit:
            p.fillRect(rect, fill)
            p.setPen(ink)
        else:
            p.fillRect(rect, self.palette().color(QPalette.ColorRole.Base))
            p.setPen(QPen(fill, 2))
            p.drawRect(rect.adjusted(1, 1, -1, -1))
            p.setPen(self.palette().color(QPalette.ColorRole.Text))
        metrics = QFontMetrics(self.font())
        shown = metrics.elidedText(self.text, Qt.TextElideMode.ElideRight, self.width() - 16)
        p.drawText(rect.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """A click offers acknowledge and trend."""
        if self.alarm is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.alarm.id)
        super().mousePressEvent(event)


class AlarmBanner(QFrame):
    """See the module docstring.  Feed it with `show_alarms`, `set_counts`, `set_flood`."""

    acknowledge_requested = Signal(object)  # list[int]: ask for a comment, then acknowledge
    trend_requested = Signal(str)  # a point id
    list_requested = Signal()  # show the alarm list

    def __init__(
        self,
        sound: AlarmSound,
        tz: ZoneInfo,
        device_name: Callable[[str | None], str],
        is_point: Callable[[str], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alarmBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.sound = sound
        self.tz = tz
        self.device_name = device_name
        self.is_point = is_point
        self.flash_on = True
        self.counts: dict[int, int] = {1: 0, 2: 0, 3: 0, 4: 0}
        self.unacked: list[Alarm] = []
        self.flood: FloodSummary | None = None
        self.menu: QMenu | None = None

        column = QVBoxLayout(self)
        column.setContentsMargins(6, 3, 6, 3)
        column.setSpacing(2)
        top = QHBoxLayout()
        top.setSpacing(10)
        self.label = QLabel(self)  # "No active alarms" / how many wait for acknowledgement
        top.addWidget(self.label)
        self.count_labels: dict[int, QLabel] = {}
        for level in (1, 2, 3, 4):
            chip = QLabel(self)
            chip.setObjectName(f"alarmCount{level}")
            chip.setMargin(2)
            self.count_labels[level] = chip
            top.addWidget(chip)
        self.flood_label = QLabel(self)
        self.flood_label.setObjectName("alarmFlood")
        self.flood_label.setStyleSheet("QLabel#alarmFlood { font-weight: bold; color: #c62828; }")
        self.flood_label.setWordWrap(False)
        self.flood_label.hide()
        top.addWidget(self.flood_label, 1)
        top.addStretch(0)
        self.sound_hint = QLabel(self)
        self.sound_hint.setStyleSheet("color: #8a8a8a;")
        top.addWidget(self.sound_hint)
        self.mute_button = QToolButton(self)
        self.mute_button.setObjectName("alarmMute")
        self.mute_button.clicked.connect(self._toggle_mute)
        top.addWidget(self.mute_button)
        self.list_button = QToolButton(self)
        self.list_button.clicked.connect(self.list_requested.emit)
        top.addWidget(self.list_button)
        column.addLayout(top)
        self.lines = [BannerLine(self) for _ in range(MAX_LINES)]
        for line in self.lines:
            line.clicked.connect(self._line_clicked)
            line.hide()
            column.addWidget(line)

        self._flash = QTimer(self)
        self._flash.setInterval(FLASH_MS)
        self._flash.timeout.connect(self._toggle_flash)
        sound.changed.connect(self._show_sound)
        self.retranslate()

    # -- feeding ----------------------------------------------------------------------------------

    def show_alarms(self, unacked: list[Alarm], counts: dict[int, int]) -> None:
        """The unacknowledged alarms, most urgent first, and the active count per level."""
        self.unacked = unacked
        self.counts = {1: 0, 2: 0, 3: 0, 4: 0} | dict(counts)
        self._draw()

    def set_flood(self, flood: FloodSummary | None) -> None:
        """The flood going on (None: none)."""
        self.flood = flood
        self._draw_flood()

    def line_text(self, alarm: Alarm) -> str:
        """What a banner line says about ``alarm``."""
        parts = [local_time(alarm.raised_at, self.tz, with_date=False), level_word(int(alarm.level))]
        words = message(alarm)
        device = self.device_name(alarm.device)
        if device and device not in words:  # messages usually name their device already
            parts.append(device)
        parts.append(words)
        if alarm.value is not None:
            parts.append(self.tr("value %1").replace("%1", value_text(alarm.value)))
        if alarm.flood is not None:
            parts.append(self.tr("(flood)"))
        return "   ".join(parts)

    # -- drawing ---------------------------------------------------------------------------------

    def _draw(self) -> None:
        total = sum(self.counts.values())
        waiting = len(self.unacked)
        if total == 0 and waiting == 0:
            self.label.setText(self.tr("No active alarms"))
        elif waiting == 0:
            self.label.setText(self.tr("Active alarms: %n, all acknowledged", None, total))
        else:
            self.label.setText(self.tr("Unacknowledged: %n", None, waiting))
        for level, chip in self.count_labels.items():
            count = self.counts.get(level, 0)
            chip.setText(f"{level_word(level)} {count}")
            if count:
                fill, ink = LEVEL_FILL[level].name(), LEVEL_TEXT[level].name()
                chip.setStyleSheet(
                    f"QLabel {{ background: {fill}; color: {ink}; border-radius: 3px; padding: 1px 6px; }}"
                )
            else:
                chip.setStyleSheet("QLabel { color: palette(mid); padding: 1px 6px; }")
        for i, line in enumerate(self.lines):
            alarm = self.unacked[i] if i < len(self.unacked) else None
            line.show_alarm(alarm, self.line_text(alarm) if alarm is not None else "")
        if waiting and not self._flash.isActive():
            self._flash.start()
        elif not waiting and self._flash.isActive():
            self._flash.stop()
            self.flash_on = True
        self._draw_flood()
        self._show_sound()

    def _draw_flood(self) -> None:
        flood = self.flood
        if flood is None:
            self.flood_label.hide()
            return
        per_level = " · ".join(f"{level_word(int(lv))} {n}" for lv, n in sorted(flood.per_level.items()) if n)
        first = flood.first_out
        text = (self.tr("Alarm flood: %1 alarms (%2); first out %3 %4")
                .replace("%1", str(flood.count)).replace("%2", per_level)
                .replace("%3", local_time(first.raised_at, self.tz, with_date=False))
                .replace("%4", message(first)))  # fmt: skip
        self.flood_label.setText(text)
        self.flood_label.setToolTip(text)
        self.flood_label.show()

    def _show_sound(self) -> None:
        sound = self.sound
        self.sound_hint.setText(sound.hint)
        self.sound_hint.setVisible(bool(sound.hint))
        if sound.muted:
            left = int(sound.mute_left_s() + 0.999)
            self.mute_button.setText(self.tr("Muted %1 (unmute)").replace("%1", f"{left // 60}:{left % 60:02d}"))
        else:
            self.mute_button.setText(self.tr("Mute"))
        self.mute_button.setEnabled(sound.muted or bool(sound.levels))

    def _toggle_flash(self) -> None:
        self.flash_on = not self.flash_on
        for line in self.lines:
            if line.alarm is not None and line.alarm.state.needs_ack:
                line.update()

    def _toggle_mute(self) -> None:
        if self.sound.muted:
            self.sound.unmute()
        else:
            self.sound.mute()

    # -- clicks ----------------------------------------------------------------------------------

    def _line_clicked(self, alarm_id: int) -> None:
        alarm = next((a for a in self.unacked if a.id == alarm_id), None)
        if alarm is None:
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ack = menu.addAction(self.tr("Acknowledge…"))
        ack.triggered.connect(lambda: self.acknowledge_requested.emit([alarm_id]))
        trend = menu.addAction(self.tr("Open trend of %1").replace("%1", alarm.point))
        trend.triggered.connect(lambda: self.trend_requested.emit(alarm.point))
        trend.setEnabled(self.is_point(alarm.point))  # a communication alarm names a device or gateway
        self.menu = menu
        line = next(line for line in self.lines if line.alarm is not None and line.alarm.id == alarm_id)
        menu.popup(line.mapToGlobal(line.rect().bottomLeft()))

    # -- language --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text again (language switch)."""
        self.list_button.setText(self.tr("Alarm list"))
        self._draw()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a runtime language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
