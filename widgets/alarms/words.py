"""The words and colours an alarm is shown with: level, state and change names, level colours.

One table for banner, list and popup so that "level 1" is the same red and the same word
everywhere.  Translations are in the context ``AlarmWords``.
"""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QColor

from app.alarms.model import Alarm, AlarmState, Change
from widgets.runtime import names_language

_CONTEXT = "AlarmWords"

#: Fill colour per level (1 red, 2 orange, 3 yellow, 4 blue) and the text colour that reads on it.
LEVEL_FILL = {1: QColor("#c62828"), 2: QColor("#ef6c00"), 3: QColor("#f9c80e"), 4: QColor("#1565c0")}
LEVEL_TEXT = {1: QColor("#ffffff"), 2: QColor("#ffffff"), 3: QColor("#1a1a1a"), 4: QColor("#ffffff")}
#: Shelved and suppressed rows are greyed: held out of the operator's way, not gone.
HELD_COLOUR = QColor("#8a8a8a")

_LEVELS = {
    1: QT_TRANSLATE_NOOP("AlarmWords", "Critical"),
    2: QT_TRANSLATE_NOOP("AlarmWords", "Major"),
    3: QT_TRANSLATE_NOOP("AlarmWords", "Minor"),
    4: QT_TRANSLATE_NOOP("AlarmWords", "Notice"),
}
_STATES = {
    AlarmState.ACTIVE_UNACKED: QT_TRANSLATE_NOOP("AlarmWords", "Active, unacknowledged"),
    AlarmState.ACTIVE_ACKED: QT_TRANSLATE_NOOP("AlarmWords", "Active, acknowledged"),
    AlarmState.CLEARED_UNACKED: QT_TRANSLATE_NOOP("AlarmWords", "Cleared, unacknowledged"),
    AlarmState.NORMAL: QT_TRANSLATE_NOOP("AlarmWords", "Normal"),
    AlarmState.SHELVED: QT_TRANSLATE_NOOP("AlarmWords", "Shelved"),
    AlarmState.SUPPRESSED: QT_TRANSLATE_NOOP("AlarmWords", "Suppressed"),
}
_CHANGES = {
    Change.RAISED: QT_TRANSLATE_NOOP("AlarmWords", "Raised"),
    Change.ACKED: QT_TRANSLATE_NOOP("AlarmWords", "Acknowledged"),
    Change.CLEARED: QT_TRANSLATE_NOOP("AlarmWords", "Cleared"),
    Change.NORMAL: QT_TRANSLATE_NOOP("AlarmWords", "Back to normal"),
    Change.SHELVED: QT_TRANSLATE_NOOP("AlarmWords", "Shelved"),
    Change.UNSHELVED: QT_TRANSLATE_NOOP("AlarmWords", "Unshelved"),
    Change.SUPPRESSED: QT_TRANSLATE_NOOP("AlarmWords", "Suppressed"),
    Change.UNSUPPRESSED: QT_TRANSLATE_NOOP("AlarmWords", "Unsuppressed"),
    Change.LEVEL: QT_TRANSLATE_NOOP("AlarmWords", "Level changed"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def level_word(level: int) -> str:
    """ "Critical", "严重", ... for a level number."""
    source = _LEVELS.get(int(level))
    return _tr(source) if source else str(level)


def state_word(state: str) -> str:
    """The operator's words for an alarm state."""
    try:
        return _tr(_STATES[AlarmState(state)])
    except ValueError:
        return str(state)


def change_word(change: str) -> str:
    """The operator's words for a journal change."""
    try:
        return _tr(_CHANGES[Change(change)])
    except ValueError:
        return str(change)


def chinese() -> bool:
    """Whether the console speaks Chinese now (the language switch sets the default locale)."""
    return names_language() == "zh"


def message(alarm: Alarm) -> str:
    """The alarm's message in the console's language (the other one when that one is empty)."""
    if chinese():
        return alarm.message or alarm.message_en
    return alarm.message_en or alarm.message


def value_text(value: float | None) -> str:
    """A value as the banner and list show it: up to 3 significant decimals, "—" when there is none."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:.4g}"


def local_time(ts_ms: int | None, tz: ZoneInfo, with_date: bool = True) -> str:
    """A UTC millisecond stamp as the site's local time."""
    if ts_ms is None:
        return ""
    when = datetime.fromtimestamp(ts_ms / 1000, tz)
    return when.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")


def is_held(alarm: Alarm) -> bool:
    """Shelved or suppressed: on the list, out of the banner, sound and popup."""
    return alarm.state in (AlarmState.SHELVED, AlarmState.SUPPRESSED)
