"""Where SwitchRoom keeps a person's data (the embedded historian, logs) on each platform.

The same folders Qt's ``QStandardPaths.AppLocalDataLocation`` gives, computed without Qt so
the headless server and the command-line tools need no GUI libraries:
``%LOCALAPPDATA%\\SwitchRoom`` on Windows, ``~/Library/Application Support/SwitchRoom`` on
macOS, ``$XDG_DATA_HOME/SwitchRoom`` (``~/.local/share/SwitchRoom``) elsewhere.
``SWITCHROOM_DATA`` overrides it (tests, portable installs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "SwitchRoom"


def data_dir() -> Path:
    """The user's data folder for SwitchRoom (created if missing)."""
    override = os.environ.get("SWITCHROOM_DATA")
    if override:
        path = Path(override)
    elif sys.platform == "win32":
        path = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / APP_NAME
    elif sys.platform == "darwin":
        path = Path.home() / "Library" / "Application Support" / APP_NAME
    else:
        path = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP_NAME
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url(site_id: str = "demo") -> str:
    """The embedded historian's SQLite URL for a site."""
    return f"sqlite:///{(data_dir() / f'historian-{site_id}.sqlite').as_posix()}"
