"""A person's settings: the one typed list of what the console remembers between sessions.

What describes the plant lives in the site file and what happened lives in the database;
what belongs to the person at the console — language, theme, window layout, trend sets —
lives here, in QSettings (the registry on Windows, an INI file elsewhere).  Every setting is
declared once below with its key, type, default and meaning, and read through `value`,
which converts what QSettings hands back (INI files return strings for everything) and
falls back to the default when a stored value is of the wrong type or not allowed — a
hand-edited or stale file never breaks the console.  No other module creates a QSettings.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger(__name__)

ORGANIZATION = "SwitchRoom"
APPLICATION = "SwitchRoom"

#: Languages the console ships in (the suffix of resources/i18n/switchroom_<lang>.qm).
LANGUAGES = ("zh_CN", "en")
THEMES = ("light", "dark")

T = TypeVar("T", str, bool, bytes, int, float)


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One remembered setting: where it is stored, its type, its default and what it is for."""

    key: str
    type: type[T]
    default: T
    doc: str
    #: Further condition a stored value must meet (one of a few words, valid JSON, ...).
    valid: Callable[[T], bool] | None = None

    def accepts(self, value: object) -> bool:
        """Whether ``value`` may be stored: the right type and, when given, valid."""
        if self.type is float:
            ok_type = isinstance(value, int | float) and not isinstance(value, bool)
        elif self.type is int:
            ok_type = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok_type = isinstance(value, self.type)
        return ok_type and (self.valid is None or self.valid(value))  # type: ignore[arg-type]


def _one_of(words: tuple[str, ...]) -> Callable[[str], bool]:
    return lambda v: v in words


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


LANGUAGE = Setting("ui/language", str, "zh_CN", "Language of the console: zh_CN or en.", _one_of(LANGUAGES))
THEME = Setting("ui/theme", str, "light", "Colour theme: light or dark.", _one_of(THEMES))
LAST_SITE = Setting("site/last", str, "", "Path of the site file opened last; empty for the demo site.")
WINDOW_GEOMETRY = Setting("window/geometry", bytes, b"", "Main window position and size (QMainWindow.saveGeometry).")
WINDOW_STATE = Setting("window/state", bytes, b"", "Docks and toolbars layout (QMainWindow.saveState).")
TREND_SETS = Setting(
    "trends/sets", str, "{}", "Saved trend sets: a JSON object of set name to its pens and range.", _json_object
)
FULL_SCREEN = Setting("window/full_screen", bool, False, "Whether the console opens full screen (wall display).")
VIDEO_LAYOUT = Setting("video/layout", str, "",
                       "The video pane's grid (JSON: cells, camera per cell, camera list shown); empty: the site's "
                       "first cameras.", lambda v: v == "" or _json_object(v))
LOCK_MINUTES = Setting("security/lock_minutes", int, 15,
                       "Minutes without input before the console locks (0: never); alarms stay visible.",
                       lambda v: 0 <= v <= 24 * 60)

#: Every setting, for documentation, tests and a reset.
ALL: tuple[Setting[Any], ...] = (LANGUAGE, THEME, LAST_SITE, WINDOW_GEOMETRY, WINDOW_STATE, TREND_SETS, FULL_SCREEN,
                                 LOCK_MINUTES, VIDEO_LAYOUT)

_file: Path | None = None


def use_file(path: Path | None) -> None:
    """Keep settings in the INI file ``path`` (tests, a portable install); None: the platform's place."""
    global _file
    _file = Path(path) if path is not None else None


def store() -> QSettings:
    """The QSettings behind this list (a fresh object; it writes itself back when dropped)."""
    if _file is not None:
        return QSettings(str(_file), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def value(setting: Setting[T]) -> T:
    """The stored value of ``setting``, converted to its type; the default when absent or unusable."""
    raw = store().value(setting.key)
    if raw is None:
        return setting.default
    converted = _convert(raw, setting.type)
    if converted is None or not setting.accepts(converted):
        log.warning("setting %s holds %r, which is not a valid %s; using %r",
                    setting.key, raw, setting.type.__name__, setting.default)  # fmt: skip
        return setting.default
    return converted  # type: ignore[no-any-return]


def set_value(setting: Setting[T], new: T) -> None:
    """Store ``new`` for ``setting``; TypeError/ValueError say what is wrong with it."""
    if not setting.accepts(new):
        if setting.valid is not None and _convert(new, setting.type) is not None:
            raise ValueError(f"{new!r} is not an allowed value for the setting {setting.key}")
        raise TypeError(f"the setting {setting.key} holds a {setting.type.__name__}, not {type(new).__name__}")
    s = store()
    s.setValue(setting.key, QByteArray(new) if isinstance(new, bytes) else new)
    s.sync()


def reset(setting: Setting[Any]) -> None:
    """Forget ``setting``: it reads as its default again."""
    s = store()
    s.remove(setting.key)
    s.sync()


def _convert(raw: object, kind: type) -> object | None:
    """``raw`` as ``kind`` when it can be read as one, else None."""
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "1", "0"):
            return raw.strip().lower() in ("true", "1")
        if isinstance(raw, int):
            return raw != 0 if raw in (0, 1) else None
        return None
    if kind is bytes:
        if isinstance(raw, QByteArray):
            return bytes(raw.data())
        return raw if isinstance(raw, bytes) else None
    if kind is str:
        return raw if isinstance(raw, str) else None
    if kind in (int, float):
        if isinstance(raw, bool):
            return None
        try:
            return kind(raw)
        except (TypeError, ValueError):
            return None
    return None
