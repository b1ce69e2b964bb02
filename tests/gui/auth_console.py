"""Shared steps of the console's sign-in tests: a console with logins on the demo site (no simulator)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from widgets.auth import use
from widgets.auth.login import FirstAdminDialog, LoginDialog
from widgets.main_window import MainWindow

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TZ = ZoneInfo("Asia/Shanghai")
ADMIN_PW = "Gr1d-Control-Room"  # the tests' own passwords, never a product default
OPERATOR_PW = "Shift-Op3rator-A"
ENGINEER_PW = "Dr4wing-Board-7"


def shot(widget, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    widget.grab().save(str(ARTIFACTS / f"{name}.png"))


def first_admin(qtbot, window: MainWindow, name: str = "admin", display: str = "李明") -> FirstAdminDialog:
    """Answer the first-administrator dialog the console opens on a fresh database."""
    access = window.access
    qtbot.waitUntil(lambda: isinstance(access.dialog, FirstAdminDialog), timeout=20_000)
    dialog = access.dialog
    qtbot.keyClicks(dialog.name, name)
    dialog.display_name.setText(display)
    qtbot.keyClicks(dialog.fields.password, ADMIN_PW)
    qtbot.keyClicks(dialog.fields.repeat, ADMIN_PW)
    assert dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(access.dialog, LoginDialog), timeout=20_000)
    return dialog


def sign_in(qtbot, window: MainWindow, name: str, password: str) -> None:
    """Type into the login dialog (opening it from the User menu when none is open) and wait for the login."""
    access = window.access
    if not isinstance(access.dialog, LoginDialog):
        access.sign_in_action.trigger()
    qtbot.waitUntil(lambda: isinstance(access.dialog, LoginDialog), timeout=10_000)
    form = access.dialog.form
    form.name.setText(name)
    form.password.setText("")
    qtbot.keyClicks(form.password, password)
    qtbot.keyClick(form.password, Qt.Key.Key_Return)  # Enter submits
    qtbot.waitUntil(lambda: access.login is not None and access.login.user.name == name, timeout=20_000)


def sign_out(qtbot, window: MainWindow) -> None:
    access = window.access
    access.sign_out_action.trigger()
    qtbot.waitUntil(lambda: access.login is None and isinstance(access.dialog, LoginDialog), timeout=10_000)


def close(window: MainWindow, bridge) -> None:
    window.close()
    bridge.stop()
    use(None)
